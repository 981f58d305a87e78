// Package trace writes a simulation's trace to files that other tools
// read: the per-timestep activity of cores and links as .npy arrays and
// CSV, every neuron's spike counts and rasters per layer as .npy, and a
// heatmap of mesh link utilization as PNG and SVG.
//
// chip records the trace (chip.Simulator.EnableTrace fills a chip.Trace);
// this package only lays it out on disk, so that the simulator stays free
// of file formats and plotting. The root package's Evaluate calls Write
// for spikemesh run --trace. Every file is written atomically
// (internal/atomicfile), so an interrupted run leaves no half-written one.
package trace
