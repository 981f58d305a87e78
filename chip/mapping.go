package chip

import (
	"errors"
	"fmt"
	"slices"
	"strings"

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
}

// Neurons is the number of neurons the core holds.
func (c CoreMap) Neurons() int { return c.Hi - c.Lo }

// Mapping is a Network partitioned into core-sized groups and placed on the
// mesh. Cores are listed in placement order; LayerCores[l] indexes Cores.
type Mapping struct {
	Config     Config
	Net        *Network
	Cores      []CoreMap
	LayerCores [][]int
	Host       router.Endpoint // where host input enters the mesh
	Routers    int             // routers with at least one used core
}

// Violation is one per-core limit a layer cannot meet.
type Violation struct {
	Layer      string
	Group      string // which core group: e.g. "neuron 17 alone" when no split can help
	Limit      string // the config field that is exceeded
	Needed     int64
	Available  int64
	Suggestion string
}

func (v Violation) Error() string {
	return fmt.Sprintf("layer %s (%s) needs %s %d, chip allows %d: %s", v.Layer, v.Group, v.Limit, v.Needed, v.Available, v.Suggestion)
}

// Map partitions every layer into groups that satisfy every per-core limit
// (neurons, input axons, synaptic memory at the configured weight width,
// fan-out entries), places the groups on the mesh in row-major order and
// returns the placement. When the network cannot fit it returns an error
// that lists every violated limit at once.
func Map(net *Network, cfg Config) (*Mapping, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("chip: invalid config %q:\n%w", cfg.Name, err)
	}
	if err := net.Validate(cfg.WeightBits); err != nil {
		return nil, fmt.Errorf("chip: invalid network:\n%w", err)
	}
	if len(net.Projections) > 0 || net.InputGroups != nil || net.Outputs != nil {
		return nil, fmt.Errorf("chip: network %s: explicit projections, input groups and outputs are not mapped by this version yet", net.Name)
	}
	L := len(net.Layers)
	parts := make([][]int, L) // neuron boundaries of each layer's groups
	var errs []error
	for l := L - 1; l >= 0; l-- {
		var dest func(j int) int64
		if l < L-1 {
			if parts[l+1] == nil { // the next layer failed: assume one core
				dest = func(int) int64 { return 1 }
			} else {
				dest = destCounter(net, l+1, parts[l+1])
			}
		}
		b, err := newLayerCost(net, l, cfg, dest).partition()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		parts[l] = b
	}
	if len(errs) > 0 {
		slices.Reverse(errs) // found last layer first; report in layer order
		return nil, fmt.Errorf("chip: network %s does not fit chip %s:\n%w", net.Name, cfg.Name, errors.Join(errs...))
	}
	total := 0
	for _, b := range parts {
		total += len(b) - 1
	}
	if total > cfg.Cores() {
		var per []string
		for l, b := range parts {
			per = append(per, fmt.Sprintf("%s: %d", net.Layers[l].Name, len(b)-1))
		}
		return nil, fmt.Errorf("chip: network %s does not fit chip %s: it needs %d cores (%s), the chip has %d (%dx%d routers x %d cores x %d chips): raise mesh_width/mesh_height or board_chips_x/board_chips_y, neurons_per_core or synapse_memory_bytes, or lower weight_bits",
			net.Name, cfg.Name, total, strings.Join(per, ", "), cfg.Cores(), cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter, cfg.Chips())
	}
	m := &Mapping{Config: cfg, Net: net, LayerCores: make([][]int, L)}
	core := 0
	usedRouters := map[int]bool{}
	for l := range net.Layers {
		var dest func(j int) int64
		if l < L-1 {
			dest = destCounter(net, l+1, parts[l+1])
		}
		lc := newLayerCost(net, l, cfg, dest)
		b := parts[l]
		for g := 0; g+1 < len(b); g++ {
			lo, hi := b[g], b[g+1]
			ep, x, y := cfg.SlotEndpoint(core)
			r := int(ep.Router)
			m.LayerCores[l] = append(m.LayerCores[l], len(m.Cores))
			m.Cores = append(m.Cores, CoreMap{
				Core:          core,
				Endpoint:      ep,
				X:             x,
				Y:             y,
				Layer:         l,
				Lo:            lo,
				Hi:            hi,
				Axons:         lc.axons(lo, hi),
				SynMemBits:    lc.memBits(lo, hi),
				FanoutEntries: int(lc.fanoutEntries(lo, hi)),
			})
			usedRouters[r] = true
			core++
		}
	}
	m.Routers = len(usedRouters)
	m.Host = router.Endpoint{Router: int32(cfg.HostRouterY*cfg.BoardWidth() + cfg.HostRouterX), Port: int16(cfg.CoresPerRouter)}
	return m, nil
}

// destCounter returns, for each neuron j of layer l-1, how many cores of
// layer l (split at bounds b) receive it: all of them for a dense layer,
// those whose neurons' receptive fields contain j for a convolution.
func destCounter(net *Network, l int, b []int) func(j int) int64 {
	k := int64(len(b) - 1)
	cv := net.Layers[l].Conv
	if cv == nil {
		return func(int) int64 { return k }
	}
	count := make([]int64, net.In(l))
	seen := make([]int32, net.In(l))
	for g := 0; g+1 < len(b); g++ {
		stamp := int32(g + 1)
		for j := b[g]; j < b[g+1]; j++ {
			cv.Sources(j, func(src int, _ int8) {
				if seen[src] != stamp {
					seen[src] = stamp
					count[src]++
				}
			})
		}
	}
	return func(j int) int64 { return count[j] }
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
