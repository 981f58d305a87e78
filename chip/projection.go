package chip

import (
	"fmt"
	"strings"
)

// ProjKind is the connectivity of a projection.
type ProjKind uint8

const (
	// ProjDense connects every source to every target neuron:
	// Weights[pre*Out+post], In x Out row-major (zeros are absent synapses
	// for the sparse row format, stored zeros for the dense one).
	ProjDense ProjKind = iota
	// ProjSparse is an explicit list of synapses (Projection.Synapses).
	ProjSparse
	// ProjConv is a convolution with a shared kernel (Projection.Conv);
	// pooling is a depthwise convolution with a constant kernel.
	ProjConv
	// ProjOneToOne connects source i to target neuron i with weight
	// Weights[i] (NIR's Scale, or an identity with a per-neuron gain);
	// In must equal Out.
	ProjOneToOne
)

var projKindNames = [...]string{ProjDense: "dense", ProjSparse: "sparse", ProjConv: "conv", ProjOneToOne: "one-to-one"}

func (k ProjKind) String() string {
	if int(k) < len(projKindNames) {
		return projKindNames[k]
	}
	return fmt.Sprintf("ProjKind(%d)", k)
}

// MarshalText implements encoding.TextMarshaler.
func (k ProjKind) MarshalText() ([]byte, error) {
	if int(k) >= len(projKindNames) {
		return nil, fmt.Errorf("chip: invalid projection kind %d", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText accepts "dense", "sparse", "conv" or "one-to-one".
func (k *ProjKind) UnmarshalText(b []byte) error {
	for i, n := range projKindNames {
		if strings.EqualFold(string(b), n) {
			*k = ProjKind(i)
			return nil
		}
	}
	return fmt.Errorf("chip: unknown projection kind %q (valid: %s)", b, strings.Join(projKindNames[:], ", "))
}

// SourceKind says whether a projection's presynaptic side is a host input
// group or a population.
type SourceKind uint8

const (
	// FromPopulation: Source.Index is an index into Network.Layers.
	FromPopulation SourceKind = iota
	// FromInput: Source.Index is an index into Network.InputGroups.
	FromInput
)

// Source names a projection's presynaptic side.
type Source struct {
	Kind  SourceKind
	Index int
}

// Population returns the Source for population (layer) l.
func Population(l int) Source { return Source{Kind: FromPopulation, Index: l} }

// Input returns the Source for host input group g.
func Input(g int) Source { return Source{Kind: FromInput, Index: g} }

func (s Source) String() string {
	if s.Kind == FromInput {
		return fmt.Sprintf("input %d", s.Index)
	}
	return fmt.Sprintf("population %d", s.Index)
}

// Synapse is one connection of a sparse projection: source Pre (a neuron
// of the source population or a channel of the input group) to target
// neuron Post with an integer weight. Repeated (Pre, Post) pairs are
// separate synapses whose weights add.
type Synapse struct {
	Pre, Post int32
	Weight    int8
}

// MaxDelay is the largest axonal delay of a projection, in timesteps: a
// design limit of the engine (a core keeps at most MaxDelay+1 inbox slots
// per incoming projection, a slot index that fits a byte), not a hardware
// figure: no chip preset states a delay limit. See docs/mapping.md.
const MaxDelay = 255

// MaxWeightExp is the largest weight exponent of a projection: a weight w
// contributes w << WeightExp state units. 13 is Loihi's largest effective
// shift (weight exponent up to 7 plus the fixed 6-bit shift of synaptic
// input, Lava's Dense and LIF models); see docs/mapping.md.
const MaxWeightExp = 13

// MaxPorts is the largest number of synaptic input ports a target neuron
// may have: port 0 (every kind) and port 1 (lif-2syn's second current,
// the inhibitory current of Brian2's CUBA benchmark; see
// neuron.Kind.Ports). It is an engine design limit, not a hardware one.
const MaxPorts = 2

// Projection is a set of synapses from one source (a host input group or a
// population, possibly the target itself) to one target population.
//
// Timing: a spike the source fires at timestep t (for a host input group:
// the input frame of timestep t) is integrated by the target at timestep
// t+1+Delay. Delay 0 is the one-step pipeline of every chip; it also
// breaks every cycle, so recurrent projections and self-connections need
// no delay.
//
// Units: a weight w adds w << WeightExp to the target's synaptic input
// (state units of its neuron model); graded input events multiply it by
// their magnitude first.
type Projection struct {
	Name string // for messages and reports; "" = "<source>-><target>"
	From Source
	To   int // target population: index into Network.Layers
	Kind ProjKind
	// Weights: ProjDense In x Out row-major (Weights[pre*Out+post]);
	// ProjOneToOne one per neuron. nil for the other kinds.
	Weights  []int8
	Synapses []Synapse // ProjSparse
	Conv     *Conv     // ProjConv
	// Delay is the axonal delay in timesteps, 0..MaxDelay.
	Delay int
	// WeightExp scales every weight by 2^WeightExp, 0..MaxWeightExp, so
	// that quantized weights keep their range (Loihi's weight exponent).
	WeightExp int
	// Port selects the target neurons' synaptic input, 0..Ports()-1 of
	// the target's kind (neuron.Kind.Ports): each port has its own
	// accumulator on the core and its own current in the neuron.
	Port int
}

// Label is the projection's name for messages: Name, or "src->dst".
func (p *Projection) Label(n *Network) string {
	if p.Name != "" {
		return p.Name
	}
	src := "?"
	switch {
	case p.From.Kind == FromInput && p.From.Index >= 0 && p.From.Index < len(n.Groups()):
		src = n.Groups()[p.From.Index].Name
		if src == "" {
			src = fmt.Sprintf("input%d", p.From.Index)
		}
	case p.From.Kind == FromPopulation && p.From.Index >= 0 && p.From.Index < len(n.Layers):
		src = n.Layers[p.From.Index].Name
	}
	dst := "?"
	if p.To >= 0 && p.To < len(n.Layers) {
		dst = n.Layers[p.To].Name
	}
	return src + "->" + dst
}

// Connections is the number of synapses of the projection (padding taps
// of a convolution excluded, zero dense weights included).
func (p *Projection) Connections(in, out int) int64 {
	switch p.Kind {
	case ProjDense:
		return int64(in) * int64(out)
	case ProjSparse:
		return int64(len(p.Synapses))
	case ProjOneToOne:
		return int64(out)
	}
	var c int64
	for j := 0; j < out; j++ {
		p.Conv.Sources(j, func(int, int8) { c++ })
	}
	return c
}
