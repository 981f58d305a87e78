package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spikemesh/spikemesh/explore"
)

const cmdSpace = `
samples: 5
parameters:
  timesteps: [4, 6]
  energy: [loihi, paper-45nm]
objectives: [maximize accuracy_pct, minimize energy_uj]
constraints: ["accuracy_pct >= 20 %"]
`

func TestExploreBadInput(t *testing.T) {
	space := writeFile(t, "s.yaml", cmdSpace)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no space", []string{"explore"}, "no space given: use --space FILE, --example, --example-nir, --example-mackey-glass or --example-seq-mnist"},
		{"space and example", []string{"explore", "--example", "--space", space}, "give one of --space, --example, --example-nir, --example-mackey-glass and --example-seq-mnist"},
		{"missing file", []string{"explore", "--space", "/no/such/space.yaml"}, "/no/such/space.yaml"},
		{"unknown parameter", []string{"explore", "--space", writeFile(t, "u.yaml", "objectives: [maximize accuracy_pct]\nparameters: {cores: [1]}\n")},
			`unknown parameter "cores" (known: mesh_width`},
		{"empty range", []string{"explore", "--space", writeFile(t, "e.yaml", "objectives: [maximize accuracy_pct]\nparameters: {timesteps: {from: 9, to: 3}}\n")},
			"empty range"},
		{"impossible constraint", []string{"explore", "--space", writeFile(t, "c.yaml", "objectives: [maximize accuracy_pct]\nconstraints: [\"accuracy_pct > 100\"]\n")},
			"no point can meet accuracy_pct > 100 %"},
		{"old metric name", []string{"explore", "--space", writeFile(t, "o.yaml", "objectives: [maximize accuracy]\n")},
			`metric "accuracy" is now accuracy_pct`},
		{"bad shard", []string{"explore", "--space", space, "--shard", "2/2"}, "0 <= i < n"},
		{"merge nothing", []string{"explore", "merge", "--space", space, t.TempDir()}, "points.jsonl"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			if code == 0 || stdout != "" {
				t.Fatalf("exit %d, stdout %q", code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "spikemesh: ") || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q: want one spikemesh: line mentioning %q", stderr, c.want)
			}
		})
	}
}

// TestExploreShardsAndMerge runs a sweep as two shards, merges them and
// checks the outputs against a single run.
func TestExploreShardsAndMerge(t *testing.T) {
	space := writeFile(t, "s.yaml", cmdSpace)
	root := t.TempDir()
	full := filepath.Join(root, "full")
	stdout, stderr, code := run(t, "explore", "--space", space, "--out", full)
	if code != 0 || !strings.Contains(stdout, "Pareto front") {
		t.Fatalf("explore: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for i := range 2 {
		dir := filepath.Join(root, "shard-"+string(rune('0'+i)))
		if _, stderr, code := run(t, "explore", "--space", space, "--out", dir, "--shard", string(rune('0'+i))+"/2"); code != 0 {
			t.Fatalf("shard %d: %s", i, stderr)
		}
	}
	// Rerunning one index with a count of 1 (what SLURM_ARRAY_TASK_COUNT
	// gives for sbatch --array=1) is refused instead of mixing shards.
	_, stderr, code = run(t, "explore", "--space", space, "--out", filepath.Join(root, "shard-0"), "--shard", "0/1")
	if code != 1 || !strings.Contains(stderr, "holds shard 0/2, this run is shard 0/1; run with --shard 0/2") {
		t.Errorf("shard 0/1 on a 0/2 directory: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = run(t, "explore", "merge", "--space", space, "--out", filepath.Join(root, "dup"), filepath.Join(root, "shard-0"), filepath.Join(root, "shard-0"))
	if code != 1 || !strings.Contains(stderr, "duplicated shard 0/2") {
		t.Errorf("merge of one shard twice: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "dup")); !os.IsNotExist(err) {
		t.Errorf("a refused merge left its --out directory (stat error %v)", err)
	}
	merged := filepath.Join(root, "merged")
	if _, stderr, code := run(t, "explore", "merge", "--space", space, "--out", merged, filepath.Join(root, "shard-0"), filepath.Join(root, "shard-1")); code != 0 {
		t.Fatalf("merge: %s", stderr)
	}
	for _, f := range []string{"points.csv", "pareto.csv", "summary.txt", "accuracy_vs_energy.png", "energy_vs_latency.png", "accuracy_vs_energy.svg", "energy_vs_latency.svg"} {
		a, errA := os.ReadFile(filepath.Join(full, f))
		b, errB := os.ReadFile(filepath.Join(merged, f))
		if errA != nil || errB != nil || string(a) != string(b) {
			t.Errorf("%s: merged differs from the single run (%v, %v)", f, errA, errB)
		}
	}
	// provenance.json records each command line; the rest (the base chip
	// and energy model, the seeds) is the same for the run and the merge.
	readProv := func(dir string) explore.SweepProvenance {
		var p explore.SweepProvenance
		b, err := os.ReadFile(filepath.Join(dir, explore.ProvenanceFile))
		if err == nil {
			err = json.Unmarshal(b, &p)
		}
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		return p
	}
	pf, pm := readProv(full), readProv(merged)
	if cl := pf.Provenance.CommandLine; len(cl) != 6 || cl[1] != "explore" || cl[5] != full || pf.Provenance.Version == "" {
		t.Errorf("single run: version %q, command line %q", pf.Provenance.Version, cl)
	}
	if cl := pm.Provenance.CommandLine; len(cl) < 3 || cl[2] != "merge" {
		t.Errorf("merge: command line %q", cl)
	}
	if pf.Provenance.ChipConfig.Name != "loihi" || pf.Samples != 5 || len(pf.Provenance.EnergyConfig) == 0 {
		t.Errorf("single run: chip %q, samples %d, energy %s", pf.Provenance.ChipConfig.Name, pf.Samples, pf.Provenance.EnergyConfig)
	}
	pf.Provenance.CommandLine, pm.Provenance.CommandLine = nil, nil
	if !reflect.DeepEqual(pf, pm) {
		t.Errorf("provenance of the run and of the merge differ:\n%+v\n%+v", pf, pm)
	}
}

// TestExploreLockAndInterrupt runs sweeps as subprocesses: a second sweep
// on a running sweep's directory is refused, naming the first one's pid; a
// sweep killed with SIGKILL leaves no lock behind, and the next run goes on
// from its points; SIGINT gives exit 130 and one "interrupted" line saying
// what was done and where; a last run reuses every stored point and
// finishes the rest.
func TestExploreLockAndInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a sweep of 27 points")
	}
	space := writeFile(t, "s.yaml", "samples: 60\nparameters:\n  timesteps: {from: 4, to: 30}\nobjectives: [maximize accuracy_pct, minimize energy_uj]\n")
	dir := filepath.Join(t.TempDir(), "out")
	points := filepath.Join(dir, "points.jsonl")
	args := []string{"explore", "--space", space, "--out", dir, "--workers", "1"}
	// start runs a sweep and returns once it has stored more than have
	// points.
	start := func(have int) (*exec.Cmd, *bytes.Buffer) {
		t.Helper()
		c := exec.Command(bin, args...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			if data, err := os.ReadFile(points); err == nil && bytes.Count(data, []byte{'\n'}) > have {
				return c, &stderr
			}
			if time.Now().After(deadline) {
				c.Process.Kill()
				t.Fatalf("no new point stored after a minute: %s", stderr.String())
			}
		}
	}

	a, _ := start(0)
	_, stderr, code := run(t, args...)
	want := fmt.Sprintf("is in use by another sweep (pid %d on host ", a.Process.Pid)
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("second sweep: exit %d, stderr %q; want 1 and one line with %q", code, stderr, want)
	}
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	data, _ := os.ReadFile(points)
	killed := checkLines(t, data)

	b, berr := start(killed) // not refused: the kernel dropped the killed sweep's lock
	if err := b.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := b.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("interrupted sweep: %v, want exit status 130; stderr %q", err, berr.String())
	}
	msg := berr.String()
	if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "spikemesh: interrupted: ") || !strings.Contains(msg, "of 27 points done") ||
		!strings.Contains(msg, fmt.Sprintf("%d already stored", killed)) || !strings.Contains(msg, points) {
		t.Errorf("interrupted sweep's stderr %q: want one line saying what was done and where", msg)
	}
	data, _ = os.ReadFile(points)
	saved := checkLines(t, data)
	stdout, stderr, code := run(t, args...)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("evaluated %d new points", 27-saved)) || !strings.Contains(stdout, fmt.Sprintf("%d points reused", saved)) {
		t.Fatalf("resumed sweep: exit %d, want %d reused and %d new:\n%s\n%s", code, saved, 27-saved, stdout, stderr)
	}
	data, _ = os.ReadFile(points)
	if n := checkLines(t, data); n != 27 {
		t.Errorf("after resuming, points.jsonl has %d points, want 27", n)
	}
}

// checkLines checks that every line of a points.jsonl is a JSON object and
// returns their number.
func checkLines(t *testing.T, data []byte) int {
	t.Helper()
	if len(data) == 0 || data[len(data)-1] != '\n' {
		t.Fatalf("points.jsonl does not end with a full line")
	}
	lines := bytes.Split(data[:len(data)-1], []byte{'\n'})
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal(l, &v); err != nil {
			t.Fatalf("points.jsonl line %d: %v", i+1, err)
		}
	}
	return len(lines)
}

func TestExplorePrintExample(t *testing.T) {
	stdout, stderr, code := run(t, "explore", "--print-example")
	if code != 0 || stdout != string(explore.ExampleSpace()) {
		t.Fatalf("exit %d, stderr %q; stdout is not the example space", code, stderr)
	}
}

// TestExploreNIRExample: --example-nir sweeps the embedded Braille space
// and prints its front by output agreement; the same space from its file
// gives the same points.csv.
func TestExploreNIRExample(t *testing.T) {
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for i, args := range [][]string{{"--example-nir"}, {"--space", "../../explore/spaces/braille.yaml"}} {
		stdout, stderr, code := run(t, append([]string{"explore", "--out", dirs[i], "--workers", "2"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if !strings.Contains(stdout, "design-space exploration of braille.nir (16 samples)") || !strings.Contains(stdout, "output_agreement_pct") {
			t.Errorf("%v: summary:\n%s", args, stdout)
		}
	}
	a, errA := os.ReadFile(filepath.Join(dirs[0], "points.csv"))
	b, errB := os.ReadFile(filepath.Join(dirs[1], "points.csv"))
	if errA != nil || errB != nil || string(a) != string(b) {
		t.Errorf("points.csv of --example-nir and of explore/spaces/braille.yaml differ (%v, %v)", errA, errB)
	}
}

// TestExploreMackeyGlassMatchesRun: a one-point Mackey-Glass space at the
// committed recipe (hidden 100, one timestep per value) gives exactly the
// figures spikemesh run --model mackey-glass reports for the same chip.
func TestExploreMackeyGlassMatchesRun(t *testing.T) {
	col := onePoint(t, "workload: mackey-glass\nchip: loihi\nenergy: loihi\nobjectives: [minimize smape_pct, minimize energy_uj_per_step]\n")
	stdout, stderr, code := run(t, "run", "--model", "mackey-glass", "--chip", "loihi", "--energy", "loihi", "--json")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var rep struct {
		Baseline  float64 `json:"baseline_tanh_smape_pct"`
		EnergyUJ  float64 `json:"energy_uj_per_prediction"`
		LatencyUS float64 `json:"latency_us_per_prediction"`
		Run       struct {
			Regression struct {
				Chip  float64 `json:"chip_smape_pct"`
				Float float64 `json:"float_smape_pct"`
			} `json:"regression"`
		} `json:"chip_run"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want float64
	}{
		{"smape_pct", rep.Run.Regression.Chip}, {"float_smape_pct", rep.Run.Regression.Float}, {"tanh_smape_pct", rep.Baseline},
		{"energy_uj_per_step", rep.EnergyUJ}, {"latency_us_per_step", rep.LatencyUS},
	} {
		if got := col(c.name); got != c.want {
			t.Errorf("%s: explore %v, run %v", c.name, got, c.want)
		}
	}
}

// TestExploreSeqMNISTMatchesRun: a point of a seq-mnist space has the
// figures of an independent spikemesh run --model seq-mnist --samples N
// --json on the same chip (the point's parameters given to run by --set).
func TestExploreSeqMNISTMatchesRun(t *testing.T) {
	col := onePoint(t, "workload: seq-mnist\nsamples: 15\nchip: loihi\nenergy: loihi\n"+
		"parameters: {weight_bits: [6], neurons_per_core: [32]}\nobjectives: [maximize accuracy_pct, minimize energy_uj]\n")
	stdout, stderr, code := run(t, "run", "--model", "seq-mnist", "--samples", "15", "--chip", "loihi", "--energy", "loihi",
		"--set", "weight_bits=6", "--set", "neurons_per_core=32", "--json")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var rep struct {
		Samples   int     `json:"samples"`
		Chip      float64 `json:"chip_accuracy_pct"`
		Float     float64 `json:"float_accuracy_pct"`
		Agreement float64 `json:"output_agreement_pct"`
		EnergyUJ  float64 `json:"energy_uj_per_sample"`
		LatencyUS float64 `json:"latency_us_per_sample"`
		Cores     float64 `json:"cores_used"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 15 {
		t.Fatalf("run: %d samples, want 15", rep.Samples)
	}
	for _, c := range []struct {
		name string
		want float64
	}{
		{"accuracy_pct", rep.Chip}, {"float_accuracy_pct", rep.Float}, {"output_agreement_pct", rep.Agreement},
		{"energy_uj", rep.EnergyUJ}, {"latency_us", rep.LatencyUS}, {"cores_used", rep.Cores},
	} {
		if got := col(c.name); got != c.want {
			t.Errorf("%s: explore %v, run %v", c.name, got, c.want)
		}
	}
}

// TestExploreExampleSeqMNIST: --example-seq-mnist loads the embedded
// seq-mnist space, and is one of the exclusive space choices.
func TestExploreExampleSeqMNIST(t *testing.T) {
	s, err := readSpace("", false, false, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Base.Workload != "seq-mnist" || s.NIR == nil || !s.NIR.BuiltIn || s.Size() != 18 {
		t.Errorf("--example-seq-mnist: workload %s, %d points", s.Base.Workload, s.Size())
	}
	_, stderr, code := run(t, "explore", "--example-seq-mnist", "--example-mackey-glass")
	if code != 1 || !strings.Contains(stderr, "give one of --space, --example, --example-nir, --example-mackey-glass and --example-seq-mnist") {
		t.Errorf("two examples: exit %d: %s", code, stderr)
	}
	_, stderr, code = run(t, "explore", "--print-example", "--example-seq-mnist")
	if code != 1 || !strings.Contains(stderr, "--print-example takes no") {
		t.Errorf("--print-example with --example-seq-mnist: exit %d: %s", code, stderr)
	}
}

// onePoint runs explore on a one-point space and returns a reader of the
// point's metric columns in points.csv (a missing or empty column fails
// the test).
func onePoint(t *testing.T, spaceYAML string) func(name string) float64 {
	t.Helper()
	dir := t.TempDir()
	space := filepath.Join(dir, "space.yaml")
	if err := os.WriteFile(space, []byte(spaceYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, stderr, code := run(t, "explore", "--space", space, "--out", out, "--workers", "1"); code != 0 {
		t.Fatalf("explore: exit %d: %s", code, stderr)
	}
	f, err := os.Open(filepath.Join(out, "points.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("points.csv: %d rows, %v", len(rows), err)
	}
	return func(name string) float64 {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("points.csv: no column %s", name)
		}
		v, err := strconv.ParseFloat(rows[1][i], 64)
		if err != nil {
			t.Fatalf("points.csv: column %s: %v", name, err)
		}
		return v
	}
}
