package sanafe

import (
	"context"
	"fmt"
	"strings"
)

// Samples are spike inputs for a network's input neurons, read from an
// input file ([samples, T, channels], as other graph runs take): channel c
// drives the c-th input neuron, counting the input groups in file order
// and each group's neurons by id. They replace the trains the network
// file gives its input neurons.
type Samples struct {
	Name     string // the input file, for messages and the report
	N        int
	Channels int
	Labels   []int                // nil: no labels
	Trains   func(s int) [][]bool // sample s: one train per channel, train[t] fires at timestep t
}

// SampleStats are one sample's figures in a run driven by an input file.
type SampleStats struct {
	Label                                      int // -1: no label
	Spikes, SynEvents, Updates, Messages, Hops uint64
	SimSeconds, EnergyPJ                       float64
	GroupSpikes                                []uint64 // per group, in file order
}

// CheckInput checks that an input file of channels channels per timestep
// fits the network: one channel per input neuron.
func (l *Lowered) CheckInput(name string, channels int) error {
	groups := l.Net.InputGroups
	if len(groups) == 0 {
		return fmt.Errorf("%s: network %s has no input neurons to drive (a group whose neurons have a spikes attribute, even an empty one)", name, l.Net.Name)
	}
	want := 0
	parts := make([]string, len(groups))
	for k, g := range groups {
		want += g.Size
		parts[k] = fmt.Sprintf("%s: %d", g.Name, g.Size)
	}
	if channels != want {
		return fmt.Errorf("%s: %d channels per timestep, want %d, one per input neuron (groups %s, in file order, neurons by id)",
			name, channels, want, strings.Join(parts, ", "))
	}
	return nil
}

// RunSamples runs the network once per sample of in, each from the
// initial state for spec.Timesteps timesteps with the sample's trains as
// its input neurons' spikes. The report's groups, totals, energies and
// simulated time sum over the samples; Samples gives each sample's.
func RunSamples(ctx context.Context, spec RunSpec, in Samples) (*Report, error) {
	if err := spec.Low.CheckInput(in.Name, in.Channels); err != nil {
		return nil, err
	}
	if in.N < 1 {
		return nil, fmt.Errorf("%s: no samples", in.Name)
	}
	var out *Report
	for s := 0; s < in.N; s++ {
		low := *spec.Low
		low.Trains = in.Trains(s)
		if len(low.Trains) != in.Channels {
			return nil, fmt.Errorf("%s: sample %d has %d channels, want %d", in.Name, s, len(low.Trains), in.Channels)
		}
		one := spec
		one.Low = &low
		rep, err := Run(ctx, one)
		if err != nil {
			return nil, err
		}
		st := SampleStats{Label: -1, Spikes: rep.TotalSpikes(),
			SynEvents: rep.total(func(l LayerStats) uint64 { return l.SynEvents }),
			Updates:   rep.total(func(l LayerStats) uint64 { return l.Updates }),
			Messages:  rep.Counts.Packets + rep.Counts.HostPackets, Hops: rep.Counts.HopsX + rep.Counts.HopsY,
			SimSeconds: rep.SimSeconds, EnergyPJ: rep.Energy.TotalPJ}
		if in.Labels != nil {
			st.Label = in.Labels[s]
		}
		for _, l := range rep.Layers {
			st.GroupSpikes = append(st.GroupSpikes, l.Spikes)
		}
		if out == nil {
			out = rep
		} else {
			out.add(rep)
		}
		out.Samples = append(out.Samples, st)
	}
	out.Input, out.InputChannels = in.Name, in.Channels
	// Energy is linear in the counts and the simulated time: price the sums.
	out.Energy = spec.Energy.Estimate(out.Counts, out.SimSeconds, out.Cores)
	return out, nil
}

// add sums o's counts into r (same network, same chip).
func (r *Report) add(o *Report) {
	for i := range r.Layers {
		a, b := &r.Layers[i], o.Layers[i]
		a.Spikes += b.Spikes
		a.SynEvents += b.SynEvents
		a.ChipSynEvents += b.ChipSynEvents
		a.Updates += b.Updates
		a.Messages += b.Messages
		a.Hops += b.Hops
	}
	r.Counts.Add(o.Counts)
	r.Cycles += o.Cycles
	r.ComputeCycles += o.ComputeCycles
	r.DrainCycles += o.DrainCycles
	r.SimSeconds += o.SimSeconds
	r.SameCostsPJ += o.SameCostsPJ
	r.SameSynapsePJ += o.SameSynapsePJ
	r.SameSomaPJ += o.SameSomaPJ
	r.SameNetworkPJ += o.SameNetworkPJ
	for g := range r.groupCounts {
		for j := range r.groupCounts[g] {
			r.groupCounts[g][j] += o.groupCounts[g][j]
		}
	}
}

// steps is the number of timesteps the report's figures cover: the run's,
// times the samples of a run driven by an input file.
func (r *Report) steps() float64 {
	return float64(r.Timesteps * max(1, len(r.Samples)))
}
