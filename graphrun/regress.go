package graphrun

import (
	"fmt"
	"math"
	"strings"

	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
)

// Regression makes Run score the graph's outputs as per-step predictions
// of real values: the output populations must be readouts that do not fire
// (LI, CubaLI, I), whose voltage after each step is the prediction, on the
// chip (chip.Simulator.EnableStepScores, voltage over the population's
// scale) and in float (snnref's voltage).
type Regression struct {
	// Targets holds the wanted output per sample, input timestep and
	// output neuron (the output populations' neurons concatenated):
	// Targets[(s·T + t)·outputs + o] for the input's samples and T.
	Targets []float64
	// Steps From..To−1 (input timesteps, 0-based) of every sample are
	// scored; the steps before From warm the network up.
	From, To int
}

// RegressionReport is the report's section for a Regression.
type RegressionReport struct {
	Outputs     int `json:"outputs"`      // output neurons per step
	ScoredFrom  int `json:"scored_from"`  // first scored input timestep
	ScoredSteps int `json:"scored_steps"` // per sample
	// SMAPE is NeuroBench's sMAPE (mackeyglass.SMAPE), %, over every
	// scored step, output and sample; RMSE the root mean square error.
	ChipSMAPE  float64 `json:"chip_smape_pct"`
	FloatSMAPE float64 `json:"float_smape_pct"`
	ChipRMSE   float64 `json:"chip_rmse"`
	FloatRMSE  float64 `json:"float_rmse"`
	// ChipFloatRMS is the root mean square difference between the chip's
	// and the float's predictions over the scored steps: the drift of the
	// chip numerics in the task's units.
	ChipFloatRMS float64 `json:"chip_float_rms_difference"`
	// ChipPredictions and FloatPredictions are the predictions of every
	// sample's scored steps, [(s·ScoredSteps + t)·Outputs + o] (not in
	// the JSON report: callers that want them take them from here).
	ChipPredictions  []float64 `json:"-"`
	FloatPredictions []float64 `json:"-"`
}

// checkRegression validates r against the input and the lowered graph;
// T is the number of input timesteps run.
func checkRegression(r *Regression, in *Input, lw *nirconv.Lowered, T int) (outputs int, err error) {
	for _, l := range lw.Net.Outputs {
		p := lw.Populations[l]
		if p.Fires {
			return 0, fmt.Errorf("graphrun: regression: output population %s is %s, which fires; per-step predictions are read from readouts that do not fire (LI, CubaLI, I)", p.Node, p.Kind)
		}
		outputs += lw.Net.Layers[l].Size
	}
	if want := in.Samples * in.T * outputs; len(r.Targets) != want {
		return 0, fmt.Errorf("graphrun: regression: %d targets; want samples × T × outputs = %d × %d × %d = %d", len(r.Targets), in.Samples, in.T, outputs, want)
	}
	if r.From < 0 || r.To > T || r.From >= r.To {
		return 0, fmt.Errorf("graphrun: regression: scored steps %d..%d; want 0 <= from < to <= %d (the timesteps run)", r.From, r.To-1, T)
	}
	for i, v := range r.Targets {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("graphrun: regression: target %d is %v, want a finite number", i, v)
		}
	}
	return outputs, nil
}

// newRegressionReport allocates the prediction arrays for n samples.
func newRegressionReport(r *Regression, outputs, n int) *RegressionReport {
	steps := r.To - r.From
	return &RegressionReport{Outputs: outputs, ScoredFrom: r.From, ScoredSteps: steps,
		ChipPredictions: make([]float64, n*steps*outputs), FloatPredictions: make([]float64, n*steps*outputs)}
}

// chipStep stores sample s's chip predictions from its per-timestep
// readouts: input timestep t of output population l is read after chip
// timestep t + Latency[l] (the chip lags the float reference by that).
func (rr *RegressionReport) chipStep(lw *nirconv.Lowered, s int, stepScores [][]int64) {
	off := 0
	for _, l := range lw.Net.Outputs {
		size, lat, scale := lw.Net.Layers[l].Size, lw.Latency[l], lw.Populations[l].Scale
		for t := range rr.ScoredSteps {
			row := stepScores[rr.ScoredFrom+t+lat]
			for j := range size {
				rr.ChipPredictions[(s*rr.ScoredSteps+t)*rr.Outputs+off+j] = float64(row[off+j]) / scale
			}
		}
		off += size
	}
}

// floatStep stores the float predictions of sample s at input timestep t,
// vals the output neurons' voltages concatenated.
func (rr *RegressionReport) floatStep(s, t int, vals []float64) {
	if t < rr.ScoredFrom || t >= rr.ScoredFrom+rr.ScoredSteps {
		return
	}
	copy(rr.FloatPredictions[(s*rr.ScoredSteps+t-rr.ScoredFrom)*rr.Outputs:], vals)
}

// finish computes the scores against the targets of the first n samples
// of an input with T timesteps per sample.
func (rr *RegressionReport) finish(r *Regression, n, inT int) {
	want := make([]float64, 0, len(rr.ChipPredictions))
	for s := range n {
		for t := range rr.ScoredSteps {
			i := (s*inT + rr.ScoredFrom + t) * rr.Outputs
			want = append(want, r.Targets[i:i+rr.Outputs]...)
		}
	}
	// Lengths are equal and non-zero by construction (checkRegression).
	rr.ChipSMAPE, _ = mackeyglass.SMAPE(rr.ChipPredictions, want)
	rr.FloatSMAPE, _ = mackeyglass.SMAPE(rr.FloatPredictions, want)
	rr.ChipRMSE, rr.FloatRMSE = rms(rr.ChipPredictions, want), rms(rr.FloatPredictions, want)
	rr.ChipFloatRMS = rms(rr.ChipPredictions, rr.FloatPredictions)
}

// rms is the root mean square of a − b.
func rms(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

func (rr *RegressionReport) writeText(b *strings.Builder, samples int) {
	fmt.Fprintf(b, "regression sMAPE chip %.3f %%  float %.3f %% (NeuroBench's sMAPE over %d steps from step %d × %d output × %d samples)\n",
		rr.ChipSMAPE, rr.FloatSMAPE, rr.ScoredSteps, rr.ScoredFrom, rr.Outputs, samples)
	fmt.Fprintf(b, "           RMSE chip %.4g  float %.4g; chip vs float predictions differ by %.4g (RMS)\n", rr.ChipRMSE, rr.FloatRMSE, rr.ChipFloatRMS)
}
