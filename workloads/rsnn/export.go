package rsnn

import (
	"fmt"

	"github.com/spikemesh/spikemesh/nir"
)

// Node names of the exported graph.
const (
	nodeInput  = "input"
	nodeWIn    = "fc_in"
	nodeLIF    = "lif"
	nodeWRec   = "fc_rec"
	nodeWOut   = "fc_out"
	nodeLI     = "li"
	nodeOutput = "output"
)

// ToNIR returns n as a NIR graph: input → fc_in (Linear) → lif (LIF) →
// fc_out (Linear) → li (LI) → output, with the recurrent edge lif → fc_rec
// (Linear) → lif, which snnref and the chip deliver one step late. Weights
// and neuron parameters are float64 tensors, so the graph holds the
// trainer's values exactly. NIR stores no time step: the graph means what
// the trainer computed when run at n.Shape.DT.
func ToNIR(n *Net) (*nir.Graph, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	s := n.Shape
	vec := func(size int, v float64) nir.Tensor {
		t := nir.Tensor{Shape: nir.Shape{size}, Data: make([]float64, size), DType: nir.Float64}
		for i := range t.Data {
			t.Data[i] = v
		}
		return t
	}
	mat := func(rows, cols int, w []float64) nir.Tensor {
		return nir.Tensor{Shape: nir.Shape{rows, cols}, Data: append([]float64(nil), w...), DType: nir.Float64}
	}
	H, O := s.Hidden, s.Out
	g := &nir.Graph{Nodes: []*nir.Node{
		{Name: nodeWIn, Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: mat(H, s.In, n.WIn)}},
		{Name: nodeWOut, Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: mat(O, H, n.WOut)}},
		{Name: nodeWRec, Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: mat(H, H, n.WRec)}},
		{Name: nodeInput, Kind: nir.KindInput, Params: &nir.IOParams{Shape: nir.Shape{s.In}}},
		{Name: nodeLI, Kind: nir.KindLI, Params: &nir.LIParams{Tau: vec(O, s.TauOut), R: vec(O, s.ROut), VLeak: vec(O, 0)}},
		{Name: nodeLIF, Kind: nir.KindLIF, Params: &nir.LIFParams{Tau: vec(H, s.TauHidden), R: vec(H, s.RHidden), VLeak: vec(H, 0),
			VThreshold: vec(H, 1), VReset: vec(H, 0)}},
		{Name: nodeOutput, Kind: nir.KindOutput, Params: &nir.IOParams{Shape: nir.Shape{O}}},
	}, Edges: graphEdges()}
	return g, nil
}

// graphEdges are the exported graph's edges; the forward path first, so
// that snnref's depth-first search from the input meets lif → fc_out
// before the recurrent loop, whose closing edge fc_rec → lif is the back
// edge either way.
func graphEdges() []nir.Edge {
	return []nir.Edge{
		{Src: nodeInput, Dst: nodeWIn}, {Src: nodeWIn, Dst: nodeLIF},
		{Src: nodeLIF, Dst: nodeWOut}, {Src: nodeWOut, Dst: nodeLI}, {Src: nodeLI, Dst: nodeOutput},
		{Src: nodeLIF, Dst: nodeWRec}, {Src: nodeWRec, Dst: nodeLIF},
	}
}

// FromNIR recovers a Net from a graph of ToNIR's form, with dt the time
// step the graph is run at. It checks the node kinds, the edges, the weight
// shapes and that each neuron parameter is one value for all neurons, and
// names the node and field of the first mismatch.
func FromNIR(g *nir.Graph, dt float64) (*Net, error) {
	if g == nil {
		return nil, fmt.Errorf("rsnn: no graph")
	}
	want := map[string]nir.Kind{nodeInput: nir.KindInput, nodeWIn: nir.KindLinear, nodeLIF: nir.KindLIF, nodeWRec: nir.KindLinear,
		nodeWOut: nir.KindLinear, nodeLI: nir.KindLI, nodeOutput: nir.KindOutput}
	if len(g.Nodes) != len(want) {
		return nil, fmt.Errorf("rsnn: graph has %d nodes, a recurrent rsnn graph has %d (input, fc_in, lif, fc_rec, fc_out, li, output)", len(g.Nodes), len(want))
	}
	for name, k := range want {
		nd := g.Node(name)
		if nd == nil || nd.Kind != k {
			return nil, fmt.Errorf("rsnn: node %q: want a %s node", name, k)
		}
	}
	edges := map[nir.Edge]bool{}
	for _, e := range g.Edges {
		edges[e] = true
	}
	if len(edges) != len(graphEdges()) {
		return nil, fmt.Errorf("rsnn: graph has %d distinct edges, want %d", len(edges), len(graphEdges()))
	}
	for _, e := range graphEdges() {
		if !edges[e] {
			return nil, fmt.Errorf("rsnn: field \"edges\": missing edge %s -> %s", e.Src, e.Dst)
		}
	}
	lin := func(name string) nir.Tensor { return g.Node(name).Params.(*nir.LinearParams).Weight }
	win, wrec, wout := lin(nodeWIn), lin(nodeWRec), lin(nodeWOut)
	if len(win.Shape) != 2 || len(wout.Shape) != 2 {
		return nil, fmt.Errorf("rsnn: node %q: field \"weight\": want a matrix", nodeWIn)
	}
	s := Shape{In: win.Shape[1], Hidden: win.Shape[0], Out: wout.Shape[0], DT: dt}
	for _, c := range []struct {
		name string
		t    nir.Tensor
		r, c int
	}{{nodeWRec, wrec, s.Hidden, s.Hidden}, {nodeWOut, wout, s.Out, s.Hidden}} {
		if !c.t.Shape.Equal(nir.Shape{c.r, c.c}) {
			return nil, fmt.Errorf("rsnn: node %q: field \"weight\": shape %s, want %dx%d", c.name, c.t.Shape, c.r, c.c)
		}
	}
	one := func(node, field string, t nir.Tensor, want *float64) error {
		if len(t.Data) == 0 {
			return fmt.Errorf("rsnn: node %q: field %q is empty", node, field)
		}
		for _, v := range t.Data {
			if v != t.Data[0] {
				return fmt.Errorf("rsnn: node %q: field %q must be one value for all neurons", node, field)
			}
		}
		if want != nil {
			*want = t.Data[0]
		} else if t.Data[0] != 0 && field != "v_threshold" || field == "v_threshold" && t.Data[0] != 1 {
			return fmt.Errorf("rsnn: node %q: field %q is %g; the trainer's neurons have v_leak 0, v_reset 0, v_threshold 1", node, field, t.Data[0])
		}
		return nil
	}
	lif, li := g.Node(nodeLIF).Params.(*nir.LIFParams), g.Node(nodeLI).Params.(*nir.LIParams)
	for _, f := range []error{
		one(nodeLIF, "tau", lif.Tau, &s.TauHidden), one(nodeLIF, "r", lif.R, &s.RHidden),
		one(nodeLIF, "v_leak", lif.VLeak, nil), one(nodeLIF, "v_reset", lif.VReset, nil), one(nodeLIF, "v_threshold", lif.VThreshold, nil),
		one(nodeLI, "tau", li.Tau, &s.TauOut), one(nodeLI, "r", li.R, &s.ROut), one(nodeLI, "v_leak", li.VLeak, nil),
	} {
		if f != nil {
			return nil, f
		}
	}
	n := &Net{Shape: s, WIn: append([]float64(nil), win.Data...), WRec: append([]float64(nil), wrec.Data...), WOut: append([]float64(nil), wout.Data...)}
	if err := n.check(); err != nil {
		return nil, err
	}
	return n, nil
}
