package chip

import (
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/router"
)

// EnableTraffic starts counting delivered packets per (source core,
// destination core), over every following Run, for placement.
func (s *Simulator) EnableTraffic() {
	s.traffic = make([]uint64, (len(s.cores)+1)*len(s.cores))
}

// Traffic returns the counted packets divided by samples as flows between
// core groups (Src -1 is the host), in a fixed order.
func (s *Simulator) Traffic(samples int) []Flow {
	var flows []Flow
	n := len(s.cores)
	for i, c := range s.traffic {
		if c == 0 {
			continue
		}
		src := i / n
		if src == n {
			src = -1
		}
		flows = append(flows, Flow{Src: src, Dst: i % n, Packets: float64(c) / float64(samples)})
	}
	return flows
}

// countGroup charges a multicast packet's tree hops to its source.
func (s *Simulator) countGroup(src *energy.Counts, si int, g router.GroupID, dests []int32) {
	ox, oy := s.mesh.GroupOffChipHops(g)
	src.HopsX += s.grpHops[g][0] - uint64(ox)
	src.HopsY += s.grpHops[g][1] - uint64(oy)
	src.OffChipHops += uint64(ox + oy)
	if s.traffic != nil {
		for _, di := range dests {
			s.traffic[si*len(s.cores)+int(di)]++
		}
	}
}

// offChip returns the chip boundaries crossed along X and along Y between
// routers a and b of the board.
func (s *Simulator) offChip(a, b int32) (x, y int) {
	c := &s.cfg
	ax, ay := s.mesh.Coord(a)
	bx, by := s.mesh.Coord(b)
	x, y = ax/c.MeshWidth-bx/c.MeshWidth, ay/c.MeshHeight-by/c.MeshHeight
	return max(x, -x), max(y, -y)
}

// packetHops returns the mesh hops along X and Y and the chip-to-chip
// hops of a unicast packet from an endpoint to core di: dimension-order
// routes are minimal, so it makes exactly the Manhattan distance, and
// chip-to-chip links are priced as off-chip hops, not mesh hops.
func (s *Simulator) packetHops(from router.Endpoint, di int) (x, y, off uint64) {
	to := s.cores[di].ep.Router
	hx, hy := s.mesh.Hops(from.Router, to)
	if s.board {
		ox, oy := s.offChip(from.Router, to)
		return uint64(hx - ox), uint64(hy - oy), uint64(ox + oy)
	}
	return uint64(hx), uint64(hy), 0
}

// countPackets charges the hops of one unicast packet to each core of
// dests to their source c (core si) and records them for placement when
// traffic is tracked. Sources with one destination list for every neuron
// use the sums precomputed in destHops.
func (s *Simulator) countPackets(src *energy.Counts, si int, c *core, dests []int32, from router.Endpoint) {
	if c.fanStart == nil {
		src.HopsX += c.destHops[0]
		src.HopsY += c.destHops[1]
		src.OffChipHops += c.destHops[2]
	} else {
		for _, di := range dests {
			hx, hy, off := s.packetHops(from, int(di))
			src.HopsX += hx
			src.HopsY += hy
			src.OffChipHops += off
		}
	}
	if s.traffic != nil {
		for _, di := range dests {
			s.traffic[si*len(s.cores)+int(di)]++
		}
	}
}
