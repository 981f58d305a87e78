package neuron

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestQuantizeLIF checks the mapping of lif_norse.nir's LIF (tau 2.5 ms,
// r 1, v_leak 0, v_threshold 0.1) at dt = 0.1 ms, worked by hand:
// a = dt/tau = 0.04; S = 2^floor(log2(2^20/0.1)) = 2^23; threshold =
// round(0.1·2^23) = 838861; dv = round(4096·0.04) = round(163.84) = 164;
// du = 4096 (NIR's LIF has no synaptic current); gain = 2^23·164/4096 =
// 335872 (the quantized leak fraction, so the steady state is exact).
func TestQuantizeLIF(t *testing.T) {
	p := FloatParams{Kind: FloatLIF, Tau: []float64{2.5e-3}, R: []float64{1}, VLeak: []float64{0}, VThreshold: []float64{0.1}}
	q, err := Quantize(p, 3, QuantizeOptions{DT: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	want := Params{Kind: LIF, Threshold: 838861, DecayU: 4096, DecayV: 164}
	if q.Params != want || !q.Vectors.Empty() || q.Bias != nil || q.Scale != 1<<23 {
		t.Fatalf("Quantize = %+v, want params %+v, no vectors, no bias, scale 2^23", q, want)
	}
	for ni, g := range q.InputGain {
		if g != 335872 {
			t.Errorf("gain[%d] = %v, want 335872", ni, g)
		}
	}
	if _, err := New(q.Params, 3, q.Bias); err != nil {
		t.Fatalf("quantized params do not build: %v", err)
	}
}

// TestQuantizeKinds covers every NIR kind's chip kind and decays, vectors
// for differing neurons, and the bias from v_leak.
func TestQuantizeKinds(t *testing.T) {
	one := []float64{1}
	cases := []struct {
		p             FloatParams
		kind          Kind
		du, dv        uint16
		gain          float64 // per unit scale
		vectorsWanted bool
		biasPerScale  float64
	}{
		{FloatParams{Kind: FloatCubaLIF, TauSyn: []float64{1e-3}, TauMem: []float64{2e-3}, R: []float64{2}, VLeak: []float64{0.5},
			VThreshold: one, WIn: []float64{3}}, LIF, 410, 205, 205.0 / 4096 * 2 * 410 / 4096 * 3, false, 205.0 / 4096 * 0.5},
		{FloatParams{Kind: FloatCubaLI, TauSyn: []float64{1e-3}, TauMem: []float64{2e-3}, R: one, VLeak: []float64{0}}, LI, 410, 205, 205.0 / 4096 * 410 / 4096, false, 0},
		{FloatParams{Kind: FloatLI, Tau: []float64{4e-3}, R: one, VLeak: []float64{0}}, LI, 4096, 102, 102.0 / 4096, false, 0},
		// tau = 1 s: 4096·dt/tau = 0.41 rounds to dv = 0 (no leak); the gain keeps dt/tau.
		{FloatParams{Kind: FloatLI, Tau: one, R: one, VLeak: []float64{0}}, LI, 4096, 0, 1e-4, false, 0},
		{FloatParams{Kind: FloatIF, R: []float64{2}, VThreshold: []float64{1, 2}}, LIF, 4096, 0, 2, true, 0},
		{FloatParams{Kind: FloatI, R: one}, LI, 4096, 0, 1, false, 0},
		{FloatParams{Kind: FloatThreshold, VThreshold: one}, LIF, 4096, 4096, 1, false, 0},
	}
	for _, tc := range cases {
		q, err := Quantize(tc.p, 2, QuantizeOptions{DT: 1e-4})
		if err != nil {
			t.Fatalf("%s: %v", tc.p.Kind, err)
		}
		du, dv := q.Params.DecayU, q.Params.DecayV
		if q.Params.Kind != tc.kind || du != tc.du || dv != tc.dv {
			t.Errorf("%s: kind %s du %d dv %d, want %s %d %d", tc.p.Kind, q.Params.Kind, du, dv, tc.kind, tc.du, tc.dv)
		}
		if got := q.InputGain[1] / q.Scale; math.Abs(got-tc.gain) > 1e-12 {
			t.Errorf("%s: gain/scale %v, want %v", tc.p.Kind, got, tc.gain)
		}
		if (q.Vectors.Threshold != nil) != tc.vectorsWanted {
			t.Errorf("%s: threshold vector %v, wanted: %v", tc.p.Kind, q.Vectors.Threshold, tc.vectorsWanted)
		}
		wantBias := int32(math.Round(tc.biasPerScale * q.Scale))
		if (wantBias == 0) != (q.Bias == nil) || (q.Bias != nil && q.Bias[0] != wantBias) {
			t.Errorf("%s: bias %v, want %d", tc.p.Kind, q.Bias, wantBias)
		}
		if _, err := NewWithVectors(q.Params, 2, q.Bias, q.Vectors); err != nil {
			t.Errorf("%s: quantized model does not build: %v", tc.p.Kind, err)
		}
	}
	// IF with thresholds 1 and 2: S = 2^19 (2·2^19 = 2^20).
	q, _ := Quantize(FloatParams{Kind: FloatIF, R: one, VThreshold: []float64{1, 2}}, 2, QuantizeOptions{DT: 1e-4})
	if !slices.Equal(q.Vectors.Threshold, []int32{1 << 19, 1 << 20}) || q.Scale != 1<<19 {
		t.Errorf("IF thresholds %v scale %v, want [2^19 2^20] 2^19", q.Vectors.Threshold, q.Scale)
	}
}

func TestQuantizeErrors(t *testing.T) {
	lif := func(tau, vth float64) FloatParams {
		return FloatParams{Kind: FloatLIF, Tau: []float64{tau}, R: []float64{1}, VLeak: []float64{0}, VThreshold: []float64{vth}}
	}
	cases := []struct {
		p    FloatParams
		opt  QuantizeOptions
		want string
	}{
		{lif(5e-5, 1), QuantizeOptions{DT: 1e-4}, "LIF: tau[0] (5e-05 s) is shorter than dt"},
		{lif(1e-3, -1), QuantizeOptions{DT: 1e-4}, "LIF: v_threshold[0] (-1) must be > 0"},
		{lif(1e-3, 1), QuantizeOptions{DT: 1e-4, Scale: 3}, "scale (3) must be a power of two"},
		{lif(1e-3, 1), QuantizeOptions{DT: 0}, "dt (0 s) must be finite and > 0"},
		{lif(1e-3, 1), QuantizeOptions{DT: 1e-4, Scale: 1 << 24}, "v_threshold[0] is 1.6777216e+07 state units"},
		{lif(math.NaN(), 1), QuantizeOptions{DT: 1e-4}, "LIF: tau[0] is NaN"},
	}
	for _, tc := range cases {
		_, err := Quantize(tc.p, 1, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to contain %q", err, tc.want)
		}
	}
}

func TestQuantizeWeights(t *testing.T) {
	q, err := QuantizeWeights([]float64{1000, -10, 0.3, -1004}, 8)
	if err != nil {
		t.Fatal(err)
	}
	// max |w| 1004: 1004/8 = 125.5 -> 126 <= 127, so exp 3.
	if q.Exp != 3 || !slices.Equal(q.Mant, []int8{125, -1, 0, -126}) || q.Value(3) != -1008 {
		t.Errorf("QuantizeWeights = %+v (value 3: %d), want exp 3, mant [125 -1 0 -126], -1008", q, q.Value(3))
	}
	q, _ = QuantizeWeights([]float64{3.4, -2.6}, 3) // qmax 3, exp 0
	if q.Exp != 0 || !slices.Equal(q.Mant, []int8{3, -3}) {
		t.Errorf("3-bit: %+v", q)
	}
	q, _ = QuantizeWeights([]float64{2.5, 3.5, -2.5, 0.5}, 8) // ties to even, as torch.round
	if q.Exp != 0 || !slices.Equal(q.Mant, []int8{2, 4, -2, 0}) {
		t.Errorf("ties: %+v, want mant [2 4 -2 0]", q)
	}
	for _, bad := range []struct {
		w    []float64
		bits int
		want string
	}{
		{[]float64{1}, 9, "weight_bits (9) must be in [2, 8]"},
		{[]float64{math.Inf(1)}, 8, "weight[0] is +Inf"},
		{[]float64{1e12}, 8, "exceeds 127·2^16"},
	} {
		if _, err := QuantizeWeights(bad.w, bad.bits); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("QuantizeWeights(%v, %d): %v, want %q", bad.w, bad.bits, err, bad.want)
		}
	}
}

// TestQuantizedMatchesFloatExactly ties the two numerics together where
// both are exact (Lava's style: the float series must equal the fixed-point
// one divided by the scale): IF, I and Threshold have no decay, so with
// dyadic inputs (multiples of 1/64) and thresholds, v_chip/S equals v_float
// bit for bit and every spike matches, over a seeded random input series.
func TestQuantizedMatchesFloatExactly(t *testing.T) {
	cases := []FloatParams{
		{Kind: FloatIF, R: []float64{1, 2}, VThreshold: []float64{1, 1.5}, VReset: []float64{-0.25, 0}},
		{Kind: FloatI, R: []float64{0.5, 4}},
		{Kind: FloatThreshold, VThreshold: []float64{0.25, 0.5}},
	}
	for _, p := range cases {
		q, err := Quantize(p, 2, QuantizeOptions{DT: 1e-4})
		if err != nil {
			t.Fatalf("%s: %v", p.Kind, err)
		}
		chip, err := NewWithVectors(q.Params, 2, q.Bias, q.Vectors)
		if err != nil {
			t.Fatalf("%s: %v", p.Kind, err)
		}
		ref, err := NewFloat(p, 2, FloatOptions{DT: 1e-4})
		if err != nil {
			t.Fatal(err)
		}
		rng := newTestRand(3)
		in, fin := make([]int32, 2), make([]float64, 2)
		for step := range 500 {
			for ni := range 2 {
				x := float64(rng.IntN(129)-60) / 64 // −0.94 .. 1.06 in steps of 1/64
				fin[ni] = x
				in[ni] = int32(x * q.InputGain[ni]) // exact: gain is S·r, a power of two times a dyadic r
			}
			cf, _ := chip.Step(in, nil)
			ff := ref.Step(fin, nil)
			if !slices.Equal(cf, ff) {
				t.Fatalf("%s step %d: chip fired %v, float %v", p.Kind, step, cf, ff)
			}
			for ni := range 2 {
				if p.Kind == FloatThreshold && slices.Contains(ff, int32(ni)) {
					continue // stateless: the float shows the input, the chip its reset value
				}
				if got, want := float64(chip.V()[ni])/q.Scale, ref.V()[ni]; got != want {
					t.Fatalf("%s step %d neuron %d: v_chip/S = %v, v_float = %v", p.Kind, step, ni, got, want)
				}
			}
		}
	}
}

func newTestRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 9)) }
