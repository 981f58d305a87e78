// Package chip models a many-core neuromorphic chip: its configuration,
// the mapping of a spiking network onto its cores, and the engine that
// simulates it timestep by timestep with a cycle-level mesh underneath.
//
// # What is modelled
//
// A chip is a MeshWidth x MeshHeight grid of routers (package router) with
// CoresPerRouter cores on each (Loihi groups 4 cores per tile). A core holds
// up to NeuronsPerCore neurons (package neuron, struct-of-arrays state), a
// synaptic memory of SynapseMemoryBytes storing one WeightBits-bit weight per
// (input axon, neuron) pair of a dense projection (or, with SynapseFormat
// Sparse, only the non-zero weights with their neuron index), up to
// AxonsPerCore input axons and FanoutPerCore (neuron, destination core)
// fan-out entries. Spikes travel as one packet per destination core or,
// with Delivery Multicast, one per spike along a routing-table tree. The
// host feeds input events into the mesh at a host port on router
// (HostRouterX, HostRouterY). Several chips (BoardX x BoardY)
// form a board whose chip-to-chip links are timed and counted apart.
//
// # Call order
//
//	cfg, _ := chip.Preset("loihi")          // or LoadConfigFile
//	m, err := chip.Map(net, cfg)            // partition + place; every limit checked
//	sim, _ := chip.NewSimulator(m, workers) // per-core memory, state, fan-out tables
//	res, _ := sim.Run(ctx, stimulus, T)     // one sample; call again for the next
//	sim.RunSamples(ctx, chip.Samples{...})  // or a batch, results in sample order
//
// # Mapping
//
// Map splits each layer into the fewest, evenly sized groups such that every
// group fits one core: neurons <= NeuronsPerCore; fan-in <= AxonsPerCore;
// fan-in x neurons x WeightBits <= synaptic memory bits; neurons x (cores of
// the next layer) <= FanoutPerCore; convolutions count the union of their
// receptive fields as axons and their kernels as shared or per-connection
// memory. Groups are placed in layer order on consecutive cores (chip by
// chip on a board, router by router in row-major order); Place re-places
// them by traffic (greedy or simulated annealing). A network that cannot
// fit is rejected with every violated limit named.
//
// # Timestep semantics and timing
//
// A timestep has three phases. Compute: every core integrates the events
// delivered to it in the previous timestep (one weight-row read per event),
// updates its neurons and collects the ones that fired; cores are handed
// out one at a time to up to `workers` goroutines that live only for that
// phase (below about 80,000 synaptic events and neuron updates the phase
// runs on one goroutine, which is cheaper), and idle cores whose neurons
// cannot change are skipped. Inject: the host's input events for this
// timestep and the fired neurons' spikes go into the destination cores'
// inboxes for the next timestep and become packets, one per (spike,
// destination core) with unicast delivery or one per spike with multicast.
// Route: the mesh moves them cycle by cycle, with contention, to find when
// each arrives; it only times delivery, so it runs concurrently with the
// next timestep's compute (up to four mesh instances, timestep t on
// instance t mod M). So each layer adds one timestep of latency, as on
// synchronous chips and in Brian2's default schedule. Host input does too:
// the first layer integrates the frame of timestep t at t+1, so a run of T
// timesteps sends the frames of timesteps 0..T-2 and none at the last,
// which no layer could integrate. Dense layers store one weight row per
// source; convolution layers store, per source that feeds the core, the
// list of (neuron, weight) connections (Layer.Conv), with shared or
// per-connection kernel accounting (ConvWeights).
//
// EnableTrace records activity per timestep (per core and per mesh
// link, summed over samples) and every neuron's spike count and raster
// sample by sample, within the bounds MaxTraceCounts and MaxTraceRaster.
// Traced runs take samples one at a time; untraced runs pay nothing for it.
//
// Simulator.RunSamples runs a batch of independent samples. With several
// workers and samples, each worker simulates whole samples on its own
// replica of the chip, which shares the synaptic memory and tables; results
// arrive in sample order and equal Run's.
//
// A core's busy time in a timestep is SynapseCycles per synaptic event plus
// NeuronCycles per active and NeuronIdleCycles per idle neuron update; its
// k-th spike leaves at that time plus k x SpikeCycles. The timestep lasts
// max(slowest core, last mesh delivery) plus the barrier, BarrierBaseCycles
// + BarrierPerRouter x routers in use. Result says which of compute or mesh
// set each timestep's length.
//
// # Determinism
//
// In the compute phase each core writes only its own state; injection is
// serial and in core order; each timestep's mesh run depends only on its
// own packets and is accounted in timestep order. Integer accumulation makes
// the order of events within a core irrelevant. Results are therefore identical
// for any number of workers.
//
// Index names: ci is a core index in Mapping.Cores, ni a neuron within a
// core, a an input axon (presynaptic source within the previous layer).
package chip
