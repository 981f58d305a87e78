package nirconv

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nir"
)

// exportMaxDense bounds the dense matrix a sparse projection becomes
// (NIR has no sparse node): 2^26 float32 values, 256 MiB, far above the
// built-in models' largest layer (784 x 1024) and the CUBA benchmark's
// 4000 x 4000.
const exportMaxDense = 1 << 26

// FromChip returns net as the NIR graph that runs on the chip: the
// integer weights as float32 values (weight × 2^WeightExp), neuron
// parameters in state units as described in exportneuron.go, dt the time
// step in seconds that turns decays into time constants and delays into
// seconds. Node names: input groups and populations keep their names
// (inputN / popN when empty or taken), each projection is a node named
// after its label, with ".delay" and ".flatten" helpers; Output nodes are
// "output" or "outputN". The graph has one level (no nested graphs).
//
// Projections: dense → Linear (Affine when it carries the target's bias),
// sparse → the same with a dense matrix, one-to-one → Scale, convolution
// → Conv2d (symmetric padding, or "same" when stride 1 and the
// asymmetric padding is PyTorch's), delay d → a Delay node of d·dt in
// front. A source with a (C, H, W) shape feeding a dense projection goes
// through a Flatten first. Errors name the population or projection and
// the reason, one line.
func FromChip(net *chip.Network, dt float64) (*nir.Graph, error) {
	if net == nil {
		return nil, fmt.Errorf("nirconv: no network to export")
	}
	if err := expCheckDT(dt); err != nil {
		return nil, fmt.Errorf("nirconv: %v", err)
	}
	// Structure first (index ranges, sizes, kernels); int8 weights always
	// fit 8 bits, so 8 checks nothing the chip's own weight bits did not.
	if err := net.Validate(8); err != nil {
		return nil, fmt.Errorf("nirconv: network %s is not valid: %s", net.Name, expFirstLine(err.Error()))
	}
	e := &exporter{net: net, dt: dt, g: &nir.Graph{}, names: map[string]bool{}}
	if err := e.run(); err != nil {
		return nil, fmt.Errorf("nirconv: %v", err)
	}
	sort.Slice(e.g.Nodes, func(i, j int) bool { return e.g.Nodes[i].Name < e.g.Nodes[j].Name })
	return e.g, nil
}

type exporter struct {
	net      *chip.Network
	dt       float64
	g        *nir.Graph
	names    map[string]bool
	groups   []string    // Input node per input group
	pops     []expNeuron // per population
	inShape  []nir.Shape // per input group
	popShape []nir.Shape // per population
}

func expFirstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

// name returns want if it is a usable, free node name, else fallback
// (made unique with a suffix), and reserves it.
func (e *exporter) name(want, fallback string) string {
	n := want
	if !expValidName(want) || e.names[n] {
		n = fallback
		for i := 2; e.names[n]; i++ {
			n = fmt.Sprintf("%s_%d", fallback, i)
		}
	}
	e.names[n] = true
	return n
}

// expValidName reports whether s can name a NIR node (an HDF5 group).
func expValidName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\x00")
}

func (e *exporter) add(n *nir.Node)      { e.g.Nodes = append(e.g.Nodes, n) }
func (e *exporter) edge(src, dst string) { e.g.Edges = append(e.g.Edges, nir.Edge{Src: src, Dst: dst}) }
func expFlat(n int) nir.Shape            { return nir.Shape{n} }
func expCHW(s chip.Shape) nir.Shape      { return nir.Shape{s.C, s.H, s.W} }
func expConvIn(c *chip.Conv) nir.Shape   { return nir.Shape{c.InC, c.InH, c.InW} }
func expConvOut(c *chip.Conv) nir.Shape  { return nir.Shape{c.OutC, c.OutH, c.OutW} }

func (e *exporter) run() error {
	net := e.net
	edges := net.Edges()
	if err := e.shapes(edges); err != nil {
		return err
	}
	// Reserve population names first: they are what users look for.
	popNames := make([]string, len(net.Layers))
	for l := range net.Layers {
		popNames[l] = e.name(net.Layers[l].Name, fmt.Sprintf("pop%d", l))
	}
	groups := net.Groups()
	e.groups = make([]string, len(groups))
	for g, ig := range groups {
		fb := "input"
		if len(groups) > 1 {
			fb = fmt.Sprintf("input%d", g)
		}
		e.groups[g] = e.name(ig.Name, fb)
		e.add(&nir.Node{Name: e.groups[g], Kind: nir.KindInput, Params: &nir.IOParams{Shape: e.inShape[g]}})
	}
	e.pops = make([]expNeuron, len(net.Layers))
	for l := range net.Layers {
		for _, helper := range []string{".v", ".reset", ".delay"} {
			e.names[popNames[l]+helper] = true // expSubtractNodes' names
		}
		nn, err := expPopNode(net, l, popNames[l], e.popShape[l], e.dt)
		if err != nil {
			return err
		}
		e.pops[l] = nn
		for _, n := range nn.nodes {
			e.add(n)
		}
		for _, ed := range nn.edges {
			e.edge(ed.Src, ed.Dst)
		}
	}
	carrier, err := e.biasCarriers(edges)
	if err != nil {
		return err
	}
	for i := range edges {
		if err := e.projection(&edges[i], i, carrier[i]); err != nil {
			return err
		}
	}
	outs := net.OutputLayers()
	for i, l := range outs {
		fb := "output"
		if len(outs) > 1 {
			fb = fmt.Sprintf("output%d", i)
		}
		name := e.name(fb, fb)
		e.add(&nir.Node{Name: name, Kind: nir.KindOutput, Params: &nir.IOParams{Shape: e.popShape[l]}})
		e.edge(e.pops[l].out, name)
	}
	return nil
}

// shapes gives every input group and population its NIR shape: the
// geometry of a convolution it feeds or is fed by, else its chip Shape,
// else flat. Disagreements are errors (NIR has no reshape to 3-D).
func (e *exporter) shapes(edges []chip.Projection) error {
	net := e.net
	groups := net.Groups()
	e.inShape = make([]nir.Shape, len(groups))
	e.popShape = make([]nir.Shape, len(net.Layers))
	src := func(s chip.Source) *nir.Shape {
		if s.Kind == chip.FromInput {
			return &e.inShape[s.Index]
		}
		return &e.popShape[s.Index]
	}
	set := func(at *nir.Shape, want nir.Shape, what string) error {
		if *at != nil && !at.Equal(want) {
			return fmt.Errorf("%s: needs shape %s for one convolution and %s for another; NIR cannot reshape", what, want, *at)
		}
		*at = want
		return nil
	}
	for i := range edges {
		p := &edges[i]
		if p.Kind != chip.ProjConv {
			continue
		}
		if err := set(src(p.From), expConvIn(p.Conv), p.From.String()); err != nil {
			return err
		}
		if err := set(&e.popShape[p.To], expConvOut(p.Conv), "population "+net.Layers[p.To].Name); err != nil {
			return err
		}
	}
	for g, ig := range groups {
		if e.inShape[g] == nil {
			e.inShape[g] = expFlat(ig.Size)
			if !ig.Shape.IsZero() && ig.Shape.H*ig.Shape.W > 1 { // (C, 1, 1) is a vector
				e.inShape[g] = expCHW(ig.Shape)
			}
		}
	}
	// Layer.Shape is for reports; a population fed by a dense or sparse
	// projection (which delivers a flat vector) is flat unless a
	// convolution needs its shape (a lowered NIR graph shapes every
	// population, e.g. cnn_sinabs's 8x8x8 IF behind a composed sparse
	// projection).
	flatIn := make([]bool, len(net.Layers))
	for i := range edges {
		if k := edges[i].Kind; k == chip.ProjDense || k == chip.ProjSparse {
			flatIn[edges[i].To] = true
		}
	}
	for l, ly := range net.Layers {
		if e.popShape[l] == nil {
			e.popShape[l] = expFlat(ly.Size)
			if !ly.Shape.IsZero() && !flatIn[l] && ly.Shape.H*ly.Shape.W > 1 { // (C, 1, 1) is a vector
				e.popShape[l] = expCHW(ly.Shape)
			}
		}
	}
	// A dense, sparse or one-to-one projection delivers a flat vector (or
	// the source's own shape for one-to-one); the target must take it.
	for i := range edges {
		p := &edges[i]
		if p.Kind == chip.ProjConv {
			continue
		}
		to := e.popShape[p.To]
		ok := len(to) == 1
		if p.Kind == chip.ProjOneToOne {
			ok = ok || to.Equal(*src(p.From))
		}
		if !ok {
			return fmt.Errorf("projection %s: %s target of shape %s: NIR has no reshape from a flat vector to it", p.Label(net), p.Kind, to)
		}
	}
	return nil
}

// biasCarriers picks, for every population whose bias must ride on an
// incoming projection, the first incoming dense or sparse projection
// (Affine bias), else the first convolution when the bias is constant per
// output channel (Conv2d bias). carrier[i] is set for the chosen ones.
func (e *exporter) biasCarriers(edges []chip.Projection) ([]bool, error) {
	carrier := make([]bool, len(edges))
	for l := range e.net.Layers {
		ly := &e.net.Layers[l]
		if !e.pops[l].biasOnProj || expAllZero(ly.Bias) {
			continue
		}
		pick := -1
		for i := range edges {
			if edges[i].To == l && (edges[i].Kind == chip.ProjDense || edges[i].Kind == chip.ProjSparse) {
				pick = i
				break
			}
		}
		for i := range edges {
			if pick < 0 && edges[i].To == l && edges[i].Kind == chip.ProjConv && expChannelConstant(ly.Bias, edges[i].Conv) {
				pick = i
			}
		}
		if pick < 0 {
			return nil, fmt.Errorf("population %q: its bias has no NIR form: neuron model %s takes a bias only through an incoming dense projection or a convolution with one bias per channel, and it has neither", ly.Name, ly.Neuron.Kind)
		}
		carrier[pick] = true
	}
	return carrier, nil
}

func expAllZero(b []int32) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// expChannelConstant reports whether bias is the same within each output
// channel of c.
func expChannelConstant(bias []int32, c *chip.Conv) bool {
	per := c.OutH * c.OutW
	for i, b := range bias {
		if b != bias[i/per*per] {
			return false
		}
	}
	return true
}
