package explore

import (
	"fmt"
	"math"
	"strconv"
	"testing"
)

// TestTicks: every axis the plots can get has enough labels to read
// values off, not so many that they run into each other, in increasing
// order, each at the value it names.
func TestTicks(t *testing.T) {
	cases := []struct {
		lo, hi   float64
		log      bool
		min, max int // labelled ticks
	}{
		{96.6, 99.4, false, 4, 10},
		{8.9, 91, false, 4, 10},
		{0, 1, false, 4, 10},
		{-3.2, 0.7, false, 4, 10},
		{1e-4, 3e-4, false, 4, 10},
		{1234, 98765, false, 4, 10},
		{6.5, 2100, true, 4, 10},
		{0.0015, 95, true, 4, 10},
		{30, 70, true, 2, 9},
		{1e-3, 1e6, true, 4, 10},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%g..%g log=%v", c.lo, c.hi, c.log), func(t *testing.T) {
			ticks := linearTicks{}.Ticks(c.lo, c.hi)
			if c.log {
				ticks = logTicks{}.Ticks(c.lo, c.hi)
			}
			n, prev := 0, c.lo-1
			for _, tk := range ticks {
				if tk.Value <= prev || tk.Value < c.lo-1e-9*math.Abs(c.lo) || tk.Value > c.hi+1e-9*math.Abs(c.hi) {
					t.Errorf("tick %g out of order or outside the axis", tk.Value)
				}
				prev = tk.Value
				if tk.Label == "" {
					continue
				}
				n++
				v, err := strconv.ParseFloat(tk.Label, 64)
				if err != nil || v-tk.Value > 1e-9*max(1, tk.Value) || tk.Value-v > 1e-9*max(1, tk.Value) {
					t.Errorf("label %q at %g", tk.Label, tk.Value)
				}
			}
			if n < c.min || n > c.max {
				t.Errorf("%d labels, want %d..%d: %v", n, c.min, c.max, ticks)
			}
		})
	}
}

// TestSplitByEnergy: with two energy models each gets its own series and
// its own front; with one, the series uses the sweep's front.
func TestSplitByEnergy(t *testing.T) {
	s := mustSpace(t, "objectives: [maximize accuracy_pct, minimize energy_uj]\n")
	r := func(i int, energy string, acc, uj float64) Result {
		res := Result{Index: int64(i), Feasible: true, Metrics: Metrics{AccuracyPct: acc, EnergyUJ: uj}}
		res.Config.Energy.Name = energy
		return res
	}
	// paper-45nm dominates every loihi point; loihi still has a front.
	results := []Result{r(0, "loihi", 98, 10), r(1, "paper-45nm", 98, 0.1), r(2, "loihi", 97, 20), r(3, "paper-45nm", 99, 0.2)}
	global := make([]bool, len(results))
	for _, i := range ParetoFront(results, s.Objectives, nil) {
		global[i] = true
	}
	ser := splitByEnergy(s, results, global, "energy_uj", "accuracy_pct")
	if len(ser) != 2 || ser[0].name != "loihi" || ser[1].name != "paper-45nm" {
		t.Fatalf("series %+v", ser)
	}
	if len(ser[0].front) != 1 || ser[0].front[0].X != 10 || len(ser[0].meets) != 1 {
		t.Errorf("loihi: front %v, dominated %v; want its own front {10 µJ}", ser[0].front, ser[0].meets)
	}
	if len(ser[1].front) != 2 {
		t.Errorf("paper-45nm: front %v, want both points", ser[1].front)
	}
	loihi := []Result{results[0], results[2]}
	onFront := []bool{true, false} // as ParetoFront finds for these two
	one := splitByEnergy(s, loihi, onFront, "energy_uj", "accuracy_pct")
	if len(one) != 1 || len(one[0].front) != 1 || len(one[0].meets) != 1 {
		t.Errorf("one model: %+v", *one[0])
	}
}
