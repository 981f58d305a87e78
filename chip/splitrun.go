package chip

import (
	"fmt"
	"math"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/spikemesh/spikemesh/router"
)

// Fan-in splitting, engine side (docs/mapping.md, "Fan-in splitting").
//
// With a split population the compute phase of a timestep has two steps.
// First the splitter cores integrate their inputs into partial sums (one
// int32 per neuron of their group). Their non-zero partial sums then
// travel to the home cores as packets through a mesh of their own (same
// configuration as the spike mesh), injected when each splitter finishes
// its synaptic work; the mesh gives each packet's arrival. Then every
// other core computes; a home core adds its splitters' partial sums into
// its own accumulator once the last one has arrived, and only then
// updates its neurons. So the neuron sees the same integer input as
// unsplit, in the same timestep; the cost is the wait, the adds and the
// packets.

// SplitCounts is the traffic and time of fan-in splitting in one run.
type SplitCounts struct {
	PartialSums    uint64 `json:"partial_sums"`    // non-zero partial sums sent by splitter cores
	PartialPackets uint64 `json:"partial_packets"` // packets that carried them
	// Hops of those packets (also in the splitter cores' counts).
	HopsX       uint64 `json:"hops_x"`
	HopsY       uint64 `json:"hops_y"`
	OffChipHops uint64 `json:"off_chip_hops"`
	// WaitCycles sums over timesteps the longest time any home core spent
	// past its own synaptic work waiting for and adding partial sums.
	WaitCycles uint64 `json:"wait_cycles"`
}

// Add adds o to c, counter by counter.
func (c *SplitCounts) Add(o SplitCounts) {
	c.PartialSums += o.PartialSums
	c.PartialPackets += o.PartialPackets
	c.HopsX += o.HopsX
	c.HopsY += o.HopsY
	c.OffChipHops += o.OffChipHops
	c.WaitCycles += o.WaitCycles
}

// PartialSumBits is the width of a partial sum message's value: the
// engine's per-neuron input accumulator is int32 (core.acc), and a
// partial sum must carry it whole for the home core's sum to be exact.
// Loihi's dendritic accumulators are narrower (24-bit current u in Lava's
// bit-accurate LIF model); 32 bits bounds every model the engine runs.
const PartialSumBits = 32

// splitState is the simulator's fan-in splitting machinery.
type splitState struct {
	mesh      *router.Mesh // routes partial sums; separate from the spike meshes
	pk        []router.Packet
	splitters []int // core indices of splitter cores: computed first
	rest      []int // every other core: computed after the partial sums arrive
	pktPerSum uint64
}

// PartialSumPackets is the number of packets one partial sum takes: its
// value (PartialSumBits) and the index of its neuron within the core
// (IndexBits) in the payload of spike-format packets, rounded up; one
// packet when the preset states no payload size.
func (c Config) PartialSumPackets() int {
	if c.PayloadBits <= 0 {
		return 1
	}
	return (PartialSumBits + c.IndexBits() + c.PayloadBits - 1) / c.PayloadBits
}

// buildSplit links splitter cores to their home cores and sets up the
// partial-sum mesh; it does nothing when no core is split.
func (s *Simulator) buildSplit() error {
	var st *splitState
	for ci, cm := range s.m.Cores {
		if !cm.Splitter() {
			continue
		}
		if st == nil {
			mesh, err := s.mesh.Clone()
			if err != nil {
				return fmt.Errorf("chip: %w", err)
			}
			st = &splitState{mesh: mesh, pktPerSum: uint64(s.cfg.PartialSumPackets())}
		}
		home := cm.Split.Home
		s.cores[ci].splitOf = int32(home + 1)
		s.cores[home].splitters = append(s.cores[home].splitters, int32(ci))
		st.splitters = append(st.splitters, ci)
	}
	if st == nil {
		return nil
	}
	for ci := range s.cores {
		if s.cores[ci].splitOf == 0 {
			st.rest = append(st.rest, ci)
		}
	}
	s.split = st
	return nil
}

// replicaSplit gives a replica its own partial-sum mesh.
func (st *splitState) replica() (*splitState, error) {
	if st == nil {
		return nil, nil
	}
	mesh, err := st.mesh.Clone()
	if err != nil {
		return nil, fmt.Errorf("chip: %w", err)
	}
	return &splitState{mesh: mesh, splitters: st.splitters, rest: st.rest, pktPerSum: st.pktPerSum}, nil
}

// computeSplit is the compute phase of timestep t with split populations:
// splitters, partial-sum routing, then every other core.
func (s *Simulator) computeSplit(t int) error {
	if err := s.computeCores(s.split.splitters, t); err != nil {
		return err
	}
	if err := s.routePartials(); err != nil {
		return err
	}
	if err := s.computeCores(s.split.rest, t); err != nil {
		return err
	}
	var wait uint64
	for _, ci := range s.split.rest {
		wait = max(wait, s.cores[ci].arrive)
	}
	s.res.Split.WaitCycles += wait
	return nil
}

// computeCores computes the cores idx of timestep t on up to s.workers
// goroutines; each core writes only its own state (a home core also
// clears its own splitters' accumulators, which nobody else touches).
func (s *Simulator) computeCores(idx []int, t int) error {
	w := min(s.workers, len(idx))
	if w <= 1 {
		for _, ci := range idx {
			s.computeCore(&s.cores[ci], t)
		}
		return nil
	}
	var next atomic.Int64
	var g errgroup.Group
	for range w {
		g.Go(func() error {
			for {
				k := int(next.Add(1) - 1)
				if k >= len(idx) {
					return nil
				}
				s.computeCore(&s.cores[idx[k]], t)
			}
		})
	}
	return g.Wait()
}

// routePartials sends every splitter's non-zero partial sums to its home
// core through the partial-sum mesh, counts them (packets and hops on the
// splitter; each add at the home core as one synaptic op of the
// splitter) and sets each home core's arrive to when its last one
// arrived (0: none).
func (s *Simulator) routePartials() error {
	st := s.split
	st.pk = st.pk[:0]
	for _, ci := range st.rest {
		s.cores[ci].arrive = 0
	}
	for _, ci := range st.splitters {
		c := &s.cores[ci]
		if !c.fedIn {
			continue
		}
		var nz uint64
		for _, v := range c.acc[:c.n] {
			if v != 0 {
				nz++
			}
		}
		if nz == 0 {
			continue
		}
		home := int(c.splitOf - 1)
		pk := nz * st.pktPerSum
		dst := s.cores[home].ep
		for range pk {
			st.pk = append(st.pk, router.Packet{Src: c.ep, Dst: dst, Inject: c.busy, Tag: uint32(home)})
		}
		cc := &c.counts
		cc.SynapticOps += nz
		cc.Packets += pk
		hx, hy, off := s.packetHops(c.ep, home)
		cc.HopsX += pk * hx
		cc.HopsY += pk * hy
		cc.OffChipHops += pk * off
		sp := &s.res.Split
		sp.PartialSums += nz
		sp.PartialPackets += pk
		sp.HopsX += pk * hx
		sp.HopsY += pk * hy
		sp.OffChipHops += pk * off
		if s.traffic != nil {
			s.traffic[ci*len(s.cores)+home] += pk
		}
	}
	if len(st.pk) == 0 {
		return nil
	}
	// The mesh wants packets in injection order within a source; each
	// splitter's packets share one cycle, so splitter order is fine.
	if err := st.mesh.InjectAll(st.pk); err != nil {
		return fmt.Errorf("chip: partial sums: %w", err)
	}
	st.mesh.Run(func(d router.Delivery) {
		h := &s.cores[d.Packet.Tag]
		h.arrive = max(h.arrive, d.Arrive)
	})
	nr := st.mesh.NumRouters()
	for ri := 0; ri < nr; ri++ {
		for p := 0; p < router.NumMeshPorts; p++ {
			s.res.LinkFlits[ri*router.NumMeshPorts+p] += st.mesh.LinkFlits(int32(ri), router.Port(p))
		}
	}
	return nil
}

// splitFed reports whether any splitter of home core c has input.
func (s *Simulator) splitFed(c *core) bool {
	for _, si := range c.splitters {
		if s.cores[si].fedIn {
			return true
		}
	}
	return false
}

// addPartials adds the partial sums of home core c's splitters into acc
// (saturating to the int32 range, as addScaled does), clears them, and
// returns the cycles past syn (the core's own synaptic work) at which the
// neurons can update: after the last partial sum arrived and one
// SynapseCycles per add. It sets c.arrive to that wait.
func (s *Simulator) addPartials(c *core, acc []int32, syn uint64) uint64 {
	var adds uint64
	for _, si := range c.splitters {
		sp := &s.cores[si]
		if !sp.fedIn {
			continue
		}
		part := sp.acc[:len(acc)]
		for j, v := range part {
			if v == 0 {
				continue
			}
			x := int64(acc[j]) + int64(v)
			acc[j] = int32(min(max(x, math.MinInt32), math.MaxInt32))
			part[j] = 0
			adds++
		}
	}
	if adds == 0 {
		c.arrive = 0
		return 0
	}
	end := max(syn, c.arrive) + adds*uint64(s.cfg.SynapseCycles)
	c.arrive = end - syn
	return c.arrive
}
