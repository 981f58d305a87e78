package rsnn

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/nir"
)

// tinyConfig is a recipe small enough for -short: 16 hidden neurons, 3
// epochs of batches of 32 over 8-step sequences.
func tinyConfig() Config {
	c := DefaultConfig()
	c.Shape.In, c.Shape.Hidden, c.Shape.Out = 6, 16, 3
	c.Epochs, c.BatchSize = 3, 32
	return c
}

func encodeNet(t *testing.T, n *Net) []byte {
	t.Helper()
	g, err := ToNIR(n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nir.Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecipeReproducible trains the same tiny recipe twice, once on one
// goroutine and once on four, and gets the same NIR file byte for byte,
// as spikemesh train --model seq-mnist must reproduce the committed
// weights. The hidden layer is large enough (96) for gonum's Dgemm to
// split its products into parallel blocks.
func TestRecipeReproducible(t *testing.T) {
	cfg := tinyConfig()
	cfg.Shape.Hidden = 96
	q := tinyData(100, 8, 6, 3, 4)
	var files [][]byte
	for _, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		n, err := Train(context.Background(), q, cfg, nil)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, encodeNet(t, n))
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("the same recipe gave different weights with 1 and 4 goroutines")
	}
	cfg.Seed++
	n, err := Train(context.Background(), q, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(encodeNet(t, n), files[0]) {
		t.Fatal("another seed gave the same weights: the seed is not used")
	}
}

// TestTrainLearns: on a task a recurrent net must remember (the class is
// which pair of channels carried a pulse at step 0, then silence), training takes the accuracy from chance to all correct.
func TestTrainLearns(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 30
	q := &Seqs{N: 96, T: 8, In: 6, X: make([]float64, 96*8*6), Labels: make([]int, 96)}
	for s := range q.N {
		q.Labels[s] = s % 3
		q.X[(s*q.T+0)*q.In+s%3] = 3
		q.X[(s*q.T+0)*q.In+3+s%3] = 3
	}
	n, err := Train(context.Background(), q, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(n, q)
	if err != nil {
		t.Fatal(err)
	}
	if r.Accuracy() < 1 {
		t.Errorf("accuracy %.2f after training on a 3-class memory task, want 1", r.Accuracy())
	}
	if r.SpikesPerNeuronStep <= 0 {
		t.Error("the hidden layer never fired")
	}
}

// TestBadConfigAndData: every problem is reported, one line each, before
// anything is trained.
func TestBadConfigAndData(t *testing.T) {
	c := DefaultConfig()
	c.Shape.Hidden, c.Shape.TauOut, c.BatchSize, c.LR = 0, -1, 0, 0
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"hidden 0", "tau_out", "batch size 0", "learning rate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	q := tinyData(4, 3, 5, 2, 1)
	if _, err := Train(context.Background(), q, tinyConfig(), nil); err == nil || !strings.Contains(err.Error(), "5 inputs per step") {
		t.Errorf("wrong input width: got %v", err)
	}
	q = tinyData(4, 3, 6, 2, 1)
	q.Labels[2] = 7
	if _, err := Train(context.Background(), q, tinyConfig(), nil); err == nil || !strings.Contains(err.Error(), "label 7 of sample 2") {
		t.Errorf("bad label: got %v", err)
	}
	big := tinyConfig()
	big.Shape.Hidden, big.BatchSize = 4096, 65536
	q = tinyData(4, 3, 6, 2, 1)
	q.N, q.X, q.Labels = 65536, make([]float64, 65536*3*6), make([]int, 65536)
	if _, err := Train(context.Background(), q, big, nil); err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Errorf("huge batch: got %v", err)
	}
	if _, err := Rows(make([]uint8, 10), make([]uint8, 1), 1, 28, 28); err == nil {
		t.Error("Rows accepted 10 pixels for a 28x28 image")
	}
}
