package workloads

import (
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// TestConvertReset: the reset mode picks the IF model of every converted
// layer and changes nothing else.
func TestConvertReset(t *testing.T) {
	sub, err := ConvertNet(tinyMLP(), tinyCalib(), ConvertOptions{Percentile: 100, WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	zero, err := ConvertNet(tinyMLP(), tinyCalib(), ConvertOptions{Percentile: 100, WeightBits: 8, Reset: ResetZero})
	if err != nil {
		t.Fatal(err)
	}
	for l, ly := range zero.Net.Layers {
		s := sub.Net.Layers[l]
		if s.Neuron.Kind != neuron.IFSubtract || ly.Neuron.Kind != neuron.IFZero {
			t.Errorf("layer %s: models %s (default) and %s (reset zero)", ly.Name, s.Neuron.Kind, ly.Neuron.Kind)
		}
		s.Neuron.Kind = ly.Neuron.Kind
		if s.Neuron != ly.Neuron || !slices.Equal(s.Weights, ly.Weights) {
			t.Errorf("layer %s: the reset mode changed more than the model", ly.Name)
		}
	}
	var r ResetMode
	if err := r.UnmarshalText([]byte("half")); err == nil || !strings.Contains(err.Error(), "subtract, zero") {
		t.Errorf("unknown mode: %v", err)
	}
	opt := ConvertOptions{Percentile: 100, WeightBits: 8, Method: MethodExact, Encoder: Pulse, Reset: ResetZero}
	if err := opt.Validate(); err == nil || !strings.Contains(err.Error(), "reset zero is for rate conversion") {
		t.Errorf("exact conversion with reset zero: %v", err)
	}
}
