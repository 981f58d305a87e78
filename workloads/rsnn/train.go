package rsnn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// maxPassBytes bounds one batch's BPTT record (see passBytes), so a recipe
// with a huge batch or hidden layer is refused before it allocates.
const maxPassBytes = 4 << 30

// passBytes is the memory of one pass for shape s, batch b and T steps.
func passBytes(s Shape, b, t int) int64 {
	th, to := int64(t)*int64(b)*int64(s.Hidden), int64(t)*int64(b)*int64(s.Out)
	return 8 * (int64(t)*int64(b)*int64(s.In) + 5*th + 2*to + int64(b)*int64(s.Out+2*s.Hidden))
}

// Adam constants: Kingma & Ba (ICLR 2015)'s defaults.
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// adam is Adam's state for the parameters of a Net, in Net.params order.
type adam struct {
	m, v [][]float64
	step int
}

func newAdam(n *Net) *adam {
	a := &adam{}
	for _, w := range n.params() {
		a.m = append(a.m, make([]float64, len(w)))
		a.v = append(a.v, make([]float64, len(w)))
	}
	return a
}

func (a *adam) update(n *Net, grad [][]float64, lr float64) {
	a.step++
	c1 := 1 - math.Pow(adamBeta1, float64(a.step))
	c2 := 1 - math.Pow(adamBeta2, float64(a.step))
	for pi, w := range n.params() {
		m, v, g := a.m[pi], a.v[pi], grad[pi]
		for i := range w {
			m[i] = adamBeta1*m[i] + (1-adamBeta1)*g[i]
			v[i] = adamBeta2*v[i] + (1-adamBeta2)*g[i]*g[i]
			w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + adamEps)
		}
	}
}

// checkData reports sequences that do not fit shape s.
func checkData(s Shape, q *Seqs) error {
	if q == nil || q.N < 1 || q.T < 1 {
		return fmt.Errorf("rsnn: no sequences to use")
	}
	if q.In != s.In {
		return fmt.Errorf("rsnn: sequences have %d inputs per step, the network takes %d", q.In, s.In)
	}
	if len(q.X) != q.N*q.T*q.In || len(q.Labels) != q.N {
		return fmt.Errorf("rsnn: %d sequences of %dx%d need %d values and %d labels, have %d and %d", q.N, q.T, q.In, q.N*q.T*q.In, q.N, len(q.X), len(q.Labels))
	}
	for i, l := range q.Labels {
		if l < 0 || l >= s.Out {
			return fmt.Errorf("rsnn: label %d of sample %d is outside 0..%d", l, i, s.Out-1)
		}
	}
	return nil
}

// Progress is told the mean training loss after each epoch (1-based).
type Progress func(epoch int, loss float64)

// Train initialises a network from cfg.Seed and trains it on q with Adam
// and BPTT, in batches of cfg.BatchSize drawn in a seeded random order each
// epoch (the last, smaller batch of an epoch is used too). It stops with
// ctx's error when ctx is done.
func Train(ctx context.Context, q *Seqs, cfg Config, progress Progress) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(cfg.Shape, q); err != nil {
		return nil, err
	}
	b := min(cfg.BatchSize, q.N)
	if need := passBytes(cfg.Shape, b, q.T); need > maxPassBytes {
		return nil, fmt.Errorf("rsnn: one batch of %d sequences of %d steps needs %d MiB for BPTT, more than the %d MiB allowed; use a smaller batch or hidden layer", b, q.T, need>>20, maxPassBytes>>20)
	}
	n, err := NewNet(cfg.Shape, cfg.Seed)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x0dd5eed0dd5eed))
	opt := newAdam(n)
	passes := map[int]*pass{}
	lr := cfg.LR
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		order := rng.Perm(q.N)
		total := 0.0
		for lo := 0; lo < q.N; lo += b {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			idx := order[lo:min(lo+b, q.N)]
			p := passes[len(idx)]
			if p == nil {
				p = newPass(cfg.Shape, len(idx), q.T)
				passes[len(idx)] = p
			}
			p.load(q, idx)
			p.forward(n, cfg.Spike, cfg.Slope)
			labels := make([]int, len(idx))
			for i, s := range idx {
				labels[i] = q.Labels[s]
			}
			total += p.lossGrad(cfg.Shape, labels) * float64(len(idx))
			p.backward(n, cfg.Spike, cfg.Slope, cfg.DetachReset)
			opt.update(n, p.grad, lr)
		}
		if progress != nil {
			progress(epoch, total/float64(q.N))
		}
		lr *= cfg.LRDecay
	}
	return n, nil
}

// Result is a network's accuracy and activity on a set of sequences.
type Result struct {
	Correct, N int
	// SpikesPerNeuronStep is the hidden layer's spikes per neuron per step.
	SpikesPerNeuronStep float64
}

// Accuracy is Correct/N.
func (r Result) Accuracy() float64 { return float64(r.Correct) / float64(r.N) }

// Evaluate classifies q with n (Heaviside spikes), in batches of 256.
func Evaluate(n *Net, q *Seqs) (Result, error) {
	if err := n.check(); err != nil {
		return Result{}, err
	}
	if err := checkData(n.Shape, q); err != nil {
		return Result{}, err
	}
	const batch = 256
	var r Result
	spikes := 0.0
	passes := map[int]*pass{}
	for lo := 0; lo < q.N; lo += batch {
		hi := min(lo+batch, q.N)
		p := passes[hi-lo]
		if p == nil {
			p = newPass(n.Shape, hi-lo, q.T)
			passes[hi-lo] = p
		}
		idx := make([]int, hi-lo)
		for i := range idx {
			idx[i] = lo + i
		}
		p.load(q, idx)
		p.forward(n, SpikeFastSigmoid, 1)
		for i := range idx {
			if p.predict(n.Shape.Out, i) == q.Labels[lo+i] {
				r.Correct++
			}
		}
		for _, z := range p.z {
			spikes += z
		}
	}
	r.N = q.N
	r.SpikesPerNeuronStep = spikes / float64(q.N*q.T*n.Shape.Hidden)
	return r, nil
}
