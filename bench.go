package spikemesh

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
)

// BenchOptions describe a side-by-side benchmark run: the converted-SNN
// network of the Brian2 peer benchmark (image.npy and w0.npy, w1.npy, ...
// as its --export writes them), simulated through the whole chip model.
type BenchOptions struct {
	Dir     string // folder with image.npy and w0.npy, w1.npy, ...
	Samples int    // samples, run back to back, each from v = 0
	Steps   int    // timesteps per sample
	Seed    uint64
	Workers int
	Chip    chip.Config
	Energy  energy.Model
}

// BenchResult is what a benchmark run measured. Synaptic events follow
// the peer's definition: every presynaptic spike times the fan-out of its
// neuron (zero weights included, output spikes excluded).
type BenchResult struct {
	Network          []int     `json:"network"`
	Samples          int       `json:"samples"`
	Steps            int       `json:"steps"`
	Workers          int       `json:"workers"`
	Chip             string    `json:"chip"`
	CoresUsed        int       `json:"cores_used"`
	LayerSpikes      []uint64  `json:"layer_spikes"` // input first
	LayerRates       []float64 `json:"layer_rates"`  // spikes per neuron per step
	SynapticEvents   uint64    `json:"synaptic_events"`
	EffectiveACs     uint64    `json:"effective_acs"` // events on non-zero quantized weights
	Packets          uint64    `json:"packets"`
	RunSeconds       float64   `json:"run_s"`   // the simulation loop: input generation, chip, mesh, counting
	BuildSeconds     float64   `json:"build_s"` // loading, quantization, mapping, simulator construction
	EventsPerSecond  float64   `json:"events_per_s"`
	PeakRSSBytes     uint64    `json:"peak_rss_bytes"`
	SimulatorBytes   uint64    `json:"simulator_heap_bytes"` // heap the built simulator holds
	Synapses         uint64    `json:"synapses"`
	BytesPerSynapse  float64   `json:"bytes_per_synapse"`
	EnergyPerSample  float64   `json:"energy_per_sample_uj"`
	ChipCyclesPerRun uint64    `json:"chip_cycles"`
}

// Bench runs the peer benchmark network through the simulator.
func Bench(ctx context.Context, o BenchOptions) (*BenchResult, error) {
	if o.Samples < 1 || o.Steps < 1 {
		return nil, fmt.Errorf("spikemesh: bench: samples (%d) and steps (%d) must be >= 1", o.Samples, o.Steps)
	}
	t0 := time.Now()
	image, _, err := readNPYFloat(filepath.Join(o.Dir, "image.npy"))
	if err != nil {
		return nil, err
	}
	for i, p := range image {
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("spikemesh: bench: image.npy[%d] = %g, want a probability in [0, 1]", i, p)
		}
	}
	net := &chip.Network{Name: "peer-mlp", Inputs: len(image)}
	sizes := []int{len(image)}
	qmax := float64(int(1)<<(o.Chip.WeightBits-1) - 1)
	for l := 0; ; l++ {
		name := filepath.Join(o.Dir, fmt.Sprintf("w%d.npy", l))
		if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) && l > 0 {
			break
		}
		w, shape, err := readNPYFloat(name)
		if err != nil {
			return nil, err
		}
		in := sizes[len(sizes)-1]
		if len(shape) != 2 || shape[0] != in {
			return nil, fmt.Errorf("spikemesh: bench: %s has shape %v, want (%d, fan_out)", name, shape, in)
		}
		var wmax float64
		for _, x := range w {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("spikemesh: bench: %s holds %g", name, x)
			}
			wmax = max(wmax, math.Abs(x))
		}
		if wmax == 0 {
			return nil, fmt.Errorf("spikemesh: bench: %s is all zeros", name)
		}
		// Fixed point: weight step s = max|w| / qmax, threshold 1.0 -> round(1/s).
		s := wmax / qmax
		q := make([]int8, len(w))
		for i, x := range w {
			q[i] = int8(math.Round(x / s))
		}
		net.Layers = append(net.Layers, chip.Layer{Name: fmt.Sprintf("layer%d", l+1), Size: shape[1],
			Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: int32(math.Round(1 / s))}, Weights: q})
		sizes = append(sizes, shape[1])
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
	r := &BenchResult{Network: sizes, Samples: o.Samples, Steps: o.Steps, Workers: o.Workers, Chip: o.Chip.Name,
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
	if after.HeapAlloc > before.HeapAlloc {
		r.SimulatorBytes = after.HeapAlloc - before.HeapAlloc
	}
	r.BytesPerSynapse = float64(r.SimulatorBytes) / float64(r.Synapses)
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.PeakRSSBytes = uint64(ru.Maxrss) * 1024 // Linux reports KiB
	}
	e, err := o.Energy.ForChip(o.Chip.WeightBits, o.Chip.SynapseMemoryBytes)
	if err != nil {
		return nil, err
	}
	bd := e.Estimate(counts, float64(cycles)/o.Chip.ClockMHz*1e-6, len(m.Cores))
	r.EnergyPerSample = bd.TotalPJ / float64(o.Samples) * 1e-6
	runtime.KeepAlive(sim)
	return r, nil
}

// probStim fires input i with probability thr[i]/2^32 at every step and
// counts the spikes it produced.
type probStim struct {
	thr    []uint64
	rng    *rand.Rand
	spikes uint64
}

func (s *probStim) Events(_ int, dst []chip.InputEvent) []chip.InputEvent {
	n := len(dst)
	var r uint64
	for i, t := range s.thr {
		// Each 64-bit draw gives two 32-bit uniforms: the high half for
		// an even input, the low half for the next one.
		if i&1 == 0 {
			r = s.rng.Uint64()
		} else {
			r <<= 32
		}
		if r>>32 < t {
			dst = append(dst, chip.InputEvent{Channel: int32(i), Magnitude: 1})
		}
	}
	s.spikes += uint64(len(dst) - n)
	return dst
}

// readNPYFloat reads a float64 or float32 .npy file in C order.
func readNPYFloat(name string) ([]float64, []int, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("spikemesh: bench: %w", err)
	}
	defer f.Close()
	r, err := npy.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, nil, fmt.Errorf("spikemesh: bench: %s: %w", name, err)
	}
	if r.Header.Descr.Fortran {
		return nil, nil, fmt.Errorf("spikemesh: bench: %s is in Fortran order; save it C-contiguous", name)
	}
	shape := r.Header.Descr.Shape
	switch r.Header.Descr.Type {
	case "<f8", "'<f8'":
		var x []float64
		if err := r.Read(&x); err != nil {
			return nil, nil, fmt.Errorf("spikemesh: bench: %s: %w", name, err)
		}
		return x, shape, nil
	case "<f4", "'<f4'":
		var x32 []float32
		if err := r.Read(&x32); err != nil {
			return nil, nil, fmt.Errorf("spikemesh: bench: %s: %w", name, err)
		}
		x := make([]float64, len(x32))
		for i, v := range x32 {
			x[i] = float64(v)
		}
		return x, shape, nil
	}
	return nil, nil, fmt.Errorf("spikemesh: bench: %s has dtype %s, want float64 or float32", name, r.Header.Descr.Type)
}
