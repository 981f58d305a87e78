package chip

import (
	"reflect"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// graphMapConfig: 4 neurons per core, limits that do not bind unless a
// test lowers them.
func graphMapConfig() Config {
	cfg := traceConfig()
	cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter = 4, 4, 1
	cfg.NeuronsPerCore, cfg.AxonsPerCore, cfg.SynapseMemoryBytes, cfg.FanoutPerCore = 4, 64, 1024, 64
	return cfg
}

// TestMapGraphResources checks the per-core resources of a graph worked
// out by hand. in (3) -dense-> P (8) -dense, delay 1-> P, and P -sparse
// {0->0, 1->0, 5->3}-> Q (4). P splits into [0,4) and [4,8), Q fits one
// core.
//
//	axons: P cores 3 (input) + 8 (P itself) = 11; Q: sources {0, 1, 5} = 3.
//	memory (dense format, 8-bit): P: 4 neurons x 11 synapses x 8 = 352
//	  bits; Q: 3 synapses x 8 = 24 bits.
//	fan-out: every P neuron reaches both P cores (2 entries); neurons 0, 1
//	  and 5 also Q's core: P core 0 has 4x2+2 = 10, P core 1 4x2+1 = 9.
//	delay slots: P 2 (delay 1), Q 1.
func TestMapGraphResources(t *testing.T) {
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}
	net := &Network{Name: "res",
		InputGroups: []InputGroup{{Size: 3}},
		Layers:      []Layer{{Name: "P", Size: 8, Neuron: p}, {Name: "Q", Size: 4, Neuron: p}},
		Projections: []Projection{
			{From: Input(0), To: 0, Kind: ProjDense, Weights: make([]int8, 24)},
			{From: Population(0), To: 0, Kind: ProjDense, Weights: make([]int8, 64), Delay: 1},
			{From: Population(0), To: 1, Kind: ProjSparse, Synapses: []Synapse{{0, 0, 1}, {1, 0, 1}, {5, 3, 1}}},
		},
	}
	m, err := Map(net, graphMapConfig())
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		Lo, Hi, Axons int
		Mem           int64
		Fanout, Slots int
	}
	var got []res
	for _, c := range m.Cores {
		got = append(got, res{c.Lo, c.Hi, c.Axons, c.SynMemBits, c.FanoutEntries, c.DelaySlots})
	}
	want := []res{{0, 4, 11, 352, 10, 2}, {4, 8, 11, 352, 9, 2}, {0, 4, 3, 24, 0, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cores\n got %+v\nwant %+v", got, want)
	}
}

// TestMapRecurrentFanoutSettles: a self-connected dense population whose
// split depends on its own fan-out. P has 8 neurons, 8 synapses each (64
// bits), and 24 bytes of synaptic memory per core fit 3 neurons: 3 cores.
// Each neuron then reaches 3 cores. With 9 fan-out entries per core, 3
// neurons x 3 = 9 fit: 3 cores. With 8, the mapping needs another pass:
// 4 cores of 2 neurons x 4 destinations = 8.
func TestMapRecurrentFanoutSettles(t *testing.T) {
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}
	net := &Network{Name: "self", InputGroups: []InputGroup{{Size: 1}},
		Layers: []Layer{{Name: "P", Size: 8, Neuron: p}},
		Projections: []Projection{
			{From: Population(0), To: 0, Kind: ProjDense, Weights: make([]int8, 64)},
		},
	}
	for _, tc := range []struct {
		fanout     int
		wantFanout []int
	}{{9, []int{9, 9, 6}}, {8, []int{8, 8, 8, 8}}} {
		cfg := graphMapConfig()
		cfg.SynapseMemoryBytes, cfg.FanoutPerCore = 24, tc.fanout
		m, err := Map(net, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, c := range m.Cores {
			got = append(got, c.FanoutEntries)
		}
		if !reflect.DeepEqual(got, tc.wantFanout) {
			t.Errorf("fanout_entries_per_core %d: fan-out per core %v, want %v", tc.fanout, got, tc.wantFanout)
		}
	}
}
