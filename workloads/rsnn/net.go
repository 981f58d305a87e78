package rsnn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Net is a trained or initialised network: row-major weight matrices.
type Net struct {
	Shape Shape
	WIn   []float64 // Hidden×In
	WRec  []float64 // Hidden×Hidden: WRec[i*Hidden+j] is the weight from hidden j to hidden i
	WOut  []float64 // Out×Hidden
}

// NewNet returns a network of shape s with weights drawn from seed: each
// matrix uniform in ±1/√fan_in (PyTorch's nn.Linear default).
func NewNet(s Shape, seed uint64) (*Net, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed5eed5eed5eed))
	fill := func(rows, cols int) []float64 {
		w := make([]float64, rows*cols)
		lim := 1 / math.Sqrt(float64(cols))
		for i := range w {
			w[i] = (2*rng.Float64() - 1) * lim
		}
		return w
	}
	n := &Net{Shape: s}
	n.WIn = fill(s.Hidden, s.In)
	n.WRec = fill(s.Hidden, s.Hidden)
	n.WOut = fill(s.Out, s.Hidden)
	return n, nil
}

// check reports a weight matrix of the wrong size.
func (n *Net) check() error {
	s := n.Shape
	if err := s.Validate(); err != nil {
		return err
	}
	for _, m := range []struct {
		name string
		w    []float64
		want int
	}{{"w_in", n.WIn, s.Hidden * s.In}, {"w_rec", n.WRec, s.Hidden * s.Hidden}, {"w_out", n.WOut, s.Out * s.Hidden}} {
		if len(m.w) != m.want {
			return fmt.Errorf("rsnn: %s has %d weights, want %d", m.name, len(m.w), m.want)
		}
	}
	return nil
}

// params returns the weight slices in a fixed order (Adam's state follows it).
func (n *Net) params() [][]float64 { return [][]float64{n.WIn, n.WRec, n.WOut} }

// aHidden and aOut are dt/τ as neuron.FloatState computes them, so the
// trainer's arithmetic is the reference's.
func (s Shape) aHidden() float64 { return s.DT / s.TauHidden }
func (s Shape) aOut() float64    { return s.DT / s.TauOut }

// Seqs are sequences: N samples of T steps of In values, sample-major
// (X[(s*T+t)*In+c]), with class labels.
type Seqs struct {
	N, T, In int
	X        []float64
	Labels   []int
}

// Slice returns samples lo..hi-1 sharing storage.
func (q *Seqs) Slice(lo, hi int) *Seqs {
	per := q.T * q.In
	return &Seqs{N: hi - lo, T: q.T, In: q.In, X: q.X[lo*per : hi*per], Labels: q.Labels[lo:hi]}
}

// Rows turns images (N×rows×cols pixels, 0..255, row-major) with labels
// into sequences of rows: step t is image row t, each pixel/255.
func Rows(pixels []uint8, labels []uint8, n, rows, cols int) (*Seqs, error) {
	if n < 0 || rows < 1 || cols < 1 || len(pixels) != n*rows*cols || len(labels) != n {
		return nil, fmt.Errorf("rsnn: %d images of %dx%d need %d pixels and %d labels, got %d and %d", n, rows, cols, n*rows*cols, n, len(pixels), len(labels))
	}
	q := &Seqs{N: n, T: rows, In: cols, X: make([]float64, len(pixels)), Labels: make([]int, n)}
	for i, p := range pixels {
		q.X[i] = float64(p) / 255
	}
	for i, l := range labels {
		q.Labels[i] = int(l)
	}
	return q, nil
}
