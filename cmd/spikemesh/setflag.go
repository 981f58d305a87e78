package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// energyPrefix marks a --set item that changes the energy model rather
// than the chip: --set energy.synop=30pJ.
const energyPrefix = "energy."

// setFlag collects repeatable --set key=value items.
type setFlag struct{ items []string }

const setUsage = "change a chip field, key=value with the YAML key (repeatable; e.g. axons_per_core=256, synapse_memory_bytes=64KiB, routing=yx); energy costs take the prefix energy. (e.g. energy.synop=30pJ)"

func (s *setFlag) register(cmd *cobra.Command) {
	f := cmd.Flags()
	// StringArray, not StringSlice: a value may itself contain a comma.
	f.StringArrayVar(&s.items, "set", nil, setUsage)
}

// split returns the chip items and the energy items (prefix removed).
func (s *setFlag) split() (chipItems, energyItems []string) {
	for _, it := range s.items {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(it), energyPrefix); ok {
			energyItems = append(energyItems, rest)
			continue
		}
		chipItems = append(chipItems, it)
	}
	return chipItems, energyItems
}

// applyChip applies the chip items to c. Energy items are an error when
// the command has no energy model (hasEnergy false).
func (s *setFlag) applyChip(c chip.Config, hasEnergy bool) (chip.Config, error) {
	ci, ei := s.split()
	if len(ei) > 0 && !hasEnergy {
		return chip.Config{}, fmt.Errorf("--set %s%s: this command has no energy model", energyPrefix, ei[0])
	}
	if len(ci) == 0 {
		return c, nil
	}
	c, err := c.SetAll(ci)
	if err != nil {
		return chip.Config{}, fmt.Errorf("--set: %w", err)
	}
	// The name travels into reports: say what changed, as the energy
	// model's name does for an override, unless --set gave a name.
	if !slices.ContainsFunc(ci, func(it string) bool { k, _, _ := strings.Cut(it, "="); return strings.TrimSpace(k) == "name" }) {
		c.Name += " with " + strings.Join(ci, ", ")
	}
	return c, nil
}

// energySpec returns the energy items as one energy.Model.Override spec,
// joined with extra (the --energy-override value) when both are given.
func (s *setFlag) energySpec(extra string) (string, error) {
	_, ei := s.split()
	for _, it := range ei {
		if strings.Contains(it, ",") {
			return "", fmt.Errorf("--set %s%s: give one energy cost per --set", energyPrefix, it)
		}
	}
	if strings.TrimSpace(extra) != "" {
		ei = append(ei, extra)
	}
	return strings.Join(ei, ","), nil
}

// applyEnergy applies the energy items to m (after ForChip-independent
// loading, like --energy-override).
func (s *setFlag) applyEnergy(m energy.Model) (energy.Model, error) {
	spec, err := s.energySpec("")
	if err != nil || spec == "" {
		return m, err
	}
	m, err = m.Override(spec)
	if err != nil {
		return energy.Model{}, fmt.Errorf("--set: %w", err)
	}
	return m, nil
}
