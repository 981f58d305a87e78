package chip

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// twoPortNet is one lif-2syn neuron fed by two projections from a binary
// input group: channel 0 into port 0 (weight 64) and channel 1 into port 1
// (weight -100 << 2 = -400). Port 0's current halves every step (DecayU
// 2048: u·2048/4096), port 1's loses a quarter (DecayU2 1024: u·3072/4096),
// v halves (DecayV 2048); the threshold is out of reach and v starts at
// InitV = 1000.
func twoPortNet() *Network {
	p := neuron.Params{Kind: neuron.LIF2Syn, Threshold: 1 << 22, DecayU: 2048, DecayU2: 1024, DecayV: 2048}
	return &Network{Name: "ports",
		InputGroups: []InputGroup{{Name: "in", Size: 2}},
		Layers:      []Layer{{Name: "P", Size: 1, Neuron: p, InitV: []int32{1000}}},
		Projections: []Projection{
			{Name: "exc", From: Input(0), To: 0, Kind: ProjSparse, Synapses: []Synapse{{Pre: 0, Post: 0, Weight: 64}}},
			{Name: "inh", From: Input(0), To: 0, Kind: ProjSparse, Synapses: []Synapse{{Pre: 1, Post: 0, Weight: -100}}, WeightExp: 2, Port: 1},
		},
	}
}

// TestTwoPortHandTrace: both channels spike in input frame 0, which the
// neuron integrates at timestep 1. Decays round toward zero. Step by step
// (u1 = port 0's current, u2 = port 1's, v = u-free decay + u1 + u2):
//
//	t=0: u1 = 0, u2 = 0, v = 1000/2 = 500
//	t=1: u1 = 0 + 64 = 64, u2 = 0 − 400 = −400, v = 500/2 + 64 − 400 = −86
//	t=2: u1 = 64/2 = 32, u2 = −400·3/4 = −300, v = −86/2 + 32 − 300 = −311
//	t=3: u1 = 16, u2 = −225, v = trunc(−311/2) = −155, −155 + 16 − 225 = −364
//	t=4: u1 = 8, u2 = trunc(−168.75) = −168, v = −182 + 8 − 168 = −342
//
// Had both projections fed port 0 (one current, decay 2048), t=2 would
// give u1 = −336/2 = −168 and v = −43 − 168 = −211: the ports differ.
// Result.Scores is spikes·threshold + final v = v. Each Run resets the
// neuron to InitV, so a run of T steps ends at row T−1.
func TestTwoPortHandTrace(t *testing.T) {
	net := twoPortNet()
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	for T, want := range []int64{500, -86, -311, -364, -342} {
		res, err := sim.Run(context.Background(), fixedStim{{0, 1}}, T+1)
		if err != nil {
			t.Fatal(err)
		}
		if res.Scores[0] != want {
			t.Errorf("v after timestep %d = %d, want %d", T, res.Scores[0], want)
		}
		if wantOps := uint64(0); T >= 1 {
			wantOps = 2
			if res.Counts.SynapticOps != wantOps {
				t.Errorf("timesteps 0..%d: %d synaptic ops, want %d", T, res.Counts.SynapticOps, wantOps)
			}
		}
	}
	one := twoPortNet()
	one.Projections[1].Port = 0
	m1, err := Map(one, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim1, err := NewSimulator(m1, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim1.Run(context.Background(), fixedStim{{0, 1}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scores[0] != -211 {
		t.Errorf("both on port 0: v after timestep 2 = %d, want -211", res.Scores[0])
	}
}

// TestInitVAcrossCores: a 12-neuron population on 8-neuron cores is split
// in two; each core gets its slice of InitV. With no input, no bias and
// DecayV 2048, v after one step is InitV/2 rounded toward zero.
func TestInitVAcrossCores(t *testing.T) {
	p := neuron.Params{Kind: neuron.LIF2Syn, Threshold: 1 << 22, DecayU: 2048, DecayU2: 1024, DecayV: 2048}
	v0 := []int32{10, -11, 12, -13, 14, 15, 16, 17, 18, -19, 20, 21}
	net := &Network{Name: "initv", InputGroups: []InputGroup{},
		Layers: []Layer{{Name: "P", Size: 12, Neuron: p, InitV: v0}}}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cores) != 2 {
		t.Fatalf("%d cores, want 2", len(m.Cores))
	}
	for _, workers := range []int{1, 2} {
		sim, err := NewSimulator(m, workers)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second run checks that Reset restores InitV
			res, err := sim.Run(context.Background(), fixedStim{}, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{5, -5, 6, -6, 7, 7, 8, 8, 9, -9, 10, 10}
			if !reflect.DeepEqual(res.Scores, want) {
				t.Errorf("workers %d: v %v, want %v", workers, res.Scores, want)
			}
		}
	}
}

// TestPortAndInitVErrors: each mistake gives one line naming the layer
// or projection and the field.
func TestPortAndInitVErrors(t *testing.T) {
	lif := neuron.Params{Kind: neuron.LIF, Threshold: 100, DecayU: 1, DecayV: 1}
	ifp := neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}
	for _, tc := range []struct {
		name string
		edit func(*Network)
		want string
	}{
		{"port on one-port kind", func(n *Network) { n.Layers[0].Neuron = lif },
			"projection inh: port is 1, but model lif of P has 1 synaptic input port(s) (0..0)"},
		{"port beyond MaxPorts", func(n *Network) { n.Projections[1].Port = 2 }, "projection inh: port is 2, must be in [0, 1]"},
		{"init_v length", func(n *Network) { n.Layers[0].InitV = []int32{1, 2} }, "layer P: 2 initial potentials (init_v), want 1"},
		{"init_v range", func(n *Network) { n.Layers[0].InitV = []int32{1 << 23} }, "layer P: init_v[0] is 8388608, outside ±8388607"},
		{"init_v kind", func(n *Network) { n.Layers[0].Neuron = ifp; n.Projections = n.Projections[:1] },
			"layer P: init_v is set, but model if-subtract has no settable potential"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := twoPortNet()
			tc.edit(net)
			err := net.Validate(8)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line containing %q", err, tc.want)
			}
		})
	}
}

// TestRowExponentSaturates: 3000 input spikes through weight 127 << 13
// into one neuron sum to 3000·127·2^13 = 3,121,152,000, beyond int32, so
// the weight-exponent sum must saturate to 2^31−1 (the scratch path; the
// direct shift is taken only while no sum can overflow). The LI neuron
// (DecayU = DecayV = 4096: u = wrap24(in), v = u) then holds wrap24(2^31−1)
// = −1. Wrapping int32 arithmetic would give 381000·2^13 mod 2^32, whose
// low 24 bits are (381000 mod 2^11)·2^13 = 72·8192 = 589824.
func TestRowExponentSaturates(t *testing.T) {
	const n = 3000
	syn := make([]Synapse, n)
	frame := make([]int32, n)
	for i := range syn {
		syn[i] = Synapse{Pre: int32(i), Post: 0, Weight: 127}
		frame[i] = int32(i)
	}
	net := &Network{Name: "sat", InputGroups: []InputGroup{{Name: "in", Size: n}},
		Layers:      []Layer{{Name: "L", Size: 1, Neuron: neuron.Params{Kind: neuron.LI, DecayU: 4096, DecayV: 4096}}},
		Projections: []Projection{{From: Input(0), To: 0, Kind: ProjSparse, Synapses: syn, WeightExp: 13}}}
	cfg, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(context.Background(), fixedStim{frame}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scores[0] != -1 {
		t.Errorf("v = %d, want -1 (saturated input)", res.Scores[0])
	}
}

// TestTwoPortSamplesOnReplicas: RunSamples with 2 workers simulates
// samples on replicas of the chip, each with its own port accumulators
// and InitV; every sample must end at TestTwoPortHandTrace's v = −364
// after 4 timesteps.
func TestTwoPortSamplesOnReplicas(t *testing.T) {
	m, err := Map(twoPortNet(), traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	err = sim.RunSamples(context.Background(), Samples{N: 5, Timesteps: 4,
		Stimulus: func(int) Stimulus { return fixedStim{{0, 1}} },
		Each:     func(_ int, r Result) error { got = append(got, r.Scores[0]); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{-364, -364, -364, -364, -364}; !reflect.DeepEqual(got, want) {
		t.Errorf("v per sample %v, want %v", got, want)
	}
}
