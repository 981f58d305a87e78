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

// Packet is one single-flit spike packet.
type Packet struct {
	Src, Dst Endpoint
	Inject   uint64 // cycle at which the packet enters Src's injection queue
	Tag      uint32 // opaque payload (the chip engine stores the destination axon)
}

// Delivery is a packet that reached its destination endpoint.
type Delivery struct {
	Packet Packet
	Arrive uint64 // cycle at which the packet is at the destination endpoint
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
	injC  uint64
	ejC   uint64
	xs    []int32 // x of router ri
	ys    []int32 // y of router ri

	// Packets of the pending Run, indexed by pi (Inject call order).
	pk   []Packet
	at   []uint64 // cycle pi entered the buffer it is in now
	next []int32  // next packet in the same injection queue, -1 at the end

	order []int32 // pi sorted by (Inject, pi): the injection wake-up order

	// Injection queues, indexed by ei = ri*nl + port; -1 when empty.
	qhead, qtail []int32
	qmask        []uint64 // per router: bit l set if queue l is non-empty

	// Input buffers, indexed by bi = ri*np + port. Buffer bi's ring lives
	// in buf[bi*depth : (bi+1)*depth].
	buf    []int32
	bhead  []int32
	bcount []int32
	// reserved counts, per input buffer, the packets in it, in flight to
	// it, and those that left it this cycle (credits not yet returned).
	// An upstream sender may send only while reserved < depth.
	reserved []int32
	occ      []uint64 // per router: bit p set if input buffer p is non-empty

	rr []uint8 // round-robin pointer per output port, index ri*np + out

	// Timing wheel of in-flight packets, slot = arrival cycle mod len(wheel).
	wheel   [][]arrival
	inWheel int

	// Per-cycle scheduling scratch, reused across cycles and Runs.
	epoch      uint64
	stamp      []uint64 // stamp[ri] == epoch: ri is in active this cycle
	active     []int32
	nextActive []int32
	freed      []int32  // buffers popped this cycle; credits return at commit
	req        []uint64 // per output port: mask of requesting input ports
	touched    []int32  // routers whose arbiters moved this Run
	isTouched  []bool

	stats          Stats
	running        bool
	stepEveryCycle bool // test hook: visit every router every cycle from 0
	// visitDescending is a test hook for stepEveryCycle: visit routers in
	// descending order, which must change only the callback order of
	// deliveries within a cycle.
	visitDescending bool
}

// arrival is a packet in flight to input buffer bi of router ri.
type arrival struct {
	pi, bi, ri int32
}

// New builds an empty mesh. It returns the errors of c.Validate.
func New(c Config) (*Mesh, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	nr := c.Width * c.Height
	np := NumMeshPorts + c.LocalPorts
	nb := nr * np
	m := &Mesh{
		cfg:       c,
		w:         int32(c.Width),
		nr:        int32(nr),
		nl:        int32(c.LocalPorts),
		np:        int32(np),
		depth:     int32(c.BufferDepth),
		hopX:      uint64(c.HopCyclesX),
		hopY:      uint64(c.HopCyclesY),
		injC:      uint64(c.InjectCycles),
		ejC:       uint64(c.EjectCycles),
		xs:        make([]int32, nr),
		ys:        make([]int32, nr),
		qhead:     make([]int32, nr*c.LocalPorts),
		qtail:     make([]int32, nr*c.LocalPorts),
		qmask:     make([]uint64, nr),
		buf:       make([]int32, nb*c.BufferDepth),
		bhead:     make([]int32, nb),
		bcount:    make([]int32, nb),
		reserved:  make([]int32, nb),
		occ:       make([]uint64, nr),
		rr:        make([]uint8, nb),
		wheel:     make([][]arrival, max(c.HopCyclesX, c.HopCyclesY, c.InjectCycles)+1),
		stamp:     make([]uint64, nr),
		req:       make([]uint64, np),
		isTouched: make([]bool, nr),
	}
	for ri := range nr {
		m.xs[ri] = int32(ri % c.Width)
		m.ys[ri] = int32(ri / c.Width)
	}
	for i := range m.qhead {
		m.qhead[i], m.qtail[i] = -1, -1
	}
	return m, nil
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
// src to dst that never waits: InjectCycles + |dx|*HopCyclesX +
// |dy|*HopCyclesY + EjectCycles.
func (m *Mesh) ZeroLoadLatency(src, dst Endpoint) uint64 {
	hx, hy := m.Hops(src.Router, dst.Router)
	return m.injC + uint64(hx)*m.hopX + uint64(hy)*m.hopY + m.ejC
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
// and queues nothing, if an endpoint is outside the mesh, Inject exceeds
// MaxInject, or it is called from a Run's deliver callback.
func (m *Mesh) Inject(p Packet) error {
	if m.running {
		return fmt.Errorf("router: Inject called during Run")
	}
	if err := m.checkEndpoint("Src", p.Src); err != nil {
		return err
	}
	if err := m.checkEndpoint("Dst", p.Dst); err != nil {
		return err
	}
	if p.Inject > MaxInject {
		return fmt.Errorf("router: Inject cycle %d exceeds MaxInject (%d)", p.Inject, uint64(MaxInject))
	}
	if len(m.pk) == math.MaxInt32 {
		return fmt.Errorf("router: more than %d packets in one Run", math.MaxInt32)
	}
	m.pk = append(m.pk, p)
	return nil
}

// Run simulates from cycle 0 until every injected packet is delivered. It
// calls deliver (if not nil) once per packet, in order of Arrive, then
// destination router, then destination port; that order is total because
// an ejection link carries one packet per cycle. deliver must not call
// Inject or Run. Afterwards the mesh is empty, its clock is back at 0 and
// its round-robin pointers are reset, so every Run depends only on the
// packets injected for it. Run returns the statistics of this Run.
func (m *Mesh) Run(deliver func(Delivery)) Stats {
	n := len(m.pk)
	m.stats = Stats{}
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
	delivered := 0 // packets delivered so far
	for {
		// Phase 1: collect the routers that may act at cycle c, and land
		// the packets arriving in input buffers at c.
		m.epoch++
		act := m.active[:0]
		for _, ri := range m.nextActive {
			act = m.mark(act, ri)
		}
		m.nextActive = m.nextActive[:0]
		for ; wi < n && m.pk[m.order[wi]].Inject <= c; wi++ {
			act = m.mark(act, m.pk[m.order[wi]].Src.Router)
		}
		slot := &m.wheel[c%size]
		for _, a := range *slot {
			m.push(a.bi, a.ri, a.pi, c)
			act = m.mark(act, a.ri)
		}
		m.inWheel -= len(*slot)
		*slot = (*slot)[:0]
		if m.stepEveryCycle {
			act = act[:0]
			for ri := range m.nr {
				if m.visitDescending {
					ri = m.nr - 1 - ri
				}
				act = append(act, ri)
			}
		} else {
			slices.Sort(act)
		}

		// Phase 2: each router injects and arbitrates. A router writes
		// only its own buffers and arbiters, the reserved count of the
		// downstream buffers it alone feeds, and the wheel at later cycles,
		// so visiting order does not change the result; ascending order
		// makes the delivery order (router, port) within a cycle.
		for _, ri := range act {
			delivered += m.evaluate(ri, c, deliver)
		}
		m.active = act

		// Phase 3: credits of buffers popped at c become visible at c+1.
		for _, bi := range m.freed {
			m.reserved[bi]--
		}
		m.freed = m.freed[:0]

		if delivered == n {
			break
		}
		if len(m.nextActive) > 0 || m.stepEveryCycle {
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
			panic(fmt.Sprintf("router: internal error: %d of %d packets delivered and nothing left to do at cycle %d", delivered, n, c))
		}
		c = nc
	}
	m.finish()
	return m.stats
}

// prepare sorts the pending packets into their injection queues.
func (m *Mesh) prepare() {
	n := len(m.pk)
	m.at = slices.Grow(m.at[:0], n)[:n]
	m.next = slices.Grow(m.next[:0], n)[:n]
	m.order = slices.Grow(m.order[:0], n)[:n]
	sorted := true
	for pi := range m.order {
		m.order[pi] = int32(pi)
		if pi > 0 && m.pk[pi].Inject < m.pk[pi-1].Inject {
			sorted = false
		}
	}
	if !sorted {
		slices.SortFunc(m.order, m.byInject)
	}
	for _, pi := range m.order {
		p := &m.pk[pi]
		ei := p.Src.Router*m.nl + int32(p.Src.Port)
		m.next[pi] = -1
		if t := m.qtail[ei]; t >= 0 {
			m.next[t] = pi
		} else {
			m.qhead[ei] = pi
			m.qmask[p.Src.Router] |= 1 << uint(p.Src.Port)
		}
		m.qtail[ei] = pi
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
	if m.inWheel != 0 || len(m.nextActive) != 0 {
		panic(fmt.Sprintf("router: internal error: %d packets in flight and %d routers busy after the last delivery", m.inWheel, len(m.nextActive)))
	}
	for _, ri := range m.touched {
		clear(m.rr[ri*m.np : (ri+1)*m.np])
		m.isTouched[ri] = false
	}
	m.touched = m.touched[:0]
	m.pk = m.pk[:0]
	m.running = false
}

// mark appends ri to act unless it is already there this cycle.
func (m *Mesh) mark(act []int32, ri int32) []int32 {
	if m.stamp[ri] != m.epoch {
		m.stamp[ri] = m.epoch
		act = append(act, ri)
	}
	return act
}

// push appends packet pi to input buffer bi of router ri at cycle c.
func (m *Mesh) push(bi, ri, pi int32, c uint64) {
	n := m.bcount[bi]
	if n >= m.depth {
		panic(fmt.Sprintf("router: internal error: input buffer %d of router %d overflows at cycle %d (credit accounting)", bi-ri*m.np, ri, c))
	}
	slot := m.bhead[bi] + n
	if slot >= m.depth {
		slot -= m.depth
	}
	m.buf[bi*m.depth+slot] = pi
	m.bcount[bi] = n + 1
	m.at[pi] = c
	m.occ[ri] |= 1 << uint(bi-ri*m.np)
}

// schedule puts packet pi in flight to buffer bi of router ri, arriving at
// cycle t (t > the current cycle, t - current < len(wheel)).
func (m *Mesh) schedule(t uint64, pi, bi, ri int32) {
	s := &m.wheel[t%uint64(len(m.wheel))]
	*s = append(*s, arrival{pi: pi, bi: bi, ri: ri})
	m.inWheel++
}

// evaluate performs cycle c at router ri: injection from its endpoints'
// queues, then one round-robin arbitration per requested output port. It
// returns the number of packets it delivered.
func (m *Mesh) evaluate(ri int32, c uint64, deliver func(Delivery)) int {
	base := ri * m.np
	depth := m.depth

	// Injection links: the head of each queue moves if it is due and the
	// local input buffer has a credit.
	for q := m.qmask[ri]; q != 0; q &= q - 1 {
		l := int32(bits.TrailingZeros64(q))
		ei := ri*m.nl + l
		pi := m.qhead[ei]
		inj := m.pk[pi].Inject
		bi := base + NumMeshPorts + l
		if inj > c || m.reserved[bi] >= depth {
			continue
		}
		nx := m.next[pi]
		m.qhead[ei] = nx
		if nx < 0 {
			m.qtail[ei] = -1
			m.qmask[ri] &^= 1 << uint(l)
		}
		wait := c - inj
		m.stats.StallCycles += wait
		m.stats.InjectStallCycles += wait
		m.reserved[bi]++
		if m.injC == 0 {
			m.push(bi, ri, pi, c)
		} else {
			m.schedule(c+m.injC, pi, bi, ri)
		}
	}

	// Route computation: the head of every non-empty input buffer
	// requests one output port.
	var outs uint64
	x, y := int(m.xs[ri]), int(m.ys[ri])
	for o := m.occ[ri]; o != 0; o &= o - 1 {
		in := int32(bits.TrailingZeros64(o))
		bi := base + in
		dst := m.pk[m.buf[bi*depth+m.bhead[bi]]].Dst
		out := NextPort(m.cfg.Routing, x, y, int(m.xs[dst.Router]), int(m.ys[dst.Router]))
		if out == Local {
			out += Port(dst.Port)
		}
		outs |= 1 << out
		m.req[out] |= 1 << uint(in)
	}

	// Switch allocation: each requested output grants one input.
	delivered := 0
	for ; outs != 0; outs &= outs - 1 {
		out := Port(bits.TrailingZeros64(outs))
		reqs := m.req[out]
		m.req[out] = 0
		var nri, nbi int32
		if out < NumMeshPorts {
			nri = m.neighbor(ri, out)
			nbi = nri*m.np + int32(out.Opposite())
			if m.reserved[nbi] >= depth {
				continue // no credit: every requester stalls
			}
		}
		win := pickRoundRobin(reqs, uint(m.rr[base+int32(out)]))
		nextPtr := win + 1
		if nextPtr == uint(m.np) {
			nextPtr = 0
		}
		m.rr[base+int32(out)] = uint8(nextPtr)
		if !m.isTouched[ri] {
			m.isTouched[ri] = true
			m.touched = append(m.touched, ri)
		}

		bi := base + int32(win)
		pi := m.pop(bi, ri)
		m.freed = append(m.freed, bi)
		m.stats.StallCycles += c - m.at[pi]

		if out < NumMeshPorts {
			m.reserved[nbi]++
			lat := m.hopY
			if out.IsX() {
				lat = m.hopX
				m.stats.HopsX++
			} else {
				m.stats.HopsY++
			}
			m.stats.Hops++
			m.schedule(c+lat, pi, nbi, nri)
			continue
		}
		d := Delivery{Packet: m.pk[pi], Arrive: c + m.ejC}
		lat := d.Arrive - d.Packet.Inject
		s := &m.stats
		s.Packets++
		s.LatencySum += lat
		s.LatencyMax = max(s.LatencyMax, lat)
		s.LastArrival = max(s.LastArrival, d.Arrive)
		delivered++
		if deliver != nil {
			deliver(d)
		}
	}

	if m.occ[ri] != 0 || m.queueDue(ri, c+1) {
		m.nextActive = append(m.nextActive, ri)
	}
	return delivered
}

// pop removes the head of input buffer bi of router ri.
func (m *Mesh) pop(bi, ri int32) int32 {
	h := m.bhead[bi]
	pi := m.buf[bi*m.depth+h]
	h++
	if h == m.depth {
		h = 0
	}
	m.bhead[bi] = h
	m.bcount[bi]--
	if m.bcount[bi] == 0 {
		m.occ[ri] &^= 1 << uint(bi-ri*m.np)
	}
	return pi
}

// queueDue reports whether some injection queue of ri has a head due by t.
func (m *Mesh) queueDue(ri int32, t uint64) bool {
	for q := m.qmask[ri]; q != 0; q &= q - 1 {
		l := int32(bits.TrailingZeros64(q))
		if m.pk[m.qhead[ri*m.nl+l]].Inject <= t {
			return true
		}
	}
	return false
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
