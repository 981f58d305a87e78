// Package bench runs the peer benchmarks: networks that a peer simulator's
// benchmark script exports (the Brian2 script ../shared/peers/mlp.py with
// --export writes image.npy and w0.npy, w1.npy, ...) are quantized to the
// chip's weight bits, mapped and simulated through the whole chip model,
// and Run reports what the peer reports (spikes per layer, synaptic events
// as the peer counts them, wall time, events per second, memory) beside
// the chip's own counts and energy.
//
// RunCuba does the same for Brian2's recurrent CUBA network
// (../shared/peers/cuba.py --export writes exc_pre/exc_post/inh_pre/
// inh_post.npy, v0.npy and params.json): LoadCuba builds one lif-2syn
// population (neuron.QuantizeCUBA) with the excitatory synapses into port
// 0 and the inhibitory ones into port 1, weights quantized per projection
// (neuron.QuantizeWeights), no host input and the initial potentials as
// chip.Layer.InitV; the run is self-driven. PeerNetwork selects between
// the two on the command line. See docs/performance.md.
//
// The package sits above chip and energy and below cmd; it does not use
// the root package's evaluation pipeline, since the peer network is
// neither an ANN to convert nor an MNIST workload.
package bench
