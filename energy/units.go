package energy

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unit is one accepted unit symbol and its power-of-ten factor relative to
// the base unit of its quantity (pJ for energy, mW for power).
type unit struct {
	symbol string
	exp10  int
}

// quantity describes one kind of value with a unit. The tables below are
// read-only.
type quantity struct {
	name    string // "an energy" / "a power", for messages
	example string // shown in messages
	units   []unit
	list    string // accepted units, for messages
	kind    string // "energy" / "power"
}

var (
	energyQty = quantity{
		name:    "an energy",
		example: `"23.6 pJ"`,
		units: []unit{
			{"fJ", -3}, {"pJ", 0}, {"nJ", 3},
			{"uJ", 6}, {"\u00b5J", 6}, {"\u03bcJ", 6}, // u, micro sign, Greek mu
			{"mJ", 9}, {"J", 12},
		},
		list: "fJ, pJ, nJ, uJ (or µJ), mJ, J",
		kind: "energy",
	}
	powerQty = quantity{
		name:    "a power",
		example: `"29 mW"`,
		units: []unit{
			{"nW", -6},
			{"uW", -3}, {"\u00b5W", -3}, {"\u03bcW", -3},
			{"mW", 0}, {"W", 3},
		},
		list: "nW, uW (or µW), mW, W",
		kind: "power",
	}
)

func (q *quantity) lookup(sym string) (unit, bool) {
	for _, u := range q.units {
		if u.symbol == sym {
			return u, true
		}
	}
	return unit{}, false
}

// errNoUnit marks a value that is a plain number; callers may test for it.
var errNoUnit = errors.New("has no unit")

// ParseEnergyPJ parses an energy such as "23.6 pJ", "0.9pJ", "1.2 nJ",
// "500 fJ" or "0.01 uJ" and returns it in pJ. Units are case-sensitive:
// fJ, pJ, nJ, uJ (µJ), mJ, J. The number may use any syntax accepted by
// strconv.ParseFloat; it must be finite and >= 0, and a unit is required.
// The conversion is exact up to one final rounding to float64.
func ParseEnergyPJ(s string) (float64, error) {
	v, err := parseQuantity(s, &energyQty)
	if err != nil {
		return 0, fmt.Errorf("energy: %w", err)
	}
	return v, nil
}

// ParsePowerMW parses a power such as "29 mW", "1.5 W" or "200 uW" and
// returns it in mW. Units are case-sensitive: nW, uW (µW), mW, W. Rules as
// for ParseEnergyPJ.
func ParsePowerMW(s string) (float64, error) {
	v, err := parseQuantity(s, &powerQty)
	if err != nil {
		return 0, fmt.Errorf("energy: %w", err)
	}
	return v, nil
}

// parseQuantity returns s in the base unit of q. Errors are not prefixed
// with the package name; they quote s and say what was expected.
func parseQuantity(s string, q *quantity) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("value is empty; expected %s such as %s (units: %s)", q.name, q.example, q.list)
	}
	// The unit is the trailing run of letters; the number is what precedes it.
	cut := len(t)
	for cut > 0 {
		r, size := utf8.DecodeLastRuneInString(t[:cut])
		if !unicode.IsLetter(r) {
			break
		}
		cut -= size
	}
	num, sym := strings.TrimSpace(t[:cut]), t[cut:]
	if sym == "" {
		if _, err := strconv.ParseFloat(num, 64); err == nil {
			return 0, fmt.Errorf("%q %w; expected %s such as %s (units: %s)", s, errNoUnit, q.name, q.example, q.list)
		}
		return 0, fmt.Errorf("%q is not a number followed by a unit; expected %s such as %s (units: %s)", s, q.name, q.example, q.list)
	}
	u, ok := q.lookup(sym)
	if !ok {
		hint := ""
		for _, o := range []*quantity{&energyQty, &powerQty} {
			if _, isOther := o.lookup(sym); isOther && o != q {
				hint = fmt.Sprintf(" (%s is a unit of %s)", sym, o.kind)
			}
		}
		return 0, fmt.Errorf("%q has unknown unit %q%s; expected %s in one of: %s", s, sym, hint, q.name, q.list)
	}
	if num == "" {
		return 0, fmt.Errorf("%q has no number before the unit; expected %s such as %s", s, q.name, q.example)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is out of the float64 range", s)
		}
		return 0, fmt.Errorf("%q: %q is not a number; expected %s such as %s", s, num, q.name, q.example)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not finite; expected a finite, non-negative number", s)
	}
	if f < 0 {
		return 0, fmt.Errorf("%q is negative; expected a value >= 0", s)
	}
	v := scaleExact(num, f, u.exp10)
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is out of the float64 range once converted", s)
	}
	return v + 0, nil // + 0 turns -0 into +0
}

// scaleExact returns num x 10^exp10 rounded once to float64. It uses exact
// rational arithmetic when big.Rat accepts the literal (decimal and
// exponent forms), and f (the parsed num) otherwise.
func scaleExact(num string, f float64, exp10 int) float64 {
	var r big.Rat
	if _, ok := r.SetString(num); !ok {
		return f * math.Pow10(exp10)
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp10))), nil)
	if exp10 >= 0 {
		r.Mul(&r, new(big.Rat).SetInt(p))
	} else {
		r.Quo(&r, new(big.Rat).SetInt(p))
	}
	v, _ := r.Float64()
	return v
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// formatEnergy and formatPower write a value so that parsing it gives the
// same float64 back.
func formatEnergy(pj float64) string { return strconv.FormatFloat(pj, 'g', -1, 64) + " pJ" }
func formatPower(mw float64) string  { return strconv.FormatFloat(mw, 'g', -1, 64) + " mW" }
