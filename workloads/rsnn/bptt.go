package rsnn

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// pass holds one batch's forward record and gradients; it is reused across
// batches of the same size. Matrices stacked over time have row t·B+b.
type pass struct {
	b, t int
	xs   []float64 // (T·B)×In inputs
	iin  []float64 // (T·B)×H: W_in·x_t
	vpre []float64 // (T·B)×H: v before the spike test
	z    []float64 // (T·B)×H: spikes (or σ for the smooth variant)
	y    []float64 // (T·B)×Out: W_out·z_t
	o    []float64 // B×Out: readout voltage after the last step
	gy   []float64 // (T·B)×Out
	gzy  []float64 // (T·B)×H: gy·W_out
	gi   []float64 // (T·B)×H: dL/dI_t
	gz   []float64 // B×H scratch
	gv   []float64 // B×H: dL/dv after step t
	grad [][]float64
	// frozen, when set ((T·B)×H), is the spike used by the reset in place
	// of z: the forward pass whose derivative a detached reset computes
	// (tests only).
	frozen []float64
}

func newPass(s Shape, b, t int) *pass {
	th, to := t*b*s.Hidden, t*b*s.Out
	return &pass{b: b, t: t,
		xs: make([]float64, t*b*s.In), iin: make([]float64, th), vpre: make([]float64, th), z: make([]float64, th),
		y: make([]float64, to), o: make([]float64, b*s.Out), gy: make([]float64, to), gzy: make([]float64, th),
		gi: make([]float64, th), gz: make([]float64, b*s.Hidden), gv: make([]float64, b*s.Hidden),
		grad: [][]float64{make([]float64, s.Hidden*s.In), make([]float64, s.Hidden*s.Hidden), make([]float64, s.Out*s.Hidden)},
	}
}

// gen wraps a row-major slice as a BLAS matrix.
func gen(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// mulT sets c = a·bᵀ (+ c when acc) for a m×k, b n×k.
func mulT(m, n, k int, a, b, c []float64, acc bool) {
	beta := 0.0
	if acc {
		beta = 1
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, gen(m, k, a), gen(n, k, b), beta, gen(m, n, c))
}

// mul sets c = a·b (+ c when acc) for a m×k, b k×n.
func mul(m, n, k int, a, b, c []float64, acc bool) {
	beta := 0.0
	if acc {
		beta = 1
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, gen(m, k, a), gen(k, n, b), beta, gen(m, n, c))
}

// tMul sets c = aᵀ·b for a k×m, b k×n.
func tMul(m, n, k int, a, b, c []float64) {
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(k, m, a), gen(k, n, b), 0, gen(m, n, c))
}

// load copies samples idx of q into p.xs, time-major.
func (p *pass) load(q *Seqs, idx []int) {
	in := q.In
	for t := range p.t {
		for bi, s := range idx {
			copy(p.xs[(t*p.b+bi)*in:(t*p.b+bi+1)*in], q.X[(s*q.T+t)*in:(s*q.T+t+1)*in])
		}
	}
}

// forward runs the batch in p.xs through n with spike function sp and slope
// k, recording what backward needs. The neuron updates are written as
// neuron.FloatState writes them (v += a·((v_leak − v) + r·x), v_leak 0).
func (p *pass) forward(n *Net, sp Spike, k float64) {
	s := n.Shape
	B, H, T := p.b, s.Hidden, p.t
	mulT(T*B, H, s.In, p.xs, n.WIn, p.iin, false)
	ah, rh := s.aHidden(), s.RHidden
	v := make([]float64, B*H)
	for t := range T {
		cur := p.iin[t*B*H : (t+1)*B*H]
		if t > 0 { // the recurrent input: last step's spikes through W_rec
			mulT(B, H, H, p.z[(t-1)*B*H:t*B*H], n.WRec, p.gz, false)
			for i := range cur {
				cur[i] += p.gz[i]
			}
		}
		vp, z := p.vpre[t*B*H:(t+1)*B*H], p.z[t*B*H:(t+1)*B*H]
		for i, x := range cur {
			v[i] += ah * ((0 - v[i]) + rh*x)
			vp[i] = v[i]
			switch sp {
			case SpikeSmooth:
				z[i] = 1 / (1 + math.Exp(-k*(v[i]-1)))
			default:
				z[i] = 0
				if v[i] > 1 {
					z[i] = 1
				}
			}
			zr := z[i]
			if p.frozen != nil {
				zr = p.frozen[t*B*H+i]
			}
			v[i] *= 1 - zr // reset to v_reset = 0
		}
	}
	mulT(T*B, s.Out, H, p.z, n.WOut, p.y, false)
	ao, ro := s.aOut(), s.ROut
	clear(p.o)
	for t := range T {
		y := p.y[t*B*s.Out : (t+1)*B*s.Out]
		for i, x := range y {
			p.o[i] += ao * ((0 - p.o[i]) + ro*x)
		}
	}
}

// lossGrad returns the mean cross-entropy of softmax(o) against labels and
// sets gy (dL/dy_t) for every step.
func (p *pass) lossGrad(s Shape, labels []int) float64 {
	B, C := p.b, s.Out
	g := make([]float64, B*C) // dL/do at the last step
	loss := 0.0
	for b := range B {
		o := p.o[b*C : (b+1)*C]
		mx := o[0]
		for _, x := range o {
			mx = max(mx, x)
		}
		sum := 0.0
		for _, x := range o {
			sum += math.Exp(x - mx)
		}
		loss += math.Log(sum) + mx - o[labels[b]]
		for c, x := range o {
			g[b*C+c] = math.Exp(x-mx) / sum / float64(B)
		}
		g[b*C+labels[b]] -= 1 / float64(B)
	}
	ao, ro := s.aOut(), s.ROut
	for t := p.t - 1; t >= 0; t-- {
		gy := p.gy[t*B*C : (t+1)*B*C]
		for i, x := range g {
			gy[i] = ao * ro * x
			g[i] = x * (1 - ao)
		}
	}
	return loss / float64(B)
}

// backward runs BPTT from p.gy and leaves the weight gradients in p.grad
// (W_in, W_rec, W_out).
func (p *pass) backward(n *Net, sp Spike, k float64, detach bool) {
	s := n.Shape
	B, H, T := p.b, s.Hidden, p.t
	mul(T*B, H, s.Out, p.gy, n.WOut, p.gzy, false)
	ah, rh := s.aHidden(), s.RHidden
	clear(p.gv)
	for t := T - 1; t >= 0; t-- {
		copy(p.gz, p.gzy[t*B*H:(t+1)*B*H])
		if t < T-1 { // z_t feeds I_{t+1} through W_rec
			mul(B, H, H, p.gi[(t+1)*B*H:(t+2)*B*H], n.WRec, p.gz, true)
		}
		vp, z, gi := p.vpre[t*B*H:(t+1)*B*H], p.z[t*B*H:(t+1)*B*H], p.gi[t*B*H:(t+1)*B*H]
		for i := range gi {
			gv := p.gv[i] // dL/dv_t, v_t = vpre·(1 − z)
			gz := p.gz[i]
			if !detach {
				gz -= gv * vp[i]
			}
			u := vp[i] - 1
			var d float64
			switch sp {
			case SpikeSmooth:
				d = k * z[i] * (1 - z[i])
			default:
				d = 1 / ((1 + k*math.Abs(u)) * (1 + k*math.Abs(u)))
			}
			gvp := gz*d + gv*(1-z[i])
			gi[i] = gvp * ah * rh
			p.gv[i] = gvp * (1 - ah)
		}
	}
	tMul(H, s.In, T*B, p.gi, p.xs, p.grad[0])
	if T > 1 {
		tMul(H, H, (T-1)*B, p.gi[B*H:], p.z[:(T-1)*B*H], p.grad[1])
	} else {
		clear(p.grad[1])
	}
	tMul(s.Out, H, T*B, p.gy, p.z, p.grad[2])
}

// predict returns the class of batch sample b: the readout neuron with the
// largest final voltage, the first on ties (graphrun's rule).
func (p *pass) predict(out, b int) int {
	o := p.o[b*out : (b+1)*out]
	best := 0
	for c, x := range o {
		if x > o[best] {
			best = c
		}
	}
	return best
}
