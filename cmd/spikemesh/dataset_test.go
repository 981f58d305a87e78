package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// npzArray is one array of a test .npz file.
type npzArray struct {
	key   string
	shape []int
	data  any
}

// writeDataset writes arrays as a .npz archive (the layout numpy.savez writes).
func writeDataset(t *testing.T, name string, arrays ...npzArray) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, a := range arrays {
		w, err := zw.Create(a.key + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(w, a.shape, a.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDatasetFileMatchesMNIST: the first 20 MNIST test images saved as a
// dataset file, with the embedded calibration images as x_calib, give
// the golden MNIST report byte for byte but for the dataset's name.
func TestDatasetFileMatchesMNIST(t *testing.T) {
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	calib, err := mnist.Calibration()
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	sub := test.Slice(0, n)
	labels := make([]int64, n)
	for i, l := range sub.Labels {
		labels[i] = int64(l)
	}
	path := writeDataset(t, "mnist20.npz",
		npzArray{"x", []int{n, 1, 28, 28}, sub.Images},
		npzArray{"y", []int{n}, labels},
		npzArray{"x_calib", []int{calib.N, 1, 28, 28}, calib.Images})
	// No --samples: a file smaller than the default runs in full.
	stdout, stderr, code := run(t, "run", "--dataset", path, "--timesteps", "16")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "run-mlp-rate.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Replace(stdout, "dataset "+path+",", "dataset mnist-test,", 1)
	got = strings.Replace(got, "2000 calibration images from x_calib,", "2000 calibration images,", 1)
	if got != string(want) {
		t.Errorf("report differs from testdata/run-mlp-rate.txt: %s", firstDiff(string(want), got))
	}
}

// TestDatasetBadInput: each bad dataset file gives one line naming the
// file and the array, exit 1.
func TestDatasetBadInput(t *testing.T) {
	img := npzArray{"x", []int{4, 1, 28, 28}, make([]uint8, 4*784)}
	lab := npzArray{"y", []int{4}, []int64{0, 1, 2, 3}}
	nan := make([]float32, 4*784)
	nan[100] = float32(0) / float32(zero())
	empty := filepath.Join(t.TempDir(), "empty.npz")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	seq := npzArray{"x", []int{2, 3, 2}, make([]float32, 12)}
	nir := filepath.Join("..", "..", "nir", "testdata", "lif_norse.nir")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"empty file", []string{"run", "--dataset", empty}, "empty.npz is not a regular, non-empty file"},
		{"not npz", []string{"run", "--dataset", "digits.csv"}, `"digits.csv" is neither a built-in set (mnist, fashion-mnist) nor a .npz file`},
		{"missing y", []string{"run", "--dataset", writeDataset(t, "noy.npz", img)}, "noy.npz: missing array y (found x)"},
		{"missing x", []string{"run", "--dataset", writeDataset(t, "nox.npz", lab)}, "nox.npz: missing array x (found y)"},
		{"x dtype", []string{"run", "--dataset", writeDataset(t, "i32.npz", npzArray{"x", []int{4, 784}, make([]int32, 4*784)}, lab)}, "i32.npz: array x: dtype <i4, want uint8 (pixels 0..255) or float in [0, 1]"},
		{"label count", []string{"run", "--dataset", writeDataset(t, "count.npz", img, npzArray{"y", []int{3}, []int64{0, 1, 2}})}, "count.npz: array y: <i8 [3], want [4] integer labels"},
		{"NaN", []string{"run", "--dataset", writeDataset(t, "nan.npz", npzArray{"x", []int{4, 1, 28, 28}, nan}, lab)}, "nan.npz: array x: element 100 is NaN"},
		{"wrong image size", []string{"run", "--dataset", writeDataset(t, "size.npz", npzArray{"x", []int{4, 1, 32, 32}, make([]uint8, 4*1024)}, lab)}, "size.npz: array x: samples are 1x32x32, model mnist-mlp takes 784 inputs (784 values)"},
		{"label out of range", []string{"run", "--dataset", writeDataset(t, "big.npz", img, npzArray{"y", []int{4}, []int64{0, 1, 2, 10}})}, "big.npz: array y: label 10 of sample 3, model mnist-mlp has 10 outputs"},
		{"sequences for an ANN", []string{"run", "--dataset", writeDataset(t, "seq.npz", seq, npzArray{"y", []int{2}, []int64{0, 1}})}, "holds sequences ([N, T, channels] x); model mnist-mlp is a converted ANN"},
		{"too many samples", []string{"run", "--dataset", writeDataset(t, "few.npz", img, lab), "--samples", "5"}, "samples is 5, must be in 1..4"},
		{"short sequences", []string{"run", "--model", nir, "--dataset", writeDataset(t, "short.npz", seq, npzArray{"y", []int{2}, []int64{0, 1}}), "--timesteps", "5"}, "short.npz: array x: sequences have 3 timesteps, the run needs 5"},
		{"per-step targets", []string{"run", "--model", nir, "--dataset", writeDataset(t, "steps.npz", npzArray{"x", []int{2, 3, 1}, make([]float32, 6)}, npzArray{"y", []int{2, 3}, make([]float32, 6)})}, "regression: output population 1 is LIF, which fires; per-step predictions are read from readouts that do not fire"},
		{"images for a NIR graph", []string{"run", "--model", nir, "--dataset", writeDataset(t, "img.npz", img, lab)}, "img.npz holds images; a NIR graph needs [N, T, channels] sequences"},
		{"train data-dir for MNIST", []string{"train", "--model", "mnist-cnn", "--data-dir", t.TempDir()}, "--data-dir is for Fashion-MNIST recipes"},
		{"train fashion without data", []string{"train", "--model", "fashion-cnn", "--data-dir", t.TempDir()}, "Fashion-MNIST training data not found"},
		{"export dataset for NIR", []string{"export", "--model", nir, "--dataset", "d.npz", "--out", filepath.Join(t.TempDir(), "o.nir")}, "--dataset applies to built-in ANN models"},
		{"dataset and input", []string{"run", "--model", nir, "--dataset", "a.npz", "--input", "b.npz"}, "--dataset and --input both give a NIR model's input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			if code != 1 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "spikemesh: ") || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q, want one spikemesh: line containing %q", stderr, c.want)
			}
		})
	}
}

// zero returns 0 at run time, so 0/zero() is a NaN the compiler allows.
func zero() int { return 0 }

// TestDatasetSequencesMatchInput: a NIR graph's input saved as a dataset
// file (x = the data, y = a label) gives the golden --input report, with
// the label scored.
func TestDatasetSequencesMatchInput(t *testing.T) {
	// The fixture is an .npz with one array, "data".
	fixture := filepath.Join("testdata", "lif_norse_input.npz")
	f, err := os.Open(fixture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	a, err := npyfile.OpenArchive(fixture, f, st.Size(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	in, err := a.Read("data")
	if err != nil {
		t.Fatal(err)
	}
	path := writeDataset(t, "norse.npz", npzArray{"x", in.Shape, in.Data}, npzArray{"y", []int{in.Shape[0]}, []int64{0}})
	nir := filepath.Join("..", "..", "nir", "testdata", "lif_norse.nir")
	got, stderr, code := run(t, "run", "--model", nir, "--dataset", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, _, code := run(t, "run", "--model", nir, "--input", fixture)
	if code != 0 {
		t.Fatal("the --input run failed")
	}
	// The one neuron's single output is class 0 in both numerics.
	const acc = "accuracy  chip 100.00 %  float 100.00 %\n"
	if !strings.Contains(got, acc) {
		t.Fatalf("no accuracy line %q in\n%s", acc, got)
	}
	got = strings.Replace(strings.Replace(got, acc, "", 1), path, fixture, 1)
	if got != want {
		t.Errorf("report differs from the --input run's but for the accuracy: %s", firstDiff(want, got))
	}
}

// TestDatasetStepTargets: a --dataset file with [N, T] per-step targets
// makes a NIR run a regression scored at every step. The graph is the
// Mackey-Glass regressor (train writes it), the input the first 200 points
// of its series and the targets the points one step ahead.
func TestDatasetStepTargets(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := run(t, "train", "--model", "mackey-glass", "--out", filepath.Join(dir, "mg")); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	xs, err := mackeyglass.NeuroBench().Generate()
	if err != nil {
		t.Fatal(err)
	}
	const T = 200
	data := writeDataset(t, "mg.npz", npzArray{"x", []int{1, T, 1}, xs[:T]}, npzArray{"y", []int{1, T}, xs[1 : T+1]})
	stdout, stderr, code := run(t, "run", "--model", filepath.Join(dir, "mg.nir"), "--dataset", data, "--dt", "0.001", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Regression *struct {
			Outputs     int     `json:"outputs"`
			ScoredSteps int     `json:"scored_steps"`
			ChipSMAPE   float64 `json:"chip_smape_pct"`
			FloatSMAPE  float64 `json:"float_smape_pct"`
		} `json:"regression"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	r := rep.Regression
	if r == nil || r.Outputs != 1 || r.ScoredSteps != T {
		t.Fatalf("regression section %+v, want 1 output and %d scored steps", r, T)
	}
	// A trained one-step-ahead predictor beats sMAPE's worst case (200)
	// by far; persistence scores about 8.6 % on this series.
	if !(r.ChipSMAPE > 0 && r.ChipSMAPE < 50 && r.FloatSMAPE > 0 && r.FloatSMAPE < 50) {
		t.Errorf("sMAPE chip %g %%, float %g %%: want a trained predictor's (0, 50)", r.ChipSMAPE, r.FloatSMAPE)
	}
}

// TestGraphRunFlags: seq-mnist on a --dataset file runs every sequence of
// the file (run's default of 1000 is for its own test set); flags that do
// not apply to a built-in graph model, --samples 0 and an input over
// --max-memory are each refused in one line.
func TestGraphRunFlags(t *testing.T) {
	seq := make([]float32, 3*28*28)
	for i := range seq {
		seq[i] = float32(i%7) / 7
	}
	data := writeDataset(t, "rows.npz", npzArray{"x", []int{3, 28, 28}, seq}, npzArray{"y", []int{3}, []int64{1, 2, 3}})
	stdout, stderr, code := run(t, "run", "--model", "seq-mnist", "--dataset", data, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Samples int `json:"samples"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Samples != 3 {
		t.Errorf("samples %d (%v), want the file's 3", rep.Samples, err)
	}
	// 200 sequences: 156,800 float32 values, 12 bytes each once read.
	big := writeDataset(t, "big.npz", npzArray{"x", []int{200, 28, 28}, make([]float32, 200*28*28)}, npzArray{"y", []int{200}, make([]int64, 200)})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--leak", "0.1"}, "--leak applies to built-in ANN models, not to NIR graphs"},
		{[]string{"--dt", "0.0002"}, "--dt: seq-mnist runs at the time step it was trained at"},
		{[]string{"--samples", "0"}, "--samples 0: must be >= 1"},
		{[]string{"--dataset", big, "--max-memory", "1MiB"}, "input " + big + " needs about 1.8 MiB"},
		{[]string{"--dataset", writeDataset(t, "bad.npz", npzArray{"x", []int{3, 28, 28}, seq}, npzArray{"y", []int{3}, []int64{1, 2, 30}})}, "label 30 of sample 2, the graph has 10 output neurons"},
	} {
		_, stderr, code := run(t, append([]string{"run", "--model", "seq-mnist"}, c.args...)...)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want one line with %q", c.args, code, stderr, c.want)
		}
	}
}
