package ann

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// tiny is a 2-3-2 network whose outputs are exact in float32:
//
//	x = (1, 2):  z1 = (1-2+0, 0.5+1+1, -2+2+0.5) = (-1, 2.5, 0.5) -> a1 = (0, 2.5, 0.5)
//	             z2 = (0+5+1.5+0.25, 0+0+2-1)   = (6.75, 1)        -> class 0
//	x = (0, 1):  z1 = (-1, 1.5, 1.5) -> a1 = (0, 1.5, 1.5)
//	             z2 = (3+4.5+0.25, 6-1) = (7.75, 5)                -> class 0
//	x = (1, 0):  z1 = (1, 1.5, -1.5) -> a1 = (1, 1.5, 0)
//	             z2 = (1+3+0.25, -1+0-1) = (4.25, -2)              -> class 0
//	x = (0, 0):  z1 = (0, 1, 0.5)    -> a1 = (0, 1, 0.5)
//	             z2 = (2+1.5+0.25, 2-1) = (3.75, 1)                -> class 0
//	x = (4, 0):  z1 = (4, 3, -7.5)   -> a1 = (4, 3, 0)
//	             z2 = (4+6+0.25, -4-1) = (10.25, -5)               -> class 0
//	x = (0, 4):  z1 = (-4, 3, 4.5)   -> a1 = (0, 3, 4.5)
//	             z2 = (6+13.5+0.25, 18-1) = (19.75, 17)            -> class 0
//
// The second output wins only when fc2 is changed (see TestForward).
func tiny() *MLP {
	return &MLP{Name: "tiny", Layers: []Dense{
		{Name: "fc1", In: 2, Out: 3, W: []float32{1, -1, 0.5, 0.5, -2, 1}, B: []float32{0, 1, 0.5}},
		{Name: "fc2", In: 3, Out: 2, W: []float32{1, 2, 3, -1, 0, 4}, B: []float32{0.25, -1}},
	}}
}

func TestForward(t *testing.T) {
	swapped := tiny()
	swapped.Layers[1].B = []float32{-10, 0} // logits shift by (-10.25, +1)
	tests := []struct {
		name      string
		m         *MLP
		x         []float32
		hidden    []float32
		logits    []float32
		wantClass int
	}{
		{"x=(1,2)", tiny(), []float32{1, 2}, []float32{0, 2.5, 0.5}, []float32{6.75, 1}, 0},
		{"x=(0,1)", tiny(), []float32{0, 1}, []float32{0, 1.5, 1.5}, []float32{7.75, 5}, 0},
		{"x=(1,0)", tiny(), []float32{1, 0}, []float32{1, 1.5, 0}, []float32{4.25, -2}, 0},
		{"x=(4,0)", tiny(), []float32{4, 0}, []float32{4, 3, 0}, []float32{10.25, -5}, 0},
		{"x=(0,4) bias -10,0", swapped, []float32{0, 4}, []float32{0, 3, 4.5}, []float32{9.5, 18}, 1},
		{"x=(0,0) bias -10,0", swapped, []float32{0, 0}, []float32{0, 1, 0.5}, []float32{-6.5, 2}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			acts := tc.m.NewActs()
			if got := tc.m.Forward(tc.x, acts); got != tc.wantClass {
				t.Errorf("class %d, want %d", got, tc.wantClass)
			}
			for l, want := range [][]float32{tc.hidden, tc.logits} {
				for k := range want {
					if acts[l][k] != want[k] {
						t.Errorf("acts[%d] = %v, want %v", l, acts[l], want)
						break
					}
				}
			}
		})
	}
}

func TestForwardAllocationFree(t *testing.T) {
	m := tiny()
	acts := m.NewActs()
	x := []float32{1, 2}
	if n := testing.AllocsPerRun(100, func() { m.Forward(x, acts) }); n != 0 {
		t.Errorf("Forward allocates %v times per call, want 0", n)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(m *MLP)
		wantErr string
	}{
		{"valid", func(m *MLP) {}, ""},
		{"no layers", func(m *MLP) { m.Layers = nil }, "ann: MLP has no layers"},
		{"empty name", func(m *MLP) { m.Layers[1].Name = "" }, "layer 1 has an empty name"},
		{"duplicate name", func(m *MLP) { m.Layers[1].Name = "fc1" }, `layer 1 ("fc1") has the same name as layer 0`},
		{"short weight", func(m *MLP) { m.Layers[0].W = m.Layers[0].W[:5] }, "weight has 5 elements, expected Out*In = 3*2 = 6"},
		{"long bias", func(m *MLP) { m.Layers[1].B = []float32{1, 2, 3} }, "bias has 3 elements, expected Out = 2"},
		{"zero width", func(m *MLP) { m.Layers[0].Out = 0 }, "In=2 Out=0, both must be >= 1"},
		{"chain", func(m *MLP) { m.Layers[1].In, m.Layers[1].W = 2, make([]float32, 4) }, `has In=2 but layer 0 ("fc1") has Out=3`},
		{"NaN weight", func(m *MLP) { m.Layers[1].W[4] = float32(math.NaN()) }, `layer 1 ("fc2") weight[1][1] is NaN`},
		{"Inf bias", func(m *MLP) { m.Layers[0].B[2] = float32(math.Inf(-1)) }, `layer 0 ("fc1") bias[2] is -Inf`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tiny()
			tc.edit(m)
			err := m.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "ann: ") {
				t.Fatalf("Validate() = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	m := &MLP{Layers: []Dense{{In: 784, Out: 512}, {In: 512, Out: 512}, {In: 512, Out: 10}}}
	if got, want := m.MACs(), uint64(784*512+512*512+512*10); got != want || got != 668672 {
		t.Errorf("MACs() = %d, want %d", got, want)
	}
	if got := m.BiasAdds(); got != 1034 {
		t.Errorf("BiasAdds() = %d, want 1034", got)
	}
	if got := tiny().Params(); got != 6+3+6+2 {
		t.Errorf("Params() = %d, want 17", got)
	}
}

func TestForEachChunk(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{10, 1}, {10, 3}, {10, 4}, {3, 8}, {1, 2}} {
		t.Run(fmt.Sprintf("n=%d,w=%d", tc.n, tc.workers), func(t *testing.T) {
			hits := make([]int, tc.n)
			chunks := make([]int, tc.workers)
			ForEachChunk(tc.n, tc.workers, func(w, lo, hi int) {
				chunks[w]++
				for i := lo; i < hi; i++ {
					hits[i]++
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("index %d visited %d times", i, h)
				}
			}
			for w, c := range chunks {
				if c > 1 {
					t.Fatalf("chunk %d ran %d times", w, c)
				}
			}
		})
	}
}
