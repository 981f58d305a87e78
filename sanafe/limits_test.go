package sanafe

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
)

// threeConvs is a network file of about 1 KB: a 2048 x 1024 group and
// three conv2d edges (8 x 8 kernels) to a 2041 x 1017 group, each
// 132,844,608 connections, under MaxConnections alone, over it together.
func threeConvs() []byte {
	ones := strings.TrimSuffix(strings.Repeat("1, ", 64), ", ")
	edge := fmt.Sprintf("    - a -> b: {type: conv2d, input_width: 2048, input_height: 1024, input_channels: 1, kernel_width: 8, kernel_height: 8, kernel_count: 1, weight: [%s]}\n", ones)
	return []byte(fmt.Sprintf(`network:
  groups:
    - name: a
      attributes: {threshold: 1}
      neurons: ['0..%d']
    - name: b
      attributes: {threshold: 1}
      neurons: ['0..%d']
  edges:
%s%s%s`, 2048*1024-1, 2041*1017-1, edge, edge, edge))
}

// TestTotalConnections: the connections of all edges together are bounded,
// not only each edge's; the third edge is refused by line, before
// anything is expanded.
func TestTotalConnections(t *testing.T) {
	_, err := ParseNetwork("big.yaml", threeConvs())
	want := "sanafe: big.yaml:12: edge \"a->b\": the file's edges expand to 398533824 connections up to this one, more than the 268435456 a file may have"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestLowerBytesCoversLower measures what Lower allocates for a conv2d
// edge that a placement forces into explicit synapses, and a sparse
// edge, and checks that LowerBytes bounds it.
func TestLowerBytesCoversLower(t *testing.T) {
	src := `network:
  groups:
    - name: a
      attributes: {threshold: 1}
      neurons: ['0..16383']
    - name: b
      attributes: {threshold: 1}
      neurons: ['0..15624']
  edges:
    - a -> b: {type: conv2d, input_width: 128, input_height: 128, input_channels: 1, kernel_width: 4, kernel_height: 4, kernel_count: 1, weight: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 300]}
    - b -> a: {type: sparse, source_target_pairs: [[0, 1], [2, 3], [4, 5]], weight: [1, 2, 3]}
mappings:
  - a.0..4095: {core: 0.0}
  - a.4096..8191: {core: 0.1}
  - a.8192..12287: {core: 0.0}
  - a.12288..16383: {core: 0.1}
  - b: {core: 1.0}
`
	net, err := ParseNetwork("lb.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	base, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Unlimited(base)
	cfg.NeuronsPerCore = 1 << 14
	place, _, err := Pins("lb.yaml", net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	low, err := Lower("lb.yaml", net, place)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(low)
	got, est := int64(after.TotalAlloc-before.TotalAlloc), LowerBytes(net, true)
	if est < got {
		t.Errorf("LowerBytes %d, Lower allocated %d", est, got)
	}
	t.Logf("LowerBytes %d, Lower allocated %d", est, got)
}

// TestManyErrorsCapped: a network built from an .npz (no lines) whose
// 1,024 input-layer neurons each have a non-integer bias gives the first
// maxListedErrors problems, each "file: group ...: ..." without a line
// number, and a count of the rest.
func TestManyErrorsCapped(t *testing.T) {
	net := &Network{Name: "dvs"}
	var a Attributes
	a.Threshold = 1
	a.mark(FThreshold)
	g := Group{Name: "input_0", Size: 1024, Attr: a}
	for i := range g.Size {
		var b Attributes
		b.Bias = 0.5
		b.mark(FBias)
		g.Neurons = append(g.Neurons, NeuronRange{Lo: i, Hi: i + 1, Attr: b})
	}
	net.Groups = append(net.Groups, g)
	_, err := Lower("dvs.npz", net, nil)
	if err == nil {
		t.Fatal("Lower accepted non-integer biases")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxListedErrors+1 {
		t.Fatalf("%d lines, want %d", len(lines), maxListedErrors+1)
	}
	if want := `sanafe: dvs.npz: group "input_0" neurons 0..0: bias: 0.5 is not an integer`; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q, want prefix %q", lines[0], want)
	}
	if want := "sanafe: ... and 1004 more problems"; lines[maxListedErrors] != want {
		t.Errorf("last line %q, want %q", lines[maxListedErrors], want)
	}
	if len(err.Error()) > 4096 {
		t.Errorf("message is %d bytes", len(err.Error()))
	}
}
