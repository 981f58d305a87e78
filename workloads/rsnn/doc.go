// Package rsnn trains a recurrent spiking network directly, with
// surrogate-gradient backpropagation through time (BPTT), and exports it as
// a NIR graph. It is spikemesh's built-in directly-trained sequence
// workload: row-wise sequential MNIST (each 28×28 image presented as 28
// timesteps of 28 input currents, pixel/255), one recurrent LIF hidden
// layer and a leaky-integrator (LI) readout of 10 classes.
//
// # Model
//
// The forward numerics are exactly NIR's, as package snnref steps them
// (neuron.FloatState, forward Euler at dt, docs/nir.md), so that the
// exported graph reproduces the trained network in float:
//
//	I_t  = W_in·x_t + W_rec·z_{t−1}                  (z_{−1} = 0)
//	v    ← v + a_h·((0 − v) + r_h·I_t)               (LIF: a_h = dt/τ_h, v_leak 0)
//	z_t  = [v > 1];  v ← 0 where z_t = 1            (v_threshold 1, v_reset 0)
//	o    ← o + a_o·((0 − o) + r_o·W_out·z_t)         (LI readout)
//
// The loss is softmax cross-entropy on the readout voltage o after the last
// step, the quantity graphrun classifies by (the largest final voltage of an
// LI readout). The recurrent edge carries the previous step's spikes, as
// snnref's back edges and the chip's one-timestep projections do.
//
// # Gradients
//
// The spike is a Heaviside step forward; backward it uses the derivative of
// a fast sigmoid, 1/(1+k|v−1|)² (SuperSpike, Zenke & Ganguli, Neural
// Computation 30, 2018), with slope k. The reset may be detached from the
// graph (its spike treated as a constant, as snnTorch does by default), or
// kept. A smooth variant (a logistic sigmoid forward with its exact
// derivative) exists so that BPTT can be checked against finite
// differences: with it the loss is differentiable and the two must agree.
//
// # Determinism
//
// Initial weights and batch order come from one seed (math/rand/v2 PCG).
// Matrix products go through gonum's BLAS, whose parallel Dgemm gives each
// output block to one goroutine and sums over the inner dimension in order,
// so results do not depend on the goroutine count; every other reduction is
// a plain loop in index order. The same config and data give byte-identical
// weights.
package rsnn
