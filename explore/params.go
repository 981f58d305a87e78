package explore

import (
	_ "embed"
	"encoding"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/workloads/models"
)

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
	group string // chip, conversion, run, workload or energy: what the value changes
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

// recipeInt sets a field of the Mackey-Glass recipe (other workloads have
// none); values below 1 are refused here, so that a point never loses its workload (PointConfig.isMG)
// and the upper bounds are left to mackeyglass.Recipe.Validate.
func recipeInt(field func(pc *PointConfig) *int) func(*PointConfig, Value) error {
	return func(pc *PointConfig, v Value) error {
		if !pc.isMG() && models.IsGraph(pc.Workload) {
			return fixedGraphError(pc.Workload)
		}
		if !pc.isMG() {
			return fmt.Errorf("a setting of the mackey-glass workload's recipe; this space's workload is %s", pc.Workload)
		}
		if v.Num < 1 {
			return fmt.Errorf("%g is below 1", v.Num)
		}
		*field(pc) = int(v.Num)
		return nil
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
	{"decay_bits", IntParam, "chip", "bits of a neuron decay, 1..32 (0: no limit)", chipInt(func(c *chip.Config) *int { return &c.DecayBits })},
	{"voltage_bits", IntParam, "chip", "signed bits of stored potentials, 2..32 (0: no limit)", chipInt(func(c *chip.Config) *int { return &c.VoltageBits })},
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
	{"hidden", IntParam, "workload", "mackey-glass: reservoir (hidden) neurons, retrained per value", recipeInt(func(pc *PointConfig) *int { return &pc.Hidden })},
	{"steps_per_value", IntParam, "workload", "mackey-glass: chip timesteps each series value is held for", recipeInt(func(pc *PointConfig) *int { return &pc.StepsPerValue })},
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
