// Package graphrun runs a spiking network given as a NIR graph on the
// chip and in float, and reports how far they drift apart.
//
// Run lowers the graph (nirconv.Lower: populations, projections, weights
// quantized to the chip's weight bits), maps it (chip.Map), simulates every
// sample of an Input on the chip (chip.Simulator.RunSamples, any number of
// workers, results independent of it) and in float64 (snnref, the NIR
// semantics at the same dt), and returns a Report: spikes per population on
// the chip and in float, the sparsity (spikes per neuron per input
// timestep), the output agreement (same predicted class: the
// output neuron with the most spikes, or for LI, CubaLI and I readouts the
// largest final voltage), the accuracy when the input has labels, and the
// chip's energy (energy.Model) and latency per sample. With
// Options.TraceDir it also writes the chip's per-timestep trace (package
// trace), summed over the samples. The float side does not depend on the
// chip: RunFloat (float.go) computes it once, and runs on other chips reuse
// it through Options.Float (spikemesh explore sweeps a graph this way).
//
// For sequences (T > 1) the report's Streaming section gives the chip's
// latency per input timestep and, with Options.InputRateHz, the real-time
// factor (input period over that latency) and whether the chip keeps up
// (stream.go). With Options.Regression the outputs are per-step
// predictions of real values: non-firing readouts whose voltage after
// each step is read on the chip (chip.Simulator.EnableStepScores, aligned
// by the readout's latency) and in float, scored against the targets with
// NeuroBench's sMAPE and the RMSE (regress.go; the Mackey-Glass workload,
// docs/sequences.md). NewInput makes an Input from values in memory.
//
// Inputs (ReadInput) are .npy or .npz arrays [samples, T, channels...] with
// optional labels, or values in memory (NewInput, the same checks). Values 0/1 are spikes; integers up to 255 are spike
// counts sent as graded events; other non-negative values are input
// currents, sent as graded events of magnitude round(x/Scale) with Scale =
// max/255, the weights of the input projections multiplied by Scale
// (docs/nir.md, "Inputs").
//
// It is a package of its own, beside the root package's MNIST pipeline
// (spikemesh.Evaluate), because that pipeline's reports are built around a
// converted ANN (its MACs, its float accuracy, NeuroBench figures) that a
// NIR graph does not have; graphrun prices the chip's event counts with the
// same energy.Model directly.
package graphrun
