package mackeyglass

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestRecipeDefaultIsBuiltin: the recipe as a function of its size and
// hold gives the committed model's bytes at its defaults.
func TestRecipeDefaultIsBuiltin(t *testing.T) {
	m, _, err := TrainRecipe(NeuroBench(), Recipe{Neurons: Neurons, Hold: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, builtinWeights) {
		t.Fatal("TrainRecipe(NeuroBench(), {Neurons, 1}) differs from the committed mackey-glass.npz")
	}
}

// TestReservoirPrefix: reservoirs of different sizes share their draws
// while the draw order is the same (the first neuron's input weight and
// bias come first for any size).
func TestReservoirPrefix(t *testing.T) {
	a, b := NewReservoirN(10), NewReservoirN(Neurons)
	if a.WIn[0] != b.WIn[0] || a.Bias[0] != b.Bias[0] {
		t.Fatalf("first neuron differs: %v/%v vs %v/%v", a.WIn[0], a.Bias[0], b.WIn[0], b.Bias[0])
	}
	if len(a.WRec) != 100 || len(b.WRec) != Neurons*Neurons {
		t.Fatalf("recurrent sizes %d, %d", len(a.WRec), len(b.WRec))
	}
}

func TestHoldAndLastOfEach(t *testing.T) {
	r := Recipe{Neurons: 4, Hold: 3}
	got := r.HoldInputs([]float64{1, 2})
	if want := []float64{1, 1, 1, 2, 2, 2}; !slices.Equal(got, want) {
		t.Fatalf("HoldInputs = %v, want %v", got, want)
	}
	if last := LastOfEach(r, []int{0, 1, 2, 3, 4, 5}); !slices.Equal(last, []int{2, 5}) {
		t.Fatalf("LastOfEach = %v, want [2 5]", last)
	}
	one := Recipe{Neurons: 4, Hold: 1}
	if got := one.HoldInputs([]float64{1, 2}); !slices.Equal(got, []float64{1, 2}) {
		t.Fatalf("Hold 1: %v", got)
	}
}

// TestTrainRecipeSizes trains small and held variants: each beats
// persistence (predicting x(t+1) = x(t)) on the test steps, and the same
// recipe gives the same bits twice.
func TestTrainRecipeSizes(t *testing.T) {
	k := NeuroBench()
	xs, err := k.Generate()
	if err != nil {
		t.Fatal(err)
	}
	_, _, lo, hi := k.Split()
	persist, err := SMAPE(xs[lo:hi], xs[lo+1:hi+1])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Recipe{{Neurons: 20, Hold: 1}, {Neurons: 50, Hold: 2}} {
		m1, fit, err := TrainRecipe(NeuroBench(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(m1.WIn) != r.Neurons || len(m1.WOut) != r.Neurons || !(fit.TestSMAPE > 0 && fit.TestSMAPE < persist) {
			t.Fatalf("%+v: %d neurons, %d readout weights, test sMAPE %g (persistence %g)", r, len(m1.WIn), len(m1.WOut), fit.TestSMAPE, persist)
		}
		m2, _, err := TrainRecipe(NeuroBench(), r)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m1.WOut, m2.WOut) || m1.BOut != m2.BOut {
			t.Fatalf("%+v: two trainings differ", r)
		}
		t.Logf("%+v: float test sMAPE %.3f %%, tanh %.3f %%", r, fit.TestSMAPE, fit.TanhTestSMAPE)
	}
}

func TestRecipeValidate(t *testing.T) {
	for _, c := range []struct {
		r    Recipe
		want []string
	}{
		{Recipe{Neurons: 0, Hold: 1}, []string{"reservoir size is 0 neurons, want 1..1024"}},
		{Recipe{Neurons: 2000, Hold: 0}, []string{"reservoir size is 2000", "timesteps per value is 0, want 1..32"}},
		{Recipe{Neurons: 5, Hold: 33}, []string{"timesteps per value is 33"}},
	} {
		err := c.r.Validate()
		if err == nil {
			t.Fatalf("%+v: no error", c.r)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: %v, want %q", c.r, err, w)
			}
		}
		if _, _, err := TrainRecipe(NeuroBench(), c.r); err == nil {
			t.Errorf("%+v: TrainRecipe did not refuse it", c.r)
		}
	}
}
