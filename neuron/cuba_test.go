package neuron

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refCuba is a naive oracle for the CUBA kinds (LIF, LI, LIF2Syn) with
// per-neuron parameters and a reset value: one neuron, no idle skipping,
// decay and wrap written with the helpers of reference_test.go (explicit
// sign handling and bit masking), two currents always (the second one stays
// 0 unless the kind is LIF2Syn).
type refCuba struct {
	kind        Kind
	th          int64 // unused for LI
	du, du2, dv uint16
	reset, bias int64
	refractory  int
	u1, u2, v   int64
	refLeft     int
}

func (r *refCuba) step(x0, x1 int64) (fired, active bool) {
	active = !(x0 == 0 && x1 == 0 && r.bias == 0 && r.u1 == 0 && r.u2 == 0 && r.v == 0 && r.refLeft == 0)
	r.u1 = refWrap24(refDecay(r.u1, r.du) + x0)
	r.u2 = refWrap24(refDecay(r.u2, r.du2) + x1)
	if r.refLeft > 0 {
		r.refLeft--
		return false, active
	}
	r.v = refClamp(refDecay(r.v, r.dv)+r.u1+r.u2+r.bias, LIFStateMax)
	if r.kind != LI && r.v > r.th {
		r.v = r.reset
		r.refLeft = r.refractory
		return true, active
	}
	return false, active
}

// randCuba draws params and (half the time) per-neuron vectors for a CUBA kind.
func randCuba(rng *rand.Rand, n int) (Params, Vectors) {
	kinds := []Kind{LIF, LI, LIF2Syn}
	k := kinds[rng.IntN(len(kinds))]
	decay := func() uint16 {
		ds := []uint16{0, 1, 2048, 4095, 4096}
		if rng.IntN(2) == 0 {
			return ds[rng.IntN(len(ds))]
		}
		return uint16(rng.IntN(DecayMax + 1))
	}
	p := Params{Kind: k, DecayU: decay(), DecayV: decay()}
	if k != LI {
		p.Threshold = 1 + rng.Int32N(2000)
		p.Refractory = uint16(rng.IntN(3))
		p.Reset = rng.Int32N(401) - 200
	}
	if k == LIF2Syn {
		p.DecayU2 = decay()
	}
	var vec Vectors
	if rng.IntN(2) == 0 {
		vec.DecayU = make([]uint16, n)
		vec.DecayV = make([]uint16, n)
		for ni := range n {
			vec.DecayU[ni], vec.DecayV[ni] = decay(), decay()
		}
		if k != LI {
			vec.Threshold = make([]int32, n)
			vec.Reset = make([]int32, n)
			for ni := range n {
				vec.Threshold[ni] = 1 + rng.Int32N(3000)
				vec.Reset[ni] = rng.Int32N(2001) - 1000
			}
		}
	}
	return p, vec
}

// TestCUBAKindsMatchNaiveReference sweeps LIF, LI and LIF2Syn with scalar
// and per-neuron parameters, resets and both ports against refCuba: fired
// lists, active counts and u, v exactly, every step.
func TestCUBAKindsMatchNaiveReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 300 {
		n := 1 + rng.IntN(20)
		p, vec := randCuba(rng, n)
		var bias []int32
		if rng.IntN(2) == 0 {
			bias = make([]int32, n)
			for ni := range bias {
				bias[ni] = rng.Int32N(21) - 10
			}
		}
		m, err := NewWithVectors(p, n, bias, vec)
		if err != nil {
			t.Fatalf("trial %d: NewWithVectors(%+v): %v", trial, p, err)
		}
		refs := make([]refCuba, n)
		for ni := range refs {
			r := &refs[ni]
			*r = refCuba{kind: p.Kind, th: int64(p.Threshold), du: p.DecayU, du2: p.DecayU2, dv: p.DecayV,
				reset: int64(p.Reset), refractory: int(p.Refractory)}
			if bias != nil {
				r.bias = int64(bias[ni])
			}
			if vec.Threshold != nil {
				r.th, r.reset = int64(vec.Threshold[ni]), int64(vec.Reset[ni])
			}
			if vec.DecayU != nil {
				r.du, r.dv = vec.DecayU[ni], vec.DecayV[ni]
			}
		}
		in0, in1 := make([]int32, n), make([]int32, n)
		var fired, want []int32
		for st := range 50 {
			want = want[:0]
			wantActive := 0
			for ni := range n {
				in0[ni] = randInput(rng)
				if p.Kind == LIF2Syn {
					in1[ni] = randInput(rng)
				}
				f, a := refs[ni].step(int64(in0[ni]), int64(in1[ni]))
				if f {
					want = append(want, int32(ni))
				}
				if a {
					wantActive++
				}
			}
			var active int
			if mp, ok := m.(MultiPort); ok {
				fired, active = mp.StepPorts([][]int32{in0, in1}, fired[:0])
			} else {
				fired, active = m.Step(in0, fired[:0])
			}
			where := fmt.Sprintf("trial %d (%+v, n=%d, vectors=%v) step %d", trial, p, n, !vec.Empty(), st)
			if !slices.Equal(fired, want) {
				t.Fatalf("%s: fired %v, want %v", where, fired, want)
			}
			if active != wantActive {
				t.Fatalf("%s: active %d, want %d", where, active, wantActive)
			}
			for ni := range n {
				if got := int64(m.V()[ni]); got != refs[ni].v {
					t.Fatalf("%s: v[%d] = %d, want %d", where, ni, got, refs[ni].v)
				}
				if in0[ni] != 0 || in1[ni] != 0 {
					t.Fatalf("%s: input of neuron %d not cleared", where, ni)
				}
			}
		}
	}
}

// TestCUBAAnalytic checks exact integer series derived by hand (Lava's
// style of oracle): decay 2048 halves a current each step; LI with DecayU =
// 4096 and DecayV = 0 is a perfect integrator of its input; a hard reset
// lands on Reset; Cuba2's two currents decay independently.
func TestCUBAAnalytic(t *testing.T) {
	t.Run("li-perfect-integrator", func(t *testing.T) {
		m, err := New(Params{Kind: LI, DecayU: DecayMax}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		in := []int32{0}
		for st, want := range []int32{5, 10, 15, 20} {
			in[0] = 5
			if f, _ := m.Step(in, nil); len(f) != 0 {
				t.Fatalf("step %d: li fired %v", st, f)
			}
			if got := m.V()[0]; got != want {
				t.Fatalf("step %d: v = %d, want %d", st, got, want)
			}
		}
	})
	t.Run("lif-hard-reset", func(t *testing.T) {
		// DecayU 4096: u = in. DecayV 0: v accumulates. Threshold 10, reset -3.
		m, err := New(Params{Kind: LIF, Threshold: 10, DecayU: DecayMax, Reset: -3}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		in := []int32{0}
		wantV := []int32{6, -3, 3, 9, -3}
		wantF := []bool{false, true, false, false, true}
		for st := range wantV {
			in[0] = 6
			f, _ := m.Step(in, nil)
			if got := m.V()[0]; got != wantV[st] || (len(f) == 1) != wantF[st] {
				t.Fatalf("step %d: v = %d fired = %v, want %d %v", st, got, f, wantV[st], wantF[st])
			}
		}
	})
	t.Run("cuba2-two-decays", func(t *testing.T) {
		m, err := New(Params{Kind: LIF2Syn, Threshold: 1 << 22, DecayU: 2048, DecayU2: 1024, DecayV: DecayMax}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		mp := m.(MultiPort)
		in := [][]int32{{1 << 12}, {-(1 << 12)}}
		s := m.(*Cuba2State)
		// u1 halves (2048/4096 removed); u2 keeps 3/4; v = u1 + u2 (DecayV 4096 clears v).
		wantU1 := []int32{4096, 2048, 1024, 512}
		wantU2 := []int32{-4096, -3072, -2304, -1728}
		for st := range wantU1 {
			mp.StepPorts(in, nil)
			if s.U(0)[0] != wantU1[st] || s.U(1)[0] != wantU2[st] || s.V()[0] != wantU1[st]+wantU2[st] {
				t.Fatalf("step %d: u1 %d u2 %d v %d, want %d %d %d", st, s.U(0)[0], s.U(1)[0], s.V()[0],
					wantU1[st], wantU2[st], wantU1[st]+wantU2[st])
			}
		}
	})
}

// TestVectorsValidateAndSlice covers the per-neuron vector checks and the
// core slice.
func TestVectorsValidateAndSlice(t *testing.T) {
	p := Params{Kind: LIF, Threshold: 10}
	bad := []struct {
		vec  Vectors
		want string
	}{
		{Vectors{Threshold: []int32{1, 2}}, "len(threshold) (2) must equal the neuron count (3)"},
		{Vectors{Threshold: []int32{1, 0, 2}}, "threshold[1] (0) must be in [1, 8388606]"},
		{Vectors{DecayV: []uint16{1, 2, 4097}}, "decay_v[2] (4097) must be <= 4096"},
		{Vectors{Reset: []int32{1 << 23, 0, 0}}, "reset[0] (8388608) must be in"},
	}
	for _, tc := range bad {
		_, err := NewWithVectors(p, 3, nil, tc.vec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("vectors %+v: error %v, want it to contain %q", tc.vec, err, tc.want)
		}
	}
	if _, err := NewWithVectors(Params{Kind: IFZero, Threshold: 1}, 1, nil, Vectors{DecayU: []uint16{1}}); err == nil {
		t.Error("vectors for if-zero: no error")
	}
	if _, err := NewWithVectors(Params{Kind: LI}, 1, nil, Vectors{Threshold: []int32{3}}); err == nil {
		t.Error("threshold vector for li: no error")
	}
	v := Vectors{Threshold: []int32{1, 2, 3, 4}, DecayU: []uint16{5, 6, 7, 8}}
	s := v.Slice(1, 3)
	if !slices.Equal(s.Threshold, []int32{2, 3}) || !slices.Equal(s.DecayU, []uint16{6, 7}) || s.DecayV != nil || s.Reset != nil {
		t.Errorf("Slice(1,3) = %+v", s)
	}
}
