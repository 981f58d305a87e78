package spikemesh

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
)

// TestBoardReport: on a board of two chips the report counts the hops over
// chip-to-chip links, in text and JSON, and every core's energy components
// add up to its total.
func TestBoardReport(t *testing.T) {
	o := testOptions(t, 3, 4)
	// The MLP's 7 cores on two 1x1-router chips of 4 cores: fc1 on the
	// first chip, fc2 and fc3 on the second, so fc1's spikes cross.
	o.Chip.MeshWidth, o.Chip.MeshHeight, o.Chip.BoardX, o.Chip.OffChipHopCycles = 1, 1, 2, 20
	o.Energy.OffChipHopPJ = 100
	r, err := Evaluate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	run := r.Runs[0]
	if !(run.OffChipHops > 0) {
		t.Fatalf("off-chip hops %g on a 2-chip board", run.OffChipHops)
	}
	offUJ := 0.0
	for _, c := range run.Energy.Components {
		if c.Name == "off_chip_hops" {
			offUJ = c.UJ
		}
	}
	if want := run.OffChipHops * 100 * 1e-6; math.Abs(offUJ-want) > 1e-9*want {
		t.Errorf("off-chip hop energy %g µJ, want hops x 100 pJ = %g µJ", offUJ, want)
	}
	text, js := render(t, r)
	if !strings.Contains(string(text), "off-chip hops") || !bytes.Contains(js, []byte(`"off_chip_hops_per_inference"`)) {
		t.Error("off-chip hops missing from the text or JSON report")
	}
	if len(run.Energy.Cores) != 7 {
		t.Fatalf("%d cores in the energy report, want 7", len(run.Energy.Cores))
	}
	for _, c := range run.Energy.Cores {
		sum := c.SynapticUJ + c.NeuronUJ + c.SpikeUJ + c.MeshUJ + c.StaticUJ
		if math.Abs(sum-c.TotalUJ) > 1e-12+1e-9*c.TotalUJ || !(c.TotalUJ > 0) {
			t.Errorf("core %d: components add to %g µJ, total %g µJ", c.Core, sum, c.TotalUJ)
		}
	}
	var ce bytes.Buffer
	if err := r.WriteCoreEnergy(&ce); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(ce.String(), "\n  "); got != 1+7 {
		t.Errorf("core energy table has %d rows, want a header and 7 cores:\n%s", got, ce.String())
	}
}
