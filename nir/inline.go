package nir

import (
	"fmt"
	"sort"
)

// Inline returns a single-level copy of g: every nested NIRGraph node "sub"
// is replaced by its nodes, renamed "sub.<name>" (recursively, so deeper
// nodes become "a.b.name"). The nested graph's Input and Output nodes are
// identities: each edge into "sub" (or "sub.<input>") is connected to every
// node that input feeds, and each edge out of "sub" (or "sub.<output>") to
// every node that feeds that output. Parameters are shared with g, not
// copied. Inline fails when a new name collides with an existing node name.
func (g *Graph) Inline() (*Graph, error) {
	out := &Graph{Version: g.Version, Notes: append([]string(nil), g.Notes...)}
	identities := map[string]bool{}
	if err := inlineInto(out, g, "", map[string]bool{}, identities, false); err != nil {
		return nil, err
	}
	// Remove identity nodes (a nested graph's Input and Output), in name
	// order so the result does not depend on map order.
	names := make([]string, 0, len(identities))
	for n := range identities {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, id := range names {
		var succ []string
		for _, e := range out.Edges {
			if e.Src == id {
				succ = append(succ, e.Dst)
			}
		}
		var edges []Edge
		for _, e := range out.Edges {
			switch {
			case e.Src == id:
			case e.Dst == id:
				for _, s := range succ {
					edges = append(edges, Edge{Src: e.Src, Dst: s})
				}
			default:
				edges = append(edges, e)
			}
		}
		out.Edges = edges
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].Name < out.Nodes[j].Name })
	return out, nil
}

// inlineInto appends g's nodes and edges to out with names prefixed by
// prefix; seen holds every name given so far. nested says g is inside
// another graph, so its Input and Output nodes become identities.
func inlineInto(out *Graph, g *Graph, prefix string, seen, identities map[string]bool, nested bool) error {
	for _, n := range g.Nodes {
		name := prefix + n.Name
		if n.Kind == KindGraph {
			if err := inlineInto(out, n.Params.(*GraphParams).Graph, name+".", seen, identities, true); err != nil {
				return err
			}
			continue
		}
		if seen[name] {
			return fmt.Errorf("nir: inline: node name %q is used twice after prefixing nested graph names", clip(name))
		}
		seen[name] = true
		if nested && (n.Kind == KindInput || n.Kind == KindOutput) {
			identities[name] = true
			continue
		}
		c := *n
		c.Name = name
		out.Nodes = append(out.Nodes, &c)
	}
	for _, e := range g.Edges {
		src, okS := resolve(g, e.Src, false)
		dst, okD := resolve(g, e.Dst, true)
		if !okS || !okD {
			return fmt.Errorf("nir: inline: edge %s -> %s does not resolve; inline only graphs returned by Read", clip(e.Src), clip(e.Dst))
		}
		out.Edges = append(out.Edges, Edge{Src: prefix + endpointName(src), Dst: prefix + endpointName(dst)})
	}
	return nil
}

// endpointName is the inlined name of an endpoint: the node, or for a
// nested graph its port node "sub.port".
func endpointName(e endpoint) string {
	if e.port != nil {
		return e.node.Name + "." + e.port.Name
	}
	return e.node.Name
}
