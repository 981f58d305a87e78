package chip

import (
	"errors"
	"fmt"

	"github.com/spikemesh/spikemesh/router"
)

// Pin places neurons [Lo, Hi) of a population on physical core slot Core
// (0 <= Core < Config.Cores(); see Config.SlotEndpoint), as a network file
// that maps its neurons explicitly asks (SANA-FE's "core: tile.core").
type Pin struct{ Lo, Hi, Core int }

// MapPinned maps net with the placement pins gives instead of Map's
// partition and placement: pins[l] lists population l's groups, which
// must cover its neurons [0, Size) in order without gaps, each on its own
// core. Every per-core limit is checked as Map checks it (neurons, input
// axons, synaptic memory, fan-out entries) and every problem is reported
// at once, one line each, naming the population, the neurons, the core and
// the limit. Populations are not fan-in split: a pinned group that needs
// more than a core has is an error.
func MapPinned(net *Network, cfg Config, pins [][]Pin) (*Mapping, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("chip: invalid config %q:\n%w", cfg.Name, err)
	}
	if err := net.Validate(cfg.WeightBits); err != nil {
		return nil, fmt.Errorf("chip: invalid network:\n%w", err)
	}
	if len(pins) != len(net.Layers) {
		return nil, fmt.Errorf("chip: %d pinned populations for a network of %d", len(pins), len(net.Layers))
	}
	errs := modelErrors(net, cfg)
	owner := map[int]string{}
	parts := make([][]int, len(net.Layers))
	for l, ps := range pins {
		ly := &net.Layers[l]
		next := 0
		b := []int{0}
		for _, p := range ps {
			who := fmt.Sprintf("layer %s neurons [%d, %d) pinned to core %d", ly.Name, p.Lo, p.Hi, p.Core)
			switch {
			case p.Lo != next || p.Hi <= p.Lo || p.Hi > ly.Size:
				errs = append(errs, fmt.Errorf("%s: groups must cover neurons [0, %d) in order, next expected from %d", who, ly.Size, next))
			case p.Core < 0 || p.Core >= cfg.Cores():
				errs = append(errs, fmt.Errorf("%s: the chip has cores 0..%d", who, cfg.Cores()-1))
			case owner[p.Core] != "":
				errs = append(errs, fmt.Errorf("%s: the core already holds %s; a core holds one group of one population", who, owner[p.Core]))
			default:
				owner[p.Core] = fmt.Sprintf("layer %s neurons [%d, %d)", ly.Name, p.Lo, p.Hi)
			}
			next = p.Hi
			b = append(b, p.Hi)
		}
		if next != ly.Size {
			errs = append(errs, fmt.Errorf("layer %s: pinned groups end at neuron %d, the population has %d", ly.Name, next, ly.Size))
		}
		parts[l] = b
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("chip: network %s cannot be placed as pinned on chip %s:\n%w", net.Name, cfg.Name, errors.Join(errs...))
	}
	g := newGraph(net)
	split := func(t int) []int { return parts[t] }
	m := &Mapping{Config: cfg, Net: net, LayerCores: make([][]int, len(net.Layers)), g: g}
	used := map[int32]bool{}
	for l, ps := range pins {
		ly := &net.Layers[l]
		pc := newPopCost(g, l, cfg, fanoutCounter(g, l, split))
		for _, p := range ps {
			lo, hi := p.Lo, p.Hi
			cm := CoreMap{Core: p.Core, Layer: l, Lo: lo, Hi: hi, Axons: pc.axons(lo, hi), SynMemBits: pc.memBits(lo, hi),
				FanoutEntries: int(pc.fanoutEntries(lo, hi)), DelaySlots: pc.maxDelay + 1}
			cm.Endpoint, cm.X, cm.Y = cfg.SlotEndpoint(p.Core)
			for _, lim := range []struct {
				name      string
				need, has int64
			}{{"neurons_per_core", int64(hi - lo), int64(cfg.NeuronsPerCore)},
				{"axons_per_core", int64(cm.Axons), int64(cfg.AxonsPerCore)},
				{"synapse_memory_bytes (in bits)", cm.SynMemBits, cfg.SynapseMemoryBits()},
				{"fanout_entries_per_core", int64(cm.FanoutEntries), int64(cfg.FanoutPerCore)}} {
				if lim.need > lim.has {
					errs = append(errs, fmt.Errorf("layer %s neurons [%d, %d) pinned to core %d need %s %d, the core has %d",
						ly.Name, lo, hi, p.Core, lim.name, lim.need, lim.has))
				}
			}
			m.LayerCores[l] = append(m.LayerCores[l], len(m.Cores))
			m.Cores = append(m.Cores, cm)
			used[cm.Endpoint.Router] = true
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("chip: network %s does not fit chip %s as pinned:\n%w", net.Name, cfg.Name, errors.Join(errs...))
	}
	m.Routers = len(used)
	m.Host = router.Endpoint{Router: int32(cfg.HostRouterY*cfg.BoardWidth() + cfg.HostRouterX), Port: int16(cfg.CoresPerRouter)}
	return m, nil
}
