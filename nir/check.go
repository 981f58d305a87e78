package nir

import (
	"fmt"
	"strings"
)

// check validates g and its nested graphs, infers every missing shape and
// records tolerated deviations in g.Notes. Problems go to ps.
func check(g *Graph, ps *problems, opts Options) {
	c := &checker{ps: ps, opts: opts, notes: &g.Notes}
	c.graph(g, "")
}

type checker struct {
	ps    *problems
	opts  Options
	notes *[]string
}

// tolerate records a deviation as a note, or as a problem in strict mode.
func (c *checker) tolerate(node, field, format string, args ...any) {
	if c.opts.Strict {
		c.ps.add(node, field, format+" (rejected by Options.Strict)", args...)
		return
	}
	*c.notes = append(*c.notes, Problem{Node: node, Field: field, Msg: fmt.Sprintf(format, args...)}.String())
}

// endpoint is one end of an edge: a node, and for a nested graph named as
// "sub.port" (or "sub" with a single port) the Input or Output node inside.
type endpoint struct {
	node *Node
	port *Node
}

func (e endpoint) out() Shape {
	if e.port != nil {
		return e.port.Out
	}
	return e.node.Out
}

func (e endpoint) in() Shape {
	if e.port != nil {
		return e.port.In
	}
	return e.node.In
}

// resolve finds the endpoint an edge name refers to; isDst says which end
// (a nested graph is entered through its Input nodes and left through its
// Output nodes). A name that is a node wins over "sub.port" splitting.
func resolve(g *Graph, name string, isDst bool) (endpoint, bool) {
	want := KindOutput
	if isDst {
		want = KindInput
	}
	if n := g.Node(name); n != nil {
		if n.Kind != KindGraph {
			return endpoint{node: n}, true
		}
		ports := n.Params.(*GraphParams).Graph.NodesOf(want)
		if len(ports) != 1 {
			return endpoint{}, false
		}
		return endpoint{node: n, port: ports[0]}, true
	}
	sub, port, ok := strings.Cut(name, ".")
	if !ok {
		return endpoint{}, false
	}
	n := g.Node(sub)
	if n == nil || n.Kind != KindGraph {
		return endpoint{}, false
	}
	p := n.Params.(*GraphParams).Graph.Node(port)
	if p == nil || p.Kind != want {
		return endpoint{}, false
	}
	return endpoint{node: n, port: p}, true
}

// graph checks one graph; path is its node path ("" at the top).
func (c *checker) graph(g *Graph, path string) {
	for _, n := range g.Nodes {
		if n.Kind == KindGraph {
			c.graph(n.Params.(*GraphParams).Graph, join(path, n.Name))
		}
	}
	c.repairEdges(g, path)
	type edge struct{ src, dst endpoint }
	var edges []edge
	ok := true
	for i, e := range g.Edges {
		src, okS := resolve(g, e.Src, false)
		dst, okD := resolve(g, e.Dst, true)
		if !okS {
			c.ps.add(path, "edges", "edge %d names source %q, which is not a node (or a nested graph with one Output) of this graph", i, clip(e.Src))
		}
		if !okD {
			c.ps.add(path, "edges", "edge %d names destination %q, which is not a node (or a nested graph with one Input) of this graph", i, clip(e.Dst))
		}
		if okS && okD {
			edges = append(edges, edge{src, dst})
		}
		ok = ok && okS && okD
	}
	for _, n := range g.Nodes {
		c.intrinsic(n, join(path, n.Name))
	}
	if !ok || !c.ps.empty() {
		return
	}
	// Propagate shapes along edges until nothing changes. Each pass sets at
	// least one unknown shape or stops, so it ends within 2·len(Nodes)+1
	// passes.
	for changed := true; changed; {
		changed = false
		for _, e := range edges {
			if so := e.src.out(); so != nil && e.dst.in() == nil {
				c.setIn(e.dst.node, join(path, e.dst.node.Name), so)
				changed = true
			}
			if di := e.dst.in(); di != nil && e.src.out() == nil && passThrough(e.src.node) {
				e.src.node.In, e.src.node.Out = di, di
				changed = true
			}
		}
		if !c.ps.empty() {
			return
		}
	}
	for _, n := range g.Nodes {
		if n.Kind != KindGraph && (n.In == nil || n.Out == nil) {
			c.ps.add(join(path, n.Name), "input_type", "shape cannot be inferred: give it in the file (input_shape / input_type) or connect the node to one whose shape is known")
		}
	}
	for _, e := range edges {
		so, di := e.src.out(), e.dst.in()
		if so == nil || di == nil || so.Equal(di) {
			continue
		}
		dstPath := join(path, e.dst.node.Name)
		if so.Size() == di.Size() && squeezed(so).Equal(squeezed(di)) {
			c.tolerate(dstPath, "input", "receives shape %s from %q but declares %s (same elements, size-1 dimensions differ)", so, e.src.node.Name, di)
			continue
		}
		c.ps.add(dstPath, "input", "receives shape %s from %q but expects %s", so, e.src.node.Name, di)
	}
	c.reachable(g, path)
}

// passThrough reports whether a node's output shape equals its input shape
// and may be set from a successor's input (element-wise nodes whose
// parameters are all scalars, and Output nodes).
func passThrough(n *Node) bool {
	switch n.Kind {
	case KindInput, KindAffine, KindLinear, KindConv1d, KindConv2d, KindSumPool2d, KindAvgPool2d, KindFlatten, KindGraph:
		return false
	}
	return true
}

// setIn gives node n the input shape in and derives its output shape.
func (c *checker) setIn(n *Node, path string, in Shape) {
	n.In = in
	var out Shape
	var err error
	switch p := n.Params.(type) {
	case *ConvParams:
		out, err = convShape(p, in)
	case *PoolParams:
		out, err = poolShape(p, in)
	case *FlattenParams:
		out, err = flattenShape(p, in)
	default:
		out = in
	}
	if err != nil {
		c.ps.add(path, "input", "%v", err)
		return
	}
	n.Out = out
}

// intrinsic checks a node's parameters and sets the shapes they determine.
func (c *checker) intrinsic(n *Node, path string) {
	switch p := n.Params.(type) {
	case *GraphParams:
		if ins := p.Graph.NodesOf(KindInput); len(ins) == 1 {
			n.In = ins[0].In
		}
		if outs := p.Graph.NodesOf(KindOutput); len(outs) == 1 {
			n.Out = outs[0].Out
		}
	case *IOParams:
		n.In, n.Out = p.Shape, p.Shape
	case *AffineParams:
		c.matrix(n, path, p.Weight)
		c.bias(path, p.Bias, p.Weight)
	case *LinearParams:
		c.matrix(n, path, p.Weight)
	case *ConvParams:
		c.conv(n, path, p)
	case *PoolParams:
		// Shapes come from the predecessor.
	case *FlattenParams:
		if p.InputType != nil {
			c.setIn(n, path, p.InputType)
		}
	default:
		shape := elementwiseShape(c.ps, path, n.Params)
		if p, ok := n.Params.(*DelayParams); ok {
			for i, v := range p.Delay.Data {
				if v < 0 {
					c.ps.add(path, "delay", "delay must not be negative (element %d is)", i)
					break
				}
			}
		}
		n.In, n.Out = shape, shape
	}
}

// matrix checks a 2-D (out, in) weight and sets the node's shapes.
func (c *checker) matrix(n *Node, path string, w Tensor) {
	if len(w.Shape) != 2 {
		c.ps.add(path, "weight", "must be a 2-D (out, in) matrix, has shape %s (batched weights are not supported)", w.Shape)
		return
	}
	n.In, n.Out = Shape{w.Shape[1]}, Shape{w.Shape[0]}
}

// bias checks that b has one value per output row of w (or is a scalar).
func (c *checker) bias(path string, b, w Tensor) {
	if len(b.Shape) == 0 || len(w.Shape) < 1 {
		return
	}
	if len(b.Shape) != 1 || b.Shape[0] != w.Shape[0] {
		c.ps.add(path, "bias", "shape %s does not match weight %s (needs %d values)", b.Shape, w.Shape, w.Shape[0])
	}
}

func (c *checker) conv(n *Node, path string, p *ConvParams) {
	if len(p.Weight.Shape) != p.Dims+2 {
		c.ps.add(path, "weight", "must be (C_out, C_in/groups%s), has shape %s", strings.Repeat(", K", p.Dims), p.Weight.Shape)
		return
	}
	c.bias(path, p.Bias, p.Weight)
	if p.Groups > 0 && p.Weight.Shape[0]%p.Groups != 0 {
		c.ps.add(path, "groups", "%d does not divide the %d output channels", p.Groups, p.Weight.Shape[0])
	}
	if p.PadMode == PadSame {
		for _, s := range p.Stride {
			if s != 1 {
				c.ps.add(path, "padding", "\"same\" padding needs stride 1 (as in PyTorch)")
				break
			}
		}
	}
	if !c.ps.empty() || p.InputShape == nil {
		return
	}
	c.setIn(n, path, append(Shape{p.Weight.Shape[1] * p.Groups}, p.InputShape...))
}

// repairEdges fixes one known defect of published files: an edge that
// names a node missing from the graph while exactly one node, whose name
// starts with the missing name, is named by no edge. The Braille subgraph
// fixture from the NIR paper has it (edges say "lif", the node is "lif1").
func (c *checker) repairEdges(g *Graph, path string) {
	named := map[string]bool{}
	missing := map[string]bool{}
	for _, e := range g.Edges {
		for j, name := range []string{e.Src, e.Dst} {
			if _, ok := resolve(g, name, j == 1); ok {
				named[strings.SplitN(name, ".", 2)[0]] = true
				named[name] = true
			} else {
				missing[name] = true
			}
		}
	}
	var orphans []*Node
	for _, n := range g.Nodes {
		if !named[n.Name] {
			orphans = append(orphans, n)
		}
	}
	if len(missing) != 1 || len(orphans) != 1 {
		return
	}
	var from string
	for m := range missing {
		from = m
	}
	to := orphans[0].Name
	if from == "" || !strings.HasPrefix(to, from) {
		return
	}
	if c.opts.Strict {
		return // reported as a missing node by graph
	}
	for i := range g.Edges {
		if g.Edges[i].Src == from {
			g.Edges[i].Src = to
		}
		if g.Edges[i].Dst == from {
			g.Edges[i].Dst = to
		}
	}
	c.tolerate(path, "edges", "edges name %q, which is not a node; read as %q, the only node no edge names", clip(from), clip(to))
}

// reachable checks that some Output can be reached from some Input.
func (c *checker) reachable(g *Graph, path string) {
	ins, outs := g.NodesOf(KindInput), g.NodesOf(KindOutput)
	if len(ins) == 0 {
		c.ps.add(path, "nodes", "graph has no Input node")
	}
	if len(outs) == 0 {
		c.ps.add(path, "nodes", "graph has no Output node")
	}
	if len(ins) == 0 || len(outs) == 0 {
		return
	}
	next := map[string][]string{}
	for _, e := range g.Edges {
		src := strings.SplitN(e.Src, ".", 2)[0]
		if g.Node(e.Src) != nil {
			src = e.Src
		}
		dst := strings.SplitN(e.Dst, ".", 2)[0]
		if g.Node(e.Dst) != nil {
			dst = e.Dst
		}
		next[src] = append(next[src], dst)
	}
	seen := map[string]bool{}
	queue := []string{}
	for _, n := range ins {
		seen[n.Name] = true
		queue = append(queue, n.Name)
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, m := range next[n] {
			if !seen[m] {
				seen[m] = true
				queue = append(queue, m)
			}
		}
	}
	for _, n := range outs {
		if seen[n.Name] {
			return
		}
	}
	c.ps.add(path, "edges", "no path from any Input node to any Output node")
}
