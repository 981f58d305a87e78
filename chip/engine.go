package chip

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/router"
)

// InputEvent is one host input event for one timestep: channel Channel
// (a pixel) fires with a magnitude (1 for binary spikes, 0..255 for graded
// direct-encoded input).
type InputEvent struct {
	Channel   int32
	Magnitude uint8
}

// Stimulus produces the host input of one sample, one timestep at a time.
// Implementations must be deterministic for a given construction (seed and
// sample), since the engine calls Events once per timestep in order.
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

	// Scores is the output readout per output neuron: spikes x threshold +
	// final membrane potential, i.e. the total input the neuron integrated
	// under reset by subtraction. Prediction is its argmax.
	Scores []int64
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

// parallelMinWork is the work (synaptic events and neuron updates, one
// weight row per input event) below which a timestep's compute phase runs
// on one goroutine: about 20 µs of compute at 4e9 events/s.
const parallelMinWork = 80000

// maxMeshes bounds the mesh instances that route timesteps concurrently.
const maxMeshes = 4

// negSpike marks a negative spike in an event's source id.
const negSpike = 1 << 31

// core is the simulation state of one used core, struct-of-arrays; only
// the worker processing this core writes it during the compute phase.
type core struct {
	layer int
	lo, n int
	ep    router.Endpoint
	// Synaptic memory. Dense cores: w is axons x n, row a = source a. Sparse
	// (convolution) cores: srcRow maps a source to its row r, whose entries
	// are tgt[rowStart[r]:rowStart[r+1]] (local neuron) with weights w.
	w        []int8
	srcRow   []int32
	rowStart []int32
	tgt      []uint16
	nnz      []int32 // non-zero weights per row: effective synaptic ops per event
	model    neuron.Model
	acc      []int32  // synaptic input accumulated for this timestep
	lanes    []uint64 // scratch of addRowsSWAR, allocated on first use

	// Events are source ids; bit 31 marks a negative spike. Graded events
	// are source<<8 | magnitude.
	in, next           []uint32
	inGraded, nxGraded []uint32
	fired              []int32 // ni, or ^ni for a negative spike
	// Fan-out: every neuron sends to dests (dense next layer), or neuron ni
	// to fanDst[fanStart[ni]:fanStart[ni+1]] (convolutional next layer).
	dests    []int32 // core indices
	fanStart []int32
	fanDst   []int32
	// Multicast delivery: the group of every neuron's destinations (grp
	// for a dense next layer, fanGrp per neuron otherwise); 0 = none.
	grp    router.GroupID
	fanGrp []router.GroupID
	// destHops sums the unicast hops (x, y, off-chip) from this core to
	// every core of dests: what one spike's packets add to the counts.
	destHops [3]uint64

	// per-timestep outputs of the compute phase
	synOps, macs, memBits uint64
	active                int
	busy, spikeStart      uint64

	counts energy.Counts // this sample's events of this core
}

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

	host core // the host's fan-out to layer 0 (dests or fanStart/fanDst)
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
	res          Result
	replicas     []*Simulator // RunSamples' workers, built on first use
}

// NewSimulator builds per-core synaptic memory, neuron state and fan-out
// tables for a mapping. workers <= 0 means GOMAXPROCS; the number of
// workers never changes results.
func NewSimulator(m *Mapping, workers int) (*Simulator, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	mesh, err := router.New(m.Config.RouterConfig())
	if err != nil {
		return nil, fmt.Errorf("chip: %w", err)
	}
	cfg := m.Config
	s := &Simulator{m: m, cfg: cfg, mesh: mesh, workers: workers, barrier: m.BarrierCycles(), multicast: cfg.Delivery == Multicast, board: cfg.Chips() > 1}
	s.meshes = []*router.Mesh{mesh} // more are cloned by the first run that routes concurrently
	s.cores = make([]core, len(m.Cores))
	net := m.Net
	for ci, cm := range m.Cores {
		ly := &net.Layers[cm.Layer]
		n := cm.Neurons()
		c := &s.cores[ci]
		c.layer, c.lo, c.n, c.ep = cm.Layer, cm.Lo, n, cm.Endpoint
		if ly.Conv != nil {
			buildConvRows(c, ly.Conv, net.In(cm.Layer), cm.Lo, cm.Hi)
		} else {
			in := net.In(cm.Layer)
			c.w = make([]int8, in*n)
			c.nnz = make([]int32, in)
			for a := 0; a < in; a++ {
				row := c.w[a*n : (a+1)*n]
				copy(row, ly.Weights[a*ly.Size+cm.Lo:a*ly.Size+cm.Hi])
				for _, x := range row {
					if x != 0 {
						c.nnz[a]++
					}
				}
			}
		}
		if c.model, err = s.newModel(ci); err != nil {
			return nil, err
		}
		c.acc = make([]int32, n)
	}
	s.host.n = net.Inputs
	for l := -1; l+1 < len(net.Layers); l++ {
		buildFanout(s, l)
	}
	if cfg.Delivery == Multicast {
		if err := s.buildGroups(); err != nil {
			return nil, err
		}
	}
	for ci := -1; ci < len(s.cores); ci++ {
		c, from := &s.host, s.m.Host
		if ci >= 0 {
			c, from = &s.cores[ci], s.cores[ci].ep
		}
		for _, di := range c.dests {
			hx, hy, off := s.packetHops(from, int(di))
			c.destHops[0] += hx
			c.destHops[1] += hy
			c.destHops[2] += off
		}
	}
	s.initResult()
	return s, nil
}

// newModel builds the neuron state of core ci.
func (s *Simulator) newModel(ci int) (neuron.Model, error) {
	cm := &s.m.Cores[ci]
	ly := &s.m.Net.Layers[cm.Layer]
	var bias []int32
	if ly.Bias != nil {
		bias = ly.Bias[cm.Lo:cm.Hi]
	}
	model, err := neuron.New(ly.Neuron, cm.Neurons(), bias)
	if err != nil {
		return nil, fmt.Errorf("chip: layer %s core %d: %w", ly.Name, cm.Core, err)
	}
	return model, nil
}

func (s *Simulator) initResult() {
	L := len(s.m.Net.Layers)
	s.res.LayerSpikes = make([]uint64, L)
	s.res.LayerSynOps = make([]uint64, L)
	s.res.LayerActive = make([]uint64, L)
	s.res.Scores = make([]int64, s.m.Net.Layers[L-1].Size)
	s.res.CoreCounts = make([]energy.Counts, len(s.cores))
}

// replica returns a one-worker simulator that shares s's read-only tables
// (synaptic memory, fan-out, multicast groups) and has its own neuron
// state, inboxes, mesh and result, to simulate other samples at the same
// time as s.
func (s *Simulator) replica() (*Simulator, error) {
	mesh, err := s.mesh.Clone()
	if err != nil {
		return nil, fmt.Errorf("chip: %w", err)
	}
	r := &Simulator{m: s.m, cfg: s.cfg, mesh: mesh, meshes: []*router.Mesh{mesh}, workers: 1, barrier: s.barrier,
		multicast: s.multicast, board: s.board, noSkip: s.noSkip, host: s.host, grpHops: s.grpHops}
	r.cores = make([]core, len(s.cores))
	for ci := range s.cores {
		c := s.cores[ci] // shares w, srcRow, rowStart, tgt, nnz and the fan-out
		if c.model, err = s.newModel(ci); err != nil {
			return nil, err
		}
		c.acc = make([]int32, c.n)
		c.lanes, c.in, c.next, c.inGraded, c.nxGraded, c.fired = nil, nil, nil, nil, nil, nil
		c.counts = energy.Counts{}
		r.cores[ci] = c
	}
	if s.neuronCounts != nil {
		r.EnableNeuronCounts()
	}
	r.initResult()
	return r, nil
}

// Samples is a batch of independent samples for RunSamples.
type Samples struct {
	N         int // samples 0, ..., N-1
	Timesteps int // timesteps per sample; with UntilQuiet, the most
	// UntilQuiet, if true, ends a sample once the network is quiet after
	// its first InputSteps timesteps, as RunUntilQuiet does.
	UntilQuiet bool
	InputSteps int
	// Stimulus returns the input of sample i. RunSamples may call it from
	// several goroutines at once, each time for a different i.
	Stimulus func(i int) Stimulus
	// Each receives the result of sample i, for i = 0, 1, ..., N-1 in
	// order, on the goroutine that called RunSamples. An error stops the
	// run and is returned.
	Each func(i int, r Result) error
}

// RunSamples simulates a batch of samples, each from the reset state, and
// hands their results to b.Each in sample order. With several workers and
// several samples, each worker simulates whole samples on its own replica
// of the chip (built on first use; replicas share s's synaptic memory and
// tables), which scales with workers without synchronising inside a
// sample; a single sample, or a simulator with a trace or traffic counts
// enabled, runs samples one at a time with the workers inside each
// sample. Either way every result equals the one Run (or RunUntilQuiet)
// gives for that sample.
func (s *Simulator) RunSamples(ctx context.Context, b Samples) error {
	if b.Timesteps < 1 || b.N < 0 || b.InputSteps < 0 {
		return fmt.Errorf("chip: run samples: %d samples of %d timesteps (input steps %d): want samples >= 0, timesteps >= 1, input steps >= 0", b.N, b.Timesteps, b.InputSteps)
	}
	quietAfter := -1
	if b.UntilQuiet {
		quietAfter = b.InputSteps
	}
	w := min(s.workers, b.N)
	if w <= 1 || s.trace != nil || s.traffic != nil {
		for i := range b.N {
			r, err := s.run(ctx, b.Stimulus(i), b.Timesteps, quietAfter)
			if err != nil {
				return err
			}
			if err := b.Each(i, r); err != nil {
				return err
			}
		}
		return nil
	}
	for len(s.replicas) < w {
		r, err := s.replica()
		if err != nil {
			return err
		}
		s.replicas = append(s.replicas, r)
	}
	// Workers take samples in order of i; at most `window` samples are
	// being simulated or waiting for Each, so sample i's result slot,
	// slots[i%window], is free when i starts.
	window := 2 * w
	type out struct {
		r   Result
		err error
	}
	slots := make([]chan out, window)
	for i := range slots {
		slots[i] = make(chan out, 1)
	}
	tokens := make(chan struct{}, window)
	ctx, cancel := context.WithCancel(ctx)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, rep := range s.replicas[:w] {
		wg.Go(func() {
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				r, err := rep.run(ctx, b.Stimulus(i), b.Timesteps, quietAfter)
				slots[i%window] <- out{r, err}
			}
		})
	}
	defer func() {
		cancel() // on an early return, workers waiting for a token stop
		wg.Wait()
	}()
	for i := range b.N {
		var o out
		select {
		case o = <-slots[i%window]:
		case <-ctx.Done(): // workers stop taking samples once cancelled
			return ctx.Err()
		}
		if o.err != nil {
			return o.err
		}
		if err := b.Each(i, o.r); err != nil {
			return err
		}
		<-tokens
	}
	return nil
}

// buildConvRows lays out a convolution core's synapses as one row per
// source that feeds any of its neurons [lo, hi).
func buildConvRows(c *core, cv *Conv, in, lo, hi int) {
	c.srcRow = make([]int32, in)
	for i := range c.srcRow {
		c.srcRow[i] = -1
	}
	var rows int32
	sizes := []int32{}
	for j := lo; j < hi; j++ {
		cv.Sources(j, func(src int, _ int8) {
			if c.srcRow[src] < 0 {
				c.srcRow[src] = rows
				rows++
				sizes = append(sizes, 0)
			}
			sizes[c.srcRow[src]]++
		})
	}
	c.rowStart = make([]int32, rows+1)
	for r, n := range sizes {
		c.rowStart[r+1] = c.rowStart[r] + n
	}
	c.tgt = make([]uint16, c.rowStart[rows])
	c.w = make([]int8, c.rowStart[rows])
	c.nnz = make([]int32, rows)
	fill := append([]int32(nil), c.rowStart[:rows]...)
	for j := lo; j < hi; j++ {
		cv.Sources(j, func(src int, w int8) {
			r := c.srcRow[src]
			c.tgt[fill[r]] = uint16(j - lo)
			c.w[fill[r]] = w
			fill[r]++
			if w != 0 {
				c.nnz[r]++
			}
		})
	}
}

// buildFanout gives every core of layer l (l = -1: the host) its
// destinations: all cores of a dense next layer, or per neuron the
// next-layer cores that hold one of its targets.
func buildFanout(s *Simulator, l int) {
	m := s.m
	next := m.LayerCores[l+1]
	cv := m.Net.Layers[l+1].Conv
	srcCores := []*core{&s.host}
	if l >= 0 {
		srcCores = srcCores[:0]
		for _, ci := range m.LayerCores[l] {
			srcCores = append(srcCores, &s.cores[ci])
		}
	}
	if cv == nil {
		dests := make([]int32, len(next))
		for i, nc := range next {
			dests[i] = int32(nc)
		}
		for _, c := range srcCores {
			c.dests = dests
		}
		return
	}
	lists := make([][]int32, m.Net.In(l+1))
	for _, nc := range next {
		for src, r := range s.cores[nc].srcRow {
			if r >= 0 {
				lists[src] = append(lists[src], int32(nc))
			}
		}
	}
	for _, c := range srcCores {
		c.fanStart = make([]int32, c.n+1)
		for ni := 0; ni < c.n; ni++ {
			c.fanDst = append(c.fanDst, lists[c.lo+ni]...)
			c.fanStart[ni+1] = int32(len(c.fanDst))
		}
	}
}

// EnableNeuronCounts makes every following Result carry each neuron's
// net spike count (Result.NeuronCounts).
func (s *Simulator) EnableNeuronCounts() {
	s.replicas = nil // rebuilt with counts on next use
	s.neuronCounts = make([][]int32, len(s.m.Net.Layers))
	for l, ly := range s.m.Net.Layers {
		s.neuronCounts[l] = make([]int32, ly.Size)
	}
}

// EnableTraffic starts counting delivered packets per (source core,
// destination core), over every following Run, for placement.
func (s *Simulator) EnableTraffic() {
	s.traffic = make([]uint64, (len(s.cores)+1)*len(s.cores))
}

// Traffic returns the counted packets divided by samples as flows between
// core groups (Src -1 is the host), in a fixed order.
func (s *Simulator) Traffic(samples int) []Flow {
	var flows []Flow
	n := len(s.cores)
	for i, c := range s.traffic {
		if c == 0 {
			continue
		}
		src := i / n
		if src == n {
			src = -1
		}
		flows = append(flows, Flow{Src: src, Dst: i % n, Packets: float64(c) / float64(samples)})
	}
	return flows
}

// buildGroups registers one multicast group per distinct destination set
// of every source (the host and each core) and records its tree's hops.
func (s *Simulator) buildGroups() error {
	add := func(from router.Endpoint, dests []int32, cache map[string]router.GroupID) (router.GroupID, error) {
		if len(dests) == 0 {
			return 0, nil
		}
		key := fmt.Sprint(dests)
		if g, ok := cache[key]; ok {
			return g, nil
		}
		eps := make([]router.Endpoint, len(dests))
		for i, di := range dests {
			eps[i] = s.cores[di].ep
		}
		g, err := s.mesh.AddGroup(from, eps)
		if err != nil {
			return 0, fmt.Errorf("chip: multicast routing tables: %w; raise router_table_entries or use delivery: unicast", err)
		}
		hx, hy := s.mesh.GroupHops(g)
		for len(s.grpHops) <= int(g) {
			s.grpHops = append(s.grpHops, [2]uint64{})
		}
		s.grpHops[g] = [2]uint64{uint64(hx), uint64(hy)}
		cache[key] = g
		return g, nil
	}
	srcs := []*core{&s.host}
	for ci := range s.cores {
		srcs = append(srcs, &s.cores[ci])
	}
	for i, c := range srcs {
		from := c.ep
		if i == 0 {
			from = s.m.Host
		}
		cache := map[string]router.GroupID{}
		var err error
		if c.fanStart == nil {
			if c.grp, err = add(from, c.dests, cache); err != nil {
				return err
			}
			continue
		}
		c.fanGrp = make([]router.GroupID, c.n)
		for ni := 0; ni < c.n; ni++ {
			if c.fanGrp[ni], err = add(from, c.fanDst[c.fanStart[ni]:c.fanStart[ni+1]], cache); err != nil {
				return err
			}
		}
	}
	return nil
}

// Mapping returns the placement the simulator runs.
func (s *Simulator) Mapping() *Mapping { return s.m }

// Run simulates one sample for T timesteps from the reset state and returns
// its result. The returned Result's slices are owned by the caller.
//
// Each timestep has three phases. Compute (parallel over cores): a core
// integrates the events delivered to it during the previous timestep,
// updates its neurons and collects the ones that fired. Inject (serial, in
// core order): the host's input events and every fired neuron's spikes go
// into their destination cores' inboxes for the next timestep, and become
// packets (one per destination core, or one per spike with multicast) that
// enter the mesh at the cycle their source emits them. Route: the mesh
// moves the packets cycle by cycle to find when each arrives; it runs on
// its own goroutine while the cores compute the next timestep (with more
// than one worker), which cannot change any result. The timestep lasts
// until the slowest core is done and the mesh is drained, plus the barrier.
func (s *Simulator) Run(ctx context.Context, stim Stimulus, T int) (Result, error) {
	if T < 1 {
		return Result{}, fmt.Errorf("chip: timesteps is %d, must be >= 1", T)
	}
	return s.run(ctx, stim, T, -1)
}

// RunUntilQuiet simulates one sample until the network is quiet: after the
// stimulus's first inputSteps timesteps, the first timestep in which no
// neuron fired, no input arrived and every core's neurons report that they
// cannot change on their own (neuron.Quieter) ends the run: nothing is then
// in flight, so no neuron can change again. Neurons that leak or have a
// bias (LIF, IF with bias) never report quiet, so such networks run to
// maxT. Result.Timesteps is the number of
// timesteps run, Result.Quiet whether quiescence was reached within maxT.
func (s *Simulator) RunUntilQuiet(ctx context.Context, stim Stimulus, inputSteps, maxT int) (Result, error) {
	if maxT < 1 || inputSteps < 0 {
		return Result{}, fmt.Errorf("chip: run until quiet: max timesteps %d must be >= 1 and input steps %d >= 0", maxT, inputSteps)
	}
	return s.run(ctx, stim, maxT, inputSteps)
}

func (s *Simulator) run(ctx context.Context, stim Stimulus, T, quietAfter int) (Result, error) {
	s.reset()
	res := &s.res
	outLayer := len(s.m.Net.Layers) - 1
	outCounts := make([]int64, len(res.Scores))
	// The mesh only decides when packets arrive, never what they carry, so
	// the inject phase delivers every event into its destination's inbox
	// itself, and meshes simulate timesteps' packets on their own
	// goroutines while the cores compute the next timesteps. Each timestep's
	// mesh run depends only on its own packets, so with M mesh instances
	// timestep t runs on mesh t%M while t-1, ..., t-M+1 may still be
	// running on the others; results are accounted in timestep order.
	// Up to two mesh instances per worker route timesteps concurrently;
	// they are clones of the first (same multicast groups), made once.
	for len(s.meshes) < min(2*s.workers, maxMeshes) && s.workers > 1 {
		extra, err := s.mesh.Clone()
		if err != nil {
			return Result{}, fmt.Errorf("chip: %w", err)
		}
		s.meshes = append(s.meshes, extra)
	}
	M := len(s.meshes)
	var wg [maxMeshes]sync.WaitGroup
	started := 0                     // timesteps dispatched to a mesh
	done := 0                        // timesteps accounted
	settle := func(upto int) error { // wait for and account timesteps < upto
		for ; done < upto; done++ {
			j := done % M
			wg[j].Wait()
			st := &s.steps[j]
			if st.err != nil {
				return st.err
			}
			s.account(st)
		}
		return nil
	}
	defer func() {
		for j := range M {
			wg[j].Wait()
		}
	}()
	for t := 0; t < T; t++ {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		if err := s.compute(); err != nil {
			return Result{}, err
		}
		// Mesh t%M and its buffer are free once timestep t-M is done.
		if err := settle(t - M + 1); err != nil {
			return Result{}, err
		}
		j := t % M
		st := &s.steps[j]
		st.pk, st.t = st.pk[:0], t
		s.events = stim.Events(t, s.events[:0])
		fired, busyMax := s.inject(st, outLayer, outCounts)
		st.busyMax = busyMax
		started++
		if M > 1 {
			wg[j].Add(1)
			go func() {
				defer wg[j].Done()
				s.routeStep(s.meshes[j], st)
			}()
		} else {
			s.routeStep(s.meshes[0], st)
		}
		res.Timesteps = t + 1
		if quietAfter >= 0 && t+1 >= quietAfter && fired == 0 && len(s.events) == 0 && s.allQuiet() {
			res.Quiet = true
			break
		}
	}
	if err := settle(started); err != nil {
		return Result{}, err
	}
	for ci := range s.cores {
		res.CoreCounts[ci] = s.cores[ci].counts
		res.Counts.Add(s.cores[ci].counts)
	}
	res.Counts.Add(res.HostCounts)
	// Readout: spikes x threshold + residual membrane potential.
	theta := int64(s.m.Net.Layers[outLayer].Neuron.Threshold)
	for _, ci := range s.m.LayerCores[outLayer] {
		c := &s.cores[ci]
		for ni, v := range c.model.V() {
			res.Scores[c.lo+ni] = outCounts[c.lo+ni]*theta + int64(v)
		}
	}
	out := *res
	out.LayerSpikes = append([]uint64(nil), res.LayerSpikes...)
	out.LayerSynOps = append([]uint64(nil), res.LayerSynOps...)
	out.LayerActive = append([]uint64(nil), res.LayerActive...)
	out.Scores = append([]int64(nil), res.Scores...)
	out.CoreCounts = append([]energy.Counts(nil), res.CoreCounts...)
	out.LinkFlits = append([]uint64(nil), res.LinkFlits...)
	if s.neuronCounts != nil {
		out.NeuronCounts = make([][]int32, len(s.neuronCounts))
		for l, nc := range s.neuronCounts {
			out.NeuronCounts[l] = append([]int32(nil), nc...)
		}
	}
	if s.trace != nil {
		s.trace.Samples++
	}
	return out, nil
}

// allQuiet reports whether every core's neurons would stay unchanged
// without input.
func (s *Simulator) allQuiet() bool {
	for ci := range s.cores {
		q, ok := s.cores[ci].model.(neuron.Quieter)
		if !ok || !q.Quiet() {
			return false
		}
	}
	return true
}

// meshStep is one timestep's traffic, simulated by the mesh while the
// cores go on with the next timestep.
type meshStep struct {
	pk      []router.Packet
	runs    []int           // boundaries of runs of pk sorted by Inject (host, then each core)
	spare   []router.Packet // merge buffer
	sufMin  []uint64        // mergeRuns scratch
	busyMax uint64
	stats   router.Stats
	t       int              // the timestep
	hist    router.Histogram // packet latencies of this step
	links   []uint64         // flits per (router, mesh output port) this step
	err     error
}

// routeStep runs one timestep's packets through the mesh and keeps its
// latency distribution and per-link flit counts in st.
func (s *Simulator) routeStep(mesh *router.Mesh, st *meshStep) {
	st.mergeRuns()
	if err := mesh.InjectAll(st.pk); err != nil {
		st.err = fmt.Errorf("chip: %w", err) // nothing was queued: the mesh stays clean
		return
	}
	st.stats = mesh.Run(nil)
	st.hist.Reset()
	st.hist.Merge(mesh.LatencyHistogram())
	nr := mesh.NumRouters()
	if len(st.links) != nr*router.NumMeshPorts {
		st.links = make([]uint64, nr*router.NumMeshPorts)
	}
	for ri := 0; ri < nr; ri++ {
		for p := 0; p < router.NumMeshPorts; p++ {
			st.links[ri*router.NumMeshPorts+p] = mesh.LinkFlits(int32(ri), router.Port(p))
		}
	}
}

// mergeRuns sorts st.pk by Inject, stably, by merging its sorted runs
// pairwise: each source emits its packets in time order, so this costs
// O(n log runs) and hands the mesh a list it need not sort again. Runs
// already in order with their neighbour are joined first, and a leading
// run that precedes everything else (the host's input, all at cycle 0)
// stays where it is.
func (st *meshStep) mergeRuns() {
	runs := st.runs[:1]
	for _, b := range st.runs[1:] { // drop empty runs
		if b != runs[len(runs)-1] {
			runs = append(runs, b)
		}
	}
	if len(runs) <= 2 {
		return // at most one run: sorted already
	}
	// A leading run stays in place if its last packet is no later than the
	// first packet of every later run: sufMin[j] is the earliest first
	// packet of runs j, j+1, ...
	R := len(runs) - 1
	st.sufMin = slices.Grow(st.sufMin[:0], R)[:R]
	st.sufMin[R-1] = st.pk[runs[R-1]].Inject
	for j := R - 2; j >= 0; j-- {
		st.sufMin[j] = min(st.sufMin[j+1], st.pk[runs[j]].Inject)
	}
	j := 0
	for j+1 < R && st.pk[runs[j+1]-1].Inject <= st.sufMin[j+1] {
		j++
	}
	runs = runs[j:]
	if len(runs) <= 2 {
		return
	}
	k := 1
	for i := 1; i+1 < len(runs); i++ {
		if st.pk[runs[i]-1].Inject > st.pk[runs[i]].Inject {
			runs[k] = runs[i]
			k++
		}
	}
	runs[k] = runs[len(runs)-1]
	runs = runs[:k+1]
	for len(runs) > 2 {
		st.spare = slices.Grow(st.spare[:0], len(st.pk))[:len(st.pk)]
		merged := runs[:1]
		for i := 0; i+1 < len(runs); i += 2 {
			lo, mid := runs[i], runs[i+1]
			hi := mid
			if i+2 < len(runs) {
				hi = runs[i+2]
			}
			a, b, out := lo, mid, lo
			for a < mid && b < hi {
				if st.pk[b].Inject < st.pk[a].Inject {
					st.spare[out] = st.pk[b]
					b++
				} else {
					st.spare[out] = st.pk[a]
					a++
				}
				out++
			}
			out += copy(st.spare[out:], st.pk[a:mid])
			copy(st.spare[out:], st.pk[b:hi])
			merged = append(merged, hi)
		}
		lo, hi := runs[0], runs[len(runs)-1]
		copy(st.pk[lo:hi], st.spare[lo:hi])
		runs = merged
	}
}

// account adds a routed timestep's timing to the result.
func (s *Simulator) account(st *meshStep) {
	res := &s.res
	ms := st.stats
	res.Mesh.Add(ms)
	res.Latency.Merge(&st.hist)
	for i, f := range st.links {
		res.LinkFlits[i] += f
	}
	if s.trace != nil {
		s.trace.addLinks(st.t, st.links)
	}
	step := max(st.busyMax, ms.LastArrival)
	if ms.LastArrival > st.busyMax {
		res.MeshLast++
		res.DrainCycles += ms.LastArrival - st.busyMax
	}
	res.ComputeCycles += st.busyMax
	res.MeshCycles += ms.LastArrival
	step += s.barrier
	res.Cycles += step
	res.StepCyclesMax = max(res.StepCyclesMax, step)
	res.Counts.Barriers++
}

// inject is the serial phase of a timestep: it counts every core's events,
// delivers the host's input and the fired neurons' spikes into their
// destination cores' inboxes for the next timestep, and lists the packets
// (one per event and destination core) for the mesh in a fixed order: host
// first, then cores in index order. It returns the number of spikes and
// the slowest core's busy cycles.
func (s *Simulator) inject(st *meshStep, outLayer int, outCounts []int64) (int, uint64) {
	res := &s.res
	cfg := &s.cfg
	s.injectHost(st)
	st.runs = append(st.runs[:0], 0, len(st.pk))
	fired := 0
	var busyMax uint64
	for ci := range s.cores {
		c := &s.cores[ci]
		if n := len(st.pk); st.runs[len(st.runs)-1] != n {
			st.runs = append(st.runs, n)
		}
		busyMax = max(busyMax, c.busy)
		cc := &c.counts
		cc.SynapticOps += c.synOps
		switch { // which row format processed them, for per-format energy
		case c.srcRow != nil:
			cc.SynapticOpsConv += c.synOps
		case s.cfg.SynapseFormat == Sparse:
			cc.SynapticOpsSparse += c.synOps
		}
		cc.SynapticMACs += c.macs
		cc.SynMemReadBits += c.memBits
		cc.NeuronUpdates += uint64(c.active)
		cc.NeuronIdle += uint64(c.n - c.active)
		cc.Spikes += uint64(len(c.fired))
		fired += len(c.fired)
		res.LayerSpikes[c.layer] += uint64(len(c.fired))
		res.LayerSynOps[c.layer] += c.synOps + c.macs
		res.LayerActive[c.layer] += uint64(c.active)
		if s.trace != nil {
			s.trace.addCore(st.t, ci, len(c.fired), c.synOps+c.macs, c.busy)
		}
		if s.neuronCounts != nil {
			nc := s.neuronCounts[c.layer]
			for _, f := range c.fired {
				if f < 0 {
					nc[c.lo+int(^f)]--
				} else {
					nc[c.lo+int(f)]++
				}
			}
		}
		if c.layer == outLayer {
			for _, f := range c.fired {
				if f < 0 {
					outCounts[c.lo+int(^f)]--
				} else {
					outCounts[c.lo+int(f)]++
				}
			}
			continue
		}
		for k, f := range c.fired {
			emit := c.spikeStart + uint64(k+1)*uint64(cfg.SpikeCycles)
			ni, neg := int(f), uint32(0)
			if f < 0 {
				ni, neg = int(^f), negSpike
			}
			tag := uint32(c.lo+ni) | neg
			dests := c.dests
			if c.fanStart != nil {
				dests = c.fanDst[c.fanStart[ni]:c.fanStart[ni+1]]
			}
			for _, di := range dests {
				s.cores[di].next = append(s.cores[di].next, tag)
			}
			if s.multicast {
				g := c.grp
				if c.fanGrp != nil {
					g = c.fanGrp[ni]
				}
				if g != 0 {
					st.pk = append(st.pk, router.Packet{Src: c.ep, Group: g, Inject: emit, Tag: tag})
					s.countGroup(cc, ci, g, dests)
					cc.Packets++
				}
				continue
			}
			for _, di := range dests {
				st.pk = append(st.pk, router.Packet{Src: c.ep, Dst: s.cores[di].ep, Inject: emit, Tag: tag})
			}
			s.countPackets(cc, ci, c, dests, c.ep)
			cc.Packets += uint64(len(dests))
		}
	}
	if n := len(st.pk); st.runs[len(st.runs)-1] != n {
		st.runs = append(st.runs, n)
	}
	return fired, busyMax
}

// injectHost delivers the host's input events into their destination
// cores' inboxes and lists their packets. Into a dense first layer every
// event goes to the same cores, so inboxes fill one core at a time.
func (s *Simulator) injectHost(st *meshStep) {
	graded := s.m.Net.GradedInput
	host := &s.res.HostCounts
	tagOf := func(ev InputEvent) uint32 {
		if graded {
			return uint32(ev.Channel)<<8 | uint32(ev.Magnitude)
		}
		return uint32(ev.Channel)
	}
	deliver := func(di int32, tag uint32) {
		d := &s.cores[di]
		if graded {
			d.nxGraded = append(d.nxGraded, tag)
		} else {
			d.next = append(d.next, tag)
		}
	}
	dense := s.host.fanStart == nil
	if dense {
		for _, di := range s.host.dests {
			for _, ev := range s.events {
				deliver(di, tagOf(ev))
			}
		}
	}
	for _, ev := range s.events {
		tag := tagOf(ev)
		dests := s.host.dests
		if !dense {
			dests = s.host.fanDst[s.host.fanStart[ev.Channel]:s.host.fanStart[ev.Channel+1]]
			for _, di := range dests {
				deliver(di, tag)
			}
		}
		if s.multicast {
			g := s.host.grp
			if s.host.fanGrp != nil {
				g = s.host.fanGrp[ev.Channel]
			}
			if g != 0 {
				st.pk = append(st.pk, router.Packet{Src: s.m.Host, Group: g, Tag: tag})
				s.countGroup(host, len(s.cores), g, dests)
				host.HostPackets++
			}
			continue
		}
		for _, di := range dests {
			st.pk = append(st.pk, router.Packet{Src: s.m.Host, Dst: s.cores[di].ep, Tag: tag})
		}
		s.countPackets(host, len(s.cores), &s.host, dests, s.m.Host)
		host.HostPackets += uint64(len(dests))
	}
}

// countGroup charges a multicast packet's tree hops to its source.
func (s *Simulator) countGroup(src *energy.Counts, si int, g router.GroupID, dests []int32) {
	ox, oy := s.mesh.GroupOffChipHops(g)
	src.HopsX += s.grpHops[g][0] - uint64(ox)
	src.HopsY += s.grpHops[g][1] - uint64(oy)
	src.OffChipHops += uint64(ox + oy)
	if s.traffic != nil {
		for _, di := range dests {
			s.traffic[si*len(s.cores)+int(di)]++
		}
	}
}

// offChip returns the chip boundaries crossed along X and along Y between
// routers a and b of the board.
func (s *Simulator) offChip(a, b int32) (x, y int) {
	c := &s.cfg
	ax, ay := s.mesh.Coord(a)
	bx, by := s.mesh.Coord(b)
	x, y = ax/c.MeshWidth-bx/c.MeshWidth, ay/c.MeshHeight-by/c.MeshHeight
	return max(x, -x), max(y, -y)
}

// packetHops returns the mesh hops along X and Y and the chip-to-chip
// hops of a unicast packet from an endpoint to core di: dimension-order
// routes are minimal, so it makes exactly the Manhattan distance, and
// chip-to-chip links are priced as off-chip hops, not mesh hops.
func (s *Simulator) packetHops(from router.Endpoint, di int) (x, y, off uint64) {
	to := s.cores[di].ep.Router
	hx, hy := s.mesh.Hops(from.Router, to)
	if s.board {
		ox, oy := s.offChip(from.Router, to)
		return uint64(hx - ox), uint64(hy - oy), uint64(ox + oy)
	}
	return uint64(hx), uint64(hy), 0
}

// countPackets charges the hops of one unicast packet to each core of
// dests to their source c (core si) and records them for placement when
// traffic is tracked. Sources with one destination list for every neuron
// use the sums precomputed in destHops.
func (s *Simulator) countPackets(src *energy.Counts, si int, c *core, dests []int32, from router.Endpoint) {
	if c.fanStart == nil {
		src.HopsX += c.destHops[0]
		src.HopsY += c.destHops[1]
		src.OffChipHops += c.destHops[2]
	} else {
		for _, di := range dests {
			hx, hy, off := s.packetHops(from, int(di))
			src.HopsX += hx
			src.HopsY += hy
			src.OffChipHops += off
		}
	}
	if s.traffic != nil {
		for _, di := range dests {
			s.traffic[si*len(s.cores)+int(di)]++
		}
	}
}

func (s *Simulator) reset() {
	for ci := range s.cores {
		c := &s.cores[ci]
		c.model.Reset()
		clear(c.acc)
		c.in, c.next = c.in[:0], c.next[:0]
		c.inGraded, c.nxGraded = c.inGraded[:0], c.nxGraded[:0]
		c.counts = energy.Counts{}
	}
	for _, nc := range s.neuronCounts {
		clear(nc)
	}
	r := &s.res
	clear(r.CoreCounts)
	clear(r.LayerSpikes)
	clear(r.LayerSynOps)
	clear(r.LayerActive)
	clear(r.Scores)
	clear(r.LinkFlits)
	if r.LinkFlits == nil {
		r.LinkFlits = make([]uint64, s.mesh.NumRouters()*router.NumMeshPorts)
	}
	*r = Result{LayerSpikes: r.LayerSpikes, LayerSynOps: r.LayerSynOps, LayerActive: r.LayerActive, Scores: r.Scores,
		CoreCounts: r.CoreCounts, LinkFlits: r.LinkFlits, Latency: &router.Histogram{}}
}

// compute runs the compute phase of every core on the worker pool. Cores
// are handed out one at a time from a shared counter; each core's work
// touches only its own state, so the result is the same for any number of
// workers and any schedule.
func (s *Simulator) compute() error {
	n := len(s.cores)
	w := min(s.workers, n)
	if w > 1 {
		// Starting and joining goroutines costs microseconds: below
		// parallelMinWork synaptic events and neuron updates this
		// timestep is cheaper on one goroutine. Either way every core
		// computes the same thing.
		work := 0
		for ci := range s.cores {
			c := &s.cores[ci]
			work += (len(c.next) + len(c.nxGraded) + 1) * c.n
		}
		if work < parallelMinWork {
			w = 1
		}
	}
	if w <= 1 {
		for ci := range s.cores {
			s.computeCore(&s.cores[ci])
		}
		return nil
	}
	var next atomic.Int64
	var g errgroup.Group
	for range w {
		g.Go(func() error {
			for {
				ci := int(next.Add(1) - 1)
				if ci >= n {
					return nil
				}
				s.computeCore(&s.cores[ci])
			}
		})
	}
	return g.Wait()
}

func (s *Simulator) computeCore(c *core) {
	c.in, c.next = c.next, c.in[:0]
	c.inGraded, c.nxGraded = c.nxGraded, c.inGraded[:0]
	n := c.n
	cfg := &s.cfg
	if len(c.in) == 0 && len(c.inGraded) == 0 && !s.noSkip {
		// An idle core: nothing arrived and its neurons cannot change on
		// their own. Skip the update; every neuron is an idle update.
		if q, ok := c.model.(neuron.Quieter); ok && q.Quiet() {
			c.synOps, c.macs, c.memBits, c.active = 0, 0, 0, 0
			c.fired = c.fired[:0]
			c.spikeStart = uint64(n) * uint64(cfg.NeuronIdleCycles)
			c.busy = c.spikeStart
			return
		}
	}
	acc := c.acc[:n]
	var ops, macs, reads uint64
	if c.srcRow == nil {
		// Dense rows: one weight row per event; integer adds, so the order
		// of events is irrelevant.
		var neg uint32
		for _, e := range c.in {
			neg |= e
			ops += uint64(c.nnz[e&^negSpike])
		}
		if neg&negSpike == 0 && len(c.in) > 1 && n >= 8 {
			if len(c.lanes) < n/8*2 {
				c.lanes = make([]uint64, n/8*2)
			}
			addRowsSWAR(acc, c.w, n, c.in, c.lanes)
		} else {
			for _, e := range c.in {
				a := int(e &^ negSpike)
				if e&negSpike != 0 {
					subRow(acc, c.w[a*n:a*n+n])
				} else {
					addRow(acc, c.w[a*n:a*n+n])
				}
			}
		}
		for _, e := range c.inGraded {
			a, mag := int(e>>8), int32(e&0xff)
			macRow(acc, c.w[a*n:a*n+n], mag)
			macs += uint64(c.nnz[a])
		}
		reads = uint64(len(c.in)+len(c.inGraded)) * uint64(n)
	} else {
		for _, e := range c.in {
			r := c.srcRow[e&^negSpike]
			lo, hi := c.rowStart[r], c.rowStart[r+1]
			tgt, w := c.tgt[lo:hi], c.w[lo:hi]
			if e&negSpike != 0 {
				for k, t := range tgt {
					acc[t] -= int32(w[k])
				}
			} else {
				for k, t := range tgt {
					acc[t] += int32(w[k])
				}
			}
			ops += uint64(c.nnz[r])
			reads += uint64(hi - lo)
		}
		for _, e := range c.inGraded {
			r := c.srcRow[e>>8]
			mag := int32(e & 0xff)
			lo, hi := c.rowStart[r], c.rowStart[r+1]
			for k, t := range c.tgt[lo:hi] {
				acc[t] += int32(c.w[lo+int32(k)]) * mag
			}
			macs += uint64(c.nnz[r])
			reads += uint64(hi - lo)
		}
	}
	c.synOps, c.macs = ops, macs
	if cfg.SynapseFormat == Sparse { // non-zero entries with their neuron index
		c.memBits = (ops + macs) * uint64(cfg.WeightBits+cfg.IndexBits())
	} else { // whole rows (dense) or every connection of the row (convolution), zeros included
		c.memBits = reads * uint64(cfg.WeightBits)
	}
	c.fired, c.active = c.model.Step(acc, c.fired[:0])
	c.spikeStart = (ops+macs)*uint64(cfg.SynapseCycles) + uint64(c.active)*uint64(cfg.NeuronCycles) + uint64(n-c.active)*uint64(cfg.NeuronIdleCycles)
	c.busy = c.spikeStart + uint64(len(c.fired))*uint64(cfg.SpikeCycles)
}
