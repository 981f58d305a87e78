package neuron

import (
	"fmt"
	"math"
)

// CUBAParams are the neuron parameters of Brian2's CUBA benchmark
// (Brette et al. 2007, benchmark 2; Brian2's examples/CUBA.py, exported by
// the peer script cuba.py as params.json), in SI units:
//
//	dv/dt  = (ge + gi − (v − El))/τm   (unless refractory)
//	dge/dt = −ge/τe,  dgi/dt = −gi/τi
//	spike when v > Vt; v = Vr; refractory period; ge += We, gi += Wi per spike
type CUBAParams struct {
	TauM, TauE, TauI float64 // s: membrane, excitatory and inhibitory current time constants
	El, Vt, Vr       float64 // V: rest, threshold, reset
	We, Wi           float64 // V: jump of ge (gi) per excitatory (inhibitory) presynaptic spike
	Refractory       float64 // s
}

// QuantizedCUBA is CUBAParams on the chip's LIF2Syn model: chip v =
// Scale·(v − Vr), port 0 carries ge and port 1 gi.
type QuantizedCUBA struct {
	Params Params  // Kind LIF2Syn
	Bias   int32   // every neuron's bias: the leak towards El
	Scale  float64 // state units per volt
	Vr     float64 // V: the voltage of chip state 0
	// WeightE and WeightI are the state units one excitatory (inhibitory)
	// spike adds to u1 (u2): Scale·(dv/4096)·We. Quantize them per
	// projection with QuantizeWeights.
	WeightE, WeightI float64
}

// StateFromVolts converts a membrane potential (V) to chip state units,
// e.g. for the initial potentials v0.npy of the peer export; it refuses a
// value outside the 24-bit state.
func (q QuantizedCUBA) StateFromVolts(v float64) (int32, error) {
	x := math.RoundToEven(q.Scale * (v - q.Vr))
	if !(math.Abs(x) <= LIFStateMax) {
		return 0, fmt.Errorf("neuron: v = %g V is %g state units, outside ±%d", v, x, LIFStateMax)
	}
	return int32(x), nil
}

// VoltsFromState converts chip state units back to volts.
func (q QuantizedCUBA) VoltsFromState(x int32) float64 { return float64(x)/q.Scale + q.Vr }

// QuantizeCUBA maps Brian2's CUBA neuron to LIF2Syn at time step dt.
// Brian2 integrates the linear system exactly, so each decay is the exact
// per-step fraction, du = round(4096·(1 − e^(−dt/τ))), rounded to nearest
// (ties to even). The voltage is shifted so that Vr is state 0 (Reset = 0)
// and scaled by the largest power of two with Scale·(Vt − Vr) <= 2^20
// (ThresholdTarget); Threshold = round(Scale·(Vt − Vr)); the leak towards
// El is the bias round(Scale·a·(El − Vr)) with a = dv/4096 (the chip's own
// leak fraction, so the equilibrium El is exact); a spike adds Scale·a·We
// (Wi) to u1 (u2), Brian2's ge (gi) entering dv at rate 1/τm. Brian2 holds
// v for the steps s+1 .. s+R−1 after a spike at step s, R = round(refractory/dt)
// (not_refractory = timestep(t − lastspike) >= timestep(refractory)), so
// Refractory = R − 1. docs/nir.md "Drift of the chip numerics" gives the resulting
// drift (τm = 20 ms at dt = 0.1 ms becomes 20.48 ms).
func QuantizeCUBA(p CUBAParams, dt float64) (QuantizedCUBA, error) {
	for _, f := range []struct {
		name string
		x    float64
		min  float64 // exclusive lower bound, or -Inf
	}{{"dt", dt, 0}, {"taum", p.TauM, 0}, {"taue", p.TauE, 0}, {"taui", p.TauI, 0},
		{"El", p.El, math.Inf(-1)}, {"Vt", p.Vt, math.Inf(-1)}, {"Vr", p.Vr, math.Inf(-1)},
		{"we", p.We, math.Inf(-1)}, {"wi", p.Wi, math.Inf(-1)}, {"refractory", p.Refractory, math.Inf(-1)}} {
		if math.IsNaN(f.x) || math.IsInf(f.x, 0) || f.x <= f.min {
			return QuantizedCUBA{}, fmt.Errorf("neuron: cuba: %s (%g) must be finite and > %g", f.name, f.x, f.min)
		}
	}
	if p.Refractory < 0 {
		return QuantizedCUBA{}, fmt.Errorf("neuron: cuba: refractory (%g s) must be >= 0", p.Refractory)
	}
	if p.Vt <= p.Vr {
		return QuantizedCUBA{}, fmt.Errorf("neuron: cuba: Vt (%g V) must be above Vr (%g V)", p.Vt, p.Vr)
	}
	decay := func(tau float64) uint16 { return uint16(math.RoundToEven(DecayMax * -math.Expm1(-dt/tau))) }
	scale := math.Exp2(math.Floor(math.Log2(ThresholdTarget / (p.Vt - p.Vr))))
	q := QuantizedCUBA{Scale: scale, Vr: p.Vr}
	q.Params = Params{Kind: LIF2Syn, DecayU: decay(p.TauE), DecayU2: decay(p.TauI), DecayV: decay(p.TauM)}
	a := effective(q.Params.DecayV, dt/p.TauM)
	q.Params.Threshold = int32(math.RoundToEven(scale * (p.Vt - p.Vr)))
	bias := math.RoundToEven(scale * a * (p.El - p.Vr))
	if math.Abs(bias) > LIFStateMax {
		return QuantizedCUBA{}, fmt.Errorf("neuron: cuba: El − Vr (%g V) gives a bias of %g state units, outside ±%d", p.El-p.Vr, bias, LIFStateMax)
	}
	q.Bias = int32(bias)
	if r := math.RoundToEven(p.Refractory / dt); r > 1 {
		if r-1 > math.MaxUint16 {
			return QuantizedCUBA{}, fmt.Errorf("neuron: cuba: refractory (%g s) is %g steps, more than %d", p.Refractory, r, math.MaxUint16+1)
		}
		q.Params.Refractory = uint16(r - 1)
	}
	q.WeightE, q.WeightI = scale*a*p.We, scale*a*p.Wi
	if err := q.Params.Validate(); err != nil {
		return QuantizedCUBA{}, fmt.Errorf("neuron: cuba: %w", err)
	}
	return q, nil
}

// SetV sets the membrane potentials (state units), e.g. the benchmark's
// random initial potentials after Reset; see VSetter.
func (s *Cuba2State) SetV(v []int32) error { return setV(s.v, v) }

// setV copies v into dst after checking its length and that every value
// lies in the 24-bit state; on error dst is unchanged.
func setV(dst, v []int32) error {
	if len(v) != len(dst) {
		return fmt.Errorf("neuron: SetV: %d values for %d neurons", len(v), len(dst))
	}
	for ni, x := range v {
		if x < -LIFStateMax || x > LIFStateMax {
			return fmt.Errorf("neuron: SetV: v[%d] (%d) outside ±%d", ni, x, LIFStateMax)
		}
	}
	copy(dst, v)
	return nil
}
