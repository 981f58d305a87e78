package snnref

import (
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
)

// FromNIR converts a graph read by nir.Read into a Graph that Sim runs.
// Nested NIRGraphs are inlined first (nir.Graph.Inline), Delay values are
// converted to steps of dt (DelaySteps), and neuron parameters are passed
// as they are (nir fills a missing v_reset with 0 and w_in with 1). Conv1d
// becomes a Conv2d of height 1; "same" padding becomes the symmetric
// padding dilation·(kernel−1)/2 and is refused when that is odd (PyTorch
// pads asymmetrically then, which Conv2d here does not model). Errors name
// the node and field.
func FromNIR(g *nir.Graph, dt float64) (Graph, error) {
	flat, err := g.Inline()
	if err != nil {
		return Graph{}, fmt.Errorf("snnref: %w", err)
	}
	out := Graph{Nodes: make([]Node, 0, len(flat.Nodes))}
	for _, n := range flat.Nodes {
		node, err := nodeFromNIR(n, dt)
		if err != nil {
			return Graph{}, err
		}
		out.Nodes = append(out.Nodes, node)
	}
	for _, e := range flat.Edges {
		out.Edges = append(out.Edges, Edge{From: e.Src, To: e.Dst})
	}
	return out, nil
}

func nodeFromNIR(n *nir.Node, dt float64) (Node, error) {
	node := Node{Name: n.Name}
	bad := func(field, format string, args ...any) (Node, error) {
		return Node{}, fmt.Errorf("snnref: node %s (%s): field %s: %s", n.Name, n.Kind, field, fmt.Sprintf(format, args...))
	}
	switch p := n.Params.(type) {
	case *nir.IOParams:
		node.Kind, node.Size = Input, n.Out.Size()
		if n.Kind == nir.KindOutput {
			node.Kind, node.Size = Output, n.In.Size()
		}
	case *nir.AffineParams:
		node.Kind, node.Weight, node.Bias = Affine, p.Weight.Data, p.Bias.Data
		node.Out, node.In = n.Out.Size(), n.In.Size()
	case *nir.LinearParams:
		node.Kind, node.Weight = Affine, p.Weight.Data
		node.Out, node.In = n.Out.Size(), n.In.Size()
	case *nir.ScaleParams:
		node.Kind, node.ScaleFactor = Scale, broadcast(p.Scale.Data, n.In.Size())
	case *nir.FlattenParams:
		node.Kind, node.Size = Flatten, n.In.Size()
	case *nir.DelayParams:
		steps, err := DelaySteps(broadcast(p.Delay.Data, n.In.Size()), dt)
		if err != nil {
			return bad("delay", "%s", strings.TrimPrefix(err.Error(), "snnref: "))
		}
		node.Kind, node.DelaySteps = Delay, steps
	case *nir.ConvParams:
		c, err := convFromNIR(n, p)
		if err != nil {
			return bad("padding", "%v", err)
		}
		node.Kind, node.Conv = Conv2d, c
	case *nir.PoolParams:
		if len(n.In) != 3 || len(p.Kernel) != 2 || len(p.Stride) != 2 || len(p.Padding) != 2 {
			return bad("kernel_size", "want a C×H×W input and 2-D kernel, stride and padding, got input %v", n.In)
		}
		node.Kind = Pool2d
		node.Pool = &PoolParams{C: n.In[0], H: n.In[1], W: n.In[2], KH: p.Kernel[0], KW: p.Kernel[1],
			Stride: [2]int{p.Stride[0], p.Stride[1]}, Padding: [2]int{p.Padding[0], p.Padding[1]},
			Average: n.Kind == nir.KindAvgPool2d}
	default:
		fp, ok := floatParams(n.Params)
		if !ok {
			return bad("type", "not supported by the float reference")
		}
		node.Kind, node.Size, node.Neuron = Neuron, n.Out.Size(), fp
	}
	return node, nil
}

// floatParams maps a NIR neuron node's parameters field by field.
func floatParams(p nir.Params) (neuron.FloatParams, bool) {
	switch p := p.(type) {
	case *nir.LIFParams:
		return neuron.FloatParams{Kind: neuron.FloatLIF, Tau: p.Tau.Data, R: p.R.Data, VLeak: p.VLeak.Data,
			VThreshold: p.VThreshold.Data, VReset: p.VReset.Data}, true
	case *nir.CubaLIFParams:
		return neuron.FloatParams{Kind: neuron.FloatCubaLIF, TauSyn: p.TauSyn.Data, TauMem: p.TauMem.Data, R: p.R.Data,
			VLeak: p.VLeak.Data, VThreshold: p.VThreshold.Data, VReset: p.VReset.Data, WIn: p.WIn.Data}, true
	case *nir.CubaLIParams:
		return neuron.FloatParams{Kind: neuron.FloatCubaLI, TauSyn: p.TauSyn.Data, TauMem: p.TauMem.Data, R: p.R.Data,
			VLeak: p.VLeak.Data, WIn: p.WIn.Data}, true
	case *nir.LIParams:
		return neuron.FloatParams{Kind: neuron.FloatLI, Tau: p.Tau.Data, R: p.R.Data, VLeak: p.VLeak.Data}, true
	case *nir.IFParams:
		return neuron.FloatParams{Kind: neuron.FloatIF, R: p.R.Data, VThreshold: p.VThreshold.Data, VReset: p.VReset.Data}, true
	case *nir.IParams:
		return neuron.FloatParams{Kind: neuron.FloatI, R: p.R.Data}, true
	case *nir.ThresholdParams:
		return neuron.FloatParams{Kind: neuron.FloatThreshold, VThreshold: p.Threshold.Data}, true
	}
	return neuron.FloatParams{}, false
}

// convFromNIR builds the Conv2d of a Conv1d or Conv2d node.
func convFromNIR(n *nir.Node, p *nir.ConvParams) (*ConvParams, error) {
	w := p.Weight.Shape
	if len(n.In) != p.Dims+1 || len(w) != p.Dims+2 {
		return nil, fmt.Errorf("input %v and weight %v do not fit a %d-D convolution", n.In, w, p.Dims)
	}
	pad := make([]int, p.Dims)
	for d := range p.Dims {
		switch p.PadMode {
		case nir.PadExplicit:
			pad[d] = p.Padding[d]
		case nir.PadSame:
			total := p.Dilation[d] * (w[2+d] - 1)
			if total%2 != 0 {
				return nil, fmt.Errorf(`"same" padding needs %d zeros in dimension %d, which PyTorch splits unevenly; not supported`, total, d)
			}
			pad[d] = total / 2
		}
	}
	c := &ConvParams{InC: n.In[0], OutC: w[0], Groups: p.Groups, Weight: p.Weight.Data}
	if len(p.Bias.Data) > 0 {
		c.Bias = broadcast(p.Bias.Data, w[0])
	}
	if p.Dims == 1 {
		c.H, c.W, c.KH, c.KW = 1, n.In[1], 1, w[2]
		c.Stride, c.Padding, c.Dilate = [2]int{1, p.Stride[0]}, [2]int{0, pad[0]}, [2]int{1, p.Dilation[0]}
	} else {
		c.H, c.W, c.KH, c.KW = n.In[1], n.In[2], w[2], w[3]
		c.Stride, c.Padding, c.Dilate = [2]int{p.Stride[0], p.Stride[1]}, [2]int{pad[0], pad[1]}, [2]int{p.Dilation[0], p.Dilation[1]}
	}
	return c, nil
}

// broadcast returns xs, or n copies of its single value.
func broadcast(xs []float64, n int) []float64 {
	if len(xs) != 1 || n == 1 {
		return xs
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = xs[0]
	}
	return out
}

// NeuronParams returns the float parameters of a NIR neuron or Threshold
// node, field by field as FromNIR maps them, and false for other kinds.
// Importers that map the same node to the chip (nirconv.Lower) use it so
// that the float and chip numerics start from identical parameters.
func NeuronParams(p nir.Params) (neuron.FloatParams, bool) { return floatParams(p) }
