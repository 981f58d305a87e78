package ann

import (
	"math"
	"math/rand/v2"
	"slices"
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

// TestGradients compares backpropagation with central finite differences of
// the mean cross-entropy on a 4-5-3 network.
func TestGradients(t *testing.T) {
	cfg := TrainConfig{Sizes: []int{4, 5, 3}, Epochs: 1, BatchSize: 6, LR: 1e-3, Seed: 3, Workers: 2}
	m := initMLP(cfg, rand.New(rand.NewPCG(cfg.Seed, 0)))
	for l := range m.Layers { // non-zero biases exercise the bias gradient
		for o := range m.Layers[l].B {
			m.Layers[l].B[o] = 0.1 * float32(o+1)
		}
	}
	s := randomSet(6, 4, 3, 11)
	idx := []int{0, 1, 2, 3, 4, 5}
	tr := newTrainer(m, cfg, len(idx))
	tr.gradients(s, idx)
	meanLoss := func() float64 { return tr.gradients(s, idx) / float64(len(idx)) }

	const eps = 1e-2
	const absTol, relTol = 2e-3, 2e-2
	for l := range m.Layers {
		d := &m.Layers[l]
		for _, p := range []struct {
			name   string
			params []float32
			grad   []float32
		}{{"weight", d.W, slices.Clone(tr.gW[l])}, {"bias", d.B, slices.Clone(tr.gB[l])}} {
			for k := range p.params {
				orig := p.params[k]
				p.params[k] = orig + eps
				up := meanLoss()
				p.params[k] = orig - eps
				down := meanLoss()
				p.params[k] = orig
				num := (up - down) / (2 * eps)
				if ana := float64(p.grad[k]); math.Abs(num-ana) > absTol+relTol*math.Abs(ana) {
					t.Errorf("%s %s[%d]: backprop %.6f, finite difference %.6f", d.Name, p.name, k, ana, num)
				}
			}
		}
	}
}

func TestTrainMLPDeterministic(t *testing.T) {
	cal, err := mnist.Calibration()
	if err != nil {
		t.Fatal(err)
	}
	subset := cal.Slice(0, 310) // 6 full batches of 50 and one of 10
	cfg := TrainConfig{Name: "det", Sizes: []int{784, 24, 10}, Epochs: 2, BatchSize: 50, LR: 2e-3,
		Schedule: ScheduleCosine, WeightDecay: 1e-4, Seed: 42}
	train := func(seed uint64, workers int) (*MLP, []float64) {
		c := cfg
		c.Seed, c.Workers = seed, workers
		var losses []float64
		m, err := TrainMLP(subset, c, func(epoch int, loss float64) {
			if epoch != len(losses)+1 {
				t.Errorf("progress epoch %d, want %d", epoch, len(losses)+1)
			}
			losses = append(losses, loss)
		})
		if err != nil {
			t.Fatal(err)
		}
		return m, losses
	}
	ref, refLoss := train(42, 1)
	if len(refLoss) != 2 || !(refLoss[1] < refLoss[0]) {
		t.Errorf("epoch losses %v, want 2 values, decreasing", refLoss)
	}
	for _, workers := range []int{1, 3} {
		m, losses := train(42, workers)
		if !slices.Equal(losses, refLoss) {
			t.Errorf("workers=%d: losses %v, want %v", workers, losses, refLoss)
		}
		for l := range ref.Layers {
			if !slices.Equal(m.Layers[l].W, ref.Layers[l].W) || !slices.Equal(m.Layers[l].B, ref.Layers[l].B) {
				t.Errorf("workers=%d: layer %s differs from the workers=1 run with the same seed", workers, ref.Layers[l].Name)
			}
		}
	}
	other, _ := train(43, 1)
	if slices.Equal(other.Layers[0].W, ref.Layers[0].W) {
		t.Error("seeds 42 and 43 gave identical weights")
	}
}

func TestTrainMLPLearns(t *testing.T) {
	cal, err := mnist.Calibration()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultTrainConfig()
	cfg.Sizes = []int{784, 32, 10}
	cfg.Epochs = 6
	cfg.BatchSize = 32
	m, err := TrainMLP(cal.Slice(0, 1500), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A 784-32-10 MLP trained on 1500 digits generalises to about 88 %;
	// chance is 10 %.
	acc := m.Accuracy(cal.Slice(1500, 2000), 2)
	t.Logf("held-out accuracy %.3f", acc)
	if acc < 0.8 {
		t.Errorf("held-out accuracy %.3f, want >= 0.8", acc)
	}
	if a1, a3 := m.Accuracy(cal, 1), m.Accuracy(cal, 3); a1 != a3 {
		t.Errorf("Accuracy differs with workers: %v (1) vs %v (3)", a1, a3)
	}
}

func TestTrainMLPErrors(t *testing.T) {
	s := randomSet(20, 4, 3, 1)
	good := TrainConfig{Sizes: []int{4, 3}, Epochs: 1, BatchSize: 4, LR: 1e-3}
	tests := []struct {
		name    string
		edit    func(c *TrainConfig)
		set     *mnist.Set
		wantErr string
	}{
		{"one size", func(c *TrainConfig) { c.Sizes = []int{4} }, s, "sizes has 1 entries, expected at least 2"},
		{"zero width", func(c *TrainConfig) { c.Sizes = []int{4, 0, 3} }, s, "sizes[1] = 0, expected 1..65536"},
		{"names count", func(c *TrainConfig) { c.Names = []string{"a", "b"} }, s, "names has 2 entries, expected 1"},
		{"epochs", func(c *TrainConfig) { c.Epochs = 0 }, s, "epochs = 0, expected >= 1"},
		{"batch", func(c *TrainConfig) { c.BatchSize = -1 }, s, "batch_size = -1"},
		{"lr", func(c *TrainConfig) { c.LR = 0 }, s, "lr = 0, expected in (0, 1]"},
		{"lr NaN", func(c *TrainConfig) { c.LR = math.NaN() }, s, "lr = NaN"},
		{"weight decay", func(c *TrainConfig) { c.WeightDecay = -1 }, s, "weight_decay = -1"},
		{"schedule", func(c *TrainConfig) { c.Schedule = 9 }, s, "schedule = 9"},
		{"workers", func(c *TrainConfig) { c.Workers = -2 }, s, "workers = -2"},
		{"input width", func(c *TrainConfig) { c.Sizes = []int{5, 3} }, s, "training images have 4 pixels but sizes[0] = 5"},
		{"label range", func(c *TrainConfig) { c.Sizes = []int{4, 2} }, s, "is >= 2, the output width"},
		{"empty set", func(c *TrainConfig) {}, &mnist.Set{Rows: 1, Cols: 4}, "training set is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			_, err := TrainMLP(tc.set, c, nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "ann: ") {
				t.Fatalf("TrainMLP error = %v, want one containing %q", err, tc.wantErr)
			}
		})
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
	cos := TrainConfig{LR: 0.01, Schedule: ScheduleCosine}
	for _, tc := range []struct {
		cfg   TrainConfig
		t     int
		total int
		want  float64
	}{
		{cos, 0, 100, 0.01},
		{cos, 50, 100, 0.005},
		{cos, 100, 100, 0},
		{TrainConfig{LR: 0.01}, 70, 100, 0.01},
	} {
		if got := lrAt(tc.cfg, tc.t, tc.total); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("lrAt(%v, %d, %d) = %v, want %v", tc.cfg.Schedule, tc.t, tc.total, got, tc.want)
		}
	}
}
