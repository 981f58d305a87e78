package router

import (
	"math"
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
