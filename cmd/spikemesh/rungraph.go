package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/workloads/dataset"
)

// isNIRModel reports whether --model names a NIR file (run then runs the
// graph instead of converting a built-in ANN).
func isNIRModel(model string) bool { return strings.HasSuffix(strings.ToLower(model), ".nir") }

// graphFlags are run's flags that apply to NIR graphs only.
type graphFlags struct {
	input string
	dt    float64
}

func (g *graphFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&g.input, "input", "", "NIR models: input spikes or currents, .npy or .npz ([samples, T, channels...], optional labels; see docs/nir.md)")
	f.Float64Var(&g.dt, "dt", 1e-4, "NIR models: time step in seconds (NIR stores none; 1e-4 is what snnTorch, Lava and SpiNNaker2 export with)")
}

// runGraph is spikemesh run for a NIR file: it reads the graph and the
// input, runs them on the chip and in float and prints the report.
func runGraph(cmd *cobra.Command, model, chipName, energyName, override, timesteps string, samples, workers int, asJSON bool, gf *graphFlags, sf *setFlag) error {
	f := cmd.Flags()
	for _, name := range []string{"conversion", "encoder", "per-channel", "percentile", "timings", "reset", "core-energy"} {
		if f.Changed(name) {
			return fmt.Errorf("--%s applies to built-in ANN models, not to NIR graphs", name)
		}
	}
	data, err := f.GetString("dataset")
	if err != nil {
		return err
	}
	switch {
	case f.Changed("dataset") && gf.input != "":
		return fmt.Errorf("--dataset and --input both give a NIR model's input; pass one")
	case f.Changed("dataset") && !strings.HasSuffix(strings.ToLower(data), ".npz"):
		return fmt.Errorf("--dataset %s: a NIR model takes a .npz file with [N, T, channels] sequences in x (see docs/import.md)", data)
	case !f.Changed("dataset") && gf.input == "":
		return fmt.Errorf("--input: a NIR model needs input data (.npy or .npz, or --dataset FILE.npz; see docs/nir.md)")
	}
	if !(gf.dt > 0) {
		return fmt.Errorf("--dt %g: must be > 0", gf.dt)
	}
	cfg, err := chip.Resolve(chipName)
	if err != nil {
		return err
	}
	if cfg, err = sf.applyChip(cfg, true); err != nil {
		return err
	}
	if override, err = sf.energySpec(override); err != nil {
		return err
	}
	e, err := energy.Resolve(energyName)
	if err != nil {
		return err
	}
	if override != "" {
		if e, err = e.Override(override); err != nil {
			return fmt.Errorf("--energy-override: %w", err)
		}
	}
	T := 0
	if timesteps != "" {
		if T, err = strconv.Atoi(timesteps); err != nil || T < 1 {
			return fmt.Errorf("--timesteps %q: a NIR run takes one count >= 1", timesteps)
		}
	}
	if !f.Changed("samples") {
		samples = 0 // every sample of the input
	}
	traceDir, err := f.GetString("trace")
	if err != nil {
		return err
	}
	g, err := nir.Read(model, nir.Options{})
	if err != nil {
		return err
	}
	var in *graphrun.Input
	if gf.input != "" {
		in, err = graphrun.ReadInput(gf.input)
	} else {
		in, err = sequenceInput(data, T)
	}
	if err != nil {
		return err
	}
	rep, err := graphrun.Run(cmd.Context(), graphrun.Options{Graph: g, Model: model, Input: in, Chip: cfg, ChipName: chipName,
		Energy: e, DT: gf.dt, Timesteps: T, Samples: samples, Workers: workers, TraceDir: traceDir})
	if err != nil {
		return err
	}
	rep.Provenance.Version, rep.Provenance.CommandLine = version(), os.Args
	w := bufio.NewWriter(os.Stdout)
	if asJSON {
		err = rep.WriteJSON(w)
	} else {
		err = rep.WriteText(w)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// sequenceInput reads a --dataset file of sequences as a NIR run's input,
// checking that it covers T timesteps (0: the file's own length).
func sequenceInput(path string, T int) (*graphrun.Input, error) {
	d, err := dataset.Open(path)
	if err != nil {
		return nil, err
	}
	if err := d.CheckSteps(T); err != nil {
		return nil, err
	}
	q := d.Sequences
	if q.StepTargets != nil {
		return nil, fmt.Errorf("dataset: %s: array y: per-step targets [%d, %d] are read but run scores per-sample labels only; save y as [%d] integer labels", path, q.N, q.T, q.N)
	}
	return graphrun.NewInput(path, q.N, q.T, q.Shape, q.X, q.Labels)
}
