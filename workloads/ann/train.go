package ann

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// Schedule selects how the learning rate changes over training.
type Schedule uint8

const (
	// ScheduleConstant keeps the learning rate at TrainConfig.LR.
	ScheduleConstant Schedule = iota
	// ScheduleCosine decays it per step as LR * (1 + cos(pi*t/T)) / 2, from
	// LR at step t=0 towards 0 at the last step T.
	ScheduleCosine
)

var scheduleNames = [...]string{ScheduleConstant: "constant", ScheduleCosine: "cosine"}

// String returns "constant" or "cosine".
func (s Schedule) String() string {
	if int(s) < len(scheduleNames) {
		return scheduleNames[s]
	}
	return fmt.Sprintf("Schedule(%d)", uint8(s))
}

// MarshalText returns the name of s.
func (s Schedule) MarshalText() ([]byte, error) {
	if int(s) >= len(scheduleNames) {
		return nil, fmt.Errorf("ann: unknown schedule %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText accepts "constant" or "cosine".
func (s *Schedule) UnmarshalText(b []byte) error {
	for i, n := range scheduleNames {
		if string(b) == n {
			*s = Schedule(i)
			return nil
		}
	}
	return fmt.Errorf("ann: unknown schedule %q, expected one of %s", b, strings.Join(scheduleNames[:], ", "))
}

// Adam's fixed constants (Kingma & Ba 2015 defaults).
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// TrainConfig configures TrainMLP. Start from DefaultTrainConfig and override
// fields; the zero value is not valid.
type TrainConfig struct {
	Name        string   `yaml:"name"`         // name of the trained MLP
	Sizes       []int    `yaml:"sizes"`        // layer widths, input first: 784,512,512,10
	Names       []string `yaml:"names"`        // layer names; empty means fc1, fc2, ...
	Epochs      int      `yaml:"epochs"`       // passes over the training set
	BatchSize   int      `yaml:"batch_size"`   // samples per Adam step (the last batch of an epoch may be smaller)
	LR          float64  `yaml:"lr"`           // Adam learning rate at step 0
	Schedule    Schedule `yaml:"schedule"`     // learning-rate schedule over all steps
	WeightDecay float64  `yaml:"weight_decay"` // decoupled (AdamW) decay per step, times the current LR; 0 disables
	Seed        uint64   `yaml:"seed"`         // initial weights and batch order derive from this alone
	Workers     int      `yaml:"workers"`      // goroutines per step; 0 = GOMAXPROCS; never changes the result
}

// DefaultTrainConfig returns the configuration of the built-in mnist-mlp
// model: 784-512-512-10, Adam lr 1e-3 with cosine decay, batch 128, 15 epochs,
// seed 1.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{
		Name:      "mnist-mlp",
		Sizes:     []int{784, 512, 512, 10},
		Epochs:    15,
		BatchSize: 128,
		LR:        1e-3,
		Schedule:  ScheduleCosine,
		Seed:      1,
	}
}

// Validate reports every invalid field at once.
func (c TrainConfig) Validate() error {
	var errs []error
	if len(c.Sizes) < 2 {
		errs = append(errs, fmt.Errorf("sizes has %d entries, expected at least 2 (inputs and outputs)", len(c.Sizes)))
	}
	for i, n := range c.Sizes {
		if n < 1 || n > 1<<16 {
			errs = append(errs, fmt.Errorf("sizes[%d] = %d, expected 1..%d", i, n, 1<<16))
		}
	}
	if len(c.Names) != 0 && len(c.Names) != len(c.Sizes)-1 {
		errs = append(errs, fmt.Errorf("names has %d entries, expected %d (one per layer) or none", len(c.Names), len(c.Sizes)-1))
	}
	errs = append(errs, optimizerProblems(c.Epochs, c.BatchSize, 1<<16, c.LR, c.Schedule, c.WeightDecay, c.Workers)...)
	if len(errs) > 0 {
		return fmt.Errorf("ann: invalid train config: %w", errors.Join(errs...))
	}
	return nil
}

// TrainMLP trains a ReLU MLP of widths cfg.Sizes on train with softmax
// cross-entropy and Adam. Inputs are pixels scaled to [0, 1] (x/255) with no
// normalisation. Weights start He-normal (std sqrt(2/In)) and biases at zero,
// drawn from a PCG generator seeded with cfg.Seed, which also shuffles the
// sample order at the start of every epoch. After each epoch it calls
// progress (if not nil) with the 1-based epoch number and the mean training
// loss over that epoch's samples.
//
// The returned weights depend only on train and cfg, not on cfg.Workers:
// every weight, bias and gradient element is summed by one goroutine in a
// fixed order, and workers only split which elements each goroutine owns.
func TrainMLP(train *mnist.Set, cfg TrainConfig, progress func(epoch int, loss float64)) (*MLP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if train == nil || train.N == 0 {
		return nil, errors.New("ann: training set is empty")
	}
	if train.Pixels() != cfg.Sizes[0] {
		return nil, fmt.Errorf("ann: training images have %d pixels but sizes[0] = %d", train.Pixels(), cfg.Sizes[0])
	}
	if len(train.Images) != train.N*train.Pixels() || len(train.Labels) != train.N {
		return nil, fmt.Errorf("ann: training set has %d pixels and %d labels, expected %d and %d",
			len(train.Images), len(train.Labels), train.N*train.Pixels(), train.N)
	}
	classes := cfg.Sizes[len(cfg.Sizes)-1]
	for i, y := range train.Labels {
		if int(y) >= classes {
			return nil, fmt.Errorf("ann: training label %d of image %d is >= %d, the output width", y, i, classes)
		}
	}

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	m := initMLP(cfg, rng)
	t := newTrainer(m, cfg, min(cfg.BatchSize, train.N))

	order := make([]int, train.N)
	for i := range order {
		order[i] = i
	}
	batches := (train.N + cfg.BatchSize - 1) / cfg.BatchSize
	totalSteps := cfg.Epochs * batches
	for epoch := range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var lossSum float64
		for bi := range batches {
			idx := order[bi*cfg.BatchSize : min((bi+1)*cfg.BatchSize, train.N)]
			loss := t.step(train, idx, lrAt(cfg, epoch*batches+bi, totalSteps))
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("ann: training diverged at epoch %d, batch %d (loss %v); try a smaller lr than %v", epoch+1, bi, loss, cfg.LR)
			}
			lossSum += loss
		}
		if progress != nil {
			progress(epoch+1, lossSum/float64(train.N))
		}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("ann: trained model is invalid: %w", err)
	}
	return m, nil
}

// lrAt returns the learning rate of step t of total.
func lrAt(cfg TrainConfig, t, total int) float64 {
	if cfg.Schedule == ScheduleCosine {
		return cfg.LR * 0.5 * (1 + math.Cos(math.Pi*float64(t)/float64(total)))
	}
	return cfg.LR
}

// initMLP builds the network with He-normal weights and zero biases.
func initMLP(cfg TrainConfig, rng *rand.Rand) *MLP {
	m := &MLP{Name: cfg.Name, Layers: make([]Dense, len(cfg.Sizes)-1)}
	for l := range m.Layers {
		in, out := cfg.Sizes[l], cfg.Sizes[l+1]
		name := fmt.Sprintf("fc%d", l+1)
		if len(cfg.Names) > 0 {
			name = cfg.Names[l]
		}
		std := math.Sqrt(2 / float64(in))
		w := make([]float32, in*out)
		for i := range w {
			w[i] = float32(rng.NormFloat64() * std)
		}
		m.Layers[l] = Dense{Name: name, In: in, Out: out, W: w, B: make([]float32, out)}
	}
	return m
}

// trainer holds the buffers of one Adam step; all are allocated once.
type trainer struct {
	m       *MLP
	workers int
	step1   int         // Adam step counter, from 1
	x       []float32   // batch inputs, B x In0
	acts    [][]float32 // layer outputs, B x Out_l (post-ReLU for hidden layers, logits for the last)
	grad    [][]float32 // dLoss/dZ_l, B x Out_l
	gW, gB  [][]float32 // parameter gradients, same shapes as W and B
	mW, vW  [][]float32 // Adam first and second moments of W
	mB, vB  [][]float32 // and of B
	losses  []float32   // per-sample loss of the current batch
	wd      float64
}

func newTrainer(m *MLP, cfg TrainConfig, maxBatch int) *trainer {
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	t := &trainer{m: m, workers: workers, wd: cfg.WeightDecay,
		x: make([]float32, maxBatch*m.Inputs()), losses: make([]float32, maxBatch)}
	for _, d := range m.Layers {
		t.acts = append(t.acts, make([]float32, maxBatch*d.Out))
		t.grad = append(t.grad, make([]float32, maxBatch*d.Out))
		t.gW = append(t.gW, make([]float32, len(d.W)))
		t.gB = append(t.gB, make([]float32, len(d.B)))
		t.mW = append(t.mW, make([]float32, len(d.W)))
		t.vW = append(t.vW, make([]float32, len(d.W)))
		t.mB = append(t.mB, make([]float32, len(d.B)))
		t.vB = append(t.vB, make([]float32, len(d.B)))
	}
	return t
}

// step runs forward, backward and one Adam update on samples idx and
// returns the summed cross-entropy loss of the batch.
func (t *trainer) step(s *mnist.Set, idx []int, lr float64) float64 {
	loss := t.gradients(s, idx)
	t.update(lr)
	return loss
}

// gradients fills t.gW and t.gB with the gradient of the mean cross-entropy
// over samples idx and returns the summed (not mean) loss.
func (t *trainer) gradients(s *mnist.Set, idx []int) float64 {
	nb := len(idx)
	in0 := t.m.Inputs()
	for b, i := range idx {
		s.Float(i, t.x[b*in0:(b+1)*in0:(b+1)*in0])
	}
	last := len(t.m.Layers) - 1

	// Forward: each goroutine owns a range of output units o.
	in := t.x[:nb*in0]
	for l := range t.m.Layers {
		d := &t.m.Layers[l]
		out := t.acts[l][:nb*d.Out]
		relu := l < last
		ForEachChunk(d.Out, t.workers, func(_, lo, hi int) {
			for o := lo; o < hi; o++ {
				w, bias := d.W[o*d.In:(o+1)*d.In], d.B[o]
				for b := range nb {
					z := blas{}.Sdot(d.In, w, 1, in[b*d.In:], 1) + bias
					if relu && z < 0 {
						z = 0
					}
					out[b*d.Out+o] = z
				}
			}
		})
		in = out
	}

	// Softmax cross-entropy; gradient of the batch-mean loss.
	classes := t.m.Outputs()
	logits, g := t.acts[last], t.grad[last]
	loss := softmaxCrossEntropy(logits, g, classes, s, idx)

	// Backward, last layer first.
	for l := last; l >= 0; l-- {
		d := &t.m.Layers[l]
		gz := t.grad[l][:nb*d.Out]
		a := t.x[:nb*in0]
		if l > 0 {
			a = t.acts[l-1][:nb*d.In]
		}
		gW, gB := t.gW[l], t.gB[l]
		// dW = dZ^T A and dB = column sums of dZ; goroutines own rows o.
		ForEachChunk(d.Out, t.workers, func(_, lo, hi int) {
			for o := lo; o < hi; o++ {
				row := gW[o*d.In : (o+1)*d.In]
				clear(row)
				var sb float32
				for b := range nb {
					if v := gz[b*d.Out+o]; v != 0 {
						blas{}.Saxpy(d.In, v, a[b*d.In:(b+1)*d.In], 1, row, 1)
						sb += v
					}
				}
				gB[o] = sb
			}
		})
		if l == 0 {
			break
		}
		// dA = dZ W, masked by ReLU'(Z) of the layer below; goroutines own samples b.
		ga := t.grad[l-1][:nb*d.In]
		ForEachChunk(nb, t.workers, func(_, lo, hi int) {
			clear(ga[lo*d.In : hi*d.In])
			for o := range d.Out {
				w := d.W[o*d.In : (o+1)*d.In]
				for b := lo; b < hi; b++ {
					if v := gz[b*d.Out+o]; v != 0 {
						blas{}.Saxpy(d.In, v, w, 1, ga[b*d.In:(b+1)*d.In], 1)
					}
				}
			}
			for k := lo * d.In; k < hi*d.In; k++ {
				if a[k] <= 0 {
					ga[k] = 0
				}
			}
		})
	}

	return loss
}

// update applies one Adam (AdamW when wd > 0) step with learning rate lr.
func (t *trainer) update(lr float64) {
	t.step1++
	c1 := 1 - math.Pow(adamBeta1, float64(t.step1))
	c2 := 1 - math.Pow(adamBeta2, float64(t.step1))
	stepSize := float32(lr / c1)
	invC2 := float32(1 / c2)
	decay := float32(1 - lr*t.wd)
	for l := range t.m.Layers {
		d := &t.m.Layers[l]
		adam(d.W, t.gW[l], t.mW[l], t.vW[l], stepSize, invC2, decay, t.workers)
		adam(d.B, t.gB[l], t.mB[l], t.vB[l], stepSize, invC2, 1, t.workers)
	}
}

// adam applies one Adam update to p in place: m and v are the moment
// estimates, stepSize = lr/(1-beta1^t), invC2 = 1/(1-beta2^t), and decay
// multiplies p first (1 disables weight decay).
func adam(p, g, m, v []float32, stepSize, invC2, decay float32, workers int) {
	ForEachChunk(len(p), workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i]
			m[i] = adamBeta1*m[i] + (1-adamBeta1)*gi
			v[i] = adamBeta2*v[i] + (1-adamBeta2)*gi*gi
			den := float32(math.Sqrt(float64(v[i]*invC2))) + adamEps
			p[i] = p[i]*decay - stepSize*m[i]/den
		}
	})
}

// softmaxCrossEntropy returns the summed softmax cross-entropy of a batch
// of logits (row b is sample idx[b] of s) and writes into g the gradient of
// the batch-mean loss with respect to the logits.
func softmaxCrossEntropy(logits, g []float32, classes int, s *mnist.Set, idx []int) float64 {
	scale := 1 / float64(len(idx))
	var loss float64
	for b, i := range idx {
		z := logits[b*classes : (b+1)*classes]
		zmax := z[argmax(z)]
		var sum float64
		for _, v := range z {
			sum += math.Exp(float64(v - zmax))
		}
		y := int(s.Labels[i])
		loss += math.Log(sum) - float64(z[y]-zmax)
		for k, v := range z {
			p := math.Exp(float64(v-zmax)) / sum
			if k == y {
				p--
			}
			g[b*classes+k] = float32(p * scale)
		}
	}
	return loss
}

// optimizerProblems checks the settings both trainers share.
func optimizerProblems(epochs, batch, maxBatch int, lr float64, sched Schedule, wd float64, workers int) []error {
	var errs []error
	if epochs < 1 {
		errs = append(errs, fmt.Errorf("epochs = %d, expected >= 1", epochs))
	}
	if batch < 1 || batch > maxBatch {
		errs = append(errs, fmt.Errorf("batch_size = %d, expected 1..%d", batch, maxBatch))
	}
	if !(lr > 0 && lr <= 1) {
		errs = append(errs, fmt.Errorf("lr = %v, expected in (0, 1]", lr))
	}
	if sched > ScheduleCosine {
		errs = append(errs, fmt.Errorf("schedule = %d, expected constant or cosine", uint8(sched)))
	}
	if !(wd >= 0 && wd < 1) {
		errs = append(errs, fmt.Errorf("weight_decay = %v, expected in [0, 1)", wd))
	}
	if workers < 0 {
		errs = append(errs, fmt.Errorf("workers = %d, expected >= 0 (0 = GOMAXPROCS)", workers))
	}
	return errs
}
