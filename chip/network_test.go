package chip

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// TestValidateGraphReportsEverything builds a graph with one mistake per
// rule and checks that Validate names each of them in one error.
func TestValidateGraphReportsEverything(t *testing.T) {
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}
	net := &Network{Name: "bad",
		InputGroups: []InputGroup{{Name: "in", Size: 3}},
		Layers:      []Layer{{Name: "a", Size: 2, Neuron: p}, {Name: "b", Size: 2, Neuron: p}},
		Projections: []Projection{
			{Name: "dense-len", From: Input(0), To: 0, Kind: ProjDense, Weights: make([]int8, 5)},
			{Name: "no-src", From: Population(7), To: 0, Kind: ProjDense},
			{Name: "delay", From: Population(0), To: 1, Kind: ProjOneToOne, Weights: []int8{1, 1}, Delay: MaxDelay + 1},
			{Name: "exp", From: Population(1), To: 1, Kind: ProjOneToOne, Weights: []int8{1, 1}, WeightExp: -1},
			{Name: "port", From: Population(1), To: 0, Kind: ProjOneToOne, Weights: []int8{1, 1}, Port: 1},
			{Name: "syn", From: Population(0), To: 1, Kind: ProjSparse, Synapses: []Synapse{{Pre: 0, Post: 2, Weight: 1}}},
			{Name: "range", From: Population(0), To: 0, Kind: ProjSparse, Synapses: []Synapse{{Pre: 1, Post: 1, Weight: 100}}},
			{Name: "o2o", From: Input(0), To: 1, Kind: ProjOneToOne, Weights: []int8{1, 1, 1}},
			{Name: "conv", From: Input(0), To: 0, Kind: ProjConv, Conv: &Conv{InC: 1, InH: 1, InW: 3, OutC: 1, OutH: 1, OutW: 2,
				KH: 1, KW: 2, StrideH: 1, StrideW: 1, DilH: 1, DilW: 2, Groups: 1, Kernel: []int8{1, 1}}},
		},
		Outputs: []int{1, 1},
	}
	err := net.Validate(4)
	if err == nil {
		t.Fatal("Validate accepted a broken graph")
	}
	for _, want := range []string{
		"projection dense-len: 5 weights, want 6",
		"projection no-src: source population 7 does not exist",
		"projection delay: delay is 256 timesteps, must be in [0, 255]",
		"projection exp: weight exponent is -1",
		"projection port: port is 1, but model if-subtract of a has 1 synaptic input port(s)",
		"projection syn: synapse 0 (0 -> 2) is outside 2 sources x 2 neurons",
		"projection range: synapse 0 weight is 100, outside the 4-bit range [-7, 7]",
		"projection o2o: one-to-one needs as many sources (3) as target neurons (2)",
		"projection conv: conv output width is 2, the geometry gives 1",
		"output 1 repeats population b",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q; got:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 10 {
		t.Errorf("got %d problems, want 10:\n%v", n, err)
	}
}

// TestEdgesChainShorthand checks that the chain shorthand expands to delay-0
// projections from the previous layer, chain ones before explicit ones.
func TestEdgesChainShorthand(t *testing.T) {
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}
	net := &Network{Name: "chain", Inputs: 2, Layers: []Layer{
		{Name: "a", Size: 1, Neuron: p, Weights: []int8{1, 1}},
		{Name: "b", Size: 1, Neuron: p, Weights: []int8{1}},
	}, Projections: []Projection{{From: Population(1), To: 1, Kind: ProjOneToOne, Weights: []int8{-1}, Delay: 2}}}
	if err := net.Validate(8); err != nil {
		t.Fatal(err)
	}
	e := net.Edges()
	if len(e) != 3 || e[0].From != Input(0) || e[0].To != 0 || e[1].From != Population(0) || e[1].To != 1 || e[2].Delay != 2 {
		t.Fatalf("edges: %+v", e)
	}
	if got := e[2].Label(net); got != "b->b" {
		t.Errorf("label %q, want b->b", got)
	}
}

// TestSelfDrivenNetwork: with no input group, a population driven by its
// bias runs, and Reachable says no input reaches it.
func TestSelfDrivenNetwork(t *testing.T) {
	net := &Network{Name: "self", InputGroups: []InputGroup{},
		Layers: []Layer{{Name: "A", Size: 2, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 3}, Bias: []int32{1, 3}}}}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	res := runOn(t, m, 1, fixedStim{}, 6, nil)
	// neuron 0 gains 1 per timestep: fires at t2, t5; neuron 1 every timestep.
	if want := []uint64{2 + 6}; !reflect.DeepEqual(res.LayerSpikes, want) {
		t.Errorf("spikes %v, want %v", res.LayerSpikes, want)
	}
	if got := net.Reachable(); !reflect.DeepEqual(got, []bool{false}) {
		t.Errorf("reachable %v, want [false]", got)
	}
	if got := traceNet().Reachable(); !reflect.DeepEqual(got, []bool{true, true}) {
		t.Errorf("chain reachable %v, want [true true]", got)
	}
}

// TestLayerVectors: per-neuron thresholds reach each core's slice of a
// split population. Two LIF neurons with u and v fully decaying each step
// (v = this step's input) on two cores, fed 100 every step by the host:
// the neuron with threshold 50 fires every step, the one with threshold
// 150 never does.
func TestLayerVectors(t *testing.T) {
	net := &Network{Name: "vec", Inputs: 1, Layers: []Layer{{
		Name: "p", Size: 2, Weights: []int8{100, 100},
		Neuron:  neuron.Params{Kind: neuron.LIF, Threshold: 1000, DecayU: neuron.DecayMax, DecayV: neuron.DecayMax},
		Vectors: neuron.Vectors{Threshold: []int32{50, 150}},
	}}}
	cfg := traceConfig()
	cfg.NeuronsPerCore = 1
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cores) != 2 {
		t.Fatalf("%d cores, want 2 (one neuron each)", len(m.Cores))
	}
	const T = 6
	res := runOn(t, m, 1, everyStep{0}, T, (*Simulator).EnableNeuronCounts)
	// Input frames 0..T-2 are integrated at steps 1..T-1 (the last step
	// sends none): T-1 = 5 spikes for neuron 0, none for neuron 1.
	if got := res.NeuronCounts[0]; got[0] != T-1 || got[1] != 0 {
		t.Errorf("neuron counts %v, want [%d 0]", got, T-1)
	}
	bad := *net
	bad.Layers = []Layer{net.Layers[0]}
	bad.Layers[0].Vectors = neuron.Vectors{Threshold: []int32{50}}
	if err := bad.Validate(8); err == nil {
		t.Error("a threshold vector of the wrong length passed Validate")
	}
}
