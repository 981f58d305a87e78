// Package neuron implements the neuron models of spikemesh: the fixed-point
// per-core neuron state that the chip engine advances once per timestep, the
// float64 reference numerics of NIR's neuron types (FloatState), and the
// mapping from the second to the first (Quantize).
//
// # What is modelled
//
// Six fixed-point models and SANA-FE's float soma, selected by Kind in
// Params:
//
//   - IFSubtract: integrate-and-fire with reset by subtraction. Each step
//     v += in + bias; if v >= Threshold the neuron fires once and
//     v -= Threshold, keeping the residue (as in rate-converted ANN->SNN
//     networks and Brian2's "v -= 1" reset). At most one spike per step.
//   - IFZero: the same integration, but v = 0 after a spike.
//   - LIF: the current-based (CUBA) leaky integrate-and-fire neuron of Intel
//     Loihi (Davies et al., IEEE Micro 2018), with the fixed-point
//     conventions Lava documents for its bit-accurate LIF: 12-bit decay
//     constants applied with rounding toward zero, 24-bit u that wraps and
//     24-bit v that saturates, spike when v > Threshold (strictly), reset v
//     to 0, optional refractory period.
//   - BIF: the bidirectional integrate-and-fire neuron of exact ANN->SNN
//     conversion (SpikeZIP-TF's ST-BIF). It starts a sample half charged,
//     fires positive spikes when v >= Threshold and negative spikes when
//     v < 0, and keeps its net spike count in [0, Levels], so once input
//     stops the count is the quantized activation of a QCFS ANN neuron.
//   - LI: LIF's dynamics without a threshold, a leaky or perfect integrator
//     read out through V (NIR's LI, CubaLI and I map to it).
//   - LIF2Syn: LIF with two synaptic currents, each with its own decay and
//     input port (MultiPort), for Brian2's CUBA benchmark.
//   - SanaLIF: the leaky_integrate_fire soma of the SANA-FE simulator, with
//     its own float64 arithmetic so that SANA-FE's networks fire bit for
//     bit as there: multiplicative leak (LeakDecay) and input decay
//     (InputDecay), the potential truncated toward zero to 1/64 after the
//     leak, bias then input, strict > Threshold, hard, soft or no reset
//     (ResetMode), refractory count. SanaLIFState gives the exact update.
//
// LIF, LI and LIF2Syn (the CUBA kinds) reset v to Params.Reset (hard reset;
// 0 unless set) and accept per-neuron Threshold, DecayU, DecayV and Reset
// through Vectors (NewWithVectors; Vectors.Slice cuts a core's range).
//
// # Float reference and quantization
//
// FloatState steps NIR's LIF, CubaLIF, CubaLI, LI, IF, I and Threshold in
// float64 at a time step dt, by forward Euler (NIR's, Norse's and
// snnTorch's discretization) or Rockpool's exact-leak variant, with a reset
// to v_reset or by subtraction. Quantize maps a node's float parameters to
// a CUBA Params, Vectors, bias, a power-of-two voltage scale and per-neuron
// input gains; QuantizeWeights turns a projection's scaled weights into
// mantissas and one exponent. QuantizeCUBA maps Brian2's CUBA benchmark
// neuron onto LIF2Syn. docs/nir.md gives every equation and
// rounding.
//
// The fidelity is bit-exact for the arithmetic stated below; it is a model
// of the neuron equations, not of Loihi's microcode or its timing. Loihi's
// and Lava's encodings and scalings (weight exponent, bias mantissa <<
// exponent, fixed shifts applied to threshold and input, any decay offsets)
// are not reproduced, so results are not claimed to be bit-identical to a
// Lava ProcessModel: every quantity (input, bias, u, v, Threshold) is a
// plain integer in one "state unit", and the caller chooses the scale.
//
// # Fixed-point arithmetic, exactly
//
// IF kinds, per neuron and step (int64 intermediate, so nothing overflows
// before saturation):
//
//	v = clamp(v + in + bias, -IFStateMax, IFStateMax)   // IFStateMax = 2^30
//	if v >= Threshold { spike; v -= Threshold (IFSubtract) or v = 0 (IFZero) }
//
// Saturation at ±2^30 (rather than the int32 limits) keeps v + in + bias
// meaningful for any int32 input and never wraps; Threshold <= 2^30 so a
// saturated neuron still fires.
//
// LIF (and LI, which skips the threshold test), per neuron and step:
//
//	decay(x, d) = trunc(x * (4096 - d) / 4096)          // round toward zero
//	u = wrap24(decay(u, DecayU) + in)                   // 24-bit two's-complement wrap
//	if refractory > 0 { refractory--; v stays Reset }
//	else {
//	    v = clamp(decay(v, DecayV) + u + bias, -(2^23-1), 2^23-1)  // saturate
//	    if v > Threshold { spike; v = Reset; refractory = Refractory }
//	}
//
// LIF2Syn has u1 (DecayU, port 0) and u2 (DecayU2, port 1), both updated as
// u above, and v = clamp(decay(v, DecayV) + u1 + u2 + bias, ...). u wraps
// because Lava's bit-accurate Loihi LIF wraps it (and saturates v).
//
// Rounding is toward zero for negative values too: decay(-9, 2048) = -4,
// whereas an arithmetic shift would give -5. u wraps (the low 24 bits are
// kept and sign-extended, range [-2^23, 2^23-1]); v saturates to the
// symmetric range [-(2^23-1), 2^23-1] (LIFStateMax). DecayU = 0 means no
// leak; 4096 means the state is cleared every step. Refractory = r holds v
// at Reset for the r steps after a spike while u keeps decaying and
// integrating.
//
// BIF, per neuron and step (v saturates like IF; at most one spike):
//
//	at Reset: v = Threshold/2 + bias, count = 0        // bias is an initial charge
//	v = clamp(v + in, -IFStateMax, IFStateMax)
//	if v >= Threshold and count < Levels { +1 spike; v -= Threshold; count++ }
//	else if v < 0 and count > 0          { -1 spike; v += Threshold; count-- }
//
// # Main types and call order
//
// Params (shared by a population; Validate reports every problem at once)
// -> New(params, n, bias) (or NewWithVectors) returns a Model: *IFState for
// the IF kinds, *LIFState for LIF and LI, *Cuba2State for LIF2Syn (also a
// MultiPort: StepPorts takes one input buffer per port), *BIFState for BIF,
// *SanaLIFState for SanaLIF.
// The engine then calls, per sample:
//
//	m.Reset()
//	for each timestep {
//	    // accumulate synaptic input into in[ni]
//	    fired, active = m.Step(in, fired[:0]) // in is zeroed by Step
//	}
//	readout from m.V()
//
// Step's active count is the number of neurons whose state was updated;
// neurons that provably cannot change (no input, no bias, and for IF
// v < Threshold; for the CUBA kinds u = v = 0 and not refractory; for BIF a state that
// can fire neither way) are skipped cheaply and not counted. IFState and
// BIFState also implement Quieter, so the engine can skip a whole idle
// population and end a run once the network is quiet. The energy model prices active updates; skipping never
// changes results (tests compare against an unskipped reference).
//
// On amd64, Cuba2State (LIF2Syn without Vectors) steps its neurons 16 at
// a time with AVX-512F, or 8 at a time with AVX2, in assembly kernels
// (cuba2_amd64.s): the same integer update in 32-bit lanes, exact for the
// model's state ranges, and checked against the scalar loop of cuba2.go
// (the definition) by TestCuba2Kernel. Elsewhere, and for the last Len()
// mod 8 neurons, the scalar loop runs. StepPorts then needs room for
// Len() spikes in cap(fired) to run without allocating.
//
// # Index names
//
// ni is the index of a neuron within its Model (one core's slice of a
// layer), 0 <= ni < Len(). Every state slice is indexed by ni. Step reports
// fired neurons in increasing order of ni, a positive spike as ni and (BIF
// only) a negative spike as ^ni (= -ni-1), so the entries themselves are not
// sorted when both signs occur.
//
// # Determinism and concurrency
//
// All arithmetic is integer and order-independent per neuron; results
// depend only on params, bias and inputs. Step neither allocates (when
// cap(fired) suffices) nor starts goroutines. A Model is not safe for
// concurrent use, but distinct Models share no state and can be stepped in
// parallel. StateHash summarises a Model's state for determinism checks.
package neuron
