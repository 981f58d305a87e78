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
	Limit      string // the config field that is exceeded
	Needed     int64
	Available  int64
	Suggestion string
}

func (v Violation) Error() string {
	return fmt.Sprintf("layer %s needs %s %d, chip allows %d: %s", v.Layer, v.Limit, v.Needed, v.Available, v.Suggestion)
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
	L := len(net.Layers)
	groups := make([]int, L)     // cores per layer
	bitsOf := make([][]int64, L) // prefix sums of each neuron's synaptic memory bits
	var errs []error
	for l := L - 1; l >= 0; l-- {
		ly := &net.Layers[l]
		in := net.In(l)
		if in > cfg.AxonsPerCore {
			errs = append(errs, Violation{ly.Name, "axons_per_core", int64(in), int64(cfg.AxonsPerCore),
				"every neuron of a dense layer receives every input; raise axons_per_core (splitting the fan-in is not supported)"})
			continue
		}
		maxN := cfg.NeuronsPerCore
		if l < L-1 {
			next := max(groups[l+1], 1) // if the next layer failed, use its lower bound
			if fn := cfg.FanoutPerCore / next; fn < maxN {
				if fn == 0 {
					errs = append(errs, Violation{ly.Name, "fanout_entries_per_core (entries for one neuron)",
						int64(next), int64(cfg.FanoutPerCore),
						fmt.Sprintf("layer %s spans %d cores; raise fanout_entries_per_core or neurons_per_core", net.Layers[l+1].Name, next)})
					continue
				}
				maxN = fn
			}
		}
		prefix := neuronBits(ly, in, cfg)
		var worst int64
		for j := 0; j < ly.Size; j++ {
			worst = max(worst, prefix[j+1]-prefix[j])
		}
		if worst > cfg.SynapseMemoryBits() {
			errs = append(errs, Violation{ly.Name, "synapse_memory_bytes (bytes for one neuron's synapses)",
				(worst + 7) / 8, int64(cfg.SynapseMemoryBytes), "raise synapse_memory_bytes or lower weight_bits"})
			continue
		}
		bitsOf[l] = prefix
		groups[l] = fewestGroups(prefix, maxN, cfg.SynapseMemoryBits())
	}
	if len(errs) > 0 {
		slices.Reverse(errs) // found last layer first; report in layer order
		return nil, fmt.Errorf("chip: network %s does not fit chip %s:\n%w", net.Name, cfg.Name, errors.Join(errs...))
	}
	total := 0
	for _, g := range groups {
		total += g
	}
	if total > cfg.Cores() {
		var parts []string
		for l, g := range groups {
			parts = append(parts, fmt.Sprintf("%s: %d", net.Layers[l].Name, g))
		}
		return nil, fmt.Errorf("chip: network %s does not fit chip %s: it needs %d cores (%s), the chip has %d (%dx%d routers x %d cores): raise mesh_width/mesh_height, neurons_per_core or synapse_memory_bytes, or lower weight_bits",
			net.Name, cfg.Name, total, strings.Join(parts, ", "), cfg.Cores(), cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter)
	}

	m := &Mapping{Config: cfg, Net: net, LayerCores: make([][]int, L)}
	core := 0
	usedRouters := map[int]bool{}
	for l := range net.Layers {
		ly := &net.Layers[l]
		k := groups[l]
		base, extra := ly.Size/k, ly.Size%k // balanced: the first `extra` cores get one more
		lo := 0
		fan := 0
		if l < L-1 {
			fan = groups[l+1]
		}
		for g := 0; g < k; g++ {
			n := base
			if g < extra {
				n++
			}
			r := core / cfg.CoresPerRouter
			cm := CoreMap{
				Core:          core,
				Endpoint:      router.Endpoint{Router: int32(r), Port: int16(core % cfg.CoresPerRouter)},
				X:             r % cfg.MeshWidth,
				Y:             r / cfg.MeshWidth,
				Layer:         l,
				Lo:            lo,
				Hi:            lo + n,
				Axons:         net.In(l),
				SynMemBits:    bitsOf[l][lo+n] - bitsOf[l][lo],
				FanoutEntries: n * fan,
			}
			usedRouters[r] = true
			m.LayerCores[l] = append(m.LayerCores[l], len(m.Cores))
			m.Cores = append(m.Cores, cm)
			lo += n
			core++
		}
	}
	m.Routers = len(usedRouters)
	m.Host = router.Endpoint{Router: int32(cfg.HostRouterY*cfg.MeshWidth + cfg.HostRouterX), Port: int16(cfg.CoresPerRouter)}
	return m, nil
}

// neuronBits returns prefix sums of the synaptic memory each neuron of a
// layer needs in the configured format: p[j+1]-p[j] is neuron j's.
func neuronBits(ly *Layer, in int, cfg Config) []int64 {
	p := make([]int64, ly.Size+1)
	for j := 0; j < ly.Size; j++ {
		var nnz int64
		if cfg.SynapseFormat == Sparse {
			for a := 0; a < in; a++ {
				if ly.Weights[a*ly.Size+j] != 0 {
					nnz++
				}
			}
		}
		p[j+1] = p[j] + cfg.synapseBits(in, 1, nnz)
	}
	return p
}

// fewestGroups is the smallest k such that splitting the neurons into k
// contiguous groups of balanced size (sizes differ by at most one) keeps
// every group within maxN neurons and memBits of synaptic memory. Every
// single neuron must fit (the caller checks), so k = len(neurons) works.
func fewestGroups(prefix []int64, maxN int, memBits int64) int {
	n := len(prefix) - 1
	k := max((n+maxN-1)/maxN, int((prefix[n]+memBits-1)/memBits), 1)
	for ; k < n; k++ {
		if balancedFits(prefix, k, maxN, memBits) {
			return k
		}
	}
	return n
}

func balancedFits(prefix []int64, k, maxN int, memBits int64) bool {
	n := len(prefix) - 1
	base, extra := n/k, n%k
	lo := 0
	for g := 0; g < k; g++ {
		size := base
		if g < extra {
			size++
		}
		if size > maxN || prefix[lo+size]-prefix[lo] > memBits {
			return false
		}
		lo += size
	}
	return true
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
