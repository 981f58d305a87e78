// Package mackeyglass is NeuroBench's chaotic function prediction task
// and spikemesh's built-in spiking regressor for it.
//
// Task generates the Mackey-Glass series as NeuroBench defines the task
// (τ = 17, β = 0.2, γ = 0.1, n = 10, history 0.7206597, 75 points per
// Lyapunov time of 197, 10 + 10 Lyapunov times of training and test
// points) with a fixed-step RK4 solver (Task.Generate documents it);
// SMAPE is NeuroBench's sMAPE metric.
//
// Model is the regressor: a fixed random reservoir of 100 LIF neurons with
// weak recurrence, driven by the series value as an input current, and an
// LI readout whose voltage after each step is the prediction of the next
// value. Model.Graph gives it as a NIR graph, which graphrun runs on the
// chip and in float. Train is the recipe (spikemesh train --model
// mackey-glass): the reservoir drawn from a fixed seed, the readout fitted
// by ridge regression (gonum) on the reservoir's spikes filtered as the
// LI filters them, which is exactly the readout's voltage in float. The
// same reservoir weights with leaky tanh units and their own ridge readout
// are the non-spiking baseline of the same size (Model.TanhPredict).
// Builtin returns the committed model (mackey-glass.npz, Encode/Decode).
// Recipe (recipe.go) makes the recipe a function of the reservoir's size
// and of the chip timesteps each series value is held for; TrainRecipe
// trains it, and its defaults give the committed model. spikemesh explore
// sweeps them (docs/explore.md, "Sweeping Mackey-Glass").
//
// docs/sequences.md has the task, solver, metric, results and commands.
package mackeyglass
