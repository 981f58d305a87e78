package chip

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoadConfig: LoadConfig returns a valid Config or an error for any
// bytes, never panics, and a Config it accepts survives YAML and LoadConfig
// unchanged. Seeds: every preset (below) and the hand-made variants in
// testdata/fuzz/FuzzLoadConfig (truncated, garbled, huge and negative
// dimensions, a second document, anchors).
func FuzzLoadConfig(f *testing.F) {
	for _, name := range PresetNames() {
		b, err := PresetYAML(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := LoadConfig(bytes.NewReader(b))
		if err != nil {
			if c != (Config{}) {
				t.Fatalf("error %v came with a non-zero Config %+v", err, c)
			}
			return
		}
		checkAccepted(t, "LoadConfig", c)
	})
}

// FuzzSetAll: --set items (here separated by newlines) either change the
// loihi preset into a valid Config, which survives YAML and LoadConfig
// unchanged, or give an error with the zero Config; never a panic.
func FuzzSetAll(f *testing.F) {
	for _, s := range []string{
		"axons_per_core=256", "synapse_memory_bytes=64KiB\nrouting=yx", "clock_mhz=2GHz", "mesh_width=0",
		"nope=1", "axons_per_core=256\naxons_per_core=512", "=", "weight_bits=9", "delivery=multicast\nrouter_table_entries=8",
		"neuron_models=[lif, if-zero]", "placement=anneal\nplacement_seed=-1", "synapse_memory_bytes=1e99",
	} {
		f.Add(s)
	}
	base, err := Preset("loihi")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := base.SetAll(strings.Split(s, "\n"))
		if err != nil {
			if c != (Config{}) {
				t.Fatalf("error %v came with a non-zero Config", err)
			}
			return
		}
		checkAccepted(t, "SetAll", c)
	})
}

// checkAccepted: a Config that function by accepted passes Validate and
// survives YAML and LoadConfig unchanged.
func checkAccepted(t *testing.T, by string, c Config) {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Fatalf("%s accepted a config that Validate rejects: %v", by, err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatalf("%s accepted %+v but it cannot be encoded: %v", by, c, err)
	}
	back, err := LoadConfig(bytes.NewReader(y))
	if err != nil {
		t.Fatalf("cannot read back its own YAML: %v\n%s", err, y)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip changed\n%+v\ninto\n%+v", c, back)
	}
}
