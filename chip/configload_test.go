package chip

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadConfigMissingFieldsNamed(t *testing.T) {
	full, err := PresetYAML("tiny")
	if err != nil {
		t.Fatal(err)
	}
	// Drop two timing fields: before, they silently became 0.
	var kept []string
	for _, line := range strings.Split(string(full), "\n") {
		if strings.HasPrefix(line, "hop_cycles_y:") || strings.HasPrefix(line, "barrier_base_cycles:") {
			continue
		}
		kept = append(kept, line)
	}
	_, err = LoadConfig(strings.NewReader(strings.Join(kept, "\n")))
	if err == nil {
		t.Fatal("a config without hop_cycles_y and barrier_base_cycles loaded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "missing fields: hop_cycles_y, barrier_base_cycles") || strings.Contains(msg, "\n") {
		t.Errorf("error %q should be one line naming both missing fields", msg)
	}
	// Optional (omitempty) fields may be left out: the presets do.
	if _, err := LoadConfig(strings.NewReader(string(full))); err != nil {
		t.Errorf("tiny preset text: %v", err)
	}
}

func TestLoadConfigBase(t *testing.T) {
	c, err := LoadConfig(strings.NewReader("base: loihi\nname: small-loihi\naxons_per_core: 256\nsynapse_memory_bytes: 65536\n"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Preset("loihi")
	want.Name, want.AxonsPerCore, want.SynapseMemoryBytes = "small-loihi", 256, 65536
	if c != want {
		t.Errorf("base: loihi with three changes:\n got %+v\nwant %+v", c, want)
	}

	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A file based on a file based on a preset; the relative base is found
	// next to the file that names it, whatever the working directory.
	write("a.yaml", "base: tiny\nname: a\nneurons_per_core: 32\n")
	b := write("b.yaml", "base: a.yaml\nname: b\nbuffer_depth: 4\n")
	got, err := LoadConfigFile(b)
	if err != nil {
		t.Fatal(err)
	}
	tiny, _ := Preset("tiny")
	tiny.Name, tiny.NeuronsPerCore, tiny.BufferDepth = "b", 32, 4
	if got != tiny {
		t.Errorf("chained bases:\n got %+v\nwant %+v", got, tiny)
	}

	bad := []struct{ name, text, want string }{
		{"unknown base", "base: loihi3\nname: x\n", `base "loihi3": unknown preset (available: loihi`},
		{"cycle", "", "base cycle:"},
		{"self", "", "base cycle:"},
		{"empty base", "base: ''\nname: x\n", "base must name a preset"},
		{"unknown field with base", "base: tiny\nmesh_widht: 3\n", `unknown field "mesh_widht"`},
		{"bad value with base", "base: tiny\nmesh_width: 0\n", "mesh_width is 0, must be >= 1"},
	}
	write("c1.yaml", "base: c2.yaml\nname: c1\n")
	write("c2.yaml", "base: c1.yaml\nname: c2\n")
	write("self.yaml", "base: self.yaml\nname: s\n")
	for _, tc := range bad {
		var err error
		switch tc.name {
		case "cycle":
			_, err = LoadConfigFile(filepath.Join(dir, "c1.yaml"))
		case "self":
			_, err = LoadConfigFile(filepath.Join(dir, "self.yaml"))
		default:
			_, err = LoadConfig(strings.NewReader(tc.text))
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestConfigSet(t *testing.T) {
	base, _ := Preset("loihi")
	c, err := base.SetAll([]string{"axons_per_core=256", "synapse_memory_bytes=64KiB", "routing=yx", "clock_mhz=1000", "placement_seed=7", "name=mine"})
	if err != nil {
		t.Fatal(err)
	}
	if c.AxonsPerCore != 256 || c.SynapseMemoryBytes != 65536 || c.Routing.String() != "yx" || c.ClockMHz != 1000 || c.PlacementSeed != 7 || c.Name != "mine" {
		t.Errorf("SetAll gave %+v", c)
	}
	if base.AxonsPerCore != 4096 {
		t.Error("SetAll changed its receiver")
	}
	bad := []struct{ item, want string }{
		{"axons=256", `unknown key "axons"; valid keys: name,`},
		{"axons_per_core=many", "axons_per_core=many: want an integer"},
		{"axons_per_core=256KiB", "axons_per_core=256KiB: want an integer"},
		{"synapse_memory_bytes=64KB", "synapse_memory_bytes=64KB: want an integer number of bytes"},
		{"clock_mhz=2GHz", "clock_mhz=2GHz: want a finite number"},
		{"clock_mhz=NaN", "clock_mhz=NaN: want a finite number"},
		{"routing=zigzag", "routing=zigzag:"},
		{"mesh_width=0", "after --set: mesh_width is 0, must be >= 1"},
		{"mesh_width", `"mesh_width" is not key=value`},
		{"placement_seed=-1", "placement_seed=-1: want a non-negative integer"},
		{"synapse_memory_bytes=99999999GiB", "out of range"},
	}
	for _, tc := range bad {
		_, err := base.SetAll([]string{tc.item})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--set %s: error %v, want one line containing %q", tc.item, err, tc.want)
		}
	}
	if _, err := base.SetAll([]string{"mesh_width=2", "mesh_width=3"}); err == nil || !strings.Contains(err.Error(), "already set") {
		t.Errorf("a repeated key: error %v", err)
	}
	// Every key can be set from the text the YAML encoder writes for it.
	for _, k := range ConfigKeys() {
		var c2 Config = base
		if err := c2.Set(k, fieldText(t, base, k)); err != nil {
			t.Errorf("Set(%s) from its own value: %v", k, err)
		}
		if c2 != base {
			t.Errorf("Set(%s) from its own value changed the config", k)
		}
	}
}

// fieldText returns the YAML scalar the encoder writes for key in c.
func fieldText(t *testing.T, c Config, key string) string {
	t.Helper()
	b, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+": "); ok {
			return strings.Trim(v, `"'`)
		}
	}
	for _, f := range configFields() { // an omitempty field at its zero value
		if f.key == key {
			return fmt.Sprint(reflect.ValueOf(c).Field(f.index).Interface())
		}
	}
	t.Fatalf("no key %s", key)
	return ""
}
