package ann

import (
	"gonum.org/v1/gonum/stat"

	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	gblas "gonum.org/v1/gonum/blas"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// NetTrainConfig configures TrainNet. The zero value is not valid; start
// from DefaultNetTrainConfig.
type NetTrainConfig struct {
	Epochs      int      `yaml:"epochs"`       // passes over the training set
	BatchSize   int      `yaml:"batch_size"`   // samples per Adam step
	LR          float64  `yaml:"lr"`           // Adam learning rate at step 0
	Schedule    Schedule `yaml:"schedule"`     // learning-rate schedule over all steps
	WeightDecay float64  `yaml:"weight_decay"` // decoupled (AdamW) decay of weights (not biases or λ), times the LR
	Seed        uint64   `yaml:"seed"`         // initial weights and batch order derive from this alone
	Workers     int      `yaml:"workers"`      // goroutines; 0 = GOMAXPROCS; never changes the result
	// LambdaPercentile, if > 0, sets every qcfs layer's starting λ to this
	// percentile (0, 100] of its positive inputs over the first mini-batch,
	// layer by layer, before the first step. 0 keeps the λ of the net.
	LambdaPercentile float64 `yaml:"lambda_percentile"`
}

// DefaultNetTrainConfig returns the settings of the built-in CNNs: Adam lr
// 1e-3 with cosine decay, batch 64, 10 epochs, seed 1, λ starting at the
// 99.9th percentile of the first batch.
func DefaultNetTrainConfig() NetTrainConfig {
	return NetTrainConfig{Epochs: 10, BatchSize: 64, LR: 1e-3, Schedule: ScheduleCosine, Seed: 1, LambdaPercentile: 99.9}
}

// Validate reports every invalid field at once.
func (c NetTrainConfig) Validate() error {
	errs := optimizerProblems(c.Epochs, c.BatchSize, 1<<12, c.LR, c.Schedule, c.WeightDecay, c.Workers)
	if !(c.LambdaPercentile >= 0 && c.LambdaPercentile <= 100) {
		errs = append(errs, fmt.Errorf("lambda_percentile = %v, expected in [0, 100] (0 = keep)", c.LambdaPercentile))
	}
	if len(errs) > 0 {
		return fmt.Errorf("ann: invalid net train config: %w", errors.Join(errs...))
	}
	return nil
}

// InitNet allocates and initialises the weights of every dense and conv2d
// layer of n: He-normal (std sqrt(2/fan_in), fan_in = In for dense,
// In/Groups*Kernel^2 for conv2d) drawn in layer order from a PCG generator
// seeded with seed, and zero biases. qcfs layers with λ = 0 get λ = 1.
func InitNet(n *Net, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	in := n.Input
	for l := range n.Layers {
		ly := &n.Layers[l]
		switch ly.Kind {
		case KindDense:
			ly.W = make([]float32, ly.Out*in.Size())
			ly.B = make([]float32, ly.Out)
			heNormal(ly.W, in.Size(), rng)
		case KindConv2D:
			if ly.Groups < 1 || in.C%ly.Groups != 0 {
				return fmt.Errorf("ann: layer %d (conv2d %q): groups %d must divide the %d input channels", l, ly.Name, ly.Groups, in.C)
			}
			fan := in.C / ly.Groups * ly.Kernel * ly.Kernel
			ly.W = make([]float32, ly.Out*fan)
			ly.B = make([]float32, ly.Out)
			heNormal(ly.W, fan, rng)
		case KindQCFS:
			if ly.Lambda == 0 {
				ly.Lambda = 1
			}
		}
		// Follow the shapes as far as they are valid.
		out, errs := ly.outShape(in, func(string) (Shape, bool) { return in, true })
		if len(errs) > 0 {
			return fmt.Errorf("ann: layer %d (%s %q): %w", l, ly.Kind, ly.Name, errors.Join(errs...))
		}
		in = out
	}
	return n.Validate()
}

func heNormal(w []float32, fan int, rng *rand.Rand) {
	std := math.Sqrt(2 / float64(fan))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * std)
	}
}

// TrainNet trains n in place on train (pixels scaled to [0, 1]) with softmax
// cross-entropy over the last layer's outputs and Adam. The sample order is
// shuffled every epoch by a PCG generator seeded with cfg.Seed (InitNet
// seeds the weights separately). qcfs layers train their λ too, with the
// straight-through estimator of Bu et al. (2022): the floor passes the
// gradient unchanged, so dy/dx = 1 for 0 <= x <= λ (else 0), and dy/dλ is
// 1 above λ, y/λ - x/λ inside [0, λ] and 0 below. Residual add layers are
// not supported by the trainer. After each epoch it calls progress (if not
// nil) with the 1-based epoch and the mean training loss.
//
// The result depends only on n, train and cfg, not on cfg.Workers: every
// gradient element is summed in a fixed order by one goroutine (per-sample
// convolution gradients are reduced in sample order; dense gradients are
// single gonum Sgemm calls, whose blocking depends only on the sizes).
func TrainNet(train *mnist.Set, n *Net, cfg NetTrainConfig, progress func(epoch int, loss float64)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	p, err := newPlan(n)
	if err != nil {
		return err
	}
	for l, ly := range n.Layers {
		if ly.Kind == KindAdd {
			return fmt.Errorf("ann: layer %d (add %q): the trainer does not support residual add layers", l, ly.Name)
		}
	}
	if train == nil || train.N == 0 {
		return errors.New("ann: training set is empty")
	}
	if train.Pixels() != n.Input.Size() {
		return fmt.Errorf("ann: training images have %d pixels, net %q expects %s", train.Pixels(), n.Name, n.Input)
	}
	classes := p.out[len(p.out)-1].Size()
	for i, y := range train.Labels[:train.N] {
		if int(y) >= classes {
			return fmt.Errorf("ann: training label %d of image %d is >= %d, the output width", y, i, classes)
		}
	}
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	bs := min(cfg.BatchSize, train.N)
	t := newNetTrainer(p, bs, workers, cfg.WeightDecay)

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5851f42d4c957f2d))
	order := make([]int, train.N)
	for i := range order {
		order[i] = i
	}
	batches := (train.N + bs - 1) / bs
	total := cfg.Epochs * batches
	for epoch := range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if epoch == 0 && cfg.LambdaPercentile > 0 {
			t.calibrateLambda(train, order[:bs], cfg.LambdaPercentile)
		}
		var lossSum float64
		for bi := range batches {
			idx := order[bi*bs : min((bi+1)*bs, train.N)]
			loss := t.gradients(train, idx)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return fmt.Errorf("ann: training diverged at epoch %d, batch %d (loss %v); try a smaller lr than %v", epoch+1, bi, loss, cfg.LR)
			}
			t.update(lrAt(cfg.LR, cfg.Schedule, epoch*batches+bi, total))
			lossSum += loss
		}
		if progress != nil {
			progress(epoch+1, lossSum/float64(train.N))
		}
	}
	return n.Validate()
}

// netTrainer holds the buffers of one Adam step, allocated once.
type netTrainer struct {
	p        *plan
	workers  int
	bs       int
	wd       float64
	step1    int
	x        []float32   // batch inputs
	acts     [][]float32 // layer outputs
	grad     [][]float32 // dLoss/d(output of layer l)
	cols     [][]float32 // im2col scratch per worker
	gcols    [][]float32 // col-gradient scratch per worker
	perW     [][]float32 // conv: per-sample weight gradients, bs x len(W)
	perB     [][]float32 // conv: per-sample bias gradients, bs x Out
	perLam   []float64   // qcfs: per-sample dλ
	argmax   [][]int32   // maxpool: index of each maximum, bs x out size
	gW, gB   [][]float32 // parameter gradients
	mW, vW   [][]float32
	mB, vB   [][]float32
	gL       []float32 // qcfs λ gradients, one per layer (0 for others)
	mL, vL   []float32
	lossPerB []float64
}

func newNetTrainer(p *plan, bs, workers int, wd float64) *netTrainer {
	L := len(p.out)
	t := &netTrainer{p: p, workers: workers, bs: bs, wd: wd,
		x: make([]float32, bs*p.net.Input.Size()), lossPerB: make([]float64, bs),
		acts: make([][]float32, L), grad: make([][]float32, L), perW: make([][]float32, L), perB: make([][]float32, L),
		argmax: make([][]int32, L), gW: make([][]float32, L), gB: make([][]float32, L),
		mW: make([][]float32, L), vW: make([][]float32, L), mB: make([][]float32, L), vB: make([][]float32, L),
		gL: make([]float32, L), mL: make([]float32, L), vL: make([]float32, L), perLam: make([]float64, bs)}
	for l := range p.net.Layers {
		ly := &p.net.Layers[l]
		sz := bs * p.out[l].Size()
		t.acts[l] = make([]float32, sz)
		t.grad[l] = make([]float32, sz)
		if ly.Kind.Weighted() {
			if ly.B == nil {
				ly.B = make([]float32, ly.Out)
			}
			t.gW[l], t.mW[l], t.vW[l] = make([]float32, len(ly.W)), make([]float32, len(ly.W)), make([]float32, len(ly.W))
			t.gB[l], t.mB[l], t.vB[l] = make([]float32, len(ly.B)), make([]float32, len(ly.B)), make([]float32, len(ly.B))
		}
		if ly.Kind == KindConv2D {
			t.perW[l] = make([]float32, bs*len(ly.W))
			t.perB[l] = make([]float32, bs*ly.Out)
		}
		if ly.Kind == KindMaxPool2D {
			t.argmax[l] = make([]int32, sz)
		}
	}
	t.cols = make([][]float32, workers)
	t.gcols = make([][]float32, workers)
	for w := range workers {
		t.cols[w] = make([]float32, p.colMax)
		t.gcols[w] = make([]float32, p.colMax)
	}
	return t
}

// load copies samples idx into t.x.
func (t *netTrainer) load(s *mnist.Set, idx []int) {
	px := s.Pixels()
	for b, i := range idx {
		s.Float(i, t.x[b*px:(b+1)*px])
	}
}

// calibrateLambda sets each qcfs layer's λ, in order, to the percentile of
// its positive inputs over samples idx (earlier qcfs layers already use
// their new λ).
func (t *netTrainer) calibrateLambda(s *mnist.Set, idx []int, pct float64) {
	t.load(s, idx)
	nb := len(idx)
	p := t.p
	for l := range p.net.Layers {
		ly := &p.net.Layers[l]
		if ly.Kind != KindQCFS {
			continue
		}
		p.forward(t.x, nb, t.acts, t.cols, t.workers)
		var in []float32
		if l > 0 {
			in = t.acts[l-1][:nb*p.in[l].Size()]
		} else {
			in = t.x[:nb*p.in[l].Size()]
		}
		var pos []float32
		for _, v := range in {
			if v > 0 {
				pos = append(pos, v)
			}
		}
		if len(pos) > 0 {
			// The nearest-rank percentile: gonum's Empirical quantile of the
			// sorted values, as conversion's calibration takes it.
			sorted := make([]float64, len(pos))
			for i, v := range pos {
				sorted[i] = float64(v)
			}
			slices.Sort(sorted)
			ly.Lambda = max(float32(stat.Quantile(pct/100, stat.Empirical, sorted, nil)), 1e-3)
		}
	}
}

// gradients runs forward and backward on samples idx, fills the parameter
// gradients of the batch-mean loss and returns the summed loss.
func (t *netTrainer) gradients(s *mnist.Set, idx []int) float64 {
	p := t.p
	nb := len(idx)
	t.load(s, idx)
	p.forward(t.x, nb, t.acts, t.cols, t.workers)
	last := len(p.out) - 1
	classes := p.out[last].Size()
	logits, g := t.acts[last], t.grad[last]
	loss := softmaxCrossEntropy(logits, g, classes, s, idx)
	for l := last; l >= 0; l-- {
		t.backwardLayer(l, nb)
	}
	return loss
}

// backwardLayer computes layer l's parameter gradients and, for l > 0, the
// gradient with respect to its input (t.grad[l-1]).
func (t *netTrainer) backwardLayer(l, nb int) {
	p := t.p
	ly := &p.net.Layers[l]
	is, os := p.in[l], p.out[l]
	isz, osz := is.Size(), os.Size()
	var in []float32
	if l > 0 {
		in = t.acts[l-1][:nb*isz]
	} else {
		in = t.x[:nb*isz]
	}
	out := t.acts[l][:nb*osz]
	gy := t.grad[l][:nb*osz]
	var gx []float32
	if l > 0 {
		gx = t.grad[l-1][:nb*isz]
	}
	switch ly.Kind {
	case KindDense:
		// gW (Out x In) = gy^T (Out x nb) * in (nb x In)
		blas{}.Sgemm(gblas.Trans, gblas.NoTrans, ly.Out, isz, nb, 1, gy, ly.Out, in, isz, 0, t.gW[l], isz)
		gb := t.gB[l]
		clear(gb)
		for b := range nb {
			for o, v := range gy[b*ly.Out : (b+1)*ly.Out] {
				gb[o] += v
			}
		}
		if gx != nil {
			// gx (nb x In) = gy (nb x Out) * W (Out x In)
			blas{}.Sgemm(gblas.NoTrans, gblas.NoTrans, nb, isz, ly.Out, 1, gy, ly.Out, ly.W, isz, 0, gx, isz)
		}
	case KindConv2D:
		t.convBackward(l, nb, in, gy, gx)
	case KindAvgPool2D:
		k, st, pad := ly.Kernel, ly.Stride, ly.Pad
		inv := 1 / float32(k*k)
		if gx == nil {
			return
		}
		clear(gx)
		for b := range nb {
			gxb, gyb := gx[b*isz:], gy[b*osz:]
			for c := range is.C {
				for oy := range os.H {
					for ox := range os.W {
						v := gyb[(c*os.H+oy)*os.W+ox] * inv
						for ky := range k {
							iy := oy*st - pad + ky
							if iy < 0 || iy >= is.H {
								continue
							}
							for kx := range k {
								if ix := ox*st - pad + kx; ix >= 0 && ix < is.W {
									gxb[(c*is.H+iy)*is.W+ix] += v
								}
							}
						}
					}
				}
			}
		}
	case KindMaxPool2D:
		if gx == nil {
			return
		}
		clear(gx)
		arg := t.argmax[l]
		for b := range nb {
			maxPool(ly, is, os, in[b*isz:(b+1)*isz], out[b*osz:(b+1)*osz], arg[b*osz:(b+1)*osz])
			for o, v := range gy[b*osz : (b+1)*osz] {
				gx[b*isz+int(arg[b*osz+o])] += v
			}
		}
	case KindFlatten:
		if gx != nil {
			copy(gx, gy)
		}
	case KindReLU:
		if gx != nil {
			for i, v := range gy {
				if out[i] > 0 {
					gx[i] = v
				} else {
					gx[i] = 0
				}
			}
		}
	case KindQCFS:
		lam := ly.Lambda
		for b := range nb {
			var sum float64
			for i := b * osz; i < (b+1)*osz; i++ {
				x, v := in[i], gy[i]
				switch {
				case x < 0:
					if gx != nil {
						gx[i] = 0
					}
				case x > lam:
					if gx != nil {
						gx[i] = 0
					}
					sum += float64(v)
				default:
					if gx != nil {
						gx[i] = v
					}
					sum += float64(v) * float64(out[i]/lam-x/lam)
				}
			}
			t.perLam[b] = sum
		}
		var sum float64
		for b := range nb {
			sum += t.perLam[b]
		}
		t.gL[l] = float32(sum)
	}
}

// convBackward: per sample (parallel over samples), the weight and bias
// gradients into per-sample buffers and the input gradient; then the
// per-sample gradients are summed in sample order.
func (t *netTrainer) convBackward(l, nb int, in, gy, gx []float32) {
	p := t.p
	ly := &p.net.Layers[l]
	is, os := p.in[l], p.out[l]
	isz, osz := is.Size(), os.Size()
	k := ly.Kernel
	ohw := os.H * os.W
	cpg, opg := is.C/ly.Groups, ly.Out/ly.Groups
	kk := cpg * k * k
	nw := len(ly.W)
	perW, perB := t.perW[l], t.perB[l]
	ForEachChunk(nb, t.workers, func(w, lo, hi int) {
		col, gcol := t.cols[w][:is.C*k*k*ohw], t.gcols[w][:is.C*k*k*ohw]
		for b := lo; b < hi; b++ {
			im2col(in[b*isz:(b+1)*isz], is, os, k, ly.Stride, ly.Pad, col)
			gyb := gy[b*osz : (b+1)*osz]
			gwb := perW[b*nw : (b+1)*nw]
			for g := range ly.Groups {
				// gW[g] (opg x kk) = gy[g] (opg x OHW) * col[g]^T (OHW x kk)
				blas{}.Sgemm(gblas.NoTrans, gblas.Trans, opg, kk, ohw, 1,
					gyb[g*opg*ohw:], ohw, col[g*kk*ohw:], ohw, 0, gwb[g*opg*kk:], kk)
			}
			gbb := perB[b*ly.Out : (b+1)*ly.Out]
			for o := range ly.Out {
				var s float32
				for _, v := range gyb[o*ohw : (o+1)*ohw] {
					s += v
				}
				gbb[o] = s
			}
			if gx == nil {
				continue
			}
			for g := range ly.Groups {
				// gcol[g] (kk x OHW) = W[g]^T (kk x opg) * gy[g] (opg x OHW)
				blas{}.Sgemm(gblas.Trans, gblas.NoTrans, kk, ohw, opg, 1,
					ly.W[g*opg*kk:], kk, gyb[g*opg*ohw:], ohw, 0, gcol[g*kk*ohw:], ohw)
			}
			gxb := gx[b*isz : (b+1)*isz]
			clear(gxb)
			col2im(gcol, is, os, k, ly.Stride, ly.Pad, gxb)
		}
	})
	gW, gB := t.gW[l], t.gB[l]
	ForEachChunk(nw, t.workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			var s float32
			for b := range nb {
				s += perW[b*nw+i]
			}
			gW[i] = s
		}
	})
	for o := range ly.Out {
		var s float32
		for b := range nb {
			s += perB[b*ly.Out+o]
		}
		gB[o] = s
	}
}

// update applies one Adam step (AdamW decay on weights when wd > 0).
func (t *netTrainer) update(lr float64) {
	t.step1++
	c1 := 1 - math.Pow(adamBeta1, float64(t.step1))
	c2 := 1 - math.Pow(adamBeta2, float64(t.step1))
	stepSize := float32(lr / c1)
	invC2 := float32(1 / c2)
	decay := float32(1 - lr*t.wd)
	for l := range t.p.net.Layers {
		ly := &t.p.net.Layers[l]
		switch ly.Kind {
		case KindDense, KindConv2D:
			adam(ly.W, t.gW[l], t.mW[l], t.vW[l], stepSize, invC2, decay, t.workers)
			adam(ly.B, t.gB[l], t.mB[l], t.vB[l], stepSize, invC2, 1, t.workers)
		case KindQCFS:
			lam := []float32{ly.Lambda}
			adam(lam, t.gL[l:l+1], t.mL[l:l+1], t.vL[l:l+1], stepSize, invC2, 1, 1)
			ly.Lambda = max(lam[0], 1e-3)
		}
	}
}
