package nir

import (
	"bufio"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// publicFixtures are the NIR paper's files (see testdata/README.md).
var publicFixtures = []string{
	"braille_noDelay_bias_zero.nir",
	"braille_noDelay_bias_zero_subgraph.nir",
	"cnn_sinabs.nir",
	"lif_norse.nir",
	"lif_rockpool.nir",
	"two_lif_neurons.nir",
}

func mustRead(t *testing.T, name string, opts Options) *Graph {
	t.Helper()
	g, err := Read(filepath.Join("testdata", name), opts)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return g
}

// paramTensors lists the tensors of a node by NIR field name.
func paramTensors(p Params) []namedTensor {
	switch p := p.(type) {
	case *AffineParams:
		return []namedTensor{{"weight", p.Weight}, {"bias", p.Bias}}
	case *LinearParams:
		return []namedTensor{{"weight", p.Weight}}
	case *ConvParams:
		return []namedTensor{{"weight", p.Weight}, {"bias", p.Bias}}
	}
	return neuronTensors(p)
}

// exactSum returns the correctly rounded sum of xs, as Python's math.fsum.
func exactSum(xs []float64) float64 {
	s := new(big.Float).SetPrec(4096)
	for _, x := range xs {
		s.Add(s, new(big.Float).SetPrec(4096).SetFloat64(x))
	}
	f, _ := s.Float64()
	return f
}

// summaryLines renders g in the format of testdata/h5py_summary.py,
// leaving out parameters Read filled in because the file had none.
func summaryLines(g *Graph, path string, out []string) []string {
	for _, n := range g.Nodes {
		p := join(path, n.Name)
		out = append(out, fmt.Sprintf("node %s %s", p, n.Kind))
		if gp, ok := n.Params.(*GraphParams); ok {
			out = summaryLines(gp.Graph, p, out)
			continue
		}
		defaulted := map[string]bool{}
		switch q := n.Params.(type) {
		case *LIFParams:
			defaulted["v_reset"] = q.VResetMissing
		case *IFParams:
			defaulted["v_reset"] = q.VResetMissing
		case *CubaLIFParams:
			defaulted["v_reset"], defaulted["w_in"] = q.VResetMissing, q.WInMissing
		case *CubaLIParams:
			defaulted["w_in"] = q.WInMissing
		}
		ts := paramTensors(n.Params)
		sort.Slice(ts, func(i, j int) bool { return ts[i].name < ts[j].name })
		for _, nt := range ts {
			if defaulted[nt.name] || (nt.t.DType != Float32 && nt.t.DType != Float64) {
				continue
			}
			out = append(out, fmt.Sprintf("param %s %s %s %s %.6e", p, nt.name, nt.t.Shape, nt.t.DType, exactSum(nt.t.Data)))
		}
	}
	gp := path
	if gp == "" {
		gp = "-"
	}
	for _, e := range g.Edges {
		out = append(out, fmt.Sprintf("edge %s %s %s", gp, e.Src, e.Dst))
	}
	return out
}

// TestFixturesMatchH5py checks every valid fixture against what h5py reads
// from it (testdata/h5py_summary.txt, written once by h5py_summary.py with
// Debian's python3-h5py 3.7.0): node names and types, the shape, dtype and
// exact sum of every float parameter, and the edges in file order.
func TestFixturesMatchH5py(t *testing.T) {
	f, err := os.Open("testdata/h5py_summary.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string][]string{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "file "); ok {
			cur = name
			continue
		}
		want[cur] = append(want[cur], line)
	}
	if len(want) != len(publicFixtures)+1 {
		t.Fatalf("h5py summary lists %d files, want %d", len(want), len(publicFixtures)+1)
	}
	for name, lines := range want {
		g := mustRead(t, name, Options{})
		got := summaryLines(g, "", nil)
		// Read repairs one edge name in the Braille subgraph file (see
		// TestBrailleTwins); h5py shows the file as written.
		if name == "braille_noDelay_bias_zero_subgraph.nir" {
			for i, l := range got {
				f := strings.Fields(l)
				if f[0] != "edge" || f[1] != "lif1" {
					continue
				}
				for j := 2; j < 4; j++ {
					if f[j] == "lif1" {
						f[j] = "lif"
					}
				}
				got[i] = strings.Join(f, " ")
			}
		}
		if !reflect.DeepEqual(got, lines) {
			t.Errorf("%s: reader and h5py differ\ngot:\n%s\nwant:\n%s", name, strings.Join(got, "\n"), strings.Join(lines, "\n"))
		}
	}
}

// TestFixtureShapes checks inferred shapes, including cnn_sinabs's
// 2x34x34 input carried through Conv2d, SumPool2d and Flatten.
func TestFixtureShapes(t *testing.T) {
	tests := map[string]map[string]string{
		"cnn_sinabs.nir": {
			"input": "2x34x34 -> 2x34x34", "0": "2x34x34 -> 16x16x16", "1": "16x16x16 -> 16x16x16",
			"2": "16x16x16 -> 16x16x16", "4": "16x16x16 -> 16x8x8", "5": "16x8x8 -> 8x8x8",
			"7": "8x8x8 -> 8x4x4", "8": "8x4x4 -> 128", "9": "128 -> 256", "11": "256 -> 10",
			"12": "10 -> 10", "output": "10 -> 10",
		},
		"braille_noDelay_bias_zero.nir": {
			"input": "12 -> 12", "fc1": "12 -> 38", "lif1.lif": "38 -> 38", "lif1.w_rec": "38 -> 38",
			"fc2": "38 -> 7", "lif2": "7 -> 7", "output": "7 -> 7",
		},
		"all_nodes.nir": {
			"conv2": "2x8x8 -> 4x8x8", "if": "4x8x8 -> 4x8x8", "avg": "4x8x8 -> 4x4x4",
			"sum": "4x4x4 -> 4x4x4", "flat": "4x4x4 -> 64", "conv1": "3x16 -> 2x7",
			"flat1": "2x7 -> 14", "sub": "5 -> 5",
		},
	}
	for file, nodes := range tests {
		g := mustRead(t, file, Options{})
		for name, want := range nodes {
			n := g.Node(name)
			if n == nil {
				t.Errorf("%s: no node %q", file, name)
				continue
			}
			if got := n.In.String() + " -> " + n.Out.String(); got != want {
				t.Errorf("%s: node %s: shapes %s, want %s", file, name, got, want)
			}
		}
	}
}

// TestBrailleTwins: the flat Braille file and its nested-subgraph twin give
// the same graph once the subgraph is inlined; only the recurrent layer's
// node names differ ("lif1.lif1" and "lif1.lin" against "lif1.lif" and
// "lif1.w_rec").
func TestBrailleTwins(t *testing.T) {
	flat := mustRead(t, "braille_noDelay_bias_zero.nir", Options{})
	nested := mustRead(t, "braille_noDelay_bias_zero_subgraph.nir", Options{})
	if len(nested.Notes) != 1 || !strings.Contains(nested.Notes[0], `read as "lif1"`) {
		t.Errorf("nested file notes = %q, want one note on the repaired edge name", nested.Notes)
	}
	in, err := nested.Inline()
	if err != nil {
		t.Fatal(err)
	}
	rename := map[string]string{"lif1.lif1": "lif1.lif", "lif1.lin": "lif1.w_rec"}
	name := func(s string) string {
		if r, ok := rename[s]; ok {
			return r
		}
		return s
	}
	if len(in.Nodes) != len(flat.Nodes) {
		t.Fatalf("inlined twin has %d nodes, flat file %d", len(in.Nodes), len(flat.Nodes))
	}
	for _, n := range in.Nodes {
		m := flat.Node(name(n.Name))
		if m == nil {
			t.Errorf("node %s (%s) has no counterpart", n.Name, name(n.Name))
			continue
		}
		if n.Kind != m.Kind || !n.In.Equal(m.In) || !n.Out.Equal(m.Out) || !reflect.DeepEqual(n.Params, m.Params) {
			t.Errorf("node %s differs from %s", n.Name, m.Name)
		}
	}
	edgeSet := func(es []Edge, f func(string) string) []string {
		var out []string
		for _, e := range es {
			out = append(out, f(e.Src)+" -> "+f(e.Dst))
		}
		sort.Strings(out)
		return out
	}
	id := func(s string) string { return s }
	if a, b := edgeSet(in.Edges, name), edgeSet(flat.Edges, id); !reflect.DeepEqual(a, b) {
		t.Errorf("edges differ:\n%q\n%q", a, b)
	}
}

func TestInlineAllNodes(t *testing.T) {
	g := mustRead(t, "all_nodes.nir", Options{})
	in, err := g.Inline()
	if err != nil {
		t.Fatal(err)
	}
	if in.Node("sub") != nil || in.Node("sub.in") != nil || in.Node("sub.out") != nil {
		t.Error("nested graph or its Input/Output left after Inline")
	}
	var edges []string
	for _, e := range in.Edges {
		if strings.HasPrefix(e.Src, "sub.") || strings.HasPrefix(e.Dst, "sub.") {
			edges = append(edges, e.Src+" -> "+e.Dst)
		}
	}
	sort.Strings(edges)
	if want := []string{"li -> sub.lif", "sub.lif -> output"}; !reflect.DeepEqual(edges, want) {
		t.Errorf("edges through the nested graph = %q, want %q", edges, want)
	}
	// "sub" is replaced by its one non-port node, "sub.lif".
	if len(in.Nodes) != len(g.Nodes) {
		t.Errorf("inlined graph has %d nodes, want %d", len(in.Nodes), len(g.Nodes))
	}
}

func TestParams(t *testing.T) {
	g := mustRead(t, "lif_norse.nir", Options{})
	lif := g.Node("1").Params.(*LIFParams)
	if !lif.VResetMissing || !reflect.DeepEqual(lif.VReset.Data, []float64{0}) {
		t.Errorf("lif_norse v_reset = %v (missing %v), want [0] filled in", lif.VReset.Data, lif.VResetMissing)
	}
	if lif.Tau.DType != Float32 || lif.Tau.Data[0] != float64(float32(0.0025)) {
		t.Errorf("tau = %v %v, want float32 0.0025", lif.Tau.DType, lif.Tau.Data)
	}
	a := mustRead(t, "all_nodes.nir", Options{})
	c := a.Node("cubalif").Params.(*CubaLIFParams)
	if c.VResetMissing || c.WInMissing || c.VReset.Data[0] != -0.5 || c.WIn.Data[0] != 2 {
		t.Errorf("cubalif v_reset %v w_in %v, want -0.5 and 2 from the file", c.VReset.Data[0], c.WIn.Data[0])
	}
	if cl := a.Node("cubali").Params.(*CubaLIParams); !cl.WInMissing || cl.WIn.Data[0] != 1 {
		t.Errorf("cubali w_in = %v (missing %v), want ones filled in", cl.WIn.Data, cl.WInMissing)
	}
	conv := a.Node("conv2").Params.(*ConvParams)
	if conv.PadMode != PadSame || conv.Groups != 2 || !reflect.DeepEqual(conv.Stride, []int{1, 1}) {
		t.Errorf("conv2 = %+v, want same padding, groups 2, stride 1x1", conv)
	}
	c1 := a.Node("conv1").Params.(*ConvParams)
	if c1.PadMode != PadExplicit || !reflect.DeepEqual(c1.Padding, []int{1}) || !reflect.DeepEqual(c1.Dilation, []int{2}) || !c1.InputShape.Equal(Shape{16}) {
		t.Errorf("conv1 = %+v", c1)
	}
	if a.Version != "1.0.7" || g.Version != "0.1.1" {
		t.Errorf("versions %q %q", a.Version, g.Version)
	}
}

// TestStrict: the two tolerated deviations in the public fixtures become
// errors under Options.Strict.
func TestStrict(t *testing.T) {
	for file, want := range map[string]string{
		"lif_rockpool.nir":                       `node "output": field "input": receives shape 1 from "1_LIFNeuronTorch" but declares 1x1x1`,
		"braille_noDelay_bias_zero_subgraph.nir": `node "lif1": field "edges": edge 0 names destination "lif"`,
	} {
		_, err := Read(filepath.Join("testdata", file), Options{Strict: true})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s strict: err = %v, want %q", file, err, want)
		}
		if g := mustRead(t, file, Options{}); len(g.Notes) != 1 {
			t.Errorf("%s: notes %q, want 1", file, g.Notes)
		}
	}
}

// TestInlineCollision: a top-level node named like an inlined one is an
// error, whichever comes first in name order.
func TestInlineCollision(t *testing.T) {
	sub := &Graph{
		Nodes: []*Node{
			{Name: "in", Kind: KindInput, Params: &IOParams{Shape: Shape{1}}},
			{Name: "lin", Kind: KindScale, Params: &ScaleParams{}},
			{Name: "out", Kind: KindOutput, Params: &IOParams{Shape: Shape{1}}},
		},
		Edges: []Edge{{"in", "lin"}, {"lin", "out"}},
	}
	g := &Graph{
		Nodes: []*Node{
			{Name: "a", Kind: KindGraph, Params: &GraphParams{Graph: sub}},
			{Name: "a.lin", Kind: KindScale, Params: &ScaleParams{}},
		},
		Edges: []Edge{{"a", "a.lin"}},
	}
	if _, err := g.Inline(); err == nil || !strings.Contains(err.Error(), `"a.lin" is used twice`) {
		t.Errorf("Inline: %v, want a collision on a.lin", err)
	}
}

// TestConcurrentReads: Read shares no state; parallel reads of the same
// and different files give the same graphs as serial ones (run with -race).
func TestConcurrentReads(t *testing.T) {
	render := func(name string) string {
		g, err := Read(filepath.Join("testdata", name), Options{})
		if err != nil {
			return err.Error()
		}
		return strings.Join(summaryLines(g, "", nil), "\n")
	}
	want := map[string]string{}
	for _, name := range publicFixtures {
		want[name] = render(name)
	}
	var wg sync.WaitGroup
	got := make([]string, 2*len(publicFixtures))
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = render(publicFixtures[i%len(publicFixtures)])
		}()
	}
	wg.Wait()
	for i, g := range got {
		if name := publicFixtures[i%len(publicFixtures)]; g != want[name] {
			t.Errorf("%s: concurrent read differs", name)
		}
	}
}
