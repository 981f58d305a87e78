package neuron

import (
	"math"
	"slices"
	"testing"
)

// traceCase is a single-neuron trace computed by hand (see the comments on
// each case). Steps are numbered from 1.
type traceCase struct {
	name       string
	p          Params
	bias       int32
	in         []int32 // input per step
	wantV      []int32 // v after each step
	wantU      []int32 // u after each step (LIF only; nil for IF)
	wantFire   []int   // steps (1-based) at which the neuron fires
	wantActive []int   // active count per step; nil means 1 at every step
}

func repeat(x int32, n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = x
	}
	return s
}

// runTrace drives a one-neuron Model through tc and checks every step.
func runTrace(t *testing.T, tc traceCase) {
	t.Helper()
	var bias []int32
	if tc.bias != 0 {
		bias = []int32{tc.bias}
	}
	m, err := New(tc.p, 1, bias)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if len(tc.wantV) != len(tc.in) || (tc.wantU != nil && len(tc.wantU) != len(tc.in)) ||
		(tc.wantActive != nil && len(tc.wantActive) != len(tc.in)) {
		t.Fatalf("bad test table: lengths in=%d v=%d u=%d active=%d", len(tc.in), len(tc.wantV), len(tc.wantU), len(tc.wantActive))
	}
	in := make([]int32, 1)
	fired := make([]int32, 0, 1)
	var gotFire []int
	for i, x := range tc.in {
		step := i + 1
		in[0] = x
		var active int
		fired, active = m.Step(in, fired[:0])
		if in[0] != 0 {
			t.Errorf("step %d: in[0] = %d after Step, want 0", step, in[0])
		}
		if len(fired) > 0 {
			if len(fired) != 1 || fired[0] != 0 {
				t.Fatalf("step %d: fired = %v, want [] or [0]", step, fired)
			}
			gotFire = append(gotFire, step)
		}
		if got := m.V()[0]; got != tc.wantV[i] {
			t.Errorf("step %d (in %d): v = %d, want %d", step, x, got, tc.wantV[i])
		}
		if tc.wantU != nil {
			if got := m.(*LIFState).U()[0]; got != tc.wantU[i] {
				t.Errorf("step %d (in %d): u = %d, want %d", step, x, got, tc.wantU[i])
			}
		}
		wantActive := 1
		if tc.wantActive != nil {
			wantActive = tc.wantActive[i]
		}
		if active != wantActive {
			t.Errorf("step %d: active = %d, want %d", step, active, wantActive)
		}
	}
	if !slices.Equal(gotFire, tc.wantFire) {
		t.Errorf("spike steps = %v, want %v", gotFire, tc.wantFire)
	}
}

func TestIFTraces(t *testing.T) {
	sub := func(th int32) Params { return Params{Kind: IFSubtract, Threshold: th} }
	zero := func(th int32) Params { return Params{Kind: IFZero, Threshold: th} }
	cases := []traceCase{
		{
			// 4, 8, 12->fire->2, 6, 10->fire->0, 4, 8, 12->fire->2, 6, 10->fire->0
			name:     "subtract/th10/in4",
			p:        sub(10),
			in:       repeat(4, 10),
			wantV:    []int32{4, 8, 2, 6, 0, 4, 8, 2, 6, 0},
			wantFire: []int{3, 5, 8, 10},
		},
		{
			// 4, 8, 12->fire->0, repeating with period 3
			name:     "zero/th10/in4",
			p:        zero(10),
			in:       repeat(4, 9),
			wantV:    []int32{4, 8, 0, 4, 8, 0, 4, 8, 0},
			wantFire: []int{3, 6, 9},
		},
		{
			// v == Threshold fires (>=).
			name:     "subtract/fires-at-equality",
			p:        sub(5),
			in:       []int32{5, 4, 1},
			wantV:    []int32{0, 4, 0},
			wantFire: []int{1, 3},
		},
		{
			// 25->fire->15; no input but 15>=10 -> fire -> 5; then idle.
			name:       "subtract/surplus-spent-one-spike-per-step",
			p:          sub(10),
			in:         []int32{25, 0, 0, 0},
			wantV:      []int32{15, 5, 5, 5},
			wantFire:   []int{1, 2},
			wantActive: []int{1, 1, 0, 0},
		},
		{
			name:       "zero/surplus-discarded",
			p:          zero(10),
			in:         []int32{25, 0},
			wantV:      []int32{0, 0},
			wantFire:   []int{1},
			wantActive: []int{1, 0},
		},
		{
			// bias 3: 3, 6, 9, 12->2, 5, 8, 11->1, 4
			name:     "subtract/bias3",
			p:        sub(10),
			bias:     3,
			in:       repeat(0, 8),
			wantV:    []int32{3, 6, 9, 2, 5, 8, 1, 4},
			wantFire: []int{4, 7},
		},
		{
			// bias 3, reset to zero: 3, 6, 9, 12->0, 3
			name:     "zero/bias3",
			p:        zero(10),
			bias:     3,
			in:       repeat(0, 5),
			wantV:    []int32{3, 6, 9, 0, 3},
			wantFire: []int{4},
		},
		{
			// -3, 2, 22->fire->12 (one spike only), 12->fire->2, then idle
			name:       "subtract/negative-input",
			p:          sub(10),
			in:         []int32{-3, 5, 20, 0, 0},
			wantV:      []int32{-3, 2, 12, 2, 2},
			wantFire:   []int{3, 4},
			wantActive: []int{1, 1, 1, 1, 0},
		},
		{
			// MaxInt32 saturates to 2^30 = 1073741824 >= 1000 -> fire -> 1073740824;
			// again saturates -> fire -> 1073740824; no input, still >= th -> 1073739824.
			name:     "subtract/saturate-high",
			p:        sub(1000),
			in:       []int32{math.MaxInt32, math.MaxInt32, 0},
			wantV:    []int32{1073740824, 1073740824, 1073739824},
			wantFire: []int{1, 2, 3},
		},
		{
			// Threshold at the saturation bound is still reachable.
			name:       "zero/threshold-at-bound",
			p:          zero(IFStateMax),
			in:         []int32{math.MaxInt32, 0},
			wantV:      []int32{0, 0},
			wantFire:   []int{1},
			wantActive: []int{1, 0},
		},
		{
			// -2^31 saturates to -2^30 = -1073741824 (twice), then +5.
			name:  "subtract/saturate-low",
			p:     sub(10),
			in:    []int32{math.MinInt32, math.MinInt32, 5},
			wantV: []int32{-1073741824, -1073741824, -1073741819},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runTrace(t, tc) })
	}
}

func TestLIFTraces(t *testing.T) {
	lif := func(du, dv uint16, th int32, ref uint16) Params {
		return Params{Kind: LIF, Threshold: th, DecayU: du, DecayV: dv, Refractory: ref}
	}
	cases := []traceCase{
		{
			// du=1024 keeps 3/4 of u, dv=2048 keeps 1/2 of v; rounding toward zero.
			//  t  u                              v
			//  1  100                            0 + 100 = 100
			//  2  75                             50 + 75 = 125
			//  3  56.25->56                      62.5->62 + 56 = 118
			//  4  42 - 50 = -8                   59 - 8 = 51
			//  5  -6                             25.5->25 - 6 = 19
			//  6  -4.5->-4 (shift: -5)           9.5->9 - 4 = 5
			//  7  -3                             2.5->2 - 3 = -1
			//  8  -2.25->-2 (shift: -3)          -0.5->0 (shift: -1) - 2 = -2
			//  9  -1.5->-1                       -1 - 1 = -2
			// 10  -0.75->0                       -1 + 0 = -1
			// 11  0                              -0.5->0
			// 12  idle: u = v = 0, no input, no bias
			name:       "decay/round-toward-zero",
			p:          lif(1024, 2048, 1000, 0),
			in:         []int32{100, 0, 0, -50, 0, 0, 0, 0, 0, 0, 0, 0},
			wantU:      []int32{100, 75, 56, -8, -6, -4, -3, -2, -1, 0, 0, 0},
			wantV:      []int32{100, 125, 118, 51, 19, 5, -1, -2, -2, -1, 0, 0},
			wantActive: []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
		},
		{
			// du=4096 clears u each step; bias 6, dv halves v:
			// 6, 3+6=9, 4.5->4+6=10, 5+6=11, 5.5->5+6=11
			name:  "bias/positive",
			p:     lif(4096, 2048, 100, 0),
			bias:  6,
			in:    repeat(0, 5),
			wantU: repeat(0, 5),
			wantV: []int32{6, 9, 10, 11, 11},
		},
		{
			// -6, -3-6=-9, -4.5->-4-6=-10, -5-6=-11, -5.5->-5-6=-11
			// (an arithmetic shift would give -6, -9, -11, -12, -12)
			name:  "bias/negative",
			p:     lif(4096, 2048, 100, 0),
			bias:  -6,
			in:    repeat(0, 5),
			wantU: repeat(0, 5),
			wantV: []int32{-6, -9, -10, -11, -11},
		},
		{
			// No leak on v, u = in: 4, 8 (== th, no spike), 12 -> fire -> 0.
			name:     "threshold/strictly-greater",
			p:        lif(4096, 0, 8, 0),
			in:       repeat(4, 6),
			wantU:    repeat(4, 6),
			wantV:    []int32{4, 8, 0, 4, 8, 0},
			wantFire: []int{3, 6},
		},
		{
			// Refractory 2: fire at 3, v held at 0 on steps 4 and 5, integrates from 6.
			name:     "refractory/hold-two-steps",
			p:        lif(4096, 0, 10, 2),
			in:       repeat(4, 8),
			wantU:    repeat(4, 8),
			wantV:    []int32{4, 8, 0, 0, 0, 4, 8, 0},
			wantFire: []int{3, 8},
		},
		{
			// du=2048, refractory 1. u keeps decaying while v is held:
			// t1 u=20 v=20>10 fire->0; t2 u=10 v held 0; t3 u=5 v=5;
			// t4 u=2.5->2 v=7; t5 u=1 v=8; t6 u=0.5->0 v=8; t7 v=8 (still active, v != 0).
			name:     "refractory/u-integrates",
			p:        lif(2048, 0, 10, 1),
			in:       []int32{20, 0, 0, 0, 0, 0, 0},
			wantU:    []int32{20, 10, 5, 2, 1, 0, 0},
			wantV:    []int32{0, 0, 5, 7, 8, 8, 8},
			wantFire: []int{1},
		},
		{
			// A refractory neuron with u = v = 0 and no input is still active
			// (its counter counts down), then idle.
			name:       "refractory/counts-active",
			p:          lif(4096, 4096, 5, 2),
			in:         []int32{6, 0, 0, 0},
			wantU:      []int32{6, 0, 0, 0},
			wantV:      []int32{0, 0, 0, 0},
			wantFire:   []int{1},
			wantActive: []int{1, 1, 1, 0},
		},
		{
			// u wraps to 24 bits: 8000000 + 1000000 = 9000000 - 2^24 = -7777216.
			// dv=4096 so v = u each step.
			name:  "wrap/u-positive-overflow",
			p:     lif(0, 4096, LIFStateMax-1, 0),
			in:    []int32{8000000, 1000000},
			wantU: []int32{8000000, -7777216},
			wantV: []int32{8000000, -7777216},
		},
		{
			// -8000000 - 1000000 = -9000000 + 2^24 = 7777216.
			name:  "wrap/u-negative-overflow",
			p:     lif(0, 4096, LIFStateMax-1, 0),
			in:    []int32{-8000000, -1000000},
			wantU: []int32{-8000000, 7777216},
			wantV: []int32{-8000000, 7777216},
		},
		{
			// MaxInt32 = 0x7FFFFFFF; low 24 bits 0xFFFFFF sign-extend to -1.
			// du=0 keeps u = -1; v = 0 + u = -1 each step (dv=4096).
			name:  "wrap/int32-max-input",
			p:     lif(0, 4096, 100, 0),
			in:    []int32{math.MaxInt32, 0},
			wantU: []int32{-1, -1},
			wantV: []int32{-1, -1},
		},
		{
			// v saturates at -(2^23-1) = -8388607: -5000000 + -5000000 = -10000000 -> -8388607.
			name:  "saturate/v-negative",
			p:     lif(4096, 0, 1000, 0),
			in:    []int32{-5000000, -5000000, 0},
			wantU: []int32{-5000000, -5000000, 0},
			wantV: []int32{-5000000, -8388607, -8388607},
		},
		{
			// 10000000 saturates to 8388607 > 8388606 (largest valid threshold) -> fire.
			name:     "saturate/v-positive-fires-at-max-threshold",
			p:        lif(4096, 0, LIFStateMax-1, 0),
			in:       []int32{5000000, 5000000},
			wantU:    []int32{5000000, 5000000},
			wantV:    []int32{5000000, 0},
			wantFire: []int{2},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runTrace(t, tc) })
	}
}

// TestStepPopulation checks fired ordering, active counts and input zeroing
// across several neurons at once, with and without bias.
func TestStepPopulation(t *testing.T) {
	type step struct {
		in         []int32
		wantFired  []int32
		wantActive int
		wantV      []int32
	}
	cases := []struct {
		name  string
		p     Params
		bias  []int32
		steps []step
	}{
		{
			name: "if-subtract/no-bias",
			p:    Params{Kind: IFSubtract, Threshold: 10},
			steps: []step{
				{in: []int32{0, 12, 0, 10, -1}, wantFired: []int32{1, 3}, wantActive: 3, wantV: []int32{0, 2, 0, 0, -1}},
				{in: []int32{0, 0, 0, 0, 0}, wantFired: nil, wantActive: 0, wantV: []int32{0, 2, 0, 0, -1}},
				// ni0: 30 -> fire -> 20 (one spike); ni4: -1 + 11 = 10 -> fire -> 0.
				{in: []int32{30, 0, 0, 0, 11}, wantFired: []int32{0, 4}, wantActive: 2, wantV: []int32{20, 2, 0, 0, 0}},
				// ni0 has no input but 20 >= 10: fires again -> 10.
				{in: []int32{0, 0, 0, 0, 0}, wantFired: []int32{0}, wantActive: 1, wantV: []int32{10, 2, 0, 0, 0}},
			},
		},
		{
			name: "if-zero/bias",
			p:    Params{Kind: IFZero, Threshold: 10},
			bias: []int32{0, 4, 0, -1},
			steps: []step{
				{in: []int32{0, 0, 0, 0}, wantFired: nil, wantActive: 2, wantV: []int32{0, 4, 0, -1}},
				{in: []int32{0, 6, 0, 0}, wantFired: []int32{1}, wantActive: 2, wantV: []int32{0, 0, 0, -2}},
				{in: []int32{15, 0, 0, 0}, wantFired: []int32{0}, wantActive: 3, wantV: []int32{0, 4, 0, -3}},
			},
		},
		{
			name: "lif/bias-and-leak",
			p:    Params{Kind: LIF, Threshold: 10, DecayU: 2048, DecayV: 2048},
			bias: []int32{0, 0, 5, 0},
			steps: []step{
				// ni1: u=3 v=3; ni2: v=5; others idle.
				{in: []int32{0, 3, 0, 0}, wantFired: nil, wantActive: 2, wantV: []int32{0, 3, 5, 0}},
				// ni1: u=1.5->1, v=1.5->1 + 1 = 2; ni2: 2.5->2 + 5 = 7; ni3: u=20, v=20 fire.
				{in: []int32{0, 0, 0, 20}, wantFired: []int32{3}, wantActive: 3, wantV: []int32{0, 2, 7, 0}},
				// ni1: u=0, v=1; ni2: 3+5=8; ni3: u=10, v=10 (not > 10).
				{in: []int32{0, 0, 0, 0}, wantFired: nil, wantActive: 3, wantV: []int32{0, 1, 8, 10}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.steps[0].in)
			m, err := New(tc.p, n, tc.bias)
			if err != nil {
				t.Fatal(err)
			}
			fired := make([]int32, 0, n)
			for si, st := range tc.steps {
				in := slices.Clone(st.in)
				var active int
				fired, active = m.Step(in, fired[:0])
				if !slices.Equal(fired, st.wantFired) {
					t.Errorf("step %d: fired = %v, want %v", si+1, fired, st.wantFired)
				}
				if active != st.wantActive {
					t.Errorf("step %d: active = %d, want %d", si+1, active, st.wantActive)
				}
				if !slices.Equal(m.V(), st.wantV) {
					t.Errorf("step %d: v = %v, want %v", si+1, m.V(), st.wantV)
				}
				for ni, x := range in {
					if x != 0 {
						t.Errorf("step %d: in[%d] = %d after Step, want 0", si+1, ni, x)
					}
				}
			}
		})
	}
}
