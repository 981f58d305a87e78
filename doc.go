// Package spikemesh ties a workload, a chip and an energy model into one
// evaluation: Evaluate converts a built-in ANN to a spiking network, maps it
// onto the chip, simulates MNIST test samples cycle by cycle and returns a
// Report with accuracy, per-layer activity, synaptic operations, timing and
// energy per inference. The spikemesh command and the design-space explorer
// are thin layers over it.
//
// Reports are deterministic: the same options and seed give byte-identical
// text and JSON for any number of workers.
package spikemesh
