package rsnn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tinyData is n random sequences of t steps of in values in [0, 1).
func tinyData(n, t, in, classes int, seed uint64) *Seqs {
	rng := rand.New(rand.NewPCG(seed, 1))
	q := &Seqs{N: n, T: t, In: in, X: make([]float64, n*t*in), Labels: make([]int, n)}
	for i := range q.X {
		q.X[i] = rng.Float64()
	}
	for i := range q.Labels {
		q.Labels[i] = rng.IntN(classes)
	}
	return q
}

// lossOf runs a smooth forward and returns the batch loss; frozen, when
// not nil, replaces the spike in the reset by fixed values (a detached reset).
func lossOf(n *Net, q *Seqs, k float64, frozen []float64) float64 {
	p := newPass(n.Shape, q.N, q.T)
	p.frozen = frozen
	idx := make([]int, q.N)
	for i := range idx {
		idx[i] = i
	}
	p.load(q, idx)
	p.forward(n, SpikeSmooth, k)
	return p.lossGrad(n.Shape, q.Labels)
}

// TestGradientFiniteDifferences checks BPTT against central differences of
// the loss with the smooth spike function, for every weight of a tiny net
// (3 inputs, 4 hidden, 2 outputs, 5 steps): with the reset kept in the
// graph, and detached, where the finite differences hold the reset's
// spikes at their unperturbed values.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, detach := range []bool{false, true} {
		t.Run(map[bool]string{false: "reset-kept", true: "reset-detached"}[detach], func(t *testing.T) { gradCheck(t, detach) })
	}
}

func gradCheck(t *testing.T, detach bool) {
	s := Shape{In: 3, Hidden: 4, Out: 2, DT: 1e-4, TauHidden: 4e-4, RHidden: 4, TauOut: 8e-4, ROut: 8}
	n, err := NewNet(s, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range n.params() { // larger weights so that neurons cross the threshold region
		for i := range w {
			w[i] *= 3
		}
	}
	const k = 3.0
	q := tinyData(4, 5, 3, 2, 9)
	p := newPass(s, q.N, q.T)
	p.load(q, []int{0, 1, 2, 3})
	p.forward(n, SpikeSmooth, k)
	p.lossGrad(s, q.Labels)
	p.backward(n, SpikeSmooth, k, detach)
	var frozen []float64
	if detach {
		frozen = append([]float64(nil), p.z...)
	}
	const h = 1e-6
	names := []string{"w_in", "w_rec", "w_out"}
	worst, largest := 0.0, 0.0
	for pi, w := range n.params() {
		for i := range w {
			keep := w[i]
			w[i] = keep + h
			lp := lossOf(n, q, k, frozen)
			w[i] = keep - h
			lm := lossOf(n, q, k, frozen)
			w[i] = keep
			fd := (lp - lm) / (2 * h)
			got := p.grad[pi][i]
			diff := math.Abs(fd - got)
			if diff > 1e-7+1e-5*math.Abs(fd) {
				t.Errorf("%s[%d]: BPTT %.10g, finite difference %.10g", names[pi], i, got, fd)
			}
			worst, largest = max(worst, diff), max(largest, math.Abs(got))
		}
	}
	if largest < 1e-3 {
		t.Fatalf("largest gradient %g: the check compares near-zeros", largest)
	}
	t.Logf("largest |BPTT − finite difference| = %.2g, largest gradient %.2g", worst, largest)
}
