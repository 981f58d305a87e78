package mackeyglass

import (
	"errors"
	"fmt"
)

// Bounds of a Recipe: they keep one training run (a reservoir of N
// neurons over the task's 1,500 values held Hold timesteps each, then an
// (N+1)² ridge system) within seconds and a few tens of MB. Measured on
// one core of the development machine: N = 1,024 trains in about 6 s (the
// N×N recurrent matrix is 8 MB), N = 50 with Hold = 32 (48k reservoir
// steps) in about 0.6 s. Both are far beyond what the sweep in
// docs/explore.md found useful.
const (
	MaxNeurons = 1024
	MaxHold    = 32
)

// Recipe is what the training recipe can vary (spikemesh explore sweeps
// it, docs/explore.md "Sweeping Mackey-Glass"): the reservoir's size, and
// how many chip timesteps each series value is held for. With Hold = k
// the graph's input is x_0 held for k timesteps, then x_1 for k, and so
// on; the prediction of x_{t+1} is the readout's voltage after the k-th
// timestep of x_t. The reservoir's weights come from Seed for any size
// (NewReservoirN), so DefaultRecipe reproduces the committed model.
type Recipe struct {
	Neurons int // reservoir (hidden) neurons, 1..MaxNeurons
	Hold    int // chip timesteps per series value, 1..MaxHold
}

// DefaultRecipe is the committed model's recipe: Neurons neurons, one
// timestep per value.
func DefaultRecipe() Recipe { return Recipe{Neurons: Neurons, Hold: 1} }

// Validate reports every field out of range.
func (r Recipe) Validate() error {
	var errs []error
	if r.Neurons < 1 || r.Neurons > MaxNeurons {
		errs = append(errs, fmt.Errorf("mackeyglass: reservoir size is %d neurons, want 1..%d", r.Neurons, MaxNeurons))
	}
	if r.Hold < 1 || r.Hold > MaxHold {
		errs = append(errs, fmt.Errorf("mackeyglass: timesteps per value is %d, want 1..%d", r.Hold, MaxHold))
	}
	return errors.Join(errs...)
}

// HoldInputs repeats every value Hold times: the graph's input for the
// values xs.
func (r Recipe) HoldInputs(xs []float64) []float64 {
	if r.Hold <= 1 {
		return append([]float64(nil), xs...)
	}
	out := make([]float64, 0, len(xs)*r.Hold)
	for _, x := range xs {
		for range r.Hold {
			out = append(out, x)
		}
	}
	return out
}

// LastOfEach keeps every Hold-th element of a per-timestep sequence, the
// last timestep of each held value: the predictions (or features) per
// series value.
func LastOfEach[T any](r Recipe, steps []T) []T {
	if r.Hold <= 1 {
		return steps
	}
	out := make([]T, 0, len(steps)/r.Hold)
	for i := r.Hold - 1; i < len(steps); i += r.Hold {
		out = append(out, steps[i])
	}
	return out
}

func (r Recipe) lastOfEach(f [][]float64) [][]float64 { return LastOfEach(r, f) }
