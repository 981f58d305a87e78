package sanafe

import (
	"github.com/spikemesh/spikemesh/neuron"
)

// Limits on what a file may declare, checked before anything of that size
// is allocated. They are bounds of this importer, not of SANA-FE: a file
// 64 times the DVS network (18,678 neurons, about 3.6 M synapses) still
// fits.
const (
	// MaxNeurons bounds the neurons of one file (all groups).
	MaxNeurons = 1 << 22
	// MaxConnections bounds the synapses the edges of one file expand to,
	// all edges together (dense: source x target; conv2d: output neurons
	// x input channels x kernel; sparse: pairs; neuron edges: 1), checked
	// edge by edge as they are read, before any is expanded. 2^28 is 74
	// times the DVS network's 3.6 M; lowered, each connection takes at
	// most LowerBytesPerConnection bytes.
	MaxConnections = 1 << 28
	// MaxFileBytes bounds the size of a network or architecture file
	// (SANA-FE's DVS network is 735 KB).
	MaxFileBytes = 1 << 26
	// ParseBytesPerFileByte bounds the memory parsing takes per byte of
	// file: the YAML node tree. Measured with runtime.MemStats: 51 bytes
	// allocated per byte for dvs.yaml, 118 for a file that is one long
	// list of one-digit weights (the worst case: a node per two bytes).
	// Callers check size x ParseBytesPerFileByte against their memory
	// budget before parsing (spikemesh run: --max-memory).
	ParseBytesPerFileByte = 128
)

// Network is a SANA-FE network file as read: its groups, edges and
// mappings, in file order, with every attribute checked and typed.
type Network struct {
	Name     string
	Groups   []Group
	Edges    []Edge
	Mappings []Mapping
}

// Group is one neuron group: Size neurons sharing Attr, with per-neuron
// overrides in Neurons (later entries override earlier ones).
type Group struct {
	Name    string
	Size    int
	Attr    Attributes
	Neurons []NeuronRange
	Line    int
}

// NeuronRange is one entry of a group's neurons list: neurons [Lo, Hi)
// with the attributes given for them.
type NeuronRange struct {
	Lo, Hi int
	Attr   Attributes
}

// Field names an attribute Attributes can hold; Attributes.Has reports
// which were given.
type Field uint8

// The attributes of SANA-FE's leaky_integrate_fire soma and neuron
// configuration this importer understands.
const (
	FThreshold Field = iota
	FReset
	FResetMode
	FReverseThreshold
	FReverseReset
	FReverseResetMode
	FLeakDecay
	FInputDecay
	FBias
	FRefractoryDelay
	FForceUpdate
	FPotential
	FSomaHW
	FSynapseHW
	FDendriteHW
	FLogSpikes
	FLogPotential
	FLogU
	FSpikes // an input neuron's spike train (SANA-FE's input soma)
	numFields
)

// fieldNames are the attribute names as SANA-FE files spell them;
// force_update_every_timestep is an alias of force_update.
var fieldNames = [numFields]string{
	FThreshold: "threshold", FReset: "reset", FResetMode: "reset_mode",
	FReverseThreshold: "reverse_threshold", FReverseReset: "reverse_reset",
	FReverseResetMode: "reverse_reset_mode", FLeakDecay: "leak_decay",
	FInputDecay: "input_decay", FBias: "bias", FRefractoryDelay: "refractory_delay",
	FForceUpdate: "force_update", FPotential: "potential", FSomaHW: "soma_hw_name",
	FSynapseHW: "synapse_hw_name", FDendriteHW: "dendrite_hw_name",
	FLogSpikes: "log_spikes", FLogPotential: "log_potential", FLogU: "log_u",
	FSpikes: "spikes",
}

func (f Field) String() string { return fieldNames[f] }

// Attributes are the typed attributes of a group or neuron. Numbers are
// kept as SANA-FE reads them (float64); lowering checks what the chip
// can carry.
type Attributes struct {
	set                                  uint32 // bit f: field f given
	Threshold, Reset                     float64
	ReverseThreshold, ReverseReset       float64
	LeakDecay, InputDecay, Bias          float64
	Potential                            float64
	RefractoryDelay                      int
	ResetMode, ReverseResetMode          ResetMode
	ForceUpdate, LogSpikes, LogPotential bool
	LogU                                 bool
	SomaHW, SynapseHW, DendriteHW        string
	// Spikes is an input neuron's train: Spikes[t] fires it at timestep
	// t. A pointer keeps Attributes comparable.
	Spikes *[]bool
}

// Has reports whether field f was given.
func (a *Attributes) Has(f Field) bool { return a.set&(1<<f) != 0 }

func (a *Attributes) mark(f Field) { a.set |= 1 << f }

// Merge returns a with every field that b sets taken from b.
func (a Attributes) Merge(b Attributes) Attributes {
	out := a
	for f := Field(0); f < numFields; f++ {
		if !b.Has(f) {
			continue
		}
		out.mark(f)
		switch f {
		case FThreshold:
			out.Threshold = b.Threshold
		case FReset:
			out.Reset = b.Reset
		case FResetMode:
			out.ResetMode = b.ResetMode
		case FReverseThreshold:
			out.ReverseThreshold = b.ReverseThreshold
		case FReverseReset:
			out.ReverseReset = b.ReverseReset
		case FReverseResetMode:
			out.ReverseResetMode = b.ReverseResetMode
		case FLeakDecay:
			out.LeakDecay = b.LeakDecay
		case FInputDecay:
			out.InputDecay = b.InputDecay
		case FBias:
			out.Bias = b.Bias
		case FRefractoryDelay:
			out.RefractoryDelay = b.RefractoryDelay
		case FForceUpdate:
			out.ForceUpdate = b.ForceUpdate
		case FPotential:
			out.Potential = b.Potential
		case FSomaHW:
			out.SomaHW = b.SomaHW
		case FSynapseHW:
			out.SynapseHW = b.SynapseHW
		case FDendriteHW:
			out.DendriteHW = b.DendriteHW
		case FLogSpikes:
			out.LogSpikes = b.LogSpikes
		case FLogPotential:
			out.LogPotential = b.LogPotential
		case FLogU:
			out.LogU = b.LogU
		case FSpikes:
			out.Spikes = b.Spikes
		}
	}
	return out
}

// ResetMode is SANA-FE's reset_mode: what crossing the threshold does to
// the potential.
type ResetMode uint8

// The reset modes SANA-FE names.
const (
	ResetModeNone ResetMode = iota
	ResetModeHard
	ResetModeSoft
	ResetModeSaturate
)

var resetModeNames = [...]string{"none", "hard", "soft", "saturate"}

func (r ResetMode) String() string {
	if int(r) < len(resetModeNames) {
		return resetModeNames[r]
	}
	return "?"
}

// neuronReset maps a forward reset mode to the chip neuron's: SANA-FE's
// leaky_integrate_fire treats "saturate" like "none" for the forward
// threshold (it only resets for hard and soft).
func (r ResetMode) neuronReset() neuron.ResetMode {
	switch r {
	case ResetModeHard:
		return neuron.ResetHard
	case ResetModeSoft:
		return neuron.ResetSoft
	}
	return neuron.ResetNone
}

// EdgeKind is how an edge connects: one neuron to one neuron, or a whole
// group to a group (a hyperedge) densely, sparsely or by convolution.
type EdgeKind uint8

// The edge kinds.
const (
	EdgeNeuron EdgeKind = iota // "g.i -> h.j"
	EdgeDense
	EdgeSparse
	EdgeConv2D
)

var edgeKindNames = [...]string{"neuron", "dense", "sparse", "conv2d"}

func (k EdgeKind) String() string { return edgeKindNames[k] }

// Conv2D is the geometry of a conv2d hyperedge (no padding; SANA-FE's
// filter order is [ky][kx][c_in][c_out], its neurons channel-major).
type Conv2D struct {
	InW, InH, InC    int
	KW, KH, Count    int
	StrideW, StrideH int
}

// Edge is one entry of the edges list.
type Edge struct {
	Label    string // "src -> dst" as written, for messages
	From, To string // group names
	FromN    int    // source neuron (EdgeNeuron)
	ToN      int    // target neuron (EdgeNeuron)
	Kind     EdgeKind
	Conv     Conv2D
	Weights  []float64 // one per connection (EdgeNeuron: one)
	Delays   []float64 // nil, or one per connection
	Pairs    [][2]int  // EdgeSparse: (source, target) per connection
	Line     int
}

// Mapping pins neurons [Lo, Hi) of Group to core Core of tile Tile.
type Mapping struct {
	Group      string
	Lo, Hi     int
	Tile, Core int
	Line       int
}

// MaxSpikeTrain bounds an input neuron's spike train (timesteps).
const MaxSpikeTrain = 1 << 20

// IsInput reports whether group g is a group of input neurons: one that
// gives any neuron a spike train (SANA-FE's input soma model). Its
// neurons enter the chip as host input.
func (n *Network) IsInput(g int) bool {
	grp := &n.Groups[g]
	if grp.Attr.Has(FSpikes) {
		return true
	}
	for _, nr := range grp.Neurons {
		if nr.Attr.Has(FSpikes) {
			return true
		}
	}
	return false
}
