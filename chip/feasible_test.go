package chip

import (
	"errors"
	"strings"
	"testing"
)

// TestMapEveryViolationAtOnce maps a network that breaks every limit
// splitting cannot lift at once and checks that one error lists each,
// with layer, limit, need, have and a suggestion. fc1's fan-in (2000
// inputs > 1024 axons, 2000 B > 512 B) is split 4 ways instead of being a
// violation (TestFanInSplitExact); its cores count in the total.
func TestMapEveryViolationAtOnce(t *testing.T) {
	cfg, err := Preset("tiny") // 2x2 routers x 2 cores, 64 neurons per core
	if err != nil {
		t.Fatal(err)
	}
	cfg.AxonsPerCore = 1024
	cfg.SynapseMemoryBytes = 512
	cfg.FanoutPerCore = 4
	cfg.Delivery = Multicast
	cfg.RouterTableEntries = 1
	// fc1: 2000 inputs per neuron > 1024 axons, and 2000 B of weights > 512 B:
	// split 4 ways, 10 groups of neurons: 40 cores.
	// fc2: each neuron feeds every core of fc3 (75 of them) > 4 entries.
	// fc3: 600 neurons of 64 B each fit 8 to a core: 75 cores; 116 in all > 8.
	net := denseNet(2000, 10, 64, 600)
	_, err = Map(net, cfg)
	if err == nil {
		t.Fatal("mapping succeeded")
	}
	var all []Violation
	for _, e := range flatten([]error{errors.Unwrap(err)}) {
		var v Violation
		if !errors.As(e, &v) {
			t.Fatalf("%v is not a Violation", e)
		}
		all = append(all, v)
	}
	want := []Violation{
		{Layer: "fc2", Limit: "fanout_entries_per_core", Needed: 75, Available: 4},
		{Layer: "", Limit: "cores", Needed: 40 + 1 + 75, Available: 8},
		{Layer: "", Limit: "router_table_entries", Available: 1},
	}
	if len(all) != len(want) {
		t.Fatalf("%d violations, want %d:\n%v", len(all), len(want), err)
	}
	for i, w := range want {
		g := all[i]
		if g.Layer != w.Layer || g.Limit != w.Limit || g.Available != w.Available || (w.Needed != 0 && g.Needed != w.Needed) {
			t.Errorf("violation %d: %+v, want layer %q limit %s need %d have %d", i, g, w.Layer, w.Limit, w.Needed, w.Available)
		}
		if g.Needed <= g.Available || g.Suggestion == "" || g.Group == "" {
			t.Errorf("violation %d: need %d, have %d, group %q, suggestion %q", i, g.Needed, g.Available, g.Group, g.Suggestion)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, "on a board enlarged to 15 chips") || !strings.Contains(msg, "at least") {
		t.Errorf("error does not say how the chip-wide limits were estimated:\n%s", msg)
	}
}

// TestMapRouterTablesOnlyAfterPlace: a mapping that breaks nothing but the
// router tables is left to NewSimulator, which checks them after Place
// (a traffic-aware placement may fit where row-major would not).
func TestMapRouterTablesOnlyAfterPlace(t *testing.T) {
	cfg, _ := Preset("tiny")
	cfg.Delivery = Multicast
	cfg.RouterTableEntries = 1
	m, err := Map(denseNet(16, 64, 64, 10), cfg)
	if err != nil {
		t.Fatalf("Map checked router tables of a mapping that fits the cores: %v", err)
	}
	if _, err := NewSimulator(m, 1); err == nil || !strings.Contains(err.Error(), "router_table_entries") {
		t.Errorf("NewSimulator: error %v, want the router-table limit", err)
	}
}

func TestNeuronModels(t *testing.T) {
	cfg, err := LoadConfig(strings.NewReader("base: tiny\nneuron_models: [lif, if-zero]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.NeuronModels.String(); got != "if-zero,lif" {
		t.Errorf("neuron_models read as %q", got)
	}
	_, err = Map(denseNet(16, 8, 4), cfg)
	want := "layer fc1 needs neuron model if-subtract; chip tiny implements if-zero,lif (neuron_models)"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "layer fc2 needs neuron model if-subtract") {
		t.Errorf("Map error %v, want it to name both layers: %q", err, want)
	}
	if _, err := cfg.SetAll([]string{"neuron_models=if-subtract,lif"}); err != nil {
		t.Error(err)
	}
	if c, err := cfg.SetAll([]string{"neuron_models=if-subtract,if-zero,lif,bif,li,lif-2syn,sanafe-lif"}); err != nil || c.NeuronModels != 0 {
		t.Errorf("every model should read as the zero set: %v %v", c.NeuronModels, err)
	}
	tiny, _ := Preset("tiny")
	if _, err := Map(denseNet(16, 8, 4), tiny); err != nil {
		t.Errorf("a chip without neuron_models refused: %v", err)
	}
	for _, bad := range []struct{ text, want string }{
		{"base: tiny\nneuron_models: [lif, hh]\n", `unknown model "hh"`},
		{"base: tiny\nneuron_models: [lif, lif]\n", "lif is listed twice"},
		{"base: tiny\nneuron_models: []\n", "the list is empty"},
		{"base: tiny\nneuron_models: {a: 1}\n", "must be a list of model names"},
	} {
		if _, err := LoadConfig(strings.NewReader(bad.text)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.text, err, bad.want)
		}
	}
}

// TestPresetsListNeuronModels: every preset names its neuron models, each
// on a comment line that says why the chip has it (docs/chips.md).
func TestPresetsListNeuronModels(t *testing.T) {
	for _, name := range PresetNames() {
		text, err := PresetYAML(name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(text)
		if !strings.Contains(s, "\nneuron_models: [") {
			t.Errorf("preset %s does not list neuron_models", name)
			continue
		}
		cfg, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		comments := ""
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(line, "#") {
				comments += line + "\n"
			}
		}
		if !strings.Contains(comments, "odel") {
			t.Errorf("preset %s: no comment says why it has neuron models %s", name, cfg.NeuronModels)
		}
	}
}
