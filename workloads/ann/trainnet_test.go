package ann

import (
	"math"
	"slices"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// tinyCNN is a small net exercising every trainable kind: grouped conv,
// relu, qcfs, both pools, flatten and dense.
func tinyCNN() *Net {
	return &Net{Name: "tiny", Input: Shape{2, 6, 6}, Layers: []Layer{
		{Kind: KindConv2D, Name: "c1", Out: 4, Kernel: 3, Stride: 1, Pad: 1, Groups: 2},
		{Kind: KindReLU},
		{Kind: KindAvgPool2D, Kernel: 2, Stride: 2},
		{Kind: KindConv2D, Name: "c2", Out: 3, Kernel: 2, Stride: 1, Groups: 1},
		{Kind: KindQCFS, Levels: 4, Lambda: 1},
		{Kind: KindMaxPool2D, Kernel: 2, Stride: 1},
		{Kind: KindFlatten},
		{Kind: KindDense, Name: "fc", Out: 3},
	}}
}

// tinySet returns n deterministic 2x6x6 "images" with labels 0..2.
func tinySet(n int) *mnist.Set {
	s := &mnist.Set{N: n, Rows: 6, Cols: 12, Images: make([]uint8, n*72), Labels: make([]uint8, n)}
	for i := range s.Images {
		s.Images[i] = uint8((i*37 + i/7*11) % 256)
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(i % 3)
	}
	return s
}

// TestNetGradients compares the analytic weight gradients of a tiny net
// (away from the qcfs steps, which have zero true derivative) with central
// finite differences of the loss computed in float64 from Forward.
func TestNetGradients(t *testing.T) {
	n := tinyCNN()
	n.Layers = slices.Delete(n.Layers, 4, 5) // qcfs has a straight-through gradient, not a true one
	if err := InitNet(n, 3); err != nil {
		t.Fatal(err)
	}
	s := tinySet(4)
	p, err := newPlan(n)
	if err != nil {
		t.Fatal(err)
	}
	tr := newNetTrainer(p, 4, 2, 0)
	idx := []int{0, 1, 2, 3}
	tr.gradients(s, idx)
	loss := func() float64 {
		ws, _ := n.NewWorkspace(4)
		x := make([]float32, 4*72)
		for b := range 4 {
			s.Float(b, x[b*72:(b+1)*72])
		}
		n.ForwardBatch(x, 4, ws)
		out := ws.Acts[len(ws.Acts)-1]
		var l float64
		for b := range 4 {
			z := out[b*3 : b*3+3]
			var sum float64
			for _, v := range z {
				sum += math.Exp(float64(v))
			}
			l += math.Log(sum) - float64(z[s.Labels[b]])
		}
		return l / 4
	}
	for _, l := range []int{0, 3, 6} {
		ly := &n.Layers[l]
		for _, i := range []int{0, len(ly.W) / 2, len(ly.W) - 1} {
			const h = 1e-2
			w0 := ly.W[i]
			ly.W[i] = w0 + h
			lp := loss()
			ly.W[i] = w0 - h
			lm := loss()
			ly.W[i] = w0
			num := (lp - lm) / (2 * h)
			if got := float64(tr.gW[l][i]); math.Abs(got-num) > 2e-3+0.05*math.Abs(num) {
				t.Errorf("layer %s weight %d: gradient %.6f, finite difference %.6f", ly.Name, i, got, num)
			}
		}
	}
}
