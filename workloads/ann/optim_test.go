package ann

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// randomSet makes n images of 1 x pixels with random bytes and labels below
// classes.
func randomSet(n, pixels, classes int, seed uint64) *mnist.Set {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &mnist.Set{Images: make([]uint8, n*pixels), Labels: make([]uint8, n), N: n, Rows: 1, Cols: pixels}
	for i := range s.Images {
		s.Images[i] = uint8(r.IntN(256))
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(r.IntN(classes))
	}
	return s
}

// mlpNet returns an untrained ReLU MLP of the given widths, input first,
// with dense layers fc1, fc2, ...
func mlpNet(sizes ...int) *Net {
	n := &Net{Name: "mlp", Input: Shape{sizes[0], 1, 1}}
	for l, w := range sizes[1:] {
		if l > 0 {
			n.Layers = append(n.Layers, Layer{Kind: KindReLU})
		}
		n.Layers = append(n.Layers, Layer{Kind: KindDense, Name: fmt.Sprintf("fc%d", l+1), Out: w})
	}
	return n
}

// TestTrainNetLearnsMLP: the general trainer trains an MLP to well above
// chance, and accuracy does not depend on the worker count.
func TestTrainNetLearnsMLP(t *testing.T) {
	cal, err := mnist.Calibration()
	if err != nil {
		t.Fatal(err)
	}
	n := mlpNet(784, 32, 10)
	if err := InitNet(n, 1); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultNetTrainConfig()
	cfg.Epochs, cfg.BatchSize = 6, 32
	if err := TrainNet(cal.Slice(0, 1500), n, cfg, nil); err != nil {
		t.Fatal(err)
	}
	// A 784-32-10 MLP trained on 1500 digits generalises to about 88 %;
	// chance is 10 %.
	acc := n.Accuracy(cal.Slice(1500, 2000), 2)
	t.Logf("held-out accuracy %.3f", acc)
	if acc < 0.8 {
		t.Errorf("held-out accuracy %.3f, want >= 0.8", acc)
	}
	if a1, a3 := n.Accuracy(cal, 1), n.Accuracy(cal, 3); a1 != a3 {
		t.Errorf("Accuracy differs with workers: %v (1) vs %v (3)", a1, a3)
	}
}

func TestScheduleText(t *testing.T) {
	for _, s := range []Schedule{ScheduleConstant, ScheduleCosine} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got Schedule
		if err := got.UnmarshalText(b); err != nil || got != s {
			t.Errorf("%v: round trip gave %v, %v", s, got, err)
		}
	}
	var s Schedule
	if err := s.UnmarshalText([]byte("linear")); err == nil || !strings.Contains(err.Error(), "expected one of constant, cosine") {
		t.Errorf("UnmarshalText(linear) = %v", err)
	}
}

func TestLRAt(t *testing.T) {
	for _, tc := range []struct {
		sched Schedule
		t     int
		total int
		want  float64
	}{
		{ScheduleCosine, 0, 100, 0.01},
		{ScheduleCosine, 50, 100, 0.005},
		{ScheduleCosine, 100, 100, 0},
		{ScheduleConstant, 70, 100, 0.01},
	} {
		if got := lrAt(0.01, tc.sched, tc.t, tc.total); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("lrAt(0.01, %v, %d, %d) = %v, want %v", tc.sched, tc.t, tc.total, got, tc.want)
		}
	}
}
