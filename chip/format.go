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

// synapseBits is the synaptic memory, in bits, that a group of neurons
// needs: in x n weights dense, or nnz entries with indices sparse.
func (c Config) synapseBits(in, n int, nnz int64) int64 {
	if c.SynapseFormat == Sparse {
		return nnz * int64(c.WeightBits+c.IndexBits())
	}
	return int64(in) * int64(n) * int64(c.WeightBits)
}
