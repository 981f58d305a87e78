package spikemesh

import (
	"bytes"
	_ "embed"
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/workloads"
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
	maxSpacePoints    = 1 << 62
)

//go:embed examples/space-mnist.yaml
var exampleSpace []byte

// ExampleSpace returns the text of the built-in example space
// (examples/space-mnist.yaml): a small sweep of the built-in MNIST MLP.
func ExampleSpace() []byte { return bytes.Clone(exampleSpace) }

// PointConfig is everything that determines the result of one point: the
// workload, the chip, the conversion, the run and the energy model. A
// point's key is a hash of it, so two points with the same PointConfig are
// the same point whatever space they came from.
type PointConfig struct {
	Format     int               `json:"format"`
	Workload   string            `json:"workload"`
	Samples    int               `json:"samples"`
	Chip       chip.Config       `json:"chip"`
	Method     workloads.Method  `json:"method"`
	Percentile float64           `json:"percentile"`
	Encoder    workloads.Encoder `json:"encoder"`
	Timesteps  int               `json:"timesteps"`
	Seed       uint64            `json:"seed"`
	Energy     energy.Model      `json:"energy"`
}

// Validate reports every invalid field at once.
func (pc *PointConfig) Validate() error {
	var errs []error
	if err := pc.Chip.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("chip: %w", err))
	}
	if !(pc.Percentile > 0 && pc.Percentile <= 100) {
		errs = append(errs, fmt.Errorf("percentile is %g, must be in (0, 100]", pc.Percentile))
	}
	if pc.Timesteps < 1 {
		errs = append(errs, fmt.Errorf("timesteps is %d, must be >= 1", pc.Timesteps))
	}
	if pc.Samples < 1 {
		errs = append(errs, fmt.Errorf("samples is %d, must be >= 1", pc.Samples))
	}
	if err := pc.Energy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("energy: %w", err))
	}
	return errors.Join(errs...)
}

// ParamKind is the type of a parameter's values.
type ParamKind uint8

const (
	IntParam   ParamKind = iota // whole numbers; lists or ranges
	FloatParam                  // real numbers; lists or ranges with a step, factor or count
	NameParam                   // names (presets, encoders, routing); lists only
)

func (k ParamKind) String() string {
	switch k {
	case IntParam:
		return "integer"
	case FloatParam:
		return "number"
	default:
		return "name"
	}
}

// Value is one value of a parameter: Num for numeric parameters (a whole
// number for IntParam), Name for NameParam.
type Value struct {
	Num  float64
	Name string
}

// paramDef ties a parameter name to the setter that applies one of its
// values to a PointConfig. Adding a parameter to the explorer is one row of
// paramTable.
type paramDef struct {
	name  string
	kind  ParamKind
	group string // chip, conversion, run or energy: what the value changes
	doc   string
	set   func(pc *PointConfig, v Value) error
}

func chipInt(field func(c *chip.Config) *int) func(*PointConfig, Value) error {
	return func(pc *PointConfig, v Value) error {
		*field(&pc.Chip) = int(v.Num)
		return nil
	}
}

// chipName sets a chip field that parses its own names (routing,
// placement, delivery, synapse format).
func chipName(field func(c *chip.Config) encoding.TextUnmarshaler) func(*PointConfig, Value) error {
	return func(pc *PointConfig, v Value) error {
		return field(&pc.Chip).UnmarshalText([]byte(v.Name))
	}
}

// paramTable lists every parameter a space may vary. It is read-only.
var paramTable = [...]paramDef{
	{"mesh_width", IntParam, "chip", "routers along X", chipInt(func(c *chip.Config) *int { return &c.MeshWidth })},
	{"mesh_height", IntParam, "chip", "routers along Y", chipInt(func(c *chip.Config) *int { return &c.MeshHeight })},
	{"cores_per_router", IntParam, "chip", "cores sharing one router", chipInt(func(c *chip.Config) *int { return &c.CoresPerRouter })},
	{"neurons_per_core", IntParam, "chip", "neurons per core", chipInt(func(c *chip.Config) *int { return &c.NeuronsPerCore })},
	{"axons_per_core", IntParam, "chip", "input axons per core", chipInt(func(c *chip.Config) *int { return &c.AxonsPerCore })},
	{"synapse_memory_bytes", IntParam, "chip", "synaptic memory per core (bytes)", chipInt(func(c *chip.Config) *int { return &c.SynapseMemoryBytes })},
	{"weight_bits", IntParam, "chip", "signed weight width, 2..8 (also the conversion's quantization)", chipInt(func(c *chip.Config) *int { return &c.WeightBits })},
	{"fanout_entries_per_core", IntParam, "chip", "fan-out table entries per core", chipInt(func(c *chip.Config) *int { return &c.FanoutPerCore })},
	{"buffer_depth", IntParam, "chip", "packets per router input buffer", chipInt(func(c *chip.Config) *int { return &c.BufferDepth })},
	{"routing", NameParam, "chip", "dimension-order routing: xy or yx", chipName(func(c *chip.Config) encoding.TextUnmarshaler { return &c.Routing })},
	{"delivery", NameParam, "chip", "spike delivery: unicast or multicast", chipName(func(c *chip.Config) encoding.TextUnmarshaler { return &c.Delivery })},
	{"placement", NameParam, "chip", "placement of core groups: row-major, greedy or anneal", chipName(func(c *chip.Config) encoding.TextUnmarshaler { return &c.Placement })},
	{"placement_seed", IntParam, "chip", "seed of annealed placement", func(pc *PointConfig, v Value) error {
		if v.Num < 0 {
			return fmt.Errorf("placement_seed %g is negative", v.Num)
		}
		pc.Chip.PlacementSeed = uint64(v.Num)
		return nil
	}},
	{"synapse_format", NameParam, "chip", "synaptic memory rows: dense or sparse", chipName(func(c *chip.Config) encoding.TextUnmarshaler { return &c.SynapseFormat })},
	{"conv_weights", NameParam, "chip", "convolution storage: shared or per_connection", chipName(func(c *chip.Config) encoding.TextUnmarshaler { return &c.ConvWeights })},
	{"link_width_flits", IntParam, "chip", "flits a mesh link carries per cycle", chipInt(func(c *chip.Config) *int { return &c.LinkWidthFlits })},
	{"router_table_entries", IntParam, "chip", "multicast routing-table entries per router (0 = unlimited)", chipInt(func(c *chip.Config) *int { return &c.RouterTableEntries })},
	{"board_chips_x", IntParam, "chip", "chips along X on the board", chipInt(func(c *chip.Config) *int { return &c.BoardX })},
	{"board_chips_y", IntParam, "chip", "chips along Y on the board", chipInt(func(c *chip.Config) *int { return &c.BoardY })},
	{"clock_mhz", FloatParam, "chip", "clock frequency (MHz)", func(pc *PointConfig, v Value) error {
		pc.Chip.ClockMHz = v.Num
		return nil
	}},
	{"percentile", FloatParam, "conversion", "threshold-balancing percentile, (0, 100]", func(pc *PointConfig, v Value) error {
		pc.Percentile = v.Num
		return nil
	}},
	{"method", NameParam, "conversion", "conversion method: rate or exact (exact needs a QCFS model and the pulse encoder)", func(pc *PointConfig, v Value) error {
		return pc.Method.UnmarshalText([]byte(v.Name))
	}},
	{"encoder", NameParam, "conversion", "input encoding: rate, direct or pulse", func(pc *PointConfig, v Value) error {
		return pc.Encoder.UnmarshalText([]byte(v.Name))
	}},
	{"timesteps", IntParam, "run", "timesteps per inference", func(pc *PointConfig, v Value) error {
		pc.Timesteps = int(v.Num)
		return nil
	}},
	{"seed", IntParam, "run", "seed of the rate-coded input", func(pc *PointConfig, v Value) error {
		if v.Num < 0 {
			return fmt.Errorf("seed %g is negative", v.Num)
		}
		pc.Seed = uint64(v.Num)
		return nil
	}},
	{"energy", NameParam, "energy", "energy preset name or YAML file", func(pc *PointConfig, v Value) error {
		m, err := energy.Resolve(v.Name)
		if err != nil {
			return err
		}
		pc.Energy = stripEnergy(m)
		return nil
	}},
}

// ParamNames lists the parameters a space may vary, in table order.
func ParamNames() []string {
	names := make([]string, len(paramTable))
	for i := range paramTable {
		names[i] = paramTable[i].name
	}
	return names
}

// ParamDoc returns the group (chip, conversion, run, energy), value kind and
// a one-line description of a parameter.
func ParamDoc(name string) (group string, kind ParamKind, doc string, ok bool) {
	d := findParam(name)
	if d == nil {
		return "", 0, "", false
	}
	return d.group, d.kind, d.doc, true
}

func findParam(name string) *paramDef {
	for i := range paramTable {
		if paramTable[i].name == name {
			return &paramTable[i]
		}
	}
	return nil
}

// stripEnergy drops the prose of an energy model (description, citations):
// it does not change any result, so it must not change a point's key.
func stripEnergy(m energy.Model) energy.Model {
	m.Description = ""
	m.Sources = nil
	return m
}

// Param is one varied parameter and its values, in the order given.
type Param struct {
	Name   string
	Kind   ParamKind
	Values []Value
	def    *paramDef
}

// Format renders value i as the space file would write it.
func (p *Param) Format(i int) string { return formatValue(p.Kind, p.Values[i]) }

func formatValue(k ParamKind, v Value) string {
	switch k {
	case IntParam:
		return strconv.FormatInt(int64(v.Num), 10)
	case FloatParam:
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	default:
		return v.Name
	}
}

// Objective is one metric to minimize or maximize.
type Objective struct {
	Metric   string
	Maximize bool
}

func (o Objective) String() string {
	if o.Maximize {
		return "maximize " + o.Metric
	}
	return "minimize " + o.Metric
}

// Constraint is "Metric Op Bound", Op one of >=, <=, >, <.
type Constraint struct {
	Metric string
	Op     string
	Bound  float64
}

func (c Constraint) String() string {
	s := fmt.Sprintf("%s %s %g", c.Metric, c.Op, c.Bound)
	if m := findMetric(c.Metric); m != nil && m.unit == "%" {
		s += " %"
	}
	return s
}

// Holds reports whether value v satisfies the constraint.
func (c Constraint) Holds(v float64) bool {
	switch c.Op {
	case ">=":
		return v >= c.Bound
	case "<=":
		return v <= c.Bound
	case ">":
		return v > c.Bound
	default:
		return v < c.Bound
	}
}

// violation is how far v is from satisfying c, relative to the bound's
// magnitude; 0 when it holds.
func (c Constraint) violation(v float64) float64 {
	if c.Holds(v) {
		return 0
	}
	return math.Abs(v-c.Bound)/math.Max(math.Abs(c.Bound), 1) + 1e-12
}

// Strategy kinds.
const (
	StrategyGrid   = "grid"
	StrategyRandom = "random"
	StrategyNSGA2  = "nsga2"
)

// Strategy says which points of the space to evaluate.
type Strategy struct {
	Kind        string  // grid, random or nsga2
	Seed        uint64  // random and nsga2 draws
	Points      int     // random: points to draw (without repeats)
	Population  int     // nsga2: population size
	Generations int     // nsga2: generations after the initial population
	Crossover   float64 // nsga2: probability that two parents are crossed
	Mutation    float64 // nsga2: probability that one gene mutates; 0 means 1/parameters
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
}

type spaceFile struct {
	Workload    string       `yaml:"workload"`
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
// relative to the current directory, as on the command line.
func LoadSpaceFile(name string) (*Space, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("spikemesh: %w", err)
	}
	s, err := ParseSpace(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// ParseSpace parses and checks a space file (see docs/explore.md). It
// reports every problem it finds: unknown keys and parameters, values out
// of range, empty ranges, duplicated values, unknown metrics and
// constraints that no point can meet.
func ParseSpace(data []byte) (*Space, error) {
	var f spaceFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("spikemesh: space file is empty")
		}
		return nil, fmt.Errorf("spikemesh: space file: %w", err)
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
	if s.Base.Workload == "" {
		s.Base.Workload = "mnist-mlp"
	}
	if !slices.Contains(models.Names(), s.Base.Workload) {
		fail("workload %q is not a built-in model (available: %s)", s.Base.Workload, strings.Join(models.Names(), ", "))
	}
	if s.Base.Samples == 0 {
		s.Base.Samples = 300
	}
	if s.Base.Samples < 1 {
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

	params, err := parseParams(&f.Parameters, s.Base, baseOK)
	if err != nil {
		errs = append(errs, err)
	}
	s.Params = params

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
		s.Objectives = append(s.Objectives, obj)
	}
	if len(f.Objectives) == 0 {
		fail("objectives: none given; e.g. [\"maximize accuracy\", \"minimize energy_uj\"] (metrics: %s)", strings.Join(MetricNames(), ", "))
	}
	for _, c := range f.Constraints {
		con, err := parseConstraint(c)
		if err != nil {
			errs = append(errs, err)
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
		return nil, fmt.Errorf("spikemesh: invalid space:\n%w", errors.Join(errs...))
	}
	return s, nil
}

func parseParams(node *yaml.Node, base PointConfig, baseOK bool) ([]Param, error) {
	if node.Kind == 0 {
		return nil, nil // no parameters: the base configuration alone
	}
	if node.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: parameters must be a mapping of parameter name to values", node.Line)
	}
	var errs []error
	var params []Param
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		def := findParam(k.Value)
		if def == nil {
			hint := ""
			if k.Value == "samples" {
				hint = "; samples is fixed for a sweep: set it at the top level"
			}
			errs = append(errs, fmt.Errorf("line %d: unknown parameter %q (known: %s)%s", k.Line, k.Value, strings.Join(ParamNames(), ", "), hint))
			continue
		}
		if slices.ContainsFunc(params, func(p Param) bool { return p.Name == def.name }) {
			errs = append(errs, fmt.Errorf("line %d: parameter %s is given twice", k.Line, def.name))
			continue
		}
		vals, err := parseValues(def, v)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: parameter %s: %w", v.Line, def.name, err))
			continue
		}
		if baseOK {
			if err := checkValues(def, vals, base); err != nil {
				errs = append(errs, fmt.Errorf("line %d: parameter %s: %w", v.Line, def.name, err))
				continue
			}
		}
		params = append(params, Param{Name: def.name, Kind: def.kind, Values: vals, def: def})
	}
	return params, errors.Join(errs...)
}

// checkValues applies every value alone to the base configuration: each
// must give a valid configuration, and no two the same one.
func checkValues(def *paramDef, vals []Value, base PointConfig) error {
	seen := make(map[string]int, len(vals))
	for i, v := range vals {
		pc := base
		if err := def.set(&pc, v); err != nil {
			return fmt.Errorf("value %s: %w", formatValue(def.kind, v), err)
		}
		if err := pc.Validate(); err != nil {
			return fmt.Errorf("value %s: %s", formatValue(def.kind, v), oneLine(err))
		}
		key := configKey(&pc)
		if j, dup := seen[key]; dup {
			return fmt.Errorf("values %s and %s give the same configuration", formatValue(def.kind, vals[j]), formatValue(def.kind, v))
		}
		seen[key] = i
	}
	return nil
}

// parseValues reads a scalar (one value), a list, or a range mapping
// {from, to, step | factor | count}.
func parseValues(def *paramDef, n *yaml.Node) ([]Value, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, errors.New("no values given")
		}
		v, err := parseValue(def.kind, n.Value)
		if err != nil {
			return nil, err
		}
		return []Value{v}, nil
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, errors.New("empty list of values")
		}
		if len(n.Content) > maxValuesPerParam {
			return nil, fmt.Errorf("%d values, at most %d allowed", len(n.Content), maxValuesPerParam)
		}
		out := make([]Value, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: list entries must be single values", c.Line)
			}
			v, err := parseValue(def.kind, c.Value)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		if def.kind == NameParam {
			return nil, errors.New("takes names, so give a list, not a range")
		}
		return parseRange(def.kind, n)
	default:
		return nil, errors.New("give a value, a list of values or a range {from, to, step}")
	}
}

func parseValue(k ParamKind, s string) (Value, error) {
	if k == NameParam {
		if strings.TrimSpace(s) == "" {
			return Value{}, errors.New("empty name")
		}
		return Value{Name: s}, nil
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return Value{}, fmt.Errorf("%q is not a finite number", s)
	}
	if k == IntParam && (x != math.Trunc(x) || math.Abs(x) > 1<<53) {
		return Value{}, fmt.Errorf("%s is not a whole number", s)
	}
	return Value{Num: x}, nil
}

// parseRange expands {from, to, step} (linear, step > 0; integer
// parameters default to step 1), {from, to, factor} (geometric, factor > 1)
// or {from, to, count} (count evenly spaced values, ends included).
func parseRange(k ParamKind, n *yaml.Node) ([]Value, error) {
	fields := map[string]float64{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		switch key {
		case "from", "to", "step", "factor", "count":
		default:
			return nil, fmt.Errorf("line %d: unknown range key %q (known: from, to, step, factor, count)", n.Content[i].Line, key)
		}
		x, err := strconv.ParseFloat(val.Value, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("range %s: %q is not a finite number", key, val.Value)
		}
		fields[key] = x
	}
	from, okF := fields["from"]
	to, okT := fields["to"]
	if !okF || !okT {
		return nil, errors.New("a range needs both from and to")
	}
	step, hasStep := fields["step"]
	factor, hasFactor := fields["factor"]
	count, hasCount := fields["count"]
	nSpec := 0
	for _, b := range []bool{hasStep, hasFactor, hasCount} {
		if b {
			nSpec++
		}
	}
	if nSpec > 1 {
		return nil, errors.New("give only one of step, factor and count")
	}
	if nSpec == 0 {
		if k != IntParam {
			return nil, errors.New("a range of real numbers needs a step, factor or count")
		}
		step, hasStep = 1, true
	}
	if to < from {
		return nil, fmt.Errorf("empty range: from %g is above to %g", from, to)
	}
	var xs []float64
	const tol = 1e-9
	switch {
	case hasStep:
		if !(step > 0) {
			return nil, fmt.Errorf("step is %g, must be > 0", step)
		}
		n := math.Floor((to-from)/step + tol)
		if n+1 > maxValuesPerParam {
			return nil, fmt.Errorf("range has %.0f values, at most %d allowed", n+1, maxValuesPerParam)
		}
		for i := 0; i <= int(n); i++ {
			xs = append(xs, from+float64(i)*step)
		}
	case hasFactor:
		if !(factor > 1) || !(from > 0) {
			return nil, fmt.Errorf("a geometric range needs factor > 1 and from > 0 (have factor %g, from %g)", factor, from)
		}
		for x := from; x <= to*(1+tol); x *= factor {
			if len(xs) == maxValuesPerParam {
				return nil, fmt.Errorf("range has more than %d values", maxValuesPerParam)
			}
			xs = append(xs, x)
		}
	default:
		if count != math.Trunc(count) || count < 1 || count > maxValuesPerParam {
			return nil, fmt.Errorf("count is %g, must be a whole number in 1..%d", count, maxValuesPerParam)
		}
		if count == 1 {
			if from != to {
				return nil, fmt.Errorf("count 1 needs from == to (have %g and %g)", from, to)
			}
			xs = []float64{from}
		}
		for i := 0; count > 1 && i < int(count); i++ {
			xs = append(xs, from+(to-from)*float64(i)/(count-1))
		}
	}
	out := make([]Value, len(xs))
	for i, x := range xs {
		if k == IntParam {
			r := math.Round(x)
			if math.Abs(r-x) > tol*math.Max(1, math.Abs(x)) {
				return nil, fmt.Errorf("range value %g is not a whole number", x)
			}
			x = r
		}
		out[i] = Value{Num: x}
	}
	return out, nil
}

func parseObjective(s string) (Objective, error) {
	f := strings.Fields(s)
	if len(f) != 2 || (f[0] != "maximize" && f[0] != "minimize") {
		return Objective{}, fmt.Errorf("objective %q: write \"maximize <metric>\" or \"minimize <metric>\"", s)
	}
	if findMetric(f[1]) == nil {
		return Objective{}, fmt.Errorf("objective %q: unknown metric %q (known: %s)", s, f[1], strings.Join(MetricNames(), ", "))
	}
	return Objective{Metric: f[1], Maximize: f[0] == "maximize"}, nil
}

func parseConstraint(s string) (Constraint, error) {
	t := strings.TrimSpace(s)
	var c Constraint
	for _, op := range []string{">=", "<=", ">", "<"} { // two-character operators first
		if i := strings.Index(t, op); i > 0 {
			c.Metric, c.Op = strings.TrimSpace(t[:i]), op
			t = strings.TrimSpace(t[i+len(op):])
			break
		}
	}
	if c.Op == "" {
		return c, fmt.Errorf("constraint %q: write \"<metric> <op> <number>\" with op one of >=, <=, >, <", s)
	}
	m := findMetric(c.Metric)
	if m == nil {
		return c, fmt.Errorf("constraint %q: unknown metric %q (known: %s)", s, c.Metric, strings.Join(MetricNames(), ", "))
	}
	if num, ok := strings.CutSuffix(t, "%"); ok {
		if m.unit != "%" {
			return c, fmt.Errorf("constraint %q: %s is in %s, not %%", s, c.Metric, m.unitOrCount())
		}
		t = strings.TrimSpace(num)
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return c, fmt.Errorf("constraint %q: %q is not a finite number", s, t)
	}
	c.Bound = x
	return c, nil
}

func parseStrategy(f *strategyFile, s *Space) error {
	st := Strategy{Kind: f.Kind, Seed: 1, Points: f.Points, Population: f.Population,
		Generations: f.Generations, Crossover: f.Crossover, Mutation: f.Mutation}
	if f.Seed != nil {
		st.Seed = *f.Seed
	}
	if st.Kind == "" {
		st.Kind = StrategyGrid
	}
	var errs []error
	size, sizeErr := s.size()
	switch st.Kind {
	case StrategyGrid:
		if sizeErr == nil && size > maxGridPoints {
			errs = append(errs, fmt.Errorf("strategy grid: the space has %d points, more than %d; use kind random or nsga2", size, maxGridPoints))
		}
	case StrategyRandom:
		if st.Points < 1 {
			errs = append(errs, fmt.Errorf("strategy random: points is %d, must be >= 1", st.Points))
		}
	case StrategyNSGA2:
		if st.Population == 0 {
			st.Population = 16
		}
		if st.Generations == 0 {
			st.Generations = 8
		}
		if st.Crossover == 0 {
			st.Crossover = 0.9
		}
		if st.Population < 2 {
			errs = append(errs, fmt.Errorf("strategy nsga2: population is %d, must be >= 2", st.Population))
		}
		if st.Generations < 0 {
			errs = append(errs, fmt.Errorf("strategy nsga2: generations is %d, must be >= 0", st.Generations))
		}
		if !(st.Crossover >= 0 && st.Crossover <= 1) {
			errs = append(errs, fmt.Errorf("strategy nsga2: crossover is %g, must be in [0, 1]", st.Crossover))
		}
		if !(st.Mutation >= 0 && st.Mutation <= 1) {
			errs = append(errs, fmt.Errorf("strategy nsga2: mutation is %g, must be in [0, 1]", st.Mutation))
		}
	default:
		errs = append(errs, fmt.Errorf("strategy: unknown kind %q (known: grid, random, nsga2)", st.Kind))
	}
	if st.Kind != StrategyRandom && f.Points != 0 {
		errs = append(errs, fmt.Errorf("strategy %s: points applies only to kind random", st.Kind))
	}
	if st.Kind != StrategyNSGA2 && (f.Population != 0 || f.Generations != 0 || f.Crossover != 0 || f.Mutation != 0) {
		errs = append(errs, fmt.Errorf("strategy %s: population, generations, crossover and mutation apply only to kind nsga2", st.Kind))
	}
	if sizeErr != nil {
		errs = append(errs, sizeErr)
	}
	s.Strategy = st
	return errors.Join(errs...)
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

// checkConstraintsSatisfiable rejects constraints no point can meet: a
// bound outside the metric's possible range, contradictory bounds on one
// metric, and bounds on metrics fixed by the configuration (chip_cores,
// synaptic_memory_kib) that no combination of parameter values reaches.
func (s *Space) checkConstraintsSatisfiable() error {
	type interval struct {
		lo, hi         float64
		loOpen, hiOpen bool
		about          string // what is known of the metric's range
		cons           []string
	}
	ivs := map[string]*interval{}
	var order []string
	for _, c := range s.Constraints {
		iv := ivs[c.Metric]
		if iv == nil {
			m := findMetric(c.Metric)
			iv = &interval{lo: m.lo, hi: m.hi}
			iv.about = fmt.Sprintf("%s is always in [%g, %g] %s", m.name, m.lo, m.hi, m.unitOrCount())
			if m.static != nil {
				iv.lo, iv.hi = s.staticRange(m)
				iv.about = fmt.Sprintf("%s is in [%g, %g] over this space", m.name, iv.lo, iv.hi)
				if iv.lo == iv.hi {
					iv.about = fmt.Sprintf("%s is %g for every point of this space", m.name, iv.lo)
				}
			}
			ivs[c.Metric] = iv
			order = append(order, c.Metric)
		}
		switch c.Op {
		case ">=", ">":
			if c.Bound > iv.lo || (c.Bound == iv.lo && c.Op == ">") {
				iv.lo, iv.loOpen = c.Bound, c.Op == ">"
			}
		default:
			if c.Bound < iv.hi || (c.Bound == iv.hi && c.Op == "<") {
				iv.hi, iv.hiOpen = c.Bound, c.Op == "<"
			}
		}
		iv.cons = append(iv.cons, c.String())
	}
	var errs []error
	for _, name := range order {
		iv := ivs[name]
		if iv.lo > iv.hi || (iv.lo == iv.hi && (iv.loOpen || iv.hiOpen)) {
			errs = append(errs, fmt.Errorf("constraints: no point can meet %s (%s)", strings.Join(iv.cons, " and "), iv.about))
		}
	}
	return errors.Join(errs...)
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

// oneLine joins a multi-line error into one line.
func oneLine(err error) string {
	s := strings.ReplaceAll(err.Error(), ":\n", ": ")
	return strings.ReplaceAll(s, "\n", "; ")
}
