package sanafe

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// runFile parses, lowers, places and runs a network for T timesteps on
// the loihi preset with SANA-FE's limits, and returns the report and the
// per-neuron spike counts in SANA-FE's neuron order.
func runFile(t *testing.T, name string, data []byte, T int) (*Report, [][]int32) {
	t.Helper()
	net, err := ParseNetwork(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return runNetwork(t, name, net, T)
}

// runNetwork is runFile for a parsed network.
func runNetwork(t *testing.T, name string, net *Network, T int) (*Report, [][]int32) {
	t.Helper()
	cfg, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cfg = Unlimited(cfg)
	place, _, err := Pins(name, net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	low, err := Lower(name, net, place)
	if err != nil {
		t.Fatal(err)
	}
	var m *chip.Mapping
	if place != nil {
		m, err = chip.MapPinned(low.Net, cfg, low.Pins)
	} else {
		m, err = chip.Map(low.Net, cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), RunSpec{Net: net, Low: low, Map: m, Energy: e, Timesteps: T, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	counts := rep.groupCounts
	return rep, counts
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDenseMappedHandTrace runs testdata/dense_mapped.yaml for 8 steps.
// By hand (a spike at t arrives at t+1; leak 1, input_decay 0):
//
//	in.0  bias 3, th 4:  v 3, 6*, 3, 6*, 3, 6*, 3, 6*  -> fires t1 t3 t5 t7
//	in.1  bias 1, th 4:  v 1, 2, 3, 4, 5*, 1, 2, 3     -> fires t4
//	out.1 th 3, soft: input 0 (in.0, weight 0), 4 at t5 (in.1):
//	      v 0 ... 0, 4* -> 1, 1, 1                     -> fires t5
//	out.0 th 3, soft: +2 at t2, t4 (in.0), +1 at t5 (in.1),
//	      +2 -1 at t6 (in.0 at t5, out.1 at t5):
//	      v 0, 0, 2, 2, 4* -> 1, 2, 3, 3               -> fires t4
//
// Synaptic events (SANA-FE's count): 5 input spikes x 2 targets = 10
// into out, plus out.1's spike x 1 = 11. Messages: each input spike goes
// to two cores (out.0 on core 0.1, out.1 on core 1.0) and out.1's spike
// to one: 11. Hops: tile 1 is one row below tile 0 (SANA-FE's tiles run
// down the mesh's columns): 5 messages to out.1 and 1 back, 6 north-south.
func TestDenseMappedHandTrace(t *testing.T) {
	rep, counts := runFile(t, "dense_mapped.yaml", readFixture(t, "dense_mapped.yaml"), 8)
	want := [][]int32{{4, 1}, {1, 1}}
	for g := range want {
		if !slices.Equal(counts[g], want[g]) {
			t.Errorf("group %d spikes per neuron %v, want %v", g, counts[g], want[g])
		}
	}
	if got := rep.TotalSpikes(); got != 7 {
		t.Errorf("neurons fired %d, want 7", got)
	}
	if got := rep.Layers[1].SynEvents; got != 11 {
		t.Errorf("synaptic events into out %d, want 11", got)
	}
	if rep.Counts.Packets != 11 || rep.Counts.HopsX != 0 || rep.Counts.HopsY != 6 {
		t.Errorf("messages %d, hops x %d y %d; want 11, 0, 6", rep.Counts.Packets, rep.Counts.HopsX, rep.Counts.HopsY)
	}
	// Updates (v, input or bias nonzero at a step's start): in 2 x 8 = 16;
	// out.0 at t2..t7 = 6; out.1 at t5, t6, t7 = 3. SANA-FE also counts
	// out.1 at t2 and t4, where in.0's weight-0 synapse delivers a message
	// that sums to 0 (docs/sanafe.md): 11 there.
	if rep.Layers[0].Updates != 16 || rep.Layers[1].Updates != 9 {
		t.Errorf("updates %d, %d; want 16, 9", rep.Layers[0].Updates, rep.Layers[1].Updates)
	}
	// Messages out of each group: in's 5 spikes to 2 cores each, out.1's 1.
	if rep.Layers[0].Messages != 10 || rep.Layers[1].Messages != 1 || rep.Layers[0].Hops != 5 || rep.Layers[1].Hops != 1 {
		t.Errorf("messages %d, %d, hops %d, %d; want 10, 1, 5, 1", rep.Layers[0].Messages, rep.Layers[1].Messages, rep.Layers[0].Hops, rep.Layers[1].Hops)
	}
	if !rep.Pinned && rep.Cores != 3 {
		t.Errorf("cores %d, want 3 as mapped", rep.Cores)
	}
}

// TestNetlist: dense_mapped.net is dense_mapped.yaml in the netlist
// format; it fires, counts and routes the same.
func TestNetlist(t *testing.T) {
	net, err := ParseNetlist("dense_mapped.net", readFixture(t, "dense_mapped.net"))
	if err != nil {
		t.Fatal(err)
	}
	rep, counts := runNetwork(t, "dense_mapped.net", net, 8)
	want := [][]int32{{4, 1}, {1, 1}}
	for g := range want {
		if !slices.Equal(counts[g], want[g]) {
			t.Errorf("group %d spikes per neuron %v, want %v", g, counts[g], want[g])
		}
	}
	if rep.Layers[1].SynEvents != 11 || rep.Counts.Packets != 11 || rep.Counts.HopsY != 6 {
		t.Errorf("synaptic events %d, messages %d, hops y %d; want 11, 11, 6", rep.Layers[1].SynEvents, rep.Counts.Packets, rep.Counts.HopsY)
	}
	for _, tc := range []struct{ src, want string }{
		{"g 2\nx 1\n", `entry type "x"`},
		{"g 2\nn 1.0 bias=1\n", "neuron: expected GROUP.NEURON of a defined group"},
		{"g 2 colour=3\n", `unknown attribute "colour"`},
		{"g 2\ne 0.0->0.5 weight=1\n", `neuron "0".5 does not exist`},
		{"g 2\n& 0.0@0.0 extra\n", "expected GROUP.NEURON@TILE.CORE"},
		{"g 2 threshold\n", "expected key=value fields"},
	} {
		_, err := ParseNetlist("bad.net", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sanafe: bad.net:") {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
	}
}

// TestInputNeurons runs testdata/inputs.yaml for 6 steps. in.0 fires at
// t0, t2, t3 and in.1 at t1 (their trains); out.0 (threshold 2) gets +2
// at t1, +1 at t2, +2 at t3 and t4: v 2, 3* -> 0, 2, 4* -> 0, so it
// fires twice. Synaptic events: 4 input spikes x 1 synapse. Messages:
// the 4 input spikes enter from the host. Updates: an input neuron is
// updated when it fires (4); out.0 at t1..t4 (input or v != 0): 4.
func TestInputNeurons(t *testing.T) {
	rep, counts := runFile(t, "inputs.yaml", readFixture(t, "inputs.yaml"), 6)
	want := [][]int32{{3, 1}, {2}}
	for g := range want {
		if !slices.Equal(counts[g], want[g]) {
			t.Errorf("group %d spikes per neuron %v, want %v", g, counts[g], want[g])
		}
	}
	if rep.Layers[1].SynEvents != 4 || rep.Counts.HostPackets != 4 || rep.Layers[0].Updates != 4 || rep.Layers[1].Updates != 4 {
		t.Errorf("synaptic events %d, host messages %d, updates %d, %d; want 4, 4, 4, 4",
			rep.Layers[1].SynEvents, rep.Counts.HostPackets, rep.Layers[0].Updates, rep.Layers[1].Updates)
	}
	for _, tc := range []struct{ edit, want string }{
		{"    - out -> in: {type: dense, weight: [1, 1]}\nmappings:", `group "in" holds input neurons (spike trains), which take no input`},
		{"      attributes: {log_spikes: true, threshold: 3}\n      neurons:\n        - 0: {spikes: [1, 0, 1, 1]}", "threshold: input neurons (spike trains) take no soma parameters"},
		{"        - 0: {spikes: [1, 2]}", "spikes: [1]: expected 0, 1, false or true"},
	} {
		src := string(readFixture(t, "inputs.yaml"))
		switch {
		case strings.HasPrefix(tc.edit, "    - out"):
			src = strings.Replace(src, "mappings:", tc.edit, 1)
		case strings.HasPrefix(tc.edit, "      attributes"):
			src = strings.Replace(src, "      attributes: {log_spikes: true}\n      neurons:\n        - 0: {spikes: [1, 0, 1, 1]}", tc.edit, 1)
		default:
			src = strings.Replace(src, "        - 0: {spikes: [1, 0, 1, 1]}", tc.edit, 1)
		}
		net, err := ParseNetwork("bad.yaml", []byte(src))
		if err == nil {
			_, err = Lower("bad.yaml", net, nil)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// TestConvHandTrace runs testdata/conv.yaml for 6 steps. The centre input
// (1,1) fires every step (bias 2 > threshold 1, reset to 0), from t0, so
// each output gets one kernel tap every step from t1: output (y, x) sees
// tap (ky, kx) = (1-y, 1-x), whose weight in SANA-FE's [ky][kx] list
// [1, 2, 3, 4] is 4, 3, 2, 1 for outputs 0..3. With threshold 4 and hard
// reset: +4: 4, 8*, 4, 8*, 4 -> 2; +3: 3, 6*, 3, 6*, 3 -> 2;
// +2: 2, 4, 6*, 2, 4 -> 1; +1: 1..5, fires at t5 -> 1. late gets 10 from
// t0+1+2 = t3 on (delay 2): fires t3, t4, t5.
func TestConvHandTrace(t *testing.T) {
	data := readFixture(t, "conv.yaml")
	_, counts := runFile(t, "conv.yaml", data, 6)
	want := [][]int32{{0, 0, 0, 0, 6, 0, 0, 0, 0}, {2, 2, 1, 1}, {3}}
	for g := range want {
		if !slices.Equal(counts[g], want[g]) {
			t.Errorf("group %d spikes per neuron %v, want %v", g, counts[g], want[g])
		}
	}
	// The same network with out's neurons interleaved over two cores:
	// the chip regroups them and carries the conv2d as explicit synapses;
	// every neuron must fire as before.
	pinned := bytes.Replace(data, []byte("mappings: []"), []byte(`mappings:
  - in: {core: 0.0}
  - out.0: {core: 0.1}
  - out.1: {core: 0.2}
  - out.2: {core: 0.1}
  - out.3: {core: 0.2}
  - late: {core: 0.3}`), 1)
	rep, counts2 := runFile(t, "conv-pinned.yaml", pinned, 6)
	for g := range want {
		if !slices.Equal(counts2[g], want[g]) {
			t.Errorf("pinned: group %d spikes per neuron %v, want %v", g, counts2[g], want[g])
		}
	}
	if !rep.Pinned && rep.Cores != 4 {
		t.Errorf("pinned: %d cores, want 4", rep.Cores)
	}
}

// TestWeightSplit: weights beyond int8 are carried exactly by two
// projections (hi << 7 + lo).
func TestWeightSplit(t *testing.T) {
	src := `network:
  groups:
    - name: a
      attributes: {threshold: 1}
      neurons: [0: {bias: 2}]
    - name: b
      attributes: {threshold: 1000}
      neurons: [0..2]
  edges:
    - a -> b: {type: dense, weight: [-289, 300, 127]}
`
	rep, _ := runFile(t, "split.yaml", []byte(src), 2)
	_ = rep
	net, _ := ParseNetwork("split.yaml", []byte(src))
	low, err := Lower("split.yaml", net, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(low.EdgeProjections[0]); got != 2 {
		t.Fatalf("%d projections, want 2 (high and low parts)", got)
	}
	hi, lo := low.Net.Projections[0], low.Net.Projections[1]
	for i, w := range []int{-289, 300, 127} {
		if got := int(hi.Weights[i])<<hi.WeightExp + int(lo.Weights[i]); got != w {
			t.Errorf("weight %d: hi %d lo %d give %d, want %d", i, hi.Weights[i], lo.Weights[i], got, w)
		}
	}
}

// TestBadInput: every problem is one line naming file, line, where and
// field.
func TestBadInput(t *testing.T) {
	base := `network:
  groups:
    - name: a
      attributes: {threshold: 2}
      neurons: [0..3]
    - name: b
      attributes: {threshold: 2}
      neurons: [0..1]
  edges:
EOF
mappings:
`
	cases := []struct {
		name, edges, mappings, want string
	}{
		{"unknown attribute", "    - a -> b: {type: dense, weight: [1,2,3,4,5,6,7,8], colour: 3}", "", `edge "a->b": unknown attribute "colour"`},
		{"weights too short", "    - a -> b: {type: dense, weight: [1, 2]}", "", "weight: has 2 entries, want 8"},
		{"missing group", "    - a -> c: {type: dense, weight: [1]}", "", `target: group "c": no such group`},
		{"missing neuron", "    - a.7 -> b.0: {weight: 1}", "", `source: neuron "a".7 does not exist (the group has 4 neurons)`},
		{"conv size", "    - a -> b: {type: conv2d, input_width: 2, input_height: 2, input_channels: 1, kernel_width: 2, kernel_height: 2, kernel_count: 1, weight: [1]}", "", "target group has 2 neurons, the conv2d output is 1 x 1 x 1"},
		{"no type", "    - a -> b: {weight: [1]}", "", "type: a group-to-group edge needs type"},
		{"core missing", "", "  - a: {core: 40.0}\n  - b: {core: 0.1}", "core: 40.0 does not exist"},

		{"unmapped", "", "  - a: {core: 0.0}", `group "b": neuron 0 is not mapped`},
		{"bad range", "", "  - a.2..9: {core: 0.0}", "neurons: expected an id or range"},
	}
	cfg, _ := chip.Preset("loihi")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, "EOF\n", tc.edges+"\n", 1) + tc.mappings + "\n"
			net, err := ParseNetwork("bad.yaml", []byte(src))
			if err == nil {
				_, _, err = Pins("bad.yaml", net, cfg)
			}
			if err == nil {
				t.Fatalf("accepted")
			}
			msg := err.Error()
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, "sanafe: bad.yaml:") {
					t.Errorf("error line %q does not start with \"sanafe: bad.yaml:\"", line)
				}
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q: want a line containing %q", msg, tc.want)
			}
		})
	}
	// More neurons on one core than it holds.
	small := cfg
	small.NeuronsPerCore = 3
	net, err := ParseNetwork("bad.yaml", []byte(strings.Replace(base, "EOF\n", "", 1)+"  - a: {core: 0.0}\n  - b: {core: 0.1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Pins("bad.yaml", net, small); err == nil || !strings.Contains(err.Error(), "core 0.0 now holds 4 neurons, more than the 3") {
		t.Errorf("overfull core: %v", err)
	}
	// Two groups on one core: the second moves to a free core of the tile,
	// and with none free it is an error.
	shared := strings.Replace(base, "EOF\n", "", 1) + "  - a: {core: 0.0}\n  - b: {core: 0.0}\n"
	net, err = ParseNetwork("bad.yaml", []byte(shared))
	if err != nil {
		t.Fatal(err)
	}
	place, notes, err := Pins("bad.yaml", net, cfg)
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], `group "b": its neurons mapped to core 0.0 (with group "a") run on core 0.1`) || place[1][0] != 1 {
		t.Errorf("shared core: notes %q, error %v", notes, err)
	}
	one := cfg
	one.CoresPerRouter = 1
	if _, _, err := Pins("bad.yaml", net, one); err == nil || !strings.Contains(err.Error(), `core 0.0 also holds group "a" and tile 0 has no free core`) {
		t.Errorf("shared core, full tile: %v", err)
	}
	// A group's ids must be 0..N-1, each once: SANA-FE sizes a group by
	// counting its entries.
	for _, tc := range []struct{ neurons, want string }{
		{"[0..2, 2]", "neuron 2 is listed twice"},
		{"[0, 2]", "neuron 1 is not listed"},
	} {
		src := "network:\n  groups:\n    - name: a\n      attributes: {threshold: 2}\n      neurons: " + tc.neurons + "\n  edges: []\n"
		if _, err := ParseNetwork("bad.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("neurons %s: error %v, want %q", tc.neurons, err, tc.want)
		}
	}
	// Lowering refuses what the chip cannot carry exactly.
	for _, tc := range []struct{ attr, want string }{
		{"threshold: 2.5", "threshold: 2.5 is not an integer"},
		{"threshold: 2, reverse_reset_mode: hard", "reverse_reset_mode: hard is not supported"},
		{"threshold: 2, bias: 0.5", "bias: 0.5 is not an integer"},
		{"threshold: 2, leak_decay: 1.5", "leak_decay: 1.5 is outside [0, 1]"},
	} {
		src := "network:\n  groups:\n    - name: a\n      attributes: {" + tc.attr + "}\n      neurons: [0]\n  edges: []\n"
		net, err := ParseNetwork("bad.yaml", []byte(src))
		if err == nil {
			_, err = Lower("bad.yaml", net, nil)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.attr, err, tc.want)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		head string
		want FileKind
	}{
		{"# comment\n\nnetwork:\n  name: x\n", NetworkFile},
		{"---\narchitecture:\n", ArchFile},
		{"name: loihi\nmesh_width: 8\n", NotSanaFE},
		{"PK\x03\x04rest", ZipFile},
		{"  network: indented\n", NotSanaFE},
		{"# netlist\ng 3 threshold=1\n", NetlistFile},
	} {
		if got := Detect([]byte(tc.head)); got != tc.want {
			t.Errorf("Detect(%q) = %d, want %d", tc.head, got, tc.want)
		}
	}
}

// TestDVSTutorialGolden is tutorial_5_dvs: SANA-FE's DVS challenge data
// (not in this repository: SANA-FE is GPL) run for 1000 timesteps must
// fire exactly 365,277 neurons (the tutorial's expected_firing_neurons).
// Set SANAFE_DIR to a SANA-FE checkout to run it.
func TestDVSTutorialGolden(t *testing.T) {
	dir := os.Getenv("SANAFE_DIR")
	if dir == "" {
		t.Skip("SANAFE_DIR is not set: set it to a SANA-FE checkout (github.com/SLAM-Lab/SANA-FE) to run tutorial_5_dvs")
	}
	if testing.Short() {
		t.Skip("1000 timesteps of the DVS network take seconds")
	}
	path := filepath.Join(dir, "sanafe", "examples", "dvs_challenge.npz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	net, err := DVSTutorial(path, f, st.Size(), 4)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := chip.Preset("loihi")
	cfg = Unlimited(cfg)
	place, _, err := Pins(path, net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	low, err := Lower(path, net, place)
	if err != nil {
		t.Fatal(err)
	}
	m, err := chip.MapPinned(low.Net, cfg, low.Pins)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := energy.Preset("loihi")
	rep, err := Run(context.Background(), RunSpec{Net: net, Low: low, Map: m, Energy: e, Timesteps: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.TotalSpikes(); got != 365277 {
		t.Errorf("neurons fired %d, want 365277 (tutorial_5_dvs)", got)
	}
	// dvs.yaml (the README's ./sim -s arch/loihi.yaml snn/dvs.yaml 1000)
	// parses and lowers with its interleaved mapping.
	data, err := os.ReadFile(filepath.Join(dir, "snn", "dvs.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	yn, err := ParseNetwork("dvs.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(yn.Groups); n != 6 || yn.Groups[3].Size != 7744 {
		t.Errorf("dvs.yaml: %d groups, group 3 has %d neurons; want 6 and 7744", n, yn.Groups[3].Size)
	}
}
