package mackeyglass

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spikemesh/spikemesh/nir"
)

// The built-in regressor's recipe. Every value is a design choice of
// spikemesh, documented in docs/sequences.md ("The spiking regressor").
const (
	// Neurons is the reservoir size, of the spiking model and of the
	// tanh baseline alike.
	Neurons = 100
	// DT is the time step the graph is meant for, s: one series sample
	// per chip timestep of 1 ms.
	DT = 1e-3
	// ResDecay is dt/τ of the reservoir's LIF neurons: 1 (τ = dt), so
	// the membrane forgets each step (v = this step's input) and every
	// neuron is a threshold unit of its input: the population encodes
	// the present value like a thermometer code, and memory lives in the
	// recurrence. Slower membranes (1/2, 1/4) blurred the code and
	// predicted worse (docs/sequences.md). r = 1/ResDecay = 1. 1 is a
	// multiple of the chip's 1/4096 decay unit, so the chip's decay is
	// exact.
	ResDecay = 1
	// OutDecay is dt/τ of the LI readout: 1 (τ = dt), r = 1/OutDecay = 1,
	// so the readout's voltage is this step's weighted spikes plus the
	// bias. Chosen with RecScale on a validation split (below).
	OutDecay = 1
	// Seed draws the reservoir's weights (PCG, math/rand/v2).
	Seed = 1
	// InScale, BiasLo..BiasHi, RecDensity and RecScale shape the random
	// reservoir: input weight magnitudes uniform in InScale·[0.5, 1.5)
	// with a random sign, biases placing each neuron's threshold crossing
	// at an input uniform in [BiasLo, BiasHi] (the series' range after
	// its transient), each recurrent connection present with probability
	// RecDensity with a weight uniform in ±RecScale. OutDecay and
	// RecScale are the best of OutDecay ∈ {1/4, 1/2, 3/4, 1} × RecScale ∈
	// {0.05, 0.1, 0.15, 0.2} on a validation split of the training
	// steps (fit on steps 45..599, score 600..749; docs/sequences.md).
	InScale    = 0.6
	BiasLo     = 0.3
	BiasHi     = 1.35
	RecDensity = 0.1
	RecScale   = 0.05
	// Ridge is the ridge regression's λ (on the sum of squared errors).
	Ridge = 1e-3
	// Warmup is NeuroBench's warm-up: the first round(0.6 Lyapunov times
	// × 75) = 45 training points are not fitted (the reservoir's state
	// still depends on its reset), as neurobench's examples do
	// (warmup = 0.6 in Lyapunov times).
	Warmup = 45
)

// Model is the built-in regressor: a fixed random reservoir of LIF
// neurons driven by the series, and a trained linear readout into one LI
// neuron whose voltage is the prediction of the next value; and the tanh
// baseline's readout over the same reservoir weights.
type Model struct {
	WIn, Bias []float64 // per neuron: input weight and bias current
	WRec      []float64 // Neurons × Neurons, row = destination
	WOut      []float64 // spiking readout weights
	BOut      float64   // spiking readout bias
	// The baseline's readout over the tanh units' states, and its bias.
	TanhOut  []float64
	TanhBias float64
}

// Node names of the graph.
const (
	nodeInput   = "input"
	nodeIn      = "w_in"
	nodeRes     = "reservoir"
	nodeRec     = "w_rec"
	nodeReadout = "w_out"
	nodeOut     = "readout"
	nodeOutput  = "output"
)

// ReadoutNode is the name of the LI readout population in Graph.
const ReadoutNode = nodeOut

// Graph returns the model as a NIR graph: input (1) → Affine w_in (input
// weights, biases) → LIF reservoir (N) ⟲ Linear w_rec, reservoir → Affine
// w_out → LI readout (1) → output. Shapes are filled in, so the graph can
// be lowered (nirconv.Lower), run (snnref) or written (nir.Write) as it is.
func (m *Model) Graph() (*nir.Graph, error) {
	n := len(m.WIn)
	if n == 0 || len(m.Bias) != n || len(m.WRec) != n*n || len(m.WOut) != n {
		return nil, fmt.Errorf("mackeyglass: model arrays: %d input weights, %d biases, %d recurrent weights, %d readout weights; want N, N, N×N, N with N > 0",
			len(m.WIn), len(m.Bias), len(m.WRec), len(m.WOut))
	}
	t := func(shape nir.Shape, d []float64) nir.Tensor {
		return nir.Tensor{Shape: shape, Data: append([]float64(nil), d...), DType: nir.Float64}
	}
	fill := func(v float64) []float64 {
		d := make([]float64, n)
		for i := range d {
			d[i] = v
		}
		return d
	}
	N, one := nir.Shape{n}, nir.Shape{1}
	g := &nir.Graph{Version: nir.WriteVersion}
	g.Nodes = []*nir.Node{
		{Name: nodeInput, Kind: nir.KindInput, Params: &nir.IOParams{Shape: one}, In: one, Out: one},
		{Name: nodeIn, Kind: nir.KindAffine, Params: &nir.AffineParams{Weight: t(nir.Shape{n, 1}, m.WIn), Bias: t(N, m.Bias)}, In: one, Out: N},
		{Name: nodeRes, Kind: nir.KindLIF, Params: &nir.LIFParams{Tau: t(N, fill(DT/ResDecay)), R: t(N, fill(1/ResDecay)),
			VLeak: t(N, fill(0)), VThreshold: t(N, fill(1)), VReset: t(N, fill(0))}, In: N, Out: N},
		{Name: nodeRec, Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: t(nir.Shape{n, n}, m.WRec)}, In: N, Out: N},
		{Name: nodeReadout, Kind: nir.KindAffine, Params: &nir.AffineParams{Weight: t(nir.Shape{1, n}, m.WOut), Bias: t(one, []float64{m.BOut})}, In: N, Out: one},
		{Name: nodeOut, Kind: nir.KindLI, Params: &nir.LIParams{Tau: t(one, []float64{DT / OutDecay}), R: t(one, []float64{1 / OutDecay}), VLeak: t(one, []float64{0})}, In: one, Out: one},
		{Name: nodeOutput, Kind: nir.KindOutput, Params: &nir.IOParams{Shape: one}, In: one, Out: one},
	}
	slices.SortFunc(g.Nodes, func(a, b *nir.Node) int { return strings.Compare(a.Name, b.Name) }) // nir.Graph keeps nodes by name
	g.Edges = []nir.Edge{{Src: nodeInput, Dst: nodeIn}, {Src: nodeIn, Dst: nodeRes}, {Src: nodeRes, Dst: nodeRec}, {Src: nodeRec, Dst: nodeRes},
		{Src: nodeRes, Dst: nodeReadout}, {Src: nodeReadout, Dst: nodeOut}, {Src: nodeOut, Dst: nodeOutput}}
	return g, nil
}
