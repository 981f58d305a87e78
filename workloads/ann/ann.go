package ann

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// Dense is a fully connected layer y = W x + B.
type Dense struct {
	Name string    // unique within the MLP, e.g. "fc1"; used for .npz keys
	In   int       // input features
	Out  int       // output features
	W    []float32 // Out x In, row-major: W[o*In+i] connects input i to output o (PyTorch layout)
	B    []float32 // Out biases
}

// MLP is a feed-forward stack of Dense layers with ReLU after every layer
// except the last, whose outputs are the raw logits.
type MLP struct {
	Name   string // free-form model name, e.g. "mnist-mlp"
	Layers []Dense
}

// blas is gonum's pure-Go BLAS; its float32 dot and axpy use SIMD assembly
// on amd64. The type has no fields, so blas{} costs nothing.
type blas = gonum.Implementation

// Validate checks that the MLP has at least one layer, that every layer has a
// unique non-empty name and positive sizes, that W and B have Out*In and Out
// elements, that each layer's In equals the previous layer's Out, and that no
// weight or bias is NaN or infinite. It reports every problem it finds.
func (m *MLP) Validate() error {
	if len(m.Layers) == 0 {
		return errors.New("ann: MLP has no layers")
	}
	var errs []error
	seen := make(map[string]int, len(m.Layers))
	for l := range m.Layers {
		d := &m.Layers[l]
		where := fmt.Sprintf("layer %d (%q)", l, d.Name)
		if d.Name == "" {
			errs = append(errs, fmt.Errorf("ann: layer %d has an empty name", l))
		} else if prev, dup := seen[d.Name]; dup {
			errs = append(errs, fmt.Errorf("ann: %s has the same name as layer %d", where, prev))
		} else {
			seen[d.Name] = l
		}
		if d.In < 1 || d.Out < 1 {
			errs = append(errs, fmt.Errorf("ann: %s has In=%d Out=%d, both must be >= 1", where, d.In, d.Out))
			continue
		}
		if len(d.W) != d.Out*d.In {
			errs = append(errs, fmt.Errorf("ann: %s weight has %d elements, expected Out*In = %d*%d = %d", where, len(d.W), d.Out, d.In, d.Out*d.In))
		}
		if len(d.B) != d.Out {
			errs = append(errs, fmt.Errorf("ann: %s bias has %d elements, expected Out = %d", where, len(d.B), d.Out))
		}
		if l > 0 && d.In != m.Layers[l-1].Out {
			errs = append(errs, fmt.Errorf("ann: %s has In=%d but layer %d (%q) has Out=%d", where, d.In, l-1, m.Layers[l-1].Name, m.Layers[l-1].Out))
		}
		if i := firstNonFinite(d.W); i >= 0 {
			errs = append(errs, fmt.Errorf("ann: %s weight[%d][%d] is %v", where, i/d.In, i%d.In, d.W[i]))
		}
		if i := firstNonFinite(d.B); i >= 0 {
			errs = append(errs, fmt.Errorf("ann: %s bias[%d] is %v", where, i, d.B[i]))
		}
	}
	return errors.Join(errs...)
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or -1.
func firstNonFinite(x []float32) int {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}

// Inputs returns the input width of the first layer (0 for an empty MLP).
func (m *MLP) Inputs() int {
	if len(m.Layers) == 0 {
		return 0
	}
	return m.Layers[0].In
}

// Outputs returns the output width of the last layer (0 for an empty MLP).
func (m *MLP) Outputs() int {
	if len(m.Layers) == 0 {
		return 0
	}
	return m.Layers[len(m.Layers)-1].Out
}

// NewActs returns activation buffers sized for Forward: acts[l] has
// Layers[l].Out elements.
func (m *MLP) NewActs() [][]float32 {
	acts := make([][]float32, len(m.Layers))
	for l := range m.Layers {
		acts[l] = make([]float32, m.Layers[l].Out)
	}
	return acts
}

// Forward runs input x (length Inputs()) through the network, writing layer
// l's outputs into acts[l]: post-ReLU for hidden layers, raw logits for the
// last. It returns the index of the largest logit (the lowest index on a
// tie). It does not allocate. It panics if len(x) or the acts buffers do not
// match the layer sizes (use NewActs); m is assumed valid (Validate).
//
// Each output is a float32 dot product computed by gonum's Sdot, so results
// are bit-identical from run to run on one platform.
func (m *MLP) Forward(x []float32, acts [][]float32) int {
	in := x
	last := len(m.Layers) - 1
	for l := range m.Layers {
		d := &m.Layers[l]
		if len(in) != d.In || len(acts[l]) != d.Out {
			panic(fmt.Sprintf("ann: Forward: layer %d (%q) expects %d inputs and %d outputs, got buffers of %d and %d",
				l, d.Name, d.In, d.Out, len(in), len(acts[l])))
		}
		out := acts[l]
		for o := range out {
			z := blas{}.Sdot(d.In, d.W[o*d.In:(o+1)*d.In], 1, in, 1) + d.B[o]
			if l < last && z < 0 {
				z = 0
			}
			out[o] = z
		}
		in = out
	}
	return argmax(in)
}

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

// Accuracy returns the fraction of s whose label equals Forward's argmax.
// Samples are split into `workers` contiguous chunks (0 means GOMAXPROCS),
// each chunk counts its correct predictions, and the counts are summed, so
// the result does not depend on workers. It returns 0 for an empty set and
// NaN if the image size differs from Inputs().
func (m *MLP) Accuracy(s *mnist.Set, workers int) float64 {
	if s.N == 0 {
		return 0
	}
	if s.Pixels() != m.Inputs() {
		return math.NaN()
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	correct := make([]int, workers)
	ForEachChunk(s.N, workers, func(w, lo, hi int) {
		acts := m.NewActs()
		x := make([]float32, s.Pixels())
		for i := lo; i < hi; i++ {
			x = s.Float(i, x)
			if m.Forward(x, acts) == int(s.Labels[i]) {
				correct[w]++
			}
		}
	})
	total := 0
	for _, c := range correct {
		total += c
	}
	return float64(total) / float64(s.N)
}

// MACs returns the multiply-accumulate operations of one forward pass,
// sum over layers of In*Out. Bias additions are not included; NeuroBench's
// ANN MAC count adds one per output neuron for the bias, which is
// MACs()+BiasAdds().
func (m *MLP) MACs() uint64 {
	var n uint64
	for _, d := range m.Layers {
		n += uint64(d.In) * uint64(d.Out)
	}
	return n
}

// BiasAdds returns the bias additions of one forward pass, sum of Out.
func (m *MLP) BiasAdds() uint64 {
	var n uint64
	for _, d := range m.Layers {
		n += uint64(d.Out)
	}
	return n
}

// Params returns the number of weights plus biases.
func (m *MLP) Params() int {
	n := 0
	for _, d := range m.Layers {
		n += len(d.W) + len(d.B)
	}
	return n
}

// ForEachChunk splits [0, n) into at most `workers` contiguous chunks of
// equal size (the last may be shorter) and calls f(chunkIndex, lo, hi) for
// each, concurrently when there is more than one chunk. It returns when all
// calls have returned. Chunk boundaries depend only on n and workers.
func ForEachChunk(n, workers int, f func(w, lo, hi int)) {
	workers = max(1, min(workers, n))
	if workers == 1 {
		f(0, 0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	done := make(chan struct{}, workers)
	started := 0
	for w, lo := 0, 0; lo < n; w, lo = w+1, lo+chunk {
		hi := min(lo+chunk, n)
		started++
		go func() {
			defer func() { done <- struct{}{} }()
			f(w, lo, hi)
		}()
	}
	for range started {
		<-done
	}
}
