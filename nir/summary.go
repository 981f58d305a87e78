package nir

import (
	"fmt"
	"io"
)

// Summary writes one line per node ("name Kind in -> out"), nested graphs
// indented below their node, then one line per edge, in the graph's order.
// The format is stable and meant for tests and quick inspection.
func (g *Graph) Summary(w io.Writer) error {
	return g.summary(w, "")
}

func (g *Graph) summary(w io.Writer, indent string) error {
	for _, n := range g.Nodes {
		if _, err := fmt.Fprintf(w, "%s%s %s %s -> %s\n", indent, n.Name, n.Kind, n.In, n.Out); err != nil {
			return err
		}
		if p, ok := n.Params.(*GraphParams); ok {
			if err := p.Graph.summary(w, indent+"  "); err != nil {
				return err
			}
		}
	}
	for _, e := range g.Edges {
		if _, err := fmt.Fprintf(w, "%sedge %s -> %s\n", indent, e.Src, e.Dst); err != nil {
			return err
		}
	}
	return nil
}
