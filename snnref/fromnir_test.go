package snnref

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
)

// loadNIR reads a NIR file and converts it at dt = 1e-4 s.
func loadNIR(t *testing.T, path string) Graph {
	t.Helper()
	ng, err := nir.Read(path, nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := FromNIR(ng, 1e-4)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g
}

// runFixture steps g for steps with seeded random 0/1 input (10 % per
// element and step) and returns the concatenated outputs of every Output
// node, per step, and the spike counts of every firing neuron node.
func runFixture(t *testing.T, g Graph, steps int, seed uint64) ([][]float64, map[string]int64) {
	t.Helper()
	sim, err := New(g, neuron.FloatOptions{DT: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	rng := newRand(seed)
	var in [][]float64
	var outputs []string
	for _, n := range g.Nodes {
		switch n.Kind {
		case Input:
			in = append(in, make([]float64, n.Size))
		case Output:
			outputs = append(outputs, n.Name)
		}
	}
	var trace [][]float64
	for range steps {
		for _, x := range in {
			for i := range x {
				x[i] = 0
				if rng.Float64() < 0.1 {
					x[i] = 1
				}
			}
		}
		if err := sim.Step(in); err != nil {
			t.Fatal(err)
		}
		var row []float64
		for _, o := range outputs {
			row = append(row, sim.Output(o)...)
		}
		trace = append(trace, row)
	}
	counts := map[string]int64{}
	for _, n := range g.Nodes {
		if n.Kind == Neuron && n.Neuron.Kind.Fires() {
			var c int64
			for _, x := range sim.SpikeCounts(n.Name) {
				c += x
			}
			counts[n.Name] = c
		}
	}
	return trace, counts
}

// TestFixturesRunInFloat loads every public NIR fixture (and the reader's
// all-node-types file) through package nir and FromNIR, runs 200 steps of
// seeded random spike input, and reports the spike counts of each neuron
// node. Every fixture must show activity: some spike or nonzero output.
// (two_lif_neurons' output neuron has threshold 20 and stays silent; its
// first neuron, with v_leak 1.2 above its threshold 1, fires once after
// 179 steps = tau·ln 6.)
func TestFixturesRunInFloat(t *testing.T) {
	for _, name := range []string{"lif_norse", "lif_rockpool", "two_lif_neurons", "cnn_sinabs",
		"braille_noDelay_bias_zero", "braille_noDelay_bias_zero_subgraph", "all_nodes"} {
		t.Run(name, func(t *testing.T) {
			g := loadNIR(t, "../nir/testdata/"+name+".nir")
			trace, counts := runFixture(t, g, 200, 1)
			nonzero := 0
			for _, row := range trace {
				for _, x := range row {
					if x != 0 {
						nonzero++
					}
				}
			}
			names := make([]string, 0, len(counts))
			for n := range counts {
				names = append(names, n)
			}
			slices.Sort(names)
			var b strings.Builder
			for _, n := range names {
				fmt.Fprintf(&b, " %s=%d", n, counts[n])
			}
			t.Logf("%s: %d nodes, %d edges; spikes per neuron node:%s; nonzero output values %d", name, len(g.Nodes), len(g.Edges), b.String(), nonzero)
			var spikes int64
			for _, c := range counts {
				spikes += c
			}
			if nonzero == 0 && spikes == 0 {
				t.Errorf("%s: no spike and no nonzero output over 200 steps", name)
			}
		})
	}
}

// TestBrailleSubgraphTwin: the flat Braille network and its twin with the
// recurrent layer as a nested NIRGraph give identical outputs at every step.
func TestBrailleSubgraphTwin(t *testing.T) {
	flat, _ := runFixture(t, loadNIR(t, "../nir/testdata/braille_noDelay_bias_zero.nir"), 300, 7)
	nested, _ := runFixture(t, loadNIR(t, "../nir/testdata/braille_noDelay_bias_zero_subgraph.nir"), 300, 7)
	for step := range flat {
		if !slices.Equal(flat[step], nested[step]) {
			t.Fatalf("step %d: flat %v, nested %v", step, flat[step], nested[step])
		}
	}
}

// FromNIR refuses what its Conv2d cannot express and bad delays, naming the
// node and field; "same" padding with an odd kernel becomes symmetric.
func TestFromNIRConvPadding(t *testing.T) {
	conv := func(k int) *nir.Graph {
		w := nir.Tensor{Shape: nir.Shape{1, 1, k, k}, Data: make([]float64, k*k)}
		return &nir.Graph{Nodes: []*nir.Node{{Name: "c", Kind: nir.KindConv2d, In: nir.Shape{1, 5, 5}, Out: nir.Shape{1, 5, 5},
			Params: &nir.ConvParams{Dims: 2, Weight: w, Stride: []int{1, 1}, Dilation: []int{1, 1}, Padding: []int{0, 0},
				PadMode: nir.PadSame, Groups: 1}}}}
	}
	g, err := FromNIR(conv(3), 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	if c := g.Nodes[0].Conv; c.Padding != [2]int{1, 1} {
		t.Errorf("same padding for 3x3: %v, want [1 1]", c.Padding)
	}
	if _, err := FromNIR(conv(2), 1e-4); err == nil || !strings.Contains(err.Error(), `node c (Conv2d): field padding: "same" padding needs 1 zeros`) {
		t.Errorf("even kernel with same padding: %v", err)
	}
	d := &nir.Graph{Nodes: []*nir.Node{{Name: "d", Kind: nir.KindDelay, In: nir.Shape{2}, Out: nir.Shape{2},
		Params: &nir.DelayParams{Delay: nir.Tensor{Shape: nir.Shape{2}, Data: []float64{1e-3, -1}}}}}}
	if _, err := FromNIR(d, 1e-4); err == nil || !strings.Contains(err.Error(), "node d (Delay): field delay: delay[1] is -1 s") {
		t.Errorf("negative delay: %v", err)
	}
}
