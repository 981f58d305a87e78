package router

import "math/bits"

// evalLocal performs cycle c at router ri, as evaluate would, in the most
// common case of a lone router, which it handles in a few instructions: a
// single injection queue is due and feeds the only occupied input buffer,
// the packets involved are unicast to endpoints of ri itself, and packets
// land in the buffer the cycle they are injected and take one cycle per
// link (SerializationCycles 1). Otherwise it changes nothing and returns
// false. Tests check that results do not change when it is bypassed.
func (m *Mesh) evalLocal(ri int32, c uint64, deliver func(Delivery)) (int, bool) {
	dm := m.dueMask[ri]
	if !m.fastLocal || m.rdue[ri] <= c || dm == 0 || dm&(dm-1) != 0 {
		return 0, false
	}
	l := int32(bits.TrailingZeros64(dm))
	in := NumMeshPorts + l
	if m.occ[ri]&^(1<<uint(in)) != 0 {
		return 0, false
	}
	base := ri * m.np
	bi := base + in
	b := &m.ins[bi]
	iq := &m.queues[ri*m.nl+l]
	// Where the head packets go: the buffer's (if any) and the queue's.
	if b.count > 0 {
		if b.remain == 0 {
			if p := &m.pk[m.slots[bi*m.depth+b.head].pi]; p.Group != 0 || p.Dst.Router != ri {
				return 0, false
			}
		} else if b.remain&(1<<NumMeshPorts-1) != 0 || b.remain&(b.remain-1) != 0 {
			return 0, false // leaving through a mesh port, or multicast to several ports
		}
	}
	if p := &m.pk[iq.head]; p.Group != 0 || p.Dst.Router != ri {
		return 0, false
	}

	m.localCycles++
	// injectHead and grant specialised to this case and written out:
	// calling them here made the host-input-bound peer benchmark 7 %
	// slower. TestLocalBursts checks them against the general path.
	if iq.free <= c && m.room(b, c) {
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
		b.reserved += m.flits
		iq.free = c + 1
		m.touch(ri)
		m.push(bi, ri, pi, c)
	}

	// The buffer's head, the only requester, asks for its local port.
	delivered := 0
	if b.count > 0 && b.free <= c {
		sl := m.slots[bi*m.depth+b.head]
		if b.remain == 0 {
			b.remain = 1 << (NumMeshPorts + uint(m.pk[sl.pi].Dst.Port))
		}
		out := Port(bits.TrailingZeros64(b.remain))
		op := &m.outs[base+int32(out)]
		if op.free <= c {
			m.touch(ri)
			op.rr = uint32(in + 1)
			if op.rr == uint32(m.np) {
				op.rr = 0
			}
			op.free = c + 1
			op.flits += uint64(m.flits)
			m.stats.StallCycles += c - sl.at
			b.remain = 0
			m.pop(bi, ri)
			b.free = c + 1
			if b.creditAt != 0 {
				b.reserved -= m.flits
			}
			b.creditAt = c + 1
			m.eject(ri, out, sl.pi, c, deliver)
			delivered = 1
		}
	}
	m.activeNext(ri, c)
	return delivered, true
}

// lone returns the router whose bit is set in next1 (when nNext is 1).
func (m *Mesh) lone() int32 {
	for w, b := range m.next1 {
		if b != 0 {
			return int32(w<<6 + bits.TrailingZeros64(b))
		}
	}
	panic("router: internal error: no router active")
}
