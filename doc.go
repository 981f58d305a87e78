// Package spikemesh ties a workload, a chip and an energy model together.
//
// Evaluate converts a model (built-in or imported: .yaml + .npz) to a
// spiking network, by rate conversion with threshold balancing or exact
// conversion of a QCFS-trained model, maps it onto the chip, simulates
// MNIST test samples cycle by cycle and returns a Report with accuracy
// (ANN, quantized ANN, SNN; in percent), per-layer activity, synaptic
// operations, timing, energy per inference by component, layer and core,
// the NeuroBench metrics and the configuration that produced it.
//
// Evaluate takes one path: Options.Plan makes every policy decision once
// (conversion options, the encoder exact conversion needs, default
// timesteps, the energy model resolved for the chip) and records in
// Plan.Notes what the report must state; LoadWorkload and
// Workload.CheckSamples load and bound the data; Prepare (or
// PrepareConverted) converts and maps; Prepared.Simulate runs the samples;
// Activity.Run prices one simulation with any energy model. Each stage is
// public, so that sweeps can share conversions, mappings and simulations.
// With Options.TraceDir, Evaluate has package trace write per-timestep
// activity of cores and links and every neuron's spike counts and
// rasters. NIR graphs take a second path beside Evaluate, package
// graphrun (lowered by package nirconv, run on the chip and in float).
// Design-space sweeps live in package explore and the peer benchmarks in
// package bench; explore builds on this one, bench on chip.
//
// The report's types live in package report, which renders them as text
// and JSON; this package re-exports them under the same names (types.go).
// Reports are deterministic: the same options and seed give byte-identical
// text and JSON for any number of workers.
package spikemesh
