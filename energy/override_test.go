package energy

import (
	"strings"
	"testing"
)

func TestOverride(t *testing.T) {
	tests := []struct {
		spec  string
		check func(Model) bool
		keys  []string // keys whose Sources must record the override
	}{
		{"synop=30pJ", func(m Model) bool { return m.SynapticOpPJ == 30 }, []string{"synaptic_op"}},
		{"synaptic_op=0.03 nJ", func(m Model) bool { return m.SynapticOpPJ == 30 }, []string{"synaptic_op"}},
		{" hop_x = 5 pJ , static_per_chip=1 W ", func(m Model) bool { return m.HopXPJ == 5 && m.StaticPerChipMW == 1000 }, []string{"hop_x", "static_per_chip"}},
		{"off_chip_hop=500fJ,barrier=0pJ", func(m Model) bool { return m.OffChipHopPJ == 0.5 && m.BarrierPJ == 0 }, []string{"off_chip_hop", "barrier"}},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			m := dyadicModel()
			got, err := m.Override(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(got) {
				t.Errorf("override not applied: %+v", got)
			}
			for _, k := range tc.keys {
				if !strings.HasPrefix(got.Sources[k], "override "+k) {
					t.Errorf("Sources[%s] = %q", k, got.Sources[k])
				}
			}
			if !strings.Contains(got.Description, "Overridden: ") {
				t.Errorf("description %q does not list the overrides", got.Description)
			}
			if m.Sources["hop_x"] != "" || m.SynapticOpPJ != 0.5 {
				t.Error("Override modified its receiver")
			}
		})
	}
}

// TestOverrideSensitivity: the total is linear in every cost, so raising
// synaptic_op from 0.5 to 30 pJ moves the total by exactly 29.5 pJ per op.
func TestOverrideSensitivity(t *testing.T) {
	m := dyadicModel()
	c := Counts{SynapticOps: 1000, NeuronUpdates: 8, HopsX: 4}
	hi, err := m.Override("synop=30pJ")
	if err != nil {
		t.Fatal(err)
	}
	base, moved := m.Estimate(c, 0, 1).TotalPJ, hi.Estimate(c, 0, 1).TotalPJ
	if moved-base != 1000*29.5 {
		t.Errorf("total moved by %v pJ, want %v pJ", moved-base, 1000*29.5)
	}
}

func TestOverrideErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "override is empty"},
		{"synapse=3pJ", `unknown key "synapse"; valid keys: synop (= synaptic_op), synaptic_op, synaptic_op_conv, synaptic_op_sparse, synaptic_mac`},
		{"synop=30", `"30" has no unit`},
		{"synop=-1pJ", "is negative"},
		{"synop=NaN pJ", "not finite"},
		{"static_per_core=3 pJ", `unknown unit "pJ" (pJ is a unit of energy)`},
		{"hop_x=3mW", "mW is a unit of power"},
		{"synop=1pJ,synaptic_op=2pJ", "synaptic_op is already set by \"synop=1pJ\""},
		{"synop=1pJ,,hop_x=1pJ", "override item 2 is empty"},
		{"synop", `"synop" is not key=value`},
		{"=3pJ", "is not key=value"},
	}
	for _, tc := range tests {
		_, err := dyadicModel().Override(tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "energy: ") {
			t.Errorf("Override(%q): error %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}
