package graphrun

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/nir"
)

// liGraph is input (1) → Linear w → readout, where the readout is an LI
// with τ = dt and r = 1 (so v = w·x of this step) or, with fires, a LIF.
func liGraph(w, dt float64, fires bool) *nir.Graph {
	one := nir.Shape{1}
	t := func(v float64) nir.Tensor { return nir.Tensor{Shape: one, Data: []float64{v}, DType: nir.Float64} }
	out := &nir.Node{Name: "li", Kind: nir.KindLI, Params: &nir.LIParams{Tau: t(dt), R: t(1), VLeak: t(0)}, In: one, Out: one}
	if fires {
		out = &nir.Node{Name: "li", Kind: nir.KindLIF, Params: &nir.LIFParams{Tau: t(dt), R: t(1), VLeak: t(0), VThreshold: t(1), VReset: t(0)}, In: one, Out: one}
	}
	return &nir.Graph{Nodes: []*nir.Node{
		{Name: "in", Kind: nir.KindInput, Params: &nir.IOParams{Shape: one}, In: one, Out: one},
		out,
		{Name: "out", Kind: nir.KindOutput, Params: &nir.IOParams{Shape: one}, In: one, Out: one},
		{Name: "w", Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: nir.Tensor{Shape: nir.Shape{1, 1}, Data: []float64{w}, DType: nir.Float64}}, In: one, Out: one},
	}, Edges: []nir.Edge{{Src: "in", Dst: "w"}, {Src: "w", Dst: "li"}, {Src: "li", Dst: "out"}}}
}

func runRegression(t *testing.T, g *nir.Graph, in *Input, r *Regression) (*Report, error) {
	t.Helper()
	cfg, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	return Run(context.Background(), Options{Graph: g, Model: "li", Input: in, Chip: cfg, ChipName: "loihi", Energy: e, Regression: r})
}

// TestRegressionHandComputed: spikes x = 1, 0, 1, 1 through weight 0.5
// into v = w·x give predictions 0.5, 0, 0.5, 0.5, in float and (after the
// chip's latency) on the chip. Against targets 0.5, 0.5, 0.25, 0.5 the
// sMAPE terms are 0, 0.5/0.5 = 1, 0.25/0.75 = 1/3, 0: sMAPE = 200·(4/3)/4
// = 66.667 %; RMSE = √((0.25 + 0.0625)/4) = 0.279508.
func TestRegressionHandComputed(t *testing.T) {
	in, err := NewInput("x", 1, 4, []int{1}, []float64{1, 0, 1, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := runRegression(t, liGraph(0.5, 1e-4, false), in, &Regression{Targets: []float64{0.5, 0.5, 0.25, 0.5}, From: 0, To: 4})
	if err != nil {
		t.Fatal(err)
	}
	rr := rep.Regression
	for i, want := range []float64{0.5, 0, 0.5, 0.5} {
		if math.Abs(rr.FloatPredictions[i]-want) > 1e-12 || math.Abs(rr.ChipPredictions[i]-want) > 1e-12 {
			t.Errorf("step %d: float %g, chip %g, want %g", i, rr.FloatPredictions[i], rr.ChipPredictions[i], want)
		}
	}
	if math.Abs(rr.FloatSMAPE-200.0/3) > 1e-9 || math.Abs(rr.ChipSMAPE-200.0/3) > 1e-9 {
		t.Errorf("sMAPE float %g, chip %g, want 66.667", rr.FloatSMAPE, rr.ChipSMAPE)
	}
	if math.Abs(rr.FloatRMSE-math.Sqrt(0.078125)) > 1e-12 || rr.ChipFloatRMS > 1e-12 {
		t.Errorf("RMSE %g (want 0.279508), chip vs float %g (want 0)", rr.FloatRMSE, rr.ChipFloatRMS)
	}
	// Scoring steps 1..2 only: terms 1 and 1/3, sMAPE 200·(4/3)/2.
	rep, err = runRegression(t, liGraph(0.5, 1e-4, false), in, &Regression{Targets: []float64{0.5, 0.5, 0.25, 0.5}, From: 1, To: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Regression.FloatSMAPE; math.Abs(got-400.0/3) > 1e-9 || rep.Regression.ScoredSteps != 2 {
		t.Errorf("steps 1..2: sMAPE %g over %d steps, want 133.333 over 2", got, rep.Regression.ScoredSteps)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "regression sMAPE chip 133.333 %  float 133.333 %") || strings.Contains(b.String(), "output agreement") {
		t.Errorf("text report:\n%s", b.String())
	}
}

func TestRegressionBad(t *testing.T) {
	in, err := NewInput("x", 1, 4, []int{1}, []float64{1, 0, 1, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := []float64{1, 1, 1, 1}
	for _, c := range []struct {
		name  string
		fires bool
		r     Regression
		want  string
	}{
		{"firing output", true, Regression{Targets: good, To: 4}, "output population li is LIF, which fires"},
		{"targets", false, Regression{Targets: good[:3], To: 4}, "3 targets; want samples × T × outputs = 1 × 4 × 1 = 4"},
		{"range", false, Regression{Targets: good, From: 2, To: 2}, "scored steps 2..1"},
		{"beyond", false, Regression{Targets: good, From: 0, To: 5}, "<= 4"},
		{"nan", false, Regression{Targets: []float64{1, math.NaN(), 1, 1}, To: 4}, "target 1 is NaN"},
	} {
		_, err := runRegression(t, liGraph(0.5, 1e-4, c.fires), in, &c.r)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", c.name, err, c.want)
		}
	}
	if _, err := NewInput("x", 1, 4, []int{1}, []float64{1, 2}, nil); err == nil {
		t.Error("NewInput accepted 2 values for shape [1, 4, 1]")
	}
	if _, err := NewInput("x", 1, 2, []int{1}, []float64{1, -2}, nil); err == nil || !strings.Contains(err.Error(), "non-negative") {
		t.Errorf("NewInput with a negative value: %v", err)
	}
}
