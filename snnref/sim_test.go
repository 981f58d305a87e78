package snnref

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

func mustSim(t *testing.T, g Graph) *Sim {
	t.Helper()
	s, err := New(g, neuron.FloatOptions{DT: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A self-exciting IF neuron: one input pulse at step 0, then its own spikes
// come back through a recurrent Affine one step later (back edge), so it
// fires every step; with a Delay of 2 in the loop it fires every third.
func TestRecurrentEdgeAndDelay(t *testing.T) {
	for _, delay := range []int{-1, 2} { // -1: no Delay node
		g := Graph{
			Nodes: []Node{
				{Name: "in", Kind: Input, Size: 1},
				{Name: "if", Kind: Neuron, Size: 1, Neuron: neuron.FloatParams{Kind: neuron.FloatIF, R: []float64{1}, VThreshold: []float64{0.5}}},
				{Name: "rec", Kind: Affine, In: 1, Out: 1, Weight: []float64{1}},
			},
			Edges: []Edge{{"in", "if"}, {"if", "rec"}},
		}
		if delay >= 0 {
			g.Nodes = append(g.Nodes, Node{Name: "d", Kind: Delay, DelaySteps: []int{delay}})
			g.Edges = append(g.Edges, Edge{"rec", "d"}, Edge{"d", "if"})
		} else {
			g.Edges = append(g.Edges, Edge{"rec", "if"})
		}
		s := mustSim(t, g)
		var got []int
		for step := range 10 {
			x := 0.0
			if step == 0 {
				x = 1
			}
			if err := s.Step([][]float64{{x}}); err != nil {
				t.Fatal(err)
			}
			if s.Output("if")[0] == 1 {
				got = append(got, step)
			}
		}
		want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		if delay == 2 {
			want = []int{0, 3, 6, 9}
		}
		if !slices.Equal(got, want) {
			t.Errorf("delay %d: spikes at %v, want %v (order %v)", delay, got, want, s.Order())
		}
		if c := s.SpikeCounts("if")[0]; c != int64(len(want)) {
			t.Errorf("delay %d: count %d, want %d", delay, c, len(want))
		}
	}
}

// Conv2d and Pool2d against values computed by hand.
func TestConvPool(t *testing.T) {
	// x = 1..16 as a 1×4×4 image.
	x := make([]float64, 16)
	for i := range x {
		x[i] = float64(i + 1)
	}
	run := func(n Node, size int) []float64 {
		g := Graph{Nodes: []Node{{Name: "in", Kind: Input, Size: 16}, n}, Edges: []Edge{{"in", n.Name}}}
		s := mustSim(t, g)
		if err := s.Step([][]float64{slices.Clone(x)}); err != nil {
			t.Fatal(err)
		}
		out := s.Output(n.Name)
		if len(out) != size {
			t.Fatalf("%s: %d outputs, want %d", n.Name, len(out), size)
		}
		return out
	}
	// 2×2 ones kernel, stride 2: sums of the four 2×2 blocks, + bias 0.5.
	c := &ConvParams{InC: 1, H: 4, W: 4, OutC: 1, KH: 2, KW: 2, Stride: [2]int{2, 2}, Dilate: [2]int{1, 1}, Groups: 1,
		Weight: []float64{1, 1, 1, 1}, Bias: []float64{0.5}}
	if got, want := run(Node{Name: "c", Kind: Conv2d, Conv: c}, 4), []float64{14.5, 22.5, 46.5, 54.5}; !slices.Equal(got, want) {
		t.Errorf("conv stride 2: %v, want %v", got, want)
	}
	// 2×2 kernel [1 0; 0 0] with dilation 2, padding 1, stride 1: output
	// (4+2−2−1)+1 = 4 per side; o[y][x] = x[y−1][x−1] (0 outside).
	c2 := &ConvParams{InC: 1, H: 4, W: 4, OutC: 1, KH: 2, KW: 2, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}, Dilate: [2]int{2, 2}, Groups: 1,
		Weight: []float64{1, 0, 0, 0}}
	want2 := []float64{0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}
	if got := run(Node{Name: "c2", Kind: Conv2d, Conv: c2}, 16); !slices.Equal(got, want2) {
		t.Errorf("conv dilation/padding: %v, want %v", got, want2)
	}
	p := &PoolParams{C: 1, H: 4, W: 4, KH: 2, KW: 2, Stride: [2]int{2, 2}}
	if got, want := run(Node{Name: "sum", Kind: Pool2d, Pool: p}, 4), []float64{14, 22, 46, 54}; !slices.Equal(got, want) {
		t.Errorf("sum pool: %v, want %v", got, want)
	}
	pa := *p
	pa.Average = true
	if got, want := run(Node{Name: "avg", Kind: Pool2d, Pool: &pa}, 4), []float64{3.5, 5.5, 11.5, 13.5}; !slices.Equal(got, want) {
		t.Errorf("avg pool: %v, want %v", got, want)
	}
}

// TestGroupedConv: two groups, each output channel sees only its own input
// channel.
func TestGroupedConv(t *testing.T) {
	c := &ConvParams{InC: 2, H: 1, W: 2, OutC: 2, KH: 1, KW: 1, Stride: [2]int{1, 1}, Dilate: [2]int{1, 1}, Groups: 2,
		Weight: []float64{10, 100}}
	g := Graph{Nodes: []Node{{Name: "in", Kind: Input, Size: 4}, {Name: "c", Kind: Conv2d, Conv: c}}, Edges: []Edge{{"in", "c"}}}
	s := mustSim(t, g)
	if err := s.Step([][]float64{{1, 2, 3, 4}}); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Output("c"), []float64{10, 20, 300, 400}; !slices.Equal(got, want) {
		t.Errorf("grouped conv: %v, want %v", got, want)
	}
}

// Bad graphs give one clear error naming the node and field.
func TestBadGraphs(t *testing.T) {
	lif := func(tau float64) Node {
		return Node{Name: "lif", Kind: Neuron, Size: 2, Neuron: neuron.FloatParams{Kind: neuron.FloatLIF,
			Tau: []float64{tau}, R: []float64{1}, VLeak: []float64{0}, VThreshold: []float64{1}}}
	}
	in := Node{Name: "in", Kind: Input, Size: 2}
	cases := []struct {
		g    Graph
		want string
	}{
		{Graph{Nodes: []Node{in, lif(-1)}}, "node lif: neuron: LIF: tau[0] (-1 s) must be > 0"},
		{Graph{Nodes: []Node{in, lif(1)}, Edges: []Edge{{"in", "nope"}}}, "edge in -> nope names a missing node"},
		{Graph{Nodes: []Node{in, {Name: "a", Kind: Affine, In: 3, Out: 1, Weight: []float64{1, 2, 3}}}, Edges: []Edge{{"in", "a"}}},
			"edge in -> a: in gives 2 values, a takes 3"},
		{Graph{Nodes: []Node{in, {Name: "d", Kind: Delay, DelaySteps: []int{1, -2}}}}, "node d (Delay): field delay: element 1 is -2 steps"},
		{Graph{Nodes: []Node{in, in}}, `node name "in" used twice`},
	}
	for _, tc := range cases {
		_, err := New(tc.g, neuron.FloatOptions{DT: 1e-4})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to contain %q", err, tc.want)
		}
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

func TestDelaySteps(t *testing.T) {
	// 2.8e-3/1e-4 is 27.999999999999996 in float64: nearest gives 28.
	got, err := DelaySteps([]float64{0, 2.8e-3, 1.49e-4, 1.51e-4, 0.5}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 0, 0, 0}; !slices.Equal(got, want) { // 0.5 s of 1 s: tie to even
		t.Errorf("DelaySteps(dt 1) = %v, want %v", got, want)
	}
	got, err = DelaySteps([]float64{0, 2.8e-3, 1.49e-4, 1.51e-4}, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 28, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("DelaySteps = %v, want %v", got, want)
	}
	for _, bad := range []struct {
		d    []float64
		dt   float64
		want string
	}{
		{[]float64{1, -1e-4}, 1e-4, "delay[1] is -0.0001 s"},
		{[]float64{1e9}, 1e-4, "delay[0] is 1e+09 s"},
		{[]float64{1}, 0, "dt (0 s) must be finite and > 0"},
	} {
		if _, err := DelaySteps(bad.d, bad.dt); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("DelaySteps(%v, %g): %v, want %q", bad.d, bad.dt, err, bad.want)
		}
	}
}
