// Package spikemesh ties a workload, a chip and an energy model together.
//
// Evaluate converts a model (built-in or imported: .yaml + .npz) to a
// spiking network, by rate conversion with threshold balancing or exact
// conversion of a QCFS-trained model, maps it onto the chip, simulates
// MNIST test samples cycle by cycle and returns a Report with accuracy
// (ANN, quantized ANN, SNN), per-layer activity, synaptic operations,
// timing, energy per inference by component, layer and core, and the
// NeuroBench metrics. Its stages are public for reuse: LoadWorkload,
// Prepare (or PrepareConverted), Prepared.Simulate and Activity.Run, which
// prices one simulation with any energy model.
//
// The design-space explorer (package explore) builds on these stages.
// Bench runs the Brian2 peer benchmark network through the whole chip
// model. WriteTrace writes per-timestep activity.
//
// Reports are deterministic: the same options and seed give byte-identical
// text and JSON for any number of workers.
package spikemesh
