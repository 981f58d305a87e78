package sanafe

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// inputSpec is the RunSpec of testdata/inputs.yaml on loihi, T steps.
func inputSpec(t *testing.T, T, workers int) RunSpec {
	t.Helper()
	net, err := ParseNetwork("inputs.yaml", readFixture(t, "inputs.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cfg = Unlimited(cfg)
	place, _, err := Pins("inputs.yaml", net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	low, err := Lower("inputs.yaml", net, place)
	if err != nil {
		t.Fatal(err)
	}
	m, err := chip.MapPinned(low.Net, cfg, low.Pins)
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	return RunSpec{Net: net, Low: low, Map: m, Energy: e, Timesteps: T, Workers: workers}
}

// TestRunSamplesSums: two samples that repeat the file's own trains give
// each sample Run's figures, and twice them in the groups, the totals,
// the energy and the simulated time.
func TestRunSamplesSums(t *testing.T) {
	spec := inputSpec(t, 6, 1)
	one, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	own := spec.Low.Trains
	rep, err := RunSamples(context.Background(), spec, Samples{Name: "own.npz", N: 2, Channels: len(own), Trains: func(int) [][]bool { return own }})
	if err != nil {
		t.Fatal(err)
	}
	for g, l := range rep.Layers {
		o := one.Layers[g]
		if l.Spikes != 2*o.Spikes || l.SynEvents != 2*o.SynEvents || l.Updates != 2*o.Updates || l.Messages != 2*o.Messages || l.Hops != 2*o.Hops {
			t.Errorf("group %s: %+v, want twice %+v", l.Name, l, o)
		}
	}
	for i, s := range rep.Samples {
		if s.Spikes != one.TotalSpikes() || s.SimSeconds != one.SimSeconds || s.EnergyPJ != one.Energy.TotalPJ || s.Label != -1 {
			t.Errorf("sample %d: %+v, want Run's %d spikes, %g s, %g pJ, no label", i, s, one.TotalSpikes(), one.SimSeconds, one.Energy.TotalPJ)
		}
	}
	if rep.Cycles != 2*one.Cycles || rep.Energy.TotalPJ != 2*one.Energy.TotalPJ || rep.groupCounts[0][0] != 2*one.groupCounts[0][0] {
		t.Errorf("cycles %d, energy %g pJ, in.0 spikes %d; want twice %d, %g, %d", rep.Cycles, rep.Energy.TotalPJ, rep.groupCounts[0][0],
			one.Cycles, one.Energy.TotalPJ, one.groupCounts[0][0])
	}
	if _, err := RunSamples(context.Background(), spec, Samples{Name: "x.npy", N: 1, Channels: 3, Trains: func(int) [][]bool { return own }}); err == nil ||
		!strings.Contains(err.Error(), "x.npy: 3 channels per timestep, want 2, one per input neuron (groups in: 2") {
		t.Errorf("channel mismatch: %v", err)
	}
}

// TestRunSamplesWorkers: the JSON report of a run driven by samples is
// byte for byte the same for 1 and 3 workers.
func TestRunSamplesWorkers(t *testing.T) {
	var out [2]bytes.Buffer
	for i, w := range []int{1, 3} {
		spec := inputSpec(t, 5, w)
		trains := func(s int) [][]bool {
			return [][]bool{{s == 0, true, false, true, true}, {true, s == 1, true}}
		}
		rep, err := RunSamples(context.Background(), spec, Samples{Name: "in.npz", N: 2, Channels: 2, Labels: []int{3, 4}, Trains: trains})
		if err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Errorf("reports differ between 1 and 3 workers:\n%s\n%s", out[0].String(), out[1].String())
	}
}
