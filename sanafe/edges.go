package sanafe

import (
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// edge parses one "src -> dst: attributes" entry.
func (p *parser) edge(k, v *yaml.Node, net *Network, index map[string]int) (Edge, error) {
	e := Edge{Line: k.Line}
	src, dst, ok := strings.Cut(k.Value, "->")
	where := "edge " + quoteEdge(k.Value)
	if !ok {
		return e, p.errf(k, "edges", "expected \"src -> dst\" or \"src.i -> dst.j\"")
	}
	e.Label = strings.TrimSpace(src) + " -> " + strings.TrimSpace(dst)
	sg, sn, sHas, err := address(src, net, index)
	if err != nil {
		return e, p.errf(k, where, "source: %v", err)
	}
	tg, tn, tHas, err := address(dst, net, index)
	if err != nil {
		return e, p.errf(k, where, "target: %v", err)
	}
	if sHas != tHas {
		return e, p.errf(k, where, "give a neuron on both sides (g.i -> h.j) or on neither (g -> h)")
	}
	e.From, e.To, e.FromN, e.ToN = net.Groups[sg].Name, net.Groups[tg].Name, sn, tn
	// Collect the attributes first: their meaning depends on type.
	attrs := map[string]*yaml.Node{}
	var collect func(n *yaml.Node, sub string) error
	collect = func(n *yaml.Node, sub string) error {
		return p.entries(n, where, func(ak, av *yaml.Node) error {
			name := ak.Value
			if sub == "" && (name == "synapse" || name == "dendrite") {
				return collect(av, name)
			}
			switch name {
			case "w":
				name = "weight"
			case "d":
				name = "delay"
			}
			if _, dup := attrs[name]; dup {
				return p.errf(ak, where, "attribute %s given twice", quote(name))
			}
			attrs[name] = av
			return nil
		})
	}
	if err := collect(v, ""); err != nil {
		return e, err
	}
	src1, dst1 := net.Groups[sg].Size, net.Groups[tg].Size
	e.Kind = EdgeNeuron
	if t, ok := attrs["type"]; ok {
		if sHas {
			return e, p.errf(t, where, "type: a neuron-to-neuron edge has no type")
		}
		switch t.Value {
		case "dense":
			e.Kind = EdgeDense
		case "sparse":
			e.Kind = EdgeSparse
		case "conv2d":
			e.Kind = EdgeConv2D
		default:
			return e, p.errf(t, where, "type: expected dense, sparse or conv2d")
		}
		delete(attrs, "type")
	} else if !sHas {
		return e, p.errf(k, where, "type: a group-to-group edge needs type dense, sparse or conv2d")
	}
	// conns is the number of per-connection values the lists must hold.
	conns := 1
	switch e.Kind {
	case EdgeDense:
		if int64(src1)*int64(dst1) > MaxConnections {
			return e, p.errf(k, where, "dense edge has %d x %d connections, more than %d", src1, dst1, MaxConnections)
		}
		conns = src1 * dst1
	case EdgeConv2D:
		if err := p.conv(&e, attrs, k, where, src1, dst1); err != nil {
			return e, err
		}
		c := e.Conv
		conns = c.KH * c.KW * c.InC * c.Count
	case EdgeSparse:
		pn, ok := attrs["source_target_pairs"]
		if !ok || pn.Kind != yaml.SequenceNode {
			return e, p.errf(k, where, "source_target_pairs: a sparse edge needs a list of [source, target] pairs")
		}
		if p.conns+int64(len(pn.Content)) > MaxConnections {
			return e, p.errf(pn, where, "source_target_pairs: %d pairs, more than the %d connections a file may have with the edges before", len(pn.Content), MaxConnections-p.conns)
		}
		e.Pairs = make([][2]int, len(pn.Content))
		for i, c := range pn.Content {
			if c.Kind != yaml.SequenceNode || len(c.Content) != 2 {
				return e, p.errf(c, where, "source_target_pairs[%d]: expected [source, target]", i)
			}
			for j, lim := range [2]int{src1, dst1} {
				x, err := strconv.Atoi(c.Content[j].Value)
				if err != nil || x < 0 || x >= lim {
					side := [2]string{"source", "target"}[j]
					return e, p.errf(c, where, "source_target_pairs[%d]: %s must be a neuron id in [0, %d)", i, side, lim)
				}
				e.Pairs[i][j] = x
			}
		}
		delete(attrs, "source_target_pairs")
		conns = len(e.Pairs)
	}
	expanded := int64(conns)
	if e.Kind == EdgeConv2D {
		expanded = int64(dst1) * int64(e.Conv.InC) * int64(e.Conv.KH) * int64(e.Conv.KW)
	}
	if p.conns+expanded > MaxConnections {
		return e, p.errf(k, where, "the file's edges expand to %d connections up to this one, more than the %d a file may have", p.conns+expanded, MaxConnections)
	}
	p.conns += expanded
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		an := attrs[name]
		if name != "weight" && name != "delay" {
			return e, p.errf(an, where, "unknown attribute %s; edges take type, weight (w), delay (d), the conv2d geometry and source_target_pairs", quote(name))
		}
		list, err := p.numbers(an, where+": "+name, conns)
		if err != nil {
			return e, err
		}
		if len(list) != conns || e.Kind == EdgeNeuron && an.Kind == yaml.SequenceNode {
			return e, p.errf(an, where, "%s: has %d entries, want %d (%s)", name, len(list), conns, connsText(e))
		}
		if name == "weight" {
			e.Weights = list
		} else {
			for i, d := range list {
				if d != math.Trunc(d) || d < 0 {
					return e, p.errf(an, where, "delay[%d]: expected a whole number of timesteps >= 0", i)
				}
			}
			e.Delays = list
		}
	}
	if e.Weights == nil {
		return e, p.errf(k, where, "weight: missing; SANA-FE's current_based synapse needs one weight per connection")
	}
	return e, nil
}

func connsText(e Edge) string {
	switch e.Kind {
	case EdgeDense:
		return "source x target neurons, source-major"
	case EdgeConv2D:
		return "kernel_height x kernel_width x input_channels x kernel_count"
	case EdgeSparse:
		return "one per source_target_pairs entry"
	}
	return "one scalar for a neuron-to-neuron edge"
}

// conv reads a conv2d edge's geometry and checks the group sizes.
func (p *parser) conv(e *Edge, attrs map[string]*yaml.Node, k *yaml.Node, where string, src, dst int) error {
	c := &e.Conv
	for _, f := range []struct {
		name string
		dst  *int
	}{{"input_width", &c.InW}, {"input_height", &c.InH}, {"input_channels", &c.InC},
		{"kernel_width", &c.KW}, {"kernel_height", &c.KH}, {"kernel_count", &c.Count},
		{"stride_width", &c.StrideW}, {"stride_height", &c.StrideH}} {
		n, ok := attrs[f.name]
		if !ok {
			if strings.HasPrefix(f.name, "stride") {
				*f.dst = 1
				continue
			}
			return p.errf(k, where, "%s: missing (conv2d needs input_width, input_height, input_channels, kernel_width, kernel_height, kernel_count)", f.name)
		}
		x, err := strconv.Atoi(n.Value)
		if err != nil || x < 1 || x > MaxNeurons {
			return p.errf(n, where, "%s: expected an integer in [1, %d]", f.name, MaxNeurons)
		}
		*f.dst = x
		delete(attrs, f.name)
	}
	if c.KW > c.InW || c.KH > c.InH {
		return p.errf(k, where, "kernel %dx%d is larger than the %dx%d input (no padding)", c.KW, c.KH, c.InW, c.InH)
	}
	if int64(c.InW)*int64(c.InH)*int64(c.InC) != int64(src) {
		return p.errf(k, where, "source group has %d neurons, the conv2d input is %d x %d x %d", src, c.InW, c.InH, c.InC)
	}
	outW, outH := (c.InW-c.KW)/c.StrideW+1, (c.InH-c.KH)/c.StrideH+1
	if int64(outW)*int64(outH)*int64(c.Count) != int64(dst) {
		return p.errf(k, where, "target group has %d neurons, the conv2d output is %d x %d x %d", dst, outW, outH, c.Count)
	}
	if int64(dst)*int64(c.InC)*int64(c.KH)*int64(c.KW) > MaxConnections {
		return p.errf(k, where, "conv2d expands to more than %d connections", MaxConnections)
	}
	return nil
}

// mapping parses one "group[.neuron[..last]]: {core: tile.core}" entry.
func (p *parser) mapping(k, v *yaml.Node, net *Network, index map[string]int) (Mapping, error) {
	m := Mapping{Line: k.Line}
	name, nid, hasNeuron := strings.Cut(k.Value, ".")
	g, ok := index[name]
	where := "mapping " + quote(k.Value)
	if !ok {
		return m, p.errf(k, where, "group %s does not exist", quote(name))
	}
	m.Group = name
	m.Lo, m.Hi = 0, net.Groups[g].Size
	if hasNeuron {
		lo, hi, ok := rangeOf(nid)
		if !ok || hi > net.Groups[g].Size {
			return m, p.errf(k, where, "neurons: expected an id or range a..b within the group's %d neurons", net.Groups[g].Size)
		}
		m.Lo, m.Hi = lo, hi
	}
	core := ""
	err := p.entries(v, where, func(ak, av *yaml.Node) error {
		switch ak.Value {
		case "core":
			core = av.Value
		case "soma", "synapse", "dendrite":
			// Hardware unit names: the importer maps every neuron to the
			// chip's one neuron unit, so they are checked, not used.
			if av.Kind != yaml.ScalarNode || !nameLike.MatchString(av.Value) {
				return p.errf(av, where, "%s: expected a hardware unit name", ak.Value)
			}
		default:
			return p.errf(ak, where, "unknown key %s; expected core, soma, synapse, dendrite", quote(ak.Value))
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	t, c, ok := strings.Cut(core, ".")
	tile, err1 := strconv.Atoi(t)
	cr, err2 := strconv.Atoi(c)
	if !ok || err1 != nil || err2 != nil || tile < 0 || cr < 0 {
		return m, p.errf(v, where, "core: expected tile.core, e.g. 0.1")
	}
	m.Tile, m.Core = tile, cr
	return m, nil
}

var edgeLike = regexp.MustCompile(`^[A-Za-z0-9_.\-\[\]]{1,40}->[A-Za-z0-9_.\-\[\]]{1,40}$`)

// quoteEdge quotes an edge key "src -> dst" (spaces dropped) if it looks
// like one, else "…".
func quoteEdge(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	if edgeLike.MatchString(s) {
		return strconv.Quote(s)
	}
	return "…"
}
