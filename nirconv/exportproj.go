package nirconv

import (
	"fmt"
	"math"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nir"
)

// projection writes projection i (index in net.Edges()) as
// source [→ Delay] [→ Flatten] → weight node → target, with the target's
// bias on the weight node when bias is set.
func (e *exporter) projection(p *chip.Projection, i int, bias bool) error {
	net := e.net
	label := p.Label(net)
	if p.Port != 0 {
		return fmt.Errorf("projection %s: port %d has no NIR form (NIR nodes have one input)", label, p.Port)
	}
	// A chain projection's label is its layer's name, taken by the
	// population: it becomes "<label>.w".
	fallback := label + ".w"
	if !expValidName(label) {
		fallback = fmt.Sprintf("proj%d", i)
	}
	name := e.name(label, fallback)
	srcShape := e.popShapeOf(p.From)
	from := e.sourceNode(p.From)
	if p.Delay > 0 {
		d := e.name(name+".delay", name+".delay")
		e.add(&nir.Node{Name: d, Kind: nir.KindDelay, Params: &nir.DelayParams{
			Delay: expTensor(srcShape, expConst(srcShape.Size(), float64(p.Delay)*e.dt))}})
		e.edge(from, d)
		from = d
	}
	to := &net.Layers[p.To]
	toShape := e.popShape[p.To]
	if p.Kind != chip.ProjConv && len(srcShape) > 1 && !(p.Kind == chip.ProjOneToOne && srcShape.Equal(toShape)) {
		f := e.name(name+".flatten", name+".flatten")
		e.add(&nir.Node{Name: f, Kind: nir.KindFlatten, Params: &nir.FlattenParams{StartDim: 0, EndDim: -1, InputType: srcShape}})
		e.edge(from, f)
		from = f
	}
	scale := math.Ldexp(1, p.WeightExp)
	in, out := net.SourceSize(p.From), to.Size
	node := &nir.Node{Name: name}
	switch p.Kind {
	case chip.ProjDense, chip.ProjSparse:
		if int64(in)*int64(out) > exportMaxDense {
			return fmt.Errorf("projection %s: %d x %d weights exceed the %d a dense NIR matrix may have here (NIR has no sparse node)", label, out, in, exportMaxDense)
		}
		w := make([]float64, in*out) // NIR (out, in) row-major
		if p.Kind == chip.ProjDense {
			for a := 0; a < in; a++ {
				for j := 0; j < out; j++ {
					w[j*in+a] = float64(p.Weights[a*out+j]) * scale
				}
			}
		} else {
			for _, s := range p.Synapses {
				w[int(s.Post)*in+int(s.Pre)] += float64(s.Weight) * scale
			}
		}
		wt := expTensor(nir.Shape{out, in}, w)
		if bias {
			node.Kind, node.Params = nir.KindAffine, &nir.AffineParams{Weight: wt, Bias: expTensor(nir.Shape{out}, expBias(to))}
		} else {
			node.Kind, node.Params = nir.KindLinear, &nir.LinearParams{Weight: wt}
		}
	case chip.ProjOneToOne:
		s := make([]float64, out)
		for j := range s {
			s[j] = float64(p.Weights[j]) * scale
		}
		node.Kind, node.Params = nir.KindScale, &nir.ScaleParams{Scale: expTensor(toShape, s)}
	case chip.ProjConv:
		cp, err := expConvParams(p.Conv, scale, bias, to)
		if err != nil {
			return fmt.Errorf("projection %s: %v", label, err)
		}
		node.Kind, node.Params = nir.KindConv2d, cp
	default:
		return fmt.Errorf("projection %s: kind %s has no NIR export", label, p.Kind)
	}
	e.add(node)
	e.edge(from, name)
	e.edge(name, e.pops[p.To].in)
	return nil
}

// popShapeOf is the NIR shape of a projection source.
func (e *exporter) popShapeOf(s chip.Source) nir.Shape {
	if s.Kind == chip.FromInput {
		return e.inShape[s.Index]
	}
	return e.popShape[s.Index]
}

// sourceNode is the node a source's spikes leave from.
func (e *exporter) sourceNode(s chip.Source) string {
	if s.Kind == chip.FromInput {
		return e.groups[s.Index]
	}
	return e.pops[s.Index].out
}

func expBias(ly *chip.Layer) []float64 {
	b := make([]float64, ly.Size)
	for i := range b {
		if ly.Bias != nil {
			b[i] = float64(ly.Bias[i])
		}
	}
	return b
}

// expConvParams writes a chip convolution as NIR Conv2d parameters. NIR (as
// PyTorch) pads symmetrically, or "same" with stride 1, where PyTorch puts
// the odd padding element at the end (total/2 before, the rest after).
func expConvParams(c *chip.Conv, scale float64, bias bool, to *chip.Layer) (*nir.ConvParams, error) {
	cp := &nir.ConvParams{Dims: 2, Groups: c.Groups,
		Stride: []int{c.StrideH, c.StrideW}, Dilation: []int{c.DilH, c.DilW},
		InputShape: nir.Shape{c.InH, c.InW}}
	switch {
	case c.PadH == c.PadHEnd && c.PadW == c.PadWEnd:
		cp.PadMode, cp.Padding = nir.PadExplicit, []int{c.PadH, c.PadW}
	case c.StrideH == 1 && c.StrideW == 1 && expSamePad(c.PadH, c.PadHEnd, c.DilH, c.KH) && expSamePad(c.PadW, c.PadWEnd, c.DilW, c.KW):
		cp.PadMode, cp.Padding = nir.PadSame, []int{0, 0}
	default:
		return nil, fmt.Errorf("asymmetric padding %d/%d x %d/%d has no NIR form (symmetric, or \"same\" with stride 1)", c.PadH, c.PadHEnd, c.PadW, c.PadWEnd)
	}
	k := make([]float64, len(c.Kernel))
	for i, w := range c.Kernel {
		k[i] = float64(w) * scale
	}
	cp.Weight = expTensor(nir.Shape{c.OutC, c.InC / c.Groups, c.KH, c.KW}, k)
	b := make([]float64, c.OutC)
	if bias {
		per := c.OutH * c.OutW
		for ch := range b {
			b[ch] = float64(to.Bias[ch*per])
		}
	}
	cp.Bias = expTensor(nir.Shape{c.OutC}, b)
	return cp, nil
}

// expSamePad reports whether before/after is PyTorch's "same" padding for a
// kernel of k taps with dilation d.
func expSamePad(before, after, d, k int) bool {
	total := d * (k - 1)
	return before == total/2 && after == total-total/2
}
