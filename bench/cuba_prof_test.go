package bench

import (
	"context"
	"os"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

func TestCubaProfileTmp(t *testing.T) {
	dir := os.Getenv("CUBA_DIR")
	if dir == "" {
		t.Skip()
	}
	c, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	r, err := RunCuba(context.Background(), CubaOptions{Dir: dir, Duration: 1, Workers: 1, Chip: c, Energy: e})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
}
