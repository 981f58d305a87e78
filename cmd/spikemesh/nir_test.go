package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

const nirTestdata = "../../nir/testdata/"

// nirFixtures and the input channels of each (from spikemesh inspect).
var nirFixtures = []struct {
	name     string
	channels []int // per timestep shape
}{
	{"lif_norse", []int{1}},
	{"lif_rockpool", []int{1}},
	{"two_lif_neurons", []int{1}},
	{"cnn_sinabs", []int{2, 34, 34}},
	{"braille_noDelay_bias_zero", []int{12}},
	{"braille_noDelay_bias_zero_subgraph", []int{12}},
}

// writeNPZ writes arrays (name -> shape and float32 data, or int64 labels)
// as an uncompressed .npz archive, as numpy.savez does.
func writeNPZ(t *testing.T, path string, arrays map[string]npyArray) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for _, name := range []string{"data", "labels"} {
		a, ok := arrays[name]
		if !ok {
			continue
		}
		w, err := z.Create(name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(w, a.shape, a.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

type npyArray struct {
	shape []int
	data  any
}

// randomSpikeInput writes n samples of T frames of seeded Bernoulli(p)
// spikes, every sample labelled class 0 (a class every graph has).
func randomSpikeInput(t *testing.T, n, T int, shape []int, p float64) string {
	rng := rand.New(rand.NewPCG(3, 4))
	size := 1
	for _, d := range shape {
		size *= d
	}
	data := make([]float32, n*T*size)
	for i := range data {
		if rng.Float64() < p {
			data[i] = 1
		}
	}
	labels := make([]int64, n)
	path := filepath.Join(t.TempDir(), "in.npz")
	writeNPZ(t, path, map[string]npyArray{"data": {append([]int{n, T}, shape...), data}, "labels": {[]int{n}, labels}})
	return path
}

// TestRunNIRFixtures: every fixture runs from the CLI on a generated input
// and reports spike counts, chip vs float, per population.
func TestRunNIRFixtures(t *testing.T) {
	for _, fx := range nirFixtures {
		t.Run(fx.name, func(t *testing.T) {
			in := randomSpikeInput(t, 2, 12, fx.channels, 0.3)
			stdout, stderr, code := run(t, "run", "--model", nirTestdata+fx.name+".nir", "--input", in, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var rep struct {
				Populations []struct {
					Name        string
					ChipSpikes  *float64 `json:"chip_spikes"`
					FloatSpikes *float64 `json:"float_spikes"`
				}
				CoresUsed int      `json:"cores_used"`
				ChipAcc   *float64 `json:"chip_accuracy_pct"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Populations) == 0 || rep.CoresUsed == 0 || rep.ChipAcc == nil {
				t.Fatalf("report without populations, cores or accuracy: %s", stdout)
			}
			for _, p := range rep.Populations {
				if p.ChipSpikes == nil || p.FloatSpikes == nil {
					t.Errorf("population %s: spike counts missing", p.Name)
				}
			}
			if out, stderr, code := run(t, "inspect", nirTestdata+fx.name+".nir"); code != 0 || !strings.Contains(out, "chip mapping") {
				t.Errorf("inspect: exit %d, %s\n%s", code, stderr, out)
			}
		})
	}
}

// TestBrailleTwinsAgree: the Braille graph and its nested-subgraph twin
// give the same report, number for number (only the file name differs).
func TestBrailleTwinsAgree(t *testing.T) {
	in := randomSpikeInput(t, 3, 30, []int{12}, 0.4)
	var reps [2]string
	for i, name := range []string{"braille_noDelay_bias_zero", "braille_noDelay_bias_zero_subgraph"} {
		stdout, stderr, code := run(t, "run", "--model", nirTestdata+name+".nir", "--input", in)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Drop the model line and the population names (lif1.lif vs lif1.lif1).
		var b strings.Builder
		sc := bufio.NewScanner(strings.NewReader(stdout))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "model") {
				continue
			}
			if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "lif1.") {
				line = strings.Join(f[1:], " ")
			}
			b.WriteString(line + "\n")
		}
		reps[i] = b.String()
	}
	if reps[0] != reps[1] {
		t.Errorf("reports differ:\n%s\n---\n%s", reps[0], reps[1])
	}
}

// TestRunNIRWorkersAgree: the report does not depend on --workers.
func TestRunNIRWorkersAgree(t *testing.T) {
	in := randomSpikeInput(t, 4, 15, []int{12}, 0.4)
	var outs []string
	for _, w := range []string{"1", "3"} {
		stdout, stderr, code := run(t, "run", "--model", nirTestdata+"braille_noDelay_bias_zero.nir", "--input", in, "--workers", w)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		outs = append(outs, stdout)
	}
	if outs[0] != outs[1] {
		t.Errorf("--workers 1 and 3 differ:\n%s\n%s", outs[0], outs[1])
	}
}

// TestNIRBadInput: every bad file or input gives exit 1, nothing on
// stdout and one "spikemesh:" line on stderr naming the node or field.
func TestNIRBadInput(t *testing.T) {
	good := randomSpikeInput(t, 1, 5, []int{12}, 0.3)
	dir := t.TempDir()
	nan := filepath.Join(dir, "nan.npz")
	writeNPZ(t, nan, map[string]npyArray{"data": {[]int{1, 2, 1}, []float32{0, float32Nan()}}})
	wrongShape := filepath.Join(dir, "shape.npz")
	writeNPZ(t, wrongShape, map[string]npyArray{"data": {[]int{1, 2, 5}, make([]float32, 10)}})
	negative := filepath.Join(dir, "neg.npz")
	writeNPZ(t, negative, map[string]npyArray{"data": {[]int{1, 1, 12}, []float32{-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}})
	cases := []struct {
		name string
		args []string
		want string // substring of the error line
	}{
		{"no input", []string{"run", "--model", nirTestdata + "lif_norse.nir"}, "--input"},
		{"nan input", []string{"run", "--model", nirTestdata + "lif_norse.nir", "--input", nan}, "field data"},
		{"negative input", []string{"run", "--model", nirTestdata + "braille_noDelay_bias_zero.nir", "--input", negative}, "non-negative"},
		{"channels", []string{"run", "--model", nirTestdata + "braille_noDelay_bias_zero.nir", "--input", wrongShape}, "channels"},
		{"mnist flag", []string{"run", "--model", nirTestdata + "lif_norse.nir", "--input", good, "--encoder", "rate"}, "--encoder"},
		{"dt", []string{"run", "--model", nirTestdata + "braille_noDelay_bias_zero.nir", "--input", good, "--dt", "0.01"}, "tau"},
		{"timesteps", []string{"run", "--model", nirTestdata + "braille_noDelay_bias_zero.nir", "--input", good, "--timesteps", "6"}, "timesteps"},
		{"input rate 0", []string{"run", "--model", nirTestdata + "lif_norse.nir", "--input", good, "--input-rate", "0"}, "--input-rate 0: want a finite rate > 0"},
		{"input rate negative", []string{"run", "--model", nirTestdata + "lif_norse.nir", "--input", good, "--input-rate", "-10"}, "--input-rate -10: want a finite rate > 0"},
		{"input rate NaN", []string{"run", "--model", nirTestdata + "lif_norse.nir", "--input", good, "--input-rate", "NaN"}, "--input-rate NaN: want a finite rate > 0"},
		{"input rate built-in", []string{"run", "--model", "mnist-mlp", "--input-rate", "100"}, "--input-rate applies to sequence models"},
		{"mackey-glass input", []string{"run", "--model", "mackey-glass", "--input", good}, "--input does not apply to mackey-glass"},
		{"mackey-glass rate", []string{"run", "--model", "mackey-glass", "--input-rate", "-1"}, "--input-rate -1: want a finite rate > 0"},
		{"mackey-glass train flag", []string{"train", "--model", "mackey-glass", "--epochs", "2"}, "--epochs does not apply to mackey-glass"},
	}
	exported := filepath.Join(dir, "exported.nir")
	for _, f := range []struct{ file, want string }{
		{"bad_truncated", "not a readable HDF5 file"}, {"bad_not_hdf5", "no HDF5 signature"},
		{"bad_unknown_type", `node "mystery": field "type": unknown node type "Quantum"`},
		{"bad_missing_tau", `node "lif": field "tau": missing`},
		{"bad_shape_mismatch", `node "lif": field "input": receives shape 2 from "aff" but expects 4`},
		{"bad_nan", `node "lif": field "v_threshold": element 1 is not finite`},
		{"bad_negative_tau", `node "lif": field "tau": time constant must be positive`},
		{"bad_missing_node", `field "edges": edge 1 names destination "ghost"`},
		{"bad_huge", `node "aff": field "weight": declared array 100000x100000 of float64 exceeds the read budget`},
		{"bad_no_path", `field "edges": no path from any Input node to any Output node`},
		{"bad_inf_weight", `node "aff": field "weight": element 4 is not finite`},
		{"bad_zero_tau", `node "lif": field "tau": time constant must be positive`},
	} {
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"export " + f.file, []string{"export", "--model", nirTestdata + f.file + ".nir", "--out", exported}, f.want})
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{f.file, []string{"run", "--model", nirTestdata + f.file + ".nir", "--input", good}, f.want})
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"inspect " + f.file, []string{"inspect", nirTestdata + f.file + ".nir"}, f.want})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			if code != 1 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and no output", code, stdout, stderr)
			}
			if !strings.HasPrefix(stderr, "spikemesh: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q: want one \"spikemesh:\" line containing %q", stderr, c.want)
			}
			if _, err := os.Stat(exported); err == nil {
				t.Fatalf("export wrote %s for a refused file", exported)
			}
		})
	}
}

func float32Nan() float32 { v, _ := strconv.ParseFloat("NaN", 32); return float32(v) }

// TestNIRGoldenInput: testdata/lif_norse_input.npz (the golden NIR run's
// input) is lif_norse.csv's input column as one sample of 1000 frames, so
// the golden report can be traced to the exporter's data. -update rewrites it.
func TestNIRGoldenInput(t *testing.T) {
	csv, err := os.ReadFile("../../snnref/testdata/lif_norse.csv")
	if err != nil {
		t.Fatal(err)
	}
	var data []float32
	for _, line := range strings.Split(strings.TrimSpace(string(csv)), "\n") {
		x, err := strconv.ParseFloat(strings.Split(line, ",")[0], 32)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, float32(x))
	}
	path := filepath.Join(t.TempDir(), "in.npz")
	writeNPZ(t, path, map[string]npyArray{"data": {[]int{1, len(data), 1}, data}})
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "lif_norse_input.npz")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not lif_norse.csv's input column; run with -update", golden)
	}
}

// TestInspectUnsupported: a graph that reads but cannot run on the chip
// (here: dt 10 ms is longer than Braille's 0.2 ms time constants) is
// printed with every reason, one line each, and exit 0.
func TestInspectUnsupported(t *testing.T) {
	stdout, stderr, code := run(t, "inspect", "--dt", "0.01", nirTestdata+"braille_noDelay_bias_zero.nir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	i := strings.Index(stdout, "unsupported on the chip")
	if i < 0 || !strings.Contains(stdout[i:], "node lif2") || !strings.Contains(stdout[i:], "tau_mem") || strings.Contains(stdout, "chip mapping") {
		t.Errorf("want the nodes, fields and reasons after \"unsupported on the chip\", and no mapping:\n%s", stdout)
	}
}
