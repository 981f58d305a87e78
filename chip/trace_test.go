package chip

import (
	"context"
	"reflect"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// TestTraceNeurons: the per-neuron counts and raster of the hand-traced
// run (TestRunHandTrace): a1 fires at t1, a0 and a1 at t2, b0 at t3.
func TestTraceNeurons(t *testing.T) {
	m, err := Map(traceNet(), traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	var tr *Trace
	res := runOn(t, m, 1, fixedStim{{0, 1}, {0}}, 4, func(s *Simulator) { tr = s.EnableTrace(4) })
	if res.Counts.Spikes != 4 {
		t.Fatalf("%d spikes, the hand trace has 4", res.Counts.Spikes)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"sizes", tr.Sizes, []int{2, 1}},
		{"count samples", tr.CountSamples, 1},
		{"raster samples", tr.RasterSamples, 1},
		{"counts a", tr.NeuronCounts[0], []int32{1, 2}},
		{"counts b", tr.NeuronCounts[1], []int32{1}},
		// [t][neuron]
		{"raster a", tr.Raster[0], []int8{0, 0, 0, 1, 1, 1, 0, 0}},
		{"raster b", tr.Raster[1], []int8{0, 0, 0, 1}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// steps sends graded events at given timesteps: steps[t] is timestep t's.
type steps [][]InputEvent

func (s steps) Events(t int, dst []InputEvent) []InputEvent {
	if t < len(s) {
		dst = append(dst, s[t]...)
	}
	return dst
}

// TestTraceSignedRaster: a bidirectional neuron's negative spike is -1 in
// the raster and cancels its positive spike in the count; samples past
// the bounds get no record but still count as traced samples.
func TestTraceSignedRaster(t *testing.T) {
	// in0 -> +10, in1 -> -10 onto one BIF neuron (θ = 10, starts at 5).
	// t0 sends in0 x1: at t1 v = 15, +1 spike (v = 5, count 1).
	// t1 sends in1 x2: at t2 v = -15, -1 spike (v = -5, count 0).
	net := &Network{Name: "bif", Inputs: 2, GradedInput: true, Layers: []Layer{
		{Name: "a", Size: 1, Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 10, Levels: 3}, Weights: []int8{10, -10}},
	}}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr := sim.EnableTrace(4)
	tr.maxCounts, tr.maxRaster = 2, 2*4 // two samples' counts and rasters
	stim := steps{{{Channel: 0, Magnitude: 1}}, {{Channel: 1, Magnitude: 2}}}
	for range 3 {
		res, err := sim.Run(context.Background(), stim, 4)
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts.Spikes != 2 {
			t.Fatalf("%d spikes, want 2 (one positive, one negative)", res.Counts.Spikes)
		}
	}
	if tr.Samples != 3 || tr.CountSamples != 2 || tr.RasterSamples != 2 {
		t.Errorf("samples %d, with counts %d, with rasters %d; want 3, 2, 2", tr.Samples, tr.CountSamples, tr.RasterSamples)
	}
	if want := []int32{0, 0}; !reflect.DeepEqual(tr.NeuronCounts[0], want) {
		t.Errorf("counts %v, want %v", tr.NeuronCounts[0], want)
	}
	if want := []int8{0, 1, -1, 0, 0, 1, -1, 0}; !reflect.DeepEqual(tr.Raster[0], want) {
		t.Errorf("raster %v, want %v", tr.Raster[0], want)
	}
}
