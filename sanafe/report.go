package sanafe

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// TotalSpikes is the neurons fired over the run (SANA-FE's
// neurons_fired).
func (r *Report) TotalSpikes() uint64 { return r.total(func(l LayerStats) uint64 { return l.Spikes }) }

func (r *Report) total(f func(LayerStats) uint64) uint64 {
	var n uint64
	for _, l := range r.Layers {
		n += f(l)
	}
	return n
}

// WriteText writes the report: one row per group (synaptic events into
// the group, messages and hops out of it), the totals, energy and
// simulated time. Every figure is computed by the run.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	placed := "placed by spikemesh"
	if r.Pinned {
		placed = "placed as the file maps them"
	}
	fmt.Fprintf(&b, "SANA-FE network %s on chip %s: %s neurons, %s synapses, %d cores (%s), %d timesteps\n",
		r.Network, r.Chip, thousands(uint64(r.Neurons)), thousands(uint64(r.Connections)), r.Cores, placed, r.Timesteps)
	if r.Input != "" {
		fmt.Fprintf(&b, "input %s: %d samples of %d timesteps, %d channels driving the input neurons; groups, totals, energy and time sum over the samples\n",
			r.Input, len(r.Samples), r.Timesteps, r.InputChannels)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "group\tneurons\tspikes\tsynaptic events\tchip synaptic events\tneuron updates\tmessages sent\thops\t")
	for _, l := range r.Layers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", l.Name, thousands(uint64(l.Neurons)), thousands(l.Spikes),
			thousands(l.SynEvents), thousands(l.ChipSynEvents), thousands(l.Updates), thousands(l.Messages), thousands(l.Hops))
	}
	fmt.Fprintf(tw, "total\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", thousands(uint64(r.Neurons)), thousands(r.TotalSpikes()),
		thousands(r.total(func(l LayerStats) uint64 { return l.SynEvents })),
		thousands(r.total(func(l LayerStats) uint64 { return l.ChipSynEvents })),
		thousands(r.total(func(l LayerStats) uint64 { return l.Updates })),
		thousands(r.total(func(l LayerStats) uint64 { return l.Messages })),
		thousands(r.total(func(l LayerStats) uint64 { return l.Hops })))
	if err := tw.Flush(); err != nil {
		return err
	}
	c := r.Counts
	fmt.Fprintf(&b, "neurons fired: %s, synaptic events: %s, neuron updates: %s\n", thousands(r.TotalSpikes()),
		thousands(r.total(func(l LayerStats) uint64 { return l.SynEvents })), thousands(r.total(func(l LayerStats) uint64 { return l.Updates })))
	fmt.Fprintf(&b, "messages: %s, hops: %s (east-west %s, north-south %s)\n", thousands(c.Packets+c.HostPackets),
		thousands(c.HopsX+c.HopsY), thousands(c.HopsX), thousands(c.HopsY))
	T := r.steps()
	fmt.Fprintf(&b, "energy, spikemesh's model on the chip's counts: %.6g J total, %.6g J per timestep\n",
		r.Energy.TotalPJ*1e-12, r.Energy.TotalPJ*1e-12/T)
	if r.Costs != nil {
		fmt.Fprintf(&b, "energy, SANA-FE's per-event costs on SANA-FE's counts: %.6g J total (synapse %.6g, soma %.6g, network %.6g), %.6g J per timestep\n",
			r.SameCostsPJ*1e-12, r.SameSynapsePJ*1e-12, r.SameSomaPJ*1e-12, r.SameNetworkPJ*1e-12, r.SameCostsPJ*1e-12/T)
	}
	fmt.Fprintf(&b, "simulated time, cycle-level mesh: %.6g s (%s cycles, %.6g s per timestep; busiest cores %s, mesh drain %s, barriers %s cycles)\n",
		r.SimSeconds, thousands(r.Cycles), r.SimSeconds/T, thousands(r.ComputeCycles), thousands(r.DrainCycles),
		thousands(r.Cycles-min(r.Cycles, r.ComputeCycles+r.DrainCycles)))
	if len(r.Samples) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "sample\tlabel\tneurons fired\tsynaptic events\tneuron updates\tmessages\thops\tenergy (J)\tsimulated time (s)\tspikes per group\t")
		for i, s := range r.Samples {
			label := "-"
			if s.Label >= 0 {
				label = fmt.Sprint(s.Label)
			}
			per := make([]string, len(s.GroupSpikes))
			for g, n := range s.GroupSpikes {
				per[g] = fmt.Sprint(n)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.6g\t%.6g\t%s\t\n", i, label, thousands(s.Spikes), thousands(s.SynEvents),
				thousands(s.Updates), thousands(s.Messages), thousands(s.Hops), s.EnergyPJ*1e-12, s.SimSeconds, strings.Join(per, " "))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Unsupported) > 0 {
		fmt.Fprintf(&b, "chip notes: fields not carried over and choices made (%d):\n", len(r.Unsupported))
		for _, u := range r.Unsupported {
			fmt.Fprintf(&b, "  %s\n", u)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// thousands formats n with thousands separators.
func thousands(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
