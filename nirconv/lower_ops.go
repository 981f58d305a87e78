package nirconv

import (
	"fmt"
	"slices"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/snnref"
)

// svec is a sparse vector: ascending indices and their values.
type svec struct {
	idx []int
	val []float64
}

// dvec is a sparse vector arriving with a delay of d timesteps.
type dvec struct {
	d int
	v svec
}

// op is one connectivity node as a linear map on sparse vectors (used to
// compose chains; see composite).
type op interface {
	apply(in []dvec) []dvec
	bias() []float64 // constant output added by the node, nil if none
}

// linOp is a weighted node given by its scatter: input element i reaches
// output o with weight w for every emit(o, w).
type linOp struct {
	out     int
	scatter func(i int, emit func(o int, w float64))
	b       []float64
	acc     []float64 // scratch, out long
	hit     []bool
	touched []int
}

func (o *linOp) bias() []float64 { return o.b }

func (o *linOp) apply(in []dvec) []dvec {
	if o.acc == nil {
		o.acc, o.hit = make([]float64, o.out), make([]bool, o.out)
	}
	res := make([]dvec, 0, len(in))
	for _, dv := range in {
		o.touched = o.touched[:0]
		for k, i := range dv.v.idx {
			x := dv.v.val[k]
			o.scatter(i, func(t int, w float64) {
				if !o.hit[t] {
					o.hit[t] = true
					o.touched = append(o.touched, t)
				}
				o.acc[t] += x * w
			})
		}
		slices.Sort(o.touched)
		v := svec{idx: make([]int, 0, len(o.touched)), val: make([]float64, 0, len(o.touched))}
		for _, t := range o.touched {
			v.idx, v.val = append(v.idx, t), append(v.val, o.acc[t])
			o.acc[t], o.hit[t] = 0, false
		}
		res = append(res, dvec{dv.d, v})
	}
	return res
}

// identityOp is Flatten: indices are kept (channel-major order).
type identityOp struct{}

func (identityOp) apply(in []dvec) []dvec { return in }
func (identityOp) bias() []float64        { return nil }

// delayOp is a Delay node: element i is held steps[i] timesteps.
type delayOp struct{ steps []int }

func (delayOp) bias() []float64 { return nil }

func (o delayOp) apply(in []dvec) []dvec {
	by := map[int]*svec{}
	for _, dv := range in {
		for k, i := range dv.v.idx {
			d := dv.d + o.steps[i]
			v := by[d]
			if v == nil {
				v = &svec{}
				by[d] = v
			}
			v.idx, v.val = append(v.idx, i), append(v.val, dv.v.val[k])
		}
	}
	ds := make([]int, 0, len(by))
	for d := range by {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	out := make([]dvec, 0, len(ds))
	for _, d := range ds {
		out = append(out, dvec{d, mergeSorted(*by[d])})
	}
	return out
}

// mergeSorted sorts v by index and adds values of repeated indices, in
// their order of arrival (stable sort), so the sum is deterministic.
func mergeSorted(v svec) svec {
	order := make([]int, len(v.idx))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return v.idx[a] - v.idx[b] })
	out := svec{}
	for _, k := range order {
		if n := len(out.idx); n > 0 && out.idx[n-1] == v.idx[k] {
			out.val[n-1] += v.val[k]
			continue
		}
		out.idx, out.val = append(out.idx, v.idx[k]), append(out.val, v.val[k])
	}
	return out
}

// newOp builds the op of one connectivity node.
func (lw *lowerer) newOp(n *nir.Node) (op, error) {
	in, out := n.In.Size(), n.Out.Size()
	switch p := n.Params.(type) {
	case *nir.FlattenParams:
		return identityOp{}, nil
	case *nir.DelayParams:
		steps, err := snnref.DelaySteps(p.Delay.Data, lw.opt.DT)
		if err != nil {
			return nil, fmt.Errorf("nirconv: node %s (Delay): field delay: %v", n.Name, err)
		}
		if len(steps) == 1 && in > 1 {
			steps = slices.Repeat(steps, in)
		}
		if len(steps) != in {
			return nil, fmt.Errorf("nirconv: node %s (Delay): field delay: %d values for %d elements", n.Name, len(steps), in)
		}
		return delayOp{steps}, nil
	case *nir.ScaleParams:
		s := p.Scale.Data
		return &linOp{out: out, scatter: func(i int, emit func(int, float64)) { emit(i, at(s, i)) }}, nil
	case *nir.AffineParams, *nir.LinearParams:
		var w, b []float64
		if a, ok := p.(*nir.AffineParams); ok {
			w, b = a.Weight.Data, a.Bias.Data
		} else {
			w = p.(*nir.LinearParams).Weight.Data
		}
		if len(w) != in*out {
			return nil, fmt.Errorf("nirconv: node %s (%s): field weight: %d values for %d×%d", n.Name, n.Kind, len(w), out, in)
		}
		return &linOp{out: out, b: biasVector(b, out), scatter: func(i int, emit func(int, float64)) {
			for o := range out {
				if x := w[o*in+i]; x != 0 {
					emit(o, x)
				}
			}
		}}, nil
	case *nir.ConvParams, *nir.PoolParams:
		g, err := newGeom(n)
		if err != nil {
			return nil, err
		}
		var b []float64
		if g.bias != nil {
			per := g.outH * g.outW
			b = make([]float64, out)
			for i := range b {
				b[i] = g.bias[i/per]
			}
		}
		return &linOp{out: out, b: b, scatter: g.scatter}, nil
	}
	return nil, fmt.Errorf("nirconv: node %s: type %s is not a connectivity node", n.Name, n.Kind)
}

// geom is a convolution or pooling node's geometry and float kernel
// (OutC × InC/Groups × KH × KW; pooling: depthwise, constant).
type geom struct {
	inC, inH, inW, outC, outH, outW int
	kh, kw, sh, sw, dh, dw, groups  int
	padT, padL, padB, padR          int
	kernel, bias                    []float64
}

// newGeom reads a Conv1d, Conv2d, SumPool2d or AvgPool2d node. Conv1d is
// a 2-D convolution of height 1. "same" padding puts total/2 zeros before
// and the rest after, as PyTorch does; "valid" is no padding. Average
// pooling's kernel is 1/(KH·KW) (zero padding counted, PyTorch's default
// count_include_pad=True); the chip then quantizes it with the target's
// gain like any weight.
func newGeom(n *nir.Node) (*geom, error) {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("nirconv: node %s (%s): field %s: %s", n.Name, n.Kind, field, fmt.Sprintf(format, args...))
	}
	g := &geom{}
	switch p := n.Params.(type) {
	case *nir.ConvParams:
		ws := p.Weight.Shape
		if len(n.In) != p.Dims+1 || len(ws) != p.Dims+2 || len(n.Out) != p.Dims+1 {
			return nil, bad("weight", "input %s, output %s and weight %s do not fit a %d-D convolution", n.In, n.Out, ws, p.Dims)
		}
		g.inC, g.outC, g.groups = n.In[0], ws[0], p.Groups
		pads := make([][2]int, p.Dims)
		for d := range p.Dims {
			switch p.PadMode {
			case nir.PadExplicit:
				pads[d] = [2]int{p.Padding[d], p.Padding[d]}
			case nir.PadSame:
				total := p.Dilation[d] * (ws[2+d] - 1)
				pads[d] = [2]int{total / 2, total - total/2}
			}
		}
		if p.Dims == 1 {
			g.inH, g.inW, g.outH, g.outW = 1, n.In[1], 1, n.Out[1]
			g.kh, g.kw, g.sh, g.sw, g.dh, g.dw = 1, ws[2], 1, p.Stride[0], 1, p.Dilation[0]
			g.padL, g.padR = pads[0][0], pads[0][1]
		} else {
			g.inH, g.inW, g.outH, g.outW = n.In[1], n.In[2], n.Out[1], n.Out[2]
			g.kh, g.kw, g.sh, g.sw, g.dh, g.dw = ws[2], ws[3], p.Stride[0], p.Stride[1], p.Dilation[0], p.Dilation[1]
			g.padT, g.padB, g.padL, g.padR = pads[0][0], pads[0][1], pads[1][0], pads[1][1]
		}
		g.kernel = p.Weight.Data
		if !finite(g.kernel) {
			return nil, bad("weight", "NaN or Inf")
		}
		if len(p.Bias.Data) > 0 {
			g.bias = biasVector(p.Bias.Data, g.outC)
		}
	case *nir.PoolParams:
		if len(n.In) != 3 || len(n.Out) != 3 || len(p.Kernel) != 2 || len(p.Stride) != 2 || len(p.Padding) != 2 {
			return nil, bad("kernel_size", "want a C×H×W input and a 2-D kernel, stride and padding; input is %s", n.In)
		}
		g.inC, g.inH, g.inW, g.outC, g.outH, g.outW = n.In[0], n.In[1], n.In[2], n.Out[0], n.Out[1], n.Out[2]
		g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.groups = p.Kernel[0], p.Kernel[1], p.Stride[0], p.Stride[1], 1, 1, n.In[0]
		g.padT, g.padB, g.padL, g.padR = p.Padding[0], p.Padding[0], p.Padding[1], p.Padding[1]
		w := 1.0
		if n.Kind == nir.KindAvgPool2d {
			w = 1 / float64(g.kh*g.kw)
		}
		g.kernel = make([]float64, g.outC*g.kh*g.kw)
		for i := range g.kernel {
			g.kernel[i] = w
		}
	default:
		return nil, bad("type", "not a convolution or pooling node")
	}
	if g.groups < 1 || g.inC%g.groups != 0 || g.outC%g.groups != 0 {
		return nil, bad("groups", "%d must divide in (%d) and out (%d) channels", g.groups, g.inC, g.outC)
	}
	if want := g.outC * (g.inC / g.groups) * g.kh * g.kw; len(g.kernel) != want {
		return nil, bad("weight", "%d values, want %d", len(g.kernel), want)
	}
	oh := (g.inH+g.padT+g.padB-g.dh*(g.kh-1)-1)/g.sh + 1
	ow := (g.inW+g.padL+g.padR-g.dw*(g.kw-1)-1)/g.sw + 1
	if oh != g.outH || ow != g.outW {
		return nil, bad("shape", "output %dx%d from the geometry, the node's output shape is %s", oh, ow, n.Out)
	}
	return g, nil
}

// scatter emits the outputs input element i reaches (see chip.Conv for
// the indexing).
func (g *geom) scatter(i int, emit func(o int, w float64)) {
	c, y, x := i/(g.inH*g.inW), i/g.inW%g.inH, i%g.inW
	icg, ocg := g.inC/g.groups, g.outC/g.groups
	grp, ci := c/icg, c%icg
	for oc := grp * ocg; oc < (grp+1)*ocg; oc++ {
		for ky := range g.kh {
			ny := y + g.padT - ky*g.dh
			if ny < 0 || ny%g.sh != 0 || ny/g.sh >= g.outH {
				continue
			}
			for kx := range g.kw {
				nx := x + g.padL - kx*g.dw
				if nx < 0 || nx%g.sw != 0 || nx/g.sw >= g.outW {
					continue
				}
				if w := g.kernel[((oc*icg+ci)*g.kh+ky)*g.kw+kx]; w != 0 {
					emit((oc*g.outH+ny/g.sh)*g.outW+nx/g.sw, w)
				}
			}
		}
	}
}

// chipConv returns the chip convolution with the quantized kernel.
func (g *geom) chipConv(kernel []int8) *chip.Conv {
	return &chip.Conv{InC: g.inC, InH: g.inH, InW: g.inW, OutC: g.outC, OutH: g.outH, OutW: g.outW,
		KH: g.kh, KW: g.kw, StrideH: g.sh, StrideW: g.sw, PadH: g.padT, PadW: g.padL, PadHEnd: g.padB, PadWEnd: g.padR,
		DilH: g.dh, DilW: g.dw, Groups: g.groups, Kernel: kernel}
}
