package explore

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/internal/inputfile"
	"github.com/spikemesh/spikemesh/internal/membudget"
	"github.com/spikemesh/spikemesh/internal/yamlstrict"
	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/workloads"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// exploreFormat is part of every point's key. Raise it when a change to the
// simulator makes stored results stale, so that resumed sweeps redo them.
const exploreFormat = 1

// Limits on the size of a space, to turn typing mistakes into messages
// instead of runs that never end.
const (
	maxValuesPerParam = 100_000
	maxGridPoints     = 100_000 // for the grid strategy; larger spaces need random or nsga2
	// maxEvaluations bounds the points any strategy computes: random
	// points, and nsga2 population × (generations + 1). It is the grid's
	// bound, for the same reason: a point simulates at least one sample
	// (the example space's take about a second each on one core), so
	// 100,000 points is already days of compute, and the strategy's own
	// bookkeeping (a few hundred bytes per point) stays far below any
	// memory budget. A larger number is a typing mistake (10^9 points
	// reached 4.4 GB of bookkeeping in 8 s before this check).
	maxEvaluations = maxGridPoints
	// maxPopulation bounds one nsga2 generation, which is held and sorted
	// whole (non-dominated sorting is quadratic in it).
	maxPopulation  = 10_000
	maxSpacePoints = 1 << 62
)

// exampleSpace is the space `spikemesh explore --example` runs, embedded
// from this package's directory so that the binary needs no file beside it.
//
//go:embed spaces/mnist.yaml
var exampleSpace []byte

// ExampleSpace returns the text of the built-in example space
// (explore/spaces/mnist.yaml): a small sweep of the built-in MNIST MLP.
func ExampleSpace() []byte { return bytes.Clone(exampleSpace) }

// mgExample is the Mackey-Glass example space, embedded so that the binary
// needs no file beside it (it names no other file).
//
//go:embed spaces/mackey-glass.yaml
var mgExample []byte

// seqMNISTExample is the sequential-MNIST example space, embedded so that
// the binary needs no file beside it (its model and input are built in).
//
//go:embed spaces/seq-mnist.yaml
var seqMNISTExample []byte

// SeqMNISTExampleSpace returns the text of the built-in sequential-MNIST
// example space (explore/spaces/seq-mnist.yaml): the built-in recurrent
// SNN seq-mnist over weight bits and two chips' core sizes.
func SeqMNISTExampleSpace() []byte { return bytes.Clone(seqMNISTExample) }

// MackeyGlassExampleSpace returns the text of the built-in Mackey-Glass
// example space (explore/spaces/mackey-glass.yaml): reservoir size and
// timesteps per value against sMAPE and energy per prediction.
func MackeyGlassExampleSpace() []byte { return bytes.Clone(mgExample) }

// nirExample is the NIR example space with the model and input it names,
// embedded so that the binary needs no file beside it.
//
//go:embed spaces/braille.yaml spaces/braille.nir spaces/braille_input.npz
var nirExample embed.FS

// NIRExampleSpace returns the text of the built-in NIR example space
// (explore/spaces/braille.yaml), which names braille.nir and
// braille_input.npz beside it.
func NIRExampleSpace() []byte {
	b, _ := nirExample.ReadFile("spaces/braille.yaml") // embedded: cannot fail
	return b
}

// LoadNIRExample parses the built-in NIR example space. The NIR reader
// and the input reader open files by path, so the embedded model and
// input are written to a temporary directory, read, and removed.
func LoadNIRExample() (*Space, error) {
	dir, err := os.MkdirTemp("", "spikemesh-nir-example-")
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"braille.nir", "braille_input.npz"} {
		b, _ := nirExample.ReadFile("spaces/" + name) // embedded: cannot fail
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return nil, fmt.Errorf("explore: %w", err)
		}
	}
	s, err := ParseSpaceIn(NIRExampleSpace(), dir)
	if err != nil {
		return nil, err
	}
	// The points' keys hold the files' hashes, not their paths; name the
	// model as the space file does, not by the temporary directory.
	s.NIR.ModelPath, s.NIR.InputPath = "braille.nir", "braille_input.npz"
	s.NIR.Input.Name = s.NIR.InputPath
	return s, nil
}

// PointConfig is everything that determines the result of one point: the
// workload, the chip, the conversion, the run and the energy model. A
// point's key is a hash of it, so two points with the same PointConfig are
// the same point whatever space they came from.
type PointConfig struct {
	Format   int    `json:"format"`
	Workload string `json:"workload"`
	Samples  int    `json:"samples"`
	// Dataset is "" for the test set the workload was trained on
	// (models.ImageSetOf), "mnist", "fashion-mnist", or a .npz file
	// (package workloads/dataset) whose SHA-256 is DatasetSHA256, so a
	// changed file makes new points. Both are left out of the JSON when
	// empty, which keeps the keys of MNIST points as they were.
	Dataset       string            `json:"dataset,omitempty"`
	DatasetSHA256 string            `json:"dataset_sha256,omitempty"`
	Chip          chip.Config       `json:"chip"`
	Method        workloads.Method  `json:"method"`
	Percentile    float64           `json:"percentile"`
	Encoder       workloads.Encoder `json:"encoder"`
	Timesteps     int               `json:"timesteps"`
	Seed          uint64            `json:"seed"`
	Energy        energy.Model      `json:"energy"`
	// A NIR model (Space.NIR): the SHA-256 of its file and of its input
	// file, and the time step. Empty for the built-in ANN workloads, whose
	// keys stay what they were.
	ModelSHA256 string  `json:"model_sha256,omitempty"`
	InputSHA256 string  `json:"input_sha256,omitempty"`
	DT          float64 `json:"dt_s,omitempty"`
	// The Mackey-Glass workload (Space.MG): the recipe's reservoir size
	// and chip timesteps per series value (mackeyglass.Recipe). Zero for
	// the other workloads, whose keys stay what they were.
	Hidden        int `json:"hidden,omitempty"`
	StepsPerValue int `json:"steps_per_value,omitempty"`
	// inputT is the NIR input's T, the most timesteps a point can run
	// (0: no such bound). Not part of the key: the input's hash is.
	inputT int
}

// isNIR reports whether the point runs a NIR model.
func (pc *PointConfig) isNIR() bool { return pc.ModelSHA256 != "" }

// isMG reports whether the point runs the Mackey-Glass workload.
func (pc *PointConfig) isMG() bool { return pc.Hidden != 0 }

// Validate reports every invalid field at once.
func (pc *PointConfig) Validate() error {
	var errs []error
	if err := pc.Chip.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("chip: %w", err))
	}
	if pc.isMG() {
		if err := pc.recipe().Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if !pc.isNIR() && !pc.isMG() && !(pc.Percentile > 0 && pc.Percentile <= 100) {
		errs = append(errs, fmt.Errorf("percentile is %g, must be in (0, 100]", pc.Percentile))
	}
	if pc.Timesteps < 1 || pc.Timesteps > spikemesh.MaxTimesteps {
		errs = append(errs, fmt.Errorf("timesteps is %d, must be in 1..%d", pc.Timesteps, spikemesh.MaxTimesteps))
	} else if pc.inputT > 0 && pc.Timesteps > pc.inputT {
		errs = append(errs, fmt.Errorf("timesteps is %d, the NIR model's input has %d per sample", pc.Timesteps, pc.inputT))
	}
	if pc.Samples < 1 {
		errs = append(errs, fmt.Errorf("samples is %d, must be >= 1", pc.Samples))
	}
	if err := pc.Energy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("energy: %w", err))
	}
	return errors.Join(errs...)
}

// Space is a design space: a base configuration, the parameters to vary,
// the objectives and constraints, and the strategy. Load it with
// ParseSpace or LoadSpaceFile; it is read-only afterwards.
type Space struct {
	Base        PointConfig // the configuration every point starts from
	ChipName    string      // base chip preset or file
	EnergyName  string      // base energy preset or file
	Params      []Param     // in file order; the first varies slowest in the grid
	Objectives  []Objective
	Constraints []Constraint
	Strategy    Strategy
	// NIR is the graph and input of a space that sweeps a NIR model
	// (model and input in the space file); nil for a built-in workload.
	NIR *NIRModel
	// MG is the task of a space that sweeps the Mackey-Glass workload
	// (workload: mackey-glass); nil for the others.
	MG *MackeyGlass
}

type spaceFile struct {
	Workload    string       `yaml:"workload"`
	Model       string       `yaml:"model"`
	Input       string       `yaml:"input"`
	DT          float64      `yaml:"dt"`
	Dataset     string       `yaml:"dataset"`
	Samples     int          `yaml:"samples"`
	Chip        string       `yaml:"chip"`
	Energy      string       `yaml:"energy"`
	Parameters  yaml.Node    `yaml:"parameters"`
	Objectives  []string     `yaml:"objectives"`
	Constraints []string     `yaml:"constraints"`
	Strategy    strategyFile `yaml:"strategy"`
}

type strategyFile struct {
	Kind        string  `yaml:"kind"`
	Seed        *uint64 `yaml:"seed"`
	Points      int     `yaml:"points"`
	Population  int     `yaml:"population"`
	Generations int     `yaml:"generations"`
	Crossover   float64 `yaml:"crossover"`
	Mutation    float64 `yaml:"mutation"`
}

// LoadSpaceFile reads a space file. Chip and energy files it names are
// relative to the current directory, as on the command line; a NIR model
// and its input are relative to the space file's directory.
func LoadSpaceFile(name string) (*Space, error) {
	data, err := inputfile.Read(name, inputfile.SpaceYAML)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	s, err := ParseSpaceIn(data, filepath.Dir(name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// ParseSpace parses and checks a space file (see docs/explore.md). It
// reports every problem it finds: unknown keys and parameters, values out
// of range, empty ranges, duplicated values, unknown metrics and
// constraints that no point can meet. A NIR model and input it names are
// relative to the current directory (ParseSpaceIn takes another).
func ParseSpace(data []byte) (*Space, error) { return ParseSpaceIn(data, ".") }

// ParseSpaceIn is ParseSpace for a space file in directory dir: the NIR
// model and input it names are relative to dir.
func ParseSpaceIn(data []byte, dir string) (*Space, error) {
	var f spaceFile
	if err := yamlstrict.Decode(data, &f); err != nil {
		if errors.Is(err, yamlstrict.ErrEmpty) {
			return nil, errors.New("explore: space file is empty")
		}
		return nil, fmt.Errorf("explore: not a valid space file: %w", err)
	}
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	s := &Space{ChipName: f.Chip, EnergyName: f.Energy}
	if s.ChipName == "" {
		s.ChipName = "loihi"
	}
	if s.EnergyName == "" {
		s.EnergyName = "loihi"
	}
	s.Base = PointConfig{Format: exploreFormat, Workload: f.Workload, Samples: f.Samples,
		Percentile: 99.9, Encoder: workloads.Rate, Timesteps: 32, Seed: 1}
	// A built-in graph model (seq-mnist) is swept as a NIR model whose
	// graph and input are built in (graphspace.go).
	graph := f.Model == "" && f.Input == "" && models.IsGraph(f.Workload)
	switch {
	case f.Model != "" || f.Input != "":
		if f.Workload != "" {
			fail("workload %q and model %q: give a built-in workload or a NIR model and its input, not both", f.Workload, f.Model)
		}
		nm, nerrs := loadNIR(nirFile{model: resolvePath(dir, f.Model), input: resolvePath(dir, f.Input), dt: f.DT}, &s.Base)
		errs = append(errs, nerrs...)
		s.NIR = nm
	case graph:
		if f.DT != 0 {
			fail("dt: %s runs at the time step it was trained at (%g s); dt is for a NIR model file", f.Workload, nirconv.DefaultDT)
		}
		nm, nerrs := loadGraphModel(f.Workload, f.Samples, &s.Base)
		errs = append(errs, nerrs...)
		s.NIR = nm
	case f.DT != 0:
		fail("dt is the time step of a NIR model; the space names none (model and input)")
	case f.Workload == mackeyglass.Name:
		mg, merrs := loadMackeyGlass(f.Samples, &s.Base)
		errs = append(errs, merrs...)
		s.MG = mg
	}
	if s.NIR == nil && s.Base.Workload == "" {
		s.Base.Workload = "mnist-mlp"
	}
	if s.NIR == nil && s.MG == nil && !graph && f.Model == "" && f.Input == "" && !slices.Contains(models.Names(), s.Base.Workload) {
		fail("workload %q is not a built-in model (available: %s, %s, %s; or sweep a NIR graph with model and input)", s.Base.Workload,
			strings.Join(models.Names(), ", "), strings.Join(models.GraphNames(), ", "), mackeyglass.Name)
	}
	if err := s.SetDataset(f.Dataset); err != nil {
		errs = append(errs, err)
	}
	if s.Base.Samples == 0 {
		s.Base.Samples = 300
	}
	if s.NIR == nil && !graph && s.Base.Samples < 1 {
		fail("samples is %d, must be >= 1", s.Base.Samples)
	}
	baseOK := true
	if c, err := chip.Resolve(s.ChipName); err != nil {
		fail("chip: %w", err)
		baseOK = false
	} else {
		c.Description = ""
		s.Base.Chip = c
	}
	if m, err := energy.Resolve(s.EnergyName); err != nil {
		fail("energy: %w", err)
		baseOK = false
	} else {
		s.Base.Energy = stripEnergy(m)
	}

	if s.NIR != nil {
		s.Base.inputT = s.NIR.Input.T
	}
	params, err := parseParams(&f.Parameters, s.Base, baseOK)
	if err != nil {
		errs = append(errs, err)
	}
	s.Params = params
	for _, p := range params {
		if s.NIR != nil {
			if err := nirParamError(p.def); err != nil {
				errs = append(errs, err)
			}
		}
		if err := s.workloadParamError(p.def); err != nil {
			errs = append(errs, err)
		}
	}

	for _, o := range f.Objectives {
		obj, err := parseObjective(o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if slices.ContainsFunc(s.Objectives, func(x Objective) bool { return x.Metric == obj.Metric }) {
			fail("objectives: %s is listed twice", obj.Metric)
			continue
		}
		if err := s.checkMetric(obj.Metric); err != nil {
			errs = append(errs, fmt.Errorf("objectives: %w", err))
			continue
		}
		s.Objectives = append(s.Objectives, obj)
	}
	if len(f.Objectives) == 0 {
		fail("objectives: none given; e.g. [\"maximize accuracy_pct\", \"minimize energy_uj\"] (metrics: %s)", strings.Join(MetricNames(), ", "))
	}
	for _, c := range f.Constraints {
		con, err := parseConstraint(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.checkMetric(con.Metric); err != nil {
			errs = append(errs, fmt.Errorf("constraints: %w", err))
			continue
		}
		s.Constraints = append(s.Constraints, con)
	}
	if err := parseStrategy(&f.Strategy, s); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		if err := s.checkConstraintsSatisfiable(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("explore: invalid space:\n%w", errors.Join(errs...))
	}
	return s, nil
}

// size is the number of points in the full grid.
func (s *Space) size() (int64, error) {
	n := int64(1)
	for _, p := range s.Params {
		if n > maxSpacePoints/int64(len(p.Values)) {
			return 0, fmt.Errorf("the space has more than 2^62 points")
		}
		n *= int64(len(p.Values))
	}
	return n, nil
}

// Size is the number of points in the full grid of the space.
func (s *Space) Size() int64 {
	n, _ := s.size() // ParseSpace rejected spaces that overflow
	return n
}

// staticRange is the smallest and largest value of a metric fixed by the
// configuration, over every point of the space. Such metrics are products
// of positive parameters, so the extremes are at the parameters' extremes.
func (s *Space) staticRange(m *metricDef) (lo, hi float64) {
	pick := func(largest bool) PointConfig {
		pc := s.Base
		for _, p := range s.Params {
			if p.Kind == NameParam {
				continue
			}
			best := p.Values[0]
			for _, v := range p.Values[1:] {
				if (v.Num > best.Num) == largest {
					best = v
				}
			}
			_ = p.def.set(&pc, best) // every value was checked by parseParams
		}
		return pc
	}
	lp, hp := pick(false), pick(true)
	return m.static(&lp), m.static(&hp)
}

// MaxPointBytes bounds the memory one point's simulation takes for its
// chip (chip.Config.RunBytes with one worker, as the evaluator runs a
// point): the chip with the largest value of every numeric parameter
// (mesh, cores per router, buffer depth and board sizes only grow memory),
// plus traffic-aware placement's per-core arrays when placement varies.
// Checking it before a sweep (CheckMemory) refuses a space whose largest
// chip would not fit, without making any point's result depend on the
// machine.
func (s *Space) MaxPointBytes() int64 {
	pc := s.Base
	varies := false
	for _, p := range s.Params {
		if p.Kind == NameParam {
			varies = varies || p.Name == "placement"
			continue
		}
		best := p.Values[0]
		for _, v := range p.Values[1:] {
			if v.Num > best.Num {
				best = v
			}
		}
		_ = p.def.set(&pc, best) // every value was checked by parseParams
	}
	c := pc.Chip
	b := c.RunBytes(1, 1)
	if varies && c.Placement == chip.RowMajor {
		c.Placement = chip.Greedy
		b += c.PlacementBytes()
	}
	return b
}

// CheckMemory refuses the space when workers points at once, each with
// the space's largest chip (MaxPointBytes), would not fit in budget bytes
// (0: no limit).
func (s *Space) CheckMemory(budget int64, workers int) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	need := s.MaxPointBytes()
	if need > (1<<63-1)/int64(workers) {
		need = 1<<63 - 1
	} else {
		need *= int64(workers)
	}
	return membudget.Budget(budget).Check(fmt.Sprintf("explore: the space's largest chip on %d workers", workers), need,
		"use smaller mesh, cores_per_router or buffer_depth values, fewer --workers, or raise --max-memory")
}

// oneLine joins a multi-line error into one line.
func oneLine(err error) string {
	s := strings.ReplaceAll(err.Error(), ":\n", ": ")
	return strings.ReplaceAll(s, "\n", "; ")
}
