package mackeyglass

import (
	"errors"
	"fmt"
	"math"
)

// Task is NeuroBench's chaotic function prediction task: the Mackey-Glass
// delay differential equation
//
//	dx/dt = β·x(t−τ) / (1 + x(t−τ)^n) − γ·x(t)
//
// with constant history x(t) = History for t ≤ 0, sampled at
// PointsPerLyapunov points per Lyapunov time, TrainLyapunov Lyapunov times
// for training followed by TestLyapunov for testing. The defaults
// (NeuroBench) are NeuroBench's MackeyGlass dataset defaults
// (neurobench/datasets/mackey_glass.py: tau=17, lyaptime=197,
// constant_past=0.7206597, nmg=10, beta=0.2, gamma=0.1,
// pts_per_lyaptime=75, traintime=10, testtime=10).
type Task struct {
	Tau, Beta, Gamma, N float64
	History             float64 // x(t) for t ≤ 0
	LyapunovTime        float64 // in the equation's time units
	PointsPerLyapunov   int
	TrainLyapunov       float64 // Lyapunov times of training points
	TestLyapunov        float64 // Lyapunov times of test points
	// SolverStep is the fixed step h of the RK4 solver (Generate), in the
	// equation's time units; Tau/SolverStep must be an integer so that
	// the delayed values of the RK4 stages fall on grid points and grid
	// midpoints. 0.01 by default (docs/sequences.md: halving it moves
	// the first 2 Lyapunov times by < 1e-9).
	SolverStep float64
}

// NeuroBench returns the task as NeuroBench defines it, with the default
// solver step.
func NeuroBench() Task {
	return Task{Tau: 17, Beta: 0.2, Gamma: 0.1, N: 10, History: 0.7206597, LyapunovTime: 197,
		PointsPerLyapunov: 75, TrainLyapunov: 10, TestLyapunov: 10, SolverStep: 0.01}
}

// maxSolverSteps bounds the solver's grid (2^24 steps of 16 bytes of
// state: 256 MiB), so a bad task cannot ask for unbounded memory.
const maxSolverSteps = 1 << 24

// Validate reports every problem of the task, one per line.
func (k Task) Validate() error {
	var errs []error
	pos := func(name string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("mackeyglass: %s is %v, want a finite value > 0", name, v))
		}
	}
	pos("tau", k.Tau)
	pos("beta", k.Beta)
	pos("gamma", k.Gamma)
	pos("n", k.N)
	pos("history", k.History)
	pos("lyapunov time", k.LyapunovTime)
	pos("train Lyapunov times", k.TrainLyapunov)
	pos("test Lyapunov times", k.TestLyapunov)
	pos("solver step", k.SolverStep)
	if k.PointsPerLyapunov < 1 {
		errs = append(errs, fmt.Errorf("mackeyglass: points per Lyapunov time is %d, want >= 1", k.PointsPerLyapunov))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if d := k.Tau / k.SolverStep; math.Abs(d-math.Round(d)) > 1e-9*d {
		errs = append(errs, fmt.Errorf("mackeyglass: tau/solver step is %g, want an integer", d))
	}
	if steps := k.Span() / k.SolverStep; steps > maxSolverSteps {
		errs = append(errs, fmt.Errorf("mackeyglass: the series spans %g solver steps, more than the limit %d; use a larger solver step or fewer Lyapunov times", steps, maxSolverSteps))
	}
	return errors.Join(errs...)
}

// TrainPoints and TestPoints are the numbers of training and test
// prediction steps: round(Lyapunov times × points per Lyapunov time), as
// NeuroBench's traintime_pts and testtime_pts.
func (k Task) TrainPoints() int {
	return int(math.Round(k.TrainLyapunov * float64(k.PointsPerLyapunov)))
}

// TestPoints: see TrainPoints.
func (k Task) TestPoints() int { return int(math.Round(k.TestLyapunov * float64(k.PointsPerLyapunov))) }

// Points is the length of the series: TrainPoints + TestPoints + 1 (the
// last point is the target of the last test step), as NeuroBench's
// maxtime_pts.
func (k Task) Points() int { return k.TrainPoints() + k.TestPoints() + 1 }

// Span is the time the series covers, NeuroBench's maxtime: the train and
// test times plus one sampling interval of the nominal rate,
// (train + test)·LyapunovTime + LyapunovTime/PointsPerLyapunov.
func (k Task) Span() float64 {
	return (k.TrainLyapunov+k.TestLyapunov)*k.LyapunovTime + k.LyapunovTime/float64(k.PointsPerLyapunov)
}

// Spacing is the time between samples: Span/(Points−1). NeuroBench
// samples with torch.linspace(t0, t0+maxtime, maxtime_pts), so the spacing
// is this (2.628418 for the defaults), not exactly LyapunovTime/
// PointsPerLyapunov (2.626667).
func (k Task) Spacing() float64 { return k.Span() / float64(k.Points()-1) }

// Generate integrates the equation from t = 0 and samples it at
// t_j = j·Spacing, j = 0, ..., Points−1 (x_0 = History).
//
// Solver: classical fourth-order Runge-Kutta with the fixed step h =
// SolverStep, τ/h = D an integer. The stages of step n need x at
// t_n − τ, t_n + h/2 − τ and t_n + h − τ: grid points n−D and n−D+1 and
// their midpoint, which is taken from the cubic Hermite interpolant of
// the grid values and their derivatives, x_mid = (x_a + x_b)/2 +
// h·(f_a − f_b)/8 (fourth-order accurate, as RK4). Before t = 0 x is the
// constant History (derivative 0). The samples between grid points come
// from the same cubic Hermite interpolant.
//
// NeuroBench generates with jitcdde (an adaptive Bogacki-Shampine
// integrator) after stepping over the initial discontinuities, and ships
// the series as a file because values differ between platforms; this
// series is therefore not NeuroBench's bit for bit, and after a few
// Lyapunov times not even close point for point (the system is chaotic),
// but it follows the same equation, parameters, sampling and split.
func (k Task) Generate() ([]float64, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	h := k.SolverStep
	D := int(math.Round(k.Tau / h))
	spacing := k.Spacing()
	pts := k.Points()
	steps := int(math.Ceil(float64(pts-1)*spacing/h)) + 1
	x := make([]float64, steps+1)
	f := make([]float64, steps+1) // dx/dt at grid points (right derivative at 0)
	beta, gamma, n10, hist := k.Beta, k.Gamma, k.N, k.History
	// feedback is the delayed term β·d/(1 + d^n); dx/dt = feedback(d) − γ·x.
	// Each delayed value's term is computed once: the grid point n−D+1
	// of step n is point n+1−D of f[n+1] and n+1−D of step n+1.
	feedback := func(d float64) float64 { return beta * d / (1 + math.Pow(d, n10)) }
	gHist := feedback(hist)
	x[0] = hist
	f[0] = gHist - gamma*x[0]
	gA := gHist // feedback at grid point n−D
	for n := 0; n < steps; n++ {
		xa, fa := hist, 0.0
		if i := n - D; i >= 0 {
			xa, fa = x[i], f[i]
		}
		xb, fb, gB := hist, 0.0, gHist
		if i := n - D + 1; i >= 0 {
			xb, fb, gB = x[i], f[i], feedback(x[i])
		}
		gM := gHist // [t_{n−D}, t_{n−D+1}] in the constant history
		if n-D+1 > 0 {
			gM = feedback((xa+xb)/2 + h*(fa-fb)/8)
		}
		xn := x[n]
		k1 := gA - gamma*xn
		k2 := gM - gamma*(xn+h/2*k1)
		k3 := gM - gamma*(xn+h/2*k2)
		k4 := gB - gamma*(xn+h*k3)
		x[n+1] = xn + h/6*(k1+2*k2+2*k3+k4)
		f[n+1] = gB - gamma*x[n+1]
		gA = gB
	}
	out := make([]float64, pts)
	for j := range out {
		t := float64(j) * spacing
		i := int(t / h)
		if i >= steps {
			i = steps - 1
		}
		s := t/h - float64(i)
		s2, s3 := s*s, s*s*s
		out[j] = (2*s3-3*s2+1)*x[i] + (s3-2*s2+s)*h*f[i] + (-2*s3+3*s2)*x[i+1] + (s3-s2)*h*f[i+1]
	}
	return out, nil
}
