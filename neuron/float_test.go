package neuron

import (
	"strings"
	"testing"
)

func TestFloatKindText(t *testing.T) {
	for k := FloatLIF; k < numFloatKinds; k++ {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back FloatKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%s: round trip gave %v, %v", k, back, err)
		}
	}
	var k FloatKind
	if err := k.UnmarshalText([]byte("lif")); err == nil || !strings.Contains(err.Error(), `unknown NIR neuron type "lif"`) {
		t.Errorf("lowercase lif: %v", err)
	}
	if _, err := FloatKind(99).MarshalText(); err == nil {
		t.Error("FloatKind(99).MarshalText: no error")
	}
}

// FloatParams.Validate reports every problem, naming the field and element.
func TestFloatParamsValidate(t *testing.T) {
	p := FloatParams{Kind: FloatCubaLIF, TauSyn: []float64{1e-3, -1e-3}, R: []float64{1, 2, 3},
		VLeak: []float64{0}, VThreshold: []float64{1}, Tau: []float64{1}}
	err := p.Validate(2)
	for _, want := range []string{
		"CubaLIF: tau_syn[1] (-0.001 s) must be > 0",
		"CubaLIF: field tau_mem is missing",
		"CubaLIF: field r has 3 values, want 1 or 2",
		"CubaLIF: field tau does not apply to this neuron type",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v, want it to contain %q", err, want)
		}
	}
	if _, err := NewFloat(FloatParams{Kind: FloatIF, R: []float64{1}, VThreshold: []float64{1}}, 1,
		FloatOptions{DT: 1e-4, Discretization: ExpRockpool}); err == nil || !strings.Contains(err.Error(), "rockpool is defined for LIF and LI only, not IF") {
		t.Errorf("rockpool IF: %v", err)
	}
}

// An Euler LI with a constant input converges to v_leak + r·x.
func TestFloatLIFSteadyState(t *testing.T) {
	p := FloatParams{Kind: FloatLI, Tau: []float64{1e-3}, R: []float64{2}, VLeak: []float64{0.5}}
	s, err := NewFloat(p, 1, FloatOptions{DT: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	in := []float64{0}
	for range 2000 {
		in[0] = 0.25
		s.Step(in, nil)
	}
	if v := s.V()[0]; v < 0.999999 || v > 1.000001 { // 0.5 + 2·0.25
		t.Errorf("steady state v = %v, want 1", v)
	}
}
