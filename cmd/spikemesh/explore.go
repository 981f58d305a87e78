package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/spikemesh/spikemesh/explore"
)

func newExploreCmd() *cobra.Command {
	var (
		spacePath, out, shard string
		workers               int
		example, printExample bool
		exampleNIR, exampleMG bool
		exampleSeq            bool
		waitLock, spaceChange bool
		maxMemory, data       string
		sf                    setFlag
	)
	cmd := &cobra.Command{
		Use:   "explore",
		Short: "Sweep chip, conversion, run and energy parameters; write every point, the Pareto front and plots",
		Long: `explore evaluates the points of a design space (--space, a YAML file; see
docs/explore.md) and writes into --out:

  points.jsonl   one line per finished point, appended as soon as it finishes
  points.csv     every point, every metric
  pareto.csv     the non-dominated points under the objectives and constraints
  summary.txt    a short summary of the front (also printed)
  provenance.json  this build, the command line, the base chip and energy model, the seeds
  accuracy_vs_energy.png, energy_vs_latency.png (and .svg)

Running the same command again skips the points already in points.jsonl, so
an interrupted sweep (Ctrl-C, a crash, a power cut) finishes where it
stopped. Ctrl-C prints what was done and exits with status 130. --shard i/n
evaluates a deterministic share of the points (for job arrays); "explore
merge" combines the shards' directories.

--out is locked while a sweep runs: a second sweep on it is refused (or
waits, with --wait-lock). manifest.json in --out records the space, the
shard and the spikemesh version; a run with another shard or space is
refused rather than mixed in. --print-example writes the built-in example
space, a starting point for your own space.yaml.

` + spaceHelp(),
		Example: `  spikemesh explore --print-example > space.yaml
  spikemesh explore --example --out results/
  spikemesh explore --example-nir --out results/
  spikemesh explore --example-mackey-glass --out results/
  spikemesh explore --example-seq-mnist --out results/
  spikemesh explore --space explore/spaces/braille.yaml --out results/
  spikemesh explore --space explore/spaces/mnist.yaml --out results/ --workers 2
  spikemesh explore --space space.yaml --out results/shard-$SLURM_ARRAY_TASK_ID --shard $SLURM_ARRAY_TASK_ID/8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if printExample {
				if spacePath != "" || example || exampleNIR || exampleMG || exampleSeq {
					return errors.New("explore: --print-example takes no --space, --example, --example-nir, --example-mackey-glass or --example-seq-mnist")
				}
				_, err := cmd.OutOrStdout().Write(explore.ExampleSpace())
				return err
			}
			s, err := loadSpace(spacePath, example, exampleNIR, exampleMG, exampleSeq, &sf)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("dataset") {
				if err := s.SetDataset(data); err != nil {
					return trimPkg(err)
				}
			}
			b, err := budget(maxMemory)
			if err != nil {
				return err
			}
			if err := s.CheckMemory(int64(b), workers); err != nil {
				return trimPkg(err)
			}
			var sh explore.Shard
			if shard != "" {
				if sh, err = explore.ParseShard(shard); err != nil {
					return trimPkg(err)
				}
			}
			// Hold --out from the first point to the last plot, so that no
			// other sweep starts between the points and the outputs.
			tidy := tidyNewDir(out)
			lock, err := explore.LockDir(cmd.Context(), out, waitLock)
			if err != nil {
				if cmd.Context().Err() != nil {
					return interruptedSweep(nil, filepath.Join(out, explore.PointsFile))
				}
				return trimPkg(err)
			}
			defer func() { tidy(err != nil); lock.Unlock() }()
			o := explore.Options{Dir: out, Workers: workers, Log: os.Stderr, Lock: lock,
				Shard: sh, SpaceChanged: spaceChange, Version: version()}
			bar := newPointProgress(os.Stderr)
			o.Progress = bar.update
			res, err := explore.Sweep(cmd.Context(), s, o)
			bar.finish()
			if err != nil {
				if cmd.Context().Err() != nil {
					return interruptedSweep(res, filepath.Join(out, explore.PointsFile))
				}
				return trimPkg(err)
			}
			if err := writeProvenance(out, s); err != nil {
				return trimPkg(err)
			}
			stdout := cmd.OutOrStdout()
			if o.Shard.Count > 0 {
				fmt.Fprintf(stdout, "shard %s: %d points (%d evaluated, %d already done) in %s\n",
					o.Shard, len(res.Results), res.Evaluated, res.Reused, filepath.Join(out, explore.PointsFile))
				fmt.Fprintf(stdout, "%s\nwhen every shard is done: spikemesh explore merge --space SPACE --out DIR SHARD_DIRS...\n", workLine(res))
				return nil
			}
			summary, werr := explore.WriteOutputs(out, s, res.Results)
			if summary != "" {
				fmt.Fprint(stdout, summary)
				fmt.Fprintf(stdout, "\n%s\nwrote %s\n", workLine(res), outputsLine(out))
			}
			return trimPkg(werr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&spacePath, "space", "", "design space YAML file (see docs/explore.md)")
	f.StringVar(&data, "dataset", "", "evaluate on this data set instead of the space's (its dataset field; default: the set the workload was trained on): mnist, fashion-mnist or a .npz file (docs/import.md); for sharded sweeps set it in the space file, which explore merge reads")
	f.BoolVar(&example, "example", false, "explore the built-in example space (explore/spaces/mnist.yaml)")
	f.BoolVar(&exampleNIR, "example-nir", false, "explore the built-in NIR example space (explore/spaces/braille.yaml: a NIR graph over chip parameters)")
	f.BoolVar(&exampleMG, "example-mackey-glass", false, "explore the built-in Mackey-Glass example space (explore/spaces/mackey-glass.yaml: reservoir size and timesteps per value against sMAPE and energy)")
	f.BoolVar(&exampleSeq, "example-seq-mnist", false, "explore the built-in sequential-MNIST example space (explore/spaces/seq-mnist.yaml: the recurrent SNN seq-mnist over weight bits and core sizes)")
	f.StringVar(&out, "out", "results", "results directory (created if missing)")
	f.IntVar(&workers, "workers", 0, "points evaluated at once (0 = GOMAXPROCS); results do not depend on it")
	maxMemoryFlag(f, &maxMemory)
	f.StringVar(&shard, "shard", "", "evaluate only shard i of n (i/n, 0 <= i < n), e.g. a job-array index")
	f.BoolVar(&waitLock, "wait-lock", false, "if another sweep is using --out, wait for it instead of failing")
	f.BoolVar(&spaceChange, "space-changed", false, "continue an unsharded --out started with another space, reusing its points that are still in the space")
	f.BoolVar(&printExample, "print-example", false, "print the built-in example space (to start a space.yaml) and exit")
	sf.register(cmd)
	cmd.AddCommand(newExploreMergeCmd())
	return cmd
}

func newExploreMergeCmd() *cobra.Command {
	var (
		spacePath, out string
		example        bool
		exampleNIR     bool
		exampleMG      bool
		exampleSeq     bool
		sf             setFlag
	)
	cmd := &cobra.Command{
		Use:   "merge SHARD_DIR...",
		Short: "Combine the results of explore --shard runs; check that no point is missing or duplicated",
		Long: `merge reads points.jsonl from every shard directory, checks that together
they hold every point of the space exactly once, and writes the merged
points.jsonl, points.csv, pareto.csv, summary.txt, provenance.json and plots
into --out, as a single run would.`,
		Example: `  spikemesh explore merge --space space.yaml --out results/ results/shard-*`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) (err error) {
			s, err := loadSpace(spacePath, example, exampleNIR, exampleMG, exampleSeq, &sf)
			if err != nil {
				return err
			}
			tidy := tidyNewDir(out)
			lock, err := explore.LockDir(cmd.Context(), out, false)
			if err != nil {
				return trimPkg(err)
			}
			defer func() { tidy(err != nil); lock.Unlock() }()
			res, err := explore.MergeShards(s, dirs, out, lock)
			if err != nil {
				return trimPkg(err)
			}
			if err := writeProvenance(out, s); err != nil {
				return trimPkg(err)
			}
			summary, werr := explore.WriteOutputs(out, s, res)
			stdout := cmd.OutOrStdout()
			if summary != "" {
				fmt.Fprint(stdout, summary)
				fmt.Fprintf(stdout, "\nmerged %d points from %d shards\nwrote %s, %s\n", len(res), len(dirs),
					filepath.Join(out, explore.PointsFile), outputsLine(out))
			}
			return trimPkg(werr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&spacePath, "space", "", "the design space YAML file the shards ran")
	f.BoolVar(&example, "example", false, "the shards ran the built-in example space")
	f.BoolVar(&exampleNIR, "example-nir", false, "the shards ran the built-in NIR example space")
	f.BoolVar(&exampleMG, "example-mackey-glass", false, "the shards ran the built-in Mackey-Glass example space")
	f.BoolVar(&exampleSeq, "example-seq-mnist", false, "the shards ran the built-in sequential-MNIST example space")
	sf.register(cmd)
	f.StringVar(&out, "out", "results", "directory for the merged results")
	return cmd
}

// tidyNewDir notes whether dir exists, and returns a function that, when
// the command failed, removes what the command left in a dir it created
// (the lock file, a manifest, the directory itself) as long as no point
// was stored there, so that a refused command leaves nothing behind. The
// lock file is removed while still held; only a sweep started on the same
// brand-new directory in that instant could race with it.
func tidyNewDir(dir string) func(failed bool) {
	_, err := os.Stat(dir)
	existed := !errors.Is(err, os.ErrNotExist)
	return func(failed bool) {
		if existed || !failed {
			return
		}
		if _, err := os.Stat(filepath.Join(dir, explore.PointsFile)); !errors.Is(err, os.ErrNotExist) {
			return
		}
		os.Remove(filepath.Join(dir, explore.ManifestFile))
		os.Remove(filepath.Join(dir, explore.LockFile))
		os.Remove(dir) // fails, harmlessly, if anything else is there
	}
}

// interruptedSweep is the error of a sweep stopped by Ctrl-C: it says what
// was done and wraps context.Canceled, so main exits with 130.
// Everything finished is already in points.jsonl.
func interruptedSweep(res *explore.Outcome, points string) error {
	done := "no points finished"
	if res != nil {
		done = fmt.Sprintf("%d of %d points done (%d evaluated now, %d already stored)",
			res.Evaluated+res.Reused, res.Total, res.Evaluated, res.Reused)
	}
	return &interruptedError{fmt.Sprintf("interrupted: %s; finished points are in %s; run the same command again to finish the sweep", done, points), context.Canceled}
}

// spaceHelp lists the parameters a space may vary and the metrics
// objectives and constraints may name, from the library's tables.
func spaceHelp() string {
	var b strings.Builder
	b.WriteString("Parameters (chip, conversion, run, energy):\n")
	for _, name := range explore.ParamNames() {
		group, kind, doc, _ := explore.ParamDoc(name)
		fmt.Fprintf(&b, "  %-24s %-10s %-7s %s\n", name, group, kind, doc)
	}
	b.WriteString("Metrics (objectives: maximize/minimize METRIC; constraints: METRIC >= X):\n")
	for _, name := range explore.MetricNames() {
		unit := explore.MetricUnit(name)
		if unit == "" {
			unit = "-"
		}
		fmt.Fprintf(&b, "  %-24s %s\n", name, unit)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func loadSpace(path string, example, exampleNIR, exampleMG, exampleSeq bool, sf *setFlag) (*explore.Space, error) {
	s, err := readSpace(path, example, exampleNIR, exampleMG, exampleSeq)
	if err != nil || len(sf.items) == 0 {
		return s, err
	}
	// --set changes the base every point starts from; a swept parameter
	// still overrides it point by point.
	if s.Base.Chip, err = sf.applyChip(s.Base.Chip, true); err != nil {
		return nil, err
	}
	if s.Base.Energy, err = sf.applyEnergy(s.Base.Energy); err != nil {
		return nil, err
	}
	s.Base.Energy.Description, s.Base.Energy.Sources = "", nil // as the space loader strips them
	return s, nil
}

func readSpace(path string, example, exampleNIR, exampleMG, exampleSeq bool) (*explore.Space, error) {
	n := 0
	for _, given := range []bool{path != "", example, exampleNIR, exampleMG, exampleSeq} {
		if given {
			n++
		}
	}
	switch {
	case n > 1:
		return nil, errors.New("explore: give one of --space, --example, --example-nir, --example-mackey-glass and --example-seq-mnist")
	case exampleSeq:
		s, err := explore.ParseSpace(explore.SeqMNISTExampleSpace())
		return s, trimPkg(err)
	case exampleMG:
		s, err := explore.ParseSpace(explore.MackeyGlassExampleSpace())
		return s, trimPkg(err)
	case exampleNIR:
		s, err := explore.LoadNIRExample()
		return s, trimPkg(err)
	case example:
		s, err := explore.ParseSpace(explore.ExampleSpace())
		return s, trimPkg(err)
	case path == "":
		return nil, errors.New("explore: no space given: use --space FILE, --example, --example-nir, --example-mackey-glass or --example-seq-mnist")
	}
	s, err := explore.LoadSpaceFile(path)
	return s, trimPkg(err)
}

// trimPkg drops the libraries' "explore: " or "spikemesh: " prefix, which
// main replaces with its own "spikemesh: ".
func trimPkg(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, prefix := range []string{"explore: ", "spikemesh: "} {
		if strings.Contains(msg, prefix) {
			return errors.New(strings.Replace(msg, prefix, "", 1))
		}
	}
	return err
}

// writeProvenance records in dir what produced it: this build, this
// command line, the space's base chip and energy model and its seeds.
func writeProvenance(dir string, s *explore.Space) error {
	p, err := explore.NewSweepProvenance(s)
	if err != nil {
		return err
	}
	p.Provenance.Version, p.Provenance.CommandLine = version(), os.Args
	return p.Write(dir)
}

func workLine(r *explore.Outcome) string {
	return fmt.Sprintf("evaluated %d new points in %s (%.1f points/min; %d conversions, %d mappings, %d simulations); %d points reused from %s",
		r.Evaluated, r.Elapsed.Round(100*time.Millisecond), r.PointsPerMinute(), r.Conversions, r.Mappings, r.Simulations, r.Reused, explore.PointsFile)
}

func outputsLine(dir string) string {
	names := []string{explore.PointsCSV, explore.ParetoCSV, explore.SummaryFile, explore.ProvenanceFile, explore.PlotAccVsEnergy, explore.PlotEnergyVsLat,
		explore.PlotAccVsEnergySVG, explore.PlotEnergyVsLatSVG}
	for i, n := range names {
		names[i] = filepath.Join(dir, n)
	}
	return strings.Join(names, ", ")
}

// pointProgress is a progress bar over points with rate and ETA, drawn only
// when its file is a terminal.
type pointProgress struct {
	f   *os.File
	on  bool
	bar *progressbar.ProgressBar
}

func newPointProgress(f *os.File) *pointProgress {
	return &pointProgress{f: f, on: term.IsTerminal(int(f.Fd()))}
}

func (p *pointProgress) update(done, total int) {
	if !p.on {
		return
	}
	if p.bar == nil {
		p.bar = newProgressBar(p.f, total, "exploring", "points")
		if p.bar == nil {
			return
		}
	}
	_ = p.bar.Set(done)
}

func (p *pointProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
