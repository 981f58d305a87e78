package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/internal/membudget"
	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/sanafe"
)

// sanafeTimesteps is the default run length of a SANA-FE network: the
// 1000 timesteps of SANA-FE's README command and of its tutorial_5_dvs.
const sanafeTimesteps = 1000

// sniff returns what path holds, by content (its first 4 KB): a SANA-FE
// network or architecture file, SANA-FE's DVS challenge data, or
// something else. A path that cannot be read is "something else"; the
// caller's usual loader then reports it.
func sniff(path string) sanafe.FileKind {
	f, err := os.Open(path)
	if err != nil {
		return sanafe.NotSanaFE
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return sanafe.NotSanaFE
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	k := sanafe.Detect(head[:n])
	if k == sanafe.ZipFile {
		a, err := npyfile.OpenArchive(path, f, st.Size(), 1<<24)
		if err != nil || !sanafe.IsDVSData(a.Keys()) {
			return sanafe.NotSanaFE
		}
	}
	return k
}

// readSanaFE reads a SANA-FE YAML file after checking its size and the
// memory parsing it takes against the --max-memory budget.
func readSanaFE(path string, b membudget.Budget) ([]byte, error) {
	if st, err := os.Stat(path); err == nil {
		need := membudget.SatMul(st.Size(), sanafe.ParseBytesPerFileByte)
		if err := b.Check("parsing SANA-FE file "+path, need, "use a smaller file or raise --max-memory"); err != nil {
			return nil, err
		}
	}
	return readBounded(path, sanafe.MaxFileBytes)
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > limit {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes", path, limit)
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

// runSanaFE is spikemesh run for a SANA-FE network file (or SANA-FE's
// DVS challenge data, which it builds into tutorial_5_dvs's network): it
// lowers the network to the chip, places it as the file maps it, runs it
// for --timesteps (default 1000; with --input, the input's T) and prints
// the report, as text or with --json as JSON. With --input, each sample
// of the input file drives the network's input neurons in its own run.
func runSanaFE(cmd *cobra.Command, model string, kind sanafe.FileKind, chipName, energyName, timesteps, maxMemory string, workers, samples int, asJSON bool, input string, sf *setFlag) error {
	f := cmd.Flags()
	if kind == sanafe.ArchFile {
		return fmt.Errorf("--model %s: a SANA-FE architecture file; give it with --chip and the network with --model", model)
	}
	for _, name := range []string{"conversion", "encoder", "per-channel", "percentile", "dataset", "reset", "core-energy", "trace"} {
		if f.Changed(name) {
			return fmt.Errorf("--%s does not apply to SANA-FE networks", name)
		}
	}
	if f.Changed("samples") && input == "" {
		return fmt.Errorf("--samples applies to SANA-FE networks only with --input")
	}
	T := sanafeTimesteps
	var in *graphrun.Input
	if input != "" {
		var err error
		if in, err = graphrun.ReadInput(input); err != nil {
			return err
		}
		if in.Encoding != graphrun.Spikes {
			return fmt.Errorf("--input %s: values are %s; a SANA-FE network's input neurons take spikes, 0 or 1", input, in.Encoding)
		}
		T = in.T
		if !f.Changed("samples") {
			samples = in.Samples
		}
		if samples < 1 || samples > in.Samples {
			return fmt.Errorf("--samples %d: must be in 1..%d (the input has %d)", samples, in.Samples, in.Samples)
		}
	}
	if timesteps != "" {
		var err error
		if T, err = strconv.Atoi(timesteps); err != nil || T < 1 {
			return fmt.Errorf("--timesteps %q: a SANA-FE run takes one count >= 1", timesteps)
		}
		if in != nil && T > in.T {
			return fmt.Errorf("--timesteps %d: must be in 1..%d (the input's T)", T, in.T)
		}
	}
	mem, err := budget(maxMemory)
	if err != nil {
		return err
	}
	start := time.Now()
	// The chip: a SANA-FE architecture file, or a spikemesh chip with the
	// per-core limits SANA-FE does not model lifted.
	var (
		cfg   chip.Config
		e     energy.Model
		arch  *sanafe.Arch
		notes []string
	)
	base, err := chip.Preset("loihi")
	if err != nil {
		return err
	}
	if e, err = energy.Resolve(energyName); err != nil {
		return err
	}
	if sniff(chipName) == sanafe.ArchFile {
		data, err := readSanaFE(chipName, mem)
		if err != nil {
			return err
		}
		if arch, err = sanafe.ParseArch(chipName, data); err != nil {
			return err
		}
		if cfg, e, notes, err = arch.Chip(base, e); err != nil {
			return err
		}
	} else {
		if cfg, err = chip.Resolve(chipName); err != nil {
			return err
		}
		cfg = sanafe.Unlimited(cfg)
		notes = append(notes, "synapse_memory_bytes, axons_per_core, fanout_entries_per_core: lifted to the largest allowed (SANA-FE models no such limits)")
	}
	if cfg, err = sf.applyChip(cfg, true); err != nil {
		return err
	}
	if err := sanafe.CheckModels(cfg); err != nil {
		return err
	}
	override, err := sf.energySpec("")
	if err != nil {
		return err
	}
	if override != "" {
		if e, err = e.Override(override); err != nil {
			return fmt.Errorf("--set: %w", err)
		}
	}
	var net *sanafe.Network
	if kind == sanafe.ZipFile {
		file, err := os.Open(model)
		if err != nil {
			return err
		}
		defer file.Close()
		st, err := file.Stat()
		if err != nil {
			return err
		}
		if net, err = sanafe.DVSTutorial(model, file, st.Size(), cfg.CoresPerRouter); err != nil {
			return err
		}
	} else {
		data, err := readSanaFE(model, mem)
		if err != nil {
			return err
		}
		parse := sanafe.ParseNetwork
		if kind == sanafe.NetlistFile {
			parse = sanafe.ParseNetlist
		}
		if net, err = parse(model, data); err != nil {
			return err
		}
	}
	pins, moved, err := sanafe.Pins(model, net, cfg)
	if err != nil {
		return err
	}
	notes = append(notes, moved...)
	if err := mem.Check("lowering SANA-FE network "+model, sanafe.LowerBytes(net, pins != nil), "use a smaller network or raise --max-memory"); err != nil {
		return err
	}
	low, err := sanafe.Lower(model, net, pins)
	if err != nil {
		return err
	}
	var costs *sanafe.Costs
	if arch != nil {
		if costs, err = arch.Costs(model, net); err != nil {
			return err
		}
		if !setsKey(sf, "synapse_event_cycles") {
			if c := costs.SynapseCycles(low.Connections); c > 0 {
				cfg.SynapseCycles = c
				notes = append(notes, fmt.Sprintf("synapse latency: every synaptic event takes %d cycles, the mean of the edges' synapse units' latency_process_spike weighted by their connections (SANA-FE charges each unit its own)", c))
			}
		}
	}
	var m *chip.Mapping
	if pins != nil {
		m, err = chip.MapPinned(low.Net, cfg, low.Pins)
	} else {
		m, err = chip.Map(low.Net, cfg)
	}
	if err != nil {
		return err
	}
	if arch != nil && !setsKey(sf, "barrier_base_cycles") && !setsKey(sf, "barrier_cycles_per_router") {
		// SANA-FE's synchronisation for this many mapped tiles, as the
		// chip's per-timestep barrier.
		m.Config.BarrierBaseCycles, m.Config.BarrierPerRouter = arch.SyncCycles(m.Routers), 0
		notes = append(notes, fmt.Sprintf("barrier: %d cycles per timestep, latency_sync for %d mapped tiles", m.Config.BarrierBaseCycles, m.Routers))
	}
	// The simulator's synapses and mesh, checked before sanafe.Run builds
	// them (runs of several samples build one simulator at a time).
	need := membudget.SatAdd(m.SynapseBytes(), m.Config.RunBytes(workers, 1))
	what := fmt.Sprintf("simulating SANA-FE network %s on %d cores of chip %s (synapses and mesh)", model, len(m.Cores), m.Config.Name)
	if err := mem.Check(what, need, "use a smaller network or chip, or raise --max-memory"); err != nil {
		return err
	}
	spec := sanafe.RunSpec{Net: net, Low: low, Map: m, Energy: e, Costs: costs, Timesteps: T, Workers: workers}
	var rep *sanafe.Report
	if in != nil {
		rep, err = sanafe.RunSamples(cmd.Context(), spec, inputSamples(in, samples, T))
	} else {
		rep, err = sanafe.Run(cmd.Context(), spec)
	}
	if err != nil {
		return err
	}
	rep.Pinned = pins != nil
	rep.Unsupported = notes
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
	if err := w.Flush(); err != nil {
		return err
	}
	if t, _ := f.GetBool("timings"); t {
		fmt.Fprintf(os.Stderr, "wall time: %v\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// inputSamples gives the first n samples of in, T timesteps each, as
// spike trains: channel c of sample s fires at timestep t when the input
// is 1 there (in holds spikes only).
func inputSamples(in *graphrun.Input, n, T int) sanafe.Samples {
	s := sanafe.Samples{Name: in.Name, N: n, Channels: in.Channels}
	if in.Labels != nil {
		s.Labels = in.Labels[:n]
	}
	s.Trains = func(i int) [][]bool {
		tr := make([][]bool, in.Channels)
		for c := range tr {
			tr[c] = make([]bool, T)
			for t := range T {
				tr[c][t] = in.At(i, t, c) != 0
			}
		}
		return tr
	}
	return s
}

// setsKey reports whether --set gives key.
func setsKey(sf *setFlag, key string) bool {
	for _, it := range sf.items {
		if k, _, _ := strings.Cut(it, "="); strings.TrimSpace(k) == key {
			return true
		}
	}
	return false
}
