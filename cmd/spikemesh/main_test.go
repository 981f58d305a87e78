package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
		{"zero timesteps", []string{"run", "--timesteps", "0"}, "--timesteps: 0: must be >= 1"},
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
