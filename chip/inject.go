package chip

import (
	"fmt"
	"sort"

	"github.com/spikemesh/spikemesh/router"
)

// inject is the serial phase of timestep st.t: it counts every core's
// events, delivers the host's input and the fired neurons' spikes into
// their destination blocks' inboxes (for timestep t+1+delay) and lists
// the packets (one per event and destination core, or one per event with
// multicast) for the mesh in a fixed order: host first, then cores in
// index order. It returns the number of spikes and the slowest core's
// busy cycles.
func (s *Simulator) inject(st *meshStep, outCounts []int64) (int, uint64) {
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
		// which row format processed them, for per-format energy
		cc.SynapticOpsConv += c.rowOps
		if s.cfg.SynapseFormat == Sparse {
			cc.SynapticOpsSparse += c.synOps - c.rowOps
		}
		cc.SynapticMACs += c.macs
		cc.SynMemReadBits += c.memBits
		if c.splitOf == 0 { // a splitter updates no neurons
			cc.NeuronUpdates += uint64(c.active)
			cc.NeuronIdle += uint64(c.n - c.active)
		}
		cc.Spikes += uint64(len(c.fired))
		fired += len(c.fired)
		res.LayerSpikes[c.layer] += uint64(len(c.fired))
		res.LayerSynOps[c.layer] += c.synOps + c.macs
		res.LayerActive[c.layer] += uint64(c.active)
		if s.trace != nil {
			s.trace.addCore(st.t, ci, len(c.fired), c.synOps+c.macs, c.busy)
			s.trace.addFired(st.t, c.layer, c.lo, c.fired)
		}
		if s.neuronCounts != nil {
			countFired(s.neuronCounts[c.layer], c.lo, c.fired)
		}
		if off := s.outOff[c.layer]; off >= 0 {
			countFired(outCounts, off+c.lo, c.fired)
		}
		if c.fanStart == nil && len(c.blks) == 0 {
			continue // no outgoing projection (an output population)
		}
		for k, f := range c.fired {
			emit := c.spikeStart + uint64(k+1)*uint64(cfg.SpikeCycles)
			ni, neg := int(f), uint32(0)
			if f < 0 {
				ni, neg = int(^f), negSpike
			}
			tag := uint32(c.lo+ni) | neg
			blks, dests := c.neuronFanout(ni)
			s.deliver(blks, tag, st.t)
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

// deliver appends an event to the inbox of each block in blks that is
// integrated at timestep t+1+delay: slot t mod (delay+1), the slot the
// compute phase of t has just emptied.
func (s *Simulator) deliver(blks []int32, tag uint32, t int) {
	for _, id := range blks {
		b := s.blockAt(id)
		slot := t % len(b.ring)
		b.ring[slot] = append(b.ring[slot], tag)
	}
}

// groupOf returns the input group of a global channel and the channel's
// index within it.
func (s *Simulator) groupOf(ch int) (int, int) {
	if len(s.hosts) == 1 {
		return 0, ch
	}
	g := sort.SearchInts(s.chanOff[1:], ch+1)
	return g, ch - s.chanOff[g]
}

// checkEvents rejects input events outside the network's channels.
func (s *Simulator) checkEvents(t int) error {
	total := int32(s.chanOff[len(s.chanOff)-1])
	for _, ev := range s.events {
		if ev.Channel < 0 || ev.Channel >= total {
			return fmt.Errorf("chip: input event at timestep %d has channel %d, the network has channels 0..%d", t, ev.Channel, total-1)
		}
	}
	return nil
}

// injectHost delivers the host's input events into their destination
// blocks' inboxes and lists their packets in event order. Into dense
// projections every event of a group goes to the same blocks, so inboxes
// fill one block at a time.
func (s *Simulator) injectHost(st *meshStep) {
	host := &s.res.HostCounts
	tagOf := func(g, ch int, ev InputEvent) uint32 {
		if s.graded[g] {
			return uint32(ch)<<8 | uint32(ev.Magnitude)
		}
		return uint32(ch)
	}
	one := len(s.hosts) == 1
	for g := range s.hosts {
		h := &s.hosts[g]
		if h.fanStart != nil {
			continue
		}
		for _, id := range h.blks {
			b := s.blockAt(id)
			slot := st.t % len(b.ring)
			for _, ev := range s.events {
				eg, ch := g, int(ev.Channel)
				if !one {
					if eg, ch = s.groupOf(ch); eg != g {
						continue
					}
				}
				b.ring[slot] = append(b.ring[slot], tagOf(g, ch, ev))
			}
		}
	}
	for _, ev := range s.events {
		g, ch := s.groupOf(int(ev.Channel))
		h := &s.hosts[g]
		tag := tagOf(g, ch, ev)
		blks, dests := h.neuronFanout(ch)
		if h.fanStart != nil {
			s.deliver(blks, tag, st.t)
		}
		if s.multicast {
			gr := h.grp
			if h.fanGrp != nil {
				gr = h.fanGrp[ch]
			}
			if gr != 0 {
				st.pk = append(st.pk, router.Packet{Src: s.m.Host, Group: gr, Tag: tag})
				s.countGroup(host, len(s.cores), gr, dests)
				host.HostPackets++
			}
			continue
		}
		for _, di := range dests {
			st.pk = append(st.pk, router.Packet{Src: s.m.Host, Dst: s.cores[di].ep, Tag: tag})
		}
		s.countPackets(host, len(s.cores), h, dests, s.m.Host)
		host.HostPackets += uint64(len(dests))
	}
}

// countFired adds the spikes of a core holding neurons lo, ... to their
// net counts: +1 at dst[lo+ni] for fired entry ni, -1 for ^ni.
func countFired[N int32 | int64](dst []N, lo int, fired []int32) {
	for _, f := range fired {
		if f < 0 {
			dst[lo+int(^f)]--
		} else {
			dst[lo+int(f)]++
		}
	}
}
