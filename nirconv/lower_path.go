package nirconv

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/snnref"
)

// A path is a source, a chain of connectivity nodes and a target neuron
// node. project turns it into chip projections:
//
//   - no weighted node (only Flatten and Delay): one-to-one, weight 1;
//   - one weighted node and uniform delays: the node's own kind (Affine
//     and Linear dense, Scale one-to-one, Conv1d/Conv2d a chip.Conv,
//     SumPool2d/AvgPool2d a depthwise chip.Conv with a constant kernel);
//   - anything else (two or more weighted nodes in a row, a Delay whose
//     elements differ): the chain's composite linear map, computed exactly
//     in float64 by pushing each source element through the chain, as
//     sparse projections, one per distinct total delay. No relay
//     population is ever inserted, so the chip's timing equals the
//     graph's (docs/nir.md, "Lowering").
//
// Flatten is the identity on element indices (NIR and the chip both use
// channel-major order). Weights are then float weight × the target
// neuron's InputGain (× InputScale for a graded input group), quantized
// per projection by neuron.QuantizeWeights.
func (lw *lowerer) project(src string, from chip.Source, chain []*nir.Node, dst *nir.Node) error {
	l := lw.pop[dst.Name]
	srcSize := lw.net.SourceSize(from)
	size := srcSize
	for _, c := range chain {
		if c.In.Size() != size {
			return fmt.Errorf("nirconv: node %s (%s): field shape: input %s has %d elements, its source has %d", c.Name, c.Kind, c.In, c.In.Size(), size)
		}
		size = c.Out.Size()
	}
	if size != lw.net.Layers[l].Size {
		return fmt.Errorf("nirconv: node %s (%s): field shape: %d neurons, its input from %s has %d elements", dst.Name, dst.Kind, lw.net.Layers[l].Size, src, size)
	}
	delay, uniform, err := lw.uniformDelay(chain)
	if err != nil {
		return err
	}
	inScale := 1.0
	if from.Kind == chip.FromInput && from.Index < len(lw.opt.InputScale) && lw.opt.InputScale[from.Index] > 0 {
		inScale = lw.opt.InputScale[from.Index]
	}
	path := []string{src}
	for _, c := range chain {
		path = append(path, c.Name)
	}
	path = append(path, dst.Name)
	var ws []*nir.Node
	for _, c := range chain {
		if isWeighted(c.Kind) {
			ws = append(ws, c)
		}
	}
	gain := lw.quant[l].InputGain
	add := func(p chip.Projection) {
		p.From, p.To, p.Name = from, l, fmt.Sprintf("%s->%s", src, dst.Name)
		if len(chain) > 0 {
			p.Name = fmt.Sprintf("%s->%s->%s", src, names(chain), dst.Name)
		}
		lw.net.Projections = append(lw.net.Projections, p)
		lw.out.Paths = append(lw.out.Paths, path)
	}
	if uniform && len(ws) <= 1 {
		var w *nir.Node
		if len(ws) == 1 {
			w = ws[0]
		}
		p, bias, ok, err := lw.native(w, gain, inScale, dst)
		if err != nil {
			return err
		}
		if ok {
			if delay > chip.MaxDelay {
				return fmt.Errorf("nirconv: path %s: field delay: %d timesteps in total, the chip's limit is %d", names(chain), delay, chip.MaxDelay)
			}
			p.Delay = delay
			add(p)
			lw.addBias(l, bias)
			return nil
		}
	}
	return lw.composite(chain, srcSize, gain, inScale, dst, add, l)
}

// uniformDelay returns the chain's total delay in steps and whether every
// Delay node's elements agree.
func (lw *lowerer) uniformDelay(chain []*nir.Node) (int, bool, error) {
	total, uniform := 0, true
	for _, c := range chain {
		p, ok := c.Params.(*nir.DelayParams)
		if !ok {
			continue
		}
		steps, err := snnref.DelaySteps(p.Delay.Data, lw.opt.DT)
		if err != nil {
			return 0, false, fmt.Errorf("nirconv: node %s (Delay): field delay: %v", c.Name, err)
		}
		for _, s := range steps {
			if s != steps[0] {
				uniform = false
			}
		}
		if len(steps) > 0 {
			total += steps[0]
		}
	}
	return total, uniform, nil
}

// native builds the projection of a path with at most one weighted node
// w (nil: identity) in the node's own chip kind. ok is false when the
// node's shared weights cannot be kept shared (a convolution into neurons
// whose input gains differ within a channel); the caller then composes.
// bias is the constant input per target neuron (nil: none).
func (lw *lowerer) native(w *nir.Node, gain []float64, inScale float64, dst *nir.Node) (p chip.Projection, bias []float64, ok bool, err error) {
	n := len(gain)
	quant := func(node string, vals []float64) (neuron.QuantizedWeights, error) {
		return lw.quantize(node, dst, vals)
	}
	if w == nil {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = gain[i] * inScale
		}
		qw, err := quant(dst.Name, vals)
		return chip.Projection{Kind: chip.ProjOneToOne, Weights: qw.Mant, WeightExp: qw.Exp}, nil, true, err
	}
	switch pr := w.Params.(type) {
	case *nir.AffineParams, *nir.LinearParams:
		var wt, b []float64
		if a, isAff := pr.(*nir.AffineParams); isAff {
			wt, b = a.Weight.Data, a.Bias.Data
		} else {
			wt = pr.(*nir.LinearParams).Weight.Data
		}
		in := w.In.Size()
		if len(wt) != n*in {
			return p, nil, false, fmt.Errorf("nirconv: node %s (%s): field weight: %d values for %d×%d", w.Name, w.Kind, len(wt), n, in)
		}
		vals := make([]float64, n*in) // chip layout: Weights[pre*Out+post]
		for post := range n {
			for pre := range in {
				vals[pre*n+post] = wt[post*in+pre] * gain[post] * inScale
			}
		}
		qw, err := quant(w.Name, vals)
		return chip.Projection{Kind: chip.ProjDense, Weights: qw.Mant, WeightExp: qw.Exp}, biasVector(b, n), true, err
	case *nir.ScaleParams:
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = at(pr.Scale.Data, i) * gain[i] * inScale
		}
		qw, err := quant(w.Name, vals)
		return chip.Projection{Kind: chip.ProjOneToOne, Weights: qw.Mant, WeightExp: qw.Exp}, nil, true, err
	case *nir.ConvParams, *nir.PoolParams:
		g, err := newGeom(w)
		if err != nil {
			return p, nil, false, err
		}
		per := g.outH * g.outW
		for i := range n {
			if gain[i] != gain[(i/per)*per] {
				return p, nil, false, nil // gains differ within a channel: no shared kernel
			}
		}
		vals := make([]float64, len(g.kernel))
		kper := len(g.kernel) / g.outC
		for i := range vals {
			vals[i] = g.kernel[i] * gain[(i/kper)*per] * inScale
		}
		qw, err := quant(w.Name, vals)
		if err != nil {
			return p, nil, false, err
		}
		c := g.chipConv(qw.Mant)
		var bias []float64
		if g.bias != nil {
			bias = make([]float64, n)
			for i := range bias {
				bias[i] = g.bias[i/per]
			}
		}
		return chip.Projection{Kind: chip.ProjConv, Conv: c, WeightExp: qw.Exp}, bias, true, nil
	}
	return p, nil, false, nil
}

// biasVector returns b broadcast to n values, nil when b is empty or zero.
func biasVector(b []float64, n int) []float64 {
	nonzero := false
	for _, x := range b {
		nonzero = nonzero || x != 0
	}
	if !nonzero {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = at(b, i)
	}
	return out
}

// addBias adds a constant input to population l (applied by biases).
func (lw *lowerer) addBias(l int, b []float64) {
	if b == nil {
		return
	}
	if lw.bias[l] == nil {
		lw.bias[l] = make([]float64, len(b))
	}
	for i, x := range b {
		lw.bias[l][i] += x
	}
}

// composite builds sparse projections from the chain's composite linear
// map: each source element j is pushed through the nodes in order as a
// sparse vector per accumulated delay; the summation order is fixed
// (ascending element index), so the result is deterministic. Biases are
// pushed through the rest of the chain the same way.
func (lw *lowerer) composite(chain []*nir.Node, srcSize int, gain []float64, inScale float64, dst *nir.Node, add func(chip.Projection), l int) error {
	ops := make([]op, len(chain))
	for i, c := range chain {
		o, err := lw.newOp(c)
		if err != nil {
			return err
		}
		ops[i] = o
	}
	type syn struct {
		pre, post int
		w         float64
	}
	byDelay := map[int][]syn{}
	for j := range srcSize {
		vs := []dvec{{0, svec{idx: []int{j}, val: []float64{1}}}}
		for _, o := range ops {
			vs = o.apply(vs)
		}
		for _, v := range vs {
			for k, i := range v.v.idx {
				if v.v.val[k] != 0 {
					byDelay[v.d] = append(byDelay[v.d], syn{j, i, v.v.val[k] * gain[i] * inScale})
				}
			}
		}
	}
	// Constant inputs: a bias entering at node k passes through nodes k+1...
	var bias []float64
	for k, o := range ops {
		b := o.bias()
		if b == nil {
			continue
		}
		v := svec{}
		for i, x := range b {
			if x != 0 {
				v.idx, v.val = append(v.idx, i), append(v.val, x)
			}
		}
		vs := []dvec{{0, v}}
		for _, o2 := range ops[k+1:] {
			vs = o2.apply(vs)
		}
		if bias == nil {
			bias = make([]float64, len(gain))
		}
		for _, dv := range vs {
			for kk, i := range dv.v.idx {
				bias[i] += dv.v.val[kk]
			}
		}
	}
	lw.addBias(l, bias)
	delays := make([]int, 0, len(byDelay))
	for d := range byDelay {
		delays = append(delays, d)
	}
	slices.Sort(delays)
	for _, d := range delays {
		if d > chip.MaxDelay {
			return fmt.Errorf("nirconv: path %s: field delay: %d timesteps in total, the chip's limit is %d", names(chain), d, chip.MaxDelay)
		}
		ss := byDelay[d]
		vals := make([]float64, len(ss))
		for i, s := range ss {
			vals[i] = s.w
		}
		qw, err := lw.quantize("path "+names(chain), dst, vals)
		if err != nil {
			return err
		}
		p := chip.Projection{Kind: chip.ProjSparse, Delay: d, WeightExp: qw.Exp}
		for i, s := range ss {
			if qw.Mant[i] != 0 {
				p.Synapses = append(p.Synapses, chip.Synapse{Pre: int32(s.pre), Post: int32(s.post), Weight: qw.Mant[i]})
			}
		}
		add(p)
	}
	return nil
}

// isWeighted reports whether a connectivity node multiplies its input
// (everything but Flatten and Delay).
func isWeighted(k nir.Kind) bool {
	switch k {
	case nir.KindAffine, nir.KindLinear, nir.KindScale, nir.KindConv1d, nir.KindConv2d, nir.KindSumPool2d, nir.KindAvgPool2d:
		return true
	}
	return false
}

// isKnownConnectivity reports whether Lower maps nodes of kind k into
// projections.
func isKnownConnectivity(k nir.Kind) bool {
	return isWeighted(k) || k == nir.KindFlatten || k == nir.KindDelay
}

// weighted reports whether the chain has a weighted node or a Delay.
func weighted(chain []*nir.Node) bool {
	for _, c := range chain {
		if c.Kind != nir.KindFlatten {
			return true
		}
	}
	return false
}

// finite reports whether every value is finite.
func finite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// errShrink marks a projection whose target's scale must shrink; Lower
// lowers the graph again, so the projection is not needed in this pass.
var errShrink = errors.New("nirconv: scale shrinks")

// quantize quantizes one projection's weights (state units) for target
// dst. When the largest weight needs an exponent above chip.MaxWeightExp,
// it records in lw.shrink how many halvings of dst's scale bring it into
// range and returns errShrink.
func (lw *lowerer) quantize(what string, dst *nir.Node, vals []float64) (neuron.QuantizedWeights, error) {
	qmax := float64(int(1)<<(lw.opt.WeightBits-1) - 1)
	limit := qmax * math.Exp2(chip.MaxWeightExp)
	m := 0.0
	for i, x := range vals {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return neuron.QuantizedWeights{}, fmt.Errorf("nirconv: %s: field weight: element %d into %s is %v, want a finite number", what, i, dst.Name, x)
		}
		m = max(m, math.Abs(x))
	}
	if m > limit {
		k := int(math.Ceil(math.Log2(m / limit)))
		lw.shrink[dst.Name] = max(lw.shrink[dst.Name], k)
		return neuron.QuantizedWeights{}, errShrink
	}
	qw, err := neuron.QuantizeWeights(vals, lw.opt.WeightBits)
	if err == nil && qw.Exp > chip.MaxWeightExp {
		// m <= limit can still round up past qmax at MaxWeightExp.
		lw.shrink[dst.Name] = max(lw.shrink[dst.Name], 1)
		return qw, errShrink
	}
	if err != nil {
		return qw, fmt.Errorf("nirconv: %s: field weight: into %s: %v", what, dst.Name, err)
	}
	return qw, nil
}
