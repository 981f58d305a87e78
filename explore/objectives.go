package explore

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

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

// Op is the comparison of a constraint. Its text form is the operator as a
// space file writes it: >=, <=, > or <.
type Op uint8

const (
	AtLeast Op = iota // >=
	AtMost            // <=
	Above             // >
	Below             // <
)

// opText lists every Op's text, indexed by Op; two-character operators
// come first so that parsing finds ">=" before ">".
var opText = [...]string{AtLeast: ">=", AtMost: "<=", Above: ">", Below: "<"}

func (o Op) String() string {
	if int(o) < len(opText) {
		return opText[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// MarshalText writes the operator (>=, <=, >, <).
func (o Op) MarshalText() ([]byte, error) {
	if int(o) >= len(opText) {
		return nil, fmt.Errorf("explore: constraint operator %d is not one of %s", uint8(o), strings.Join(opText[:], ", "))
	}
	return []byte(opText[o]), nil
}

// UnmarshalText reads >=, <=, > or <, and names them all otherwise.
func (o *Op) UnmarshalText(b []byte) error {
	for i, t := range opText {
		if string(b) == t {
			*o = Op(i)
			return nil
		}
	}
	return fmt.Errorf("constraint operator %q: want one of %s", b, strings.Join(opText[:], ", "))
}

// lowerBound reports whether the constraint keeps values above its bound.
func (o Op) lowerBound() bool { return o == AtLeast || o == Above }

// strict reports whether the bound itself fails the constraint.
func (o Op) strict() bool { return o == Above || o == Below }

// Constraint is "Metric Op Bound", e.g. accuracy_pct >= 97.
type Constraint struct {
	Metric string
	Op     Op
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
	case AtLeast:
		return v >= c.Bound
	case AtMost:
		return v <= c.Bound
	case Above:
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

func parseObjective(s string) (Objective, error) {
	f := strings.Fields(s)
	if len(f) != 2 || (f[0] != "maximize" && f[0] != "minimize") {
		return Objective{}, fmt.Errorf("objective %q: write \"maximize <metric>\" or \"minimize <metric>\"", s)
	}
	if findMetric(f[1]) == nil {
		return Objective{}, fmt.Errorf("objective %q: %s", s, unknownMetric(f[1]))
	}
	return Objective{Metric: f[1], Maximize: f[0] == "maximize"}, nil
}

func parseConstraint(s string) (Constraint, error) {
	t := strings.TrimSpace(s)
	var c Constraint
	found := false
	for op, text := range opText { // two-character operators first
		if i := strings.Index(t, text); i > 0 {
			c.Metric, c.Op, found = strings.TrimSpace(t[:i]), Op(op), true
			t = strings.TrimSpace(t[i+len(text):])
			break
		}
	}
	if !found {
		return c, fmt.Errorf("constraint %q: write \"<metric> <op> <number>\" with op one of %s", s, strings.Join(opText[:], ", "))
	}
	m := findMetric(c.Metric)
	if m == nil {
		return c, fmt.Errorf("constraint %q: %s", s, unknownMetric(c.Metric))
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
		if c.Op.lowerBound() {
			if c.Bound > iv.lo || (c.Bound == iv.lo && c.Op.strict()) {
				iv.lo, iv.loOpen = c.Bound, c.Op.strict()
			}
		} else {
			if c.Bound < iv.hi || (c.Bound == iv.hi && c.Op.strict()) {
				iv.hi, iv.hiOpen = c.Bound, c.Op.strict()
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
