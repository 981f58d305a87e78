package nir

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spikemesh/spikemesh/internal/atomicfile"
)

// WriteVersion is the /version Write stores: the NIR release whose
// nir/serialization.py layout the written files follow (v1.0.7, the
// newest this package reads). A graph read from an older file is written
// with this version too: its parameters mean what Read made of them
// (a missing v_reset is 0, as NIR ≥ 1.0.6 reads it), which is what a
// 1.0.7 reader makes of the written file.
const WriteVersion = "1.0.7"

// Write stores g as a NIR file at path, atomically: the file is complete
// or not there (an existing file is replaced only on success).
//
// The layout is that of NIR's own writer (nir/serialization.py v1.0.7):
// /version, /node holding the graph, a group per node with a scalar "type"
// string and one dataset per parameter, an (N, 2) "edges" string array,
// nested graphs as nested groups. Parameters keep their element type
// (Tensor.DType) and shape, so Read(Write(g)) gives g back bit for bit;
// integer fields (shapes, strides, paddings, groups, dims) are int64, as
// Python ints are. Optional fields are written when the graph has them:
// v_reset and w_in unless VResetMissing / WInMissing, a convolution's
// input_shape and a Flatten's input_type when known. Arrays are stored
// contiguous, not gzip-chunked (NIR's readers accept both). g.Notes and
// the nodes' inferred shapes (In, Out) are not stored; edges are written
// as g holds them (after Read's repairs).
//
// Write checks g first and returns one error naming the node and field
// of the first problem found; nothing is written then.
func Write(path string, g *Graph) error {
	b, err := Encode(g)
	if err != nil {
		return fmt.Errorf("nir: %s: %w", path, err)
	}
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(b))
		return err
	}); err != nil {
		return fmt.Errorf("nir: %w", err)
	}
	return nil
}

// Encode returns the bytes Write would store for g (the same for the same
// graph: Write's output is deterministic).
func Encode(g *Graph) ([]byte, error) {
	if g == nil {
		return nil, fmt.Errorf("no graph to write")
	}
	root := &h5wGroup{}
	root.dataset("version", strScalar(WriteVersion))
	w := &graphWriter{}
	w.graph(root.group("node"), g, "", 0)
	if w.err != nil {
		return nil, w.err
	}
	return encodeH5(root)
}

// graphWriter turns a Graph into the tree encodeH5 writes; err is the first
// problem found.
type graphWriter struct{ err error }

func (w *graphWriter) fail(path, field, format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf("%s", Problem{Node: path, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
}

func strScalar(s string) *h5wDataset {
	return &h5wDataset{shape: Shape{}, strings: []string{s}, isStr: true}
}

func (w *graphWriter) graph(grp *h5wGroup, g *Graph, path string, depth int) {
	if depth > maxDepth {
		w.fail(path, "nodes", "NIRGraph nested deeper than %d levels", maxDepth)
		return
	}
	grp.dataset("type", strScalar(KindGraph.String()))
	nodes := grp.group("nodes")
	seen := map[string]bool{}
	for i, n := range g.Nodes {
		if n == nil {
			w.fail(path, "nodes", "node %d is nil", i)
			return
		}
		p := join(path, n.Name)
		switch {
		case n.Name == "" || n.Name == "." || n.Name == ".." || strings.ContainsAny(n.Name, "/\x00"):
			w.fail(p, "name", "node names must be non-empty, not \".\" or \"..\", without '/' or NUL (HDF5 group names)")
		case len(n.Name) > maxStringBytes:
			w.fail(p, "name", "longer than %d bytes", maxStringBytes)
		case seen[n.Name]:
			w.fail(p, "name", "two nodes have this name")
		}
		seen[n.Name] = true
		w.node(nodes.group(n.Name), n, p, depth)
	}
	edges := make([]string, 0, 2*len(g.Edges))
	for i, e := range g.Edges {
		if e.Src == "" || e.Dst == "" || len(e.Src) > maxStringBytes || len(e.Dst) > maxStringBytes {
			w.fail(path, "edges", "edge %d names an empty node or one longer than %d bytes", i, maxStringBytes)
		}
		edges = append(edges, e.Src, e.Dst)
	}
	grp.dataset("edges", &h5wDataset{shape: Shape{len(g.Edges), 2}, strings: edges, isStr: true})
}

// node writes one node's "type" and parameters.
func (w *graphWriter) node(grp *h5wGroup, n *Node, path string, depth int) {
	if n.Kind == KindInvalid || n.Kind >= numKinds {
		w.fail(path, "type", "node kind %s cannot be written", n.Kind)
		return
	}
	if gp, ok := n.Params.(*GraphParams); ok {
		if n.Kind != KindGraph || gp.Graph == nil {
			w.fail(path, "type", "a nested graph must be a NIRGraph node with a graph")
			return
		}
		w.graph(grp, gp.Graph, path, depth+1)
		return
	}
	grp.dataset("type", strScalar(n.Kind.String()))
	t := func(name string, v Tensor) { w.tensor(grp, path, name, v) }
	ints := func(name string, v []int, scalar bool) { w.ints(grp, path, name, v, scalar) }
	bad := func() { w.fail(path, "type", "parameters of type %T do not belong to a %s node", n.Params, n.Kind) }
	switch p := n.Params.(type) {
	case *IOParams:
		if n.Kind != KindInput && n.Kind != KindOutput {
			bad()
			return
		}
		ints("shape", p.Shape, false)
	case *AffineParams:
		t("weight", p.Weight)
		t("bias", p.Bias)
	case *LinearParams:
		t("weight", p.Weight)
	case *ConvParams:
		if (n.Kind != KindConv1d || p.Dims != 1) && (n.Kind != KindConv2d || p.Dims != 2) {
			bad()
			return
		}
		w.conv(grp, path, p)
	case *PoolParams:
		ints("kernel_size", p.Kernel, false)
		ints("stride", p.Stride, false)
		ints("padding", p.Padding, false)
	case *FlattenParams:
		ints("start_dim", []int{p.StartDim}, true)
		ints("end_dim", []int{p.EndDim}, true)
		if p.InputType != nil {
			ints("input_type", p.InputType, false)
		}
	default:
		if n.Params == nil {
			w.fail(path, "type", "%s node has no parameters", n.Kind)
			return
		}
		for _, nt := range neuronTensors(n.Params) {
			if omitted(n.Params, nt.name) {
				continue
			}
			t(nt.name, nt.t)
		}
	}
	if !paramsMatch(n.Kind, n.Params) {
		bad()
	}
}

// omitted reports the optional fields the file had not (VResetMissing,
// WInMissing): they are left out again so that reading gives them back as
// missing.
func omitted(p Params, field string) bool {
	switch p := p.(type) {
	case *LIFParams:
		return field == "v_reset" && p.VResetMissing
	case *CubaLIFParams:
		return field == "v_reset" && p.VResetMissing || field == "w_in" && p.WInMissing
	case *CubaLIParams:
		return field == "w_in" && p.WInMissing
	case *IFParams:
		return field == "v_reset" && p.VResetMissing
	}
	return false
}

// paramsMatch reports whether p is the parameter type of kind k (doc.go).
func paramsMatch(k Kind, p Params) bool {
	switch p.(type) {
	case *IOParams:
		return k == KindInput || k == KindOutput
	case *AffineParams:
		return k == KindAffine
	case *LinearParams:
		return k == KindLinear
	case *ScaleParams:
		return k == KindScale
	case *ConvParams:
		return k == KindConv1d || k == KindConv2d
	case *PoolParams:
		return k == KindSumPool2d || k == KindAvgPool2d
	case *FlattenParams:
		return k == KindFlatten
	case *DelayParams:
		return k == KindDelay
	case *ThresholdParams:
		return k == KindThreshold
	case *LIFParams:
		return k == KindLIF
	case *CubaLIFParams:
		return k == KindCubaLIF
	case *CubaLIParams:
		return k == KindCubaLI
	case *LIParams:
		return k == KindLI
	case *IFParams:
		return k == KindIF
	case *IParams:
		return k == KindI
	case *GraphParams:
		return k == KindGraph
	}
	return false
}

// conv writes a Conv1d (scalar stride, padding, dilation, input_shape, as
// NIR's Conv1d holds ints) or Conv2d (two entries each).
func (w *graphWriter) conv(grp *h5wGroup, path string, p *ConvParams) {
	w.tensor(grp, path, "weight", p.Weight)
	w.tensor(grp, path, "bias", p.Bias)
	scalar := p.Dims == 1
	w.ints(grp, path, "stride", p.Stride, scalar)
	w.ints(grp, path, "dilation", p.Dilation, scalar)
	switch p.PadMode {
	case PadSame:
		grp.dataset("padding", strScalar("same"))
	case PadValid:
		grp.dataset("padding", strScalar("valid"))
	default:
		w.ints(grp, path, "padding", p.Padding, scalar)
	}
	w.ints(grp, path, "groups", []int{p.Groups}, true)
	if p.InputShape != nil {
		w.ints(grp, path, "input_shape", p.InputShape, scalar)
	}
}

// ints writes integers as int64, a scalar when scalar is set (then v must
// have one entry).
func (w *graphWriter) ints(grp *h5wGroup, path, name string, v []int, scalar bool) {
	if scalar && len(v) != 1 {
		w.fail(path, name, "needs 1 entry, has %d", len(v))
		return
	}
	if v == nil {
		w.fail(path, name, "missing")
		return
	}
	d := &h5wDataset{shape: Shape{len(v)}, dtype: Int64, values: make([]float64, len(v))}
	if scalar {
		d.shape = Shape{}
	}
	for i, x := range v {
		d.values[i] = float64(x)
	}
	grp.dataset(name, d)
}

// tensor writes a numeric parameter with its shape and element type after
// checking that the values are finite and representable in that type.
func (w *graphWriter) tensor(grp *h5wGroup, path, name string, t Tensor) {
	if t.Shape == nil {
		w.fail(path, name, "missing")
		return
	}
	n, ok := elements(t.Shape, math.MaxInt32)
	if !ok || int64(len(t.Data)) != n {
		w.fail(path, name, "has %d values for shape %s", len(t.Data), t.Shape)
		return
	}
	for _, d := range t.Shape {
		if d < 0 {
			w.fail(path, name, "negative dimension in shape %s", t.Shape)
			return
		}
	}
	for i, v := range t.Data {
		if !representable(v, t.DType) {
			w.fail(path, name, "element %d is not finite or not exactly a %s", i, t.DType)
			return
		}
	}
	grp.dataset(name, &h5wDataset{shape: t.Shape, dtype: t.DType, values: t.Data})
}

// representable reports whether v is finite and stored exactly as dt.
func representable(v float64, dt DType) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	switch dt {
	case Float32:
		return float64(float32(v)) == v
	case Float64:
		return true
	case Int8, Int16, Int32, Int64:
		bits := map[DType]uint{Int8: 8, Int16: 16, Int32: 32, Int64: 64}[dt]
		lim := math.Ldexp(1, int(bits-1))
		return v == math.Trunc(v) && v >= -lim && v < lim
	}
	return false
}
