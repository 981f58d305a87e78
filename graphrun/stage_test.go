package graphrun

import (
	"context"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/nir"
)

// TestStageOf: Run's error tells how far it got: a bad timesteps value
// fails before mapping, a chip too small for the network in mapping, a
// cancelled context in the simulation.
func TestStageOf(t *testing.T) {
	const name = "braille_noDelay_bias_zero"
	g, err := nir.Read("../nir/testdata/"+name+".nir", nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	in := randomSpikes(2, 5, inputChannels(t, name), 0.2, 1)
	small, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	small.MeshWidth, small.MeshHeight, small.NeuronsPerCore = 1, 1, 8 // 4 cores of 8 neurons
	cfg, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
		cfg  chip.Config
		T    int
		want Stage
	}{
		{"timesteps", context.Background(), cfg, 6, StagePrepare},
		{"does not fit", context.Background(), small, 5, StageMap},
		{"cancelled", cancelled, cfg, 5, StageSimulate},
	} {
		_, err := Run(c.ctx, Options{Graph: g, Model: name, Input: in, Chip: c.cfg, ChipName: "loihi", Energy: e, Timesteps: c.T, Workers: 1})
		if err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if got := StageOf(err); got != c.want {
			t.Errorf("%s: stage %v, want %v (%v)", c.name, got, c.want, err)
		}
	}
}
