// Package snnref is spikemesh's float64 reference simulator of a spiking
// network graph: the "float" numerics that the chip's fixed point is
// compared against. It steps a NIR-like Graph — Input, Output, Affine
// (Linear when it has no bias), Scale, Flatten, Delay, Conv2d, sum and
// average Pool2d, and neuron nodes of every NIR type (LIF, CubaLIF, CubaLI,
// LI, IF, I, Threshold, through neuron.FloatState) — over time steps of
// length dt, with recurrent edges allowed.
//
// It is a package of its own, not part of nir (which only reads and writes
// files) or chip (which models hardware), so a graph from any producer (a
// NIR file, a converted ANN, a test) can be run in float and compared with
// the chip. Its small Graph type is flat and simulation-ready; FromNIR
// converts a graph read by package nir (nested graphs inlined, NIR's Linear
// as an Affine without bias, Conv1d as a Conv2d of height 1, delays in
// seconds converted to steps by DelaySteps).
//
// # Timing
//
// Each Step evaluates every node once in a fixed topological order; edges
// deliver values within the step, except back edges (those closing a
// cycle), which deliver the previous step's output. Delay nodes hold each
// element for DelaySteps[i] steps (NIR's delay in seconds divided by dt,
// rounded by the caller). Neuron nodes output 1 for a spike and 0 otherwise;
// non-firing kinds (LI, CubaLI, I) output v, which is what a readout reads.
//
// # Determinism
//
// Summation order is fixed (edges in graph order, elements in index order),
// so results are bit-identical run to run. Nothing is concurrent.
package snnref
