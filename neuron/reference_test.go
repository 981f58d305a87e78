package neuron

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refNeuron is a deliberately naive one-neuron model written independently
// of the SoA code: no idle skipping, explicit sign handling for the decay,
// explicit bit masking for the 24-bit wrap. It is the oracle for the
// seeded sweep below.
type refNeuron struct {
	p       Params
	bias    int64
	u, v    int64
	refLeft int
}

func refDecay(x int64, d uint16) int64 {
	keep := int64(4096 - int(d))
	if x < 0 {
		return -((-x * keep) >> 12) // magnitude shifted, sign restored: toward zero
	}
	return (x * keep) >> 12
}

func refWrap24(x int64) int64 {
	x &= 0xFFFFFF
	if x >= 0x800000 {
		x -= 0x1000000
	}
	return x
}

func refClamp(x, lim int64) int64 {
	if x > lim {
		return lim
	}
	if x < -lim {
		return -lim
	}
	return x
}

// step returns whether the neuron fired and whether it was active under the
// documented idle rule.
func (r *refNeuron) step(in int64) (fired, active bool) {
	switch r.p.Kind {
	case IFSubtract, IFZero:
		active = !(in == 0 && r.bias == 0 && r.v < int64(r.p.Threshold))
		r.v = refClamp(r.v+in+r.bias, IFStateMax)
		if r.v >= int64(r.p.Threshold) {
			fired = true
			if r.p.Kind == IFSubtract {
				r.v -= int64(r.p.Threshold)
			} else {
				r.v = 0
			}
		}
	case LIF:
		active = !(in == 0 && r.bias == 0 && r.u == 0 && r.v == 0 && r.refLeft == 0)
		r.u = refWrap24(refDecay(r.u, r.p.DecayU) + in)
		if r.refLeft > 0 {
			r.refLeft--
			r.v = 0
			return false, active
		}
		r.v = refClamp(refDecay(r.v, r.p.DecayV)+r.u+r.bias, LIFStateMax)
		if r.v > int64(r.p.Threshold) {
			fired = true
			r.v = 0
			r.refLeft = int(r.p.Refractory)
		}
	}
	return fired, active
}

func randParams(rng *rand.Rand) Params {
	k := Kind(rng.IntN(int(BIF))) // the naive reference covers IF and LIF; BIF has its own tests
	p := Params{Kind: k}
	switch rng.IntN(3) {
	case 0:
		p.Threshold = 1 + rng.Int32N(16)
	case 1:
		p.Threshold = 1 + rng.Int32N(1000)
	default:
		p.Threshold = maxThreshold(k) - rng.Int32N(3)
	}
	if k == LIF {
		decays := []uint16{0, 1, 2048, 4095, 4096}
		p.DecayU = decays[rng.IntN(len(decays))]
		p.DecayV = decays[rng.IntN(len(decays))]
		if rng.IntN(2) == 0 {
			p.DecayU = uint16(rng.IntN(4097))
			p.DecayV = uint16(rng.IntN(4097))
		}
		p.Refractory = uint16(rng.IntN(4))
	}
	return p
}

func randInput(rng *rand.Rand) int32 {
	switch r := rng.IntN(20); {
	case r < 12:
		return 0 // sparse, as in real traffic
	case r < 18:
		return rng.Int32N(41) - 20
	case r < 19:
		return rng.Int32N(2_000_001) - 1_000_000
	default:
		return int32(rng.Uint32()) // full int32 range: saturation and wrap
	}
}

// TestStepMatchesNaiveReference sweeps random params, biases and inputs and
// requires the SoA Step (with idle skipping and the bias-free fast path) to
// match the naive per-neuron reference exactly: fired lists, active counts
// and every state variable, every step.
func TestStepMatchesNaiveReference(t *testing.T) {
	const (
		trials = 200
		steps  = 60
	)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range trials {
		p := randParams(rng)
		n := 1 + rng.IntN(24)
		var bias []int32
		if rng.IntN(2) == 0 {
			bias = make([]int32, n)
			lim := maxBias(p.Kind)
			for ni := range bias {
				switch rng.IntN(4) {
				case 0:
					bias[ni] = int32(rng.Int64N(2*int64(lim)+1) - int64(lim))
				case 1:
					bias[ni] = rng.Int32N(11) - 5
				}
			}
		}
		m, err := New(p, n, bias)
		if err != nil {
			t.Fatalf("trial %d: New(%+v): %v", trial, p, err)
		}
		refs := make([]refNeuron, n)
		for ni := range refs {
			refs[ni].p = p
			if bias != nil {
				refs[ni].bias = int64(bias[ni])
			}
		}
		in := make([]int32, n)
		fired := make([]int32, 0, n)
		var wantFired []int32
		for st := range steps {
			if st == steps/2 {
				// Reset mid-run must match fresh reference neurons.
				m.Reset()
				for ni := range refs {
					refs[ni].u, refs[ni].v, refs[ni].refLeft = 0, 0, 0
				}
			}
			wantFired = wantFired[:0]
			wantActive := 0
			for ni := range in {
				in[ni] = randInput(rng)
				f, a := refs[ni].step(int64(in[ni]))
				if f {
					wantFired = append(wantFired, int32(ni))
				}
				if a {
					wantActive++
				}
			}
			var active int
			fired, active = m.Step(in, fired[:0])
			where := fmt.Sprintf("trial %d (%+v, n=%d, bias=%v) step %d", trial, p, n, bias != nil, st)
			if !slices.Equal(fired, wantFired) {
				t.Fatalf("%s: fired %v, want %v", where, fired, wantFired)
			}
			if active != wantActive {
				t.Fatalf("%s: active %d, want %d", where, active, wantActive)
			}
			for ni := range refs {
				if got, want := m.V()[ni], refs[ni].v; int64(got) != want {
					t.Fatalf("%s: v[%d] = %d, want %d", where, ni, got, want)
				}
				if in[ni] != 0 {
					t.Fatalf("%s: in[%d] = %d not cleared", where, ni, in[ni])
				}
				if l, ok := m.(*LIFState); ok {
					if got, want := l.U()[ni], refs[ni].u; int64(got) != want {
						t.Fatalf("%s: u[%d] = %d, want %d", where, ni, got, want)
					}
					if got, want := l.Refractory()[ni], refs[ni].refLeft; int(got) != want {
						t.Fatalf("%s: ref[%d] = %d, want %d", where, ni, got, want)
					}
				}
			}
		}
	}
}

// lifFloat is the float64 twin of the LIF model: the same equations with
// exact multiplication by (1 - d/4096) and no rounding, wrap or saturation.
type lifFloat struct {
	p       Params
	bias    float64
	u, v    float64
	refLeft int
}

func (f *lifFloat) step(in float64) bool {
	f.u = f.u*(1-float64(f.p.DecayU)/4096) + in
	if f.refLeft > 0 {
		f.refLeft--
		f.v = 0
		return false
	}
	f.v = f.v*(1-float64(f.p.DecayV)/4096) + f.u + f.bias
	if f.v > float64(f.p.Threshold) {
		f.v = 0
		f.refLeft = int(f.p.Refractory)
		return true
	}
	return false
}

// TestLIFAgainstFloatExact: with decay constants 0 (no leak) or 4096 (full
// clear), the decay multiplies by 1 or 0, so fixed and float models must
// agree exactly on u, v and every spike, including refractory periods, as
// long as no value leaves the 24-bit range. Inputs are bounded so it cannot
// (|u| <= 60*steps, |v| <= 60*steps*steps << 2^23) and drift upward so that
// every case spikes.
func TestLIFAgainstFloatExact(t *testing.T) {
	const steps = 200
	rng := rand.New(rand.NewPCG(3, 4))
	for _, du := range []uint16{0, 4096} {
		for _, dv := range []uint16{0, 4096} {
			for _, ref := range []uint16{0, 3} {
				name := fmt.Sprintf("du=%d/dv=%d/ref=%d", du, dv, ref)
				t.Run(name, func(t *testing.T) {
					p := Params{Kind: LIF, Threshold: 40, DecayU: du, DecayV: dv, Refractory: ref}
					lo, hi := int32(-20), int32(60) // u = in
					if du == 0 {
						lo, hi = -3, 4 // u is a random walk with drift +0.5 per step
					}
					const bias = -2
					m, err := New(p, 1, []int32{bias})
					if err != nil {
						t.Fatal(err)
					}
					lm := m.(*LIFState)
					f := lifFloat{p: p, bias: bias}
					in := make([]int32, 1)
					spikes := 0
					for st := range steps {
						x := lo + rng.Int32N(hi-lo+1)
						in[0] = x
						fired, _ := m.Step(in, nil)
						wantFire := f.step(float64(x))
						if (len(fired) == 1) != wantFire {
							t.Fatalf("step %d: fixed fired=%v, float fired=%v", st, len(fired) == 1, wantFire)
						}
						if wantFire {
							spikes++
						}
						if float64(lm.U()[0]) != f.u || float64(lm.V()[0]) != f.v {
							t.Fatalf("step %d: fixed (u,v)=(%d,%d), float (%g,%g)", st, lm.U()[0], lm.V()[0], f.u, f.v)
						}
					}
					if spikes == 0 {
						t.Errorf("no spikes in %d steps; the case does not exercise firing", steps)
					}
					t.Logf("%d spikes in %d steps", spikes, steps)
				})
			}
		}
	}
}

// TestLIFAgainstFloatTolerance compares the fixed-point LIF with the float
// twin under leak, below threshold (so spike times cannot diverge).
//
// Tolerance, derived from the update: with a = 1 - du/4096, truncation adds
// an error in [0, 1) per step to u, so |u_fix - u_float| < 1/(1-a) =
// 4096/du =: Eu. With b = 1 - dv/4096, v gets its own truncation (< 1) plus
// u's error: |v_fix - v_float| < (1 + Eu) / (1 - b) = (1 + 4096/du) * 4096/dv.
func TestLIFAgainstFloatTolerance(t *testing.T) {
	const steps = 2000
	cases := []struct{ du, dv uint16 }{
		{1024, 2048}, {4096, 1}, {1, 4096}, {100, 300}, {2048, 2048}, {4095, 4095}, {10, 10},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range cases {
		t.Run(fmt.Sprintf("du=%d/dv=%d", tc.du, tc.dv), func(t *testing.T) {
			tolU := 4096 / float64(tc.du)
			tolV := (1 + tolU) * 4096 / float64(tc.dv)
			// Keep |v| far from saturation: |u| <= 20*tolU, |v| <= (|u|+|bias|)*4096/dv.
			maxIn := int32(20)
			p := Params{Kind: LIF, Threshold: LIFStateMax - 1, DecayU: tc.du, DecayV: tc.dv}
			const bias = 7
			m, err := New(p, 1, []int32{bias})
			if err != nil {
				t.Fatal(err)
			}
			lm := m.(*LIFState)
			f := lifFloat{p: p, bias: bias}
			in := make([]int32, 1)
			var maxErrU, maxErrV float64
			for st := range steps {
				x := rng.Int32N(2*maxIn+1) - maxIn
				in[0] = x
				if fired, _ := m.Step(in, nil); len(fired) != 0 {
					t.Fatalf("step %d: fired; test assumes sub-threshold", st)
				}
				f.step(float64(x))
				eu := math.Abs(float64(lm.U()[0]) - f.u)
				ev := math.Abs(float64(lm.V()[0]) - f.v)
				maxErrU, maxErrV = max(maxErrU, eu), max(maxErrV, ev)
				if eu >= tolU || ev >= tolV {
					t.Fatalf("step %d: |du| = %g (tol %g), |dv| = %g (tol %g); fixed (%d,%d) float (%g,%g)",
						st, eu, tolU, ev, tolV, lm.U()[0], lm.V()[0], f.u, f.v)
				}
			}
			t.Logf("max error u %.3g (tol %.3g), v %.3g (tol %.3g)", maxErrU, tolU, maxErrV, tolV)
		})
	}
}

// TestResetAndStateHash checks that Reset restores the initial state (same
// hash, same subsequent trace) and that the hash sees every state variable.
func TestResetAndStateHash(t *testing.T) {
	for _, p := range []Params{
		{Kind: IFSubtract, Threshold: 7},
		{Kind: IFZero, Threshold: 7},
		{Kind: LIF, Threshold: 7, DecayU: 1000, DecayV: 500, Refractory: 2},
	} {
		t.Run(p.Kind.String(), func(t *testing.T) {
			const n = 8
			bias := []int32{0, 1, 0, -1, 0, 2, 0, 0}
			a, _ := New(p, n, bias)
			b, _ := New(p, n, bias)
			h0 := StateHash(a)
			if StateHash(b) != h0 {
				t.Fatal("fresh models hash differently")
			}
			run := func(m Model) [][]int32 {
				rng := rand.New(rand.NewPCG(9, 9))
				var trace [][]int32
				in := make([]int32, n)
				for range 30 {
					for ni := range in {
						in[ni] = rng.Int32N(9) - 2
					}
					fired, _ := m.Step(in, nil)
					trace = append(trace, append(fired, m.V()...))
				}
				return trace
			}
			first := run(a)
			if StateHash(a) == h0 {
				t.Fatal("hash unchanged after 30 steps of input")
			}
			a.Reset()
			if StateHash(a) != h0 {
				t.Fatal("Reset did not restore the initial state hash")
			}
			if slices.ContainsFunc(a.V(), func(x int32) bool { return x != 0 }) {
				t.Errorf("V after Reset = %v, want zeros", a.V())
			}
			second := run(a)
			if !slices.EqualFunc(first, second, slices.Equal[[]int32]) {
				t.Error("trace after Reset differs from the first run")
			}
			// Same inputs on an independent model -> same state hash.
			run(b)
			if StateHash(a) != StateHash(b) {
				t.Error("identical runs give different hashes")
			}
			if l, ok := a.(*LIFState); ok {
				l.u[3]++ // a u-only difference must change the hash
				if StateHash(a) == StateHash(b) {
					t.Error("hash ignores u")
				}
				l.u[3]--
				l.ref[0] ^= 1
				if StateHash(a) == StateHash(b) {
					t.Error("hash ignores refractory counters")
				}
			}
		})
	}
}

func TestStepNoAllocation(t *testing.T) {
	for _, p := range []Params{
		{Kind: IFSubtract, Threshold: 3},
		{Kind: LIF, Threshold: 3, DecayU: 100, DecayV: 100},
	} {
		for _, withBias := range []bool{false, true} {
			const n = 64
			var bias []int32
			if withBias {
				bias = make([]int32, n)
				bias[5] = 1
			}
			m, _ := New(p, n, bias)
			in := make([]int32, n)
			fired := make([]int32, 0, n)
			allocs := testing.AllocsPerRun(100, func() {
				for ni := range in {
					in[ni] = int32(ni % 5)
				}
				fired, _ = m.Step(in, fired[:0])
			})
			if allocs != 0 {
				t.Errorf("%s bias=%v: %v allocations per Step, want 0", p.Kind, withBias, allocs)
			}
		}
	}
}

func TestStepLengthMismatchPanics(t *testing.T) {
	for _, p := range []Params{{Kind: IFZero, Threshold: 1}, {Kind: LIF, Threshold: 1}} {
		m, _ := New(p, 4, nil)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Step with len(in)=3 on 4 neurons did not panic", p.Kind)
				}
			}()
			m.Step(make([]int32, 3), nil)
		}()
	}
}
