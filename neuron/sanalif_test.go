package neuron

import (
	"slices"
	"testing"
)

// TestSanaLIFHandTrace checks SanaLIF against traces worked out by hand
// from the update in SanaLIFState's comment (SANA-FE's order: leak, then
// truncation to 1/64, then bias, input, threshold, reset, refractory).
func TestSanaLIFHandTrace(t *testing.T) {
	tests := []struct {
		name   string
		p      Params
		bias   int32
		in     []int32   // input per step
		spikes []int     // steps that fire
		v      []float64 // v after each step
	}{{
		// t0 no leak: v = 0 + 6; t1: v = 6*0.5 + 6 = 9; t2: 4.5;
		// t3: 2.25 + 12 = 14.25 > 10 fires, v = 0 (hard reset).
		name: "leak and input", p: Params{Kind: SanaLIF, Threshold: 10, LeakDecay: 0.5},
		in: []int32{6, 6, 0, 12}, spikes: []int{3}, v: []float64{6, 9, 4.5, 0},
	}, {
		// t1: 1*0.3 = 0.3, *64 = 19.2 -> 19/64 = 0.296875, +1;
		// t2: 1.296875*0.3 = 0.3890625, *64 = 24.9 -> 0.375, +1.
		name: "truncation to 1/64", p: Params{Kind: SanaLIF, Threshold: 2, LeakDecay: 0.3}, bias: 1,
		in: []int32{0, 0, 0}, v: []float64{1, 1.296875, 1.375},
	}, {
		// Negative values truncate toward zero: -0.3 -> -19/64.
		name: "truncation toward zero", p: Params{Kind: SanaLIF, Threshold: 2, LeakDecay: 0.3}, bias: -1,
		in: []int32{0, 0}, v: []float64{-1, -1.296875},
	}, {
		// 3, 6 > 5 fires -> 1, 4, 7 fires -> 2, 5 (not > 5), 8 fires -> 3.
		name: "soft reset, strict threshold", p: Params{Kind: SanaLIF, Threshold: 5, LeakDecay: 1, ResetMode: ResetSoft}, bias: 3,
		in: make([]int32, 6), spikes: []int{1, 3, 5}, v: []float64{3, 1, 4, 2, 5, 3},
	}, {
		// fires at t1 -> -2, count 3 -> 2; t2, t3 blocked (the input of
		// 50 at t2 is dropped); t4: 1, t5: 4, t6: 7 fires.
		name: "refractory 3", p: Params{Kind: SanaLIF, Threshold: 5, LeakDecay: 1, Reset: -2, Refractory: 3}, bias: 3,
		in: []int32{0, 0, 50, 0, 0, 0, 0}, spikes: []int{1, 6}, v: []float64{3, -2, -2, -2, 1, 4, -2},
	}, {
		// Refractory 1 blocks nothing: the count is cleared in the spike's step.
		name: "refractory 1", p: Params{Kind: SanaLIF, Threshold: 5, LeakDecay: 1, Reset: -2, Refractory: 1}, bias: 3,
		in: make([]int32, 5), spikes: []int{1, 4}, v: []float64{3, -2, 1, 4, -2},
	}, {
		// u: 8, 4, 2, 1, 0.5, 0.25; v accumulates it.
		name: "input decay", p: Params{Kind: SanaLIF, Threshold: 100, LeakDecay: 1, InputDecay: 0.5},
		in: []int32{8, 0, 0, 0, 0, 0}, v: []float64{8, 12, 14, 15, 15.5, 15.75},
	}, {
		name: "no reset", p: Params{Kind: SanaLIF, Threshold: 5, LeakDecay: 1, ResetMode: ResetNone}, bias: 4,
		in: make([]int32, 3), spikes: []int{1, 2}, v: []float64{4, 8, 12},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.p, 1, []int32{tc.bias})
			if err != nil {
				t.Fatal(err)
			}
			s := m.(*SanaLIFState)
			var spikes []int
			for step, x := range tc.in {
				fired, _ := s.Step([]int32{x}, nil)
				if len(fired) > 0 {
					spikes = append(spikes, step)
				}
				if got := s.Potentials()[0]; got != tc.v[step] {
					t.Errorf("step %d: v = %v, want %v", step, got, tc.v[step])
				}
			}
			if !slices.Equal(spikes, tc.spikes) {
				t.Errorf("spikes at %v, want %v", spikes, tc.spikes)
			}
		})
	}
}

// TestSanaLIFResetAndIdle checks that Reset restarts the no-leak first
// step and that idle neurons are skipped and not counted.
func TestSanaLIFResetAndIdle(t *testing.T) {
	m, err := New(Params{Kind: SanaLIF, Threshold: 100, LeakDecay: 0.5}, 2, []int32{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	in := []int32{8, 0}
	if _, active := m.Step(in, nil); active != 1 {
		t.Fatalf("active = %d, want 1 (neuron 1 idle)", active)
	}
	// Neuron 0 fired nothing, v = 8 != 0: counted. A neuron with only
	// u != 0 is stepped but not counted (SANA-FE's rule).
	if _, active := m.Step(in, nil); active != 1 {
		t.Fatalf("active = %d, want 1", active)
	} // Step cleared in: v = 8*0.5 = 4
	if got := m.(*SanaLIFState).Potentials()[0]; got != 4 {
		t.Fatalf("v = %v, want 4", got)
	}
	u, err := New(Params{Kind: SanaLIF, Threshold: 5, LeakDecay: 1, InputDecay: 0.5}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	u.Step([]int32{8}, nil) // v = 8 > 5: fires, v = 0, u = 8
	if _, active := u.Step([]int32{0}, nil); active != 0 {
		t.Fatalf("u-only neuron counted as active")
	}
	if got := u.(*SanaLIFState).Potentials()[0]; got != 4 { // u = 4, v = 0 + 4
		t.Fatalf("u-only neuron: v = %v, want 4", got)
	}
	m.Reset()
	m.Step([]int32{8, 0}, nil) // first step again: no leak
	if got := m.V()[0]; got != 8 {
		t.Fatalf("after Reset v = %d, want 8", got)
	}
}

func TestSanaLIFParamsValidate(t *testing.T) {
	bad := []Params{
		{Kind: SanaLIF, Threshold: 1, LeakDecay: 1.5},
		{Kind: SanaLIF, Threshold: 1, InputDecay: -0.1},
		{Kind: SanaLIF, Threshold: 1, DecayV: 3},
		{Kind: LIF, Threshold: 1, LeakDecay: 0.5},
		{Kind: SanaLIF, Threshold: 1, ResetMode: numResetModes},
		{Kind: SanaLIF, Threshold: -1, LeakDecay: 1},
	}
	for _, p := range bad {
		if p.Validate() == nil {
			t.Errorf("%+v: Validate accepted it", p)
		}
	}
	if err := (Params{Kind: SanaLIF, Threshold: 1, LeakDecay: 1, Refractory: 2, Reset: -3, ResetMode: ResetSoft}).Validate(); err != nil {
		t.Errorf("valid params rejected: %v", err)
	}
	if err := (Params{Kind: SanaLIF, LeakDecay: 1}).Validate(); err != nil {
		t.Errorf("threshold 0 (SANA-FE's default) rejected: %v", err)
	}
	var r ResetMode
	if err := r.UnmarshalText([]byte("soft")); err != nil || r != ResetSoft {
		t.Errorf("UnmarshalText(soft) = %v, %v", r, err)
	}
	if r.UnmarshalText([]byte("saturate")) == nil {
		t.Error("UnmarshalText(saturate) accepted")
	}
}
