package graphrun

import (
	"bytes"
	"strings"
	"testing"
)

// TestDriftUndefined: a population that fires only on the chip has no
// relative drift (JSON null, "n/a" in text), not 0; silent on both is 0.
func TestDriftUndefined(t *testing.T) {
	r := &Report{Samples: 2, chipPred: []int{0, 1}, floatPred: []int{0, 0},
		Populations: []PopStat{{Name: "only_chip", Fires: true, chip: 6}, {Name: "silent", Fires: true}, {Name: "both", Fires: true, chip: 6, float: 4}}}
	r.finish()
	if r.Populations[0].DriftPct != nil {
		t.Errorf("only_chip: drift %v, want nil", *r.Populations[0].DriftPct)
	}
	if d := r.Populations[1].DriftPct; d == nil || *d != 0 {
		t.Errorf("silent: drift %v, want 0", d)
	}
	if d := r.Populations[2].DriftPct; d == nil || *d != 50 {
		t.Errorf("both: drift %v, want +50 (3 vs 2 spikes per sample)", d)
	}
	if r.OutputAgreementPct != 50 {
		t.Errorf("output agreement %g %%, want 50", r.OutputAgreementPct)
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "3.00         0.00          n/a") || !strings.Contains(buf.String(), "+50.00") {
		t.Errorf("text report lacks the n/a and +50.00 drifts:\n%s", buf.String())
	}
}
