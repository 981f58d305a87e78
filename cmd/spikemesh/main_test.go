package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var bin string

// TestMain builds the command once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spikemesh-cmd")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "spikemesh")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadInput: every bad input gives one line on stderr naming the problem,
// a non-zero exit, nothing on stdout, and no panic.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown chip", []string{"run", "--chip", "loihi3"}, `unknown preset "loihi3"`},
		{"unknown energy", []string{"run", "--energy", "nope"}, `nope`},
		{"zero timesteps", []string{"run", "--timesteps", "0"}, "--timesteps: 0: must be in 1..1000000"},
		{"10^12 timesteps", []string{"run", "--timesteps", "1000000000000"}, "--timesteps: 1000000000000: must be in 1..1000000"},
		{"bad timesteps", []string{"run", "--timesteps", "8,x"}, `"x" is not an integer`},
		{"zero samples", []string{"run", "--samples", "0"}, "samples is 0"},
		{"negative samples", []string{"run", "--samples", "-5"}, "samples is -5"},
		{"too many samples", []string{"run", "--samples", "20000"}, "test set has 10000"},
		{"bad encoder", []string{"run", "--encoder", "latency"}, "unknown encoder"},
		{"exact with another encoder", []string{"run", "--model", "mnist-mlp-qcfs", "--conversion", "exact", "--encoder", "direct"}, "needs --encoder pulse"},
		{"unknown model", []string{"run", "--model", "resnet"}, "resnet"},
		{"missing chip file", []string{"run", "--chip", "/no/such/chip.yaml"}, "/no/such/chip.yaml"},
		{"corrupt chip file", []string{"run", "--chip", writeFile(t, "c.yaml", "{{{ not yaml")}, "c.yaml"},
		{"zero mesh", []string{"run", "--chip", writeFile(t, "m.yaml", "base: tiny\nname: m\nmesh_width: 0\n")}, "mesh_width is 0"},
		{"missing chip field", []string{"run", "--chip", writeFile(t, "f.yaml", "name: f\nmesh_width: 2\n")}, "missing fields: mesh_height, cores_per_router"},
		{"unknown base", []string{"run", "--chip", writeFile(t, "b.yaml", "base: loihi3\n")}, `base "loihi3": unknown preset`},
		{"base cycle", []string{"run", "--chip", writeFile(t, "self.yaml", "base: self.yaml\n")}, "base cycle"},
		{"set unknown key", []string{"run", "--set", "axons=1"}, `unknown key "axons"`},
		{"set not a number", []string{"run", "--set", "axons_per_core=lots"}, "axons_per_core=lots: want an integer"},
		{"set wrong unit", []string{"run", "--set", "synapse_memory_bytes=64KB"}, "synapse_memory_bytes=64KB"},
		{"set out of bounds", []string{"run", "--set", "hop_cycles_y=0"}, "hop_cycles_y is 0, must be >= 1"},
		{"set energy without unit", []string{"run", "--set", "energy.synop=30"}, `"synop=30"`},
		{"set unknown energy key", []string{"run", "--set", "energy.synapse=3pJ"}, `unknown key "synapse"`},
		{"set on explore", []string{"explore", "--example", "--set", "axons=1"}, `unknown key "axons"`},
		{"set on noc", []string{"noc", "--chip", "tiny", "--set", "buffer_depth=0"}, "buffer_depth is 0"},
		{"set on noc without chip", []string{"noc", "--set", "buffer_depth=4"}, "only with --chip"},
		{"set on chips show", []string{"chips", "show", "tiny", "--set", "clock_mhz=fast"}, "clock_mhz=fast: want a finite number"},
		{"unknown reset", []string{"run", "--reset", "half"}, `--reset: unknown reset mode "half" (valid: subtract, zero)`},
		{"reset with exact", []string{"run", "--model", "mnist-mlp-qcfs", "--conversion", "exact", "--reset", "zero"}, "--reset is for rate conversion"},
		{"model the chip lacks", []string{"run", "--set", "neuron_models=lif"}, "layer fc1 needs neuron model if-subtract"},
		{"core energy with json", []string{"run", "--core-energy", "--json"}, "--core-energy is for the text report"},
		{"energy set on chips show", []string{"chips", "show", "tiny", "--set", "energy.synop=3pJ"}, "no energy model"},
		{"unknown chip key", []string{"run", "--chip", writeFile(t, "k.yaml", "name: k\nmesh_wdith: 4\n")}, "mesh_wdith"},
		{"does not fit", []string{"run", "--chip", "tiny"}, "does not fit"},
		{"unknown show", []string{"chips", "show", "truenorth9"}, "truenorth9"},
		{"train negative epochs", []string{"train", "--epochs", "-1"}, "--epochs (-1)"},
		{"train unknown recipe", []string{"train", "--model", "resnet"}, "no training recipe"},
		{"train removed sizes flag", []string{"train", "--sizes", "784,0,10"}, "unknown flag: --sizes"},
		{"run a PyTorch file", []string{"run", "--model", "net.pt"}, "tools/export_torch.py"},
		{"run bare weights", []string{"run", "--model", "t.npz"}, "holds weights only"},
		{"model is /dev/zero", []string{"run", "--model", "/dev/zero"}, "/dev/zero is a character device, not a regular file"},
		{"chip is a directory", []string{"run", "--chip", t.TempDir() + "/"}, "is a directory, not a regular file"},
		{"chip is a FIFO", []string{"run", "--chip", fifo(t)}, "is a named pipe (FIFO), not a regular file"},
		{"two chip documents", []string{"run", "--chip", writeFile(t, "two.yaml", "name: a\n---\nname: b\n")}, "line 2: a second YAML document"},
		{"weights outside the folder", []string{"run", "--model", writeFile(t, "up.yaml", "name: u\ninput: [784]\nweights: ../w.npz\nlayers: []\n")}, "weights must be a path relative to the description's folder"},
		{"weights absolute", []string{"run", "--model", writeFile(t, "abs.yaml", "name: u\ninput: [784]\nweights: /dev/zero\nlayers: []\n")}, "weights must be a path relative to the description's folder"},
		{"chip over the budget", []string{"run", "--samples", "1", "--workers", "1", "--max-memory", "1GiB", "--chip", writeFile(t, "big.yaml", bigChip(t))}, "needs about 5.5 GiB, more than the memory budget of 1.0 GiB (--max-memory)"},
		{"trace over the budget", []string{"run", "--samples", "1", "--timesteps", "1000000", "--trace", t.TempDir(), "--max-memory", "256MiB"}, "--trace of 1000000 timesteps on 7 cores needs about"},
		{"bad budget", []string{"run", "--max-memory", "lots"}, `--max-memory: "lots" is not a size`},
		{"bench steps", []string{"bench", "--dir", t.TempDir(), "--steps", "1000000000000"}, "--steps (1000000000000) must be at most 1000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			if code == 0 {
				t.Fatalf("exit code 0; stdout %q", stdout)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "spikemesh: ") {
				t.Errorf("stderr is not one spikemesh: line: %q", stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not mention %q", stderr, c.want)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Errorf("stack trace: %q", stderr)
			}
		})
	}
}

// fifo makes a named pipe: opening it for reading would block until a
// writer appears, so a reader that opens before checking hangs.
func fifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "chip.yaml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// bigChip is the loihi preset on a 4096x2048 mesh with one core per router
// and one-packet buffers: valid, but its mesh alone is 5.5 GiB.
func bigChip(t *testing.T) string {
	t.Helper()
	out, _, code := run(t, "chips", "show", "loihi")
	if code != 0 {
		t.Fatal("chips show loihi failed")
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		switch k, _, _ := strings.Cut(l, ":"); k {
		case "mesh_width", "mesh_height", "cores_per_router", "buffer_depth":
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n") + "\nmesh_width: 4096\nmesh_height: 2048\ncores_per_router: 1\nbuffer_depth: 1\n"
}

// TestSecretNotEchoed: a file that is not a chip, model or energy file,
// holding a line someone would not want printed, is refused by path, kind
// and line number, without its content.
func TestSecretNotEchoed(t *testing.T) {
	p := writeFile(t, "notes.yaml", "password=hunter2-do-not-print\n")
	for _, flag := range []string{"--chip", "--model", "--energy"} {
		_, stderr, code := run(t, "run", flag, p)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, p) || !strings.Contains(stderr, "line 1") {
			t.Errorf("%s: exit %d, stderr %q; want one line naming %s and line 1", flag, code, stderr, p)
		}
		if strings.Contains(stderr, "hunter2") || strings.Contains(stderr, "passwor") {
			t.Errorf("%s echoes the file: %q", flag, stderr)
		}
	}
}

// TestInterrupt sends SIGINT to a long run: it prints one line saying how
// many samples were done, nothing on stdout, and exits 130.
func TestInterrupt(t *testing.T) {
	cmd := exec.Command(bin, "run", "--samples", "10000", "--workers", "1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // loading and conversion take about a second
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want status 130; stderr %q", err, e.String())
	}
	if !regexp.MustCompile(`^spikemesh: interrupted after \d+ of 10000 samples\n$`).MatchString(e.String()) {
		t.Errorf("stderr %q", e.String())
	}
	if o.Len() != 0 {
		t.Errorf("stdout %q", o.String())
	}
}

func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{{}, {"run"}, {"chips"}, {"chips", "show"}, {"energy"}, {"energy", "list"}, {"energy", "show"}, {"models"}, {"train"}} {
		out, _, code := run(t, append(args, "--help")...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v --help: exit %d, output %q", args, code, out)
		}
	}
}

// TestChipShowRoundTrip: `chips show` prints YAML that --chip accepts.
func TestChipShowRoundTrip(t *testing.T) {
	out, _, code := run(t, "chips", "show", "loihi")
	if code != 0 {
		t.Fatal("chips show failed")
	}
	p := writeFile(t, "mine.yaml", out)
	js, stderr, code := run(t, "run", "--chip", p, "--samples", "3", "--timesteps", "4", "--json")
	if code != 0 {
		t.Fatalf("run with shown chip: %s", stderr)
	}
	var rep struct {
		Chip struct {
			Preset         string `json:"preset"`
			CoresAvailable int    `json:"cores_available"`
		} `json:"chip"`
		Runs []struct {
			Energy struct {
				Total float64 `json:"energy_per_inference_uj"`
			} `json:"energy"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if rep.Chip.Preset != "loihi" || rep.Chip.CoresAvailable != 128 || len(rep.Runs) != 1 || rep.Runs[0].Energy.Total <= 0 {
		t.Errorf("unexpected report: %+v", rep)
	}
}

// TestVersion: --version prints the build on one line.
func TestVersion(t *testing.T) {
	out, stderr, code := run(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "spikemesh ") || strings.Count(out, "\n") != 1 || !strings.Contains(out, " go1.") {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// TestExactEncoderNote: exact conversion replaces the default (rate)
// encoder by pulse and the report says so, in text and JSON. (An encoder
// asked for by name is refused instead: TestBadInput.)
func TestExactEncoderNote(t *testing.T) {
	args := []string{"run", "--model", "mnist-mlp-qcfs", "--conversion", "exact", "--samples", "2"}
	out, stderr, code := run(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "encoder pulse, seed") || !strings.Contains(out, "note: encoder pulse, not rate: exact conversion") {
		t.Errorf("text report does not state the encoder policy:\n%s", out)
	}
	js, stderr, code := run(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Workload struct {
			Encoder string   `json:"encoder"`
			Notes   []string `json:"notes"`
		} `json:"workload"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Workload.Encoder != "pulse" || len(rep.Workload.Notes) != 1 || !strings.HasPrefix(rep.Workload.Notes[0], "encoder pulse, not rate") {
		t.Errorf("JSON workload %+v", rep.Workload)
	}
}

// TestTrainWritesWhatRunLoads: train --out PREFIX writes PREFIX.yaml and
// PREFIX.npz (also when PREFIX ends in .npz), and run --model PREFIX.yaml
// runs the result. A tiny budget (one epoch on 256 images) keeps it fast.
func TestTrainWritesWhatRunLoads(t *testing.T) {
	dir := t.TempDir()
	for _, out := range []string{"small", "small.npz"} {
		t.Run(out, func(t *testing.T) {
			prefix := filepath.Join(dir, out)
			stdout, stderr, code := run(t, "train", "--model", "mnist-mlp", "--epochs", "1", "--limit", "256", "--out", prefix)
			if code != 0 && strings.Contains(stderr, "MNIST training data not found") {
				t.Skip("GoMNIST is not in the module cache: " + stderr)
			}
			if code != 0 {
				t.Fatalf("train failed: %s", stderr)
			}
			desc := filepath.Join(dir, "small.yaml")
			if !strings.Contains(stdout, "written to "+desc+" and "+filepath.Join(dir, "small.npz")) {
				t.Errorf("train output %q does not name %s and its .npz", stdout, desc)
			}
			if _, stderr, code := run(t, "run", "--model", desc, "--samples", "3", "--timesteps", "4"); code != 0 {
				t.Fatalf("run --model %s: %s", desc, stderr)
			}
		})
	}
}

// TestTraceFailurePrintsReport: when a trace file cannot be written (its
// name is taken by a directory, as a full disk would fail it), run still
// prints the report, then one line naming the missing files, and exits 1.
func TestTraceFailurePrintsReport(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cores.csv", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "run", "--samples", "2", "--timesteps", "4", "--trace", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "accuracy") {
		t.Errorf("no report on stdout: %q", stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "spikemesh: trace incomplete in "+dir) ||
		!strings.Contains(stderr, "not written: cores.csv, links.csv") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestChipShowSet: a file with a base and --set print the resolved chip,
// every field given, which --chip accepts without a base.
func TestChipShowSet(t *testing.T) {
	p := writeFile(t, "small.yaml", "base: loihi\nname: small\naxons_per_core: 256\n")
	out, stderr, code := run(t, "chips", "show", p, "--set", "synapse_memory_bytes=64KiB", "--set", "routing=yx")
	if code != 0 {
		t.Fatalf("chips show: %s", stderr)
	}
	for _, want := range []string{"name: small with synapse_memory_bytes=64KiB, routing=yx\n", "axons_per_core: 256\n",
		"synapse_memory_bytes: 65536\n", "routing: yx\n", "neurons_per_core: 1024\n", "barrier_base_cycles: 204\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("resolved chip lacks %q:\n%s", want, out)
		}
	}
	back := writeFile(t, "resolved.yaml", out)
	again, stderr, code := run(t, "chips", "show", back)
	if code != 0 {
		t.Fatalf("the resolved chip does not load: %s", stderr)
	}
	if body := func(s string) string { _, b, _ := strings.Cut(s, "\n"); return b }; body(again) != body(out) {
		t.Errorf("resolved chip changed on reload:\n%s\n---\n%s", out, again)
	}
}
