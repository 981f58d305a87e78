package energy

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzLoad: Load returns a valid Model or an error for any bytes, never
// panics, and a Model it accepts survives YAML and Load unchanged (the
// promise of Model.YAML). Seeds: every preset (below) and the variants in
// testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	for _, name := range PresetNames() {
		b, err := PresetYAML(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Load accepted a model that Validate rejects: %v", err)
		}
		y, err := m.YAML()
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", m.Name, err)
		}
		back, err := Load(bytes.NewReader(y))
		if err != nil {
			t.Fatalf("cannot read back its own YAML: %v\n%s", err, y)
		}
		if !reflect.DeepEqual(back, m) {
			t.Fatalf("round trip changed\n%+v\ninto\n%+v", m, back)
		}
	})
}

// FuzzOverride: Override of any string on a preset returns a valid Model
// or an error, never panics, and leaves the receiver unchanged. Seeds: the
// forms of docs/energy.md (below) and testdata/fuzz/FuzzOverride.
func FuzzOverride(f *testing.F) {
	for _, s := range []string{
		"synop=30pJ", "synaptic_op=30 pJ, hop_x=5 pJ, static_per_chip=0 mW",
		"static_per_core=1.5 W", "hop_y=1e-3 nJ", "synop=30pJ,synop=1pJ",
		"synop=-1pJ", "synop=NaN pJ", "nope=1pJ", ",", "synop", "=1pJ", "",
	} {
		f.Add(s)
	}
	base, err := Preset("loihi")
	if err != nil {
		f.Fatal(err)
	}
	before, err := base.YAML()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		m, err := base.Override(spec)
		if now, _ := base.YAML(); !bytes.Equal(now, before) {
			t.Fatalf("Override(%q) changed its receiver", spec)
		}
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Override(%q) returned an invalid model: %v", spec, err)
		}
	})
}
