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
