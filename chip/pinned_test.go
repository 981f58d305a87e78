package chip

import (
	"context"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// TestMapPinned places a two-layer chain as pinned and checks the cores,
// that it runs like the same network mapped by Map, and that every bad
// placement is named.
func TestMapPinned(t *testing.T) {
	cfg, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	lif := neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}
	net := &Network{Name: "pin", InputGroups: []InputGroup{}, Layers: []Layer{
		{Name: "a", Size: 4, Neuron: lif, Bias: []int32{1, 2, 3, 5}},
		{Name: "b", Size: 2, Neuron: lif},
	}, Projections: []Projection{{From: Population(0), To: 1, Kind: ProjDense, Weights: []int8{1, 2, 3, 4, 5, 6, 7, 8}}}}
	pins := [][]Pin{{{Lo: 0, Hi: 3, Core: 37}, {Lo: 3, Hi: 4, Core: 2}}, {{Lo: 0, Hi: 2, Core: 100}}}
	m, err := MapPinned(net, cfg, pins)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cores) != 3 || m.Cores[0].Core != 37 || m.Cores[1].Core != 2 || m.Cores[2].Core != 100 {
		t.Fatalf("cores %+v", m.Cores)
	}
	if ep, x, y := cfg.SlotEndpoint(37); m.Cores[0].Endpoint != ep || m.Cores[0].X != x || m.Cores[0].Y != y {
		t.Errorf("core 37 at %+v (%d,%d), want %+v (%d,%d)", m.Cores[0].Endpoint, m.Cores[0].X, m.Cores[0].Y, ep, x, y)
	}
	run := func(m *Mapping) Result {
		s, err := NewSimulator(m, 1)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run(context.Background(), noEvents{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	free, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, b := run(m), run(free)
	for l := range a.LayerSpikes {
		if a.LayerSpikes[l] != b.LayerSpikes[l] || a.LayerSynOps[l] != b.LayerSynOps[l] {
			t.Errorf("layer %d: pinned spikes %d synops %d, mapped %d %d", l, a.LayerSpikes[l], a.LayerSynOps[l], b.LayerSpikes[l], b.LayerSynOps[l])
		}
	}
	if a.LayerSpikes[0] == 0 || a.LayerSpikes[1] == 0 {
		t.Errorf("no activity: %v", a.LayerSpikes)
	}
	small := cfg
	small.NeuronsPerCore = 2
	for _, tc := range []struct {
		cfg  Config
		pins [][]Pin
		want string
	}{
		{cfg, [][]Pin{{{0, 2, 1}, {3, 4, 2}}, {{0, 2, 3}}}, "groups must cover neurons [0, 4) in order"},
		{cfg, [][]Pin{{{0, 4, 1}}, {{0, 2, 1}}}, "the core already holds layer a"},
		{cfg, [][]Pin{{{0, 4, 999}}, {{0, 2, 1}}}, "the chip has cores 0..127"},
		{cfg, [][]Pin{{{0, 4, 1}}, {{0, 1, 2}}}, "pinned groups end at neuron 1, the population has 2"},
		{small, [][]Pin{{{0, 4, 1}}, {{0, 2, 2}}}, "need neurons_per_core 4, the core has 2"},
	} {
		_, err := MapPinned(net, tc.cfg, tc.pins)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("pins %v: error %v, want %q", tc.pins, err, tc.want)
		}
	}
}

type noEvents struct{}

func (noEvents) Events(_ int, dst []InputEvent) []InputEvent { return dst }
