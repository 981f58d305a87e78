package energy

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadBase(t *testing.T) {
	loihi, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(strings.NewReader("base: loihi\nname: mine\nsynaptic_op: 30 pJ\nhop_x: 5 pJ\nsources:\n  hop_x: my measurement\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := loihi
	want.Name = "mine"
	f, _ := findCost("synaptic_op")
	*f.ptr(&want) = 30
	f, _ = findCost("hop_x")
	*f.ptr(&want) = 5
	want.Sources = map[string]string{}
	for k, v := range loihi.Sources {
		want.Sources[k] = v
	}
	delete(want.Sources, "synaptic_op") // loihi's citation is not for 30 pJ
	want.Sources["hop_x"] = "my measurement"
	if !reflect.DeepEqual(m, want) {
		t.Errorf("base: loihi with two changes:\n got %+v\nwant %+v", m, want)
	}
	if loihi2, _ := Preset("loihi"); !reflect.DeepEqual(loihi2, loihi) {
		t.Error("loading a derived model changed the preset")
	}

	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("a.yaml", "base: loihi\nname: a\nbarrier: 1 nJ\n")
	got, err := LoadFile(write("b.yaml", "base: a.yaml\nname: b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "b" || got.BarrierPJ != 1000 || got.SynapticOpPJ != loihi.SynapticOpPJ {
		t.Errorf("chained bases: name %s, barrier %g pJ, synaptic op %g pJ", got.Name, got.BarrierPJ, got.SynapticOpPJ)
	}

	write("c1.yaml", "base: c2.yaml\nname: c1\n")
	write("c2.yaml", "base: c1.yaml\nname: c2\n")
	bad := []struct {
		name string
		load func() error
		want string
	}{
		{"unknown base", func() error { _, err := Load(strings.NewReader("base: loihi9\nname: x\n")); return err }, `base "loihi9": unknown preset (available: generic-45nm`},
		{"cycle", func() error { _, err := LoadFile(filepath.Join(dir, "c1.yaml")); return err }, "base cycle:"},
		{"empty base", func() error { _, err := Load(strings.NewReader("base: ''\nname: x\n")); return err }, "base must name a preset"},
		{"bad cost with base", func() error { _, err := Load(strings.NewReader("base: loihi\nsynaptic_op: 3\n")); return err }, "synaptic_op"},
		{"unknown key with base", func() error { _, err := Load(strings.NewReader("base: loihi\nsynop: 3 pJ\n")); return err }, `unknown key "synop"`},
		{"no base, missing keys", func() error { _, err := Load(strings.NewReader("name: x\nsynaptic_op: 3 pJ\n")); return err }, "missing keys: synaptic_op_conv"},
	}
	for _, tc := range bad {
		err := tc.load()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}
