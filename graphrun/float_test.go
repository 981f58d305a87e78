package graphrun

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/nir"
)

// TestFloatRefReused: a run given the float reference RunFloat computed
// reports exactly what a run that simulates the float side itself does,
// on chips with other weight widths too; a reference for another run
// length is refused.
func TestFloatRefReused(t *testing.T) {
	g, err := nir.Read("../nir/testdata/braille_noDelay_bias_zero.nir", nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	in := randomSpikes(3, 20, 12, 0.4, 5)
	for _, bits := range []int{8, 4} {
		cfg, err := chip.Preset("loihi")
		if err != nil {
			t.Fatal(err)
		}
		cfg.WeightBits = bits
		o := Options{Graph: g, Model: "braille", Input: in, Chip: cfg, ChipName: "loihi", Energy: e, Workers: 1}
		want, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		o8 := o
		o8.Chip.WeightBits = 8 // the reference is lowered for another chip
		fr, err := RunFloat(o8)
		if err != nil {
			t.Fatal(err)
		}
		o.Float = fr
		got, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		if err := want.WriteJSON(&a); err != nil {
			t.Fatal(err)
		}
		if err := got.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("weight_bits %d: reports differ with a shared reference:\n%s\n%s", bits, a.String(), b.String())
		}
		if got.SynapticMemoryUsedBytes() <= 0 {
			t.Errorf("weight_bits %d: synaptic memory used %d, want > 0", bits, got.SynapticMemoryUsedBytes())
		}
		o.Timesteps = 10
		if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "Options.Float") {
			t.Errorf("a reference for 20 timesteps used for 10: err %v, want a refusal naming Options.Float", err)
		}
	}
}
