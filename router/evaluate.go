package router

import "math/bits"

// evaluate performs cycle c at router ri: injection from its endpoints'
// queues, then one round-robin arbitration per requested output port. It
// returns the number of deliveries it made.
func (m *Mesh) evaluate(ri int32, c uint64, deliver func(Delivery)) int {
	base := ri * m.np
	ins := m.ins[base : base+m.np]
	outs := m.outs[base : base+m.np]

	// Injection links: the head of each queue moves if it is due, the
	// link has finished sending the previous packet, and the local input
	// buffer has room for the whole packet.
	if m.rdue[ri] <= c {
		m.refreshDue(ri, c)
	}
	for q := m.dueMask[ri]; q != 0; q &= q - 1 {
		l := int32(bits.TrailingZeros64(q))
		iq := &m.queues[ri*m.nl+l]
		if iq.free > c || !m.room(&ins[NumMeshPorts+l], c) {
			continue
		}
		m.injectHead(ri, l, c)
	}

	// Route computation: the head of every non-empty input buffer whose
	// previous packet has left requests the output ports it still needs.
	var want uint64
	for o := m.occ[ri]; o != 0; o &= o - 1 {
		in := int32(bits.TrailingZeros64(o))
		b := &ins[in]
		if b.free > c {
			continue
		}
		mask := b.remain
		if mask == 0 {
			pi := m.slots[(base+in)*m.depth+b.head].pi
			if p := &m.pk[pi]; p.Group == 0 && p.Dst.Router == ri {
				mask = 1 << (NumMeshPorts + uint(p.Dst.Port)) // at its destination
			} else {
				mask = m.route(ri, pi)
			}
			b.remain = mask
		}
		want |= mask
		for r := mask; r != 0; r &= r - 1 {
			m.req[bits.TrailingZeros64(r)] |= 1 << uint(in)
		}
	}

	// Switch allocation: each requested output grants one input.
	delivered := 0
	for ; want != 0; want &= want - 1 {
		out := Port(bits.TrailingZeros64(want))
		op := &outs[out]
		reqs := m.req[out]
		m.req[out] = 0
		if op.free > c {
			continue // the link is still sending the previous packet
		}
		var nri, nbi int32
		if out < NumMeshPorts {
			nri = m.neighbor(ri, out)
			nbi = nri*m.np + int32(out.Opposite())
			if !m.room(&m.ins[nbi], c) {
				m.stats.BackPressureStalls += uint64(bits.OnesCount64(reqs))
				continue // no room downstream: every requester stalls
			}
		}
		pi := m.grant(ri, int32(pickRoundRobin(reqs, uint(op.rr))), out, c)
		if out < NumMeshPorts {
			m.ins[nbi].reserved += m.flits
			lat := m.hopY
			if out.IsX() {
				lat = m.hopX
				m.stats.HopsX++
			} else {
				m.stats.HopsY++
			}
			if m.offchip != nil && m.offchip[ri*NumMeshPorts+int32(out)] {
				lat = m.hopOff
				m.stats.HopsOffChip++
			}
			m.stats.Hops++
			m.stats.FlitHops += uint64(m.flits)
			m.schedule(c+lat+m.rc, pi, nbi, nri)
			continue
		}
		m.eject(ri, out, pi, c, deliver)
		delivered++
	}

	m.activeNext(ri, c)
	return delivered
}

// injectHead moves the head of injection queue l of router ri into the
// local input buffer it feeds, at cycle c; the caller has checked that the
// injection link is free and the buffer has room.
func (m *Mesh) injectHead(ri, l int32, c uint64) {
	iq := &m.queues[ri*m.nl+l]
	bi := ri*m.np + NumMeshPorts + l
	pi, inj := iq.head, iq.due
	nx := m.next[pi]
	iq.head = nx
	if nx < 0 {
		iq.tail = -1
		m.qmask[ri] &^= 1 << uint(l)
		m.dueMask[ri] &^= 1 << uint(l)
	} else if iq.due = m.pk[nx].Inject; iq.due > c {
		m.dueMask[ri] &^= 1 << uint(l)
		m.rdue[ri] = min(m.rdue[ri], iq.due)
	}
	wait := c - inj
	m.stats.StallCycles += wait
	m.stats.InjectStallCycles += wait
	m.ins[bi].reserved += m.flits
	iq.free = c + m.ser
	m.touch(ri)
	if land := c + m.injC + m.rc; land == c {
		m.push(bi, ri, pi, c)
	} else {
		m.schedule(land, pi, bi, ri)
	}
}

// grant sends the head packet of input buffer in of router ri through
// output port out at cycle c, which the caller has checked is free (and,
// for a mesh port, has room downstream): the arbiter's pointer moves past
// in, the link is busy for SerializationCycles, and once the packet has
// left through every port it needs it leaves the buffer, whose credits
// are usable upstream at c+SerializationCycles. It returns the packet.
func (m *Mesh) grant(ri, in int32, out Port, c uint64) int32 {
	op := &m.outs[ri*m.np+int32(out)]
	op.rr = uint32(in + 1)
	if op.rr == uint32(m.np) {
		op.rr = 0
	}
	m.touch(ri)
	op.free = c + m.ser
	op.flits += uint64(m.flits)

	bi := ri*m.np + in
	b := &m.ins[bi]
	sl := m.slots[bi*m.depth+b.head]
	m.stats.StallCycles += c - sl.at
	if b.remain &^= 1 << out; b.remain == 0 {
		// The tail leaves at c+ser-1; the credits are usable at c+ser.
		m.pop(bi, ri)
		b.free = c + m.ser
		if b.creditAt != 0 {
			// The previous packet's credits (due by now: free spaces
			// sends by SerializationCycles) were never asked for.
			b.reserved -= m.flits
		}
		b.creditAt = c + m.ser
	}
	return sl.pi
}

// eject delivers packet pi through local output port out of router ri,
// granted at cycle c: statistics, latency histogram and the callback.
func (m *Mesh) eject(ri int32, out Port, pi int32, c uint64, deliver func(Delivery)) {
	arrive := c + m.ser - 1 + m.ejC
	lat := arrive - m.pk[pi].Inject
	s := &m.stats
	s.Packets++
	s.LatencySum += lat
	s.LatencyMax = max(s.LatencyMax, lat)
	s.LastArrival = max(s.LastArrival, arrive)
	m.lat.Add(lat)
	if checkInvariants || deliver != nil {
		d := Delivery{Packet: m.pk[pi], Arrive: arrive}
		d.Packet.Dst = Endpoint{Router: ri, Port: int16(out - NumMeshPorts)}
		if checkInvariants {
			m.countDelivery(pi, d)
		}
		if deliver != nil {
			deliver(d)
		}
	}
}

// room reports whether input buffer b has room for a whole packet at
// cycle c, after applying its pending credit return if it is due.
func (m *Mesh) room(b *inBuf, c uint64) bool {
	if t := b.creditAt; t != 0 && t <= c {
		b.reserved -= m.flits
		b.creditAt = 0
	}
	return b.reserved+m.flits <= m.depth
}

// pop removes the head of input buffer bi of router ri.
func (m *Mesh) pop(bi, ri int32) {
	b := &m.ins[bi]
	if b.head++; b.head == m.depth {
		b.head = 0
	}
	if b.count--; b.count == 0 {
		m.occ[ri] &^= 1 << uint(bi-ri*m.np)
	}
}

// pickRoundRobin returns the requesting input (a set bit of reqs) that
// comes first at or after ptr in the cyclic order 0, 1, ..., np-1.
func pickRoundRobin(reqs uint64, ptr uint) uint {
	if r := reqs &^ (1<<ptr - 1); r != 0 {
		return uint(bits.TrailingZeros64(r))
	}
	return uint(bits.TrailingZeros64(reqs))
}
