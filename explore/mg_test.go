package explore

import (
	"context"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
)

// mgTestSpace sweeps two reservoir sizes and two timesteps per value;
// hidden 100, steps_per_value 1 on loihi is the committed model as
// spikemesh run --model mackey-glass runs it. With -short, two small
// reservoirs (cmd/spikemesh's TestExploreMackeyGlassMatchesRun keeps
// checking the committed model's point against spikemesh run).
func mgTestSpace(short bool) string {
	hidden := "[20, 100]"
	if short {
		hidden = "[10, 20]"
	}
	return `workload: mackey-glass
chip: loihi
energy: loihi
parameters:
  hidden: ` + hidden + `
  steps_per_value: [1, 2]
objectives: [minimize smape_pct, minimize energy_uj_per_step]
`
}

// TestMackeyGlassSweep: the outputs do not depend on the worker count,
// holding values longer costs energy per prediction, and (without -short)
// the default recipe's point has the figures of an independent run of the
// committed weights (mackeyglass.Builtin, not retrained) through graphrun,
// as spikemesh run --model mackey-glass computes them.
func TestMackeyGlassSweep(t *testing.T) {
	s, err := ParseSpace([]byte(mgTestSpace(testing.Short())))
	if err != nil {
		t.Fatal(err)
	}
	results := sweepWorkers(t, s, func(workers int, out *Outcome) {
		if out.Evaluated != int(s.Size()) || out.Conversions != int(s.Size()) {
			t.Errorf("workers %d: %d evaluated, %d trainings; want %d each", workers, out.Evaluated, out.Conversions, s.Size())
		}
	})
	var def *Result
	for i := range results {
		r := &results[i]
		if !r.Feasible || !(r.Metrics.SMAPEPct > 0) || !(r.Metrics.EnergyUJPerStep > 0) || !(r.Metrics.LatencyUSPerStep > 0) {
			t.Fatalf("point %d: feasible %v (%s), metrics %+v", r.Index, r.Feasible, r.Reason, r.Metrics)
		}
		if r.Params["hidden"] == "100" && r.Params["steps_per_value"] == "1" {
			def = r
		}
	}
	// Holding each value costs more chip timesteps per prediction.
	for _, r := range results {
		if r.Params["steps_per_value"] != "2" {
			continue
		}
		for _, q := range results {
			if q.Params["hidden"] == r.Params["hidden"] && q.Params["steps_per_value"] == "1" && !(r.Metrics.EnergyUJPerStep > q.Metrics.EnergyUJPerStep) {
				t.Errorf("hidden %s: %g µJ per prediction at 2 steps per value, not above 1 step's %g", r.Params["hidden"], r.Metrics.EnergyUJPerStep, q.Metrics.EnergyUJPerStep)
			}
		}
	}
	if testing.Short() {
		return
	}
	if def == nil {
		t.Fatal("no point with hidden 100, steps_per_value 1")
	}

	// The independent run: the committed model over the series, scored on
	// the test steps.
	m, err := mackeyglass.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Graph()
	if err != nil {
		t.Fatal(err)
	}
	k := mackeyglass.NeuroBench()
	xs, err := k.Generate()
	if err != nil {
		t.Fatal(err)
	}
	T := len(xs) - 1
	in, err := graphrun.NewInput("series", 1, T, []int{1}, xs[:T], nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, lo, hi := k.Split()
	rep, err := graphrun.Run(context.Background(), graphrun.Options{Graph: g, Input: in, Chip: def.Config.Chip, Energy: def.Config.Energy,
		DT: mackeyglass.DT, Workers: 1, Regression: &graphrun.Regression{Targets: xs[1:], From: lo, To: hi}})
	if err != nil {
		t.Fatal(err)
	}
	tanh, err := mackeyglass.SMAPE(m.TanhPredict(xs[:T])[lo:hi], xs[lo+1:hi+1])
	if err != nil {
		t.Fatal(err)
	}
	got := def.Metrics
	if got.SMAPEPct != rep.Regression.ChipSMAPE || got.FloatSMAPEPct != rep.Regression.FloatSMAPE || got.TanhSMAPEPct != tanh ||
		got.EnergyUJPerStep != rep.EnergyUJ/float64(T) || got.LatencyUSPerStep != rep.Streaming.StepLatencyUS || got.EnergyUJ != rep.EnergyUJ {
		t.Errorf("hidden 100, 1 step per value: sMAPE chip %g float %g tanh %g, %g µJ and %g µs per step; the committed model's run: %g, %g, %g, %g, %g",
			got.SMAPEPct, got.FloatSMAPEPct, got.TanhSMAPEPct, got.EnergyUJPerStep, got.LatencyUSPerStep,
			rep.Regression.ChipSMAPE, rep.Regression.FloatSMAPE, tanh, rep.EnergyUJ/float64(T), rep.Streaming.StepLatencyUS)
	}
}

// TestMackeyGlassSpaceErrors: bad values and settings that mean nothing
// for the workload are refused with the parameter, the value and what is
// expected.
func TestMackeyGlassSpaceErrors(t *testing.T) {
	for _, c := range []struct{ space, want string }{
		{"workload: mackey-glass\nparameters: {hidden: [0, 10]}\nobjectives: [minimize smape_pct]\n", "parameter hidden: value 0: 0 is below 1"},
		{"workload: mackey-glass\nparameters: {hidden: [10, 5000]}\nobjectives: [minimize smape_pct]\n", "value 5000: mackeyglass: reservoir size is 5000 neurons, want 1..1024"},
		{"workload: mackey-glass\nparameters: {steps_per_value: [1, 33]}\nobjectives: [minimize smape_pct]\n", "value 33: mackeyglass: timesteps per value is 33, want 1..32"},
		{"workload: mackey-glass\nparameters: {steps_per_value: [1.5]}\nobjectives: [minimize smape_pct]\n", "steps_per_value"},
		{"workload: mackey-glass\nparameters: {timesteps: [8, 16]}\nobjectives: [minimize smape_pct]\n", "vary steps_per_value"},
		{"workload: mackey-glass\nparameters: {percentile: [99, 100]}\nobjectives: [minimize smape_pct]\n", "percentile is a conversion setting"},
		{"workload: mackey-glass\nparameters: {seed: [1, 2]}\nobjectives: [minimize smape_pct]\n", "parameter seed sets the rate coder"},
		{"workload: mackey-glass\nsamples: 5\nobjectives: [minimize smape_pct]\n", "samples is 5; mackey-glass has one sample"},
		{"workload: mackey-glass\nobjectives: [maximize accuracy_pct]\n", "accuracy_pct does not apply to mackey-glass"},
		{"workload: mnist-mlp\nparameters: {hidden: [10, 20]}\nobjectives: [minimize energy_uj]\n", "parameter hidden: value 10: a setting of the mackey-glass workload's recipe; this space's workload is mnist-mlp"},
		{"workload: mnist-mlp\nobjectives: [minimize smape_pct]\n", "smape_pct exists only for the mackey-glass workload"},
	} {
		_, err := ParseSpace([]byte(c.space))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.space, err, c.want)
		}
	}
}

// TestMackeyGlassExampleSpace: the embedded example parses and stays a
// sweep of well under a minute on 2 cores (30 points, about 0.6 s each).
func TestMackeyGlassExampleSpace(t *testing.T) {
	s, err := ParseSpace(MackeyGlassExampleSpace())
	if err != nil {
		t.Fatal(err)
	}
	if s.MG == nil || s.Size() != 30 || s.Base.Hidden != mackeyglass.Neurons || s.Base.StepsPerValue != 1 {
		t.Errorf("example: MG %v, %d points, base hidden %d, steps per value %d", s.MG != nil, s.Size(), s.Base.Hidden, s.Base.StepsPerValue)
	}
}
