package router

import (
	"fmt"
	"math/bits"
	"slices"
)

// GroupID names a multicast group of one Mesh; groups are numbered from 1
// in the order AddGroup creates them. 0 in Packet.Group means unicast.
type GroupID int32

// group is one multicast group: a source, its destinations, and its
// routing-table entries entries[lo:hi], sorted by router.
type group struct {
	src    Endpoint
	dsts   []Endpoint
	lo, hi int32
	hopsX  int32 // east-west links of the tree
	hopsY  int32 // north-south links of the tree
	offX   int32 // of which off-chip (a board of chips)
	offY   int32
}

// tableEntry is the routing-table entry of one group at one router: the
// output ports (mesh and local) a packet of the group leaves through.
type tableEntry struct {
	ri   int32
	mask uint64
}

// AddGroup registers a multicast group: packets from src with Group set to
// the returned id reach every endpoint of dsts exactly once. It builds the
// tree that is the union of the dimension-order paths (Config.Routing)
// from src's router to each destination router, and installs one routing
// table entry for the group at every router of the tree, the source and
// destination routers included. Each entry lists the ports the packet
// leaves through there: the next routers of the tree, and the local ports
// of the destinations at that router. A packet is injected once and
// copied at branch routers (see doc.go, "Multicast").
//
// It returns an error, and changes nothing, if an endpoint is outside the
// mesh, dsts is empty or repeats an endpoint, it is called during Run, or
// a router would hold more than Config.TableCapacity entries (the error
// names the router and its counts).
func (m *Mesh) AddGroup(src Endpoint, dsts []Endpoint) (GroupID, error) {
	if m.running {
		return 0, fmt.Errorf("router: AddGroup called during Run")
	}
	if err := m.checkEndpoint("src", src); err != nil {
		return 0, err
	}
	if len(dsts) == 0 {
		return 0, fmt.Errorf("router: multicast group from %+v has no destinations", src)
	}
	if len(m.groups) >= 1<<31-1 {
		return 0, fmt.Errorf("router: more than %d multicast groups", 1<<31-1)
	}
	if m.scratch == nil {
		m.scratch = make([]uint64, m.nr)
	}
	mask := m.scratch
	var tree []int32 // routers with a non-zero mask, in discovery order
	add := func(ri int32, bit uint64) {
		if mask[ri] == 0 {
			tree = append(tree, ri)
		}
		mask[ri] |= bit
	}
	defer func() {
		for _, ri := range tree {
			mask[ri] = 0
		}
	}()
	for i, d := range dsts {
		if err := m.checkEndpoint(fmt.Sprintf("dsts[%d]", i), d); err != nil {
			return 0, err
		}
		// Walk the dimension-order path from the source router to d.
		ri := src.Router
		dx, dy := int(m.xs[d.Router]), int(m.ys[d.Router])
		for {
			out := NextPort(m.cfg.Routing, int(m.xs[ri]), int(m.ys[ri]), dx, dy)
			if out == Local {
				bit := uint64(1) << LocalPort(int(d.Port))
				if mask[ri]&bit != 0 {
					return 0, fmt.Errorf("router: dsts[%d] %+v repeats a destination of the group", i, d)
				}
				add(ri, bit)
				break
			}
			add(ri, 1<<out)
			ri = m.neighbor(ri, out)
		}
	}
	slices.Sort(tree)
	for _, ri := range tree {
		if lim := m.cfg.TableCapacity; lim > 0 && int(m.tableCount[ri]) >= lim {
			x, y := m.Coord(ri)
			return 0, fmt.Errorf("router: multicast group %d from %+v needs a table entry at router %d (%d,%d), which already holds %d of TableCapacity %d entries",
				len(m.groups)+1, src, ri, x, y, m.tableCount[ri], lim)
		}
	}
	g := group{src: src, dsts: slices.Clone(dsts), lo: int32(len(m.entries))}
	for _, ri := range tree {
		mk := mask[ri]
		m.entries = append(m.entries, tableEntry{ri: ri, mask: mk})
		m.tableCount[ri]++
		g.hopsX += int32(bits.OnesCount64(mk & (1<<East | 1<<West)))
		g.hopsY += int32(bits.OnesCount64(mk & (1<<North | 1<<South)))
		if m.offchip != nil {
			for p := Port(0); p < NumMeshPorts; p++ {
				if mk&(1<<p) != 0 && m.offchip[ri*NumMeshPorts+int32(p)] {
					if p.IsX() {
						g.offX++
					} else {
						g.offY++
					}
				}
			}
		}
	}
	g.hi = int32(len(m.entries))
	m.groups = append(m.groups, g)
	return GroupID(len(m.groups)), nil
}

// ClearGroups removes every multicast group and table entry. It returns an
// error during Run or while packets of a group are pending.
func (m *Mesh) ClearGroups() error {
	if m.running {
		return fmt.Errorf("router: ClearGroups called during Run")
	}
	for i := range m.pk {
		if m.pk[i].Group != 0 {
			return fmt.Errorf("router: ClearGroups with multicast packets pending (packet %d, group %d)", i, m.pk[i].Group)
		}
	}
	m.groups = m.groups[:0]
	m.entries = m.entries[:0]
	clear(m.tableCount)
	return nil
}

// NumGroups returns the number of multicast groups.
func (m *Mesh) NumGroups() int { return len(m.groups) }

// TableEntries returns the number of multicast table entries router ri
// holds (0 <= ri < NumRouters).
func (m *Mesh) TableEntries(ri int32) int { return int(m.tableCount[ri]) }

// GroupHops returns the east-west and north-south links of group g's tree:
// the link traversals of one packet of g, which Stats counts. Unicast to
// the same destinations costs the sum of Hops over them instead. It
// returns (0, 0) for an unknown group.
func (m *Mesh) GroupHops(g GroupID) (x, y int) {
	if g < 1 || int(g) > len(m.groups) {
		return 0, 0
	}
	gr := &m.groups[g-1]
	return int(gr.hopsX), int(gr.hopsY)
}

// GroupOffChipHops returns how many of group g's tree links (from
// GroupHops) are off-chip links, east-west and north-south.
func (m *Mesh) GroupOffChipHops(g GroupID) (x, y int) {
	if g < 1 || int(g) > len(m.groups) {
		return 0, 0
	}
	gr := &m.groups[g-1]
	return int(gr.offX), int(gr.offY)
}

// GroupDestinations returns a copy of group g's destinations, or nil for
// an unknown group.
func (m *Mesh) GroupDestinations(g GroupID) []Endpoint {
	if g < 1 || int(g) > len(m.groups) {
		return nil
	}
	return slices.Clone(m.groups[g-1].dsts)
}

// tableMask returns the output ports of group g at router ri. The router
// is on the tree whenever a packet of g is there.
func (m *Mesh) tableMask(g GroupID, ri int32) uint64 {
	gr := &m.groups[g-1]
	e := m.entries[gr.lo:gr.hi]
	i, ok := slices.BinarySearchFunc(e, ri, func(t tableEntry, ri int32) int { return int(t.ri - ri) })
	if !ok {
		panic(fmt.Sprintf("router: internal error: group %d packet at router %d, which has no entry for it", g, ri))
	}
	return e[i].mask
}

// Clone returns a new, empty mesh with m's configuration and multicast
// groups (same GroupIDs), for simulating other traffic at the same time
// as m on another goroutine.
func (m *Mesh) Clone() (*Mesh, error) {
	c, err := New(m.cfg)
	if err != nil {
		return nil, err
	}
	for i := range m.groups {
		g := &m.groups[i]
		if id, err := c.AddGroup(g.src, g.dsts); err != nil || id != GroupID(i+1) {
			return nil, fmt.Errorf("router: clone: group %d: %v", i+1, err)
		}
	}
	return c, nil
}
