// Package provenance records what produced a report: the build, the
// command line and the fully resolved chip and energy configuration, so
// that a report can be reproduced and two reports compared.
//
// It is one small type shared by every command that writes a JSON report
// of a run (spikemesh run, bench, explore). It lives under internal/ and
// not in the root package because bench and explore must record the same
// fields and bench sits below the root package (it must not import it);
// it needs only chip and energy, so any package above them can use it.
package provenance

import (
	"encoding/json"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// Provenance records what produced a report. The library that runs the
// simulation fills the configurations (New); the command fills Version
// and CommandLine, which a library cannot know. The seed is recorded by
// each report beside it (it is an input of the run, not of the build).
type Provenance struct {
	Version     string   `json:"version"`
	CommandLine []string `json:"command_line"`
	// ChipConfig is the chip as used: the fields spikemesh chips show prints.
	ChipConfig chip.Config `json:"chip_config"`
	// EnergyConfig is the energy model as used (resolved for the chip,
	// overrides applied) as energy.Model.JSON writes it: the fields
	// spikemesh energy show prints.
	EnergyConfig json.RawMessage `json:"energy_config"`
}

// New returns the provenance of a run on chip c priced by energy model e,
// which must already be resolved for c (energy.Model.ForChip). Version and
// CommandLine are left for the caller.
func New(c chip.Config, e energy.Model) (Provenance, error) {
	em, err := e.JSON()
	if err != nil {
		return Provenance{}, err
	}
	return Provenance{ChipConfig: c, EnergyConfig: em}, nil
}
