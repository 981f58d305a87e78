package router

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Run simulates from cycle 0 until every injected packet is delivered to
// every destination. It calls deliver (if not nil) once per delivery, in
// order of Arrive, then destination router, then destination port; that
// order is total because an ejection link starts one packet per cycle.
// deliver must not call Inject, AddGroup or Run. Afterwards the mesh is
// empty, its clock is back at 0 and its round-robin pointers are reset, so
// every Run depends only on the packets injected for it (and the groups).
// Run returns the statistics of this Run; LatencyHistogram and LinkFlits
// describe it until the next Run.
func (m *Mesh) Run(deliver func(Delivery)) Stats {
	n := len(m.pk)
	m.stats = Stats{}
	m.lat.Reset()
	for w, t := range m.touched {
		for ; t != 0; t &= t - 1 {
			ri := int32(w<<6 + bits.TrailingZeros64(t))
			for oi := ri * m.np; oi < (ri+1)*m.np; oi++ {
				m.outs[oi].flits = 0
			}
		}
		m.touched[w] = 0
	}
	if n == 0 {
		return m.stats
	}
	m.running = true
	m.prepare()

	c := m.pk[m.order[0]].Inject // nothing can happen earlier
	if m.stepEveryCycle {
		c = 0
	}
	size := uint64(len(m.wheel))
	wi := 0        // next entry of m.order to wake
	delivered := 0 // deliveries so far
	for {
		// Phase 1: collect the routers that may act at cycle c, and land
		// the packets arriving in input buffers at c.
		cur := m.cur
		m.cur, m.next1 = m.next1, cur
		cur = m.cur
		m.nNext = 0
		for ; wi < n && m.pk[m.order[wi]].Inject <= c; wi++ {
			ri := m.pk[m.order[wi]].Src.Router
			cur[ri>>6] |= 1 << uint(ri&63)
		}
		slot := &m.wheel[c%size]
		for _, a := range *slot {
			m.push(a.bi, a.ri, a.pi, c)
			cur[a.ri>>6] |= 1 << uint(a.ri&63)
		}
		m.inWheel -= len(*slot)
		*slot = (*slot)[:0]

		// Phase 2: each router injects and arbitrates. A router writes
		// only its own buffers, arbiters and output links, the reserved
		// count of the downstream buffers it alone feeds, and the wheels at
		// later cycles, so visiting order does not change the result;
		// ascending order makes the delivery order (router, port) within a
		// cycle.
		if m.stepEveryCycle {
			for ri := range m.nr {
				if m.visitDescending {
					ri = m.nr - 1 - ri
				}
				delivered += m.evaluate(ri, c, deliver)
			}
		} else {
			for w, b := range cur {
				for ; b != 0; b &= b - 1 {
					delivered += m.evaluate(int32(w<<6+bits.TrailingZeros64(b)), c, deliver)
				}
			}
		}
		clear(cur)

		if delivered == m.expect {
			break
		}
		if m.nNext == 1 && m.inWheel == 0 && !m.stepEveryCycle {
			// One router has work and nothing is in flight: until a
			// packet's injection wakes another router, no other router
			// can act, so step this one alone without the per-cycle
			// bookkeeping above.
			ri := m.lone()
			wake := uint64(math.MaxUint64)
			if wi < n {
				wake = m.pk[m.order[wi]].Inject
			}
			for m.nNext == 1 && m.inWheel == 0 && c+1 < wake && delivered != m.expect {
				c++
				m.next1[ri>>6] &^= 1 << uint(ri&63)
				m.nNext = 0
				if d, ok := m.evalLocal(ri, c, deliver); ok {
					delivered += d
				} else {
					delivered += m.evaluate(ri, c, deliver)
				}
			}
			if delivered == m.expect {
				break
			}
		}
		if m.nNext > 0 || m.stepEveryCycle {
			c++
			continue
		}
		// Nothing is buffered: jump to the next arrival or injection.
		nc := uint64(math.MaxUint64)
		if m.inWheel > 0 {
			for k := uint64(1); k < size; k++ {
				if len(m.wheel[(c+k)%size]) > 0 {
					nc = c + k
					break
				}
			}
		}
		if wi < n {
			nc = min(nc, m.pk[m.order[wi]].Inject)
		}
		if nc == math.MaxUint64 {
			panic(fmt.Sprintf("router: internal error: %d of %d deliveries made and nothing left to do at cycle %d", delivered, m.expect, c))
		}
		c = nc
	}
	m.finish()
	return m.stats
}

// prepare sorts the pending packets into their injection queues.
func (m *Mesh) prepare() {
	n := len(m.pk)
	m.next = slices.Grow(m.next[:0], n)[:n]
	m.order = slices.Grow(m.order[:0], n)[:n]
	sorted := true
	m.expect = 0
	var lastInject uint64
	for pi := range m.order {
		m.order[pi] = int32(pi)
		p := &m.pk[pi]
		if pi > 0 && p.Inject < m.pk[pi-1].Inject {
			sorted = false
		}
		lastInject = max(lastInject, p.Inject)
		if p.Group != 0 {
			m.expect += len(m.groups[p.Group-1].dsts)
		} else {
			m.expect++
		}
	}
	if checkInvariants {
		m.got = slices.Grow(m.got[:0], n)[:n]
		clear(m.got)
	}
	m.stats.Injected = uint64(n)
	m.stats.DrainCycles = lastInject // LastArrival is subtracted in finish
	if !sorted {
		slices.SortFunc(m.order, m.byInject)
	}
	for _, pi := range m.order {
		p := &m.pk[pi]
		q := &m.queues[p.Src.Router*m.nl+int32(p.Src.Port)]
		m.next[pi] = -1
		if q.tail >= 0 {
			m.next[q.tail] = pi
		} else {
			q.head, q.due = pi, p.Inject
			m.qmask[p.Src.Router] |= 1 << uint(p.Src.Port)
			m.rdue[p.Src.Router] = min(m.rdue[p.Src.Router], p.Inject)
		}
		q.tail = pi
	}
}

func (m *Mesh) byInject(a, b int32) int {
	if c := cmp.Compare(m.pk[a].Inject, m.pk[b].Inject); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// finish checks that the mesh is empty and resets it for the next Run.
func (m *Mesh) finish() {
	if m.inWheel != 0 || m.nNext != 0 {
		panic(fmt.Sprintf("router: internal error: %d packets in flight and %d routers busy after the last delivery", m.inWheel, m.nNext))
	}
	for w, t := range m.touched {
		for ; t != 0; t &= t - 1 {
			ri := int32(w<<6 + bits.TrailingZeros64(t))
			for i := ri * m.np; i < (ri+1)*m.np; i++ {
				o, b := &m.outs[i], &m.ins[i]
				o.rr, o.free = 0, 0
				b.free = 0
				if b.creditAt != 0 {
					// Credits still on their way back after the last delivery.
					b.reserved -= m.flits
					b.creditAt = 0
				}
			}
			for ei := ri * m.nl; ei < (ri+1)*m.nl; ei++ {
				m.queues[ei].free = 0
			}
			m.dueMask[ri], m.rdue[ri] = 0, math.MaxUint64
		}
	}
	m.stats.DrainCycles = m.stats.LastArrival - m.stats.DrainCycles
	if checkInvariants {
		m.checkExactlyOnce()
	}
	m.pk = m.pk[:0]
	m.running = false
}

// touch records that router ri changed per-Run state (arbiters, busy
// links, link counters) that must be reset.
func (m *Mesh) touch(ri int32) {
	m.touched[ri>>6] |= 1 << uint(ri&63)
}

// push appends packet pi to input buffer bi of router ri at cycle c.
func (m *Mesh) push(bi, ri, pi int32, c uint64) {
	b := &m.ins[bi]
	if checkInvariants && b.count >= m.depth {
		m.overflow(bi, ri, c)
	}
	k := b.head + b.count
	if k >= m.depth {
		k -= m.depth
	}
	m.slots[bi*m.depth+k] = slot{at: c, pi: pi}
	b.count++
	m.occ[ri] |= 1 << uint(bi-ri*m.np)
}

// overflow reports a broken credit invariant: a packet landed in a full
// buffer. Credits make that impossible; the routercheck build tag checks.
func (m *Mesh) overflow(bi, ri int32, c uint64) {
	panic(fmt.Sprintf("router: internal error: input buffer %d of router %d overflows at cycle %d (credit accounting)", bi-ri*m.np, ri, c))
}

// schedule puts packet pi in flight to buffer bi of router ri, landing at
// cycle t (t > the current cycle, t - current < len(wheel)).
func (m *Mesh) schedule(t uint64, pi, bi, ri int32) {
	s := &m.wheel[t%uint64(len(m.wheel))]
	*s = append(*s, arrival{pi: pi, bi: bi, ri: ri})
	m.inWheel++
}

// route returns the output ports packet pi, at the head of a buffer of
// router ri at (x, y), must be sent through.
func (m *Mesh) route(ri int32, pi int32) uint64 {
	p := &m.pk[pi]
	if p.Group != 0 {
		return m.tableMask(p.Group, ri)
	}
	dst := p.Dst
	out := NextPort(m.cfg.Routing, int(m.xs[ri]), int(m.ys[ri]), int(m.xs[dst.Router]), int(m.ys[dst.Router]))
	if out == Local {
		out += Port(dst.Port)
	}
	return 1 << out
}

// activeNext marks router ri active in cycle c+1 if it holds a packet or
// an injection queue of it is due by then.
func (m *Mesh) activeNext(ri int32, c uint64) {
	if m.occ[ri] != 0 || m.dueMask[ri] != 0 || m.rdue[ri] <= c+1 {
		m.next1[ri>>6] |= 1 << uint(ri&63)
		m.nNext++
	}
}

// refreshDue moves the queues of router ri whose heads are due by cycle
// c into dueMask and recomputes rdue from the rest.
func (m *Mesh) refreshDue(ri int32, c uint64) {
	rd := uint64(math.MaxUint64)
	for q := m.qmask[ri] &^ m.dueMask[ri]; q != 0; q &= q - 1 {
		l := bits.TrailingZeros64(q)
		if d := m.queues[ri*m.nl+int32(l)].due; d <= c {
			m.dueMask[ri] |= 1 << uint(l)
		} else {
			rd = min(rd, d)
		}
	}
	m.rdue[ri] = rd
}
