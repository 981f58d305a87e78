package ann

import (
	"fmt"
	"math"
	"runtime"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// blas is gonum's pure-Go BLAS; its float32 kernels use SIMD assembly on
// amd64. The type has no fields, so blas{} costs nothing.
type blas = gonum.Implementation

// argmax returns the index of the largest element, the lowest on a tie.
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// plan is a validated Net with every layer's input and output shape.
type plan struct {
	net     *Net
	in, out []Shape
	from    []int // KindAdd: index of the layer whose output is added; -1 otherwise
	colMax  int   // largest im2col buffer of one sample over the conv2d layers
}

func newPlan(n *Net) (*plan, error) {
	out, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	p := &plan{net: n, out: out, in: make([]Shape, len(out)), from: make([]int, len(out))}
	idx := map[string]int{}
	for l := range n.Layers {
		p.in[l] = n.Input
		if l > 0 {
			p.in[l] = out[l-1]
		}
		ly := &n.Layers[l]
		p.from[l] = -1
		if ly.Kind == KindAdd {
			p.from[l] = idx[ly.From]
		}
		if ly.Name != "" {
			idx[ly.Name] = l
		}
		if ly.Kind == KindConv2D {
			p.colMax = max(p.colMax, p.in[l].C*ly.Kernel*ly.Kernel*out[l].H*out[l].W)
		}
	}
	return p, nil
}

// Workspace holds the activation buffers of forward passes over batches of
// up to Batch samples. Acts[l] is layer l's output, sample-major: sample b's
// activations are Acts[l][b*S : (b+1)*S] with S the layer's output size, in
// (C, H, W) order. A Workspace belongs to one goroutine at a time.
type Workspace struct {
	Acts  [][]float32
	Batch int
	plan  *plan
	cols  [][]float32 // im2col scratch, one per worker
}

// NewWorkspace validates n and allocates buffers for batches of up to batch
// samples (batch >= 1).
func (n *Net) NewWorkspace(batch int) (*Workspace, error) {
	if batch < 1 {
		return nil, fmt.Errorf("ann: workspace batch is %d, must be >= 1", batch)
	}
	p, err := newPlan(n)
	if err != nil {
		return nil, err
	}
	return newWorkspace(p, batch, 1), nil
}

func newWorkspace(p *plan, batch, workers int) *Workspace {
	ws := &Workspace{Batch: batch, plan: p, Acts: make([][]float32, len(p.out))}
	for l, s := range p.out {
		ws.Acts[l] = make([]float32, batch*s.Size())
	}
	ws.cols = make([][]float32, max(workers, 1))
	for w := range ws.cols {
		ws.cols[w] = make([]float32, p.colMax)
	}
	return ws
}

// Forward runs one sample x (length Input.Size(), pixels in [0, 1] for the
// MNIST models) through the net; afterwards ws.Acts[l][:size] holds layer l's
// output. It returns the index of the largest final output (the lowest on a
// tie). ws must come from NewWorkspace on this net; Forward panics if x has
// the wrong length.
func (n *Net) Forward(x []float32, ws *Workspace) int {
	n.ForwardBatch(x, 1, ws)
	return argmax(ws.Acts[len(ws.Acts)-1][:ws.plan.out[len(ws.plan.out)-1].Size()])
}

// ForwardBatch runs nb samples, stored sample-major in x, through the net.
// It does not allocate.
func (n *Net) ForwardBatch(x []float32, nb int, ws *Workspace) {
	p := ws.plan
	if p.net != n {
		panic("ann: ForwardBatch: workspace belongs to another net")
	}
	if nb < 1 || nb > ws.Batch || len(x) < nb*n.Input.Size() {
		panic(fmt.Sprintf("ann: ForwardBatch: %d samples of %d inputs in a buffer of %d, workspace batch %d",
			nb, n.Input.Size(), len(x), ws.Batch))
	}
	p.forward(x, nb, ws.Acts, ws.cols, 1)
}

// forward computes every layer for nb samples; layer l reads acts[l-1] (x
// for l = 0) and writes acts[l]. Conv layers split the samples over workers
// (cols holds one scratch buffer per worker); every output element is
// computed by one goroutine in a fixed order.
func (p *plan) forward(x []float32, nb int, acts, cols [][]float32, workers int) {
	in := x[:nb*p.net.Input.Size()]
	for l := range p.net.Layers {
		out := acts[l][:nb*p.out[l].Size()]
		p.forwardLayer(l, in, out, nb, acts, cols, workers)
		in = out
	}
}

func (p *plan) forwardLayer(l int, in, out []float32, nb int, acts, cols [][]float32, workers int) {
	ly := &p.net.Layers[l]
	is, os := p.in[l], p.out[l]
	isz, osz := is.Size(), os.Size()
	switch ly.Kind {
	case KindDense:
		// out (nb x Out) = in (nb x In) * W^T (In x Out)
		blas{}.Sgemm(gblas.NoTrans, gblas.Trans, nb, ly.Out, isz, 1, in, isz, ly.W, isz, 0, out, ly.Out)
		if ly.B != nil {
			for b := range nb {
				row := out[b*ly.Out : (b+1)*ly.Out]
				for o, v := range ly.B {
					row[o] += v
				}
			}
		}
	case KindConv2D:
		ForEachChunk(nb, min(workers, len(cols)), func(w, lo, hi int) {
			for b := lo; b < hi; b++ {
				convForward(ly, is, os, in[b*isz:(b+1)*isz], out[b*osz:(b+1)*osz], cols[w])
			}
		})
	case KindAvgPool2D:
		for b := range nb {
			avgPool(ly, is, os, in[b*isz:(b+1)*isz], out[b*osz:(b+1)*osz])
		}
	case KindMaxPool2D:
		for b := range nb {
			maxPool(ly, is, os, in[b*isz:(b+1)*isz], out[b*osz:(b+1)*osz], nil)
		}
	case KindFlatten:
		copy(out, in)
	case KindReLU:
		for i, v := range in {
			out[i] = max(v, 0)
		}
	case KindQCFS:
		qcfs(in, out, ly.Levels, ly.Lambda)
	case KindAdd:
		src := acts[p.from[l]][:nb*osz]
		for i, v := range in {
			out[i] = v + src[i]
		}
	}
}

// qcfs applies y = λ/L * clamp(floor(x*L/λ + 1/2), 0, L) elementwise.
func qcfs(in, out []float32, levels int, lambda float32) {
	L := float32(levels)
	step := lambda / L
	for i, v := range in {
		q := float32(math.Floor(float64(v*L/lambda + 0.5)))
		out[i] = min(max(q, 0), L) * step
	}
}

// im2col writes the Kernel x Kernel patches of the (C, H, W) input x into col
// as a (C*K*K) x (OH*OW) row-major matrix: row (c*K+ky)*K+kx, column
// oy*OW+ox holds x[c, oy*S-P+ky, ox*S-P+kx], 0 outside the input.
func im2col(x []float32, in, out Shape, k, s, pad int, col []float32) {
	ohw := out.H * out.W
	for c := range in.C {
		plane := x[c*in.H*in.W : (c+1)*in.H*in.W]
		for ky := range k {
			for kx := range k {
				row := col[((c*k+ky)*k+kx)*ohw:][:ohw]
				for oy := range out.H {
					iy := oy*s - pad + ky
					dst := row[oy*out.W : (oy+1)*out.W]
					if iy < 0 || iy >= in.H {
						clear(dst)
						continue
					}
					src := plane[iy*in.W : (iy+1)*in.W]
					for ox := range out.W {
						ix := ox*s - pad + kx
						if ix < 0 || ix >= in.W {
							dst[ox] = 0
						} else {
							dst[ox] = src[ix]
						}
					}
				}
			}
		}
	}
}

// col2im adds the (C*K*K) x (OH*OW) matrix col back into the (C, H, W)
// gradient gx (the adjoint of im2col); gx must be cleared by the caller.
func col2im(col []float32, in, out Shape, k, s, pad int, gx []float32) {
	ohw := out.H * out.W
	for c := range in.C {
		plane := gx[c*in.H*in.W : (c+1)*in.H*in.W]
		for ky := range k {
			for kx := range k {
				row := col[((c*k+ky)*k+kx)*ohw:][:ohw]
				for oy := range out.H {
					iy := oy*s - pad + ky
					if iy < 0 || iy >= in.H {
						continue
					}
					dst := plane[iy*in.W : (iy+1)*in.W]
					for ox := range out.W {
						if ix := ox*s - pad + kx; ix >= 0 && ix < in.W {
							dst[ix] += row[oy*out.W+ox]
						}
					}
				}
			}
		}
	}
}

// convForward computes one sample of a conv2d layer with im2col and one
// Sgemm per group; col is scratch of at least C*K*K*OH*OW elements.
func convForward(ly *Layer, in, out Shape, x, y, col []float32) {
	k := ly.Kernel
	ohw := out.H * out.W
	col = col[:in.C*k*k*ohw]
	im2col(x, in, out, k, ly.Stride, ly.Pad, col)
	cpg, opg := in.C/ly.Groups, ly.Out/ly.Groups
	kk := cpg * k * k
	for g := range ly.Groups {
		// y[g] (opg x OHW) = W[g] (opg x kk) * col[g] (kk x OHW)
		blas{}.Sgemm(gblas.NoTrans, gblas.NoTrans, opg, ohw, kk, 1,
			ly.W[g*opg*kk:], kk, col[g*kk*ohw:], ohw, 0, y[g*opg*ohw:], ohw)
	}
	if ly.B != nil {
		for o, v := range ly.B {
			row := y[o*ohw : (o+1)*ohw]
			for i := range row {
				row[i] += v
			}
		}
	}
}

// avgPool averages each window of one sample; padded taps count as zeros
// (the divisor is always Kernel^2).
func avgPool(ly *Layer, in, out Shape, x, y []float32) {
	k, s, pad := ly.Kernel, ly.Stride, ly.Pad
	inv := 1 / float32(k*k)
	for c := range in.C {
		plane := x[c*in.H*in.W:]
		for oy := range out.H {
			for ox := range out.W {
				var sum float32
				for ky := range k {
					iy := oy*s - pad + ky
					if iy < 0 || iy >= in.H {
						continue
					}
					for kx := range k {
						if ix := ox*s - pad + kx; ix >= 0 && ix < in.W {
							sum += plane[iy*in.W+ix]
						}
					}
				}
				y[(c*out.H+oy)*out.W+ox] = sum * inv
			}
		}
	}
}

// maxPool takes the maximum of each window of one sample (padding never
// wins). If arg is not nil it records the input index of each maximum (the
// first in row-major window order on a tie).
func maxPool(ly *Layer, in, out Shape, x, y []float32, arg []int32) {
	k, s, pad := ly.Kernel, ly.Stride, ly.Pad
	for c := range in.C {
		base := c * in.H * in.W
		for oy := range out.H {
			for ox := range out.W {
				best, bi := float32(math.Inf(-1)), -1
				for ky := range k {
					iy := oy*s - pad + ky
					if iy < 0 || iy >= in.H {
						continue
					}
					for kx := range k {
						if ix := ox*s - pad + kx; ix >= 0 && ix < in.W {
							if v := x[base+iy*in.W+ix]; bi < 0 || v > best {
								best, bi = v, base+iy*in.W+ix
							}
						}
					}
				}
				o := (c*out.H+oy)*out.W + ox
				y[o] = best
				if arg != nil {
					arg[o] = int32(bi)
				}
			}
		}
	}
}

// accuracyBatch is the mini-batch Accuracy runs per goroutine.
const accuracyBatch = 32

// Accuracy returns the fraction of s whose label equals the index of the
// largest final output. Samples are split into `workers` contiguous chunks
// (0 means GOMAXPROCS); the result does not depend on workers. It returns 0
// for an empty set and NaN if the net is invalid or the image size differs
// from Input.Size().
func (n *Net) Accuracy(s *mnist.Set, workers int) float64 {
	preds, err := n.Predict(s, workers)
	if err != nil {
		return math.NaN()
	}
	if s.N == 0 {
		return 0
	}
	correct := 0
	for i, p := range preds {
		if p == int(s.Labels[i]) {
			correct++
		}
	}
	return float64(correct) / float64(s.N)
}

// Predict returns the predicted class of every image of s (pixels scaled to
// [0, 1]), computed on `workers` goroutines (0 = GOMAXPROCS).
func (n *Net) Predict(s *mnist.Set, workers int) ([]int, error) {
	p, err := newPlan(n)
	if err != nil {
		return nil, err
	}
	if s.Pixels() != n.Input.Size() {
		return nil, fmt.Errorf("ann: images have %d pixels, net %q expects %s = %d inputs", s.Pixels(), n.Name, n.Input, n.Input.Size())
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	preds := make([]int, s.N)
	classes := p.out[len(p.out)-1].Size()
	ForEachChunk(s.N, workers, func(_, lo, hi int) {
		ws := newWorkspace(p, accuracyBatch, 1)
		x := make([]float32, accuracyBatch*s.Pixels())
		for b0 := lo; b0 < hi; b0 += accuracyBatch {
			nb := min(accuracyBatch, hi-b0)
			for b := range nb {
				s.Float(b0+b, x[b*s.Pixels():(b+1)*s.Pixels()])
			}
			p.forward(x, nb, ws.Acts, ws.cols, 1)
			last := ws.Acts[len(ws.Acts)-1]
			for b := range nb {
				preds[b0+b] = argmax(last[b*classes : (b+1)*classes])
			}
		}
	})
	return preds, nil
}
