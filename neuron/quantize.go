package neuron

import (
	"errors"
	"fmt"
	"math"
)

// Quantization constants (docs/nir.md, "From float to fixed point").
const (
	// ThresholdTarget is the largest |v_threshold| or |v_reset| of a node
	// after scaling to state units: 2^20, three bits below the 24-bit
	// saturation limit, so v can overshoot the threshold by 8x (a burst of
	// input in one step) before it saturates. Lava's bit-accurate LIF
	// compares against a threshold mantissa shifted left by 6 (vth << 6) in
	// the same 24-bit state; the headroom is spikemesh's choice
	// (docs/nir.md, "What spikemesh does").
	ThresholdTarget = 1 << 20
	// DefaultReadoutScale is the state units per float voltage unit for
	// nodes that never fire (LI, CubaLI, I) when QuantizeOptions.Scale is 0:
	// 2^12, so |v| up to 2048 float units fits the 24-bit range. A caller
	// that knows the float voltages' range should set Scale instead.
	DefaultReadoutScale = 1 << 12
	// MaxWeightExp bounds the weight exponent: mantissa·2^exp must stay in
	// the 24-bit state range for any 8-bit mantissa.
	MaxWeightExp = 16
)

// QuantizeOptions control Quantize.
type QuantizeOptions struct {
	DT    float64 // time step, s, > 0 (the same dt as the float reference)
	Scale float64 // state units per float voltage unit; 0 = derived (see Quantize); else a power of two >= 1
}

// Quantized is one NIR neuron node mapped to the chip's fixed point.
type Quantized struct {
	Params  Params  // Kind LIF (firing NIR kinds) or LI (LI, CubaLI, I); scalars used when Vectors has none
	Vectors Vectors // per-neuron threshold, decays and reset where the node's values differ between neurons
	Bias    []int32 // per-neuron bias, state units, added to v every step; nil when all are 0
	// Scale is the state units per float voltage unit (a power of two):
	// float v ≈ chip v / Scale.
	Scale float64
	// InputGain[ni] is the state units added to neuron ni's current u per
	// unit of the node's float input x (its summed synaptic input). The
	// chip's integer weight into ni is float weight × InputGain[ni],
	// quantized by QuantizeWeights.
	InputGain []float64
}

// Quantize maps a NIR neuron node (n neurons, FloatParams as read from the
// file) to the chip's CUBA model, as Lava-dl's NIR import maps a CubaLIF to
// a Loihi CUBA neuron (decays as fractions of 4096 per step, threshold and
// input scaled into the integer state), with NIR's forward-Euler meaning
// at dt (a = dt/tau, a_s = dt/tau_syn, a_m = dt/tau_mem, S = Scale; in the
// gains and biases, a, a_s and a_m stand for the quantized fractions
// dv/4096 and du/4096, see effective):
//
//	LIF:       LIF, du = 4096,           dv = round(4096·a),   gain = S·a·r,             bias = round(S·a·v_leak)
//	CubaLIF:   LIF, du = round(4096·a_s), dv = round(4096·a_m), gain = S·a_m·r·a_s·w_in, bias = round(S·a_m·v_leak)
//	CubaLI:    LI,  as CubaLIF
//	LI:        LI,  as LIF
//	IF:        LIF, du = 4096,           dv = 0,               gain = S·r
//	I:         LI,  as IF
//	Threshold: LIF, du = 4096,           dv = 4096,            gain = S
//
// and Threshold = round(S·v_threshold), Reset = round(S·v_reset). Rounding
// is to nearest, ties to even (math.RoundToEven), as lava-dl's slayer
// quantize (torch.round). S is the largest power
// of two with S·max|v_threshold, v_reset| <= ThresholdTarget for firing
// kinds, DefaultReadoutScale for the others, unless opt.Scale is set.
//
// Errors name the field and neuron: dt > tau (Euler overshoots; the decay
// would exceed 4096), a threshold <= 0 or one that rounds below 1 (Loihi's
// threshold is unsigned and v must exceed it), a bias or reset outside the
// 24-bit state, and anything FloatParams.Validate rejects.
func Quantize(p FloatParams, n int, opt QuantizeOptions) (Quantized, error) {
	if err := p.Validate(n); err != nil {
		return Quantized{}, err
	}
	if !(opt.DT > 0) || math.IsInf(opt.DT, 0) {
		return Quantized{}, fmt.Errorf("neuron: dt (%g s) must be finite and > 0", opt.DT)
	}
	if opt.Scale != 0 && (opt.Scale < 1 || math.IsInf(opt.Scale, 0) || !isPow2(opt.Scale)) {
		return Quantized{}, fmt.Errorf("neuron: scale (%g) must be a power of two >= 1", opt.Scale)
	}
	k := p.Kind
	fires := k.Fires()
	scale := opt.Scale
	if scale == 0 {
		scale = DefaultReadoutScale
		if fires {
			m := 0.0
			for ni := range n {
				m = max(m, math.Abs(at(p.VThreshold, ni, 0)), math.Abs(at(p.VReset, ni, 0)))
			}
			if m > 0 {
				scale = math.Exp2(math.Floor(math.Log2(ThresholdTarget / m)))
			}
		}
	}
	q := Quantized{Scale: scale, InputGain: make([]float64, n)}
	q.Params.Kind = LIF
	if !fires {
		q.Params.Kind = LI
	}
	th, du, dv, rst := make([]int32, n), make([]uint16, n), make([]uint16, n), make([]int32, n)
	bias := make([]int32, n)
	var errs []error
	decay := func(field string, ni int, tau float64) uint16 {
		a := opt.DT / tau
		if a > 1 {
			errs = append(errs, fmt.Errorf("neuron: %s: %s[%d] (%g s) is shorter than dt (%g s): forward Euler overshoots and the decay would exceed 4096", k, field, ni, tau, opt.DT))
			return DecayMax
		}
		return uint16(math.RoundToEven(DecayMax * a))
	}
	toState := func(field string, ni int, x float64) int32 {
		y := math.RoundToEven(x)
		if math.Abs(y) > LIFStateMax {
			errs = append(errs, fmt.Errorf("neuron: %s: %s[%d] is %g state units after scaling by %g, outside ±%d", k, field, ni, y, scale, LIFStateMax))
			return 0
		}
		return int32(y)
	}
	for ni := range n {
		r, vl := at(p.R, ni, 1), at(p.VLeak, ni, 0)
		var a float64 // the membrane's effective dt/tau (quantized), 0 for IF, I, Threshold
		switch k {
		case FloatLIF, FloatLI:
			tau := at(p.Tau, ni, 1)
			du[ni], dv[ni] = DecayMax, decay("tau", ni, tau)
			a = effective(dv[ni], opt.DT/tau)
			q.InputGain[ni] = scale * a * r
		case FloatCubaLIF, FloatCubaLI:
			tm, ts := at(p.TauMem, ni, 1), at(p.TauSyn, ni, 1)
			du[ni], dv[ni] = decay("tau_syn", ni, ts), decay("tau_mem", ni, tm)
			a = effective(dv[ni], opt.DT/tm)
			q.InputGain[ni] = scale * a * r * effective(du[ni], opt.DT/ts) * at(p.WIn, ni, 1)
		case FloatIF, FloatI:
			du[ni], dv[ni] = DecayMax, 0
			q.InputGain[ni] = scale * r
		case FloatThreshold:
			du[ni], dv[ni] = DecayMax, DecayMax
			q.InputGain[ni] = scale
		}
		bias[ni] = toState("v_leak", ni, scale*a*vl)
		if fires {
			vth := at(p.VThreshold, ni, 0)
			th[ni] = toState("v_threshold", ni, scale*vth)
			if vth <= 0 || th[ni] < 1 {
				errs = append(errs, fmt.Errorf("neuron: %s: v_threshold[%d] (%g) must be > 0 and at least 1 state unit after scaling by %g (the chip's threshold is unsigned)", k, ni, vth, scale))
			} else if th[ni] > maxThreshold(LIF) {
				errs = append(errs, fmt.Errorf("neuron: %s: v_threshold[%d] (%g) is %d state units after scaling by %g, above the largest reachable threshold %d", k, ni, vth, th[ni], scale, maxThreshold(LIF)))
			}
			rst[ni] = toState("v_reset", ni, scale*at(p.VReset, ni, 0))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Quantized{}, err
	}
	// Scalars when every neuron agrees, vectors otherwise.
	q.Params.DecayU, q.Vectors.DecayU = uniform16(du)
	q.Params.DecayV, q.Vectors.DecayV = uniform16(dv)
	if fires {
		q.Params.Threshold, q.Vectors.Threshold = uniform32(th)
		q.Params.Reset, q.Vectors.Reset = uniform32(rst)
	}
	for _, b := range bias {
		if b != 0 {
			q.Bias = bias
			break
		}
	}
	return q, nil
}

// effective returns the fraction d/4096 that the chip's decay d actually
// removes per step, which Quantize uses in the gains and the bias so that
// the chip is NIR's Euler with its time constants rounded to the 1/4096
// grid and every steady-state gain exact (v* = v_leak + r·I). When the
// decay rounds to 0 (tau > 8192·dt) there is no leak to match and the
// per-step fraction a = dt/tau is kept, so the input is not lost.
func effective(d uint16, a float64) float64 {
	if d == 0 {
		return a
	}
	return float64(d) / DecayMax
}

// isPow2 reports whether x is an exact power of two.
func isPow2(x float64) bool {
	frac, _ := math.Frexp(x)
	return frac == 0.5
}

// uniform16 returns (xs[0], nil) when all elements are equal, else
// (xs[0], xs): the scalar is always a valid value, the vector overrides it.
func uniform16(xs []uint16) (uint16, []uint16) {
	for _, x := range xs {
		if x != xs[0] {
			return xs[0], xs
		}
	}
	if len(xs) == 0 {
		return 0, nil
	}
	return xs[0], nil
}

// uniform32 is uniform16 for int32.
func uniform32(xs []int32) (int32, []int32) {
	for _, x := range xs {
		if x != xs[0] {
			return xs[0], xs
		}
	}
	if len(xs) == 0 {
		return 0, nil
	}
	return xs[0], nil
}

// QuantizedWeights are one projection's weights in the chip's format: an
// integer mantissa per synapse and one exponent per projection, weight =
// Mant[i]·2^Exp state units (Loihi's weight mantissa and weight exponent).
type QuantizedWeights struct {
	Mant []int8
	Exp  int // 0..MaxWeightExp
}

// Value returns weight i in state units.
func (q QuantizedWeights) Value(i int) int32 { return int32(q.Mant[i]) << q.Exp }

// QuantizeWeights quantizes w (weights already in state units, i.e. float
// weight × the target neuron's InputGain) to mantissas of weightBits bits
// (symmetric range ±(2^(weightBits−1)−1), the chip's weight_bits, 2..8)
// with the smallest exponent >= 0 that keeps the largest |w| in range, so
// the largest weight keeps the most precision. Rounding is to nearest, ties
// to even, as in Quantize. It refuses NaN/Inf and weights too large for
// MaxWeightExp.
func QuantizeWeights(w []float64, weightBits int) (QuantizedWeights, error) {
	if weightBits < 2 || weightBits > 8 {
		return QuantizedWeights{}, fmt.Errorf("neuron: weight_bits (%d) must be in [2, 8]", weightBits)
	}
	qmax := float64(int(1)<<(weightBits-1) - 1)
	m := 0.0
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return QuantizedWeights{}, fmt.Errorf("neuron: weight[%d] is %v, want a finite number", i, x)
		}
		m = max(m, math.Abs(x))
	}
	exp := 0
	for math.RoundToEven(m/math.Exp2(float64(exp))) > qmax {
		exp++
		if exp > MaxWeightExp {
			return QuantizedWeights{}, fmt.Errorf("neuron: largest |weight| (%g state units) exceeds %g·2^%d", m, qmax, MaxWeightExp)
		}
	}
	q := QuantizedWeights{Mant: make([]int8, len(w)), Exp: exp}
	for i, x := range w {
		q.Mant[i] = int8(math.RoundToEven(x / math.Exp2(float64(exp))))
	}
	return q, nil
}
