package neuron

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestBIFHandTrace: threshold 10 (starts at 5), levels 2.
func TestBIFHandTrace(t *testing.T) {
	m, err := New(Params{Kind: BIF, Threshold: 10, Levels: 2}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	// step  in   v before+in  action            v   count  fired
	// 0     12   17           +1                7   1      [0]
	// 1     10   17           +1                7   2      [0]
	// 2     10   17           at Levels: none   17  2      []
	// 3    -30  -13           -1               -3   1      [^0]
	// 4      0   -3           -1                7   0      [^0]
	// 5      0    7           quiet (idle)      7   0      []
	steps := []struct {
		in     int32
		v      int32
		count  int32
		fired  []int32
		active int
	}{
		{12, 7, 1, []int32{0}, 1},
		{10, 7, 2, []int32{0}, 1},
		{10, 17, 2, nil, 1},
		{-30, -3, 1, []int32{^0}, 1},
		{0, 7, 0, []int32{^0}, 1},
		{0, 7, 0, nil, 0},
	}
	bif := m.(*BIFState)
	for i, s := range steps {
		fired, active := m.Step([]int32{s.in}, nil)
		if bif.V()[0] != s.v || bif.Counts()[0] != s.count || !reflect.DeepEqual(fired, s.fired) || active != s.active {
			t.Errorf("step %d: v %d count %d fired %v active %d; want %d %d %v %d",
				i, bif.V()[0], bif.Counts()[0], fired, active, s.v, s.count, s.fired, s.active)
		}
	}
}

// TestBIFSettlesToQuantizedReLU: after any input sequence and enough quiet
// steps, count = clamp(floor((Z + θ/2)/θ), 0, L) with Z = bias + Σ input.
func TestBIFSettlesToQuantizedReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 500; trial++ {
		theta := int32(2 * (1 + rng.IntN(50)))
		levels := uint16(1 + rng.IntN(8))
		bias := int32(rng.IntN(200) - 100)
		m, err := New(Params{Kind: BIF, Threshold: theta, Levels: levels}, 1, []int32{bias})
		if err != nil {
			t.Fatal(err)
		}
		z := int64(bias)
		for s := 0; s < 1+rng.IntN(6); s++ {
			x := int32(rng.IntN(400) - 150)
			z += int64(x)
			m.Step([]int32{x}, nil)
		}
		for s := 0; s <= int(levels)+1; s++ {
			m.Step([]int32{0}, nil)
		}
		q := (z + int64(theta/2))
		want := q / int64(theta)
		if q < 0 && q%int64(theta) != 0 {
			want-- // floor for negatives
		}
		want = min(max(want, 0), int64(levels))
		if got := m.(*BIFState).Counts()[0]; int64(got) != want {
			t.Fatalf("trial %d: θ=%d L=%d Z=%d: count %d, want %d", trial, theta, levels, z, got, want)
		}
		if _, active := m.Step([]int32{0}, nil); active != 0 {
			t.Fatalf("trial %d: not quiet after settling", trial)
		}
	}
}

func TestBIFParams(t *testing.T) {
	for _, p := range []Params{
		{Kind: BIF, Threshold: 9, Levels: 4},  // odd threshold
		{Kind: BIF, Threshold: 10, Levels: 0}, // no levels
		{Kind: IFSubtract, Threshold: 10, Levels: 3},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}

// TestQuiet: Quiet is true exactly when a step without input would change
// nothing.
func TestQuiet(t *testing.T) {
	m, _ := New(Params{Kind: IFSubtract, Threshold: 10}, 2, nil)
	q := m.(Quieter)
	if !q.Quiet() {
		t.Error("fresh IF not quiet")
	}
	m.Step([]int32{25, 3}, nil) // v = {15, 3}: neuron 0 fires and stays above threshold
	if q.Quiet() {
		t.Error("IF with v >= threshold reported quiet")
	}
	fired, _ := m.Step([]int32{0, 0}, nil) // fires again: v = {5, 3}
	if len(fired) != 1 || !q.Quiet() {
		t.Errorf("fired %v, quiet %v", fired, q.Quiet())
	}
	biased, _ := New(Params{Kind: IFSubtract, Threshold: 10}, 1, []int32{1})
	if biased.(Quieter).Quiet() {
		t.Error("IF with bias reported quiet")
	}
	b, _ := New(Params{Kind: BIF, Threshold: 10, Levels: 2}, 1, []int32{20}) // starts at 25: fires twice
	bq := b.(Quieter)
	for step := 0; step < 2; step++ {
		if bq.Quiet() {
			t.Fatalf("step %d: BIF that can fire reported quiet", step)
		}
		b.Step([]int32{0}, nil)
	}
	if !bq.Quiet() {
		t.Error("settled BIF not quiet")
	}
	if _, ok := Model(&LIFState{}).(Quieter); ok {
		t.Error("LIF claims it can skip steps; it leaks every step")
	}
}
