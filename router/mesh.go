package router

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Endpoint is a local port of a router: a core or the host interface.
type Endpoint struct {
	Router int32 // ri = y*Width + x
	Port   int16 // local port, in [0, LocalPorts)
}

// Packet is one spike packet of Config.PacketFlits flits.
type Packet struct {
	Src, Dst Endpoint
	Inject   uint64 // cycle at which the packet enters Src's injection queue
	Tag      uint32 // opaque payload (the chip engine stores the destination axon)
	// Group is 0 for a unicast packet to Dst. Otherwise the packet is
	// multicast along the tree of that group (see Mesh.AddGroup): Src must
	// be the group's source, Dst is ignored, and each delivery carries the
	// destination it reached in Dst.
	Group GroupID
}

// Delivery is a packet that reached its destination endpoint.
type Delivery struct {
	Packet Packet
	Arrive uint64 // cycle at which the packet's tail flit is at the destination endpoint
}

// MaxInject is the largest accepted Packet.Inject. It leaves room for any
// latency a Run can add without overflowing uint64.
const MaxInject = 1 << 62

// Mesh is a W x H mesh of routers. It is not safe for concurrent use; see
// doc.go for the call order.
type Mesh struct {
	cfg   Config
	w     int32 // routers along X
	nr    int32 // routers
	nl    int32 // local ports per router
	np    int32 // ports per router: NumMeshPorts + nl
	depth int32 // BufferDepth
	hopX  uint64
	hopY  uint64
	// off-chip links: offchip[ri*4+port] is true when the mesh link leaving
	// router ri through port crosses a chip boundary; it takes hopOff.
	offchip []bool
	hopOff  uint64
	injC    uint64
	ejC     uint64
	rc      uint64  // RouterCycles
	flits   int32   // PacketFlits (credits a packet takes)
	ser     uint64  // SerializationCycles
	xs      []int32 // x of router ri
	ys      []int32 // y of router ri

	// Packets of the pending Run, indexed by pi (Inject call order).
	pk     []Packet
	next   []int32 // next packet in the same injection queue, -1 at the end
	expect int     // deliveries the pending Run must make
	got    []int32 // deliveries per packet (only with the routercheck tag)

	order []int32 // pi sorted by (Inject, pi): the injection wake-up order

	// The state a router reads and writes together sits together: one
	// record per injection queue, input buffer and output port (the
	// per-port records of router ri are ri*np ... ri*np+np-1), so a
	// router's cycle touches a few cache lines and each access costs one
	// bounds check.
	queues []injQueue // indexed by ei = ri*nl + port
	qmask  []uint64   // per router: bit l set if queue l is non-empty
	// Per router: dueMask has bit l set if queue l's head was due when
	// last looked at (it stays due); rdue is the earliest due cycle of
	// the other non-empty queues (MaxUint64: none), when dueMask must be
	// refreshed. Routers skip queues that are not due at no cost.
	dueMask []uint64
	rdue    []uint64
	ins     []inBuf // input buffers, indexed by bi = ri*np + port
	// Buffer bi's ring of packets lives in slots[bi*depth : (bi+1)*depth].
	slots []slot
	occ   []uint64  // per router: bit p set if input buffer p is non-empty
	outs  []outPort // output ports, indexed by oi = ri*np + out

	// Multicast groups (index g-1) and their routing-table entries.
	groups     []group
	entries    []tableEntry // each group's entries, sorted by router
	tableCount []int32      // entries per router
	scratch    []uint64     // per router, used by AddGroup
	lat        Histogram    // latencies of the last Run

	// Timing wheel of in-flight packets, slot = arrival cycle mod len(wheel).
	wheel   [][]arrival
	inWheel int

	// Per-cycle scheduling: bit ri of cur is set if router ri acts in the
	// current cycle, of next1 if it has work in the next one. Routers are visited in ascending order by
	// walking the bits, so no list needs sorting.
	cur, next1 []uint64
	nNext      int      // bits set in next1
	req        []uint64 // per output port: mask of requesting input ports
	// touched has bit ri set if router ri injected or granted in the last
	// Run: its per-Run state (arbiters, busy links, link counters) must be
	// reset.
	touched []uint64

	stats          Stats
	running        bool
	fastLocal      bool   // evalLocal applies: SerializationCycles 1, no inject or router delay
	localCycles    uint64 // router cycles evalLocal performed (tests)
	stepEveryCycle bool   // test hook: visit every router every cycle from 0
	// visitDescending is a test hook for stepEveryCycle: visit routers in
	// descending order, which must change only the callback order of
	// deliveries within a cycle.
	visitDescending bool
}

// injQueue is the injection queue of one endpoint: a list of packets
// linked through Mesh.next, in order of Inject.
type injQueue struct {
	head, tail int32  // first and last packet, -1 when empty
	due        uint64 // Inject cycle of the head packet
	free       uint64 // first cycle the injection link is free
}

// inBuf is one input buffer.
type inBuf struct {
	head, count int32 // ring position and length in Mesh.slots
	// reserved counts the flits in the buffer, in flight to it, and those
	// whose credits have not come back yet. An upstream sender may send a
	// packet only while reserved + PacketFlits <= depth.
	reserved int32
	// remain is the output ports the head packet still has to be sent
	// through (0: not routed yet).
	remain uint64
	free   uint64 // first cycle the next head may compete
	// creditAt is the cycle at which the credits of the packet that last
	// left become usable upstream (0: none pending). A buffer sends at
	// most one packet per SerializationCycles, so at most one return is
	// pending; it is applied when the buffer's room is next checked
	// (room), when the buffer next sends, or at the end of the Run.
	// Nothing waits for a credit without keeping its router active, so
	// the clock can skip over pending returns.
	creditAt uint64
}

// slot is one entry of an input buffer: a packet and the cycle it landed.
type slot struct {
	at uint64
	pi int32
}

// outPort is one output port of a router.
type outPort struct {
	free  uint64 // first cycle it may be granted again
	flits uint64 // flits sent in the last Run
	rr    uint32 // round-robin pointer: the input port that wins ties next
}

// arrival is a packet in flight to input buffer bi of router ri.
type arrival struct {
	pi, bi, ri int32
}

// New builds an empty mesh with no multicast groups. It returns the
// errors of c.Validate.
func New(c Config) (*Mesh, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	nr := c.Width * c.Height
	np := NumMeshPorts + c.LocalPorts
	nb := nr * np
	ser := c.SerializationCycles()
	m := &Mesh{
		cfg:        c,
		w:          int32(c.Width),
		nr:         int32(nr),
		nl:         int32(c.LocalPorts),
		np:         int32(np),
		depth:      int32(c.BufferDepth),
		hopX:       uint64(c.HopCyclesX),
		hopY:       uint64(c.HopCyclesY),
		injC:       uint64(c.InjectCycles),
		ejC:        uint64(c.EjectCycles),
		rc:         uint64(c.RouterCycles),
		flits:      int32(c.Flits()),
		ser:        uint64(ser),
		xs:         make([]int32, nr),
		ys:         make([]int32, nr),
		queues:     make([]injQueue, nr*c.LocalPorts),
		qmask:      make([]uint64, nr),
		dueMask:    make([]uint64, nr),
		rdue:       make([]uint64, nr),
		ins:        make([]inBuf, nb),
		slots:      make([]slot, nb*c.BufferDepth),
		occ:        make([]uint64, nr),
		outs:       make([]outPort, nb),
		wheel:      make([][]arrival, max(c.HopCyclesX, c.HopCyclesY, c.InjectCycles, c.OffChipCycles)+c.RouterCycles+1),
		hopOff:     uint64(c.OffChipCycles),
		cur:        make([]uint64, (nr+63)/64),
		next1:      make([]uint64, (nr+63)/64),
		touched:    make([]uint64, (nr+63)/64),
		req:        make([]uint64, np),
		tableCount: make([]int32, nr),
	}
	for ri := range nr {
		m.xs[ri] = int32(ri % c.Width)
		m.ys[ri] = int32(ri / c.Width)
	}
	for i := range m.queues {
		m.queues[i].head, m.queues[i].tail = -1, -1
	}
	m.fastLocal = ser == 1 && c.InjectCycles == 0 && c.RouterCycles == 0
	for ri := range m.rdue {
		m.rdue[ri] = math.MaxUint64
	}
	if c.ChipWidth > 0 {
		m.offchip = make([]bool, nr*NumMeshPorts)
		for ri := range nr {
			x, y := ri%c.Width, ri/c.Width
			m.offchip[ri*NumMeshPorts+int(East)] = (x+1)%c.ChipWidth == 0
			m.offchip[ri*NumMeshPorts+int(West)] = x%c.ChipWidth == 0
			m.offchip[ri*NumMeshPorts+int(North)] = (y+1)%c.ChipHeight == 0
			m.offchip[ri*NumMeshPorts+int(South)] = y%c.ChipHeight == 0
		}
	}
	return m, nil
}

// OffChipHops returns how many chip-to-chip links the dimension-order path
// from router a to router b crosses (0 on a single chip).
func (m *Mesh) OffChipHops(a, b int32) int {
	c := &m.cfg
	if c.ChipWidth == 0 {
		return 0
	}
	ax, ay := m.Coord(a)
	bx, by := m.Coord(b)
	return abs(bx/c.ChipWidth-ax/c.ChipWidth) + abs(by/c.ChipHeight-ay/c.ChipHeight)
}

// Config returns the configuration the mesh was built with.
func (m *Mesh) Config() Config { return m.cfg }

// NumRouters returns Width*Height.
func (m *Mesh) NumRouters() int { return int(m.nr) }

// Pending returns the number of packets injected since the last Run.
func (m *Mesh) Pending() int { return len(m.pk) }

// Coord returns the mesh coordinates of router ri (0 <= ri < NumRouters).
func (m *Mesh) Coord(ri int32) (x, y int) {
	return int(ri % m.w), int(ri / m.w)
}

// Router returns the index of the router at (x, y), for 0 <= x < Width and
// 0 <= y < Height.
func (m *Mesh) Router(x, y int) int32 { return int32(y)*m.w + int32(x) }

// Hops returns the number of east-west and north-south link traversals on
// the dimension-order path from router a to router b. Both algorithms give
// the same counts; they differ in which links are used.
func (m *Mesh) Hops(a, b int32) (x, y int) {
	ax, ay := m.Coord(a)
	bx, by := m.Coord(b)
	return abs(bx - ax), abs(by - ay)
}

// ZeroLoadLatency returns the cycles from Inject to Arrive of a packet from
// src to dst that never waits (see doc.go):
//
//	InjectCycles + (|dx|+|dy|+1)*RouterCycles + |dx|*HopCyclesX +
//	|dy|*HopCyclesY + (SerializationCycles-1) + EjectCycles.
//
// It holds for every destination of a multicast packet too, since the
// tree reaches each destination along its dimension-order path.
func (m *Mesh) ZeroLoadLatency(src, dst Endpoint) uint64 {
	hx, hy := m.Hops(src.Router, dst.Router)
	lat := m.injC + uint64(hx+hy+1)*m.rc + uint64(hx)*m.hopX + uint64(hy)*m.hopY + (m.ser - 1) + m.ejC
	if m.offchip == nil {
		return lat
	}
	// Off-chip hops take OffChipCycles instead of their on-chip hop time.
	c := &m.cfg
	ax, ay := m.Coord(src.Router)
	bx, by := m.Coord(dst.Router)
	ox, oy := abs(bx/c.ChipWidth-ax/c.ChipWidth), abs(by/c.ChipHeight-ay/c.ChipHeight)
	return lat + uint64(ox+oy)*m.hopOff - uint64(ox)*m.hopX - uint64(oy)*m.hopY
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func (m *Mesh) checkEndpoint(field string, e Endpoint) error {
	if e.Router < 0 || e.Router >= m.nr {
		return fmt.Errorf("router: %s.Router %d outside [0, %d) of the %dx%d mesh", field, e.Router, m.nr, m.cfg.Width, m.cfg.Height)
	}
	if e.Port < 0 || int32(e.Port) >= m.nl {
		return fmt.Errorf("router: %s.Port %d outside [0, %d) local ports", field, e.Port, m.nl)
	}
	return nil
}

// Inject queues p for the next Run. Packets may be injected in any order of
// their Inject cycles; packets of one source endpoint with equal Inject
// cycles leave it in the order they were injected. It returns an error,
// and queues nothing, if an endpoint is outside the mesh, p.Group is not a
// group of this mesh or p.Src is not its source, Inject exceeds
// MaxInject, or it is called from a Run's deliver callback.
func (m *Mesh) Inject(p Packet) error {
	if m.running {
		return fmt.Errorf("router: Inject called during Run")
	}
	if err := m.check(p); err != nil {
		return err
	}
	if len(m.pk) == math.MaxInt32 {
		return fmt.Errorf("router: more than %d packets in one Run", math.MaxInt32)
	}
	m.pk = append(m.pk, p)
	return nil
}

// check returns why p cannot be injected, or nil.
func (m *Mesh) check(p Packet) error {
	if err := m.checkEndpoint("Src", p.Src); err != nil {
		return err
	}
	if p.Group != 0 {
		if p.Group < 0 || int(p.Group) > len(m.groups) {
			return fmt.Errorf("router: Group %d is not a multicast group of this mesh (%d groups)", p.Group, len(m.groups))
		}
		if g := &m.groups[p.Group-1]; g.src != p.Src {
			return fmt.Errorf("router: Src %+v of a group %d packet must be the group's source %+v", p.Src, p.Group, g.src)
		}
	} else if err := m.checkEndpoint("Dst", p.Dst); err != nil {
		return err
	}
	if p.Inject > MaxInject {
		return fmt.Errorf("router: Inject cycle %d exceeds MaxInject (%d)", p.Inject, uint64(MaxInject))
	}
	return nil
}

// InjectAll queues every packet of ps, in order, as Inject would. It
// checks them all first: on an error (naming the packet) it queues none.
func (m *Mesh) InjectAll(ps []Packet) error {
	if m.running {
		return fmt.Errorf("router: InjectAll called during Run")
	}
	if len(ps) > math.MaxInt32-len(m.pk) {
		return fmt.Errorf("router: more than %d packets in one Run", math.MaxInt32)
	}
	for i := range ps {
		p := &ps[i]
		// The common case, a unicast packet between valid endpoints, in
		// one branch; anything else goes through Inject's checks.
		if p.Group == 0 && uint32(p.Src.Router) < uint32(m.nr) && uint32(p.Dst.Router) < uint32(m.nr) &&
			uint16(p.Src.Port) < uint16(m.nl) && uint16(p.Dst.Port) < uint16(m.nl) && p.Inject <= MaxInject {
			continue
		}
		if err := m.check(*p); err != nil {
			return fmt.Errorf("%w (packet %d of %d)", err, i, len(ps))
		}
	}
	m.pk = append(m.pk, ps...)
	return nil
}

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

// activeNext marks router ri active in cycle c+1 if it holds a packet or
// an injection queue of it is due by then.
func (m *Mesh) activeNext(ri int32, c uint64) {
	if m.occ[ri] != 0 || m.dueMask[ri] != 0 || m.rdue[ri] <= c+1 {
		m.next1[ri>>6] |= 1 << uint(ri&63)
		m.nNext++
	}
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

// LatencyHistogram returns the distribution of Arrive - Inject over the
// deliveries of the last Run. It is owned by the mesh and overwritten by
// the next Run; Merge it into a Histogram of your own to keep it.
func (m *Mesh) LatencyHistogram() *Histogram { return &m.lat }

// LinkFlits returns the flits router ri sent through output port out
// during the last Run: for a mesh port, over the link to the neighbour;
// for a local port, over the ejection link to that endpoint. ri and out
// must be in range.
func (m *Mesh) LinkFlits(ri int32, out Port) uint64 {
	return m.outs[ri*m.np+int32(out)].flits
}

// LinkUtilization returns LinkFlits(ri, out) / (LinkWidth * cycles): the
// fraction of the link's flit slots used over a window of cycles (for
// example Stats.LastArrival+1). It is 0 when cycles is 0.
func (m *Mesh) LinkUtilization(ri int32, out Port, cycles uint64) float64 {
	if cycles == 0 {
		return 0
	}
	return float64(m.LinkFlits(ri, out)) / (float64(m.cfg.linkWidth()) * float64(cycles))
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

// neighbor returns the router adjacent to ri through mesh port p. Routing
// never sends a packet off the mesh, so the neighbour exists.
func (m *Mesh) neighbor(ri int32, p Port) int32 {
	switch p {
	case North:
		return ri + m.w
	case East:
		return ri + 1
	case South:
		return ri - m.w
	default:
		return ri - 1
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
