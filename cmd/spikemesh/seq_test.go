package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
	"github.com/spikemesh/spikemesh/workloads/rsnn"
)

// TestSeqMNISTListedAndRuns: spikemesh models lists the built-in
// recurrent network, and run --model seq-mnist runs it in one command on
// every chip preset whose neurons leak (3 test sequences each; loihi only
// in -short), with
// accuracy in float and on the chip, the hidden layer's drift, energy and
// latency; truenorth, whose preset has only IF neurons, refuses it in one
// line naming the missing neuron model.
func TestSeqMNISTListedAndRuns(t *testing.T) {
	out, stderr, code := run(t, "models")
	if code != 0 || !strings.Contains(out, "seq-mnist") || !strings.Contains(out, "128 LIF (recurrent)") {
		t.Fatalf("models (exit %d) does not list seq-mnist:\n%s%s", code, out, stderr)
	}
	chips := []string{"loihi", "spinnaker", "spinnaker2", "tiny"}
	if testing.Short() {
		chips = chips[:1]
	}
	for _, chipName := range chips {
		out, stderr, code := run(t, "run", "--model", "seq-mnist", "--samples", "3", "--chip", chipName)
		if code != 0 {
			t.Fatalf("run --model seq-mnist --chip %s: exit %d: %s", chipName, code, stderr)
		}
		for _, want := range []string{"MNIST test set as rows", "3 samples, 28 timesteps", "lif         LIF       128", "accuracy  chip", "energy", "latency"} {
			if !strings.Contains(out, want) {
				t.Errorf("--chip %s: report lacks %q:\n%s", chipName, want, out)
			}
		}
	}
	if _, stderr, code := run(t, "run", "--model", "seq-mnist", "--samples", "2", "--chip", "truenorth"); code != 1 || !strings.Contains(stderr, "layer lif needs neuron model lif") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("seq-mnist on truenorth: exit %d, %q; want exit 1 and one line naming the neuron model", code, stderr)
	}
	if _, stderr, code := run(t, "run", "--model", "seq-mnist", "--samples", "2", "--encoder", "direct"); code != 1 || !strings.Contains(stderr, "--encoder applies to built-in ANN models") {
		t.Errorf("--encoder with seq-mnist: exit %d, %q; want exit 1 naming the flag", code, stderr)
	}
}

// TestTrainSeqMNIST: train --model seq-mnist writes one NIR file that
// inspect reads back.
func TestTrainSeqMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates on the 10,000 test sequences (a few seconds)")
	}
	prefix := filepath.Join(t.TempDir(), "s")
	stdout, stderr, code := run(t, "train", "--model", "seq-mnist", "--epochs", "1", "--limit", "256", "--out", prefix)
	if code != 0 && strings.Contains(stderr, "MNIST training data not found") {
		t.Skip("GoMNIST is not in the module cache: " + stderr)
	}
	if code != 0 {
		t.Fatalf("train failed: %s", stderr)
	}
	if !strings.Contains(stdout, "written to "+prefix+".nir") || !strings.Contains(stdout, "float test accuracy") {
		t.Errorf("train output %q does not name %s.nir and the accuracy", stdout, prefix)
	}
	if out, stderr, code := run(t, "inspect", prefix+".nir"); code != 0 || !strings.Contains(out, "LIF") {
		t.Errorf("inspect %s.nir: exit %d: %s%s", prefix, code, out, stderr)
	}
}

// TestSeqMNISTFloatMatchesTrainer: the float side of run --model seq-mnist
// (snnref stepping the embedded NIR graph) classifies the first 300 test
// sequences (100 in -short) as the trainer's own batched forward pass
// does, with the same hidden-layer spike count: the exported graph is the
// trained network.
func TestSeqMNISTFloatMatchesTrainer(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 100
	}
	out, stderr, code := run(t, "run", "--model", "seq-mnist", "--samples", strconv.Itoa(n), "--json")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var rep struct {
		Float       *float64 `json:"float_accuracy_pct"`
		Populations []struct {
			Name  string  `json:"name"`
			Float float64 `json:"float_spikes"`
		} `json:"populations"`
		FloatRate float64 `json:"float_spikes_per_neuron_step"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Float == nil {
		t.Fatalf("report: %v", err)
	}
	g, err := models.LoadGraph("seq-mnist")
	if err != nil {
		t.Fatal(err)
	}
	net, err := rsnn.FromNIR(g, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	test = test.Slice(0, n)
	q, err := rsnn.Rows(test.Images, test.Labels, test.N, test.Rows, test.Cols)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rsnn.Evaluate(net, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *rep.Float, 100*r.Accuracy(); math.Abs(got-want) > 1e-9 {
		t.Errorf("float accuracy in the run report %.4f %%, trainer %.4f %%", got, want)
	}
	if got, want := rep.FloatRate, r.SpikesPerNeuronStep; math.Abs(got-want) > 1e-12 {
		t.Errorf("float sparsity in the run report %.6f, trainer %.6f spikes per neuron per step", got, want)
	}
}
