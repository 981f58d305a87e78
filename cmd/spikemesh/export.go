package main

import (
	"cmp"
	"fmt"
	"math"
	"os"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/workloads"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// exportDefaultDT is --dt's default, 1e-4 s: the step snnTorch, Lava and
// SpiNNaker2 export with (NIR stores no time step; docs/nir.md).
const exportDefaultDT = 1e-4

func newExportCmd() *cobra.Command {
	var (
		chipName, conversion, out string
		data                      string
		o                         spikemesh.Options
		dt                        float64
	)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a model as the NIR graph that runs on the chip",
		Long: `export converts the model as run does (threshold balancing, weights
quantized to the chip's weight bits) and writes the spiking network that
runs on the chip as a NIR file (HDF5, NIR v1.0.7 layout): integer weights,
thresholds and decays in state units, time constants and delays for --dt.
A NIR model (.nir) is lowered onto the chip (weights quantized to the
chip's weight bits, parameters to its fixed point, at --dt) and the
lowered network written the same way. Networks with no NIR form (exact conversion's bidirectional neurons, a
refractory period) are refused with the reason. docs/nir.md, "Writing NIR",
gives the conventions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("export: --out is required (the .nir file to write)")
			}
			if !(dt > 0) || math.IsInf(dt, 0) {
				return fmt.Errorf("export: --dt %g: must be finite and > 0 (seconds)", dt)
			}
			var err error
			if o.Chip, err = chip.Resolve(chipName); err != nil {
				return err
			}
			if isGraphModel(o.Model) {
				return exportGraph(cmd, o.Model, out, o.Chip, dt)
			}
			if o.Energy, err = energy.Resolve("loihi"); err != nil { // Plan validates one; export uses none
				return err
			}
			if err := o.Method.UnmarshalText([]byte(conversion)); err != nil {
				return fmt.Errorf("--conversion: %w", err)
			}
			if o.Method == workloads.MethodExact {
				o.Encoder = workloads.Pulse
			}
			plan, err := o.Plan()
			if err != nil {
				return err
			}
			w, err := spikemesh.LoadWorkloadData(o.Model, cmp.Or(data, models.ImageSetOf(o.Model).String()))
			if err != nil {
				return err
			}
			cv, err := workloads.ConvertNet(w.Net, w.Calib, plan.Conversion)
			if err != nil {
				return err
			}
			g, err := nirconv.FromChip(cv.Net, dt)
			if err != nil {
				return fmt.Errorf("export: model %s: %w", o.Model, err)
			}
			if err := nir.Write(out, g); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			_, err = fmt.Fprintf(os.Stdout, "wrote %s: model %s (%s conversion, chip %s, dt %g s) as %d NIR nodes and %d edges\n",
				out, o.Model, o.Method, o.Chip.Name, dt, len(g.Nodes), len(g.Edges))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Model, "model", "mnist-mlp", "built-in model (see: spikemesh models) or a model description (.yaml/.json next to its .npz)")
	f.StringVar(&out, "out", "", "NIR file to write (required); written atomically")
	f.StringVar(&chipName, "chip", "loihi", "chip preset name or YAML file: its weight bits quantize the weights")
	f.Float64Var(&dt, "dt", exportDefaultDT, "time step in seconds: decays become time constants tau = 4096·dt/decay, delays d·dt")
	f.StringVar(&conversion, "conversion", "rate", "conversion, as for run: rate or exact (exact's bidirectional neurons have no NIR form)")
	f.StringVar(&data, "dataset", "", "calibration data for the conversion: mnist, fashion-mnist or a .npz file (its x_calib, else the first 2000 images of x; docs/import.md); default: the set the model was trained on")
	f.BoolVar(&o.PerChannel, "per-channel", false, "rate conversion: balance thresholds per channel instead of per layer")
	f.Float64Var(&o.Percentile, "percentile", 99.9, "threshold balancing: percentile of each layer's activations (100 = max)")
	return cmd
}

// exportGraph is export for a NIR model: it lowers the graph onto the
// chip as run does (binary input) and writes the lowered network.
func exportGraph(cmd *cobra.Command, model, out string, cfg chip.Config, dt float64) error {
	for _, name := range []string{"conversion", "per-channel", "percentile", "dataset"} {
		if cmd.Flags().Changed(name) {
			return fmt.Errorf("export: --%s applies to built-in ANN models, not to NIR graphs", name)
		}
	}
	g, err := readGraph(model)
	if err != nil {
		return err
	}
	lw, err := nirconv.Lower(g, nirconv.LowerOptions{DT: dt, WeightBits: cfg.WeightBits})
	if err != nil {
		return fmt.Errorf("export: model %s: %w", model, err)
	}
	eg, err := nirconv.FromChip(lw.Net, dt)
	if err != nil {
		return fmt.Errorf("export: model %s: %w", model, err)
	}
	if err := nir.Write(out, eg); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = fmt.Fprintf(os.Stdout, "wrote %s: model %s (lowered onto chip %s, dt %g s) as %d NIR nodes and %d edges\n",
		out, model, cfg.Name, dt, len(eg.Nodes), len(eg.Edges))
	return err
}
