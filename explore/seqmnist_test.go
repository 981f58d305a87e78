package explore

import (
	"context"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// seqTestSpace sweeps the built-in seq-mnist over two weight widths and
// two core sizes on its first 12 test sequences (about 0.05 s a point).
const seqTestSpace = `workload: seq-mnist
samples: 12
chip: loihi
energy: loihi
parameters:
  weight_bits: [4, 8]
  neurons_per_core: [32, 1024]
objectives: [maximize accuracy_pct, minimize energy_uj]
`

// TestSeqMNISTSweep: points.csv does not depend on the worker count, every
// point is keyed by the embedded model's hash, the float reference is the
// same for every chip, and the 8-bit, 1024-neuron point (the loihi preset
// itself) has the figures of an independent graphrun run of the embedded
// graph on the first 12 test images as rows.
func TestSeqMNISTSweep(t *testing.T) {
	s, err := ParseSpace([]byte(seqTestSpace))
	if err != nil {
		t.Fatal(err)
	}
	wantSHA, err := models.GraphSHA256("seq-mnist")
	if err != nil {
		t.Fatal(err)
	}
	if s.NIR == nil || !s.NIR.BuiltIn || s.Base.Workload != "seq-mnist" || s.Base.Samples != 12 || s.Base.Timesteps != 28 ||
		s.Base.ModelSHA256 != wantSHA || s.Base.InputSHA256 == "" || s.Base.DT != nirconv.DefaultDT {
		t.Fatalf("space base: %+v", s.Base)
	}
	results := sweepWorkers(t, s, func(workers int, out *Outcome) {
		if out.Evaluated != 4 || out.Conversions != 0 {
			t.Errorf("workers %d: %d evaluated, %d conversions; want 4, 0", workers, out.Evaluated, out.Conversions)
		}
	})
	var def *Result
	for i := range results {
		r := &results[i]
		if !r.Feasible || r.Config.ModelSHA256 != wantSHA || r.Metrics.FloatAccuracyPct != results[0].Metrics.FloatAccuracyPct ||
			!(r.Metrics.EnergyUJ > 0) || !(r.Metrics.LatencyUS > 0) {
			t.Fatalf("point %d: feasible %v (%s), model %s, metrics %+v", r.Index, r.Feasible, r.Reason, r.Config.ModelSHA256, r.Metrics)
		}
		if r.Params["weight_bits"] == "8" && r.Params["neurons_per_core"] == "1024" {
			def = r
		}
	}
	if def == nil {
		t.Fatal("no point with weight_bits 8, neurons_per_core 1024")
	}

	// The independent run, built here from the mnist and models packages.
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	test = test.Slice(0, 12)
	x := make([]float64, len(test.Images))
	for i, p := range test.Images {
		x[i] = float64(p) / 255
	}
	labels := make([]int, test.N)
	for i, l := range test.Labels {
		labels[i] = int(l)
	}
	in, err := graphrun.NewInput("rows", 12, 28, []int{28}, x, labels)
	if err != nil {
		t.Fatal(err)
	}
	g, err := models.LoadGraph("seq-mnist")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := graphrun.Run(context.Background(), graphrun.Options{Graph: g, Input: in, Chip: def.Config.Chip, Energy: def.Config.Energy,
		DT: nirconv.DefaultDT, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := def.Metrics
	if m.AccuracyPct != *rep.ChipAccuracyPct || m.FloatAccuracyPct != *rep.FloatAccuracyPct || m.OutputAgreementPct != rep.OutputAgreementPct ||
		m.EnergyUJ != rep.EnergyUJ || m.LatencyUS != rep.LatencyUS || m.CoresUsed != float64(rep.CoresUsed) {
		t.Errorf("weight_bits 8, neurons_per_core 1024: accuracy %g (float %g, agreement %g), %g µJ, %g µs, %g cores; independent run: %g (%g, %g), %g µJ, %g µs, %d cores",
			m.AccuracyPct, m.FloatAccuracyPct, m.OutputAgreementPct, m.EnergyUJ, m.LatencyUS, m.CoresUsed,
			*rep.ChipAccuracyPct, *rep.FloatAccuracyPct, rep.OutputAgreementPct, rep.EnergyUJ, rep.LatencyUS, rep.CoresUsed)
	}
}

// TestSeqMNISTSpaceErrors: fields that mean nothing for a built-in graph
// model, and out-of-range samples, are refused with what is expected.
func TestSeqMNISTSpaceErrors(t *testing.T) {
	const obj = "objectives: [maximize accuracy_pct]\n"
	for _, c := range []struct{ space, want string }{
		{"workload: seq-mnist\nsamples: 10001\n" + obj, "samples is 10001, must be in 1..10000"},
		{"workload: seq-mnist\nsamples: -3\n" + obj, "samples is -3, must be in 1..10000"},
		{"workload: seq-mnist\ndt: 0.001\n" + obj, "dt: seq-mnist runs at the time step it was trained at"},
		{"workload: seq-mnist\ndataset: fashion-mnist\n" + obj, "dataset fashion-mnist: the built-in seq-mnist runs on the MNIST test set as rows"},
		{"workload: seq-mnist\nparameters: {hidden: [64, 128]}\n" + obj, "another needs retraining by BPTT"},
		{"workload: seq-mnist\nparameters: {percentile: [99, 100]}\n" + obj, "percentile is a conversion setting"},
		{"workload: seq-mnist\nparameters: {seed: [1, 2]}\n" + obj, "parameter seed sets the rate coder"},
		{"workload: seq-mnist\nparameters: {timesteps: [14, 29]}\n" + obj, "timesteps is 29, the NIR model's input has 28 per sample"},
		{"workload: seq-mnist\nobjectives: [maximize ann_accuracy_pct]\n", "ann_accuracy_pct"},
		{"workload: seq-mnist\nobjectives: [minimize smape_pct]\n", "smape_pct exists only for the mackey-glass workload"},
		{"workload: seq-mnist\nmodel: x.nir\ninput: x.npz\n" + obj, `workload "seq-mnist" and model "x.nir"`},
		{"workload: seq-mnistt\n" + obj, "available: mnist-mlp"},
	} {
		_, err := ParseSpace([]byte(c.space))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.space, err, c.want)
		}
	}
	// "mnist", the set seq-mnist runs on, is its default and accepted.
	if _, err := ParseSpace([]byte("workload: seq-mnist\nsamples: 5\ndataset: mnist\n" + obj)); err != nil {
		t.Errorf("dataset mnist: %v", err)
	}
}

// TestSeqMNISTExampleSpace: the embedded example parses as the file says
// (1,000 sequences, 3 x 2 x 3 points) and stays a sweep of seconds.
func TestSeqMNISTExampleSpace(t *testing.T) {
	s, err := ParseSpace(SeqMNISTExampleSpace())
	if err != nil {
		t.Fatal(err)
	}
	if s.NIR == nil || !s.NIR.BuiltIn || s.Size() != 18 || s.Base.Samples != 1000 || s.Base.Workload != "seq-mnist" {
		t.Errorf("example: built-in graph %v, %d points, %d samples, workload %s", s.NIR != nil, s.Size(), s.Base.Samples, s.Base.Workload)
	}
}
