package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/internal/membudget"
	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/workloads/dataset"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// isNIRModel reports whether --model names a NIR file (run then runs the
// graph instead of converting a built-in ANN).
func isNIRModel(model string) bool { return strings.HasSuffix(strings.ToLower(model), ".nir") }

// readGraph returns a built-in graph model (seq-mnist) or reads a NIR file.
func readGraph(model string) (*nir.Graph, error) {
	if models.IsGraph(model) {
		return models.LoadGraph(model)
	}
	return nir.Read(model, nir.Options{})
}

// isGraphModel reports whether run takes the graph path for --model: a NIR
// file or a built-in graph model (seq-mnist).
func isGraphModel(model string) bool { return isNIRModel(model) || models.IsGraph(model) }

// graphFlags are run's flags that apply to NIR graphs only.
type graphFlags struct {
	input     string
	dt        float64
	inputRate float64
}

func (g *graphFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&g.input, "input", "", "NIR models: input spikes or currents, .npy or .npz ([samples, T, channels...], optional labels; see docs/nir.md); SANA-FE networks: spikes for their input neurons (docs/sanafe.md)")
	f.Float64Var(&g.inputRate, "input-rate", 0, "sequence inputs (T > 1): input timesteps per second of a stream; the report then gives the real-time factor (1/rate over the chip's latency per timestep) and whether the chip keeps up")
	f.Float64Var(&g.dt, "dt", 1e-4, "NIR models: time step in seconds (NIR stores none; 1e-4 is what snnTorch, Lava and SpiNNaker2 export with)")
}

// runGraph is spikemesh run for a NIR file: it reads the graph and the
// input, runs them on the chip and in float and prints the report.
func runGraph(cmd *cobra.Command, model, chipName, energyName, override, timesteps, maxMemory string, samples, workers int, asJSON bool, gf *graphFlags, sf *setFlag) error {
	f := cmd.Flags()
	for _, name := range []string{"conversion", "encoder", "per-channel", "percentile", "timings", "reset", "core-energy", "leak", "seed"} {
		if f.Changed(name) {
			return fmt.Errorf("--%s applies to built-in ANN models, not to NIR graphs", name)
		}
	}
	builtin := models.IsGraph(model)
	if builtin && f.Changed("dt") {
		return fmt.Errorf("--dt: %s runs at the time step it was trained at; --dt is for NIR files", model)
	}
	if f.Changed("samples") && samples < 1 {
		return fmt.Errorf("--samples %d: must be >= 1", samples)
	}
	mem, err := budget(maxMemory)
	if err != nil {
		return err
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
	case !f.Changed("dataset") && gf.input == "" && !builtin:
		return fmt.Errorf("--input: a NIR model needs input data (.npy or .npz, or --dataset FILE.npz; see docs/nir.md)")
	}
	if err := gf.checkInputRate(cmd); err != nil {
		return err
	}
	if !(gf.dt > 0) {
		return fmt.Errorf("--dt %g: must be > 0", gf.dt)
	}
	cfg, e, err := resolveChipEnergy(chipName, energyName, override, sf)
	if err != nil {
		return err
	}
	T := 0
	if timesteps != "" {
		if T, err = strconv.Atoi(timesteps); err != nil || T < 1 {
			return fmt.Errorf("--timesteps %q: a NIR run takes one count >= 1", timesteps)
		}
	}
	if !f.Changed("samples") && (!builtin || gf.input != "" || f.Changed("dataset")) {
		samples = 0 // every sample of the input; a built-in graph model on its own test set keeps run's default
	}
	if err := mem.Check("the chip's mesh and cores", cfg.RunBytes(resolvedWorkers(workers), 1), "use a smaller mesh (--set mesh_width=..., mesh_height=...)"); err != nil {
		return err
	}
	for _, path := range []string{gf.input, data} {
		if path == "" || (path == data && !f.Changed("dataset")) {
			continue
		}
		need, err := inputBytes(path)
		if err != nil {
			return err
		}
		if err := mem.Check("input "+path, need, "use a smaller input file"); err != nil {
			return err
		}
	}
	traceDir, err := f.GetString("trace")
	if err != nil {
		return err
	}
	var in *graphrun.Input
	var reg *graphrun.Regression // per-step targets in a --dataset file
	g, err := readGraph(model)
	if err != nil {
		return err
	}
	switch {
	case gf.input != "":
		in, err = graphrun.ReadInput(gf.input)
	case f.Changed("dataset"):
		in, reg, err = sequenceInput(data, T)
	default:
		in, err = mnistRows(samples)
	}
	if err != nil {
		return err
	}
	rep, err := graphrun.Run(cmd.Context(), graphrun.Options{Graph: g, Model: model, Input: in, Chip: cfg, ChipName: chipName,
		Energy: e, DT: gf.dt, Timesteps: T, Samples: samples, Workers: workers, TraceDir: traceDir, InputRateHz: gf.inputRate, Regression: reg})
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

// checkInputRate refuses a given --input-rate that is not a finite rate
// > 0 (0, negative, NaN, Inf).
func (g *graphFlags) checkInputRate(cmd *cobra.Command) error {
	if cmd.Flags().Changed("input-rate") && (!(g.inputRate > 0) || math.IsInf(g.inputRate, 0)) {
		return fmt.Errorf("--input-rate %v: want a finite rate > 0 (input timesteps per second)", g.inputRate)
	}
	return nil
}

// resolveChipEnergy resolves --chip and --energy with --set and
// --energy-override applied, for graph runs.
func resolveChipEnergy(chipName, energyName, override string, sf *setFlag) (chip.Config, energy.Model, error) {
	cfg, err := chip.Resolve(chipName)
	if err != nil {
		return cfg, energy.Model{}, err
	}
	if cfg, err = sf.applyChip(cfg, true); err != nil {
		return cfg, energy.Model{}, err
	}
	if override, err = sf.energySpec(override); err != nil {
		return cfg, energy.Model{}, err
	}
	e, err := energy.Resolve(energyName)
	if err != nil {
		return cfg, e, err
	}
	if override != "" {
		if e, err = e.Override(override); err != nil {
			return cfg, e, fmt.Errorf("--energy-override: %w", err)
		}
	}
	return cfg, e, nil
}

// mnistRows is the input of the built-in sequential-MNIST model: the first
// samples images of the embedded MNIST test set (all 10,000 for samples
// <= 0), each as 28 timesteps of one 28-pixel row, pixel/255, with labels.
func mnistRows(samples int) (*graphrun.Input, error) {
	test, err := mnist.Test()
	if err != nil {
		return nil, err
	}
	if samples > 0 && samples < test.N {
		test = test.Slice(0, samples)
	}
	data, labels := test.RowSequences()
	return graphrun.NewInput("MNIST test set as rows (pixel/255)", test.N, test.Rows, []int{test.Cols}, data, labels)
}

// sequenceInput reads a --dataset file of sequences as a NIR run's input,
// checking that it covers T timesteps (0: the file's own length). Per-step
// targets ([N, T] y) make the run a regression: every step of every sample
// is scored against the output readout's voltage after it (graphrun's
// Regression; the graph's single output must be a readout that does not
// fire, as graphrun checks).
func sequenceInput(path string, T int) (*graphrun.Input, *graphrun.Regression, error) {
	d, err := dataset.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if err := d.CheckSteps(T); err != nil {
		return nil, nil, err
	}
	q := d.Sequences
	in, err := graphrun.NewInput(path, q.N, q.T, q.Shape, q.X, q.Labels)
	if err != nil || q.StepTargets == nil {
		return in, nil, err
	}
	if T == 0 {
		T = q.T
	}
	return in, &graphrun.Regression{Targets: q.StepTargets, From: 0, To: T}, nil
}

// inputBytes bounds the memory an input or dataset file takes once read:
// its values as float64 (graphrun and the dataset reader hold them so) plus
// the decoded array they come from. For an .npz file that is the declared
// elements of every array × (8 + item size), read from the headers before
// any data; for a .npy file, 9 bytes per byte of the file (each element
// takes at least one byte of it).
func inputBytes(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !strings.HasSuffix(strings.ToLower(path), ".npz") {
		return membudget.SatMul(st.Size(), 9), nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	a, err := npyfile.OpenArchive(path, fh, st.Size(), graphrun.MaxInputBytes)
	if err != nil {
		return 0, err
	}
	var need int64
	for _, k := range a.Keys() {
		h, err := a.Header(k)
		if err != nil {
			return 0, err
		}
		need = membudget.SatAdd(need, membudget.SatMul(int64(h.Len()), int64(8+h.DType.Size())))
	}
	return need, nil
}
