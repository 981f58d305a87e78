package bench

import (
	"github.com/spikemesh/spikemesh/internal/provenance"

	"context"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
)

// CubaOptions describe a run of the peer's CUBA network (LoadCuba).
type CubaOptions struct {
	Dir      string  // the peer's cuba.py --export folder
	Duration float64 // biological seconds; steps = round(Duration / dt of params.json)
	Workers  int
	Chip     chip.Config
	Energy   energy.Model
}

// CubaResult is what a CUBA run measured, with the fields the peer's
// report has (spikes, synaptic events, rate, run time, events/s) beside
// the chip's own counts. Synaptic events follow the peer's definition:
// every spike of neuron i counts its fan-out (both synapse lists).
type CubaResult struct {
	// Provenance holds the chip and the energy model (resolved for the
	// chip) as used; the command fills its version and command line.
	Provenance      provenance.Provenance `json:"provenance"`
	Neurons         int                   `json:"neurons"`
	Synapses        uint64                `json:"synapses"`
	Steps           int                   `json:"steps"`
	DurationSeconds float64               `json:"duration_s"`
	Workers         int                   `json:"workers"`
	Chip            string                `json:"chip"`
	CoresUsed       int                   `json:"cores_used"`
	SpikesExc       uint64                `json:"spikes_exc"`
	SpikesInh       uint64                `json:"spikes_inh"`
	TotalSpikes     uint64                `json:"total_spikes"`
	RateHz          float64               `json:"rate_hz"` // spikes per neuron per biological second
	SynapticEvents  uint64                `json:"synaptic_events"`
	EffectiveACs    uint64                `json:"effective_acs"` // the chip's synaptic ops (non-zero weights)
	Packets         uint64                `json:"packets"`
	RunSeconds      float64               `json:"run_s"` // the simulation loop: chip, mesh, counting
	// RunCPUSeconds is the process's CPU time (user + system) over the
	// same loop: what Brian2's one-thread C++ timer (std::clock) measures,
	// and less sensitive than wall time to other load on the machine.
	RunCPUSeconds   float64 `json:"run_cpu_s"`
	BuildSeconds    float64 `json:"build_s"` // loading, quantization, mapping, simulator construction
	EventsPerSecond float64 `json:"events_per_s"`
	PeakRSSBytes    uint64  `json:"peak_rss_bytes"`
	SimulatorBytes  uint64  `json:"simulator_heap_bytes"`
	BytesPerSynapse float64 `json:"bytes_per_synapse"`
	EnergyMicroJ    float64 `json:"energy_uj"`
	ChipCycles      uint64  `json:"chip_cycles"`
	ChipSeconds     float64 `json:"chip_s"` // chip time: cycles at the preset's clock
	// The quantization, for the report: ideal and quantized weights in
	// state units, and the effective membrane time constant (s) of the
	// 12-bit decay.
	WeightEIdeal float64 `json:"weight_e_ideal"`
	WeightE      int32   `json:"weight_e"`
	WeightIIdeal float64 `json:"weight_i_ideal"`
	WeightI      int32   `json:"weight_i"`
	TauMEff      float64 `json:"taum_eff_s"`
	Scale        float64 `json:"scale_per_volt"`
}

// noInput is the stimulus of a self-driven network.
type noInput struct{}

func (noInput) Events(_ int, dst []chip.InputEvent) []chip.InputEvent { return dst }

// RunCuba loads the peer's CUBA export and simulates it for o.Duration
// through the whole chip model (mapping, mesh, timing, energy).
func RunCuba(ctx context.Context, o CubaOptions) (*CubaResult, error) {
	if !(o.Duration > 0) || math.IsInf(o.Duration, 0) {
		return nil, fmt.Errorf("bench: duration (%g s) must be finite and > 0", o.Duration)
	}
	t0 := time.Now()
	c, err := LoadCuba(o.Dir, o.Chip.WeightBits)
	if err != nil {
		return nil, err
	}
	steps := math.Round(o.Duration / c.Dt)
	if steps < 1 || steps > math.MaxInt32 {
		return nil, fmt.Errorf("bench: duration %g s at dt %g s is %g steps, must be in [1, %d]", o.Duration, c.Dt, steps, math.MaxInt32)
	}
	m, err := chip.Map(c.Net, o.Chip)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sim, err := chip.NewSimulator(m, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	sim.EnableNeuronCounts()
	runtime.GC()
	runtime.ReadMemStats(&after)
	build := time.Since(t0)

	cpu0 := cpuSeconds()
	start := time.Now()
	res, err := sim.Run(ctx, noInput{}, int(steps))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	runCPU := cpuSeconds() - cpu0
	r := &CubaResult{Neurons: c.N, Steps: int(steps), DurationSeconds: steps * c.Dt, Workers: o.Workers,
		Chip: o.Chip.Name, CoresUsed: len(m.Cores), RunSeconds: time.Since(start).Seconds(), RunCPUSeconds: runCPU, BuildSeconds: build.Seconds()}
	for _, p := range c.Net.Projections {
		r.Synapses += uint64(len(p.Synapses))
	}
	for i, k := range res.NeuronCounts[0] {
		if i < c.NE {
			r.SpikesExc += uint64(k)
		} else {
			r.SpikesInh += uint64(k)
		}
		r.SynapticEvents += uint64(k) * uint64(c.Fanout[i])
	}
	r.TotalSpikes = r.SpikesExc + r.SpikesInh
	r.RateHz = float64(r.TotalSpikes) / float64(c.N) / r.DurationSeconds
	r.EffectiveACs = res.Counts.SynapticOps
	r.Packets = res.Counts.Packets
	r.EventsPerSecond = float64(r.SynapticEvents) / r.RunSeconds
	r.ChipCycles = res.Cycles
	r.ChipSeconds = float64(res.Cycles) / o.Chip.ClockMHz * 1e-6
	var e energy.Model
	r.SimulatorBytes, r.BytesPerSynapse, r.PeakRSSBytes, r.Provenance, e, err = measure(before, after, r.Synapses, o.Chip, o.Energy)
	if err != nil {
		return nil, err
	}
	r.EnergyMicroJ = e.Estimate(res.Counts, r.ChipSeconds, len(m.Cores)).TotalPJ * 1e-6
	r.WeightEIdeal, r.WeightE = c.Quant.WeightE, c.WeightE.Value(0)
	r.WeightIIdeal, r.WeightI = c.Quant.WeightI, c.WeightI.Value(0)
	// v decays by the fraction DecayV/4096 per step: τ = −dt / ln(1 − DecayV/4096).
	r.TauMEff = -c.Dt / math.Log1p(-float64(c.Quant.Params.DecayV)/neuron.DecayMax)
	r.Scale = c.Quant.Scale
	runtime.KeepAlive(sim)
	return r, nil
}
