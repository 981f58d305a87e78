package energy

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/internal/yamlstrict"
)

// Scaling makes two costs of a model depend on the chip it is applied to.
// It is set only in models built from generic operation energies (the
// generic-45nm preset); per-event figures measured on one chip already
// belong to that chip and have no Scaling. The zero value means "no
// scaling", and then ForChip returns the model unchanged.
//
// The rules, applied by ForChip for a chip with weight width w bits and
// S bytes of synaptic memory per core:
//
//	SynMemReadBitPJ' = SynMemReadBitPJ x (S / SRAMArrayBytesRef)^SRAMSizeExponent
//	SynapticMACPJ'   = SynapticOpPJ + (SynapticMACPJ - SynapticOpPJ) x w / MACWeightBitsRef
//
// The first is the SRAM read rule. The energy of one read is taken to grow
// linearly with the word width (every column read charges its own bitline)
// and with the square root of the array size (for a square array the
// bitline and wordline lengths grow as sqrt(size)); linear in width means a
// fixed energy per bit read, so a chip with wider weights pays through the
// number of bits it counts (Counts.SynMemReadBits), and a chip with a
// bigger array pays through the per-bit energy. With the generic-45nm
// reference (10 pJ per 64-bit read from an 8 KB array, Horowitz ISSCC
// 2014) and exponent 0.5 the rule gives 20 pJ for 32 KB and 113 pJ for
// 1 MB, against the 20 pJ and 100 pJ quoted from the same talk.
//
// The second is the multiplier rule. synaptic_mac is an accumulate
// (synaptic_op) plus a multiply of a graded input by a weight; the multiply
// part is scaled linearly with the weight width, because an array
// multiplier's energy grows with the product of its operand widths and the
// input width is fixed (8-bit graded input). Horowitz's 8x8-bit (0.2 pJ) and
// 32x32-bit (3.1 pJ) integer multiplies differ by 15.5x for a 16x larger
// width product, which is what the rule assumes.
type Scaling struct {
	SRAMArrayBytesRef int     // SynMemReadBitPJ is the per-bit read energy of an SRAM array of this many bytes
	SRAMSizeExponent  float64 // per-bit read energy grows as (array bytes / SRAMArrayBytesRef)^SRAMSizeExponent, in [0, 1]
	MACWeightBitsRef  int     // SynapticMACPJ - SynapticOpPJ is the multiply at this weight width
}

// YAML keys of the scaling section.
const (
	keySRAMArrayBytesRef = "sram_array_bytes_ref"
	keySRAMSizeExponent  = "sram_size_exponent"
	keyMACWeightBitsRef  = "mac_weight_bits_ref"
)

var scalingKeys = []string{keySRAMArrayBytesRef, keySRAMSizeExponent, keyMACWeightBitsRef}

// maxScalingInt bounds the integer fields (1 TiB of synaptic memory, 2^40
// bit weights): far beyond any chip, small enough that float64 is exact.
const maxScalingInt = 1 << 40

func (s Scaling) enabled() bool { return s != Scaling{} }

// problems checks s as part of model m. A zero Scaling is valid. A set one
// needs every field in range and SynapticMACPJ >= SynapticOpPJ (the multiply
// part cannot be negative).
func (s Scaling) problems(m Model) []error {
	if !s.enabled() {
		return nil
	}
	var errs []error
	if s.SRAMArrayBytesRef < 1 || s.SRAMArrayBytesRef > maxScalingInt {
		errs = append(errs, fmt.Errorf("scaling: %s (%d) must be in [1, %d] bytes", keySRAMArrayBytesRef, s.SRAMArrayBytesRef, maxScalingInt))
	}
	if math.IsNaN(s.SRAMSizeExponent) || s.SRAMSizeExponent < 0 || s.SRAMSizeExponent > 1 {
		errs = append(errs, fmt.Errorf("scaling: %s (%v) must be in [0, 1] (0.5 = square-root rule)", keySRAMSizeExponent, s.SRAMSizeExponent))
	}
	if s.MACWeightBitsRef < 1 || s.MACWeightBitsRef > 64 {
		errs = append(errs, fmt.Errorf("scaling: %s (%d) must be in [1, 64] bits", keyMACWeightBitsRef, s.MACWeightBitsRef))
	}
	if m.SynapticMACPJ < m.SynapticOpPJ {
		errs = append(errs, fmt.Errorf("scaling: synaptic_mac (%g pJ) must be >= synaptic_op (%g pJ): with scaling, synaptic_mac is synaptic_op plus a multiply",
			m.SynapticMACPJ, m.SynapticOpPJ))
	}
	return errs
}

// ForChip resolves the chip-dependent costs of m for a chip whose weights
// are weightBits wide and whose cores have synMemBytes bytes of synaptic
// memory each (chip.Config.WeightBits and SynapseMemoryBytes), using the
// rules documented on Scaling. The result has no Scaling, so it prices
// events directly and its YAML is a plain model; its Sources and
// Description say what was scaled and by how much. A model without Scaling
// is returned unchanged (with a copy of its Sources). Both arguments must
// be >= 1.
//
// Apply ForChip once, before Estimate and before Override, so that an
// override sets the final per-event value.
func (m Model) ForChip(weightBits, synMemBytes int) (Model, error) {
	if weightBits < 1 || weightBits > 64 {
		return Model{}, fmt.Errorf("energy: ForChip: weight bits (%d) must be in [1, 64]", weightBits)
	}
	if synMemBytes < 1 || synMemBytes > maxScalingInt {
		return Model{}, fmt.Errorf("energy: ForChip: synaptic memory (%d bytes) must be in [1, %d]", synMemBytes, maxScalingInt)
	}
	out := m
	out.Sources = maps.Clone(m.Sources)
	s := m.Scaling
	if !s.enabled() {
		return out, nil
	}
	if err := m.Validate(); err != nil {
		return Model{}, fmt.Errorf("energy: ForChip: %w", err)
	}
	memFactor := math.Pow(float64(synMemBytes)/float64(s.SRAMArrayBytesRef), s.SRAMSizeExponent)
	out.SynMemReadBitPJ = m.SynMemReadBitPJ * memFactor
	macFactor := float64(weightBits) / float64(s.MACWeightBitsRef)
	out.SynapticMACPJ = m.SynapticOpPJ + (m.SynapticMACPJ-m.SynapticOpPJ)*macFactor
	out.Scaling = Scaling{}
	if out.Sources == nil {
		out.Sources = map[string]string{}
	}
	note := func(key, what string) {
		if src := strings.TrimSpace(out.Sources[key]); src != "" {
			out.Sources[key] = src + "; " + what
		} else {
			out.Sources[key] = what
		}
	}
	note("syn_mem_read_bit", fmt.Sprintf("scaled for %d-byte synaptic memory: x (%d/%d)^%g = x %.6g",
		synMemBytes, synMemBytes, s.SRAMArrayBytesRef, s.SRAMSizeExponent, memFactor))
	note("synaptic_mac", fmt.Sprintf("multiply part scaled for %d-bit weights: x %d/%d", weightBits, weightBits, s.MACWeightBitsRef))
	resolved := fmt.Sprintf("Resolved for %d-bit weights and %d bytes of synaptic memory per core.", weightBits, synMemBytes)
	if out.Description == "" {
		out.Description = resolved
	} else {
		out.Description = strings.TrimSpace(out.Description) + " " + resolved
	}
	return out, nil
}

// scalingFromNode decodes the scaling section: a mapping with all three
// keys, integers for the sizes and a number for the exponent.
func scalingFromNode(v *yaml.Node) (Scaling, []error) {
	if v.Kind != yaml.MappingNode {
		return Scaling{}, []error{fmt.Errorf("line %d: scaling is %s; expected a mapping with keys %s",
			v.Line, kindName(v), strings.Join(scalingKeys, ", "))}
	}
	var (
		s    Scaling
		errs []error
		seen = map[string]bool{}
	)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, c := deref(v.Content[i]), deref(v.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Errorf("line %d: scaling: key is %s; expected one of %s", k.Line, kindName(k), strings.Join(scalingKeys, ", ")))
			continue
		}
		if seen[k.Value] {
			errs = append(errs, fmt.Errorf("line %d: scaling: key %s repeated", k.Line, yamlstrict.Key(k.Value)))
			continue
		}
		seen[k.Value] = true
		if c.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Errorf("line %d: scaling: %s is %s; expected a number", c.Line, k.Value, kindName(c)))
			continue
		}
		switch k.Value {
		case keySRAMArrayBytesRef, keyMACWeightBitsRef:
			n, err := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64)
			if err != nil || n < 1 || n > maxScalingInt {
				errs = append(errs, fmt.Errorf("line %d: scaling: %s is %q; expected a whole number in [1, %d]", c.Line, k.Value, c.Value, int64(maxScalingInt)))
				continue
			}
			if k.Value == keySRAMArrayBytesRef {
				s.SRAMArrayBytesRef = int(n)
			} else {
				s.MACWeightBitsRef = int(n)
			}
		case keySRAMSizeExponent:
			f, err := strconv.ParseFloat(strings.TrimSpace(c.Value), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				errs = append(errs, fmt.Errorf("line %d: scaling: %s is %q; expected a number in [0, 1]", c.Line, k.Value, c.Value))
				continue
			}
			s.SRAMSizeExponent = f
		default:
			errs = append(errs, fmt.Errorf("line %d: scaling: unknown key %s; expected %s", k.Line, yamlstrict.Key(k.Value), strings.Join(scalingKeys, ", ")))
		}
	}
	var missing []string
	for _, k := range scalingKeys {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("line %d: scaling: missing keys: %s", v.Line, strings.Join(missing, ", ")))
	}
	if len(errs) > 0 {
		return Scaling{}, errs
	}
	return s, nil
}

// node writes s as the YAML mapping scalingFromNode reads.
func (s Scaling) node() *yaml.Node {
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	num := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str(keySRAMArrayBytesRef), num(strconv.Itoa(s.SRAMArrayBytesRef)),
		str(keySRAMSizeExponent), num(strconv.FormatFloat(s.SRAMSizeExponent, 'g', -1, 64)),
		str(keyMACWeightBitsRef), num(strconv.Itoa(s.MACWeightBitsRef)),
	}}
}
