package models

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/rsnn"
)

// seqMNISTMinAccuracy is the float test accuracy the committed seq-mnist
// weights must keep on the 10,000 test sequences (docs/training.md gives
// the measured value; this is it rounded down to a whole percent).
const seqMNISTMinAccuracy = 0.97

// TestSeqMNISTCommitted: the committed graph is of the recipe's shape and
// classifies the MNIST test set, presented as rows, as docs/training.md
// says (in -short, the first 1,000 sequences, which may not fall more than
// 2 points below).
func TestSeqMNISTCommitted(t *testing.T) {
	g, err := LoadGraph("seq-mnist")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := GraphRecipe("seq-mnist")
	if err != nil {
		t.Fatal(err)
	}
	n, err := rsnn.FromNIR(g, cfg.Shape.DT)
	if err != nil {
		t.Fatal(err)
	}
	if n.Shape != cfg.Shape {
		t.Fatalf("committed shape %+v, recipe %+v", n.Shape, cfg.Shape)
	}
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	want := seqMNISTMinAccuracy
	if testing.Short() {
		test, want = test.Slice(0, 1000), want-0.02
	}
	q, err := rsnn.Rows(test.Images, test.Labels, test.N, test.Rows, test.Cols)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rsnn.Evaluate(n, q)
	if err != nil {
		t.Fatal(err)
	}
	if r.Accuracy() < want {
		t.Errorf("float accuracy %.4f on %d test sequences, want >= %.2f", r.Accuracy(), r.N, want)
	}
	t.Logf("float accuracy %.2f %% on %d sequences, %.4f hidden spikes per neuron per step", 100*r.Accuracy(), r.N, r.SpikesPerNeuronStep)
}

// TestGraphCatalogue: every graph model has a description, a recipe and
// a loadable graph; unknown names are refused.
func TestGraphCatalogue(t *testing.T) {
	for _, name := range GraphNames() {
		if !IsGraph(name) {
			t.Errorf("IsGraph(%q) = false", name)
		}
		if _, err := GraphSummary(name); err != nil {
			t.Error(err)
		}
		if _, err := GraphRecipe(name); err != nil {
			t.Error(err)
		}
		for _, ann := range Names() {
			if ann == name {
				t.Errorf("%s is both an ANN and a graph model", name)
			}
		}
	}
	if IsGraph("mnist-mlp") {
		t.Error("mnist-mlp taken for a graph model")
	}
	if _, err := LoadGraph("nope"); err == nil {
		t.Error("LoadGraph accepted an unknown name")
	}
}

// TestGraphSHA256: the hash is the one of the file on disk (what a NIR
// space's model_sha256 would be for a copy of it); unknown names are refused.
func TestGraphSHA256(t *testing.T) {
	data, err := os.ReadFile("seq-mnist.nir")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	got, err := GraphSHA256("seq-mnist")
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(h[:]); got != want {
		t.Errorf("GraphSHA256(seq-mnist) = %s, want %s", got, want)
	}
	if _, err := GraphSHA256("mnist-mlp"); err == nil {
		t.Error("GraphSHA256 accepted an ANN model")
	}
}
