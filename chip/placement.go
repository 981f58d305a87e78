package chip

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Placement is the strategy that assigns core groups to physical cores.
type Placement uint8

const (
	// RowMajor places groups in layer order on consecutive cores, router by
	// router in row-major order.
	RowMajor Placement = iota
	// Greedy grows the placement from the host's port: it repeatedly takes
	// the unplaced group with the most traffic to what is placed and puts
	// it on the free core that adds the fewest packet-hops. If the result is
	// no better than row-major, row-major is kept.
	Greedy
	// Anneal starts from Greedy (or row-major, if better) and improves it
	// by seeded simulated annealing over swaps and moves, minimizing total
	// packet-hops.
	Anneal
)

var placementNames = [...]string{RowMajor: "row-major", Greedy: "greedy", Anneal: "anneal"}

func (p Placement) String() string {
	if int(p) < len(placementNames) {
		return placementNames[p]
	}
	return fmt.Sprintf("Placement(%d)", p)
}

// MarshalText implements encoding.TextMarshaler.
func (p Placement) MarshalText() ([]byte, error) {
	if int(p) >= len(placementNames) {
		return nil, fmt.Errorf("chip: invalid placement %d", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText accepts row-major, greedy or anneal.
func (p *Placement) UnmarshalText(b []byte) error {
	for i, n := range placementNames {
		if strings.EqualFold(string(b), n) {
			*p = Placement(i)
			return nil
		}
	}
	return fmt.Errorf("chip: unknown placement %q (valid: %s)", b, strings.Join(placementNames[:], ", "))
}

// Flow is the mean number of packets per inference from one placed unit to
// another. Src is a core index in Mapping.Cores, or -1 for the host.
type Flow struct {
	Src, Dst int
	Packets  float64
}

// PacketHops is Σ packets x router hops over the flows for the mapping's
// current placement: the quantity placement minimizes.
func (m *Mapping) PacketHops(flows []Flow) float64 {
	var total float64
	for _, f := range flows {
		total += f.Packets * float64(m.hops(m.routerOf(f.Src), int(m.Cores[f.Dst].Endpoint.Router)))
	}
	return total
}

func (m *Mapping) routerOf(ci int) int {
	if ci < 0 {
		return int(m.Host.Router)
	}
	return int(m.Cores[ci].Endpoint.Router)
}

func (m *Mapping) hops(a, b int) int {
	w := m.Config.BoardWidth()
	dx, dy := a%w-b%w, a/w-b/w
	return max(dx, -dx) + max(dy, -dy)
}

// Place returns a copy of m with its core groups re-placed by strategy p,
// given the traffic between them (typically profiled by simulating
// calibration samples, see Simulator.Traffic). Which neurons each group
// holds does not change, only where it sits. Anneal uses seed.
func Place(m *Mapping, flows []Flow, p Placement, seed uint64) (*Mapping, error) {
	for _, f := range flows {
		if f.Src < -1 || f.Src >= len(m.Cores) || f.Dst < 0 || f.Dst >= len(m.Cores) {
			return nil, fmt.Errorf("chip: place: flow %d -> %d outside the %d cores", f.Src, f.Dst, len(m.Cores))
		}
	}
	out := *m
	out.Cores = append([]CoreMap(nil), m.Cores...)
	slots := m.Config.Cores()
	pos := make([]int, len(m.Cores)) // physical core of each group
	for ci, c := range m.Cores {
		pos[ci] = c.Core
	}
	switch p {
	case RowMajor:
		for ci := range pos {
			pos[ci] = ci
		}
	case Greedy, Anneal:
		pos = greedyPlace(&out, flows, slots)
		// Keep the row-major placement when greedy does no better.
		rowMajor := make([]int, len(pos))
		for ci := range rowMajor {
			rowMajor[ci] = ci
		}
		if out.flowCost(flows, rowMajor) <= out.flowCost(flows, pos) {
			pos = rowMajor
		}
		if p == Anneal {
			pos = annealPlace(&out, flows, slots, pos, seed)
		}
	default:
		return nil, fmt.Errorf("chip: unknown placement %d", p)
	}
	out.setPositions(pos)
	return &out, nil
}

// setPositions moves each group to its physical core and recounts routers.
func (m *Mapping) setPositions(pos []int) {
	used := map[int32]bool{}
	for ci := range m.Cores {
		c := &m.Cores[ci]
		c.Core = pos[ci]
		c.Endpoint, c.X, c.Y = m.Config.SlotEndpoint(pos[ci])
		used[c.Endpoint.Router] = true
	}
	m.Routers = len(used)
}

// adjacency lists, per group, its flows in both directions (host flows
// only from the host side).
type adjacency [][]struct {
	other   int // group index, or -1 for the host
	packets float64
}

func buildAdjacency(n int, flows []Flow) adjacency {
	adj := make(adjacency, n)
	for _, f := range flows {
		if f.Packets == 0 || f.Src == f.Dst {
			continue
		}
		adj[f.Dst] = append(adj[f.Dst], struct {
			other   int
			packets float64
		}{f.Src, f.Packets})
		if f.Src >= 0 {
			adj[f.Src] = append(adj[f.Src], struct {
				other   int
				packets float64
			}{f.Dst, f.Packets})
		}
	}
	return adj
}

// cost of group ci at physical core slot, against placed neighbours.
func (m *Mapping) slotCost(adj adjacency, ci, slot int, pos []int, placed []bool) float64 {
	r := m.slotRouter(slot)
	var c float64
	for _, e := range adj[ci] {
		switch {
		case e.other < 0:
			c += e.packets * float64(m.hops(r, int(m.Host.Router)))
		case placed == nil || placed[e.other]:
			c += e.packets * float64(m.hops(r, m.slotRouter(pos[e.other])))
		}
	}
	return c
}

func greedyPlace(m *Mapping, flows []Flow, slots int) []int {
	n := len(m.Cores)
	adj := buildAdjacency(n, flows)
	// Cluster growth: start from the host's port, then repeatedly take the
	// unplaced group with the most traffic to what is placed (the host
	// included; ties: more total traffic, then lower index) and put it on
	// the free core that adds the fewest packet-hops (ties: lowest core).
	toPlaced := make([]float64, n) // traffic to placed groups and the host
	total := make([]float64, n)
	for ci := range adj {
		for _, e := range adj[ci] {
			total[ci] += e.packets
			if e.other < 0 {
				toPlaced[ci] += e.packets
			}
		}
	}
	pos := make([]int, n)
	placed := make([]bool, n)
	free := make([]bool, slots)
	for i := range free {
		free[i] = true
	}
	for range n {
		ci := -1
		for c := 0; c < n; c++ {
			if placed[c] {
				continue
			}
			if ci < 0 || toPlaced[c] > toPlaced[ci] || (toPlaced[c] == toPlaced[ci] && total[c] > total[ci]) {
				ci = c
			}
		}
		best, bestCost := -1, math.Inf(1)
		for s := 0; s < slots; s++ {
			if !free[s] {
				continue
			}
			if c := m.slotCost(adj, ci, s, pos, placed); c < bestCost {
				best, bestCost = s, c
			}
		}
		pos[ci], placed[ci], free[best] = best, true, false
		for _, e := range adj[ci] {
			if e.other >= 0 {
				toPlaced[e.other] += e.packets
			}
		}
	}
	return pos
}

// annealPlace improves pos by simulated annealing: propose moving a group
// to a random slot (swapping with its occupant, if any), accept by the
// Metropolis rule at a geometrically cooling temperature.
func annealPlace(m *Mapping, flows []Flow, slots int, pos []int, seed uint64) []int {
	n := len(m.Cores)
	if n < 2 && slots < 2 {
		return pos
	}
	adj := buildAdjacency(n, flows)
	pos = append([]int(nil), pos...)
	occ := make([]int, slots)
	for i := range occ {
		occ[i] = -1
	}
	for ci, s := range pos {
		occ[s] = ci
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	total := 0.0
	for _, f := range flows {
		total += f.Packets
	}
	if total == 0 {
		return pos
	}
	iters := 2000 + 200*n
	t0 := total / float64(n) // a typical group's traffic
	best := append([]int(nil), pos...)
	cur := m.flowCost(flows, pos)
	bestCost := cur
	for it := 0; it < iters; it++ {
		temp := t0 * math.Pow(1e-4, float64(it)/float64(iters))
		ci := rng.IntN(n)
		s := rng.IntN(slots)
		from := pos[ci]
		if s == from {
			continue
		}
		other := occ[s]
		before := m.slotCost(adj, ci, from, pos, nil)
		if other >= 0 {
			before += m.slotCost(adj, other, s, pos, nil)
		}
		// apply
		pos[ci], occ[s], occ[from] = s, ci, other
		if other >= 0 {
			pos[other] = from
		}
		after := m.slotCost(adj, ci, s, pos, nil)
		if other >= 0 {
			after += m.slotCost(adj, other, from, pos, nil)
		}
		// Each flow touching ci or other is counted once in before/after,
		// except a ci-other flow, counted twice; a swap keeps its length,
		// so delta is exactly the change in total packet-hops.
		delta := after - before
		if delta <= 0 || rng.Float64() < math.Exp(-delta/temp) {
			cur += delta
			if cur < bestCost-1e-9 {
				bestCost = cur
				copy(best, pos)
			}
			continue
		}
		// undo
		pos[ci], occ[from], occ[s] = from, ci, other
		if other >= 0 {
			pos[other] = s
		}
	}
	return best
}

// flowCost is Σ packets x hops over the flows with groups at pos.
func (m *Mapping) flowCost(flows []Flow, pos []int) float64 {
	var c float64
	for _, f := range flows {
		src := int(m.Host.Router)
		if f.Src >= 0 {
			src = m.slotRouter(pos[f.Src])
		}
		c += f.Packets * float64(m.hops(src, m.slotRouter(pos[f.Dst])))
	}
	return c
}

func (m *Mapping) slotRouter(slot int) int {
	ep, _, _ := m.Config.SlotEndpoint(slot)
	return int(ep.Router)
}
