package energy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseEnergyPJ(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // pJ, exact
	}{
		{"23.6 pJ", 23.6},
		{"0.9pJ", 0.9},
		{"  4.6   pJ ", 4.6},
		{"1.2 nJ", 1200},
		{"500 fJ", 0.5},
		{"1 fJ", 0.001},
		{"0.01 uJ", 10000},
		{"0.01 µJ", 10000},      // micro sign U+00B5
		{"0.01 \u03bcJ", 10000}, // Greek small mu U+03BC
		{"2 mJ", 2e9},
		{"1 J", 1e12},
		{"1e3 pJ", 1000},
		{"1e3pJ", 1000},
		{"+7 pJ", 7},
		{"0 pJ", 0},
		{"-0 pJ", 0},
		// Decimal scaling is exact: in float64, 8.11*1000 = 8109.999999999999
		// and 9*1e-3 = 0.009000000000000001.
		{"8.11 nJ", 8110},
		{"9 fJ", 0.009},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseEnergyPJ(tc.in)
			if err != nil {
				t.Fatalf("ParseEnergyPJ(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseEnergyPJ(%q) = %v pJ, want %v pJ", tc.in, got, tc.want)
			}
		})
	}
}

func TestParsePowerMW(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // mW, exact
	}{
		{"29 mW", 29},
		{"1.5 W", 1500},
		{"200 uW", 0.2},
		{"200 µW", 0.2},
		{"500 nW", 0.0005},
		{"0.110 W", 110},
		{"0 mW", 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParsePowerMW(tc.in)
			if err != nil {
				t.Fatalf("ParsePowerMW(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParsePowerMW(%q) = %v mW, want %v mW", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseQuantityErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) (float64, error)
		in    string
		want  []string // substrings of the error
	}{
		{"no unit", ParseEnergyPJ, "23.6", []string{`"23.6" has no unit`, "pJ"}},
		{"no unit zero", ParseEnergyPJ, "0", []string{"has no unit"}},
		{"unknown unit", ParseEnergyPJ, "23.6 kJ", []string{`unknown unit "kJ"`, "fJ, pJ, nJ"}},
		{"wrong case", ParseEnergyPJ, "23.6 PJ", []string{`unknown unit "PJ"`}},
		{"power unit for energy", ParseEnergyPJ, "29 mW", []string{`unknown unit "mW"`, "mW is a unit of power"}},
		{"energy unit for power", ParsePowerMW, "29 pJ", []string{`unknown unit "pJ"`, "pJ is a unit of energy"}},
		{"negative", ParseEnergyPJ, "-1 pJ", []string{"negative", ">= 0"}},
		{"negative power", ParsePowerMW, "-3 mW", []string{"negative"}},
		{"NaN", ParseEnergyPJ, "NaN pJ", []string{"not finite"}},
		{"Inf", ParseEnergyPJ, "Inf pJ", []string{"not finite"}},
		{"-Inf", ParsePowerMW, "-Inf mW", []string{"not finite"}},
		{"NaN glued", ParseEnergyPJ, "NaNpJ", []string{"unknown unit"}},
		{"empty", ParseEnergyPJ, "", []string{"empty", "an energy"}},
		{"blank", ParsePowerMW, "   ", []string{"empty", "a power"}},
		{"unit only", ParseEnergyPJ, "pJ", []string{"no number"}},
		{"garbage number", ParseEnergyPJ, "1.2.3 pJ", []string{`"1.2.3" is not a number`}},
		{"text", ParseEnergyPJ, "lots", []string{"unknown unit"}},
		{"overflow", ParseEnergyPJ, "1e308 J", []string{"out of the float64 range"}},
		{"overflow literal", ParseEnergyPJ, "1e999 pJ", []string{"out of the float64 range"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.parse(tc.in)
			if err == nil {
				t.Fatalf("parse(%q) = %v, want an error", tc.in, got)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "energy: ") {
				t.Errorf("error %q lacks the package prefix", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("parse(%q) error %q does not contain %q", tc.in, msg, w)
				}
			}
		})
	}
}

func TestParseNoUnitIsDistinguishable(t *testing.T) {
	_, err := parseQuantity("5", &energyQty)
	if !errors.Is(err, errNoUnit) {
		t.Fatalf("parseQuantity(\"5\") error %v does not wrap errNoUnit", err)
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, v := range []float64{0, 0.1, 0.3, 1.7, 23.6, 1e-7, 123456789.125, 5e300} {
		got, err := ParseEnergyPJ(formatEnergy(v))
		if err != nil || got != v {
			t.Errorf("energy %v: formatted %q parsed back as %v, %v", v, formatEnergy(v), got, err)
		}
		got, err = ParsePowerMW(formatPower(v))
		if err != nil || got != v {
			t.Errorf("power %v: formatted %q parsed back as %v, %v", v, formatPower(v), got, err)
		}
	}
}
