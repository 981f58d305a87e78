package spikemesh

import (
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/router"
	"github.com/spikemesh/spikemesh/workloads"
)

// aggregate sums per-sample results in sample order, so the totals are the
// same however the simulation was scheduled.
type aggregate struct {
	cores   []energy.Counts // per used core, summed over samples
	host    energy.Counts
	latency router.Histogram
	links   []uint64 // flits per mesh link
	layers  int
	n       int
	correct int
	sum     chip.Result
	split   chip.SplitCounts
	stepMax uint64
}

func (a *aggregate) add(r *chip.Result, correct bool) {
	if a.sum.LayerSpikes == nil {
		a.sum.LayerSpikes = make([]uint64, a.layers)
		a.sum.LayerSynOps = make([]uint64, a.layers)
		a.sum.LayerActive = make([]uint64, a.layers)
		a.cores = make([]energy.Counts, len(r.CoreCounts))
		a.links = make([]uint64, len(r.LinkFlits))
	}
	a.n++
	if correct {
		a.correct++
	}
	for ci := range r.CoreCounts {
		a.cores[ci].Add(r.CoreCounts[ci])
	}
	a.host.Add(r.HostCounts)
	a.latency.Merge(r.Latency)
	for i, f := range r.LinkFlits {
		a.links[i] += f
	}
	s := &a.sum
	s.Counts.Add(r.Counts)
	s.Mesh.Add(r.Mesh)
	for l := range a.layers {
		s.LayerSpikes[l] += r.LayerSpikes[l]
		s.LayerSynOps[l] += r.LayerSynOps[l]
		s.LayerActive[l] += r.LayerActive[l]
	}
	s.Cycles += r.Cycles
	s.ComputeCycles += r.ComputeCycles
	s.MeshCycles += r.MeshCycles
	s.DrainCycles += r.DrainCycles
	s.MeshLast += r.MeshLast
	s.Timesteps += r.Timesteps
	a.stepMax = max(a.stepMax, r.StepCyclesMax)
	a.addSplit(r)
}

// run is the per-inference report of the sums: events, links, timing,
// energy and the NeuroBench metrics, in that order (each part reads only
// the parts before it).
func (a *aggregate) run(T int, p *Prepared, e energy.Model) Run {
	n := float64(a.n)
	c := a.sum.Counts
	run := Run{
		Timesteps:        T,
		SNNAccuracyPct:   100 * float64(a.correct) / n,
		SynapticOps:      float64(c.SynapticOps) / n,
		EffectiveMACs:    float64(c.SynapticMACs) / n,
		NeuronUpdates:    float64(c.NeuronUpdates) / n,
		NeuronIdle:       float64(c.NeuronIdle) / n,
		SpikePackets:     float64(c.Packets-a.split.PartialPackets) / n, // partial sums: run.Split
		HostPackets:      float64(c.HostPackets) / n,
		PacketHops:       float64(c.HopsX+c.HopsY) / n,
		OffChipHops:      float64(c.OffChipHops) / n,
		PacketLatencyMax: a.sum.Mesh.LatencyMax,
	}
	a.layerActivity(&run, p.Converted)
	a.linkTraffic(&run, p.Chip)
	a.timing(&run, p.Chip, p.Mapping)
	a.energy(&run, p, e)
	a.splitReport(&run, p, e)
	a.neuroBench(&run, p.Converted, p.Mapping)
	return run
}

// layerActivity fills the per-layer spikes and the activation sparsity.
func (a *aggregate) layerActivity(run *Run, conv *workloads.Converted) {
	n, s := float64(a.n), &a.sum
	steps := float64(s.Timesteps)
	var spikes, neuronSteps float64
	for l, ly := range conv.Net.Layers {
		ns := float64(ly.Size) * steps / n // neuron-timesteps per inference
		sp := float64(s.LayerSpikes[l]) / n
		spikes += sp
		neuronSteps += ns
		run.Layers = append(run.Layers, LayerStat{
			Name: ly.Name, Neurons: ly.Size, SpikesPerSample: sp,
			FiringRate: sp / ns, ActivationSparsity: 1 - sp/ns,
			SynapticOps: float64(s.LayerSynOps[l]) / n,
		})
	}
	run.ActivationSparsity = 1 - spikes/neuronSteps
}

// linkTraffic fills packet latency, back-pressure and link utilization.
func (a *aggregate) linkTraffic(run *Run, cc chip.Config) {
	s := &a.sum
	if s.Mesh.Packets > 0 {
		run.PacketLatencyAvg = float64(s.Mesh.LatencySum) / float64(s.Mesh.Packets)
	}
	run.PacketLatencyP50 = a.latency.Quantile(0.5)
	run.PacketLatencyP99 = a.latency.Quantile(0.99)
	run.BackPressureStalls = float64(s.Mesh.BackPressureStalls) / float64(a.n)
	if s.Cycles == 0 {
		return
	}
	// Utilization of a link: its flits over the flit slots of the whole run
	// (link width x cycles).
	width := float64(max(cc.LinkWidthFlits, 1))
	var sum, hi uint64
	for _, f := range a.links {
		sum += f
		hi = max(hi, f)
	}
	bw, bh := cc.BoardWidth(), cc.BoardHeight()
	links := float64(2 * ((bw-1)*bh + (bh-1)*bw)) // directed mesh links of the whole board
	if links > 0 {
		run.LinkUtilizationMean = float64(sum) / (links * width * float64(s.Cycles))
	}
	run.LinkUtilizationMax = float64(hi) / (width * float64(s.Cycles))
}

// timing fills the cycle-level timing and the latency per inference.
func (a *aggregate) timing(run *Run, cc chip.Config, mp *chip.Mapping) {
	s := &a.sum
	steps := float64(s.Timesteps)
	run.Timing = Timing{
		CyclesPerTimestepMean: float64(s.Cycles) / steps,
		CyclesPerTimestepMax:  a.stepMax,
		ComputeCyclesMean:     float64(s.ComputeCycles) / steps,
		MeshCyclesMean:        float64(s.MeshCycles) / steps,
		DrainCyclesMean:       float64(s.DrainCycles) / steps,
		BarrierCycles:         mp.BarrierCycles(),
		MeshLastFraction:      float64(s.MeshLast) / steps,
		LatencyUS:             float64(s.Cycles) / float64(a.n) / cc.ClockMHz,
	}
	// The timestep is compute + drain + barrier; whichever of the first two
	// contributes more cycles bounds it.
	run.Timing.Bound = "compute"
	if s.DrainCycles > s.ComputeCycles {
		run.Timing.Bound = "mesh"
	}
}

// pJ2uJ converts picojoules to microjoules.
const pJ2uJ = 1e-6

// energy prices the sums with e, resolved for the chip: the total by group
// and component, per layer, per core and chip-wide, power, throughput and
// the paper-style figures. It needs run.Timing.
func (a *aggregate) energy(run *Run, p *Prepared, e energy.Model) {
	n, c, mp, annMACs := float64(a.n), a.sum.Counts, p.Mapping, p.Workload.Net.MACs()
	e.StaticPerChipMW *= float64(p.Chip.Chips()) // every chip of a board leaks
	seconds := run.Timing.LatencyUS * 1e-6       // simulated time per inference
	totalSeconds := float64(a.sum.Cycles) / p.Chip.ClockMHz * 1e-6
	perInf := func(b energy.Breakdown) EnergyParts {
		return EnergyParts{TotalUJ: b.TotalPJ / n * pJ2uJ, SynapticUJ: b.SynapticPJ / n * pJ2uJ,
			NeuronUJ: b.NeuronPJ / n * pJ2uJ, SpikeUJ: b.SpikePJ / n * pJ2uJ,
			MeshUJ: b.MeshPJ / n * pJ2uJ, StaticUJ: b.StaticPJ / n * pJ2uJ}
	}
	// The model is linear in the counts, so pricing the sums and dividing by
	// the number of inferences gives the mean energy per inference.
	bd := e.Estimate(c, totalSeconds, len(mp.Cores))
	macs := float64(annMACs)
	en := Energy{
		Model:       e.Name,
		EnergyParts: perInf(bd),
		ANNPaperUJ:  e.ANNEnergyPJ(annMACs) * pJ2uJ,
		SNNPaperUJ:  e.SNNPaperEnergyPJ(c.SynapticOps, c.SynapticMACs) / n * pJ2uJ,
		PaperEMACPJ: e.MACPJ,
		PaperEACPJ:  e.ACPJ,
		// The same ANN on the same technology: one E_MAC per MAC plus reading
		// each weight (weight_bits wide) from synaptic memory once per MAC.
		ANNSameTechUJ: (macs*e.MACPJ + macs*float64(p.Chip.WeightBits)*e.SynMemReadBitPJ) * pJ2uJ,
	}
	for _, comp := range bd.Components() {
		en.Components = append(en.Components, EnergyComponent{Group: comp.Group, Name: comp.Name, UJ: comp.PJ / n * pJ2uJ})
	}
	if en.ANNSameTechUJ > 0 {
		en.SNNToANNRatio = en.TotalUJ / en.ANNSameTechUJ
	}
	if seconds > 0 {
		en.PowerMW = en.TotalUJ * 1e-6 / seconds * 1e3
		en.InferencesPerSecond = 1 / seconds
	}
	en.EDPUJUS = en.TotalUJ * run.Timing.LatencyUS
	// Per layer and per core: each core's own events and its leakage; the
	// chip-wide part (host input, barriers, per-chip leakage) is its own row,
	// so the rows add up to the total.
	coreOnly, chipOnly := e, e
	coreOnly.StaticPerChipMW = 0
	chipOnly.StaticPerCoreMW = 0
	for l, ly := range p.Converted.Net.Layers {
		var lc energy.Counts
		for _, ci := range mp.LayerCores[l] {
			lc.Add(a.cores[ci])
		}
		lb := coreOnly.Estimate(lc, totalSeconds, len(mp.LayerCores[l]))
		en.Layers = append(en.Layers, LayerEnergy{Name: ly.Name, Cores: len(mp.LayerCores[l]), EnergyParts: perInf(lb)})
	}
	for ci, cm := range mp.Cores {
		cb := coreOnly.Estimate(a.cores[ci], totalSeconds, 1)
		en.Cores = append(en.Cores, CoreEnergy{Core: cm.Core, Layer: p.Converted.Net.Layers[cm.Layer].Name, X: cm.X, Y: cm.Y, EnergyParts: perInf(cb)})
	}
	chipCounts := a.host
	chipCounts.Barriers = c.Barriers
	en.Chip = perInf(chipOnly.Estimate(chipCounts, totalSeconds, 0))
	run.Energy = en
}

// neuroBench fills the NeuroBench metrics (definitions in docs/metrics.md).
// It needs the activity parts of run.
func (a *aggregate) neuroBench(run *Run, conv *workloads.Converted, mp *chip.Mapping) {
	steps := float64(a.sum.Timesteps)
	var weights, zeros, footprintBits int64
	var dense float64
	net := conv.Net
	for _, pr := range net.Edges() {
		// every synapse of the projection at every timestep of the inference
		dense += float64(pr.Connections(net.SourceSize(pr.From), net.Layers[pr.To].Size)) * steps / float64(a.n)
		ws := pr.Weights
		if pr.Conv != nil {
			ws = pr.Conv.Kernel
		}
		for _, w := range ws {
			weights++
			if w == 0 {
				zeros++
			}
		}
		for _, sy := range pr.Synapses {
			weights++
			if sy.Weight == 0 {
				zeros++
			}
		}
	}
	for _, ly := range net.Layers {
		// neuron state: a 32-bit membrane potential per neuron, a 32-bit bias
		// per neuron if the layer has biases, and a 32-bit threshold per layer.
		footprintBits += int64(ly.Size)*32 + 32
		if ly.Bias != nil {
			footprintBits += int64(ly.Size) * 32
		}
	}
	for _, cm := range mp.Cores {
		footprintBits += cm.SynMemBits
	}
	run.NeuroBench = NeuroBench{
		ActivationSparsity: run.ActivationSparsity,
		SynapticOperations: SynOps{Dense: dense, EffectiveMACs: run.EffectiveMACs, EffectiveACs: run.SynapticOps},
		FootprintBytes:     (footprintBits + 7) / 8,
		ConnectionSparsity: float64(zeros) / float64(weights),
		MembraneUpdates:    run.NeuronUpdates,
	}
}
