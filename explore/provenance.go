package explore

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/spikemesh/spikemesh/internal/provenance"
)

// ProvenanceFile records what produced a results directory. points.jsonl
// keeps its per-point lines unchanged (older stores stay readable), so the
// sweep's provenance is a file of its own.
const ProvenanceFile = "provenance.json"

// SweepProvenance is the content of ProvenanceFile: the same Provenance as
// spikemesh run --json and bench --json record, for the base configuration
// every point starts from (the base chip, and the base energy model
// resolved for it), with the sweep's seeds. Each point's own parameters are
// in points.jsonl and points.csv.
type SweepProvenance struct {
	Provenance   provenance.Provenance `json:"provenance"`
	Workload     string                `json:"workload"`
	Samples      int                   `json:"samples"`
	Seed         uint64                `json:"seed"` // every point's run seed (input encoding)
	Strategy     StrategyKind          `json:"strategy"`
	StrategySeed uint64                `json:"strategy_seed"` // random and nsga2 draws
}

// NewSweepProvenance returns the provenance of sweeping s; the caller sets
// Provenance.Version and Provenance.CommandLine.
func NewSweepProvenance(s *Space) (*SweepProvenance, error) {
	c := s.Base.Chip
	e, err := s.Base.Energy.ForChip(c.WeightBits, c.SynapseMemoryBytes)
	if err != nil {
		return nil, fmt.Errorf("explore: base energy model: %w", err)
	}
	p, err := provenance.New(c, e)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	return &SweepProvenance{Provenance: p, Workload: s.Base.Workload, Samples: s.Base.Samples, Seed: s.Base.Seed,
		Strategy: s.Strategy.Kind, StrategySeed: s.Strategy.Seed}, nil
}

// Write writes p as dir/provenance.json (indented JSON), atomically.
func (p *SweepProvenance) Write(dir string) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("explore: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, ProvenanceFile), append(b, '\n'))
}
