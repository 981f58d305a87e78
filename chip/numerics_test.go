package chip

import (
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

func TestBitsNeeded(t *testing.T) {
	for _, c := range []struct {
		d    uint16
		want int
	}{{0, 0}, {4096, 0}, {2048, 1}, {1024, 2}, {16, 8}, {48, 8}, {1, 12}, {4095, 12}, {410, 11}} {
		if got := decayBitsNeeded(c.d); got != c.want {
			t.Errorf("decayBitsNeeded(%d) = %d, want %d", c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		x    int64
		want int
	}{{0, 1}, {1, 2}, {-1, 1}, {-2, 2}, {127, 8}, {128, 9}, {-128, 8}, {-129, 9}, {1<<23 - 1, 24}, {1 << 23, 25}} {
		if got := signedBits(c.x); got != c.want {
			t.Errorf("signedBits(%d) = %d, want %d", c.x, got, c.want)
		}
	}
}

// TestNumericLimits: a chip with fewer decay or voltage bits than a
// population needs refuses it, naming the layer, the parameter, need and
// have, together with the other violations; the limits are --set keys and
// validated.
func TestNumericLimits(t *testing.T) {
	net := denseNet(16, 8, 4)
	net.Layers[0].Neuron = neuron.Params{Kind: neuron.LIF, Threshold: 1000, DecayU: 410, DecayV: 1024}
	net.Layers[1].Neuron.Threshold = 300
	net.Layers[1].Bias = []int32{0, 0, -600, 0}
	tiny, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Map(net, tiny); err != nil {
		t.Fatalf("no limits: %v", err)
	}
	cfg, err := tiny.SetAll([]string{"decay_bits=8", "voltage_bits=10", "neurons_per_core=1", "mesh_width=1", "mesh_height=1", "cores_per_router=1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Map(net, cfg)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"layer fc1 (decay_u 410/4096, model lif) needs decay_bits 11, chip allows 8: use decays that are multiples of 16/4096",
		"layer fc1 (threshold 1000, model lif) needs voltage_bits 11, chip allows 10",
		"layer fc2 (neuron 2's bias -600, model if-subtract) needs voltage_bits 11, chip allows 10",
		"needs cores 12, chip allows 1",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	ok, err := tiny.SetAll([]string{"decay_bits=11", "voltage_bits=11"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Map(net, ok); err != nil {
		t.Errorf("limits met exactly: %v", err)
	}
	for _, bad := range []struct{ set, want string }{
		{"decay_bits=-1", "decay_bits is -1, must be in 1..32 (or 0: no limit)"},
		{"voltage_bits=1", "voltage_bits is 1, must be in 2..32 (or 0: no limit)"},
		{"voltage_bits=33", "voltage_bits is 33"},
		{"decay_bits=x", "decay_bits"},
	} {
		if _, err := tiny.SetAll([]string{bad.set}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("--set %s: error %v, want %q", bad.set, err, bad.want)
		}
	}
}

// TestFullDecay: full decay (4096) keeps no state and needs no decay bits,
// as no decay does (docs/chips.md); the largest register value below it,
// 4095, needs all 12.
func TestFullDecay(t *testing.T) {
	tiny, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	one, err := tiny.SetAll([]string{"decay_bits=1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		du, dv uint16
		want   string // "" if decay_bits=1 accepts it
	}{
		{4096, 4096, ""},
		{4096, 0, ""},
		{4096, 2048, ""},
		{4096, 4095, "layer fc1 (decay_v 4095/4096, model lif) needs decay_bits 12, chip allows 1"},
		{1, 4096, "layer fc1 (decay_u 1/4096, model lif) needs decay_bits 12, chip allows 1"},
	} {
		net := denseNet(16, 8, 4)
		net.Layers[0].Neuron = neuron.Params{Kind: neuron.LIF, Threshold: 100, DecayU: c.du, DecayV: c.dv}
		_, err := Map(net, one)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("decays %d, %d: %v", c.du, c.dv, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("decays %d, %d: error %v, want %q", c.du, c.dv, err, c.want)
		}
	}
}
