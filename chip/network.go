package chip

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/spikemesh/spikemesh/neuron"
)

// Network is an SNN program ready to map: a directed graph whose nodes are
// host input groups and populations of spiking neurons (Layers) and whose
// edges are projections. Cycles are allowed (recurrent projections,
// self-connections). Workloads and the NIR importer produce Networks; Map
// places them on a chip.
//
// A projection is given either explicitly (Projections) or, for the
// feed-forward chains that ANN conversion produces, by the chain shorthand
// Layer.Weights / Layer.Conv: a dense or convolutional projection with
// delay 0 from the previous layer (layer 0: from input group 0). Both may
// be mixed; Edges lists every projection, chain ones first.
//
// Host input: InputGroups, or, when it is nil, one group of Inputs
// channels (graded if GradedInput). Input channels are numbered globally:
// group g's channels follow those of groups 0..g-1 (InputEvent.Channel).
// An explicit empty InputGroups means no host input at all: a network that
// drives itself (biases, recurrent activity).
type Network struct {
	Name string
	// Inputs and GradedInput describe the single host input group of a
	// network whose InputGroups is nil; they must be zero when InputGroups
	// is set.
	Inputs      int
	GradedInput bool
	InputGroups []InputGroup
	Layers      []Layer // the populations
	Projections []Projection
	// Outputs are the populations read out (index into Layers), in order;
	// nil means the last layer. Result.Scores concatenates them.
	Outputs []int
}

// InputGroup is one group of host input channels (one NIR Input node).
type InputGroup struct {
	Name string
	Size int // channels; they occupy no cores
	// Graded is true when this group's events carry a multi-bit magnitude
	// (direct encoding or input currents): synapses then add weight x
	// magnitude.
	Graded bool
	Shape  Shape // optional, for reports
}

// Shape is an optional (C, H, W) tensor shape of a population or input
// group, for reports and for importers; the zero Shape means unknown. Its
// product must equal the size when set.
type Shape struct{ C, H, W int }

// Size is C x H x W.
func (s Shape) Size() int { return s.C * s.H * s.W }

// IsZero reports whether the shape is unset.
func (s Shape) IsZero() bool { return s == Shape{} }

// Layer is one population of identical neurons. Weights and Conv are the
// chain shorthand for its incoming projection from the previous layer
// (see Network); both nil when the population is fed only through
// Network.Projections (or by its bias alone).
type Layer struct {
	Name   string
	Size   int           // neurons
	Neuron neuron.Params // model and threshold shared by the population
	// Weights holds the chain projection, In x Size row-major:
	// Weights[a*Size+j] is the weight from presynaptic source a to neuron
	// j. In is the previous layer's Size (or input group 0's size).
	Weights []int8
	// Conv, if set, is the chain projection as a convolution: the layer's
	// neurons are the output feature map in channel-major (C, H, W) order
	// and its sources the input map in the same order.
	Conv *Conv
	// Bias is the per-neuron bias: added every timestep by IF and LIF
	// neurons, the initial charge of bidirectional (BIF) neurons. nil = 0.
	Bias []int32
	// Vectors, if not empty, gives per-neuron parameters of the CUBA kinds
	// (threshold, decays, reset; see neuron.Vectors), each of length Size;
	// a core gets its slice of them. The zero value uses Neuron's scalars.
	Vectors neuron.Vectors
	// InitV, if not nil, holds each neuron's membrane potential (state
	// units) at the start of every sample, set after the model's Reset
	// (e.g. the random initial potentials of Brian2's CUBA benchmark).
	// Only kinds whose models implement neuron.VSetter accept it (see
	// neuron.Kind.SetsV); len(InitV) must equal Size and every value lie
	// in ±neuron.LIFStateMax. nil = the model's reset state.
	InitV []int32
	Shape Shape // optional, for reports
}

// Groups returns the host input groups: InputGroups, or the single group
// of the Inputs/GradedInput shorthand.
func (n *Network) Groups() []InputGroup {
	if n.InputGroups != nil {
		return n.InputGroups
	}
	return []InputGroup{{Size: n.Inputs, Graded: n.GradedInput}}
}

// InputChannels is the number of host input channels over all groups.
func (n *Network) InputChannels() int {
	t := 0
	for _, g := range n.Groups() {
		t += g.Size
	}
	return t
}

// OutputLayers returns the read-out populations: Outputs, or the last
// layer.
func (n *Network) OutputLayers() []int {
	if n.Outputs != nil {
		return n.Outputs
	}
	if len(n.Layers) == 0 {
		return nil
	}
	return []int{len(n.Layers) - 1}
}

// In is the number of sources of layer l's chain projection: the
// previous layer's size (layer 0: input group 0's).
func (n *Network) In(l int) int {
	if l == 0 {
		return n.Groups()[0].Size
	}
	return n.Layers[l-1].Size
}

// FanIn is the number of sources that feed population l over every
// incoming projection (a source reached through two projections counts
// twice): for a chain layer, In(l).
func (n *Network) FanIn(l int) int {
	t := 0
	for _, p := range n.Edges() {
		if p.To == l {
			t += n.SourceSize(p.From)
		}
	}
	return t
}

// SourceSize is the number of neurons or channels of a projection source
// (0 for an invalid source).
func (n *Network) SourceSize(s Source) int {
	switch {
	case s.Kind == FromInput && s.Index >= 0 && s.Index < len(n.Groups()):
		return n.Groups()[s.Index].Size
	case s.Kind == FromPopulation && s.Index >= 0 && s.Index < len(n.Layers):
		return n.Layers[s.Index].Size
	}
	return 0
}

// Edges returns every projection: the chain projections of the layers
// with Weights or Conv, in layer order, then Projections. The chain ones
// are built on each call and share the layers' weight slices.
func (n *Network) Edges() []Projection {
	var ps []Projection
	for l := range n.Layers {
		ly := &n.Layers[l]
		if ly.Weights == nil && ly.Conv == nil {
			continue
		}
		p := Projection{Name: ly.Name, From: Input(0), To: l, Kind: ProjDense, Weights: ly.Weights}
		if l > 0 {
			p.From = Population(l - 1)
		}
		if ly.Conv != nil {
			p.Kind, p.Conv = ProjConv, ly.Conv
		}
		ps = append(ps, p)
	}
	return append(ps, n.Projections...)
}

// Reachable reports, per population, whether a path of projections leads
// to it from some host input group. Importers use it to reject a graph
// whose outputs no input can influence.
func (n *Network) Reachable() []bool {
	seen := make([]bool, len(n.Layers))
	edges := n.Edges()
	var queue []int
	for _, p := range edges {
		if p.From.Kind == FromInput && p.To >= 0 && p.To < len(seen) && !seen[p.To] {
			seen[p.To] = true
			queue = append(queue, p.To)
		}
	}
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		for _, p := range edges {
			if p.From == Population(l) && p.To >= 0 && p.To < len(seen) && !seen[p.To] {
				seen[p.To] = true
				queue = append(queue, p.To)
			}
		}
	}
	return seen
}

// Neurons is the total number of neurons.
func (n *Network) Neurons() int {
	t := 0
	for _, l := range n.Layers {
		t += l.Size
	}
	return t
}

// maxSourceSize bounds sources and populations: event tags carry a source
// index in 31 bits (bit 31 marks a negative spike), graded ones in 24 bits
// (the low 8 carry the magnitude).
const (
	maxSourceSize       = 1 << 31
	maxGradedSourceSize = 1 << 24
)

// Validate checks the graph, shapes and weight ranges for a given weight
// width and reports every problem at once, naming the population,
// projection or input group and the field.
func (n *Network) Validate(weightBits int) error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if n.InputGroups != nil && (n.Inputs != 0 || n.GradedInput) {
		add("network %s: inputs (%d) and graded_input must be unset when input groups are given", n.Name, n.Inputs)
	}
	groups := n.Groups()
	for g, ig := range groups {
		lim := maxSourceSize - 1
		if ig.Graded {
			lim = maxGradedSourceSize - 1
		}
		if ig.Size < 1 || ig.Size > lim {
			add("network %s: input group %d (%s): size is %d, must be in [1, %d]", n.Name, g, ig.Name, ig.Size, lim)
		}
		if !ig.Shape.IsZero() && ig.Shape.Size() != ig.Size {
			add("network %s: input group %d (%s): shape %dx%dx%d has %d elements, the group has %d channels", n.Name, g, ig.Name, ig.Shape.C, ig.Shape.H, ig.Shape.W, ig.Shape.Size(), ig.Size)
		}
	}
	if len(n.Layers) == 0 {
		add("network %s has no layers", n.Name)
	}
	for l := range n.Layers {
		ly := &n.Layers[l]
		if ly.Size < 1 || ly.Size > maxSourceSize-1 {
			add("layer %s: size is %d, must be in [1, %d]", ly.Name, ly.Size, maxSourceSize-1)
			continue
		}
		if ly.Weights != nil && ly.Conv != nil {
			add("layer %s has both dense weights and a convolution", ly.Name)
		}
		if ly.Bias != nil && len(ly.Bias) != ly.Size {
			add("layer %s: %d biases, want %d", ly.Name, len(ly.Bias), ly.Size)
		}
		if ly.InitV != nil {
			n.validateInitV(ly, add)
		}
		if !ly.Shape.IsZero() && ly.Shape.Size() != ly.Size {
			add("layer %s: shape %dx%dx%d has %d elements, the layer has %d neurons", ly.Name, ly.Shape.C, ly.Shape.H, ly.Shape.W, ly.Shape.Size(), ly.Size)
		}
		if err := ly.Neuron.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("layer %s: %w", ly.Name, err))
		} else if err := ly.Vectors.Validate(ly.Neuron.Kind, ly.Size); err != nil {
			errs = append(errs, fmt.Errorf("layer %s: %w", ly.Name, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...) // projections are checked against valid nodes only
	}
	for _, p := range n.Edges() {
		errs = append(errs, n.validateProjection(&p, weightBits)...)
	}
	seen := map[int]bool{}
	for i, o := range n.Outputs {
		if o < 0 || o >= len(n.Layers) {
			add("network %s: output %d is population %d, want 0..%d", n.Name, i, o, len(n.Layers)-1)
		} else if seen[o] {
			add("network %s: output %d repeats population %s", n.Name, i, n.Layers[o].Name)
		}
		seen[o] = true
	}
	if n.Outputs != nil && len(n.Outputs) == 0 {
		add("network %s: outputs is empty (nil means the last layer)", n.Name)
	}
	return errors.Join(errs...)
}

// validateInitV checks a population's initial potentials: a kind that
// can set them, one per neuron, each in the 24-bit state. Only the first
// bad value is reported.
func (n *Network) validateInitV(ly *Layer, add func(string, ...any)) {
	if !ly.Neuron.Kind.SetsV() {
		add("layer %s: init_v is set, but model %s has no settable potential (lif, li, lif-2syn do)", ly.Name, ly.Neuron.Kind)
		return
	}
	if len(ly.InitV) != ly.Size {
		add("layer %s: %d initial potentials (init_v), want %d", ly.Name, len(ly.InitV), ly.Size)
		return
	}
	for ni, v := range ly.InitV {
		if v < -neuron.LIFStateMax || v > neuron.LIFStateMax {
			add("layer %s: init_v[%d] is %d, outside ±%d", ly.Name, ni, v, neuron.LIFStateMax)
			return
		}
	}
}

// validateProjection checks one projection against the (valid) nodes.
func (n *Network) validateProjection(p *Projection, weightBits int) []error {
	var errs []error
	name := p.Label(n)
	add := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("projection %s: "+format, append([]any{name}, a...)...))
	}
	in := n.SourceSize(p.From)
	switch {
	case p.From.Kind == FromInput && (p.From.Index < 0 || p.From.Index >= len(n.Groups())):
		add("source input group %d does not exist (%d groups)", p.From.Index, len(n.Groups()))
	case p.From.Kind == FromPopulation && (p.From.Index < 0 || p.From.Index >= len(n.Layers)):
		add("source population %d does not exist (%d layers)", p.From.Index, len(n.Layers))
	case p.From.Kind != FromInput && p.From.Kind != FromPopulation:
		add("source kind %d is undefined", p.From.Kind)
	}
	if p.To < 0 || p.To >= len(n.Layers) {
		add("target population %d does not exist (%d layers)", p.To, len(n.Layers))
	}
	if len(errs) > 0 {
		return errs
	}
	out := n.Layers[p.To].Size
	if p.Delay < 0 || p.Delay > MaxDelay {
		add("delay is %d timesteps, must be in [0, %d]", p.Delay, MaxDelay)
	}
	if p.WeightExp < 0 || p.WeightExp > MaxWeightExp {
		add("weight exponent is %d, must be in [0, %d]", p.WeightExp, MaxWeightExp)
	}
	if p.Port < 0 || p.Port >= MaxPorts {
		add("port is %d, must be in [0, %d]", p.Port, MaxPorts-1)
	} else if k := n.Layers[p.To].Neuron.Kind; p.Port >= k.Ports() {
		add("port is %d, but model %s of %s has %d synaptic input port(s) (0..%d)", p.Port, k, n.Layers[p.To].Name, k.Ports(), k.Ports()-1)
	}
	var ws []int8
	switch p.Kind {
	case ProjDense:
		if want := int64(in) * int64(out); int64(len(p.Weights)) != want {
			add("%d weights, want %d (%d inputs x %d neurons)", len(p.Weights), want, in, out)
		}
		ws = p.Weights
	case ProjOneToOne:
		if in != out {
			add("one-to-one needs as many sources (%d) as target neurons (%d)", in, out)
		} else if len(p.Weights) != out {
			add("%d weights, want %d (one per neuron)", len(p.Weights), out)
		}
		ws = p.Weights
	case ProjSparse:
		for i, s := range p.Synapses {
			if s.Pre < 0 || int(s.Pre) >= in || s.Post < 0 || int(s.Post) >= out {
				add("synapse %d (%d -> %d) is outside %d sources x %d neurons", i, s.Pre, s.Post, in, out)
				break
			}
		}
		qmax := int8(math.MaxInt8)
		if weightBits >= 2 && weightBits <= 8 {
			qmax = int8(1<<(weightBits-1) - 1)
		}
		for i, s := range p.Synapses {
			if s.Weight > qmax || s.Weight < -qmax {
				add("synapse %d weight is %d, outside the %d-bit range [%d, %d]", i, s.Weight, weightBits, -qmax, qmax)
				break
			}
		}
	case ProjConv:
		if p.Conv == nil {
			add("kind conv has no Conv")
			break
		}
		cv := p.Conv
		if err := cv.Validate(); err != nil {
			add("%w", err)
		} else if cv.In() != in || cv.Out() != out {
			add("conv maps %dx%dx%d -> %dx%dx%d, but the projection has %d inputs and %d neurons",
				cv.InC, cv.InH, cv.InW, cv.OutC, cv.OutH, cv.OutW, in, out)
		}
		ws = cv.Kernel
	default:
		add("kind %d is undefined", p.Kind)
	}
	if p.Kind != ProjDense && p.Kind != ProjOneToOne && p.Weights != nil {
		add("kind %s takes no Weights", p.Kind)
	}
	if p.Kind != ProjSparse && p.Synapses != nil {
		add("kind %s takes no Synapses", p.Kind)
	}
	if p.Kind != ProjConv && p.Conv != nil {
		add("kind %s takes no Conv", p.Kind)
	}
	if weightBits >= 2 && weightBits <= 8 {
		qmax := int8(1<<(weightBits-1) - 1)
		if i := slices.IndexFunc(ws, func(w int8) bool { return w > qmax || w < -qmax }); i >= 0 {
			add("weight %d is %d, outside the %d-bit range [%d, %d]", i, ws[i], weightBits, -qmax, qmax)
		}
	}
	return errs
}

// Connections is the number of synapses of layer l's chain projection:
// fan-in x neurons for a dense layer, the non-padding kernel taps of every
// neuron for a convolution, 0 without one.
func (n *Network) Connections(l int) int64 {
	ly := &n.Layers[l]
	switch {
	case ly.Conv != nil:
		p := Projection{Kind: ProjConv, Conv: ly.Conv}
		return p.Connections(n.In(l), ly.Size)
	case ly.Weights != nil:
		return int64(n.In(l)) * int64(ly.Size)
	}
	return 0
}
