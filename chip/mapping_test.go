package chip

import (
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// denseNet builds a network of dense layers with all weights 1.
func denseNet(inputs int, sizes ...int) *Network {
	net := &Network{Name: "dense", Inputs: inputs}
	in := inputs
	for i, n := range sizes {
		w := make([]int8, in*n)
		for k := range w {
			w[k] = 1
		}
		net.Layers = append(net.Layers, Layer{Name: "fc" + string(rune('1'+i)), Size: n,
			Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 10}, Weights: w})
		in = n
	}
	return net
}

func TestMapPartition(t *testing.T) {
	loihi, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	tiny, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		net   *Network
		cfg   Config
		cores []int // per layer
		sizes [][]int
	}{
		// 784 x 8 bit = 784 B per neuron; 131072/784 = 167 neurons per core:
		// 512 -> 4 cores of 128. 512 B per neuron -> 256 per core: 2 cores.
		{"loihi mlp", denseNet(784, 512, 512, 10), loihi, []int{4, 2, 1},
			[][]int{{128, 128, 128, 128}, {256, 256}, {10}}},
		// tiny: 4096 B, 64 neurons per core. 32 inputs -> 128 per core by memory,
		// 64 by neurons: 100 -> 2 cores (50, 50); 100 inputs -> 40 per core:
		// 30 -> 1 core.
		{"tiny", denseNet(32, 100, 30), tiny, []int{2, 1}, [][]int{{50, 50}, {30}}},
		// uneven split: 130 neurons over 3 cores -> 44, 43, 43.
		{"uneven", denseNet(8, 130), tiny, []int{3}, [][]int{{44, 43, 43}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Map(c.net, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for l, want := range c.cores {
				if got := len(m.LayerCores[l]); got != want {
					t.Errorf("layer %d: %d cores, want %d", l, got, want)
				}
				for g, ci := range m.LayerCores[l] {
					cm := m.Cores[ci]
					if cm.Neurons() != c.sizes[l][g] {
						t.Errorf("layer %d group %d: %d neurons, want %d", l, g, cm.Neurons(), c.sizes[l][g])
					}
					if cm.SynMemBits > c.cfg.SynapseMemoryBits() || cm.Neurons() > c.cfg.NeuronsPerCore ||
						cm.Axons > c.cfg.AxonsPerCore || cm.FanoutEntries > c.cfg.FanoutPerCore {
						t.Errorf("core %d breaks a limit: %+v", ci, cm)
					}
				}
			}
			// Placement is row-major, core by core.
			for i, cm := range m.Cores {
				r := i / c.cfg.CoresPerRouter
				if cm.Core != i || int(cm.Endpoint.Router) != r || cm.X != r%c.cfg.MeshWidth || cm.Y != r/c.cfg.MeshWidth {
					t.Errorf("core %d placed at %+v", i, cm)
				}
			}
		})
	}
}

func TestMapErrors(t *testing.T) {
	tiny, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	small := tiny
	small.FanoutPerCore = 2
	lowMem := tiny
	lowMem.SynapseMemoryBytes = 512
	cases := []struct {
		name string
		net  *Network
		cfg  Config
		want []string // substrings that must all appear
	}{
		// Too many inputs or synapses for one core: the fan-in is split, and
		// here even the split for the fewest cores needs more than the chip has.
		{"axons", denseNet(20000, 10), tiny, []string{"fc1: 49 (fan-in split 49 ways)", "needs cores 49, chip allows 8"}},
		{"memory", denseNet(1000, 10), lowMem, []string{"fc1: 20 (fan-in split 2 ways)", "needs cores 20, chip allows 8"}},
		{"cores", denseNet(100, 600), tiny, []string{"the network (cores per layer fc1: 15) needs cores 15, chip allows 8", "2x2 routers x 2 cores x 1 chips"}},
		{"fanout", denseNet(10, 64, 192), small, []string{"layer fc1", "fanout_entries_per_core", "3", "2"}},
		// A fan-out that no split fixes: the fan-in is not split either, and
		// every limit of the neuron is reported.
		{"every violation", denseNet(2000, 64, 192), small, []string{"layer fc1 (neuron 0 alone; no split can help) needs axons_per_core 2000", "needs fanout_entries_per_core 3, chip allows 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Map(c.net, c.cfg)
			if err == nil {
				t.Fatal("mapping succeeded")
			}
			for _, s := range c.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	good, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"mesh", func(c *Config) { c.MeshWidth = 0 }, "mesh_width is 0"},
		{"bits", func(c *Config) { c.WeightBits = 12 }, "weight_bits is 12"},
		{"clock", func(c *Config) { c.ClockMHz = -1 }, "clock_mhz is -1"},
		{"host", func(c *Config) { c.HostRouterX = 99 }, "host router (99,0)"},
		{"buffer", func(c *Config) { c.BufferDepth = 0 }, "buffer_depth is 0"},
	}
	for _, c := range cases {
		cfg := good
		c.modify(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if err := good.Validate(); err != nil {
		t.Errorf("loihi preset invalid: %v", err)
	}
}

func TestLoadConfig(t *testing.T) {
	for _, name := range PresetNames() {
		c, err := Preset(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := c.YAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadConfig(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s: re-reading its YAML: %v", name, err)
		}
		if back != c {
			t.Errorf("%s: round trip changed it:\n%+v\n%+v", name, c, back)
		}
	}
	bad := []struct{ name, yaml, want string }{
		{"unknown key", "name: x\nmesh_widht: 3\n", "mesh_widht"},
		{"empty", "", "empty"},
		{"bad routing", "name: x\nrouting: zigzag\n", "zigzag"},
		{"not a number", "name: x\nmesh_width: many\n", "line 2: found a string where an integer was expected"},
		{"two documents", "name: x\n---\nname: y\n", "line 2: a second YAML document"},
	}
	for _, c := range bad {
		_, err := LoadConfig(strings.NewReader(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), "loihi") {
		t.Errorf("unknown preset error %v should list the presets", err)
	}
	loihi, _ := Preset("loihi")
	if loihi.Cores() != 128 || loihi.NeuronsPerCore != 1024 || loihi.SynapseMemoryBytes != 128*1024 || loihi.AxonsPerCore != 4096 {
		t.Errorf("loihi preset: %d cores, %d neurons, %d B, %d axons", loihi.Cores(), loihi.NeuronsPerCore, loihi.SynapseMemoryBytes, loihi.AxonsPerCore)
	}
}
