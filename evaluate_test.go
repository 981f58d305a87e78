package spikemesh

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/workloads"
)

func testOptions(t *testing.T, samples int, timesteps ...int) Options {
	t.Helper()
	c, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Model: "mnist-mlp", Chip: c, Energy: e, Samples: samples, Timesteps: timesteps,
		Encoder: workloads.Rate, Percentile: 99.9, Seed: 7, Workers: 1}
}

func render(t *testing.T, r *Report) (text, js []byte) {
	t.Helper()
	var a, b bytes.Buffer
	if err := r.WriteText(&a); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes()
}

// TestDeterministicAcrossWorkers: the text and JSON reports are byte-identical
// for 1, 2 and 8 workers and for a repeated run with the same seed.
func TestDeterministicAcrossWorkers(t *testing.T) {
	var wantText, wantJSON []byte
	for i, w := range []int{1, 2, 8, 2} {
		o := testOptions(t, 12, 16)
		o.Workers = w
		r, err := Evaluate(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		text, js := render(t, r)
		if i == 0 {
			wantText, wantJSON = text, js
			continue
		}
		if !bytes.Equal(text, wantText) || !bytes.Equal(js, wantJSON) {
			t.Fatalf("workers=%d: report differs from workers=1", w)
		}
	}
	// A different seed must change the rate-coded spikes.
	o := testOptions(t, 12, 16)
	o.Seed = 8
	r, err := Evaluate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if _, js := render(t, r); bytes.Equal(js, wantJSON) {
		t.Fatal("seed has no effect")
	}
}

// TestBuiltinWorkload runs the built-in MLP on the Loihi preset and checks
// accuracy bounds and that the event counts add up.
func TestBuiltinWorkload(t *testing.T) {
	samples := 300
	if testing.Short() {
		samples = 60
	}
	o := testOptions(t, samples, 32)
	o.Workers = 2
	r, err := Evaluate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if r.ANNAccuracyPct < 97 {
		t.Errorf("ANN accuracy %.1f %% on %d samples, want >= 97 %%", r.ANNAccuracyPct, samples)
	}
	run := r.Runs[0]
	if run.SNNAccuracyPct < r.ANNAccuracyPct-4 {
		t.Errorf("SNN accuracy %.1f %% vs ANN %.1f %% at T=32", run.SNNAccuracyPct, r.ANNAccuracyPct)
	}
	// Loihi's 128 KiB per core forces every hidden layer onto several cores.
	for _, l := range r.Mapping[:2] {
		if l.Cores < 2 {
			t.Errorf("layer %s on %d core(s); synaptic memory should force a split", l.Name, l.Cores)
		}
	}
	// Packets: every spike of a non-output layer goes to each core of the
	// next layer.
	var wantPackets float64
	for l := 0; l+1 < len(run.Layers); l++ {
		wantPackets += run.Layers[l].SpikesPerSample * float64(r.Mapping[l+1].Cores)
	}
	if d := run.SpikePackets - wantPackets; d > 1e-6 || d < -1e-6 {
		t.Errorf("spike packets %.3f, want Σ spikes x next-layer cores = %.3f", run.SpikePackets, wantPackets)
	}
	var synops float64
	for _, l := range run.Layers {
		synops += l.SynapticOps
	}
	if d := synops - run.SynapticOps; d > 1e-6 || d < -1e-6 {
		t.Errorf("per-layer synaptic ops sum to %.3f, total %.3f", synops, run.SynapticOps)
	}
	e := run.Energy
	parts := e.SynapticUJ + e.NeuronUJ + e.SpikeUJ + e.MeshUJ + e.StaticUJ
	if d := parts - e.TotalUJ; d > 1e-9*e.TotalUJ || d < -1e-9*e.TotalUJ {
		t.Errorf("energy parts sum to %g, total %g", parts, e.TotalUJ)
	}
	sum := e.Chip.TotalUJ
	for _, l := range e.Layers {
		sum += l.TotalUJ
	}
	if d := sum - e.TotalUJ; d > 1e-9*e.TotalUJ || d < -1e-9*e.TotalUJ {
		t.Errorf("layers + chip-wide sum to %g µJ, total %g", sum, e.TotalUJ)
	}
	var cores float64
	for _, c := range e.Cores {
		cores += c.TotalUJ
	}
	if d := cores + e.Chip.TotalUJ - e.TotalUJ; d > 1e-9*e.TotalUJ || d < -1e-9*e.TotalUJ {
		t.Errorf("cores + chip-wide sum to %g µJ, total %g", cores+e.Chip.TotalUJ, e.TotalUJ)
	}
	nb := run.NeuroBench
	if nb.SynapticOperations.EffectiveACs != run.SynapticOps || nb.MembraneUpdates != run.NeuronUpdates ||
		nb.SynapticOperations.Dense != float64(784*512+512*512+512*10)*32 || nb.FootprintBytes <= 0 {
		t.Errorf("NeuroBench metrics inconsistent with the counts: %+v", nb)
	}
	if run.Timing.LatencyUS <= 0 || run.Timing.CyclesPerTimestepMax == 0 {
		t.Errorf("timing not filled: %+v", run.Timing)
	}
}

func TestEvaluateRejectsBadOptions(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Options)
	}{
		{"zero samples", func(o *Options) { o.Samples = 0 }},
		{"zero timesteps", func(o *Options) { o.Timesteps = []int{0} }},
		{"too many samples", func(o *Options) { o.Samples = 10001 }},
		{"unknown model", func(o *Options) { o.Model = "nope" }},
		{"percentile", func(o *Options) { o.Percentile = 0 }},
		{"mesh too small", func(o *Options) { o.Chip.MeshWidth, o.Chip.MeshHeight, o.Chip.CoresPerRouter = 1, 1, 2 }},
	}
	for _, c := range cases {
		o := testOptions(t, 1, 1)
		c.mod(&o)
		if _, err := Evaluate(context.Background(), o); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// TestTraceFiles: --trace writes complete .npy, CSV and PNG files whose
// totals match the report.
func TestTraceFiles(t *testing.T) {
	o := testOptions(t, 5, 8)
	o.TraceDir = t.TempDir()
	r, err := Evaluate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(o.TraceDir, "core_spikes.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := npy.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var spikes []uint64
	if err := rd.Read(&spikes); err != nil {
		t.Fatal(err)
	}
	if got := rd.Header.Descr.Shape; len(got) != 2 || got[0] != 8 || got[1] != r.Chip.CoresUsed {
		t.Errorf("core_spikes shape %v, want [8 %d]", got, r.Chip.CoresUsed)
	}
	var total float64
	for _, s := range spikes {
		total += float64(s)
	}
	var want float64
	for _, l := range r.Runs[0].Layers {
		want += l.SpikesPerSample * 5
	}
	if d := total - want; d > 1e-6 || d < -1e-6 {
		t.Errorf("trace has %g spikes, report %g", total, want)
	}
	for _, name := range []string{"cores.csv", "links.csv", "link_utilization.png", "link_flits.npy", "core_busy_cycles.npy", "core_synaptic_ops.npy"} {
		st, err := os.Stat(filepath.Join(o.TraceDir, name))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestExactConversion: with exact conversion, every neuron's net spike count
// on the chip equals the quantized ANN's activation on every image, for the
// MLP and the CNN, and the SNN's accuracy is the quantized ANN's. (The
// quantized forward pass is itself checked against an independent
// reference in package workloads.)
func TestExactConversion(t *testing.T) {
	for _, c := range []struct {
		model   string
		samples int
	}{{"mnist-mlp-qcfs", 150}, {"mnist-cnn-qcfs", 40}} {
		o := testOptions(t, c.samples, 200)
		o.Model, o.Method, o.Workers = c.model, workloads.MethodExact, 2
		r, err := Evaluate(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		x := r.Runs[0].Exact
		if x == nil || x.Images != c.samples || x.ImagesExact != c.samples || x.NeuronMismatches != 0 || x.ImagesQuiet != c.samples {
			t.Errorf("%s: exact check %+v", c.model, x)
			continue
		}
		if r.Runs[0].SNNAccuracyPct != r.QuantizedANNAccuracyPct {
			t.Errorf("%s: SNN accuracy %.2f %%, quantized ANN %.2f %%", c.model, r.Runs[0].SNNAccuracyPct, r.QuantizedANNAccuracyPct)
		}
		if x.TimestepsMax >= 200 || x.TimestepsMean <= 1 {
			t.Errorf("%s: timesteps to quiet mean %.1f max %d", c.model, x.TimestepsMean, x.TimestepsMax)
		}
	}
}

// TestExactCheckDetectsMismatch: the check is not vacuous.
func TestExactCheckDetectsMismatch(t *testing.T) {
	var x ExactReport
	qa := &workloads.QuantizedActs{Counts: [][]int32{{1, 2}, {3}}}
	x.Add(&chip.Result{Timesteps: 5, Quiet: true, NeuronCounts: [][]int32{{1, 2}, {3}}}, qa)
	x.Add(&chip.Result{Timesteps: 7, Quiet: true, NeuronCounts: [][]int32{{1, 1}, {3}}}, qa)
	x.Add(&chip.Result{Timesteps: 9, Quiet: false, NeuronCounts: [][]int32{{1, 2}, {3}}}, qa)
	if x.Images != 3 || x.ImagesExact != 1 || x.NeuronMismatches != 1 || x.ImagesQuiet != 2 || x.TimestepsMax != 9 || x.TimestepsMean != 7 || x.FirstMismatch == "" {
		t.Errorf("%+v", x)
	}
}

// TestNeuroBenchCNN: dense synaptic operations count a convolution's real
// connections, not fan-in x neurons.
func TestNeuroBenchCNN(t *testing.T) {
	o := testOptions(t, 3, 8)
	o.Model = "mnist-cnn"
	r, err := Evaluate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	w, err := LoadWorkload("mnist-cnn")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(w, o.Chip, workloads.ConvertOptions{Percentile: o.Percentile, Encoder: o.Encoder})
	if err != nil {
		t.Fatal(err)
	}
	var conns int64
	for l := range p.Converted.Net.Layers {
		conns += p.Converted.Net.Connections(l)
	}
	// conv1 alone: 16 x 24 x 24 neurons x 25 taps = 230,400 connections.
	if conns < 230400 || conns > 2000000 {
		t.Fatalf("%d connections", conns)
	}
	if got, want := r.Runs[0].NeuroBench.SynapticOperations.Dense, float64(conns*8); got != want {
		t.Errorf("dense synaptic ops %g, want %g", got, want)
	}
}

// TestPlan: the policy decisions Evaluate makes, all in Options.Plan.
func TestPlan(t *testing.T) {
	o := testOptions(t, 5)
	o.Chip.WeightBits = 6
	o.EnergyOverride = "synop=30pJ"
	p, err := o.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if p.Conversion.WeightBits != 6 || p.Conversion.Encoder != workloads.Rate || len(p.Notes) != 0 ||
		!slices.Equal(p.Timesteps, []int{DefaultTimesteps(workloads.MethodRate)}) {
		t.Errorf("rate plan %+v", p)
	}
	if p.Energy.SynapticOpPJ != 30 || p.Energy.Name != "loihi with synop=30pJ" {
		t.Errorf("energy %s: synaptic op %g pJ", p.Energy.Name, p.Energy.SynapticOpPJ)
	}
	o = testOptions(t, 5)
	o.Method = workloads.MethodExact
	if p, err = o.Plan(); err != nil {
		t.Fatal(err)
	}
	if p.Conversion.Encoder != workloads.Pulse || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "not rate") ||
		!slices.Equal(p.Timesteps, []int{DefaultTimesteps(workloads.MethodExact)}) {
		t.Errorf("exact plan %+v", p)
	}
	o.Encoder = workloads.Pulse
	if p, err = o.Plan(); err != nil || len(p.Notes) != 0 {
		t.Errorf("exact with pulse: notes %v, err %v", p.Notes, err)
	}
	o.PerChannel = true
	if _, err = o.Plan(); err == nil || !strings.Contains(err.Error(), "per-channel") {
		t.Errorf("exact with per-channel scales: %v", err)
	}
}
