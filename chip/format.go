package chip

import (
	"fmt"
	"math/bits"
	"strings"
)

// SynapseFormat is how a core lays out a projection's weights in synaptic
// memory, which sets both how much memory it needs and how many bits an
// incoming spike reads.
type SynapseFormat uint8

const (
	// Dense stores one weight for every (input axon, neuron) pair, zeros
	// included; a spike reads its whole row: neurons x weight_bits bits.
	Dense SynapseFormat = iota
	// Sparse stores only non-zero weights, each with the index of its target
	// neuron (ceil(log2(neurons_per_core)) bits); a spike reads its row's
	// non-zero entries: nnz x (weight_bits + index bits) bits.
	Sparse
)

var formatNames = [...]string{Dense: "dense", Sparse: "sparse"}

func (f SynapseFormat) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("SynapseFormat(%d)", f)
}

// MarshalText implements encoding.TextMarshaler.
func (f SynapseFormat) MarshalText() ([]byte, error) {
	if int(f) >= len(formatNames) {
		return nil, fmt.Errorf("chip: invalid synapse format %d", f)
	}
	return []byte(f.String()), nil
}

// UnmarshalText accepts "dense" or "sparse".
func (f *SynapseFormat) UnmarshalText(b []byte) error {
	for i, n := range formatNames {
		if strings.EqualFold(string(b), n) {
			*f = SynapseFormat(i)
			return nil
		}
	}
	return fmt.Errorf("chip: unknown synapse format %q (valid: %s)", b, strings.Join(formatNames[:], ", "))
}

// IndexBits is the width of a neuron index within a core: the extra bits
// each sparse synapse entry stores.
func (c Config) IndexBits() int {
	if c.NeuronsPerCore <= 1 {
		return 1
	}
	return bits.Len(uint(c.NeuronsPerCore - 1))
}

// ConvWeights is how a core stores a convolutional projection.
type ConvWeights uint8

const (
	// PerConnection stores one weight per (source, neuron) connection, as
	// chips without weight sharing must (Loihi 1, TrueNorth).
	PerConnection ConvWeights = iota
	// SharedKernels stores each output channel's kernel once per core and
	// applies it to every position (Loihi 2's convolutional connections).
	SharedKernels
)

var convNames = [...]string{PerConnection: "per_connection", SharedKernels: "shared"}

func (c ConvWeights) String() string {
	if int(c) < len(convNames) {
		return convNames[c]
	}
	return fmt.Sprintf("ConvWeights(%d)", c)
}

// MarshalText implements encoding.TextMarshaler.
func (c ConvWeights) MarshalText() ([]byte, error) {
	if int(c) >= len(convNames) {
		return nil, fmt.Errorf("chip: invalid conv_weights %d", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText accepts "per_connection" or "shared".
func (c *ConvWeights) UnmarshalText(b []byte) error {
	for i, n := range convNames {
		if strings.EqualFold(string(b), n) {
			*c = ConvWeights(i)
			return nil
		}
	}
	return fmt.Errorf("chip: unknown conv_weights %q (valid: %s)", b, strings.Join(convNames[:], ", "))
}

// DeliveryMode is how a spike reaches several destination cores.
type DeliveryMode uint8

const (
	// Unicast sends one packet per destination core (Loihi, TrueNorth).
	Unicast DeliveryMode = iota
	// Multicast sends one packet per spike along a dimension-order tree,
	// copied at branch routers by routing-table entries (SpiNNaker).
	Multicast
)

var deliveryNames = [...]string{Unicast: "unicast", Multicast: "multicast"}

func (d DeliveryMode) String() string {
	if int(d) < len(deliveryNames) {
		return deliveryNames[d]
	}
	return fmt.Sprintf("DeliveryMode(%d)", d)
}

// MarshalText implements encoding.TextMarshaler.
func (d DeliveryMode) MarshalText() ([]byte, error) {
	if int(d) >= len(deliveryNames) {
		return nil, fmt.Errorf("chip: invalid delivery %d", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText accepts "unicast" or "multicast".
func (d *DeliveryMode) UnmarshalText(b []byte) error {
	for i, n := range deliveryNames {
		if strings.EqualFold(string(b), n) {
			*d = DeliveryMode(i)
			return nil
		}
	}
	return fmt.Errorf("chip: unknown delivery %q (valid: %s)", b, strings.Join(deliveryNames[:], ", "))
}
