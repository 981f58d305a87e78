package chip

import (
	"fmt"
	"slices"

	"github.com/spikemesh/spikemesh/router"
)

// CoreMap is one used core: which slice of which layer it holds, where it
// sits on the mesh, and how much of each per-core resource it uses.
type CoreMap struct {
	Core     int             // physical core id: router*CoresPerRouter + port
	Endpoint router.Endpoint // its router and local port
	X, Y     int             // router coordinates
	Layer    int
	Lo, Hi   int // neurons [Lo, Hi) of the layer

	Axons         int   // presynaptic sources it receives (input axons)
	SynMemBits    int64 // synaptic memory used, in bits
	FanoutEntries int   // (neuron, destination core) entries
	// DelaySlots is the number of arrival timesteps the core buffers
	// input events for: the largest delay of its incoming projections
	// plus one (see docs/mapping.md for its memory cost).
	DelaySlots int
	// Split is nil unless the core's population has its fan-in split
	// (docs/mapping.md, "Fan-in splitting").
	Split *CoreSplit
}

// CoreSplit places a core in a fan-in split: it holds the synapses of
// axons [AxonLo, AxonHi) (the population's incoming projections' sources
// concatenated in edge order) for neurons [Lo, Hi) of its CoreMap. Part 0
// is the home core, which holds the neurons; parts 1..Parts-1 are
// splitter cores that send their partial sums to the home core, Cores[Home].
type CoreSplit struct {
	Home           int // index in Mapping.Cores of the home core (itself for part 0)
	Part, Parts    int
	AxonLo, AxonHi int
}

// Splitter reports whether the core only computes partial sums for
// another core's neurons.
func (c CoreMap) Splitter() bool { return c.Split != nil && c.Split.Part > 0 }

// Neurons is the number of neurons the core holds.
func (c CoreMap) Neurons() int { return c.Hi - c.Lo }

// Mapping is a Network partitioned into core-sized groups and placed on the
// mesh. Cores are listed in placement order; LayerCores[l] indexes Cores
// (the cores of population l, in neuron order).
type Mapping struct {
	Config     Config
	Net        *Network
	Cores      []CoreMap
	LayerCores [][]int
	Host       router.Endpoint // where host input enters the mesh
	Routers    int             // routers with at least one used core
	g          *graph          // the compiled network
}

// Violation is one limit a mapping breaks: a per-core limit a layer
// cannot meet, or (Layer empty) a limit of the whole chip: its cores, or
// with multicast delivery its routers' table entries (see feasible.go).
type Violation struct {
	Layer      string // "" for a limit of the whole chip
	Group      string // which core group: e.g. "neuron 17 alone" when no split can help
	Limit      string // the config field that is exceeded
	Needed     int64
	Available  int64
	Suggestion string
}

func (v Violation) Error() string {
	who := "layer " + v.Layer
	if v.Layer == "" {
		who = "the network"
	}
	return fmt.Sprintf("%s (%s) needs %s %d, chip allows %d: %s", who, v.Group, v.Limit, v.Needed, v.Available, v.Suggestion)
}

// Map partitions every population into groups that satisfy every per-core
// limit (neurons, input axons, synaptic memory at the configured weight
// width, fan-out entries), places the groups on the mesh in population
// order, router by router in row-major order, and returns the placement.
// When the network cannot fit it returns an error that lists every
// violated limit at once.
//
// A population's fan-out depends on how its targets are split, so
// populations are partitioned from the last to the first (a feed-forward
// chain then needs one pass), a target not partitioned yet counting as
// split by neurons alone; passes repeat, never merging groups, until every
// population fits with its targets' final split (recurrent projections).
func Map(net *Network, cfg Config) (*Mapping, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("chip: invalid config %q:\n%w", cfg.Name, err)
	}
	if err := net.Validate(cfg.WeightBits); err != nil {
		return nil, fmt.Errorf("chip: invalid network:\n%w", err)
	}
	g := newGraph(net)
	L := len(net.Layers)
	parts := make([][]int, L)    // neuron boundaries of each population's groups
	axParts := make([][]int, L)  // axon boundaries of a fan-in split population (nil: unsplit)
	split := func(t int) []int { // t's groups, or its split by neurons alone
		if parts[t] != nil {
			return parts[t]
		}
		return bounds(net.Layers[t].Size, max((net.Layers[t].Size+cfg.NeuronsPerCore-1)/cfg.NeuronsPerCore, 1))
	}
	// fewestCores[l]: split l's fan-in into the parts that need the fewest
	// cores rather than the fewest parts; set when the fewest parts leave
	// a source of l with too many destinations (docs/mapping.md).
	fewestCores := make([]bool, L)
	var errs []error
	// pcs[l] is l's cost as last computed, at clock builtAt[l]; changedAt[t]
	// is when t's split last changed. l is rechecked only when one of its
	// targets changed since (a feed-forward chain: never).
	pcs := make([]*popCost, L)
	builtAt, changedAt := make([]int, L), make([]int, L)
	clock := 0
	stale := func(l int) bool {
		if pcs[l] == nil {
			return true
		}
		for _, ei := range g.outOf[l] {
			if changedAt[g.edges[ei].To] > builtAt[l] {
				return true
			}
		}
		return false
	}
	// restart forgets every split, so that a population partitioned for a
	// target's earlier split (never fewer groups, see above) gets the
	// groups the target's new split needs.
	restart := func() {
		for l := range parts {
			parts[l], axParts[l], pcs[l] = nil, nil, nil
		}
	}
	coresOf := func(l int) int {
		if axParts[l] == nil {
			return len(parts[l]) - 1
		}
		return (len(parts[l]) - 1) * (len(axParts[l]) - 1)
	}
	totalCores := func() int {
		total := 0
		for l := range parts {
			total += coresOf(l)
		}
		return total
	}
	// retryAll marks every population split for the fewest parts to be
	// split for the fewest cores and reports whether there was one.
	retryAll := func() bool {
		found := false
		for t := range parts {
			if axParts[t] != nil && !fewestCores[t] {
				fewestCores[t] = true
				found = true
			}
		}
		if found {
			restart()
		}
		return found
	}
	const maxPasses = 64 // each pass that changes something adds a core; see docs/mapping.md
	for pass := 0; ; pass++ {
		changed := false
		errs = errs[:0]
		for l := L - 1; l >= 0; l-- {
			if !stale(l) {
				continue
			}
			clock++
			pc := newPopCost(g, l, cfg, fanoutCounter(g, l, split))
			pcs[l], builtAt[l] = pc, clock
			if parts[l] != nil && (axParts[l] == nil && pc.fitsAll(parts[l]) || axParts[l] != nil && newSplitCost(pc).fitsAll(parts[l], axParts[l])) {
				continue
			}
			minK := 1
			if parts[l] != nil {
				minK = len(parts[l]) // one more core than the split that no longer fits
			}
			var b, ab []int
			var err error
			// A partial sum carries one synaptic input, so a population
			// with two (neuron.Kind.Ports) is not split: its per-core
			// limits stay violations.
			if pc.needsSplit() && net.Layers[l].Neuron.Kind.Ports() == 1 {
				b, ab, err = pc.partitionSplit(minK, fewestCores[l])
			} else {
				b, err = pc.partition(minK)
			}
			if err != nil {
				if t := retrySplit(g, l, axParts, fewestCores); t >= 0 {
					// A split target spread l's fan-out too thin: split it
					// for the fewest cores instead and map again.
					restart()
					changed = true
					errs = errs[:0] // found before the restart; the next pass decides
					break
				}
				errs = append(errs, err)
				continue
			}
			clock++
			parts[l], axParts[l], changedAt[l], changed = b, ab, clock, true
		}
		if len(errs) > 0 {
			slices.Reverse(errs) // found last population first; report in order
			break                // and go on to the limits of the whole chip
		}
		// Too many cores for the chip with some fan-in split into the
		// fewest parts: split those for the fewest cores and map again.
		if !changed && (totalCores() <= cfg.Cores() || !retryAll()) {
			break
		}
		if pass == maxPasses {
			return nil, fmt.Errorf("chip: network %s: splitting its recurrent populations did not settle in %d passes: raise fanout_entries_per_core or use multicast delivery", net.Name, maxPasses)
		}
	}
	// With per-core violations, the populations that broke them are placed
	// split by neurons alone, so that the limits of the whole chip (cores,
	// router tables) are checked in the same pass; see feasible.go.
	errs = append(append(modelErrors(net, cfg), numericErrors(net, cfg)...), errs...)
	broken := make([]bool, L)
	for l := range parts {
		if parts[l] == nil {
			parts[l], axParts[l], broken[l] = split(l), nil, true
		}
	}
	counts, notes := make([]int, L), make([]string, L)
	for l := range parts {
		counts[l] = coresOf(l)
		if axParts[l] != nil {
			notes[l] = fmt.Sprintf(" (fan-in split %d ways)", len(axParts[l])-1)
		}
	}
	place := cfg
	if v := coresViolation(net, cfg, counts, notes, broken); v != nil {
		errs = append(errs, *v)
		place = enlargedBoard(cfg, v.Needed)
	}
	m := &Mapping{Config: place, Net: net, LayerCores: make([][]int, L), g: g}
	core := 0
	usedRouters := map[int]bool{}
	for l := range net.Layers {
		pc := pcs[l] // built with the final split of every target (not stale)
		b := parts[l]
		ab := axParts[l]
		var sc *splitCost
		if ab != nil {
			sc = newSplitCost(pc)
		}
		for k := 0; k+1 < len(b); k++ {
			lo, hi := b[k], b[k+1]
			home := len(m.Cores)
			nParts := 1
			if ab != nil {
				nParts = len(ab) - 1
			}
			for p := 0; p < nParts; p++ {
				ep, x, y := place.SlotEndpoint(core)
				r := int(ep.Router)
				cm := CoreMap{
					Core:          core,
					Endpoint:      ep,
					X:             x,
					Y:             y,
					Layer:         l,
					Lo:            lo,
					Hi:            hi,
					Axons:         pc.axons(lo, hi),
					SynMemBits:    pc.memBits(lo, hi),
					FanoutEntries: int(pc.fanoutEntries(lo, hi)),
					DelaySlots:    pc.maxDelay + 1,
				}
				if ab != nil {
					cm.Split = &CoreSplit{Home: home, Part: p, Parts: nParts, AxonLo: ab[p], AxonHi: ab[p+1]}
					cm.Axons = sc.axons(lo, hi, ab[p], ab[p+1])
					cm.SynMemBits = sc.memBits(lo, hi, ab[p], ab[p+1])
					if p > 0 { // a splitter sends one partial sum per neuron to its home core; no spike fan-out
						cm.FanoutEntries = 0
					}
				}
				m.LayerCores[l] = append(m.LayerCores[l], len(m.Cores))
				m.Cores = append(m.Cores, cm)
				usedRouters[r] = true
				core++
			}
		}
	}
	m.Routers = len(usedRouters)
	m.Host = router.Endpoint{Router: int32(cfg.HostRouterY*place.BoardWidth() + cfg.HostRouterX), Port: int16(cfg.CoresPerRouter)}
	if len(errs) > 0 { // a mapping that fits is checked by NewSimulator, after Place
		if v := routerTableViolation(m, place != cfg); v != nil {
			errs = append(errs, v)
		}
		return nil, fmt.Errorf("chip: network %s does not fit chip %s:\n%w", net.Name, cfg.Name, joinViolations(flatten(errs)))
	}
	return m, nil
}

// retrySplit returns a target of population l whose fan-in is split into
// the fewest parts, after marking it to be split for the fewest cores, or
// -1 if there is none (each population switches at most once).
func retrySplit(g *graph, l int, axParts [][]int, fewestCores []bool) int {
	for _, ei := range g.outOf[l] {
		if t := g.edges[ei].To; axParts[t] != nil && !fewestCores[t] {
			fewestCores[t] = true
			return t
		}
	}
	return -1
}

// fanoutCounter returns, for each neuron j of population l, the number of
// distinct cores its spikes go to over every outgoing projection, given
// each target's groups (split); nil when l has no outgoing projection.
// Cores of different targets are distinct, so counts add over targets;
// projections into the same target share its cores.
func fanoutCounter(g *graph, l int, split func(t int) []int) func(j int) int64 {
	if len(g.outOf[l]) == 0 {
		return nil
	}
	count := make([]int64, g.net.Layers[l].Size)
	byTarget := map[int][]*edge{}
	var targets []int
	for _, ei := range g.outOf[l] {
		e := &g.edges[ei]
		if byTarget[e.To] == nil {
			targets = append(targets, e.To)
		}
		byTarget[e.To] = append(byTarget[e.To], e)
	}
	for _, t := range targets { // in order of first projection: deterministic
		destCount(byTarget[t], split(t), count)
	}
	return func(j int) int64 { return count[j] }
}

// destCount adds to count[j], for each source j of the projections es
// (all into one target split at bounds b), how many of the target's cores
// receive it: all of them through a dense projection, those whose
// neurons' synapses contain j otherwise.
func destCount(es []*edge, b []int, count []int64) {
	k := int64(len(b) - 1)
	for _, e := range es {
		if e.Kind == ProjDense {
			for j := range count {
				count[j] += k
			}
			return
		}
	}
	seen := make([]int32, len(count))
	for gi := 0; gi+1 < len(b); gi++ {
		stamp := int32(gi + 1)
		for _, e := range es {
			for j := b[gi]; j < b[gi+1]; j++ {
				e.sources(j, func(src int, _ int8) {
					if seen[src] != stamp {
						seen[src] = stamp
						count[src]++
					}
				})
			}
		}
	}
}

// Usage summarises a per-core quantity over the used cores.
type Usage struct {
	Min  int64   `json:"min"`
	Mean float64 `json:"mean"`
	Max  int64   `json:"max"`
}

func usage(m *Mapping, f func(CoreMap) int64) Usage {
	if len(m.Cores) == 0 {
		return Usage{}
	}
	u := Usage{Min: f(m.Cores[0]), Max: f(m.Cores[0])}
	var sum int64
	for _, c := range m.Cores {
		v := f(c)
		u.Min, u.Max = min(u.Min, v), max(u.Max, v)
		sum += v
	}
	u.Mean = float64(sum) / float64(len(m.Cores))
	return u
}

// NeuronUsage is neurons per used core.
func (m *Mapping) NeuronUsage() Usage {
	return usage(m, func(c CoreMap) int64 { return int64(c.Neurons()) })
}

// SynMemUsage is synaptic memory per used core, in bytes (rounded up).
func (m *Mapping) SynMemUsage() Usage {
	return usage(m, func(c CoreMap) int64 { return (c.SynMemBits + 7) / 8 })
}

// BarrierCycles is the cost of one timestep barrier for this placement.
func (m *Mapping) BarrierCycles() uint64 {
	return uint64(m.Config.BarrierBaseCycles + m.Config.BarrierPerRouter*m.Routers)
}
