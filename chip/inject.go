package chip

import "github.com/spikemesh/spikemesh/router"

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
			s.trace.addFired(st.t, c.layer, c.lo, c.fired)
		}
		if s.neuronCounts != nil {
			countFired(s.neuronCounts[c.layer], c.lo, c.fired)
		}
		if c.layer == outLayer {
			countFired(outCounts, c.lo, c.fired)
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
