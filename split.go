package spikemesh

import (
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// splitReport fills run.Split from the sums; it needs run.Timing and the
// energy model e resolved for the chip. Nothing is added when no
// population is split.
func (a *aggregate) splitReport(run *Run, p *Prepared, e energy.Model) {
	splits := p.Mapping.Splits()
	if len(splits) == 0 {
		return
	}
	n, s := float64(a.n), a.split
	r := &SplitReport{
		PartialSums:    float64(s.PartialSums) / n,
		PartialPackets: float64(s.PartialPackets) / n,
		PartialHops:    float64(s.HopsX+s.HopsY+s.OffChipHops) / n,
		WaitCyclesMean: float64(s.WaitCycles) / float64(a.sum.Timesteps),
		LatencyUS:      float64(s.WaitCycles) / n / p.Chip.ClockMHz,
	}
	for _, ls := range splits {
		r.Layers = append(r.Layers, SplitLayer{Name: p.Converted.Net.Layers[ls.Layer].Name, Neurons: ls.Neurons,
			Parts: ls.Parts, Groups: ls.Groups, SplitterCores: ls.SplitterCores})
		r.SplitterCores += ls.SplitterCores
	}
	dyn := e
	dyn.StaticPerChipMW, dyn.StaticPerCoreMW = 0, 0
	traffic := energy.Counts{SynapticOps: s.PartialSums, Packets: s.PartialPackets, HopsX: s.HopsX, HopsY: s.HopsY, OffChipHops: s.OffChipHops}
	r.EnergyUJ = dyn.Estimate(traffic, 0, 0).TotalPJ / n * pJ2uJ
	coreOnly := e
	coreOnly.StaticPerChipMW = 0
	totalSeconds := float64(a.sum.Cycles) / p.Chip.ClockMHz * 1e-6
	var sc energy.Counts
	for ci, cm := range p.Mapping.Cores {
		if cm.Splitter() {
			sc.Add(a.cores[ci])
		}
	}
	r.SplitterCoresUJ = coreOnly.Estimate(sc, totalSeconds, r.SplitterCores).TotalPJ / n * pJ2uJ
	run.Split = r
}

// addSplit sums one sample's fan-in splitting counts.
func (a *aggregate) addSplit(r *chip.Result) { a.split.Add(r.Split) }
