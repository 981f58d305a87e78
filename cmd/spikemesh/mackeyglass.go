package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/internal/atomicfile"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
)

// mgSummary and mgDescription are the built-in workload's line in
// spikemesh models.
const (
	mgSummary     = "input 1 → LIF reservoir 100 (recurrent) → LI 1"
	mgDescription = "NeuroBench Mackey-Glass (τ=17) one-step-ahead prediction: fixed random LIF reservoir, ridge-trained LI readout (docs/sequences.md)"
)

// mgTask is the report's description of the task.
type mgTask struct {
	Tau               float64 `json:"tau"`
	Beta              float64 `json:"beta"`
	Gamma             float64 `json:"gamma"`
	N                 float64 `json:"n"`
	History           float64 `json:"initial_history"`
	LyapunovTime      float64 `json:"lyapunov_time"`
	PointsPerLyapunov int     `json:"points_per_lyapunov_time"`
	Spacing           float64 `json:"sample_spacing"`
	Solver            string  `json:"solver"`
	TrainPoints       int     `json:"train_points"`
	TestPoints        int     `json:"test_points"`
}

// mgReport is spikemesh run --model mackey-glass's report: the task, the
// chip run (graphrun's report, with its regression section: the spiking
// model's sMAPE on the test steps on the chip and in float), the baseline
// and the per-prediction figures.
type mgReport struct {
	Task mgTask `json:"task"`
	// BaselineSMAPE: the non-spiking baseline of the same size (leaky tanh
	// units, the same weights, its own ridge readout), float, test steps.
	BaselineSMAPE float64 `json:"baseline_tanh_smape_pct"`
	// PersistenceSMAPE: predicting x(t+1) = x(t), for scale.
	PersistenceSMAPE float64 `json:"persistence_smape_pct"`
	// Per prediction step (one per input timestep): energy of the sample
	// over its timesteps, and the chip's mean latency per timestep.
	EnergyUJPerStep  float64          `json:"energy_uj_per_prediction"`
	LatencyUSPerStep float64          `json:"latency_us_per_prediction"`
	Run              *graphrun.Report `json:"chip_run"`
}

// runMackeyGlass is spikemesh run --model mackey-glass: it generates the
// series, builds the committed model's graph, runs it on the chip and in
// float over the train and test steps, scores the test steps and prints
// the report.
func runMackeyGlass(cmd *cobra.Command, chipName, energyName, override string, workers int, asJSON bool, gf *graphFlags, sf *setFlag) error {
	f := cmd.Flags()
	for _, name := range []string{"conversion", "encoder", "per-channel", "percentile", "dataset", "timings", "reset", "core-energy",
		"input", "dt", "timesteps", "samples", "seed", "max-memory"} {
		if f.Changed(name) {
			return fmt.Errorf("--%s does not apply to %s (the task fixes its input, time step and length)", name, mackeyglass.Name)
		}
	}
	if err := gf.checkInputRate(cmd); err != nil {
		return err
	}
	cfg, e, err := resolveChipEnergy(chipName, energyName, override, sf)
	if err != nil {
		return err
	}
	traceDir, err := f.GetString("trace")
	if err != nil {
		return err
	}
	task := mackeyglass.NeuroBench()
	xs, err := task.Generate()
	if err != nil {
		return err
	}
	m, err := mackeyglass.Builtin()
	if err != nil {
		return err
	}
	g, err := m.Graph()
	if err != nil {
		return err
	}
	_, _, testLo, testHi := task.Split()
	T := len(xs) - 1 // inputs x_0..x_{P−2}; step t predicts x_{t+1}
	in, err := graphrun.NewInput(mackeyglass.Name+" series", 1, T, []int{1}, xs[:T], nil)
	if err != nil {
		return err
	}
	run, err := graphrun.Run(cmd.Context(), graphrun.Options{Graph: g, Model: mackeyglass.Name, Input: in, Chip: cfg, ChipName: chipName,
		Energy: e, DT: mackeyglass.DT, Workers: workers, TraceDir: traceDir, InputRateHz: gf.inputRate,
		Regression: &graphrun.Regression{Targets: xs[1:], From: testLo, To: testHi}})
	if err != nil {
		return err
	}
	run.Provenance.Version, run.Provenance.CommandLine = version(), os.Args
	rep := &mgReport{Run: run, Task: mgTask{Tau: task.Tau, Beta: task.Beta, Gamma: task.Gamma, N: task.N, History: task.History,
		LyapunovTime: task.LyapunovTime, PointsPerLyapunov: task.PointsPerLyapunov, Spacing: task.Spacing(),
		Solver:      fmt.Sprintf("RK4, fixed step %g, cubic Hermite for delayed and sampled values", task.SolverStep),
		TrainPoints: task.TrainPoints(), TestPoints: task.TestPoints()}}
	if rep.BaselineSMAPE, err = mackeyglass.SMAPE(m.TanhPredict(xs[:T])[testLo:testHi], xs[testLo+1:testHi+1]); err != nil {
		return err
	}
	if rep.PersistenceSMAPE, err = mackeyglass.SMAPE(xs[testLo:testHi], xs[testLo+1:testHi+1]); err != nil {
		return err
	}
	rep.EnergyUJPerStep = run.EnergyUJ / float64(T)
	rep.LatencyUSPerStep = run.Streaming.StepLatencyUS // T > 1: always present
	w := bufio.NewWriter(os.Stdout)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.writeText(w)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

func (r *mgReport) writeText(w io.Writer) error {
	var b strings.Builder
	t := r.Task
	fmt.Fprintf(&b, "Mackey-Glass one-step-ahead prediction (NeuroBench chaotic function prediction)\n\n")
	fmt.Fprintf(&b, "task      τ %g, β %g, γ %g, n %g, history %g; %d points per Lyapunov time %g (spacing %.6f); %d train + %d test steps\n",
		t.Tau, t.Beta, t.Gamma, t.N, t.History, t.PointsPerLyapunov, t.LyapunovTime, t.Spacing, t.TrainPoints, t.TestPoints)
	fmt.Fprintf(&b, "series    %s\n", t.Solver)
	rr := r.Run.Regression
	fmt.Fprintf(&b, "sMAPE     test steps: chip %.3f %%, float %.3f %%; non-spiking baseline (tanh, same size) %.3f %%; persistence %.3f %%\n",
		rr.ChipSMAPE, rr.FloatSMAPE, r.BaselineSMAPE, r.PersistenceSMAPE)
	fmt.Fprintf(&b, "per step  %.4g µJ, %.4g µs per prediction on the chip\n\n", r.EnergyUJPerStep, r.LatencyUSPerStep)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return r.Run.WriteText(w)
}

// trainMackeyGlass is spikemesh train --model mackey-glass: the recipe
// (mackeyglass.Train on NeuroBench's task) written as PREFIX.npz (the
// weights; the committed workloads/mackeyglass/mackey-glass.npz is this
// file) and PREFIX.nir (the graph, for other tools).
func trainMackeyGlass(cmd *cobra.Command, out string) error {
	for _, name := range []string{"epochs", "limit", "seed", "workers", "max-memory"} {
		if cmd.Flags().Changed(name) {
			return fmt.Errorf("--%s does not apply to %s (a fixed reservoir and a ridge readout: no epochs, batches or random seed to choose)", name, mackeyglass.Name)
		}
	}
	if out == "" {
		out = mackeyglass.Name
	}
	out = strings.TrimSuffix(strings.TrimSuffix(out, ".npz"), ".nir")
	m, fit, err := mackeyglass.Train(mackeyglass.NeuroBench())
	if err != nil {
		return err
	}
	b, err := m.Encode()
	if err != nil {
		return err
	}
	g, err := m.Graph()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(out+".npz", b, 0o644); err != nil {
		return err
	}
	if err := nir.Write(out+".nir", g); err != nil {
		return err
	}
	fmt.Printf("trained %s: float sMAPE train %.3f %%, test %.3f %%; tanh baseline train %.3f %%, test %.3f %%; written to %s.npz and %s.nir\n",
		mackeyglass.Name, fit.TrainSMAPE, fit.TestSMAPE, fit.TanhTrainSMAPE, fit.TanhTestSMAPE, out, out)
	return nil
}
