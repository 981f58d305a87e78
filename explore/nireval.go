package explore

import (
	"context"
	"fmt"

	"github.com/spikemesh/spikemesh/graphrun"
)

// nirGroup evaluates one point of a NIR space (its group holds only it:
// activityKey). The float reference depends only on the run length, so it
// is computed once per timesteps value and shared by every chip; the chip
// side runs per point through graphrun.Run (lower, map, simulate, price).
// A graph that does not map or run on the point's chip gives an
// infeasible result with the reason; only cancellation is an error.
func (e *evaluator) nirGroup(ctx context.Context, s *Space, pts []Point, out []Result) ([]Result, error) {
	infeasible := func(reason string) []Result {
		for i := range out {
			out[i].Reason = reason
		}
		return out
	}
	pc := &pts[0].Config
	o := graphrun.Options{Graph: s.NIR.Graph, Model: s.NIR.ModelPath, Input: s.NIR.Input, Chip: pc.Chip, ChipName: s.ChipName,
		Energy: pc.Energy, DT: pc.DT, Timesteps: pc.Timesteps, Samples: pc.Samples, Workers: 1}
	fr, err := e.float.get(fmt.Sprintf("T=%d/n=%d", pc.Timesteps, pc.Samples), func() (*graphrun.FloatRef, error) {
		return graphrun.RunFloat(o)
	})
	if err != nil {
		return infeasible("float reference: " + oneLine(err)), nil
	}
	o.Float = fr
	rep, err := graphrun.Run(ctx, o)
	// Count what happened: a mapping when chip.Map ran (a network that
	// does not fit counts, as in the converted path), a simulation when
	// the chip ran.
	stage := graphrun.StageOf(err)
	if err == nil || stage >= graphrun.StageMap {
		e.mappings.Add(1)
	}
	if err == nil || stage == graphrun.StageSimulate {
		e.simulations.Add(1)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return infeasible(oneLine(err)), nil
	}
	for i := range pts {
		out[i].Feasible = true
		out[i].Metrics = metricsFromGraphRun(rep, &pts[i].Config)
	}
	return out, nil
}

// metricsFromGraphRun collects a NIR point's metrics from graphrun's
// report (per sample, which is the inference of a NIR model). Activation
// sparsity counts the neurons that can fire (readouts never do) over the
// chip's timesteps; power is energy over latency.
func metricsFromGraphRun(r *graphrun.Report, pc *PointConfig) Metrics {
	m := Metrics{
		EnergyUJ:           r.EnergyUJ,
		LatencyUS:          r.LatencyUS,
		CoresUsed:          float64(r.CoresUsed),
		ChipCores:          chipCores(pc),
		SynMemKiB:          chipSynMemKiB(pc),
		SynMemUsedKiB:      float64(r.SynapticMemoryUsedBytes()) / 1024,
		SynapticOps:        r.SynapticOps,
		CyclesPerTimestep:  r.CyclesPerTimestep,
		OutputAgreementPct: r.OutputAgreementPct,
	}
	if r.LatencyUS > 0 {
		m.PowerMW = r.EnergyUJ / r.LatencyUS * 1e3 // µJ/µs = W
	}
	if r.ChipAccuracyPct != nil {
		m.AccuracyPct, m.FloatAccuracyPct = *r.ChipAccuracyPct, *r.FloatAccuracyPct
	}
	var spikes, neuronSteps float64
	for _, p := range r.Populations {
		if p.Fires {
			spikes += p.ChipSpikes
			neuronSteps += float64(p.Neurons) * float64(r.ChipTimesteps)
		}
	}
	if neuronSteps > 0 {
		m.ActivationSparsity = 1 - spikes/neuronSteps
	}
	if r.FanInSplit != nil {
		m.SplitterCores, m.SplitEnergyUJ = float64(r.FanInSplit.SplitterCores), r.FanInSplit.EnergyUJ
	}
	return m
}
