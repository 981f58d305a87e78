package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sanafeDenseArgs run a hand-written SANA-FE network and architecture
// (sanafe/testdata) from the command line; TestGoldenReports keeps its
// reports, text and JSON, byte for byte in testdata/run-sanafe-dense.*.
// The hand-computed counts are checked in package sanafe.
var sanafeDenseArgs = []string{"run", "--model", "../../sanafe/testdata/dense_mapped.yaml",
	"--chip", "../../sanafe/testdata/arch_small.yaml", "--timesteps", "8", "--workers", "2"}

// sanafeInputArgs drive sanafe/testdata/inputs.yaml (in: 2 input neurons
// -> out: 1 neuron, threshold 2, weights 2 and 1) with
// testdata/sanafe_inputs.npz: data [2 samples, 6 timesteps, 2 channels]
// of uint8 spikes, labels [0, 1]. Sample 0: in.0 fires at t0..t5, in.1
// never; sample 1: in.1 fires at t0..t2. A spike of step t is integrated
// at t+1.
var sanafeInputArgs = []string{"run", "--model", "../../sanafe/testdata/inputs.yaml", "--input", "testdata/sanafe_inputs.npz", "--workers", "2"}

// TestSanaFEGolden: the figures of the SANA-FE golden reports that are
// worked out by hand.
func TestSanaFEGolden(t *testing.T) {
	stdout, stderr, code := run(t, sanafeDenseArgs...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"neurons fired: 7,", "messages: 11, hops: 6"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// TestSanaFEInput: sanafeInputArgs, counted by hand. Sample 0: out gets
// +2 at t1..t5: v 2, 4* -> 0, 2, 4* -> 0, 2, so it fires twice; 6 + 2
// neurons fired, 6 synaptic events; updates: the 6 input spikes and out
// at t1..t5 (a message each step), 11. Sample 1: out gets +1 at t1..t3:
// v 1, 2, 3*, one spike; 3 + 1 fired, 3 synaptic events, updates 3 + 3.
// Messages are the host's packets: the chip sends none for the last
// step's spikes, which no step integrates (docs/sanafe.md), so 5 and 3.
func TestSanaFEInput(t *testing.T) {
	stdout, stderr, code := run(t, append(sanafeInputArgs, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Input struct {
			Samples, Channels int
		}
		Totals struct {
			Fired   uint64 `json:"neurons_fired"`
			Events  uint64 `json:"synaptic_events"`
			Updates uint64 `json:"neuron_updates"`
		}
		Samples []struct {
			Label       *int     `json:"label"`
			Fired       uint64   `json:"neurons_fired"`
			Events      uint64   `json:"synaptic_events"`
			Updates     uint64   `json:"neuron_updates"`
			Messages    uint64   `json:"messages"`
			GroupSpikes []uint64 `json:"group_spikes"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	type sample struct {
		label                            int
		fired, events, updates, messages uint64
		groups                           string
	}
	want := []sample{{0, 8, 6, 11, 5, "[6 2]"}, {1, 4, 3, 6, 3, "[3 1]"}}
	if rep.Input.Samples != 2 || rep.Input.Channels != 2 || len(rep.Samples) != 2 {
		t.Fatalf("input %+v, %d samples; want 2 samples of 2 channels", rep.Input, len(rep.Samples))
	}
	for i, s := range rep.Samples {
		got := sample{-1, s.Fired, s.Events, s.Updates, s.Messages, fmt.Sprint(s.GroupSpikes)}
		if s.Label != nil {
			got.label = *s.Label
		}
		if got != want[i] {
			t.Errorf("sample %d: %+v, want %+v", i, got, want[i])
		}
	}
	if rep.Totals.Fired != 12 || rep.Totals.Events != 9 || rep.Totals.Updates != 17 {
		t.Errorf("totals %+v, want 12 fired, 9 synaptic events, 17 updates", rep.Totals)
	}
}

// TestSanaFEBadInput: a SANA-FE file with a problem gives one line on
// stderr naming file, line, where and field, and exit 1.
func TestSanaFEBadInput(t *testing.T) {
	net := writeFile(t, "net.yaml", "network:\n  groups:\n    - name: a\n      attributes: {threshold: 2, colour: red}\n      neurons: [0]\n  edges: []\n")
	_, stderr, code := run(t, "run", "--model", net)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 1 || !strings.Contains(stderr, `net.yaml:4: group "a": unknown attribute "colour"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	arch := writeFile(t, "arch.yaml", "architecture:\n  name: x\n  attributes: {topology: torus}\n")
	_, stderr, code = run(t, "run", "--model", "../../sanafe/testdata/conv.yaml", "--chip", arch)
	if code != 1 || !strings.Contains(stderr, "topology: only mesh is supported") {
		t.Errorf("arch: exit %d, stderr %q", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "../../sanafe/testdata/conv.yaml", "--input", "testdata/sanafe_inputs.npz"},
			"testdata/sanafe_inputs.npz: network conv has no input neurons to drive"},
		{[]string{"--model", "../../sanafe/testdata/inputs.yaml", "--input", "testdata/lif_norse_input.npz"},
			"channels per timestep, want 2, one per input neuron (groups in: 2, in file order, neurons by id)"},
		{[]string{"--model", "../../sanafe/testdata/inputs.yaml", "--input", "testdata/sanafe_inputs.npz", "--timesteps", "7"},
			"--timesteps 7: must be in 1..6 (the input's T)"},
		{[]string{"--model", "../../sanafe/testdata/inputs.yaml", "--input", "testdata/sanafe_inputs.npz", "--samples", "3"},
			"--samples 3: must be in 1..2 (the input has 2)"},
		{[]string{"--model", "../../sanafe/testdata/inputs.yaml", "--samples", "3"},
			"--samples applies to SANA-FE networks only with --input"},
	} {
		_, stderr, code := run(t, append([]string{"run"}, tc.args...)...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// convNet is a SANA-FE network file of a few hundred bytes: a w x w
// input group, one conv2d edge with a k x k kernel of ones to a
// (w-k+1)^2 group.
func convNet(w, k int) string {
	out := w - k + 1
	ones := strings.TrimSuffix(strings.Repeat("1, ", k*k), ", ")
	return fmt.Sprintf(`network:
  name: big
  groups:
    - name: a
      attributes: {threshold: 1}
      neurons: ['0..%d']
    - name: b
      attributes: {threshold: 1}
      neurons: ['0..%d']
  edges:
    - a -> b: {type: conv2d, input_width: %d, input_height: %d, input_channels: 1, kernel_width: %d, kernel_height: %d, kernel_count: 1, weight: [%s]}
mappings: []
`, w*w-1, out*out-1, w, w, k, k, ones)
}

// TestSanaFEMemoryBudget: a small file declaring a conv2d edge whose
// simulator needs far more than --max-memory (per core of the 255,025
// targets, an index over the 262,144 sources; 16 M synapses) is refused
// in one line naming the need and the budget, before the simulator is
// built: the process stays far below the need.
func TestSanaFEMemoryBudget(t *testing.T) {
	dir := t.TempDir()
	net := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(net, []byte(convNet(512, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Linux carries the max RSS of the process image that exec replaces
	// into the child's (os/exec starts the child in this process's memory),
	// so the child reports at least this test binary's size (about 250 MB
	// under -race). A baseline run of --version measures that floor; the
	// refusal may not rise above both it and 200 MiB.
	base := runLimited(t, addressLimiter(t), dir, []string{"--version"})
	r := runLimited(t, addressLimiter(t), dir, []string{"run", "--model", net, "--chip", "loihi", "--timesteps", "1", "--max-memory", "256MiB", "--set", "mesh_width=16", "--set", "mesh_height=16"})
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 1 || len(lines) != 1 ||
		!strings.Contains(r.stderr, "simulating SANA-FE network "+net) || !strings.Contains(r.stderr, "more than the memory budget of 256.0 MiB (--max-memory)") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r.maxRSS > max(200<<20, base.maxRSS) {
		t.Errorf("peak RSS %d MiB before the refusal, want under 200 MiB (or the %d MiB floor of --version)", r.maxRSS>>20, base.maxRSS>>20)
	}
}

// TestSanaFENeuronModels: a chip whose neuron_models lack sanafe-lif
// (truenorth, or loihi with the list narrowed by --set) is refused in one
// line; tiny, the test chip, has every model and runs the network.
func TestSanaFENeuronModels(t *testing.T) {
	for _, args := range [][]string{{"--chip", "truenorth"}, {"--set", "neuron_models=lif,li"}} {
		_, stderr, code := run(t, append([]string{"run", "--model", "../../sanafe/testdata/conv.yaml", "--timesteps", "6"}, args...)...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(stderr, "(neuron_models), not sanafe-lif, the model every group of a SANA-FE network runs") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, stderr, code := run(t, "run", "--model", "../../sanafe/testdata/conv.yaml", "--timesteps", "6", "--chip", "tiny"); code != 0 {
		t.Errorf("tiny: exit %d, stderr %q", code, stderr)
	}
}
