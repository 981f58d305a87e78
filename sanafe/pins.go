package sanafe

import (
	"fmt"
	"maps"
	"slices"

	"github.com/spikemesh/spikemesh/chip"
)

// Placement is the core slot (chip.Config.SlotEndpoint) of every neuron
// of every group, as a network file's mappings give it, or nil.
type Placement [][]int32

// Pins turns n's mappings into the placement Lower takes, for a chip
// whose routers are SANA-FE's tiles: tile t sits at column t / MeshHeight,
// row t % MeshHeight (SANA-FE numbers tiles down the columns of its mesh)
// and core c of the tile is the router's port c. It returns nil when the
// file maps nothing (the chip then maps as usual). Every problem is one
// line naming the file, the mapping's line and what is wrong: a core the
// chip does not have, a neuron mapped twice or not at all, more neurons
// on a core than it holds.
//
// A spikemesh core holds one group. Where the file puts several groups on
// one core, the first keeps it and each other moves to a core of the same
// tile that no mapping uses (same router, so the same hops); each move is
// one line of the returned notes. With no free core in the tile it is an
// error.
func Pins(file string, n *Network, cfg chip.Config) (Placement, []string, error) {
	if len(n.Mappings) == 0 {
		return nil, nil, nil
	}
	var errs []error
	add := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("sanafe: %s: %s", loc(file, line), fmt.Sprintf(format, args...)))
	}
	index := map[string]int{}
	place := make(Placement, len(n.Groups)) // per neuron: slot, -1 = unmapped
	for gi, g := range n.Groups {
		index[g.Name] = gi
		place[gi] = make([]int32, g.Size)
		for i := range place[gi] {
			place[gi][i] = -1
		}
	}
	tiles := cfg.MeshWidth * cfg.MeshHeight
	count := map[int]int{}
	var notes []string
	inputMapped := map[int]bool{}
	groupsOn := map[int][]int{} // slot -> groups mapped there, in file order
	for _, m := range n.Mappings {
		where := fmt.Sprintf("mapping %s.%d..%d", quote(m.Group), m.Lo, m.Hi-1)
		if m.Tile >= tiles || m.Core >= cfg.CoresPerRouter {
			add(m.Line, "%s: core: %d.%d does not exist; chip %s has tiles 0..%d with cores 0..%d", where, m.Tile, m.Core, cfg.Name, tiles-1, cfg.CoresPerRouter-1)
			continue
		}
		x, y := m.Tile/cfg.MeshHeight, m.Tile%cfg.MeshHeight
		slot := (y*cfg.MeshWidth+x)*cfg.CoresPerRouter + m.Core
		gi := index[m.Group]
		if n.IsInput(gi) {
			// Input neurons are host input: they occupy no core.
			if !inputMapped[gi] {
				inputMapped[gi] = true
				notes = append(notes, fmt.Sprintf("group %s: input neurons enter from the host port at router (%d, %d), not from the cores the file maps them to",
					quote(m.Group), cfg.HostRouterX, cfg.HostRouterY))
			}
			continue
		}
		if !slices.Contains(groupsOn[slot], gi) {
			groupsOn[slot] = append(groupsOn[slot], gi)
		}
		for i := m.Lo; i < m.Hi; i++ {
			if place[gi][i] >= 0 {
				add(m.Line, "%s: neuron %d is mapped twice", where, i)
				break
			}
			place[gi][i] = int32(slot)
		}
		count[slot] += m.Hi - m.Lo
		if count[slot] > cfg.NeuronsPerCore && count[slot]-(m.Hi-m.Lo) <= cfg.NeuronsPerCore {
			add(m.Line, "%s: core %d.%d now holds %d neurons, more than the %d of chip %s (neurons_per_core)", where, m.Tile, m.Core, count[slot], cfg.NeuronsPerCore, cfg.Name)
		}
	}
	for gi, g := range n.Groups {
		if n.IsInput(gi) {
			place[gi] = nil
			continue
		}
		for i, s := range place[gi] {
			if s < 0 {
				add(g.Line, "group %s: neuron %d is not mapped; map every neuron or none", quote(g.Name), i)
				break
			}
		}
	}
	if len(errs) > 0 {
		return nil, nil, joinErrors(errs)
	}
	// Groups sharing a core: all but the first move to a free core of the
	// same tile.
	for _, slot := range slices.Sorted(maps.Keys(groupsOn)) {
		gs := groupsOn[slot]
		for _, gi := range gs[1:] {
			free := -1
			base := slot / cfg.CoresPerRouter * cfg.CoresPerRouter
			for c := base; c < base+cfg.CoresPerRouter; c++ {
				if _, used := groupsOn[c]; !used {
					free = c
					break
				}
			}
			tile, core := tileOf(slot, cfg)
			if free < 0 {
				errs = append(errs, fmt.Errorf("sanafe: %s: group %s: core %d.%d also holds group %s and tile %d has no free core for it; a spikemesh core holds one group",
					loc(file, n.Groups[gi].Line), quote(n.Groups[gi].Name), tile, core, quote(n.Groups[gs[0]].Name), tile))
				continue
			}
			groupsOn[free] = []int{gi}
			for i, s := range place[gi] {
				if int(s) == slot {
					place[gi][i] = int32(free)
				}
			}
			_, fc := tileOf(free, cfg)
			notes = append(notes, fmt.Sprintf("group %s: its neurons mapped to core %d.%d (with group %s) run on core %d.%d of the same tile; a spikemesh core holds one group",
				quote(n.Groups[gi].Name), tile, core, quote(n.Groups[gs[0]].Name), tile, fc))
		}
	}
	if len(errs) > 0 {
		return nil, nil, joinErrors(errs)
	}
	return place, notes, nil
}

// tileOf returns SANA-FE's tile.core of core slot s (the inverse of the
// numbering in Pins).
func tileOf(s int, cfg chip.Config) (tile, core int) {
	r := s / cfg.CoresPerRouter
	x, y := r%cfg.MeshWidth, r/cfg.MeshWidth
	return x*cfg.MeshHeight + y, s % cfg.CoresPerRouter
}

// order returns the chip order of a group's neurons under placement
// slots: neurons grouped by core, cores in order of their first neuron,
// ids increasing within a core (perm[j] = SANA-FE id of chip neuron j),
// its inverse, the chip pins, and whether the order is the identity.
func order(slots []int32) (perm, inv []int32, pins []chip.Pin, identity bool) {
	n := len(slots)
	rank := map[int32]int{}
	var coreOrder []int32
	counts := []int{}
	for _, s := range slots {
		r, ok := rank[s]
		if !ok {
			r = len(coreOrder)
			rank[s] = r
			coreOrder = append(coreOrder, s)
			counts = append(counts, 0)
		}
		counts[r]++
	}
	start := make([]int, len(coreOrder))
	for r := 1; r < len(coreOrder); r++ {
		start[r] = start[r-1] + counts[r-1]
	}
	for r, s := range coreOrder {
		pins = append(pins, chip.Pin{Lo: start[r], Hi: start[r] + counts[r], Core: int(s)})
	}
	perm, inv = make([]int32, n), make([]int32, n)
	next := slices.Clone(start)
	identity = true
	for id, s := range slots {
		r := rank[s]
		j := next[r]
		next[r]++
		perm[j], inv[id] = int32(id), int32(j)
		identity = identity && j == id
	}
	return perm, inv, pins, identity
}
