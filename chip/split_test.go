package chip

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// mlpNet is a seeded dense chain in -> hidden -> out with random weights.
func mlpNet(seed uint64, in, hidden, out int) *Network {
	rng := rand.New(rand.NewPCG(seed, 7))
	w := func(n int) []int8 {
		ws := make([]int8, n)
		for i := range ws {
			ws[i] = int8(rng.IntN(9) - 3)
		}
		return ws
	}
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 20}
	return &Network{Name: "mlp", Inputs: in, Layers: []Layer{
		{Name: "fc1", Size: hidden, Neuron: p, Weights: w(in * hidden)},
		{Name: "fc2", Size: out, Neuron: p, Weights: w(hidden * out)},
	}}
}

// TestFanInSplitExact maps networks whose neurons need more axons or
// synaptic memory than a core has, so their fan-in is split, and checks
// every spike and the readout against the same network on cores with
// room (and, for the recurrent graph, against the plain reference).
func TestFanInSplitExact(t *testing.T) {
	const T = 24
	convN, _ := convNet(rand.New(rand.NewPCG(3, 4)), 1)
	cases := []struct {
		name  string
		net   *Network
		stim  func() Stimulus
		small func(*Config)
	}{
		{"mlp axons", mlpNet(1, 100, 20, 6), func() Stimulus { return &randStim{n: 100, rng: rand.New(rand.NewPCG(1, 2))} },
			func(c *Config) { c.AxonsPerCore = 30 }},
		{"mlp memory", mlpNet(2, 100, 20, 6), func() Stimulus { return &randStim{n: 100, rng: rand.New(rand.NewPCG(1, 2))} },
			func(c *Config) { c.SynapseMemoryBytes = 60 }},
		{"cnn", convN, func() Stimulus { return &randStim{n: 72, rng: rand.New(rand.NewPCG(5, 6))} },
			func(c *Config) { c.AxonsPerCore = 16 }},
		{"recurrent graph", randomGraph(1, 30), func() Stimulus { return randomStim{5} },
			func(c *Config) { c.AxonsPerCore = 40 }},
	}
	for _, tc := range cases {
		for _, d := range []DeliveryMode{Unicast, Multicast} {
			t.Run(fmt.Sprintf("%s/%v", tc.name, d), func(t *testing.T) {
				room := smallCores(d)
				small := room
				small.MeshWidth, small.MeshHeight = 8, 8
				tc.small(&small)
				m, err := Map(tc.net, small)
				if err != nil {
					t.Fatal(err)
				}
				splitters := 0
				for _, c := range m.Cores {
					if c.Splitter() {
						splitters++
					}
					if c.Axons > small.AxonsPerCore || c.SynMemBits > small.SynapseMemoryBits() {
						t.Errorf("core %d (layer %d, part %+v) uses %d axons, %d bits: over the limit", c.Core, c.Layer, c.Split, c.Axons, c.SynMemBits)
					}
				}
				if splitters == 0 {
					t.Fatal("no population was split; the test needs a split")
				}
				want, wres := rasterOf(t, tc.net, room, 1, tc.stim(), T)
				for _, workers := range []int{1, 3} {
					got, res := rasterOf(t, tc.net, small, workers, tc.stim(), T)
					for l := range want {
						if !slices.Equal(got[l], want[l]) {
							t.Fatalf("workers=%d: population %d raster differs from the unsplit chip", workers, l)
						}
					}
					if !slices.Equal(res.Scores, wres.Scores) {
						t.Fatalf("workers=%d: scores %v, unsplit %v", workers, res.Scores, wres.Scores)
					}
					if res.Split.PartialSums == 0 || res.Split.PartialPackets < res.Split.PartialSums {
						t.Errorf("workers=%d: split counts %+v: want partial sums sent", workers, res.Split)
					}
					if wres.Split != (SplitCounts{}) {
						t.Errorf("unsplit chip has split counts %+v", wres.Split)
					}
				}
				if tc.name == "recurrent graph" {
					ref := refRaster(t, tc.net, tc.stim(), T)
					got, _ := rasterOf(t, tc.net, small, 1, tc.stim(), T)
					for l := range ref {
						if !slices.Equal(got[l], ref[l]) {
							t.Fatalf("population %d differs from the reference", l)
						}
					}
				}
			})
		}
	}
}

// TestFanInSplitChoice checks the mapper's choice on a dense layer: the
// fewest axon parts (ceil(fan-in / axons)), balanced, and the neuron
// groups of the unsplit layer.
func TestFanInSplitChoice(t *testing.T) {
	cfg := smallCores(Unicast)
	cfg.AxonsPerCore = 30
	m, err := Map(mlpNet(1, 100, 20, 6), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ci := range m.LayerCores[0] {
		c := m.Cores[ci]
		got = append(got, fmt.Sprintf("%d-%d:%d/%d[%d,%d)h%d", c.Lo, c.Hi, c.Split.Part, c.Split.Parts, c.Split.AxonLo, c.Split.AxonHi, c.Split.Home))
	}
	// 100 inputs over 30 axons: 4 parts of 25; 20 neurons over 8 per core: 3 groups.
	want := "0-7:0/4[0,25)h0 0-7:1/4[25,50)h0 0-7:2/4[50,75)h0 0-7:3/4[75,100)h0 " +
		"7-14:0/4[0,25)h4 7-14:1/4[25,50)h4 7-14:2/4[50,75)h4 7-14:3/4[75,100)h4 " +
		"14-20:0/4[0,25)h8 14-20:1/4[25,50)h8 14-20:2/4[50,75)h8 14-20:3/4[75,100)h8"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("fc1 cores:\n got %s\nwant %s", g, want)
	}
	for _, ci := range m.LayerCores[1] {
		if m.Cores[ci].Split != nil {
			t.Errorf("fc2 (20 inputs) was split")
		}
	}
}

// TestFanInSplitRunSamples checks that replicas (RunSamples with several
// workers) of a split chip give each sample's Run result.
func TestFanInSplitRunSamples(t *testing.T) {
	cfg := smallCores(Unicast)
	cfg.AxonsPerCore = 30
	m, err := Map(mlpNet(4, 100, 20, 6), cfg)
	if err != nil {
		t.Fatal(err)
	}
	stim := func(i int) Stimulus { return &randStim{n: 100, rng: rand.New(rand.NewPCG(uint64(i), 9))} }
	seq, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	var want []SplitCounts
	var wantScores [][]int64
	for i := range 5 {
		r, err := seq.Run(context.Background(), stim(i), 16)
		if err != nil {
			t.Fatal(err)
		}
		want, wantScores = append(want, r.Split), append(wantScores, r.Scores)
	}
	par, err := NewSimulator(m, 3)
	if err != nil {
		t.Fatal(err)
	}
	err = par.RunSamples(context.Background(), Samples{N: 5, Timesteps: 16, Stimulus: stim, Each: func(i int, r Result) error {
		if r.Split != want[i] || !slices.Equal(r.Scores, wantScores[i]) {
			t.Errorf("sample %d: split %+v scores %v, Run gives %+v %v", i, r.Split, r.Scores, want[i], wantScores[i])
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoSplitOfTwoPorts: a two-port population (lif-2syn) whose fan-in
// exceeds a core's axons is not split (a partial sum carries one synaptic
// input); the axon limit stays a violation, while the same network with a
// one-port neuron maps by splitting.
func TestNoSplitOfTwoPorts(t *testing.T) {
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.AxonsPerCore = 64
	net := denseNet(100, 4)
	if _, err := Map(net, cfg); err != nil {
		t.Fatalf("one-port population: %v", err)
	}
	net.Layers[0].Neuron = neuron.Params{Kind: neuron.LIF2Syn, Threshold: 1 << 22, DecayU: 2048, DecayU2: 1024, DecayV: 2048}
	_, err = Map(net, cfg)
	if err == nil || !strings.Contains(err.Error(), "axons_per_core") {
		t.Errorf("two-port population: error %v, want the axon limit", err)
	}
}
