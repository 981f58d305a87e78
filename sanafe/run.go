package sanafe

import (
	"context"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// LayerStats are one group's counts over a run.
type LayerStats struct {
	Name    string
	Neurons int
	Spikes  uint64 // neurons fired (SANA-FE's neurons_fired)
	// SynEvents are the synaptic events into the group as SANA-FE counts
	// them: every spike of a source neuron times its synapses in the
	// edge. ChipSynEvents are the chip's: twice SynEvents on an edge
	// whose weights need two 8-bit synapses (see Lower).
	SynEvents, ChipSynEvents uint64
	Updates                  uint64 // neuron updates SANA-FE's rule counts (neuron.SanaLIFState)
	// Messages and Hops are those the group's cores sent: one message per
	// spike and destination core, its hops on the mesh.
	Messages, Hops uint64
}

// Report is a run of a SANA-FE network on the chip.
type Report struct {
	Network     string
	Chip        string
	Timesteps   int
	Neurons     int
	Connections int64
	Cores       int
	Pinned      bool // placed as the file's mappings say
	Layers      []LayerStats
	Counts      energy.Counts
	// Energy is spikemesh's energy model on the chip's counts;
	// SameCostsPJ prices SANA-FE's counts with the per-event costs in
	// Costs (docs/sanafe.md), when Costs is set.
	Energy      energy.Breakdown
	SameCostsPJ float64
	// SameSynapsePJ, SameSomaPJ and SameNetworkPJ split SameCostsPJ as
	// SANA-FE's run summary does (its dendrite energy is 0 here).
	SameSynapsePJ, SameSomaPJ, SameNetworkPJ float64
	Costs                                    *Costs
	Cycles                                   uint64
	SimSeconds                               float64
	Unsupported                              []string // architecture fields not carried over, choices made for the chip

	neuronCounts [][]int32 // per population, chip order (tests)
}

// Costs are SANA-FE's per-event energies in pJ, as an architecture file
// gives them: each group's soma costs, per synaptic event of each edge,
// per message and per hop.
type Costs struct {
	Soma           []SomaCosts // per Network group
	EdgeSynPJ      []float64   // per Network edge
	EdgeSynNS      []float64   // per Network edge: latency_process_spike
	MessagePJ      float64     // message out + message in
	HopXPJ, HopYPJ float64
}

// SomaCosts are one soma unit's energies in pJ: per neuron and timestep
// (access), per updated neuron (on top of access), per spike.
type SomaCosts struct {
	AccessPJ, UpdatePJ, SpikePJ float64
}

// RunSpec is what Run needs.
type RunSpec struct {
	Net       *Network
	Low       *Lowered
	Map       *chip.Mapping
	Energy    energy.Model
	Costs     *Costs // nil: no same-cost figure
	Timesteps int
	Workers   int
}

type noInput struct{}

func (noInput) Events(_ int, dst []chip.InputEvent) []chip.InputEvent { return dst }

// Run simulates the network for spec.Timesteps timesteps (no host input:
// SANA-FE's networks drive themselves through biases) and returns the
// report.
func Run(ctx context.Context, spec RunSpec) (*Report, error) {
	sim, err := chip.NewSimulator(spec.Map, spec.Workers)
	if err != nil {
		return nil, err
	}
	sim.EnableNeuronCounts()
	res, err := sim.Run(ctx, noInput{}, spec.Timesteps)
	if err != nil {
		return nil, err
	}
	net := spec.Low.Net
	rep := &Report{Network: net.Name, Chip: spec.Map.Config.Name, Timesteps: spec.Timesteps, Cores: len(spec.Map.Cores),
		neuronCounts: res.NeuronCounts, Counts: res.Counts, Cycles: res.Cycles, SimSeconds: float64(res.Cycles) * spec.Map.Config.CycleNS() * 1e-9, Costs: spec.Costs}
	for l, ly := range net.Layers {
		rep.Neurons += ly.Size
		rep.Layers = append(rep.Layers, LayerStats{Name: ly.Name, Neurons: ly.Size, Spikes: res.LayerSpikes[l],
			ChipSynEvents: res.LayerSynOps[l], Updates: res.LayerActive[l]})
	}
	for ci, cc := range res.CoreCounts {
		ls := &rep.Layers[spec.Map.Cores[ci].Layer]
		ls.Messages += cc.Packets
		ls.Hops += cc.HopsX + cc.HopsY + cc.OffChipHops
	}
	edgeEvents := make([]uint64, len(spec.Net.Edges))
	for ei, projs := range spec.Low.EdgeProjections {
		rep.Connections += spec.Low.Connections[ei]
		// Both halves of a split edge have the same synapses: count one.
		p := &net.Projections[projs[0]]
		if p.Kind == chip.ProjSparse {
			// A sparse projection may gather several edges; count this
			// edge's share by its own synapses below.
			continue
		}
		edgeEvents[ei] = events(p, res.NeuronCounts[p.From.Index], net.Layers[p.To].Size)
	}
	// Sparse projections: count each once, then share by edge.
	seen := map[int]bool{}
	for ei, projs := range spec.Low.EdgeProjections {
		p := &net.Projections[projs[0]]
		if p.Kind != chip.ProjSparse || seen[projs[0]] {
			continue
		}
		seen[projs[0]] = true
		edgeEvents[ei] = events(p, res.NeuronCounts[p.From.Index], 0)
	}
	index := map[string]int{}
	for gi, g := range spec.Net.Groups {
		index[g.Name] = gi
	}
	var synPJ float64
	for ei, e := range spec.Net.Edges {
		rep.Layers[index[e.To]].SynEvents += edgeEvents[ei]
		if spec.Costs != nil {
			synPJ += float64(edgeEvents[ei]) * spec.Costs.EdgeSynPJ[ei]
		}
	}
	rep.Energy = spec.Energy.Estimate(res.Counts, rep.SimSeconds, rep.Cores)
	if c := spec.Costs; c != nil {
		rep.SameSynapsePJ = synPJ
		for g, ls := range rep.Layers {
			sc := c.Soma[g]
			rep.SameSomaPJ += float64(ls.Neurons)*float64(rep.Timesteps)*sc.AccessPJ + float64(ls.Updates)*sc.UpdatePJ + float64(ls.Spikes)*sc.SpikePJ
		}
		rep.SameNetworkPJ = float64(res.Counts.Packets)*c.MessagePJ + float64(res.Counts.HopsX)*c.HopXPJ + float64(res.Counts.HopsY)*c.HopYPJ
		rep.SameCostsPJ = rep.SameSynapsePJ + rep.SameSomaPJ + rep.SameNetworkPJ
	}
	return rep, nil
}

// events is the number of synaptic events on projection p given each
// source neuron's spike count: the sum over sources of spikes x synapses.
func events(p *chip.Projection, spikes []int32, out int) uint64 {
	var total uint64
	switch p.Kind {
	case chip.ProjDense:
		for _, s := range spikes {
			total += uint64(s) * uint64(out)
		}
	case chip.ProjOneToOne:
		for _, s := range spikes {
			total += uint64(s)
		}
	case chip.ProjSparse:
		for _, syn := range p.Synapses {
			total += uint64(spikes[syn.Pre])
		}
	case chip.ProjConv:
		c := p.Conv
		// Every output channel sees the same taps: count the taps of one
		// channel per input neuron, times OutC.
		for y := 0; y < c.OutH; y++ {
			for x := 0; x < c.OutW; x++ {
				for ci := 0; ci < c.InC; ci++ {
					for ky := 0; ky < c.KH; ky++ {
						iy := y*c.StrideH - c.PadH + ky*c.DilH
						if iy < 0 || iy >= c.InH {
							continue
						}
						for kx := 0; kx < c.KW; kx++ {
							ix := x*c.StrideW - c.PadW + kx*c.DilW
							if ix < 0 || ix >= c.InW {
								continue
							}
							total += uint64(spikes[(ci*c.InH+iy)*c.InW+ix]) * uint64(c.OutC)
						}
					}
				}
			}
		}
	}
	return total
}
