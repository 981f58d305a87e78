package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/bench"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

func newBenchCmd() *cobra.Command {
	var (
		o                    bench.Options
		chipName, energyName string
		asJSON               bool
	)
	cmd := &cobra.Command{
		Use:   "bench --dir DIR",
		Short: "Run the Brian2 peer benchmark network (exported .npy) through the full chip model and report speed",
		Long: `bench loads the converted-SNN benchmark network that the Brian2 peer script
exports (python3 mlp.py --export DIR: image.npy and w0.npy, w1.npy, ...,
float64, fan_in x fan_out), quantizes the weights to the chip's weight bits
with threshold 1.0 as the matching integer, maps it onto the chip and
simulates --samples samples of --steps timesteps each with Bernoulli input
(P(spike) = pixel value), with the mesh, timing and energy counting on. It
reports spikes per layer, synaptic events (every presynaptic spike times its
fan-out, as the peer counts them), wall time of the simulation loop,
events per second, peak memory and simulator bytes per synapse.
See docs/performance.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Dir == "" {
				return fmt.Errorf("--dir is required: a folder written by the peer's mlp.py --export")
			}
			if o.Chip, err = chip.Resolve(chipName); err != nil {
				return err
			}
			if o.Energy, err = energy.Resolve(energyName); err != nil {
				return err
			}
			r, err := bench.Run(cmd.Context(), o)
			if err != nil {
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
	f.StringVar(&o.Dir, "dir", "", "folder with image.npy and w0.npy, w1.npy, ... (the peer's --export)")
	f.IntVar(&o.Samples, "samples", 100, "samples, each starting from v = 0")
	f.IntVar(&o.Steps, "steps", 100, "timesteps per sample")
	f.Uint64Var(&o.Seed, "seed", 2024, "seed for the Bernoulli input")
	f.IntVar(&o.Workers, "workers", 0, "worker goroutines (0 = GOMAXPROCS)")
	f.StringVar(&chipName, "chip", "loihi", "chip preset or YAML file")
	f.StringVar(&energyName, "energy", "loihi", "energy preset or YAML file")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}
