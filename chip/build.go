package chip

import (
	"fmt"
	"runtime"

	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/router"
)

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
	s := &Simulator{m: m, cfg: cfg, mesh: mesh, workers: workers, barrier: m.BarrierCycles(), multicast: cfg.Delivery == Multicast, board: cfg.Chips() > 1,
		meshMinPackets: meshMinPackets}
	s.meshes = []*router.Mesh{mesh} // more are cloned by the first run that routes concurrently
	g := m.g
	if g == nil {
		g = newGraph(m.Net)
	}
	net := m.Net
	groups := net.Groups()
	s.chanOff = g.chanOff
	for _, ig := range groups {
		s.graded = append(s.graded, ig.Graded)
	}
	s.outs = net.OutputLayers()
	s.outOff = make([]int, len(net.Layers))
	for l := range s.outOff {
		s.outOff[l] = -1
	}
	off := 0
	for _, o := range s.outs {
		s.outOff[o] = off
		off += net.Layers[o].Size
	}
	s.cores = make([]core, len(m.Cores))
	// blockOf[ei] maps a core index to the id of edge ei's block on it.
	blockOf := make([]map[int]int32, len(g.edges))
	for ei := range blockOf {
		blockOf[ei] = map[int]int32{}
	}
	for ci, cm := range m.Cores {
		c := &s.cores[ci]
		c.layer, c.lo, c.n, c.ep = cm.Layer, cm.Lo, cm.Neurons(), cm.Endpoint
		off := 0 // first axon of edge ei in the population's axon space (fan-in splitting)
		for _, ei := range g.into[cm.Layer] {
			e := &g.edges[ei]
			s0, s1 := 0, e.in
			if cm.Split != nil {
				s0, s1 = overlap(off, e.in, cm.Split.AxonLo, cm.Split.AxonHi)
			}
			off += e.in
			b := newBlock(e, cm.Lo, cm.Hi, s0, s1)
			b.exp = uint8(e.WeightExp)
			b.graded = e.From.Kind == FromInput && groups[e.From.Index].Graded
			b.port = uint8(e.Port)
			b.ring = make([][]uint32, e.Delay+1)
			blockOf[ei][ci] = int32(len(s.blk))
			s.blk = append(s.blk, blockRef{int32(ci), int32(len(c.blocks))})
			c.blocks = append(c.blocks, b)
		}
		if c.model, err = s.newModel(ci); err != nil {
			return nil, err
		}
		c.allocAcc()
	}
	s.hosts = make([]core, len(groups))
	for gi, ig := range groups {
		h := &s.hosts[gi]
		h.n = ig.Size
		s.buildFanout(g, []*core{h}, g.fromInput[gi], blockOf)
	}
	for l := range net.Layers {
		var srcs []*core
		for _, ci := range m.LayerCores[l] {
			if !m.Cores[ci].Splitter() { // splitters send partial sums, not spikes
				srcs = append(srcs, &s.cores[ci])
			}
		}
		s.buildFanout(g, srcs, g.outOf[l], blockOf)
	}
	if cfg.Delivery == Multicast {
		if err := s.buildGroups(); err != nil {
			return nil, err
		}
	}
	if err := s.buildSplit(); err != nil {
		return nil, err
	}
	for i := range s.hosts {
		s.sumHops(&s.hosts[i], s.m.Host)
	}
	for ci := range s.cores {
		s.sumHops(&s.cores[ci], s.cores[ci].ep)
	}
	s.initResult()
	return s, nil
}

// sumHops precomputes the unicast hops of one spike of a uniform source.
func (s *Simulator) sumHops(c *core, from router.Endpoint) {
	for _, di := range c.dests {
		hx, hy, off := s.packetHops(from, int(di))
		c.destHops[0] += hx
		c.destHops[1] += hy
		c.destHops[2] += off
	}
}

// newBlock lays out edge e's synapses from sources [s0, s1) (all of them
// unless the fan-in is split) into neurons [lo, hi): dense rows for a
// dense projection (rows of other sources stay zero and never receive an
// event), otherwise one row per source that feeds any of those neurons,
// entries in neuron order.
func newBlock(e *edge, lo, hi, s0, s1 int) block {
	n := hi - lo
	var b block
	b.srcLo, b.srcHi = int32(s0), int32(s1)
	if e.Kind == ProjDense {
		b.w = make([]int8, e.in*n)
		b.nnz = make([]int32, e.in)
		for a := s0; a < s1; a++ {
			row := b.w[a*n : (a+1)*n]
			copy(row, e.Weights[a*e.out+lo:a*e.out+hi])
			for _, x := range row {
				if x != 0 {
					b.nnz[a]++
				}
			}
		}
		b.maxRow = 1
		return b
	}
	b.srcRow = make([]int32, e.in)
	for i := range b.srcRow {
		b.srcRow[i] = -1
	}
	var rows int32
	sizes := []int32{}
	for j := lo; j < hi; j++ {
		e.sources(j, func(src int, _ int8) {
			if src < s0 || src >= s1 {
				return
			}
			if b.srcRow[src] < 0 {
				b.srcRow[src] = rows
				rows++
				sizes = append(sizes, 0)
			}
			sizes[b.srcRow[src]]++
		})
	}
	b.rowStart = make([]int32, rows+1)
	for r, k := range sizes {
		b.rowStart[r+1] = b.rowStart[r] + k
		b.maxRow = max(b.maxRow, k)
	}
	b.tgt = make([]uint16, b.rowStart[rows])
	b.w = make([]int8, b.rowStart[rows])
	b.nnz = make([]int32, rows)
	fill := append([]int32(nil), b.rowStart[:rows]...)
	for j := lo; j < hi; j++ {
		e.sources(j, func(src int, w int8) {
			if src < s0 || src >= s1 {
				return
			}
			r := b.srcRow[src]
			b.tgt[fill[r]] = uint16(j - lo)
			b.w[fill[r]] = w
			fill[r]++
			if w != 0 {
				b.nnz[r]++
			}
		})
	}
	return b
}

// setInitV sets neurons [lo, hi) of population ly to its initial
// potentials (after Reset; see Layer.InitV).
func setInitV(m neuron.Model, ly *Layer, lo, hi int) error {
	vs, ok := m.(neuron.VSetter)
	if !ok {
		return fmt.Errorf("init_v: model %s cannot set potentials", ly.Neuron.Kind)
	}
	return vs.SetV(ly.InitV[lo:hi])
}

// newModel builds the neuron state of core ci.
func (s *Simulator) newModel(ci int) (neuron.Model, error) {
	cm := &s.m.Cores[ci]
	ly := &s.m.Net.Layers[cm.Layer]
	var bias []int32
	if ly.Bias != nil {
		bias = ly.Bias[cm.Lo:cm.Hi]
	}
	model, err := neuron.NewWithVectors(ly.Neuron, cm.Neurons(), bias, ly.Vectors.Slice(cm.Lo, cm.Hi))
	if err != nil {
		return nil, fmt.Errorf("chip: layer %s core %d: %w", ly.Name, cm.Core, err)
	}
	if ly.InitV != nil {
		if err := setInitV(model, ly, cm.Lo, cm.Hi); err != nil {
			return nil, fmt.Errorf("chip: layer %s core %d: %w", ly.Name, cm.Core, err)
		}
	}
	return model, nil
}

// allocAcc gives core c its input accumulators: one per port of its
// model (neuron.MultiPort), else the single acc.
func (c *core) allocAcc() {
	c.acc = make([]int32, c.n)
	c.mp, c.accs = nil, nil
	if mp, ok := c.model.(neuron.MultiPort); ok {
		c.mp = mp
		c.accs = make([][]int32, mp.Ports())
		c.accs[0] = c.acc
		for p := 1; p < len(c.accs); p++ {
			c.accs[p] = make([]int32, c.n)
		}
	}
}

func (s *Simulator) initResult() {
	L := len(s.m.Net.Layers)
	s.res.LayerSpikes = make([]uint64, L)
	s.res.LayerSynOps = make([]uint64, L)
	s.res.LayerActive = make([]uint64, L)
	outN := 0
	for _, o := range s.outs {
		outN += s.m.Net.Layers[o].Size
	}
	s.res.Scores = make([]int64, outN)
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
		multicast: s.multicast, board: s.board, noSkip: s.noSkip, hosts: s.hosts, chanOff: s.chanOff, graded: s.graded,
		blk: s.blk, outs: s.outs, outOff: s.outOff, grpHops: s.grpHops}
	if r.split, err = s.split.replica(); err != nil {
		return nil, err
	}
	r.cores = make([]core, len(s.cores))
	for ci := range s.cores {
		c := s.cores[ci] // shares the synaptic memory and the fan-out
		if c.model, err = s.newModel(ci); err != nil {
			return nil, err
		}
		c.blocks = append([]block(nil), c.blocks...)
		for bi := range c.blocks {
			c.blocks[bi].ring = make([][]uint32, len(c.blocks[bi].ring))
		}
		c.allocAcc()
		c.scaled, c.lanes, c.fired = nil, nil, nil
		c.counts = energy.Counts{}
		r.cores[ci] = c
	}
	if s.neuronCounts != nil {
		r.EnableNeuronCounts()
	}
	r.stepScores = s.stepScores
	r.initResult()
	return r, nil
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
