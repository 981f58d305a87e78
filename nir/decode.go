package nir

import (
	"math"

	"github.com/scigolib/hdf5"
)

// fields reads the datasets of one node group, recording problems against
// the node's path.
type fields struct {
	h    *h5file
	ps   *problems
	m    h5group
	path string
}

// tensor reads the numeric dataset name. A missing required field, or any
// NaN or ±Inf value, is a problem.
func (f *fields) tensor(name string, required bool) (Tensor, bool) {
	if f.h.refused {
		return Tensor{}, false
	}
	ds, ok := f.m.datasets[name]
	if !ok {
		if required {
			f.ps.add(f.path, name, "missing")
		}
		return Tensor{}, false
	}
	t, err := f.h.readTensor(ds)
	if err != nil {
		f.ps.add(f.path, name, "%v", err)
		return Tensor{}, false
	}
	for i, v := range t.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			f.ps.add(f.path, name, "element %d is not finite (NaN or Inf)", i)
			return Tensor{}, false
		}
	}
	return t, true
}

// ints reads an integer-valued field as a list (a scalar gives one entry).
func (f *fields) ints(name string, required bool) ([]int, bool) {
	t, ok := f.tensor(name, required)
	if !ok {
		return nil, false
	}
	if len(t.Shape) > 1 {
		f.ps.add(f.path, name, "must be an integer or a 1-D list of integers, has shape %s", t.Shape)
		return nil, false
	}
	out := make([]int, len(t.Data))
	for i, v := range t.Data {
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
			f.ps.add(f.path, name, "element %d is not an integer in range", i)
			return nil, false
		}
		out[i] = int(v)
	}
	return out, true
}

// string reads a scalar string field; ok is false when it is absent or not
// a string (no problem is recorded: callers decide).
func (f *fields) string(name string) (string, bool) {
	ds, ok := f.m.datasets[name]
	if !ok {
		return "", false
	}
	s, shape, err := f.h.readStrings(ds)
	if err != nil || len(shape) != 0 {
		return "", false
	}
	return s[0], true
}

// perDim expands a field given as one integer or one per spatial dimension
// to dims entries, each at least min.
func (f *fields) perDim(name string, dims, min int) ([]int, bool) {
	v, ok := f.ints(name, true)
	if !ok {
		return nil, false
	}
	if len(v) == 1 && dims > 1 {
		v = []int{v[0], v[0]}
	}
	if len(v) != dims {
		f.ps.add(f.path, name, "needs 1 or %d entries, has %d", dims, len(v))
		return nil, false
	}
	for _, x := range v {
		if x < min {
			f.ps.add(f.path, name, "must be at least %d", min)
			return nil, false
		}
	}
	return v, true
}

// readNode reads one node group.
func readNode(h *h5file, ps *problems, opts Options, grp *hdf5.Group, name, path string, depth int) *Node {
	m := members(grp)
	kind := readKind(h, ps, m, path)
	if kind == KindInvalid {
		return nil
	}
	n := &Node{Name: name, Kind: kind}
	f := &fields{h: h, ps: ps, m: m, path: path}
	before := len(ps.list)
	switch kind {
	case KindGraph:
		sub := readGraph(h, ps, opts, grp, path, depth+1)
		if sub == nil {
			return nil
		}
		n.Params = &GraphParams{Graph: sub}
	case KindInput, KindOutput:
		shape, _ := f.ints("shape", true)
		n.Params = &IOParams{Shape: dimsShape(f, "shape", shape)}
	case KindAffine:
		p := &AffineParams{}
		p.Weight, _ = f.tensor("weight", true)
		p.Bias, _ = f.tensor("bias", true)
		n.Params = p
	case KindLinear:
		p := &LinearParams{}
		p.Weight, _ = f.tensor("weight", true)
		n.Params = p
	case KindScale:
		p := &ScaleParams{}
		p.Scale, _ = f.tensor("scale", true)
		n.Params = p
	case KindConv1d, KindConv2d:
		n.Params = readConv(f, kind)
	case KindSumPool2d, KindAvgPool2d:
		p := &PoolParams{}
		p.Kernel, _ = f.perDim("kernel_size", 2, 1)
		p.Stride, _ = f.perDim("stride", 2, 1)
		p.Padding, _ = f.perDim("padding", 2, 0)
		n.Params = p
	case KindFlatten:
		n.Params = readFlatten(f)
	case KindDelay:
		p := &DelayParams{}
		p.Delay, _ = f.tensor("delay", true)
		n.Params = p
	case KindThreshold:
		p := &ThresholdParams{}
		p.Threshold, _ = f.tensor("threshold", true)
		n.Params = p
	default:
		n.Params = readNeuron(f, kind)
	}
	if len(ps.list) > before {
		return nil
	}
	return n
}

// dimsShape checks that a shape's entries are positive.
func dimsShape(f *fields, name string, v []int) Shape {
	if v == nil {
		return nil
	}
	for _, d := range v {
		if d < 1 {
			f.ps.add(f.path, name, "dimensions must be positive")
			return nil
		}
	}
	return Shape(v)
}

func readConv(f *fields, kind Kind) *ConvParams {
	dims := 1
	if kind == KindConv2d {
		dims = 2
	}
	p := &ConvParams{Dims: dims}
	p.Weight, _ = f.tensor("weight", true)
	p.Bias, _ = f.tensor("bias", true)
	p.Stride, _ = f.perDim("stride", dims, 1)
	p.Dilation, _ = f.perDim("dilation", dims, 1)
	if g, ok := f.ints("groups", true); ok {
		if len(g) != 1 || g[0] < 1 {
			f.ps.add(f.path, "groups", "must be one integer of at least 1")
		} else {
			p.Groups = g[0]
		}
	}
	if s, ok := f.string("padding"); ok {
		switch s {
		case "same":
			p.PadMode = PadSame
		case "valid":
			p.PadMode = PadValid
		default:
			f.ps.add(f.path, "padding", "string padding must be \"same\" or \"valid\"")
		}
		p.Padding = make([]int, dims)
	} else {
		p.Padding, _ = f.perDim("padding", dims, 0)
	}
	if _, ok := f.m.datasets["input_shape"]; ok {
		v, _ := f.ints("input_shape", false)
		p.InputShape = dimsShape(f, "input_shape", v)
		if p.InputShape != nil && len(p.InputShape) != dims {
			f.ps.add(f.path, "input_shape", "needs %d spatial dimensions, has %d", dims, len(p.InputShape))
		}
	}
	return p
}

func readFlatten(f *fields) *FlattenParams {
	// NIR's defaults when the file omits them: start_dim=1, end_dim=-1.
	p := &FlattenParams{StartDim: 1, EndDim: -1}
	if v, ok := f.ints("start_dim", false); ok {
		if len(v) != 1 {
			f.ps.add(f.path, "start_dim", "must be one integer")
		} else {
			p.StartDim = v[0]
		}
	}
	if v, ok := f.ints("end_dim", false); ok {
		if len(v) != 1 {
			f.ps.add(f.path, "end_dim", "must be one integer")
		} else {
			p.EndDim = v[0]
		}
	}
	if _, ok := f.m.datasets["input_type"]; ok {
		v, _ := f.ints("input_type", false)
		p.InputType = dimsShape(f, "input_type", v)
	}
	return p
}
