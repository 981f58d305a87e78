package explore

import (
	"context"
	"fmt"

	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
)

// mgModel is one trained recipe of the Mackey-Glass workload, shared by
// every chip and energy model of the points with its hidden size and
// timesteps per value.
type mgModel struct {
	model *mackeyglass.Model
	tanh  float64 // the tanh baseline's test sMAPE, %
}

// mgGroup evaluates one point of a Mackey-Glass space (its group holds
// only it: activityKey). The recipe is trained once per hidden size and
// timesteps per value; the chip and its float reference run per point
// through graphrun.Run with the series held steps_per_value timesteps per
// value, every held step's target the next value, and the test steps
// scored where the prediction is read: after the last timestep of each
// value. With steps_per_value 1 this is exactly spikemesh run --model
// mackey-glass (cmd/spikemesh/mackeyglass.go) for the retrained model.
func (e *evaluator) mgGroup(ctx context.Context, s *Space, pts []Point, out []Result) ([]Result, error) {
	infeasible := func(reason string) []Result {
		for i := range out {
			out[i].Reason = reason
		}
		return out
	}
	pc := &pts[0].Config
	r := pc.recipe()
	tm, err := e.mg.get(fmt.Sprintf("hidden=%d/k=%d", r.Neurons, r.Hold), func() (*mgModel, error) {
		e.conversions.Add(1) // a training is this workload's conversion
		m, fit, err := mackeyglass.TrainRecipe(s.MG.Task, r)
		if err != nil {
			return nil, err
		}
		return &mgModel{model: m, tanh: fit.TanhTestSMAPE}, nil
	})
	if err != nil {
		return infeasible("training: " + oneLine(err)), nil
	}
	xs, err := e.mgSeries.get("series", s.MG.Task.Generate)
	if err != nil {
		return infeasible("series: " + oneLine(err)), nil
	}
	g, err := tm.model.Graph()
	if err != nil {
		return infeasible(oneLine(err)), nil
	}
	values := s.MG.Values()
	T := values * r.Hold
	in, err := graphrun.NewInput(mackeyglass.Name+" series", 1, T, []int{1}, r.HoldInputs(xs[:values]), nil)
	if err != nil {
		return infeasible(oneLine(err)), nil
	}
	_, _, testLo, testHi := s.MG.Task.Split()
	reg := &graphrun.Regression{Targets: r.HoldInputs(xs[1:]), From: testLo * r.Hold, To: testHi * r.Hold}
	e.mappings.Add(1)
	e.simulations.Add(1)
	rep, err := graphrun.Run(ctx, graphrun.Options{Graph: g, Model: mackeyglass.Name, Input: in, Chip: pc.Chip, ChipName: s.ChipName,
		Energy: pc.Energy, DT: mackeyglass.DT, Workers: 1, Regression: reg})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return infeasible(oneLine(err)), nil
	}
	want := xs[testLo+1 : testHi+1]
	chipSMAPE, err := mackeyglass.SMAPE(mackeyglass.LastOfEach(r, rep.Regression.ChipPredictions), want)
	if err != nil {
		return infeasible(oneLine(err)), nil
	}
	floatSMAPE, err := mackeyglass.SMAPE(mackeyglass.LastOfEach(r, rep.Regression.FloatPredictions), want)
	if err != nil {
		return infeasible(oneLine(err)), nil
	}
	for i := range pts {
		m := metricsFromGraphRun(rep, &pts[i].Config)
		m.OutputAgreementPct = 0 // a regression has no classes to agree on
		m.SMAPEPct, m.FloatSMAPEPct, m.TanhSMAPEPct = chipSMAPE, floatSMAPE, tm.tanh
		m.EnergyUJPerStep = rep.EnergyUJ / float64(values)
		if rep.Streaming != nil {
			m.LatencyUSPerStep = rep.Streaming.StepLatencyUS * float64(r.Hold)
		} else {
			m.LatencyUSPerStep = rep.LatencyUS / float64(values)
		}
		out[i].Feasible = true
		out[i].Metrics = m
	}
	return out, nil
}
