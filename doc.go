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
// Explore sweeps a design space (grid, random or NSGA-II) in parallel,
// caching conversions, mappings and simulations that points share, keeps
// every finished point on disk so a sweep resumes after interruption, and
// writes the Pareto front and plots. WriteTrace writes per-timestep
// activity. (The peer benchmarks live in package bench.)
//
// Reports are deterministic: the same options and seed give byte-identical
// text and JSON for any number of workers.
package spikemesh
