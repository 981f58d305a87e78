package sanafe

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// FuzzParseNetwork: any input is parsed, placed and lowered without a
// panic or a runaway allocation; an accepted network lowers to a chip
// network that validates.
func FuzzParseNetwork(f *testing.F) {
	for _, name := range []string{"dense_mapped.yaml", "conv.yaml", "inputs.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("network:\n  groups: [{name: a, neurons: ['0..99999999']}]\n"))
	f.Add(threeConvs())
	f.Add([]byte("network:\n  groups: [{name: a, attributes: {threshold: 1}, neurons: [0..3]}]\n  edges:\n    - a -> a: {type: sparse, source_target_pairs: [[0, 1], [2, 3]], weight: [1, 300]}\n"))
	cfg, err := chip.Preset("loihi")
	if err != nil {
		f.Fatal(err)
	}
	cfg = Unlimited(cfg)
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := ParseNetwork("fuzz.yaml", data)
		if err != nil {
			return
		}
		place, _, err := Pins("fuzz.yaml", net, cfg)
		if err != nil {
			return
		}
		low, err := Lower("fuzz.yaml", net, place)
		if err != nil {
			return
		}
		if err := low.Net.Validate(cfg.WeightBits); err != nil {
			t.Fatalf("lowered network does not validate: %v", err)
		}
	})
}

// FuzzParseNetlist: any input is parsed and lowered without a panic; an
// accepted network lowers to a chip network that validates.
func FuzzParseNetlist(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "dense_mapped.net"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("g 4194304\ng 1 {threshold: 2}\ne 0.0->1.0 weight=300\n"))
	cfg, err := chip.Preset("loihi")
	if err != nil {
		f.Fatal(err)
	}
	cfg = Unlimited(cfg)
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := ParseNetlist("fuzz.net", data)
		if err != nil {
			return
		}
		place, _, err := Pins("fuzz.net", net, cfg)
		if err != nil {
			return
		}
		low, err := Lower("fuzz.net", net, place)
		if err != nil {
			return
		}
		if err := low.Net.Validate(cfg.WeightBits); err != nil {
			t.Fatalf("lowered network does not validate: %v", err)
		}
	})
}

// FuzzParseArch: any input is parsed and converted without a panic.
func FuzzParseArch(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "arch_small.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(bytes.Replace(data, []byte("latency_north_hop: 6.0e-9"), []byte("latency_north_hop: 1e300"), 1))
	f.Add(bytes.Replace(data, []byte("latency_process_spike: 1.5e-9"), []byte("latency_process_spike: -1.5e-9"), 1))
	f.Add(bytes.Replace(data, []byte("model: current_based"), []byte("model: leaky_integrate_fire"), 1))
	f.Add(bytes.Replace(data, []byte("model: leaky_integrate_fire"), []byte("model: truenorth"), 1))
	base, err := chip.Preset("loihi")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseArch("fuzz.yaml", data)
		if err != nil {
			return
		}
		_, _, _, _ = a.Chip(base, baseEnergy(t))
	})
}

func baseEnergy(t *testing.T) energy.Model {
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	return e
}
