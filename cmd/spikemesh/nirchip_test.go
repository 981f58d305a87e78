package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/nir"
)

// nirPopSpikes runs args (a NIR run with --json) and returns the chip's
// and the float's spikes per sample of every population.
func nirPopSpikes(t *testing.T, args ...string) (chipSpikes, floatSpikes []float64) {
	t.Helper()
	stdout, stderr, code := run(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	var rep struct {
		Populations []struct {
			Chip  float64 `json:"chip_spikes"`
			Float float64 `json:"float_spikes"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Populations {
		chipSpikes, floatSpikes = append(chipSpikes, p.Chip), append(floatSpikes, p.Float)
	}
	return chipSpikes, floatSpikes
}

// TestRunNIRTrace: run --trace works for a NIR graph through package
// trace, and the trace's spikes add up to the report's.
func TestRunNIRTrace(t *testing.T) {
	const samples = 3
	in := randomSpikeInput(t, samples, 15, []int{12}, 0.4)
	dir := filepath.Join(t.TempDir(), "trace")
	model := nirTestdata + "braille_noDelay_bias_zero.nir"
	perSample, _ := nirPopSpikes(t, "run", "--model", model, "--input", in, "--trace", dir)
	want := 0.0
	for _, s := range perSample {
		want += s * samples
	}
	for _, f := range []string{"core_spikes.npy", "core_synaptic_ops.npy", "cores.csv", "links.csv"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "cores.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][5] != "spikes" {
		t.Fatalf("cores.csv: %v, header %v", err, rows[:min(1, len(rows))])
	}
	got := 0.0
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[5], 64)
		if err != nil {
			t.Fatal(err)
		}
		got += v
	}
	if want == 0 || math.Abs(got-want) > 1e-9 {
		t.Errorf("trace has %g spikes, the report %g (over %d samples); want equal and > 0", got, want, samples)
	}
}

// TestRunNIRPlacementDelivery: a NIR graph runs with greedy and annealed
// placement and multicast delivery (chip YAML fields placement and
// delivery); placement and delivery move packets, never spikes, so every
// population's spike counts equal the row-major unicast run's.
func TestRunNIRPlacementDelivery(t *testing.T) {
	preset, err := os.ReadFile("../../chip/presets/loihi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(preset), "placement: row-major") {
		t.Fatal("loihi.yaml no longer says placement: row-major; the test's edit would do nothing")
	}
	in := randomSpikeInput(t, 2, 12, []int{2, 34, 34}, 0.3)
	model := nirTestdata + "cnn_sinabs.nir"
	base, _ := nirPopSpikes(t, "run", "--model", model, "--input", in)
	for _, v := range []struct{ placement, delivery string }{{"greedy", "unicast"}, {"anneal", "multicast"}, {"row-major", "multicast"}} {
		y := strings.Replace(string(preset), "placement: row-major", "placement: "+v.placement, 1) + "delivery: " + v.delivery + "\n"
		cfg := filepath.Join(t.TempDir(), "chip.yaml")
		if err := os.WriteFile(cfg, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		got, _ := nirPopSpikes(t, "run", "--model", model, "--input", in, "--chip", cfg)
		if len(got) != len(base) {
			t.Fatalf("%v: %d populations, want %d", v, len(got), len(base))
		}
		for i := range got {
			if got[i] != base[i] {
				t.Errorf("%v: population %d: %g spikes, row-major unicast %g", v, i, got[i], base[i])
			}
		}
	}
}

// TestNIRZeroDelayCycle: a cycle through connectivity nodes only (no
// neuron, no delay) is refused by run and export with one line naming the
// nodes, exit 1, nothing written; inspect prints the graph and the same
// reason under "unsupported on the chip" (its job is to say why).
func TestNIRZeroDelayCycle(t *testing.T) {
	dir := t.TempDir()
	vec := func(xs ...float64) nir.Tensor {
		return nir.Tensor{Shape: nir.Shape{len(xs)}, Data: xs, DType: nir.Float32}
	}
	g := &nir.Graph{
		Nodes: []*nir.Node{
			{Name: "in", Kind: nir.KindInput, Params: &nir.IOParams{Shape: nir.Shape{2}}},
			{Name: "w", Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: nir.Tensor{Shape: nir.Shape{2, 2}, Data: []float64{1, 0, 0, 1}, DType: nir.Float32}}},
			{Name: "loop", Kind: nir.KindScale, Params: &nir.ScaleParams{Scale: vec(0.5, 0.5)}},
			{Name: "lif", Kind: nir.KindIF, Params: &nir.IFParams{R: vec(1, 1), VThreshold: vec(1, 1), VReset: vec(0, 0)}},
			{Name: "out", Kind: nir.KindOutput, Params: &nir.IOParams{Shape: nir.Shape{2}}},
		},
		Edges: []nir.Edge{{Src: "in", Dst: "w"}, {Src: "w", Dst: "loop"}, {Src: "loop", Dst: "w"}, {Src: "w", Dst: "lif"}, {Src: "lif", Dst: "out"}},
	}
	model := filepath.Join(dir, "cycle.nir")
	if err := nir.Write(model, g); err != nil {
		t.Fatal(err)
	}
	in := randomSpikeInput(t, 1, 5, []int{2}, 0.5)
	out := filepath.Join(dir, "x.nir")
	for _, args := range [][]string{
		{"run", "--model", model, "--input", in},
		{"export", "--model", model, "--out", out},
	} {
		stdout, stderr, code := run(t, args...)
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "spikemesh: ") || !strings.Contains(stderr, "nodes w -> loop -> w: cycle with zero delay") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and one line naming the cycle", args[0], code, stdout, stderr)
		}
	}
	stdout, stderr, code := run(t, "inspect", model)
	if code != 0 || !strings.Contains(stdout, "unsupported on the chip") || !strings.Contains(stdout, "nodes w -> loop -> w: cycle with zero delay") {
		t.Errorf("inspect: exit %d, stderr %q, stdout:\n%s\nwant the cycle under \"unsupported on the chip\"", code, stderr, stdout)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("export wrote a file for a refused graph")
	}
}

// TestRunExportedMLPOnMNIST: the exported mnist-mlp, run as a NIR graph on
// the first 30 MNIST test images as Bernoulli spike trains (pixel/255
// per step, 32 steps) with their labels, classifies them as the built-in
// model does (98.62 % at T = 32 on the full test set, README table):
// the accuracy is computed from real labels, so a wrong class rule or
// label handling would show. The bound 80 % leaves room for 30 images.
func TestRunExportedMLPOnMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("converts mnist-mlp (threshold balancing on the calibration set)")
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "mlp.nir")
	if _, stderr, code := run(t, "export", "--model", "mnist-mlp", "--out", model); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	w, err := spikemesh.LoadWorkload("mnist-mlp")
	if err != nil {
		t.Fatal(err)
	}
	const n, T = 30, 32
	px := w.Test.Pixels()
	data := make([]float32, n*T*px)
	labels := make([]int64, n)
	rng := rand.New(rand.NewPCG(11, 12))
	for s := range n {
		labels[s] = int64(w.Test.Labels[s])
		img := w.Test.Image(s)
		for t := range T {
			for c, v := range img {
				if rng.Float64()*255 < float64(v) {
					data[(s*T+t)*px+c] = 1
				}
			}
		}
	}
	in := filepath.Join(dir, "mnist.npz")
	writeNPZ(t, in, map[string]npyArray{"data": {[]int{n, T, px}, data}, "labels": {[]int{n}, labels}})
	stdout, stderr, code := run(t, "run", "--model", model, "--input", in, "--json")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var rep struct {
		Chip  *float64 `json:"chip_accuracy_pct"`
		Float *float64 `json:"float_accuracy_pct"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Chip == nil || rep.Float == nil || *rep.Chip < 80 || *rep.Float < 80 {
		t.Errorf("accuracy chip %v %%, float %v %%: want both reported and >= 80 %%", rep.Chip, rep.Float)
	}
	t.Logf("exported mnist-mlp on %d MNIST images: chip %.2f %%, float %.2f %%", n, *rep.Chip, *rep.Float)
}
