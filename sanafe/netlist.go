package sanafe

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNetlistLine bounds one line of a netlist file.
const maxNetlistLine = 1 << 20

// ParseNetlist reads SANA-FE's older netlist format (its version 1, still
// read by "sim -n"): one entry per line, fields separated by spaces,
//
//	g COUNT ATTRS              a group of COUNT neurons, named 0, 1, ... in order
//	n GROUP.NEURON ATTRS       one neuron's attributes
//	e G.N->H.M ATTRS           an edge between two neurons
//	& GROUP.NEURON@TILE.CORE   a mapping
//
// where ATTRS is key=value fields or one embedded YAML flow mapping or
// list ({bias: 0} or [bias: 1.0]); '#' starts a comment line. Attributes
// are those of ParseNetwork, with log_v for log_potential, 0 and 1 for
// false and true, and the deprecated connections_out read and ignored.
// Errors are ParseNetwork's, one line naming file, line and field.
func ParseNetlist(file string, data []byte) (*Network, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("sanafe: %s: file is %d bytes, more than the %d a network file may have", file, len(data), MaxFileBytes)
	}
	p := &parser{file: file}
	net := &Network{}
	index := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxNetlistLine)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		at := &yaml.Node{Line: line}
		if len(fields) < 2 || len(fields[0]) != 1 {
			return nil, p.errf(at, "", "expected an entry: g COUNT, n G.N, e G.N->H.M or & G.N@T.C, then attributes")
		}
		var attrs *yaml.Node
		if fields[0] != "&" {
			var err error
			if attrs, err = p.netlistAttrs(fields[2:], line); err != nil {
				return nil, err
			}
		}
		switch fields[0] {
		case "g":
			n, err := strconv.Atoi(fields[1])
			if err != nil || n < 1 || p.neurons+n > MaxNeurons {
				return nil, p.errf(at, "g", "count: expected a neuron count in [1, %d] for the whole file", MaxNeurons-p.neurons)
			}
			name := strconv.Itoa(len(net.Groups))
			g := Group{Name: name, Size: n, Line: line}
			if g.Attr, err = p.attributes(attrs, "group "+name); err != nil {
				return nil, err
			}
			p.neurons += n
			index[name] = len(net.Groups)
			net.Groups = append(net.Groups, g)
		case "n":
			gi, ni, has, err := address(fields[1], net, index)
			if err != nil || !has {
				return nil, p.errf(at, "n", "neuron: expected GROUP.NEURON of a defined group and neuron (%v)", err)
			}
			where := fmt.Sprintf("group %s neurons %d..%d", quote(net.Groups[gi].Name), ni, ni)
			a, err := p.attributes(attrs, where)
			if err != nil {
				return nil, err
			}
			net.Groups[gi].Neurons = append(net.Groups[gi].Neurons, NeuronRange{Lo: ni, Hi: ni + 1, Attr: a})
		case "e":
			e, err := p.edge(&yaml.Node{Kind: yaml.ScalarNode, Value: fields[1], Line: line}, attrs, net, index)
			if err != nil {
				return nil, err
			}
			net.Edges = append(net.Edges, e)
		case "&":
			nf, cf, ok := strings.Cut(fields[1], "@")
			if !ok || len(fields) > 2 {
				return nil, p.errf(at, "&", "expected GROUP.NEURON@TILE.CORE")
			}
			m, err := p.mapping(&yaml.Node{Kind: yaml.ScalarNode, Value: nf, Line: line},
				&yaml.Node{Kind: yaml.MappingNode, Line: line, Content: []*yaml.Node{
					{Kind: yaml.ScalarNode, Value: "core"}, {Kind: yaml.ScalarNode, Value: cf, Line: line}}}, net, index)
			if err != nil {
				return nil, err
			}
			net.Mappings = append(net.Mappings, m)
		default:
			return nil, p.errf(at, "", "entry type %s: expected g, n, e or &", quote(fields[0]))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, p.errf(&yaml.Node{Line: line + 1}, "", "%v (lines may have at most %d bytes)", err, maxNetlistLine)
	}
	if len(net.Groups) == 0 {
		return nil, p.errf(&yaml.Node{Line: line}, "", "no groups (g lines)")
	}
	return net, nil
}

// netlistAttrs turns a netlist line's attribute fields into a YAML node:
// one embedded flow mapping or list, or key=value fields.
func (p *parser) netlistAttrs(fields []string, line int) (*yaml.Node, error) {
	at := &yaml.Node{Line: line}
	if len(fields) > 0 && (fields[0][0] == '{' || fields[0][0] == '[') {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(strings.Join(fields, " ")), &doc); err != nil || len(doc.Content) != 1 {
			return nil, p.errf(at, "attributes", "expected one YAML flow mapping or list")
		}
		setLine(doc.Content[0], line)
		return doc.Content[0], nil
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Line: line}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" || v == "" {
			return nil, p.errf(at, "attributes", "expected key=value fields")
		}
		switch k {
		case "connections_out": // deprecated size hint; SANA-FE ignores it too
			continue
		case "log_v":
			k = "log_potential"
		}
		val := &yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: line, Tag: "!!str"}
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			val.Tag = "!!int"
		} else if _, err := strconv.ParseFloat(v, 64); err == nil {
			val.Tag = "!!float"
		}
		if k == "log_spikes" || k == "log_potential" || k == "log_u" || k == "force_update" {
			switch v {
			case "1", "true":
				val.Value, val.Tag = "true", "!!bool"
			case "0", "false":
				val.Value, val.Tag = "false", "!!bool"
			}
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k, Line: line}, val)
	}
	return m, nil
}

// setLine sets every node of n's tree to line (a flow value parsed from
// one line of a netlist).
func setLine(n *yaml.Node, line int) {
	n.Line = line
	for _, c := range n.Content {
		setLine(c, line)
	}
}
