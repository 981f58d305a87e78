package chip

import (
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/router"
)

// InputEvent is one host input event for one timestep: channel Channel
// (a pixel) fires with a magnitude (0..255, used by graded input groups;
// binary groups ignore it). Channels are numbered over all input groups:
// group g's channels follow those of groups 0..g-1.
type InputEvent struct {
	Channel   int32
	Magnitude uint8
}

// Stimulus produces the host input of one sample, one timestep at a time.
// Implementations must be deterministic for a given construction (seed and
// sample), since the engine calls Events once per timestep in order. A
// frame sent at timestep t is integrated at t+1+delay by the populations
// its projections feed, so a run of T timesteps asks for frames t = 0,
// ..., T-2 only. A channel outside the network's is an error of the run.
type Stimulus interface {
	// Events appends the input events of timestep t to dst and returns it.
	Events(t int, dst []InputEvent) []InputEvent
}

// Result is what one sample's simulation produced: event counts, timing
// and the output readout.
type Result struct {
	Timesteps int           // timesteps simulated
	Quiet     bool          // RunUntilQuiet: the network went quiet within the limit
	Counts    energy.Counts // whole chip: the sum of CoreCounts and HostCounts
	Mesh      router.Stats

	// CoreCounts are the events of each used core (index as Mapping.Cores):
	// its synaptic events, memory reads, neuron updates and spikes, and the
	// packets it sent with the hops they made. HostCounts are the host's
	// input packets and their hops. Barriers are counted chip-wide only.
	CoreCounts []energy.Counts
	HostCounts energy.Counts

	// Latency is the distribution of packet latencies (cycles from
	// injection to delivery of the tail); LinkFlits the flits each router
	// sent on each mesh output port (index router*4 + port, ports N, E, S,
	// W as in package router).
	Latency   *router.Histogram
	LinkFlits []uint64

	// NeuronCounts (EnableNeuronCounts) is every neuron's net spike count,
	// per layer: for BIF neurons, the quantized activation it represents.
	NeuronCounts [][]int32

	LayerSpikes []uint64 // spikes per layer over the sample
	LayerSynOps []uint64 // synaptic events into each layer (binary and graded)
	LayerActive []uint64 // active neuron updates per layer

	Cycles        uint64 // total cycles over all timesteps, barriers included
	StepCyclesMax uint64 // slowest timestep
	ComputeCycles uint64 // sum over timesteps of the slowest core's busy cycles
	MeshCycles    uint64 // sum over timesteps of the last mesh delivery cycle
	DrainCycles   uint64 // sum over timesteps of the mesh draining after the slowest core finished
	MeshLast      int    // timesteps in which the last mesh delivery came after the slowest core

	// Split is the traffic and time of fan-in splitting (zero when no
	// population is split): partial sums sent, their packets and the
	// cycles home cores waited for them.
	Split SplitCounts

	// Scores is the output readout per output neuron, the populations of
	// Network.Outputs one after the other: spikes x threshold + final
	// membrane potential, i.e. the total input the neuron integrated under
	// reset by subtraction. Prediction is its argmax.
	Scores []int64
	// StepScores (EnableStepScores) is the readout as Scores computes it,
	// after each timestep: StepScores[t] after timestep t.
	StepScores [][]int64
}

// Prediction is the index of the highest score (lowest index on ties).
func (r *Result) Prediction() int {
	best := 0
	for i, s := range r.Scores {
		if s > r.Scores[best] {
			best = i
		}
	}
	return best
}

// negSpike marks a negative spike in an event's source id.
const negSpike = 1 << 31

// core is the simulation state of one used core, struct-of-arrays; only
// the worker processing this core writes it during the compute phase.
type core struct {
	layer int
	lo, n int
	ep    router.Endpoint
	// blocks are the core's synaptic memory and inboxes, one per incoming
	// projection, in edge order.
	blocks []block
	model  neuron.Model
	acc    []int32 // synaptic input accumulated for this timestep (port 0)
	// Multi-port models (neuron.MultiPort): mp is the model and accs the
	// accumulator of each port (accs[0] is acc); nil for one port.
	mp     neuron.MultiPort
	accs   [][]int32
	scaled []int32  // scratch of blocks with a weight exponent, allocated on first use
	lanes  []uint64 // scratch of addRowsSWAR, allocated on first use
	fired  []int32  // ni, or ^ni for a negative spike
	// Fan-out over every outgoing projection: every neuron sends to the
	// blocks blks and the cores dests (uniform: all projections dense), or
	// neuron ni to the blocks fanBlk[fanStart[ni]:fanStart[ni+1]] and the
	// cores fanDst[dstStart[ni]:dstStart[ni+1]]. Block ids index
	// Simulator.blk.
	blks     []int32
	dests    []int32 // core indices
	fanStart []int32
	fanBlk   []int32
	dstStart []int32
	fanDst   []int32
	// Multicast delivery: the group of every neuron's destinations (grp
	// when uniform, fanGrp per neuron otherwise); 0 = none.
	grp    router.GroupID
	fanGrp []router.GroupID
	// destHops sums the unicast hops (x, y, off-chip) from this core to
	// every core of dests: what one spike's packets add to the counts.
	destHops [3]uint64

	// Fan-in splitting (splitrun.go): splitOf is 1 + the home core's
	// index for a splitter core, 0 otherwise; splitters lists a home
	// core's splitter cores; fedIn says a splitter received input this
	// timestep; arrive is when a home core's last partial sum arrived.
	splitOf   int32
	splitters []int32
	fedIn     bool
	arrive    uint64

	// per-timestep outputs of the compute phase
	synOps, rowOps, macs, memBits uint64
	active                        int
	busy, spikeStart              uint64

	counts energy.Counts // this sample's events of this core
}

// block is one incoming projection's synaptic memory on a core and its
// inboxes. Dense blocks: w is sources x n, row a = source a. Row blocks
// (convolution, sparse, one-to-one): srcRow maps a source to its row r
// (-1: none here), whose entries are tgt[rowStart[r]:rowStart[r+1]]
// (local neuron) with weights w.
type block struct {
	w        []int8
	srcRow   []int32
	rowStart []int32
	tgt      []uint16
	nnz      []int32 // non-zero weights per row: effective synaptic ops per event
	exp      uint8   // weight exponent: a weight adds w << exp
	graded   bool    // fed by a graded input group: events are source<<8 | magnitude
	port     uint8   // the target's synaptic input port (Projection.Port)
	maxRow   int32   // most entries one event adds into any one neuron: 1 for dense rows, else the longest row
	// srcLo, srcHi: the sources whose synapses this block holds (all but
	// on the cores of a fan-in split population).
	srcLo, srcHi int32
	// ring[t % len(ring)] holds the events integrated at timestep t: a
	// projection with delay d has d+1 slots. Events are source ids (bit
	// 31 marks a negative spike), or source<<8 | magnitude when graded.
	ring [][]uint32
}

// blockRef locates a block: core ci, its block bi.
type blockRef struct{ ci, bi int32 }

// Simulator runs samples of a mapped network. It is not safe for
// concurrent use; it runs its own workers inside Run and leaves none behind.
type Simulator struct {
	m       *Mapping
	cfg     Config
	mesh    *router.Mesh
	cores   []core
	workers int
	barrier uint64
	// multicast: one packet per spike along its group's tree
	multicast bool
	board     bool // several chips: count off-chip hops
	noSkip    bool // tests: update idle cores anyway

	// hosts are the host input groups' fan-outs (blks/dests or per
	// channel fanStart/...); chanOff[g] is group g's first channel.
	hosts   []core
	chanOff []int
	graded  []bool // per input group
	blk     []blockRef
	outs    []int // output populations
	outOff  []int // per population: its first score index, -1 if not an output
	// traffic, when enabled, counts delivered packets per (source, dest)
	// core pair; source len(cores) is the host.
	traffic []uint64
	events  []InputEvent
	// meshes route timesteps concurrently (timestep t on meshes[t%M]); each
	// has its own step buffer. mesh is meshes[0], for geometry queries.
	meshes  []*router.Mesh
	steps   [maxMeshes]meshStep
	grpHops [][2]uint64 // multicast tree hops (x, y) per group id
	trace   *Trace
	// neuronCounts, when enabled, is every neuron's net spike count
	// (positive minus negative spikes) per layer.
	neuronCounts [][]int32
	stepScores   bool // EnableStepScores
	res          Result
	replicas     []*Simulator // RunSamples' workers, built on first use
	split        *splitState  // nil unless some population's fan-in is split
	pool         *computePool // the compute workers of the current run (workers > 1)
	poolProbe    int          // tests: the pool's probe and rest windows in timesteps (0: defaults)
	poolMinWork  int64        // tests: the pool's work gate (0: poolMinWork, negative: none)
	// meshMinPackets: a timestep with fewer packets is routed by the
	// caller (meshMinPackets; tests change it).
	meshMinPackets int
	poolRest       int // tests: a pool that starts resting for this many timesteps
}

// Mapping returns the placement the simulator runs.
func (s *Simulator) Mapping() *Mapping { return s.m }
