package sanafe

import (
	"context"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/internal/provenance"
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
	// ComputeCycles and DrainCycles split Cycles (chip.Result): the
	// slowest core's work and the mesh's drain after it, summed over
	// timesteps; the rest is the per-timestep barrier.
	ComputeCycles, DrainCycles uint64
	SimSeconds                 float64
	Unsupported                []string // architecture fields not carried over, choices made for the chip
	// Provenance is the chip and energy model as used (Run fills them;
	// the command fills the version and command line).
	Provenance provenance.Provenance
	// Input, InputChannels and Samples are set by RunSamples: the input
	// file, the input neurons its channels drive and each sample's
	// figures; the rest of the report then sums over the samples.
	Input         string
	InputChannels int
	Samples       []SampleStats

	groupCounts [][]int32 // spikes per neuron, per group, in the file's order (tests)
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

// trains is the host input of a network's input neurons: channel c
// fires at timestep t when Trains[c][t].
type trains [][]bool

func (tr trains) Events(t int, dst []chip.InputEvent) []chip.InputEvent {
	for c, train := range tr {
		if t < len(train) && train[t] {
			dst = append(dst, chip.InputEvent{Channel: int32(c), Magnitude: 1})
		}
	}
	return dst
}

// Run simulates the network for spec.Timesteps timesteps (SANA-FE's
// networks drive themselves through biases, and their input neurons
// through spike trains, fed as host input) and returns the report: one
// row per group, in file order.
func Run(ctx context.Context, spec RunSpec) (*Report, error) {
	sim, err := chip.NewSimulator(spec.Map, spec.Workers)
	if err != nil {
		return nil, err
	}
	sim.EnableNeuronCounts()
	low := spec.Low
	res, err := sim.Run(ctx, trains(low.Trains), spec.Timesteps)
	if err != nil {
		return nil, err
	}
	net := low.Net
	T := spec.Timesteps
	rep := &Report{Network: net.Name, Chip: spec.Map.Config.Name, Timesteps: T, Cores: len(spec.Map.Cores),
		Counts: res.Counts, Cycles: res.Cycles, ComputeCycles: res.ComputeCycles, DrainCycles: res.DrainCycles, SimSeconds: float64(res.Cycles) * spec.Map.Config.CycleNS() * 1e-9, Costs: spec.Costs}
	// Spike counts per input channel: SANA-FE counts an input neuron's
	// spike of the last timestep too (the chip sends no frame that could
	// not be integrated).
	channelBase := make([]int, len(net.InputGroups)+1)
	for k, ig := range net.InputGroups {
		channelBase[k+1] = channelBase[k] + ig.Size
	}
	inputCounts := make([][]int32, len(net.InputGroups))
	for k := range inputCounts {
		inputCounts[k] = make([]int32, net.InputGroups[k].Size)
		for j := range inputCounts[k] {
			for t, f := range low.Trains[channelBase[k]+j] {
				if f && t < T {
					inputCounts[k][j]++
				}
			}
		}
	}
	spikesOf := func(s chip.Source) []int32 {
		if s.Kind == chip.FromInput {
			return inputCounts[s.Index]
		}
		return res.NeuronCounts[s.Index]
	}
	inputs := 0
	for gi, g := range spec.Net.Groups {
		ls := LayerStats{Name: g.Name, Neurons: g.Size}
		if l := low.Layer[gi]; l >= 0 {
			ls.Spikes, ls.ChipSynEvents, ls.Updates = res.LayerSpikes[l], res.LayerSynOps[l], res.LayerActive[l]
		} else {
			inputs++
			for _, c := range inputCounts[low.Input[gi]] {
				ls.Spikes += uint64(c) // an input neuron that fires is updated (SANA-FE)
			}
			ls.Updates = ls.Spikes
		}
		rep.Neurons += g.Size
		rep.Layers = append(rep.Layers, ls)
	}
	layerGroup := make([]int, len(net.Layers))
	for gi, l := range low.Layer {
		if l >= 0 {
			layerGroup[l] = gi
		}
	}
	for ci, cc := range res.CoreCounts {
		ls := &rep.Layers[layerGroup[spec.Map.Cores[ci].Layer]]
		ls.Messages += cc.Packets
		ls.Hops += cc.HopsX + cc.HopsY + cc.OffChipHops
	}
	if inputs == 1 { // the host's packets are the one input group's
		for gi := range spec.Net.Groups {
			if low.Input[gi] >= 0 {
				hc := res.HostCounts
				rep.Layers[gi].Messages, rep.Layers[gi].Hops = hc.HostPackets, hc.HopsX+hc.HopsY+hc.OffChipHops
			}
		}
	}
	rep.groupCounts = make([][]int32, len(spec.Net.Groups))
	for gi := range spec.Net.Groups {
		if low.Input[gi] >= 0 {
			rep.groupCounts[gi] = inputCounts[low.Input[gi]]
			continue
		}
		c := res.NeuronCounts[low.Layer[gi]]
		if low.Perm != nil && low.Perm[gi] != nil {
			out := make([]int32, len(c))
			for j, id := range low.Perm[gi] {
				out[id] = c[j]
			}
			c = out
		}
		rep.groupCounts[gi] = c
	}
	edgeEvents := make([]uint64, len(spec.Net.Edges))
	seen := map[int]bool{}
	for ei, projs := range low.EdgeProjections {
		rep.Connections += low.Connections[ei]
		// Both halves of a split edge have the same synapses: count one.
		// A sparse projection may gather several edges of the same
		// groups: count it once.
		if len(projs) == 0 { // an edge without connections
			continue
		}
		p := &net.Projections[projs[0]]
		if seen[projs[0]] {
			continue
		}
		seen[projs[0]] = true
		edgeEvents[ei] = events(p, spikesOf(p.From), net.Layers[p.To].Size)
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
	if rep.Provenance, err = provenance.New(spec.Map.Config, spec.Energy); err != nil {
		return nil, err
	}
	if c := spec.Costs; c != nil {
		rep.SameSynapsePJ = synPJ
		for g, ls := range rep.Layers {
			sc := c.Soma[g]
			rep.SameSomaPJ += float64(ls.Neurons)*float64(rep.Timesteps)*sc.AccessPJ + float64(ls.Updates)*sc.UpdatePJ + float64(ls.Spikes)*sc.SpikePJ
		}
		rep.SameNetworkPJ = float64(res.Counts.Packets+res.Counts.HostPackets)*c.MessagePJ + float64(res.Counts.HopsX)*c.HopXPJ + float64(res.Counts.HopsY)*c.HopYPJ
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
