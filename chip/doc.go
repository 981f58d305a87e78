// Package chip models a many-core neuromorphic chip: its configuration,
// the mapping of a spiking network onto its cores, and the engine that
// simulates it timestep by timestep with a cycle-level mesh underneath.
//
// # The network
//
// A Network is a graph: host input groups and populations (Layers) joined
// by projections (dense, sparse, convolutional with per-axis stride,
// padding and dilation, one-to-one), each with an axonal delay in
// timesteps, a weight exponent and a port (the target's synaptic input:
// lif-2syn has two, each integrated into its own current; a core keeps
// one accumulator per port). Cycles (recurrent projections,
// self-connections) are allowed. Layer.InitV sets initial potentials,
// reapplied at the start of every sample. Converted ANNs use the chain shorthand
// Layer.Weights / Layer.Conv; Network.Edges lists every projection and is
// all the engine sees. Outputs names the read-out populations.
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
//	                                        // (or chip.MapPinned(net, cfg, pins): a given placement)
//	sim, _ := chip.NewSimulator(m, workers) // per-core memory, state, fan-out tables
//	res, _ := sim.Run(ctx, stimulus, T)     // one sample; call again for the next
//	sim.RunSamples(ctx, chip.Samples{...})  // or a batch, results in sample order
//
// # Mapping
//
// Map splits each population into the fewest, evenly sized groups such
// that every group fits one core, summing over its projections: neurons <=
// NeuronsPerCore; distinct (projection, source) pairs <= AxonsPerCore;
// synaptic memory bits (dense rows, sparse rows, per-connection or shared
// kernels) <= SynapseMemoryBytes; per neuron, the distinct destination
// cores over every outgoing projection, summed, <= FanoutPerCore.
// Populations are partitioned last to first, and again while a recurrent
// target's split changes a population's fan-out (a fixed point). Groups
// are placed in population order on consecutive cores (chip by chip on a
// board, router by router in row-major order); Place re-places them by
// traffic (greedy or simulated annealing). MapPinned instead takes the
// groups and their cores from the caller (a network file's explicit
// mapping, as SANA-FE's), checking every per-core limit of each. A
// population whose single neuron needs more axons or synaptic memory than a core has is split
// along its inputs: splitter cores hold parts of its synapses and send
// partial sums through the mesh to the home core that holds the neurons,
// which adds them before it updates its neurons in the same timestep, so
// results stay exact (Mapping.Splits, Result.Split; docs/mapping.md,
// "Fan-in splitting"). A network that cannot fit is rejected with every
// violated limit named in one pass (feasible.go): the per-core limits, the
// neuron models the chip lacks (Config.NeuronModels), decays and stored
// potentials wider than the chip's decay_bits and voltage_bits
// (numerics.go), the cores needed
// against the cores available and, with multicast, the router table
// entries; each is a Violation with layer, limit, need, have and a
// suggestion.
//
// # Configuration files
//
// LoadConfig and LoadConfigFile read chip YAML strictly (configload.go):
// unknown keys are errors, and a file must give every field (ConfigKeys;
// the omitempty ones may be left out) unless it starts from another with
// "base: NAME" or "base: FILE.yaml" and lists only what changes. Config.Set
// and Config.SetAll change fields from key=value text, as the commands'
// --set flag does (configset.go).
//
// # Timestep semantics and timing
//
// A timestep has three phases. Compute: every core integrates the events
// due at this timestep (one weight-row read per event; each incoming
// projection keeps an inbox ring of delay+1 slots),
// updates its neurons and collects the ones that fired; a timestep with
// enough work (poolMinWork neuron updates and synaptic events) hands its
// cores out one at a time to the calling goroutine and up to `workers`-1
// helper goroutines that live for the whole run and spin briefly between
// such timesteps (pool.go); smaller timesteps, and all timesteps while
// the helpers get too little of the work on a busy machine, are computed
// by the caller alone with the helpers parked. Idle cores whose
// neurons cannot change are skipped. Inject: the host's input events for this
// timestep and the fired neurons' spikes go into the destination cores'
// inboxes for the next timestep and become packets, one per (spike,
// destination core) with unicast delivery or one per spike with multicast.
// Route: the mesh moves them cycle by cycle, with contention, to find when
// each arrives; it only times delivery, so with 2 or more workers it runs
// concurrently with the next timestep's compute (up to four mesh
// instances, timestep t on instance t mod M) when the timestep has at
// least meshMinPackets packets; smaller ones the caller routes itself. So each delay-0 projection adds one timestep of
// latency, as on synchronous chips and in Brian2's default schedule, and
// breaks any cycle. Host input does too:
// the first layer integrates the frame of timestep t at t+1, so a run of T
// timesteps sends the frames of timesteps 0..T-2 and none at the last,
// which no layer could integrate. Dense projections store one weight row per
// source; the others store, per source that feeds the core, the
// list of (neuron, weight) connections, with shared or per-connection
// kernel accounting for convolutions (ConvWeights).
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
// core, a an input axon (presynaptic source within a projection's source),
// ei an edge (projection) in Network.Edges order, bi a block (one incoming
// projection's synaptic memory and inboxes) within a core.
//
// Files: network.go, projection.go and conv.go define the graph; graph.go
// compiles it; partition.go, split.go and mapping.go map it; build.go and
// fanout.go build the simulator; step.go, compute.go, splitrun.go, rows.go,
// inject.go, route.go, merge.go and accounting.go run it.
package chip
