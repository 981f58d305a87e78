package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/bench"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// maxBenchSamples bounds --samples (default 100): bench.Run keeps one
// stimulus per sample until the run ends, and a million samples of 100
// steps is 10^8 timesteps, hours of simulation for the peer's networks;
// more is a typing mistake.
const maxBenchSamples = 1_000_000

func newBenchCmd() *cobra.Command {
	var (
		o                    bench.Options
		network              bench.PeerNetwork
		duration             float64
		chipName, energyName string
		maxMemory            string
		asJSON               bool
	)
	cmd := &cobra.Command{
		Use:   "bench [--network mlp|cuba] --dir DIR",
		Short: "Run a Brian2 peer benchmark network (exported .npy) through the full chip model and report speed",
		Long: `--network mlp (default): bench loads the converted-SNN benchmark network that the Brian2 peer script
exports (python3 mlp.py --export DIR: image.npy and w0.npy, w1.npy, ...,
float64, fan_in x fan_out), quantizes the weights to the chip's weight bits
with threshold 1.0 as the matching integer, maps it onto the chip and
simulates --samples samples of --steps timesteps each with Bernoulli input
(P(spike) = pixel value), with the mesh, timing and energy counting on. It
reports spikes per layer, synaptic events (every presynaptic spike times its
fan-out, as the peer counts them), wall time of the simulation loop,
events per second, peak memory and simulator bytes per synapse.

--network cuba: bench loads Brian2's recurrent CUBA network as the peer
script exports it (python3 cuba.py --target numpy --export DIR:
exc_pre/exc_post/inh_pre/inh_post.npy synapse lists, v0.npy initial
potentials in volts, params.json in SI units), maps its neurons to one
lif-2syn population (excitatory synapses into port 0, inhibitory into
port 1, weights quantized to the chip's weight bits), starts it from v0 and
runs it self-driven for --duration seconds at the export's dt. It reports
spikes (excitatory, inhibitory), the firing rate, synaptic events (spikes
times fan-out, as the peer counts them), wall time, events per second,
peak memory and the chip's energy and time.
See docs/performance.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Dir == "" {
				return fmt.Errorf("--dir is required: a folder written by the peer's %s.py --export", network)
			}
			if o.Chip, err = chip.Resolve(chipName); err != nil {
				return err
			}
			if o.Energy, err = energy.Resolve(energyName); err != nil {
				return err
			}
			b, err := budget(maxMemory)
			if err != nil {
				return err
			}
			what := fmt.Sprintf("chip %s (%dx%d routers, %d workers)", o.Chip.Name, o.Chip.BoardWidth(), o.Chip.BoardHeight(), resolvedWorkers(o.Workers))
			const fix = "use a smaller chip or fewer --workers, or raise --max-memory"
			if network == bench.PeerCUBA {
				if err := b.Check(what, o.Chip.RunBytes(o.Workers, 1), fix); err != nil {
					return err
				}
				return runCubaBench(cmd, bench.CubaOptions{Dir: o.Dir, Duration: duration, Workers: o.Workers, Chip: o.Chip, Energy: o.Energy}, asJSON)
			}
			if o.Steps > spikemesh.MaxTimesteps {
				return fmt.Errorf("--steps (%d) must be at most %d", o.Steps, spikemesh.MaxTimesteps)
			}
			if o.Samples > maxBenchSamples {
				return fmt.Errorf("--samples (%d) must be at most %d", o.Samples, maxBenchSamples)
			}
			if err := b.Check(what, o.Chip.RunBytes(o.Workers, o.Samples), fix); err != nil {
				return err
			}
			r, err := bench.Run(cmd.Context(), o)
			if err != nil {
				if cmd.Context().Err() != nil {
					return &interruptedError{fmt.Sprintf("interrupted before the %d samples finished; no result", o.Samples), cmd.Context().Err()}
				}
				return err
			}
			r.Provenance.Version, r.Provenance.CommandLine = version(), os.Args
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			fmt.Printf("network %v on %s (%d cores), %d samples x %d steps, %d workers\n", r.Network, r.Chip, r.CoresUsed, r.Samples, r.Steps, r.Workers)
			fmt.Printf("spikes per layer %v, rates %.4f\n", r.LayerSpikes, r.LayerRates)
			fmt.Printf("synaptic events %d (effective ACs %d), packets %d\n", r.SynapticEvents, r.EffectiveACs, r.Packets)
			fmt.Printf("simulation %.3f s -> %.3g synaptic events/s (build %.3f s)\n", r.RunSeconds, r.EventsPerSecond, r.BuildSeconds)
			fmt.Printf("peak RSS %.1f MiB, simulator %.2f bytes/synapse over %d synapses\n", float64(r.PeakRSSBytes)/(1<<20), r.BytesPerSynapse, r.Synapses)
			fmt.Printf("chip: %.4g µJ per sample\n", r.EnergyPerSample)
			return nil
		},
	}
	f := cmd.Flags()
	f.Var(&network, "network", "peer network: mlp (mlp.py) or cuba (cuba.py)")
	f.StringVar(&o.Dir, "dir", "", "the peer's --export folder (mlp: image.npy, w0.npy, ...; cuba: synapse lists, v0.npy, params.json)")
	f.Float64Var(&duration, "duration", 1.0, "cuba: biological seconds to simulate (steps = duration / dt of params.json)")
	f.IntVar(&o.Samples, "samples", 100, "mlp: samples, each starting from v = 0")
	f.IntVar(&o.Steps, "steps", 100, "mlp: timesteps per sample")
	f.Uint64Var(&o.Seed, "seed", 2024, "mlp: seed for the Bernoulli input")
	f.IntVar(&o.Workers, "workers", 0, "worker goroutines (0 = GOMAXPROCS)")
	f.StringVar(&chipName, "chip", "loihi", "chip preset or YAML file")
	f.StringVar(&energyName, "energy", "loihi", "energy preset or YAML file")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	maxMemoryFlag(f, &maxMemory)
	return cmd
}

// runCubaBench runs and prints the CUBA benchmark (bench --network cuba).
func runCubaBench(cmd *cobra.Command, o bench.CubaOptions, asJSON bool) error {
	r, err := bench.RunCuba(cmd.Context(), o)
	if err != nil {
		return err
	}
	r.Provenance.Version, r.Provenance.CommandLine = version(), os.Args
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Printf("cuba: %d neurons, %d synapses on %s (%d cores), %d steps (%.4g s), %d workers\n", r.Neurons, r.Synapses, r.Chip, r.CoresUsed, r.Steps, r.DurationSeconds, r.Workers)
	fmt.Printf("spikes exc %d inh %d (total %d), rate %.3f Hz per neuron\n", r.SpikesExc, r.SpikesInh, r.TotalSpikes, r.RateHz)
	fmt.Printf("synaptic events %d (effective ACs %d), packets %d\n", r.SynapticEvents, r.EffectiveACs, r.Packets)
	fmt.Printf("simulation %.3f s (CPU %.3f s) -> %.3g synaptic events/s (build %.3f s)\n", r.RunSeconds, r.RunCPUSeconds, r.EventsPerSecond, r.BuildSeconds)
	fmt.Printf("peak RSS %.1f MiB, simulator %.2f bytes/synapse\n", float64(r.PeakRSSBytes)/(1<<20), r.BytesPerSynapse)
	fmt.Printf("quantized: we %d (ideal %.2f), wi %d (ideal %.2f) state units, scale %.4g per V, taum %.4g ms\n",
		r.WeightE, r.WeightEIdeal, r.WeightI, r.WeightIIdeal, r.Scale, r.TauMEff*1e3)
	fmt.Printf("chip: %.4g µJ, %.4g s of chip time (%d cycles)\n", r.EnergyMicroJ, r.ChipSeconds, r.ChipCycles)
	return nil
}
