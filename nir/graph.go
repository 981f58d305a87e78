package nir

import (
	"fmt"
	"strings"
)

// Shape is the size of each dimension of a tensor, outermost first
// (row-major, as numpy and HDF5 store it). A nil Shape means "not known";
// a non-nil empty Shape is a scalar.
type Shape []int

// Size returns the number of elements, 1 for a scalar.
func (s Shape) Size() int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Equal reports whether s and t have the same rank and dimensions.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// String formats s as "2x34x34", "scalar" or "?" when unknown.
func (s Shape) String() string {
	if s == nil {
		return "?"
	}
	if len(s) == 0 {
		return "scalar"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "x")
}

// DType is the element type a numeric dataset had in the file.
type DType uint8

// Element types NIR files use (numpy float32/float64 arrays, Python ints).
const (
	DTypeUnknown DType = iota
	Float32
	Float64
	Int8
	Int16
	Int32
	Int64
)

func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Int8:
		return "int8"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Int64:
		return "int64"
	}
	return "unknown"
}

// Tensor is a numeric parameter: its shape, its values in row-major order
// (float32 and integer values are held exactly in float64), and the type it
// had in the file, kept so that a writer can store it back unchanged.
type Tensor struct {
	Shape Shape
	Data  []float64
	DType DType
}

// Edge connects the output of node Src to the input of node Dst. Inside a
// graph, a name may also be "sub.port" to name the Input or Output node port
// of the nested graph sub.
type Edge struct{ Src, Dst string }

// Node is one NIR node: its name in its graph, its kind, its parameters
// (the pointer type listed for each Kind in doc.go) and its input and output
// shapes, as given in the file or inferred by Read.
type Node struct {
	Name   string
	Kind   Kind
	Params Params
	In     Shape
	Out    Shape
}

// Graph is a NIR graph: nodes sorted by name, edges in file order.
type Graph struct {
	// Version is the file's /version string (empty for nested graphs and
	// files that have none).
	Version string
	Nodes   []*Node
	Edges   []Edge
	// Notes lists every tolerated deviation from the NIR specification that
	// Read accepted (and repaired where it says so), one line each.
	Notes []string
}

// Node returns the node called name, or nil.
func (g *Graph) Node(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// NodesOf returns the nodes of kind k, in name order.
func (g *Graph) NodesOf(k Kind) []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}
