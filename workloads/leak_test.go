package workloads

import (
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
)

// TestLeakTrace: a leaky converted neuron (threshold 10, leak 1024/4096 =
// 25 % per step) against a trace computed by hand with the rule
// v = trunc(0.75 v) + in, spike when v >= 10, then v = 0:
//
//	in 4: v = 4, trunc(3)+4 = 7, trunc(5.25)+4 = 9, trunc(6.75)+4 = 10 -> spike, 0; then again
//	in -8 once, then 0: v = -8, trunc(-6) = -6, trunc(-4.5) = -4, -3, trunc(-2.25) = -2, trunc(-1.5) = -1, trunc(-0.75) = 0
//
// Without the leak (IF, reset to zero) the same input 4 fires every third
// step (4, 8, 12 -> spike).
func TestLeakTrace(t *testing.T) {
	o := ConvertOptions{Reset: ResetZero, Leak: 1024}
	p, err := o.ifNeuron("x", 10)
	if err != nil {
		t.Fatal(err)
	}
	run := func(p neuron.Params, in []int32) (vs []int32, spikes []int) {
		m, err := neuron.New(p, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		for step, x := range in {
			fired, _ := m.Step([]int32{x}, nil)
			if len(fired) > 0 {
				spikes = append(spikes, step+1)
			}
			vs = append(vs, m.(interface{ V() []int32 }).V()[0])
		}
		return vs, spikes
	}
	four := []int32{4, 4, 4, 4, 4, 4, 4, 4}
	vs, spikes := run(p, four)
	if want := []int32{4, 7, 9, 0, 4, 7, 9, 0}; !slices.Equal(vs, want) {
		t.Errorf("v with input 4: %v, want %v", vs, want)
	}
	if want := []int{4, 8}; !slices.Equal(spikes, want) {
		t.Errorf("spikes at steps %v, want %v", spikes, want)
	}
	vs, _ = run(p, []int32{-8, 0, 0, 0, 0, 0, 0})
	if want := []int32{-8, -6, -4, -3, -2, -1, 0}; !slices.Equal(vs, want) {
		t.Errorf("v decaying from -8: %v, want %v", vs, want)
	}
	ifz, err := ConvertOptions{Reset: ResetZero}.ifNeuron("x", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, spikes := run(ifz, four); !slices.Equal(spikes, []int{3, 6}) {
		t.Errorf("IF without leak spikes at %v, want [3 6]", spikes)
	}
	if _, err := o.ifNeuron("x", 1); err == nil || !strings.Contains(err.Error(), "threshold >= 2") {
		t.Errorf("threshold 1 with a leak: %v", err)
	}
}

func TestLeakOptions(t *testing.T) {
	base := ConvertOptions{Percentile: 99, WeightBits: 8}
	for _, c := range []struct {
		o    ConvertOptions
		want string
	}{
		{ConvertOptions{Reset: ResetZero, Leak: 4097}, "leak is 4097/4096, must be at most 4096/4096"},
		{ConvertOptions{Leak: 10}, "it needs reset zero, not subtract"},
		{ConvertOptions{Leak: 10, Method: MethodExact, Encoder: Pulse}, "leak is for rate conversion"},
	} {
		o := c.o
		o.Percentile, o.WeightBits = base.Percentile, base.WeightBits
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.o, err, c.want)
		}
	}
	// One step's input beyond the 24-bit current is refused.
	ly := &chip.Layer{Name: "fc", Size: 1, Neuron: neuron.Params{Kind: neuron.LIF, Threshold: 9}, Weights: slices.Repeat([]int8{127}, 300)}
	o := ConvertOptions{Reset: ResetZero, Leak: 10}
	if err := o.checkLeakInput(ly, 1); err != nil {
		t.Errorf("300 x 127 x 1: %v", err)
	}
	if err := o.checkLeakInput(ly, 255); err == nil || !strings.Contains(err.Error(), "sum of |weights| 38100 x input 255") {
		t.Errorf("300 x 127 x 255: %v", err)
	}
}
