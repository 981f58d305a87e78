package main

import (
	"bufio"
	"cmp"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/sanafe"
	"github.com/spikemesh/spikemesh/workloads"
	"github.com/spikemesh/spikemesh/workloads/dataset"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
	"github.com/spikemesh/spikemesh/workloads/models"
)

func newRunCmd() *cobra.Command {
	var (
		chipName, energyName, timesteps, encoder string
		conversion, data, maxMemory, reset       string
		leak                                     float64
		o                                        spikemesh.Options
		asJSON, timings, coreEnergy              bool
		gf                                       graphFlags
		sf                                       setFlag
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Convert, map and simulate a model; print accuracy, activity, latency and energy",
		Long: `run converts the model to a spiking network (threshold balancing, weights
quantized to the chip's weight bits), maps it onto the chip, simulates the
first --samples test images of --dataset (MNIST by default) for each
--timesteps value and prints the report (text, or JSON with --json).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if k := sniff(o.Model); k != sanafe.NotSanaFE { // by content: SANA-FE files are YAML too
				return runSanaFE(cmd, o.Model, k, chipName, energyName, timesteps, maxMemory, o.Workers, o.Samples, asJSON, gf.input, &sf)
			}
			if o.Model == mackeyglass.Name {
				return runMackeyGlass(cmd, chipName, energyName, o.EnergyOverride, o.Workers, asJSON, &gf, &sf)
			}
			if isGraphModel(o.Model) {
				return runGraph(cmd, o.Model, chipName, energyName, o.EnergyOverride, timesteps, maxMemory, o.Samples, o.Workers, asJSON, &gf, &sf)
			}
			if cmd.Flags().Changed("input-rate") {
				return fmt.Errorf("--input-rate applies to sequence models (NIR graphs and sequence built-ins), not to %s", o.Model)
			}
			var err error
			if o.Chip, err = chip.Resolve(chipName); err != nil {
				return err
			}
			if o.Chip, err = sf.applyChip(o.Chip, true); err != nil {
				return err
			}
			if o.EnergyOverride, err = sf.energySpec(o.EnergyOverride); err != nil {
				return err
			}
			if o.Energy, err = energy.Resolve(energyName); err != nil {
				return err
			}
			if timesteps != "" {
				if o.Timesteps, err = parseInts(timesteps); err != nil {
					return fmt.Errorf("--timesteps: %w", err)
				}
			}
			if err := o.Encoder.UnmarshalText([]byte(encoder)); err != nil {
				return fmt.Errorf("--encoder: %w", err)
			}
			if err := o.Method.UnmarshalText([]byte(conversion)); err != nil {
				return fmt.Errorf("--conversion: %w", err)
			}
			if err := o.Reset.UnmarshalText([]byte(reset)); err != nil {
				return fmt.Errorf("--reset: %w", err)
			}
			if o.Method == workloads.MethodExact && cmd.Flags().Changed("reset") {
				return fmt.Errorf("--reset %s: exact conversion uses bidirectional IF neurons; --reset is for rate conversion", o.Reset)
			}
			if cmd.Flags().Changed("leak") {
				if o.Leak, err = leakFlag(leak, o.Method, o.Reset, cmd.Flags().Changed("reset")); err != nil {
					return err
				}
				if o.Leak > 0 {
					o.Reset = workloads.ResetZero // LIF neurons reset to zero
				}
			}
			if o.Method == workloads.MethodRate && !cmd.Flags().Changed("reset") && o.Leak == 0 &&
				!o.Chip.NeuronModels.Has(neuron.IFSubtract) && o.Chip.NeuronModels.Has(neuron.IFZero) {
				// The chip cannot reset by subtraction but can to zero: run
				// rather than refuse, and say so (the report's conversion
				// line names the reset too).
				o.Reset = workloads.ResetZero
				fmt.Fprintf(os.Stderr, "spikemesh: note: chip %s has no if-subtract neurons (neuron_models: %s); rate conversion uses IF neurons with reset to zero (--reset zero)\n",
					o.Chip.Name, o.Chip.NeuronModels)
			}
			if o.Method == workloads.MethodExact && cmd.Flags().Changed("encoder") && o.Encoder != workloads.Pulse {
				// Left at its default, the encoder follows the method (the
				// report says so); asked for by name, it is not overridden.
				return fmt.Errorf("--encoder %s: exact conversion presents the image once and needs --encoder pulse", o.Encoder)
			}
			b, err := budget(maxMemory)
			if err != nil {
				return err
			}
			o.MaxMemory = int64(b)
			if coreEnergy && asJSON {
				return fmt.Errorf("--core-energy is for the text report; the JSON report always has energy.cores")
			}
			o.Dataset = cmp.Or(data, models.ImageSetOf(o.Model).String())
			if !cmd.Flags().Changed("samples") {
				// A data set smaller than the default is run in full.
				n, err := dataset.Samples(o.Dataset)
				if err != nil {
					return err
				}
				o.Samples = min(o.Samples, n)
			}
			o.Progress = newProgress(os.Stderr)
			var tm spikemesh.Timings
			if timings {
				o.Timings = &tm
			}
			rep, err := spikemesh.Evaluate(cmd.Context(), o)
			if rep == nil {
				return err
			}
			// With a report, err can only be a trace that was not fully
			// written: the report is printed, then the command fails.
			traceErr := err
			rep.Provenance.Version, rep.Provenance.CommandLine = version(), os.Args
			if timings {
				total := tm.Load + tm.Convert + tm.Map + tm.Simulate
				fmt.Fprintf(os.Stderr, "wall time: load %v, conversion %v, mapping and placement %v, simulation %v (%.1f %% of %v)\n",
					tm.Load.Round(time.Millisecond), tm.Convert.Round(time.Millisecond), tm.Map.Round(time.Millisecond),
					tm.Simulate.Round(time.Millisecond), 100*tm.Simulate.Seconds()/total.Seconds(), total.Round(time.Millisecond))
			}
			w := bufio.NewWriter(os.Stdout)
			if asJSON {
				err = rep.WriteJSON(w)
			} else {
				err = rep.WriteText(w)
			}
			if err == nil && coreEnergy {
				err = rep.WriteCoreEnergy(w)
			}
			if err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return traceErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Model, "model", "mnist-mlp", "built-in model (see: spikemesh models), a model description (.yaml/.json next to its .npz; see docs/import.md), a NIR graph (.nir, with --input; see docs/nir.md), or a SANA-FE network file or SANA-FE's DVS challenge data (see docs/sanafe.md); seq-mnist runs on the MNIST test set as rows unless --input or --dataset is given")
	f.StringVar(&data, "dataset", "", "data to evaluate on (default: the set the model was trained on, mnist unless it is fashion-cnn): mnist or fashion-mnist (the 10,000 test images), or a .npz file with x, y and optionally x_calib (NIR models: [N, T, channels] x; see docs/import.md)")
	f.StringVar(&conversion, "conversion", "rate", "conversion: rate (threshold balancing) or exact (QCFS models onto bidirectional IF neurons, run until quiet)")
	f.Float64Var(&leak, "leak", 0, "rate conversion: fraction of the membrane potential lost per timestep, in [0, 1], to 1/4096 (0: IF neurons; > 0: LIF neurons, reset to zero; docs/chips.md)")
	f.StringVar(&reset, "reset", "subtract", "rate conversion: what an IF neuron does after a spike: subtract (the threshold; keeps the residue) or zero (for chips whose neurons reset to zero; see neuron_models in: spikemesh chips show)")
	f.BoolVar(&o.PerChannel, "per-channel", false, "rate conversion: balance thresholds per channel instead of per layer")
	f.StringVar(&chipName, "chip", "loihi", "chip preset name or YAML file (see: spikemesh chips), or a SANA-FE architecture file for SANA-FE networks")
	f.StringVar(&energyName, "energy", "loihi", "energy preset name or YAML file (see: spikemesh energy list)")
	f.IntVar(&o.Samples, "samples", 1000, "test samples to simulate, from the start of the data set (a smaller --dataset or --input file: all of it)")
	f.StringVar(&timesteps, "timesteps", "", fmt.Sprintf("timesteps per inference, default %d; a comma-separated list runs each (exact conversion: the limit per sample, default %d)",
		spikemesh.DefaultTimesteps(workloads.MethodRate), spikemesh.DefaultTimesteps(workloads.MethodExact)))
	f.StringVar(&encoder, "encoder", "rate", "input encoding: rate (Bernoulli spikes), direct (graded input every timestep) or pulse (graded input once); exact conversion needs pulse, its default there (another encoder is refused)")
	f.Float64Var(&o.Percentile, "percentile", 99.9, "threshold balancing: percentile of each layer's activations (100 = max)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for every random draw")
	f.IntVar(&o.Workers, "workers", 0, "worker goroutines (0 = GOMAXPROCS); results do not depend on it")
	f.BoolVar(&asJSON, "json", false, "print the report as one JSON document")
	f.BoolVar(&coreEnergy, "core-energy", false, "text report: also print every used core's energy per inference by component (the JSON report always has it)")
	f.BoolVar(&timings, "timings", false, "print the wall time of loading, conversion, mapping and simulation on stderr")
	f.StringVar(&o.TraceDir, "trace", "", "write per-timestep core activity and link traffic (.npy, CSV), per-neuron spike counts and rasters per layer (.npy) and a link-utilization heatmap (PNG, SVG) into this directory")
	maxMemoryFlag(f, &maxMemory)
	f.StringVar(&o.EnergyOverride, "energy-override", "", "replace energy costs, e.g. \"synop=30pJ,hop_x=5pJ\" (keys as in: spikemesh energy show NAME)")
	gf.register(cmd)
	sf.register(cmd)
	return cmd
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		v, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		if v < 1 || v > spikemesh.MaxTimesteps {
			return nil, fmt.Errorf("%d: must be in 1..%d", v, spikemesh.MaxTimesteps)
		}
		out = append(out, v)
	}
	return out, nil
}

// newProgress returns a progress callback that shows a bar on f once a run
// has taken more than two seconds, and only when f is a terminal.
func newProgress(f *os.File) func(done, total int) {
	if !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	start := time.Now()
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			if time.Since(start) < 2*time.Second {
				return
			}
			bar = newProgressBar(f, total, "simulating", "samples")
			if bar == nil {
				return
			}
		}
		_ = bar.Set(done)
		if done == total {
			_ = bar.Finish()
		}
	}
}

// leakFlag checks --leak (a fraction of v per timestep) and returns it in
// the 1/4096 units of the chip's decays (neuron.DecayMax): rate conversion
// only, in [0, 1], not below the 12-bit resolution, and not with an
// explicit --reset subtract (a leaky neuron is the chip's LIF, which
// resets to zero).
func leakFlag(f float64, m workloads.Method, r workloads.ResetMode, resetGiven bool) (uint16, error) {
	if !(f >= 0 && f <= 1) {
		return 0, fmt.Errorf("--leak %g: must be a fraction of the membrane potential per timestep in [0, 1]", f)
	}
	d := math.Round(f * neuron.DecayMax)
	switch {
	case f > 0 && d == 0:
		return 0, fmt.Errorf("--leak %g: below the chip's decay resolution of 1/%d per timestep", f, neuron.DecayMax)
	case d > 0 && m == workloads.MethodExact:
		return 0, fmt.Errorf("--leak %g: exact conversion uses bidirectional IF neurons; --leak is for rate conversion", f)
	case d > 0 && resetGiven && r != workloads.ResetZero:
		return 0, fmt.Errorf("--leak %g: leaky neurons are the chip's LIF, which reset to zero; drop --reset %s or give --reset zero", f, r)
	}
	return uint16(d), nil
}
