package chip

import (
	"fmt"
	"math/bits"

	"github.com/spikemesh/spikemesh/neuron"
)

// This file checks a network's neuron parameters against the numeric
// limits of the chip description (Config.DecayBits, Config.VoltageBits).
// The simulator's models keep their own widths (neuron package: 12-bit
// decays in 1/4096 units, 24-bit CUBA state, 31-bit IF state); a chip with
// fewer bits refuses a population whose parameters it cannot store, and
// Map reports it with every other violation.

// decayBitsNeeded is the bits a decay d/4096 needs: a register of b bits
// holds multiples of 2^(12-b)/4096, so 0 < d < 4096 needs 12 minus its
// trailing zero bits.
//
// No decay (0) and full decay (4096) need none, by choice: neither is a
// value the decay multiplier uses. With no decay the state is kept as it
// is; with full decay it is not kept at all (decay(x, 4096) = 0: the
// current of a plain LIF or IF neuron, whose input acts within the step,
// or a memoryless potential), a mode of the compartment, not a register
// value. Counted as a register value, 4096 would need 13 bits and no
// 12-bit chip (loihi) could run a plain LIF neuron. Loihi's own 12-bit
// registers stop at 4095 (Lava's bit-accurate LIF, lava-nc/lava
// proc/lif/models.py), whose step trunc(x/4096) equals full decay only
// for |x| < 4096; the simulator clears exactly. docs/chips.md, "Neuron
// numerics".
func decayBitsNeeded(d uint16) int {
	if d == 0 || d >= neuron.DecayMax {
		return 0
	}
	return 12 - bits.TrailingZeros16(d)
}

// signedBits is the two's-complement width that holds x.
func signedBits(x int64) int {
	if x < 0 {
		x = -x - 1
	}
	return bits.Len64(uint64(x)) + 1
}

// need is the largest requirement found in a population and its source.
type need struct {
	bits int
	what string
}

func (n *need) add(b int, format string, a ...any) {
	if b > n.bits {
		n.bits, n.what = b, fmt.Sprintf(format, a...)
	}
}

// decayNeed is the most decay bits a population's decays need.
func decayNeed(ly *Layer) need {
	var n need
	p := ly.Neuron
	if p.Kind != neuron.LIF && p.Kind != neuron.LI && p.Kind != neuron.LIF2Syn {
		return n // IF and BIF kinds have no decay
	}
	n.add(decayBitsNeeded(p.DecayU), "decay_u %d/4096", p.DecayU)
	n.add(decayBitsNeeded(p.DecayV), "decay_v %d/4096", p.DecayV)
	n.add(decayBitsNeeded(p.DecayU2), "decay_u2 %d/4096", p.DecayU2)
	for j, d := range ly.Vectors.DecayU {
		n.add(decayBitsNeeded(d), "neuron %d's decay_u %d/4096", j, d)
	}
	for j, d := range ly.Vectors.DecayV {
		n.add(decayBitsNeeded(d), "neuron %d's decay_v %d/4096", j, d)
	}
	return n
}

// voltageNeed is the most signed bits a population's stored potentials
// need: threshold, reset, bias and initial potential, scalar or per neuron.
func voltageNeed(ly *Layer) need {
	var n need
	p := ly.Neuron
	n.add(signedBits(int64(p.Threshold)), "threshold %d", p.Threshold)
	n.add(signedBits(int64(p.Reset)), "reset %d", p.Reset)
	for j, x := range ly.Vectors.Threshold {
		n.add(signedBits(int64(x)), "neuron %d's threshold %d", j, x)
	}
	for j, x := range ly.Vectors.Reset {
		n.add(signedBits(int64(x)), "neuron %d's reset %d", j, x)
	}
	for j, x := range ly.Bias {
		n.add(signedBits(int64(x)), "neuron %d's bias %d", j, x)
	}
	for j, x := range ly.InitV {
		n.add(signedBits(int64(x)), "neuron %d's initial potential %d", j, x)
	}
	return n
}

// numericErrors names every population whose decays or potentials need
// more bits than the chip gives.
func numericErrors(net *Network, cfg Config) []error {
	var errs []error
	for i := range net.Layers {
		ly := &net.Layers[i]
		if cfg.DecayBits > 0 {
			if n := decayNeed(ly); n.bits > cfg.DecayBits {
				errs = append(errs, Violation{Layer: ly.Name, Group: n.what + ", model " + ly.Neuron.Kind.String(), Limit: "decay_bits",
					Needed: int64(n.bits), Available: int64(cfg.DecayBits),
					Suggestion: fmt.Sprintf("use decays that are multiples of %d/4096 (time constants the chip can store), or raise decay_bits", 1<<(12-min(cfg.DecayBits, 12)))})
			}
		}
		if cfg.VoltageBits > 0 {
			if n := voltageNeed(ly); n.bits > cfg.VoltageBits {
				errs = append(errs, Violation{Layer: ly.Name, Group: n.what + ", model " + ly.Neuron.Kind.String(), Limit: "voltage_bits",
					Needed: int64(n.bits), Available: int64(cfg.VoltageBits),
					Suggestion: "lower the weight scale (thresholds and biases are in weight units: lower weight_bits), or raise voltage_bits"})
			}
		}
	}
	return errs
}
