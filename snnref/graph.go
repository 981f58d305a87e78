package snnref

import (
	"fmt"
	"math"

	"github.com/spikemesh/spikemesh/neuron"
)

// Kind is the operation of a Node.
type Kind uint8

const (
	Input   Kind = iota // graph input: Size values per step, given to Sim.Step
	Output              // graph output: copies its single input (Size values)
	Affine              // y = W·x + b (Linear when Bias is nil); W is Out×In, row-major
	Scale               // y = s ⊙ x (ScaleFactor per element)
	Flatten             // y = x (data are already flat, C-order)
	Delay               // y(t) = x(t − DelaySteps[i]) per element
	Neuron              // a NIR neuron node (neuron.FloatState); y = spikes (0/1) or, for non-firing kinds, v
	Conv2d              // 2-D convolution (Conv), PyTorch semantics
	Pool2d              // sum or average pooling (Pool), PyTorch semantics
	numKinds
)

var kindNames = [numKinds]string{"Input", "Output", "Affine", "Scale", "Flatten", "Delay", "Neuron", "Conv2d", "Pool2d"}

// String returns the kind's name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ConvParams describe a Conv2d node: input InC×H×W, weight
// OutC×(InC/Groups)×KH×KW (row-major), per-side padding, stride and
// dilation per spatial dimension (height, width).
type ConvParams struct {
	InC, H, W, OutC, KH, KW int
	Stride, Padding, Dilate [2]int
	Groups                  int
	Weight, Bias            []float64 // Bias nil = no bias
}

// OutHW returns the output height and width (PyTorch's formula).
func (c *ConvParams) OutHW() (int, int) {
	oh := (c.H+2*c.Padding[0]-c.Dilate[0]*(c.KH-1)-1)/c.Stride[0] + 1
	ow := (c.W+2*c.Padding[1]-c.Dilate[1]*(c.KW-1)-1)/c.Stride[1] + 1
	return oh, ow
}

// PoolParams describe a Pool2d node over C×H×W with a KH×KW window.
// Average divides by KH·KW, zero padding included (PyTorch's default
// count_include_pad=True, which NIR's AvgPool2d follows).
type PoolParams struct {
	C, H, W, KH, KW int
	Stride, Padding [2]int
	Average         bool
}

// OutHW returns the output height and width.
func (p *PoolParams) OutHW() (int, int) {
	return (p.H+2*p.Padding[0]-p.KH)/p.Stride[0] + 1, (p.W+2*p.Padding[1]-p.KW)/p.Stride[1] + 1
}

// Node is one vertex of a Graph. Which fields apply depends on Kind.
type Node struct {
	Name        string
	Kind        Kind
	Size        int                // Input, Output, Flatten, Scale, Delay, Neuron: element count
	In, Out     int                // Affine
	Weight      []float64          // Affine: Out×In, row-major
	Bias        []float64          // Affine: Out values or nil
	ScaleFactor []float64          // Scale
	DelaySteps  []int              // Delay: per element, >= 0
	Neuron      neuron.FloatParams // Neuron
	Conv        *ConvParams        // Conv2d
	Pool        *PoolParams        // Pool2d
}

// Edge sends the output of node From into node To. A node with several
// incoming edges receives their element-wise sum.
type Edge struct{ From, To string }

// Graph is a NIR-like network: nodes and directed edges. Cycles are
// allowed (see Sim for the timing of a recurrent edge).
type Graph struct {
	Nodes []Node
	Edges []Edge
}

// sizes returns the input and output element counts of n.
func (n *Node) sizes() (in, out int, err error) {
	switch n.Kind {
	case Input:
		return 0, n.Size, nil
	case Output, Flatten, Neuron:
		return n.Size, n.Size, nil
	case Scale:
		return len(n.ScaleFactor), len(n.ScaleFactor), nil
	case Delay:
		return len(n.DelaySteps), len(n.DelaySteps), nil
	case Affine:
		return n.In, n.Out, nil
	case Conv2d:
		c := n.Conv
		if c == nil {
			return 0, 0, fmt.Errorf("snnref: node %s: Conv2d without Conv params", n.Name)
		}
		oh, ow := c.OutHW()
		return c.InC * c.H * c.W, c.OutC * oh * ow, nil
	case Pool2d:
		p := n.Pool
		if p == nil {
			return 0, 0, fmt.Errorf("snnref: node %s: Pool2d without Pool params", n.Name)
		}
		oh, ow := p.OutHW()
		return p.C * p.H * p.W, p.C * oh * ow, nil
	}
	return 0, 0, fmt.Errorf("snnref: node %s: undefined kind %s", n.Name, n.Kind)
}

// check validates one node's own parameters.
func (n *Node) check() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("snnref: node %s (%s): field %s: %s", n.Name, n.Kind, field, fmt.Sprintf(format, args...))
	}
	finite := func(field string, xs []float64) error {
		for i, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return bad(field, "element %d is %v", i, x)
			}
		}
		return nil
	}
	switch n.Kind {
	case Input, Output, Flatten, Neuron:
		if n.Size < 1 {
			return bad("size", "%d, want >= 1", n.Size)
		}
		if n.Kind == Neuron {
			if err := n.Neuron.Validate(n.Size); err != nil {
				return fmt.Errorf("snnref: node %s: %w", n.Name, err)
			}
		}
	case Affine:
		if n.In < 1 || n.Out < 1 || len(n.Weight) != n.In*n.Out {
			return bad("weight", "%d values for %d×%d", len(n.Weight), n.Out, n.In)
		}
		if n.Bias != nil && len(n.Bias) != n.Out {
			return bad("bias", "%d values, want %d", len(n.Bias), n.Out)
		}
		if err := finite("weight", n.Weight); err != nil {
			return err
		}
		return finite("bias", n.Bias)
	case Scale:
		if len(n.ScaleFactor) == 0 {
			return bad("scale", "empty")
		}
		return finite("scale", n.ScaleFactor)
	case Delay:
		if len(n.DelaySteps) == 0 {
			return bad("delay", "empty")
		}
		for i, d := range n.DelaySteps {
			if d < 0 || d > MaxDelaySteps {
				return bad("delay", "element %d is %d steps, want 0 .. %d", i, d, MaxDelaySteps)
			}
		}
	case Conv2d:
		c := n.Conv
		if c.Groups < 1 || c.InC%c.Groups != 0 || c.OutC%c.Groups != 0 {
			return bad("groups", "%d must divide in (%d) and out (%d) channels", c.Groups, c.InC, c.OutC)
		}
		for d := range 2 {
			if c.Stride[d] < 1 || c.Dilate[d] < 1 || c.Padding[d] < 0 {
				return bad("stride/dilation/padding", "stride %v dilation %v padding %v", c.Stride, c.Dilate, c.Padding)
			}
		}
		if oh, ow := c.OutHW(); oh < 1 || ow < 1 {
			return bad("weight", "kernel %d×%d larger than padded input %d×%d", c.KH, c.KW, c.H, c.W)
		}
		if want := c.OutC * (c.InC / c.Groups) * c.KH * c.KW; len(c.Weight) != want {
			return bad("weight", "%d values, want %d", len(c.Weight), want)
		}
		if c.Bias != nil && len(c.Bias) != c.OutC {
			return bad("bias", "%d values, want %d", len(c.Bias), c.OutC)
		}
		if err := finite("weight", c.Weight); err != nil {
			return err
		}
		return finite("bias", c.Bias)
	case Pool2d:
		p := n.Pool
		for d := range 2 {
			if p.Stride[d] < 1 || p.Padding[d] < 0 {
				return bad("stride/padding", "stride %v padding %v", p.Stride, p.Padding)
			}
		}
		if oh, ow := p.OutHW(); p.KH < 1 || p.KW < 1 || oh < 1 || ow < 1 {
			return bad("kernel_size", "%d×%d on %d×%d", p.KH, p.KW, p.H, p.W)
		}
	}
	return nil
}

// MaxDelaySteps bounds a Delay node's delay: the node keeps a ring of
// (max delay + 1) × size past inputs, so a corrupt delay must be refused
// before it is allocated. 65536 steps is 6.5 s at the default dt of 0.1 ms,
// far beyond the delays of the networks NIR's frameworks export.
const MaxDelaySteps = 1 << 16

// DelaySteps converts NIR Delay values (seconds, per element) to whole
// steps of dt, rounded to nearest with ties to even. It refuses a dt that is
// not finite and > 0, and NaN, ±Inf, negative or over-MaxDelaySteps delays,
// naming the element.
func DelaySteps(delay []float64, dt float64) ([]int, error) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("snnref: dt (%g s) must be finite and > 0", dt)
	}
	steps := make([]int, len(delay))
	for i, d := range delay {
		s := math.RoundToEven(d / dt)
		if math.IsNaN(d) || d < 0 || s > MaxDelaySteps {
			return nil, fmt.Errorf("snnref: delay[%d] is %g s (%g steps of %g s); want 0 .. %d steps", i, d, s, dt, MaxDelaySteps)
		}
		steps[i] = int(s)
	}
	return steps, nil
}
