package router

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
