package mackeyglass

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/snnref"
)

// Fit is what training measured, in float numerics: sMAPE (%) of the
// one-step-ahead predictions on the training steps (after Warmup) and on
// the test steps, for the spiking model (as snnref runs its graph) and the
// tanh baseline.
type Fit struct {
	TrainSMAPE, TestSMAPE         float64
	TanhTrainSMAPE, TanhTestSMAPE float64
}

// Split returns the steps of a series of task k: inputs are x_0 ..
// x_{P−2}, step t predicts x_{t+1}; steps Warmup .. TrainPoints−1 train,
// TrainPoints .. TrainPoints+TestPoints−1 test (NeuroBench's ind_train and
// ind_test).
func (k Task) Split() (trainLo, trainHi, testLo, testHi int) {
	return Warmup, k.TrainPoints(), k.TrainPoints(), k.TrainPoints() + k.TestPoints()
}

// NewReservoir draws the fixed random reservoir (WIn, Bias, WRec) of the
// recipe from Seed; the readouts are left empty.
func NewReservoir() *Model { return NewReservoirN(Neurons) }

// NewReservoirN draws the recipe's reservoir with n neurons (n >= 1) from
// Seed. The draws are made in the same order for every n (neuron by
// neuron, then the recurrent matrix row by row), so NewReservoirN(Neurons)
// is NewReservoir.
func NewReservoirN(n int) *Model {
	rng := rand.New(rand.NewPCG(Seed, 0))
	m := &Model{WIn: make([]float64, n), Bias: make([]float64, n), WRec: make([]float64, n*n)}
	for i := range n {
		// Neuron i's input weight w (a magnitude in InScale·[0.5, 1.5), a
		// random sign) and its bias b = 1 − w·x*: with no recurrent input
		// and v starting at 0 it crosses its threshold 1 where the input
		// crosses x*, drawn uniform in [BiasLo, BiasHi].
		w := InScale * (0.5 + rng.Float64())
		if rng.Float64() < 0.5 {
			w = -w
		}
		xs := BiasLo + (BiasHi-BiasLo)*rng.Float64()
		m.WIn[i], m.Bias[i] = w, 1-w*xs
	}
	for i := range m.WRec {
		if rng.Float64() < RecDensity {
			m.WRec[i] = RecScale * (2*rng.Float64() - 1)
		}
	}
	return m
}

// Train builds the recipe's reservoir, runs it over the task's series in
// float (snnref, the numerics graphrun's float side uses) and fits both
// readouts by ridge regression on the training steps. The same inputs give
// the same bits (no randomness beyond Seed, a fixed order of operations).
// It is TrainRecipe with DefaultRecipe.
func Train(k Task) (*Model, *Fit, error) { return TrainRecipe(k, DefaultRecipe()) }

// TrainRecipe is Train for a reservoir of r.Neurons neurons that sees each
// series value for r.Hold timesteps (Recipe): the readouts are fitted on
// the features after the last timestep of each value, which is where the
// prediction is read.
func TrainRecipe(k Task, r Recipe) (*Model, *Fit, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	xs, err := k.Generate()
	if err != nil {
		return nil, nil, err
	}
	n := r.Neurons
	m := NewReservoirN(n)
	m.WOut = make([]float64, n)
	held := r.HoldInputs(xs[:len(xs)-1])
	feats, err := m.SpikeFeatures(held)
	if err != nil {
		return nil, nil, err
	}
	feats = r.lastOfEach(feats)
	lo, hi, tlo, thi := k.Split()
	w, err := ridge(feats[lo:hi], xs[lo+1:hi+1], Ridge)
	if err != nil {
		return nil, nil, err
	}
	copy(m.WOut, w[:n])
	m.BOut = w[n]
	tanhFeats := r.lastOfEach(m.TanhFeatures(held))
	tw, err := ridge(tanhFeats[lo:hi], xs[lo+1:hi+1], Ridge)
	if err != nil {
		return nil, nil, err
	}
	m.TanhOut, m.TanhBias = tw[:n], tw[n]
	fit := &Fit{}
	score := func(f [][]float64, w []float64, a, b int) float64 {
		s, _ := SMAPE(linear(f[a:b], w), xs[a+1:b+1]) // lengths equal by construction
		return s
	}
	fit.TrainSMAPE, fit.TestSMAPE = score(feats, w, lo, hi), score(feats, w, tlo, thi)
	fit.TanhTrainSMAPE, fit.TanhTestSMAPE = score(tanhFeats, tw, lo, hi), score(tanhFeats, tw, tlo, thi)
	return m, fit, nil
}

// SpikeFeatures runs the reservoir over the inputs in float (snnref at DT)
// and returns, per step, the readout's features: each neuron's spikes
// filtered as the LI readout filters them, f_t = (1 − OutDecay)·f_{t−1} +
// s_t, and last the bias's filtered constant g_t = (1 − OutDecay)·g_{t−1}
// + 1. The readout voltage at step t is exactly w·f_t + b·g_t (the LI's
// Euler update with r = 1/OutDecay: v ← (1 − a)·v + x).
func (m *Model) SpikeFeatures(inputs []float64) ([][]float64, error) {
	g, err := m.Graph()
	if err != nil {
		return nil, err
	}
	sg, err := snnref.FromNIR(g, DT)
	if err != nil {
		return nil, err
	}
	sim, err := snnref.New(sg, neuron.FloatOptions{DT: DT})
	if err != nil {
		return nil, err
	}
	n := len(m.WIn)
	out := make([][]float64, len(inputs))
	prev := make([]float64, n+1)
	frame := [][]float64{{0}}
	for t, x := range inputs {
		frame[0][0] = x
		if err := sim.Step(frame); err != nil {
			return nil, err
		}
		s := sim.Output(nodeRes)
		f := make([]float64, n+1)
		for i := range n {
			f[i] = (1-OutDecay)*prev[i] + s[i]
		}
		f[n] = (1-OutDecay)*prev[n] + 1
		out[t], prev = f, f
	}
	return out, nil
}

// TanhFeatures runs the baseline over the inputs: the same weights with
// leaky tanh units instead of LIF neurons, h_t = (1 − ResDecay)·h_{t−1} +
// ResDecay·tanh(WIn·x_t + Bias + WRec·h_{t−1}) (a leaky echo state
// network), and returns [h_t, 1] per step.
func (m *Model) TanhFeatures(inputs []float64) [][]float64 {
	n := len(m.WIn)
	out := make([][]float64, len(inputs))
	h := make([]float64, n)
	for t, x := range inputs {
		next := make([]float64, n+1)
		for i := range n {
			u := m.WIn[i]*x + m.Bias[i]
			for j, hj := range h {
				u += m.WRec[i*n+j] * hj
			}
			next[i] = (1-ResDecay)*h[i] + ResDecay*math.Tanh(u)
		}
		next[n] = 1
		out[t] = next
		h = next[:n]
	}
	return out
}

// TanhPredict returns the baseline's one-step-ahead predictions for the
// inputs.
//
// Each input is one timestep; for a model trained with Hold > 1, pass
// Recipe.HoldInputs and take every Hold-th prediction (LastOfEach).
func (m *Model) TanhPredict(inputs []float64) []float64 {
	return linear(m.TanhFeatures(inputs), append(append([]float64(nil), m.TanhOut...), m.TanhBias))
}

// linear returns f_t·w for every row.
func linear(f [][]float64, w []float64) []float64 {
	out := make([]float64, len(f))
	for t, row := range f {
		s := 0.0
		for i, v := range row {
			s += v * w[i]
		}
		out[t] = s
	}
	return out
}

// ridge solves min_w Σ_t (X_t·w − y_t)² + λ‖w‖² by the normal equations
// (XᵀX + λI)·w = Xᵀy with a Cholesky factorization (gonum).
func ridge(X [][]float64, y []float64, lambda float64) ([]float64, error) {
	if len(X) == 0 || len(X) != len(y) {
		return nil, fmt.Errorf("mackeyglass: ridge regression over %d rows and %d targets", len(X), len(y))
	}
	d := len(X[0])
	a := mat.NewSymDense(d, nil)
	b := mat.NewVecDense(d, nil)
	for t, row := range X {
		for i := range d {
			b.SetVec(i, b.AtVec(i)+row[i]*y[t])
			for j := i; j < d; j++ {
				a.SetSym(i, j, a.At(i, j)+row[i]*row[j])
			}
		}
	}
	for i := range d {
		a.SetSym(i, i, a.At(i, i)+lambda)
	}
	var ch mat.Cholesky
	if ok := ch.Factorize(a); !ok {
		return nil, fmt.Errorf("mackeyglass: ridge regression: the regularized normal matrix is not positive definite")
	}
	var w mat.VecDense
	if err := ch.SolveVecTo(&w, b); err != nil {
		return nil, fmt.Errorf("mackeyglass: ridge regression: %w", err)
	}
	return append([]float64(nil), w.RawVector().Data...), nil
}
