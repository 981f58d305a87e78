package nir

import "fmt"

// Kind is the type of a NIR node, as named by its "type" string in the file.
type Kind uint8

// The node kinds of NIR up to v1.0.7 (nir/ir/*.py in github.com/neuromorphs/NIR).
const (
	KindInvalid   Kind = iota
	KindInput          // graph input; shape
	KindOutput         // graph output; shape
	KindAffine         // y = W x + b
	KindLinear         // y = W x
	KindScale          // y = s ⊙ x
	KindConv1d         // 1-D convolution, weight (C_out, C_in/groups, K)
	KindConv2d         // 2-D convolution, weight (C_out, C_in/groups, K_h, K_w)
	KindSumPool2d      // 2-D sum pooling
	KindAvgPool2d      // 2-D average pooling
	KindFlatten        // merge dimensions start_dim..end_dim
	KindDelay          // y(t) = x(t - d)
	KindThreshold      // z = [x > threshold]
	KindLIF            // leaky integrate-and-fire
	KindCubaLIF        // current-based LIF
	KindCubaLI         // current-based leaky integrator
	KindLI             // leaky integrator
	KindIF             // integrate-and-fire
	KindI              // integrator
	KindGraph          // nested NIRGraph
	numKinds
)

// kindNames are the exact "type" strings NIR writes (type(self).__name__).
var kindNames = [numKinds]string{
	KindInvalid:   "invalid",
	KindInput:     "Input",
	KindOutput:    "Output",
	KindAffine:    "Affine",
	KindLinear:    "Linear",
	KindScale:     "Scale",
	KindConv1d:    "Conv1d",
	KindConv2d:    "Conv2d",
	KindSumPool2d: "SumPool2d",
	KindAvgPool2d: "AvgPool2d",
	KindFlatten:   "Flatten",
	KindDelay:     "Delay",
	KindThreshold: "Threshold",
	KindLIF:       "LIF",
	KindCubaLIF:   "CubaLIF",
	KindCubaLI:    "CubaLI",
	KindLI:        "LI",
	KindIF:        "IF",
	KindI:         "I",
	KindGraph:     "NIRGraph",
}

// String returns the NIR type name of k, e.g. "CubaLIF".
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind returns the Kind whose NIR type name is s.
func ParseKind(s string) (Kind, bool) {
	for k := KindInput; k < numKinds; k++ {
		if kindNames[k] == s {
			return k, true
		}
	}
	return KindInvalid, false
}

// IsNeuron reports whether k is a neuron model with state (LIF, CubaLIF,
// CubaLI, LI, IF, I). Threshold is stateless and not included.
func (k Kind) IsNeuron() bool {
	switch k {
	case KindLIF, KindCubaLIF, KindCubaLI, KindLI, KindIF, KindI:
		return true
	}
	return false
}
