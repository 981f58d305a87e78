package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/internal/provenance"
)

// Options describe a side-by-side benchmark run: the converted-SNN
// network of the Brian2 peer benchmark (image.npy and w0.npy, w1.npy, ...
// as its --export writes them), simulated through the whole chip model.
type Options struct {
	Dir     string // folder with image.npy and w0.npy, w1.npy, ...
	Samples int    // samples, run back to back, each from v = 0
	Steps   int    // timesteps per sample
	Seed    uint64
	Workers int
	Chip    chip.Config
	Energy  energy.Model
}

// Result is what a benchmark run measured. Synaptic events follow
// the peer's definition: every presynaptic spike times the fan-out of its
// neuron (zero weights included, output spikes excluded).
type Result struct {
	// Provenance holds the chip and the energy model (resolved for the
	// chip) as used; the command fills its version and command line.
	Provenance       provenance.Provenance `json:"provenance"`
	Network          []int                 `json:"network"`
	Samples          int                   `json:"samples"`
	Steps            int                   `json:"steps"`
	Seed             uint64                `json:"seed"` // of the Bernoulli input
	Workers          int                   `json:"workers"`
	Chip             string                `json:"chip"`
	CoresUsed        int                   `json:"cores_used"`
	LayerSpikes      []uint64              `json:"layer_spikes"` // input first
	LayerRates       []float64             `json:"layer_rates"`  // spikes per neuron per step
	SynapticEvents   uint64                `json:"synaptic_events"`
	EffectiveACs     uint64                `json:"effective_acs"` // events on non-zero quantized weights
	Packets          uint64                `json:"packets"`
	RunSeconds       float64               `json:"run_s"`   // the simulation loop: input generation, chip, mesh, counting
	BuildSeconds     float64               `json:"build_s"` // loading, quantization, mapping, simulator construction
	EventsPerSecond  float64               `json:"events_per_s"`
	PeakRSSBytes     uint64                `json:"peak_rss_bytes"`
	SimulatorBytes   uint64                `json:"simulator_heap_bytes"` // heap the built simulator holds
	Synapses         uint64                `json:"synapses"`
	BytesPerSynapse  float64               `json:"bytes_per_synapse"`
	EnergyPerSample  float64               `json:"energy_per_sample_uj"`
	ChipCyclesPerRun uint64                `json:"chip_cycles"`
}

// Run runs the peer benchmark network through the simulator.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Samples < 1 || o.Steps < 1 {
		return nil, fmt.Errorf("bench: samples (%d) and steps (%d) must be >= 1", o.Samples, o.Steps)
	}
	t0 := time.Now()
	image, net, sizes, err := loadNetwork(o.Dir, o.Chip.WeightBits)
	if err != nil {
		return nil, err
	}
	m, err := chip.Map(net, o.Chip)
	if err != nil {
		return nil, err
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sim, err := chip.NewSimulator(m, o.Workers)
	if err != nil {
		return nil, err
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	build := time.Since(t0)

	thr := make([]uint64, len(image))
	for i, p := range image {
		thr[i] = uint64(math.Round(p * (1 << 32)))
	}
	L := len(net.Layers)
	r := &Result{Network: sizes, Samples: o.Samples, Steps: o.Steps, Seed: o.Seed, Workers: o.Workers, Chip: o.Chip.Name,
		CoresUsed: len(m.Cores), LayerSpikes: make([]uint64, L+1)}
	var counts energy.Counts
	var cycles uint64
	start := time.Now()
	// Samples are independent (each starts from v = 0), so with several
	// workers each simulates whole samples on its own replica of the chip.
	stims := make([]*probStim, o.Samples)
	err = sim.RunSamples(ctx, chip.Samples{N: o.Samples, Timesteps: o.Steps,
		Stimulus: func(i int) chip.Stimulus {
			stims[i] = &probStim{thr: thr, rng: rand.New(rand.NewPCG(o.Seed, uint64(i)))}
			return stims[i]
		},
		Each: func(i int, res chip.Result) error {
			r.LayerSpikes[0] += stims[i].spikes
			for l := 0; l < L; l++ {
				r.LayerSpikes[l+1] += res.LayerSpikes[l]
			}
			counts.Add(res.Counts)
			cycles += res.Cycles
			return nil
		}})
	if err != nil {
		return nil, err
	}
	r.RunSeconds = time.Since(start).Seconds()
	r.BuildSeconds = build.Seconds()
	for l := 0; l < L; l++ {
		r.SynapticEvents += r.LayerSpikes[l] * uint64(sizes[l+1])
	}
	for l, n := range sizes {
		r.LayerRates = append(r.LayerRates, float64(r.LayerSpikes[l])/float64(n*o.Samples*o.Steps))
	}
	r.EffectiveACs = counts.SynapticOps
	r.Packets = counts.Packets + counts.HostPackets
	r.EventsPerSecond = float64(r.SynapticEvents) / r.RunSeconds
	r.ChipCyclesPerRun = cycles
	for l := 0; l < L; l++ {
		r.Synapses += uint64(sizes[l] * sizes[l+1])
	}
	var e energy.Model
	r.SimulatorBytes, r.BytesPerSynapse, r.PeakRSSBytes, r.Provenance, e, err = measure(before, after, r.Synapses, o.Chip, o.Energy)
	if err != nil {
		return nil, err
	}
	bd := e.Estimate(counts, float64(cycles)/o.Chip.ClockMHz*1e-6, len(m.Cores))
	r.EnergyPerSample = bd.TotalPJ / float64(o.Samples) * 1e-6
	runtime.KeepAlive(sim)
	return r, nil
}

// measure is what both benchmarks report after their run: the simulator's
// heap (the growth from before to after), per synapse, the process's peak
// RSS, and the energy model resolved for the chip with the provenance of
// the run.
func measure(before, after runtime.MemStats, synapses uint64, c chip.Config, em energy.Model) (heap uint64, perSynapse float64, peak uint64, pv provenance.Provenance, e energy.Model, err error) {
	if after.HeapAlloc > before.HeapAlloc {
		heap = after.HeapAlloc - before.HeapAlloc
	}
	if synapses > 0 {
		perSynapse = float64(heap) / float64(synapses)
	}
	if e, err = em.ForChip(c.WeightBits, c.SynapseMemoryBytes); err != nil {
		return 0, 0, 0, provenance.Provenance{}, energy.Model{}, err
	}
	if pv, err = provenance.New(c, e); err != nil {
		return 0, 0, 0, provenance.Provenance{}, energy.Model{}, err
	}
	return heap, perSynapse, peakRSSBytes(), pv, e, nil
}
