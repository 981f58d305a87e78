package mackeyglass

import (
	"math"
	"strings"
	"testing"
)

// TestFirstDelayClosedForm: for t < τ the delayed value is the constant
// history c, so the equation is linear, dx/dt = A − γx with
// A = βc/(1+c^n), and x(t) = A/γ + (c − A/γ)·e^(−γt) exactly. The samples
// before t = τ = 17 (j = 0..6, t_j = 2.628418·j) must match it to RK4's
// error (h⁴ = 1e-8 of the step, far smaller over these few steps).
func TestFirstDelayClosedForm(t *testing.T) {
	k := NeuroBench()
	xs, err := k.Generate()
	if err != nil {
		t.Fatal(err)
	}
	c := k.History
	A := k.Beta * c / (1 + math.Pow(c, k.N))
	for j := 0; float64(j)*k.Spacing() < k.Tau; j++ {
		tj := float64(j) * k.Spacing()
		want := A/k.Gamma + (c-A/k.Gamma)*math.Exp(-k.Gamma*tj)
		if d := math.Abs(xs[j] - want); d > 1e-12 {
			t.Errorf("x(%g) = %.15f, closed form %.15f (diff %g)", tj, xs[j], want, d)
		}
	}
	// The first value by hand: 0.7206597^10 = e^(10·ln 0.7206597) =
	// e^(−3.2758) = 0.03779, A = 0.14413194/1.03779 = 0.138883,
	// A/γ = 1.38883, and x(2.628418) = 1.38883 − 0.66817·e^(−0.2628418) =
	// 1.38883 − 0.66817·0.768906 = 0.87507.
	if math.Abs(xs[1]-0.87507) > 5e-5 {
		t.Errorf("x_1 = %g, want 0.87507", xs[1])
	}
}

// TestSeriesShape: length, split and the sampling of NeuroBench.
func TestSeriesShape(t *testing.T) {
	k := NeuroBench()
	if k.TrainPoints() != 750 || k.TestPoints() != 750 || k.Points() != 1501 {
		t.Fatalf("points %d + %d + 1 = %d, want 750 + 750 + 1 = 1501", k.TrainPoints(), k.TestPoints(), k.Points())
	}
	// maxtime = 20·197 + 197/75 = 3942.626667, over 1500 intervals.
	if want := (3940 + 197.0/75) / 1500; math.Abs(k.Spacing()-want) > 1e-12 {
		t.Fatalf("spacing %g, want %g", k.Spacing(), want)
	}
}

// TestStatistics: the τ = 17 attractor stays within (0.2, 1.4) and its
// long-run mean is about 0.9 (Mackey & Glass 1977's figure; Farmer 1982
// reports the τ = 17 attractor between 0.4 and 1.35 once transients end).
func TestStatistics(t *testing.T) {
	xs, err := NeuroBench().Generate()
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, v := range xs[200:] {
		lo, hi, sum = min(lo, v), max(hi, v), sum+v
	}
	mean := sum / float64(len(xs)-200)
	if lo < 0.2 || hi > 1.4 || mean < 0.85 || mean > 0.95 {
		t.Fatalf("after transients: min %g, max %g, mean %g; want within (0.2, 1.4), mean about 0.9", lo, hi, mean)
	}
}

// TestSolverConverges: halving the solver step moves the first two
// Lyapunov times (150 points) by less than 1e-9: the series is the
// equation's, not the solver's, until chaos amplifies the rounding.
func TestSolverConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("integrates the series twice at half the step")
	}
	k := NeuroBench()
	a, err := k.Generate()
	if err != nil {
		t.Fatal(err)
	}
	k.SolverStep /= 2
	b, err := k.Generate()
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for j := range 150 {
		worst = max(worst, math.Abs(a[j]-b[j]))
	}
	if worst > 1e-9 {
		t.Fatalf("h and h/2 differ by %g over the first 150 points", worst)
	}
}

func TestTaskValidate(t *testing.T) {
	k := NeuroBench()
	k.Tau, k.SolverStep, k.PointsPerLyapunov = math.NaN(), -1, 0
	err := k.Validate()
	if err == nil {
		t.Fatal("bad task accepted")
	}
	for _, want := range []string{"tau is NaN", "solver step is -1", "points per Lyapunov time is 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	k = NeuroBench()
	k.SolverStep = 0.03
	if err := k.Validate(); err == nil || !strings.Contains(err.Error(), "want an integer") {
		t.Errorf("tau/h not an integer: %v", err)
	}
	k = NeuroBench()
	k.SolverStep = 1e-6
	if err := k.Validate(); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("huge grid: %v", err)
	}
}

// TestSMAPE against hand-computed values.
func TestSMAPE(t *testing.T) {
	for _, c := range []struct {
		p, y []float64
		want float64
	}{
		{[]float64{1, 2}, []float64{1, 4}, 200 * (0 + 2.0/6) / 2}, // 33.33
		{[]float64{1}, []float64{-1}, 200},                        // opposite signs: the maximum
		{[]float64{0.9, 1.1}, []float64{1, 1}, 200 * (0.1/1.9 + 0.1/2.1) / 2},
		{[]float64{0, 1}, []float64{0, 1}, 200}, // a 0/0 term: NeuroBench's NaN → 200
		{[]float64{3}, []float64{3}, 0},
	} {
		got, err := SMAPE(c.p, c.y)
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("sMAPE(%v, %v) = %g, %v; want %g", c.p, c.y, got, err, c.want)
		}
	}
	if _, err := SMAPE([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("length mismatch accepted")
	}
	if _, err := SMAPE(nil, nil); err == nil {
		t.Error("empty accepted")
	}
}
