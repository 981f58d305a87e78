package sanafe

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/internal/yamlstrict"
)

// ParseNetwork reads a SANA-FE network file (YAML: network: {name,
// groups, edges}, mappings). file names the file in messages. Every
// problem is one line "sanafe: FILE:LINE: WHERE: FIELD: what was
// expected"; the first problem stops the parse. Sizes (neuron counts,
// weight lists) are checked against the declared geometry and the
// package limits before anything of that size is allocated.
func ParseNetwork(file string, data []byte) (*Network, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("sanafe: %s: file is %d bytes, more than the %d a network file may have", file, len(data), MaxFileBytes)
	}
	root, err := yamlstrict.Node(data)
	if err != nil {
		return nil, fmt.Errorf("sanafe: %s: %w", file, err)
	}
	p := &parser{file: file}
	net, err := p.network(root.Content[0])
	if err != nil {
		return nil, err
	}
	return net, nil
}

type parser struct {
	file    string
	neurons int
	conns   int64 // connections of the edges read so far, expanded
}

func (p *parser) errf(n *yaml.Node, where, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	if where != "" {
		where += ": "
	}
	return fmt.Errorf("sanafe: %s: %s%s", loc(p.file, line), where, fmt.Sprintf(format, args...))
}

var nameLike = regexp.MustCompile(`^[A-Za-z0-9_.\-\[\]]{1,40}$`)

// quote returns s quoted if it looks like a name, else "…" (never echo
// file content that is not an identifier).
func quote(s string) string {
	if nameLike.MatchString(s) {
		return strconv.Quote(s)
	}
	return "…"
}

// mapPairs calls f for every key/value of mapping node n.
func mapPairs(n *yaml.Node, f func(k, v *yaml.Node) error) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if err := f(n.Content[i], n.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// entries flattens SANA-FE's "list of one-key mappings or a mapping"
// style into key/value pairs: a mapping yields its pairs; a sequence
// yields the pairs of each of its mappings.
func (p *parser) entries(n *yaml.Node, where string, f func(k, v *yaml.Node) error) error {
	switch n.Kind {
	case yaml.MappingNode:
		return mapPairs(n, f)
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind != yaml.MappingNode {
				return p.errf(c, where, "expected key: value entries, found %s", kindName(c))
			}
			if err := mapPairs(c, f); err != nil {
				return err
			}
		}
		return nil
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
	}
	return p.errf(n, where, "expected a mapping or a list of key: value entries, found %s", kindName(n))
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a scalar"
}

func (p *parser) network(doc *yaml.Node) (*Network, error) {
	if doc.Kind != yaml.MappingNode {
		return nil, p.errf(doc, "", "expected a mapping with network and mappings sections, found %s", kindName(doc))
	}
	net := &Network{}
	var netNode, mapNode *yaml.Node
	err := mapPairs(doc, func(k, v *yaml.Node) error {
		switch k.Value {
		case "network":
			netNode = v
		case "mappings":
			mapNode = v
		default:
			return p.errf(k, "", "unknown top-level section %s; expected network and mappings", quote(k.Value))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if netNode == nil {
		return nil, p.errf(doc, "", "no network section")
	}
	if netNode.Kind != yaml.MappingNode {
		return nil, p.errf(netNode, "network", "expected a mapping with name, groups and edges, found %s", kindName(netNode))
	}
	var groups, edges *yaml.Node
	err = mapPairs(netNode, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			net.Name = v.Value
		case "groups":
			groups = v
		case "edges":
			edges = v
		default:
			return p.errf(k, "network", "unknown key %s; expected name, groups, edges", quote(k.Value))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if groups == nil || groups.Kind != yaml.SequenceNode {
		return nil, p.errf(netNode, "network", "groups: expected a list of neuron groups")
	}
	index := map[string]int{}
	for _, g := range groups.Content {
		grp, err := p.group(g)
		if err != nil {
			return nil, err
		}
		if _, dup := index[grp.Name]; dup {
			return nil, p.errf(g, "group "+quote(grp.Name), "name: defined twice")
		}
		index[grp.Name] = len(net.Groups)
		net.Groups = append(net.Groups, grp)
	}
	if edges != nil && !(edges.Kind == yaml.ScalarNode && edges.Tag == "!!null") {
		if edges.Kind != yaml.SequenceNode {
			return nil, p.errf(edges, "network", "edges: expected a list")
		}
		for _, e := range edges.Content {
			if e.Kind != yaml.MappingNode {
				return nil, p.errf(e, "edges", "expected \"src -> dst\": attributes, found %s", kindName(e))
			}
			err := mapPairs(e, func(k, v *yaml.Node) error {
				edge, err := p.edge(k, v, net, index)
				if err != nil {
					return err
				}
				net.Edges = append(net.Edges, edge)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if mapNode != nil && !(mapNode.Kind == yaml.ScalarNode && mapNode.Tag == "!!null") {
		if mapNode.Kind != yaml.SequenceNode {
			return nil, p.errf(mapNode, "mappings", "expected a list of \"group.neuron: {core: tile.core}\" entries")
		}
		for _, m := range mapNode.Content {
			if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
				return nil, p.errf(m, "mappings", "expected one \"group.neuron: {core: tile.core}\" entry per list item")
			}
			mp, err := p.mapping(m.Content[0], m.Content[1], net, index)
			if err != nil {
				return nil, err
			}
			net.Mappings = append(net.Mappings, mp)
		}
	}
	return net, nil
}

// rangeOf parses "i" or "a..b" (inclusive) into [lo, hi).
func rangeOf(s string) (lo, hi int, ok bool) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "..")
	x, err1 := strconv.Atoi(strings.TrimSpace(a))
	if !isRange {
		return x, x + 1, err1 == nil && x >= 0 && x < MaxNeurons
	}
	y, err2 := strconv.Atoi(strings.TrimSpace(b))
	return x, y + 1, err1 == nil && err2 == nil && x >= 0 && y >= x && y < MaxNeurons
}

func (p *parser) group(g *yaml.Node) (Group, error) {
	var grp Group
	grp.Line = g.Line
	if g.Kind != yaml.MappingNode {
		return grp, p.errf(g, "groups", "expected a group with name, attributes and neurons, found %s", kindName(g))
	}
	var attrs, neurons *yaml.Node
	err := mapPairs(g, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			grp.Name = v.Value
		case "attributes":
			attrs = v
		case "neurons":
			neurons = v
		default:
			return p.errf(k, "group", "unknown key %s; expected name, attributes, neurons", quote(k.Value))
		}
		return nil
	})
	if err != nil {
		return grp, err
	}
	where := "group " + quote(grp.Name)
	if grp.Name == "" || strings.ContainsAny(grp.Name, ".") {
		return grp, p.errf(g, where, "name: expected a non-empty name without '.'")
	}
	if attrs != nil {
		if grp.Attr, err = p.attributes(attrs, where); err != nil {
			return grp, err
		}
	}
	if neurons == nil || neurons.Kind != yaml.SequenceNode {
		return grp, p.errf(g, where, "neurons: expected a list of neuron ids or ranges (\"0..9\")")
	}
	var ranges [][2]int
	for _, e := range neurons.Content {
		add := func(k, v *yaml.Node) error {
			lo, hi, ok := rangeOf(k.Value)
			if !ok {
				return p.errf(k, where, "neurons: expected a neuron id or range a..b (0 <= a <= b < %d)", MaxNeurons)
			}
			nr := NeuronRange{Lo: lo, Hi: hi}
			if v != nil {
				a, err := p.attributes(v, fmt.Sprintf("%s neurons %d..%d", where, lo, hi-1))
				if err != nil {
					return err
				}
				nr.Attr = a
			}
			grp.Size = max(grp.Size, hi)
			ranges = append(ranges, [2]int{lo, hi})
			if p.neurons+grp.Size > MaxNeurons {
				return p.errf(k, where, "neurons: more than %d neurons in the file", MaxNeurons)
			}
			if v != nil && nr.Attr.set != 0 {
				grp.Neurons = append(grp.Neurons, nr)
			}
			return nil
		}
		if e.Kind == yaml.ScalarNode {
			if err := add(e, nil); err != nil {
				return grp, err
			}
			continue
		}
		if err := p.entries(e, where+" neurons", add); err != nil {
			return grp, err
		}
	}
	if grp.Size == 0 {
		return grp, p.errf(g, where, "neurons: the group has no neurons")
	}
	// SANA-FE sizes a group by counting its entries; ids must therefore
	// name each of 0..N-1 exactly once.
	slices.SortFunc(ranges, func(a, b [2]int) int { return a[0] - b[0] })
	next := 0
	for _, r := range ranges {
		if r[0] != next {
			if r[0] < next {
				return grp, p.errf(g, where, "neurons: neuron %d is listed twice (SANA-FE counts every entry as a new neuron)", r[0])
			}
			return grp, p.errf(g, where, "neurons: neuron %d is not listed; ids must be 0..N-1, each once", next)
		}
		next = r[1]
	}
	p.neurons += grp.Size
	return grp, nil
}

// attributes reads a neuron or group attribute block: a mapping, a list of
// one-key mappings, with optional nested soma: and dendrite: sections.
func (p *parser) attributes(n *yaml.Node, where string) (Attributes, error) {
	var a Attributes
	err := p.entries(n, where, func(k, v *yaml.Node) error {
		if k.Value == "soma" || k.Value == "dendrite" {
			sub, err := p.attributes(v, where+" "+k.Value)
			if err != nil {
				return err
			}
			a = a.Merge(sub)
			return nil
		}
		return p.attribute(&a, k, v, where)
	})
	return a, err
}

func (p *parser) attribute(a *Attributes, k, v *yaml.Node, where string) error {
	name := k.Value
	if name == "force_update_every_timestep" {
		name = "force_update"
	}
	f := Field(0)
	for ; f < numFields; f++ {
		if fieldNames[f] == name {
			break
		}
	}
	if f == numFields {
		return p.errf(k, where, "unknown attribute %s; the importer reads SANA-FE's leaky_integrate_fire soma attributes (%s)", quote(k.Value), strings.Join(fieldNames[:], ", "))
	}
	where += ": " + name
	var err error
	switch f {
	case FThreshold, FReset, FReverseThreshold, FReverseReset, FLeakDecay, FInputDecay, FBias, FPotential:
		var x float64
		if x, err = p.number(v, where); err == nil {
			*[...]*float64{FThreshold: &a.Threshold, FReset: &a.Reset, FReverseThreshold: &a.ReverseThreshold,
				FReverseReset: &a.ReverseReset, FLeakDecay: &a.LeakDecay, FInputDecay: &a.InputDecay,
				FBias: &a.Bias, FPotential: &a.Potential}[f] = x
		}
	case FRefractoryDelay:
		var x float64
		if x, err = p.number(v, where); err == nil {
			if x != math.Trunc(x) || x < 0 || x > math.MaxUint16 {
				return p.errf(v, where, "expected a whole number of timesteps in [0, %d]", math.MaxUint16)
			}
			a.RefractoryDelay = int(x)
		}
	case FResetMode, FReverseResetMode:
		m := -1
		for i, s := range resetModeNames {
			if v.Kind == yaml.ScalarNode && v.Value == s {
				m = i
			}
		}
		if m < 0 {
			return p.errf(v, where, "expected one of none, hard, soft, saturate")
		}
		if f == FResetMode {
			a.ResetMode = ResetMode(m)
		} else {
			a.ReverseResetMode = ResetMode(m)
		}
	case FForceUpdate, FLogSpikes, FLogPotential, FLogU:
		var b bool
		if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
			return p.errf(v, where, "expected true or false")
		}
		*[...]*bool{FForceUpdate: &a.ForceUpdate, FLogSpikes: &a.LogSpikes, FLogPotential: &a.LogPotential, FLogU: &a.LogU}[f] = b
	case FSpikes:
		if v.Kind != yaml.SequenceNode || len(v.Content) > MaxSpikeTrain {
			return p.errf(v, where, "expected a list of 0/1 or false/true, at most %d long", MaxSpikeTrain)
		}
		train := make([]bool, len(v.Content))
		for i, c := range v.Content {
			switch c.Value {
			case "1", "true":
				train[i] = true
			case "0", "false":
			default:
				return p.errf(c, where, "[%d]: expected 0, 1, false or true", i)
			}
		}
		a.Spikes = &train
	case FSomaHW, FSynapseHW, FDendriteHW:
		if v.Kind != yaml.ScalarNode || !nameLike.MatchString(v.Value) {
			return p.errf(v, where, "expected a hardware unit name (letters, digits, _ . - [ ], at most 40)")
		}
		*[...]*string{FSomaHW: &a.SomaHW, FSynapseHW: &a.SynapseHW, FDendriteHW: &a.DendriteHW}[f] = v.Value
	}
	if err != nil {
		return err
	}
	a.mark(f)
	return nil
}

func (p *parser) number(v *yaml.Node, where string) (float64, error) {
	if v.Kind == yaml.ScalarNode && (v.Tag == "!!int" || v.Tag == "!!float") {
		x, err := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
		if err == nil && !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x, nil
		}
		if i, err := strconv.ParseInt(v.Value, 0, 64); err == nil {
			return float64(i), nil
		}
	}
	return 0, p.errf(v, where, "expected a finite number")
}

// numbers reads a list of numbers, refusing more than limit entries
// before reading them.
func (p *parser) numbers(v *yaml.Node, where string, limit int) ([]float64, error) {
	if v.Kind != yaml.SequenceNode {
		x, err := p.number(v, where)
		return []float64{x}, err
	}
	if len(v.Content) > limit {
		return nil, p.errf(v, where, "has %d entries, more than the %d connections of the edge", len(v.Content), limit)
	}
	out := make([]float64, len(v.Content))
	for i, c := range v.Content {
		x, err := p.number(c, fmt.Sprintf("%s[%d]", where, i))
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

var errNoGroup = errors.New("no such group")

// address parses "group" or "group.neuron".
func address(s string, net *Network, index map[string]int) (g int, n int, hasNeuron bool, err error) {
	name, nid, hasNeuron := strings.Cut(strings.TrimSpace(s), ".")
	name = strings.TrimSpace(name)
	g, ok := index[name]
	if !ok {
		return 0, 0, false, fmt.Errorf("group %s: %w", quote(name), errNoGroup)
	}
	if !hasNeuron {
		return g, 0, false, nil
	}
	n, err = strconv.Atoi(strings.TrimSpace(nid))
	if err != nil || n < 0 {
		return 0, 0, false, fmt.Errorf("neuron id %s is not a non-negative integer", quote(nid))
	}
	if n >= net.Groups[g].Size {
		return 0, 0, false, fmt.Errorf("neuron %s.%d does not exist (the group has %d neurons)", quote(name), n, net.Groups[g].Size)
	}
	return g, n, true, nil
}
