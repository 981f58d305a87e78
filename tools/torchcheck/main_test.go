package main

import (
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/models"
)

// The fixtures of workloads/ann were written by PyTorch (see
// workloads/ann/testdata/export_torch.py): tiny-expected.npz holds inputs x
// and PyTorch's outputs y in the layout export_torch.py --check writes.
const (
	fixtureModel = "../../workloads/ann/testdata/tiny.yaml"
	fixtureCheck = "../../workloads/ann/testdata/tiny-expected.npz"
)

func TestAgreesWithTorchFixture(t *testing.T) {
	r, err := run(fixtureModel, fixtureCheck)
	if err != nil {
		t.Fatal(err)
	}
	if r.samples != 4 || r.classes != 3 || r.outside != 0 || r.agree != 4 || !strings.HasSuffix(r.String(), "; OK") {
		t.Errorf("got %v, want 4 samples x 3 scores, all within tolerance and agreeing", r)
	}
}

func TestDetectsDisagreement(t *testing.T) {
	n, err := models.Resolve(fixtureModel)
	if err != nil {
		t.Fatal(err)
	}
	x, y, err := readCheck(fixtureCheck)
	if err != nil {
		t.Fatal(err)
	}
	// Shift one torch score: compare must flag it.
	y[4] += 0.01
	got, err := compare(n, x, y)
	if err != nil {
		t.Fatal(err)
	}
	if got.outside != 1 || !strings.Contains(got.String(), "FAIL: 1 scores beyond") {
		t.Errorf("got %v, want one score flagged", got)
	}
	if _, err := compare(n, x[:len(x)-1], y); err == nil || !strings.Contains(err.Error(), "expected N x 128") {
		t.Errorf("short x: %v", err)
	}
}
