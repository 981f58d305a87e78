package provenance

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// TestNew: the chip is recorded as given, the energy model as its JSON,
// and the whole record survives a JSON round trip.
func TestNew(t *testing.T) {
	c, err := chip.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(c, e)
	if err != nil {
		t.Fatal(err)
	}
	want, err := e.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.ChipConfig, c) || !bytes.Equal(p.EnergyConfig, want) || p.Version != "" || p.CommandLine != nil {
		t.Errorf("New = %+v, want chip %+v and energy %s, no version or command line", p, c, want)
	}
	p.Version, p.CommandLine = "v1", []string{"spikemesh", "bench"}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Provenance
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, p.EnergyConfig); err != nil {
		t.Fatal(err)
	}
	p.EnergyConfig = compact.Bytes()
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, p)
	}
}
