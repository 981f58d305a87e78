package energy

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

// dyadicYAML is a complete model whose costs are exact binary fractions, so
// hand-computed energies compare exactly.
const dyadicYAML = `name: dyadic
description: test model with exact binary-fraction costs
synaptic_op: 0.5 pJ
synaptic_op_conv: 0.375 pJ
synaptic_op_sparse: 0.625 pJ
synaptic_mac: 2 pJ
syn_mem_read_bit: 0.25 pJ
neuron_update: 4 pJ
neuron_idle: 1.5 pJ
spike: 3 pJ
packet: 0.125 pJ
host_packet: 8 pJ
hop_x: 0.75 pJ
hop_y: 1.25 pJ
off_chip_hop: 32 pJ
barrier: 16 pJ
static_per_core: 2 mW
static_per_chip: 5 mW
paper_mac: 4.5 pJ
paper_ac: 1 pJ
sources:
  synaptic_op: made up for the test
`

func dyadicModel() Model {
	return Model{
		Name: "dyadic", Description: "test model with exact binary-fraction costs",
		SynapticOpPJ: 0.5, SynapticOpConvPJ: 0.375, SynapticOpSparsePJ: 0.625, SynapticMACPJ: 2, SynMemReadBitPJ: 0.25,
		NeuronUpdatePJ: 4, NeuronIdlePJ: 1.5, SpikePJ: 3,
		PacketPJ: 0.125, HostPacketPJ: 8, HopXPJ: 0.75, HopYPJ: 1.25, OffChipHopPJ: 32, BarrierPJ: 16,
		StaticPerCoreMW: 2, StaticPerChipMW: 5,
		MACPJ: 4.5, ACPJ: 1,
		Sources: map[string]string{"synaptic_op": "made up for the test"},
	}
}

// withLine replaces the line starting with key+":" in dyadicYAML by
// repl (or deletes it when repl is "").
func withLine(t *testing.T, key, repl string) string {
	t.Helper()
	lines := strings.Split(dyadicYAML, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, key+":") {
			if repl == "" {
				return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
			}
			lines[i] = repl
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line for key %q", key)
	return ""
}

func TestLoadDyadic(t *testing.T) {
	m, err := Load(strings.NewReader(dyadicYAML))
	if err != nil {
		t.Fatal(err)
	}
	if want := dyadicModel(); !reflect.DeepEqual(m, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", m, want)
	}
}

func TestLoadUnitsAndQuoting(t *testing.T) {
	y := strings.Replace(withLine(t, "hop_x", `hop_x: "750 fJ"`), "static_per_chip: 5 mW", "static_per_chip: 0.005 W", 1)
	m, err := Load(strings.NewReader(y))
	if err != nil {
		t.Fatal(err)
	}
	if m.HopXPJ != 0.75 || m.StaticPerChipMW != 5 {
		t.Errorf("HopXPJ = %v (want 0.75), StaticPerChipMW = %v (want 5)", m.HopXPJ, m.StaticPerChipMW)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml func(t *testing.T) string
		want []string // substrings of the error
	}{
		{"unknown key", func(t *testing.T) string { return dyadicYAML + "synaptic_opp: 1 pJ\n" },
			[]string{`line 23: unknown key "synaptic_opp"`, "scaling, synaptic_op, synaptic_op_conv, synaptic_op_sparse, synaptic_mac"}},
		{"negative", func(t *testing.T) string { return withLine(t, "hop_y", "hop_y: -1.25 pJ") },
			[]string{"line 14: hop_y:", "negative", ">= 0"}},
		{"missing unit", func(t *testing.T) string { return withLine(t, "spike", "spike: 3") },
			[]string{"line 10: spike:", `"3" has no unit`, "an energy such as"}},
		{"missing unit on power", func(t *testing.T) string { return withLine(t, "static_per_core", "static_per_core: 2") },
			[]string{"static_per_core:", "has no unit", "a power such as"}},
		{"bad unit", func(t *testing.T) string { return withLine(t, "barrier", "barrier: 16 pj") },
			[]string{"barrier:", `unknown unit "pj"`}},
		{"power unit on energy key", func(t *testing.T) string { return withLine(t, "barrier", "barrier: 16 mW") },
			[]string{"barrier:", "mW is a unit of power"}},
		{"NaN", func(t *testing.T) string { return withLine(t, "neuron_idle", "neuron_idle: NaN pJ") },
			[]string{"neuron_idle:", "not finite"}},
		{"Inf", func(t *testing.T) string { return withLine(t, "static_per_chip", "static_per_chip: +Inf mW") },
			[]string{"static_per_chip:", "not finite"}},
		{"YAML infinity", func(t *testing.T) string { return withLine(t, "static_per_chip", "static_per_chip: .inf mW") },
			[]string{"static_per_chip:", `".inf" is not a number`}},
		{"missing key", func(t *testing.T) string { return withLine(t, "barrier", "") },
			[]string{"missing keys: barrier"}},
		{"missing name", func(t *testing.T) string { return withLine(t, "name", "") },
			[]string{"missing keys: name"}},
		{"empty name", func(t *testing.T) string { return withLine(t, "name", `name: ""`) },
			[]string{"name is empty"}},
		{"repeated key", func(t *testing.T) string { return dyadicYAML + "spike: 3 pJ\n" },
			[]string{`key "spike" repeated (first on line 10)`}},
		{"mapping value", func(t *testing.T) string { return withLine(t, "spike", "spike: {value: 3, unit: pJ}") },
			[]string{"spike: is a mapping", "an energy written as a string"}},
		{"sources unknown key", func(t *testing.T) string { return dyadicYAML + "  hopx: somewhere\n" },
			[]string{`sources: unknown key "hopx"`}},
		{"sources empty citation", func(t *testing.T) string { return dyadicYAML + "  hop_x: \"\"\n" },
			[]string{"sources: hop_x is empty"}},
		{"sources not a mapping", func(t *testing.T) string {
			return strings.Replace(dyadicYAML, "sources:\n  synaptic_op: made up for the test\n", "sources: [a, b]\n", 1)
		}, []string{"sources is a list"}},
		{"empty document", func(t *testing.T) string { return "" }, []string{"empty"}},
		{"top-level list", func(t *testing.T) string { return "- a\n- b\n" }, []string{"top level is a list"}},
		{"two documents", func(t *testing.T) string { return dyadicYAML + "---\nname: other\n" }, []string{"second YAML document"}},
		{"syntax error", func(t *testing.T) string { return "name: [unclosed\n" }, []string{"decoding model YAML"}},
		{"several problems at once", func(t *testing.T) string {
			return withLine(t, "hop_x", "hop_x: 1") + "colour: blue\n"
		}, []string{"hop_x:", "has no unit", `unknown key "colour"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Load(strings.NewReader(tc.yaml(t)))
			if err == nil {
				t.Fatalf("Load succeeded with %+v, want an error", m)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "energy: ") {
				t.Errorf("error %q lacks the package prefix", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not contain %q:\n%s", w, msg)
				}
			}
			if !reflect.DeepEqual(m, Model{}) {
				t.Errorf("Load returned a non-zero Model with its error: %+v", m)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Model)
		want   []string // empty: valid
	}{
		{"valid", func(*Model) {}, nil},
		{"zero costs are valid", func(m *Model) { *m = Model{Name: "zero"} }, nil},
		{"empty name", func(m *Model) { m.Name = " " }, []string{"name is empty"}},
		{"negative energy", func(m *Model) { m.HopYPJ = -1 }, []string{"hop_y (-1 pJ) must be >= 0"}},
		{"negative power", func(m *Model) { m.StaticPerCoreMW = -2 }, []string{"static_per_core (-2 mW) must be >= 0"}},
		{"NaN", func(m *Model) { m.ACPJ = math.NaN() }, []string{"paper_ac (NaN pJ) must be finite"}},
		{"Inf", func(m *Model) { m.StaticPerChipMW = math.Inf(1) }, []string{"static_per_chip (+Inf mW) must be finite"}},
		{"bad source key", func(m *Model) { m.Sources["spikes"] = "x" }, []string{`sources: unknown key "spikes"`}},
		{"empty source", func(m *Model) { m.Sources["spike"] = "" }, []string{"sources: spike is empty"}},
		{"all reported", func(m *Model) { m.Name = ""; m.SpikePJ = -1; m.MACPJ = math.NaN() },
			[]string{"name is empty", "spike (-1 pJ)", "paper_mac (NaN pJ)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := dyadicModel()
			tc.modify(&m)
			err := m.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %+v", m)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	models := []Model{dyadicModel(), {Name: "odd values: \"quoted\"\nnewline", SynapticOpPJ: 0.1, HopYPJ: 1e-9, StaticPerChipMW: 123456.789}}
	for _, name := range PresetNames() {
		m, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	for _, m := range models {
		y, err := m.YAML()
		if err != nil {
			t.Fatalf("%s: YAML: %v", m.Name, err)
		}
		got, err := Load(bytes.NewReader(y))
		if err != nil {
			t.Fatalf("%s: Load(YAML()): %v\n%s", m.Name, err, y)
		}
		if len(m.Sources) == 0 {
			m.Sources = nil // Load leaves Sources nil when the key is absent
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: round trip changed the model:\n got %+v\nwant %+v", m.Name, got, m)
		}
	}
}

func TestCostKeysCoverEveryFloatField(t *testing.T) {
	// Every float64 field of Model must have exactly one YAML key, otherwise
	// Load could not set it and Validate would not check it.
	var m Model
	rv := reflect.ValueOf(&m).Elem()
	nFloat := 0
	for i := range rv.NumField() {
		if rv.Field(i).Kind() == reflect.Float64 {
			nFloat++
			rv.Field(i).SetFloat(float64(i + 1)) // distinct value per field
		}
	}
	seen := map[float64]string{}
	for _, f := range costFields {
		v := *f.ptr(&m)
		if prev, dup := seen[v]; dup {
			t.Errorf("keys %s and %s point at the same field", prev, f.key)
		}
		seen[v] = f.key
	}
	if len(costFields) != nFloat || len(seen) != nFloat {
		t.Errorf("%d cost keys for %d float64 fields", len(costFields), nFloat)
	}
}
