package chip

import (
	"errors"
	"fmt"
	"strings"
)

// This file holds the limits of the whole chip that Map reports together
// with the per-core ones (partition.go) and the per-population ones (the
// neuron models, models.go; decay and voltage bits, numerics.go): the
// number of cores, and with multicast delivery the routing-table entries
// per router. Every violation is found in one pass, so a user sees at once
// everything a design breaks.

// coresViolation reports when the populations need more cores than the
// chip has: counts[l] cores for population l (splitter cores included;
// notes[l] says how its fan-in is split). Populations marked broken broke
// a per-core limit and are counted split by neurons alone: a lower bound
// for them.
func coresViolation(net *Network, cfg Config, counts []int, notes []string, broken []bool) *Violation {
	total, atLeast := 0, false
	for l, n := range counts {
		total += n
		atLeast = atLeast || broken[l]
	}
	if total <= cfg.Cores() {
		return nil
	}
	per := make([]string, len(counts))
	for l, n := range counts {
		per[l] = fmt.Sprintf("%s: %d%s", net.Layers[l].Name, n, notes[l])
	}
	group := "cores per layer " + strings.Join(per, ", ")
	if atLeast {
		group += "; at least: the layers that break a per-core limit are counted split by neurons alone"
	}
	return &Violation{
		Layer:     "",
		Group:     group,
		Limit:     "cores",
		Needed:    int64(total),
		Available: int64(cfg.Cores()),
		Suggestion: fmt.Sprintf("the chip has %dx%d routers x %d cores x %d chips: raise mesh_width/mesh_height or board_chips_x/board_chips_y, neurons_per_core or synapse_memory_bytes, or lower weight_bits",
			cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter, cfg.Chips()),
	}
}

// enlargedBoard returns cfg on a board with enough chips (more rows of
// chips) for cores cores, so that the router tables of a mapping that does
// not fit can still be estimated. It returns cfg unchanged when no such
// board is valid.
func enlargedBoard(cfg Config, cores int64) Config {
	perChip := int64(cfg.MeshWidth * cfg.MeshHeight * cfg.CoresPerRouter)
	bx := int64(max(cfg.BoardX, 1))
	rows := ((cores+perChip-1)/perChip + bx - 1) / bx
	if rows > 1<<12 {
		return cfg
	}
	big := cfg
	big.BoardX, big.BoardY = int(bx), int(rows)
	big.OffChipHopCycles = max(cfg.OffChipHopCycles, 1)
	if big.Validate() != nil {
		return cfg
	}
	return big
}

// routerTableViolation reports, with multicast delivery and a finite
// router_table_entries, the router that needs the most table entries when
// m's groups are built with unlimited tables; nil when every router fits or
// the check does not apply. m is the row-major placement of Map; enlarged
// says m sits on a board enlarged to hold every core.
func routerTableViolation(m *Mapping, enlarged bool) error {
	capacity := m.Config.RouterTableEntries
	if m.Config.Delivery != Multicast || capacity <= 0 {
		return nil
	}
	free := *m
	free.Config.RouterTableEntries = 0
	s, err := NewSimulator(&free, 1)
	if err != nil {
		return fmt.Errorf("chip: router tables could not be estimated: %w", err)
	}
	worst, over := 0, 0
	var wx, wy int
	for ri := range int32(s.mesh.NumRouters()) {
		n := s.mesh.TableEntries(ri)
		if n > capacity {
			over++
		}
		if n > worst {
			worst = n
			wx, wy = s.mesh.Coord(ri)
		}
	}
	if worst <= capacity {
		return nil
	}
	group := fmt.Sprintf("router (%d,%d); %d of %d routers over, row-major placement", wx, wy, over, s.mesh.NumRouters())
	if enlarged {
		group += fmt.Sprintf(" on a board enlarged to %d chips to hold every core", m.Config.Chips())
	}
	return Violation{
		Group: group, Limit: "router_table_entries",
		Needed: int64(worst), Available: int64(capacity),
		Suggestion: "raise router_table_entries, use delivery: unicast, or a traffic-aware placement (greedy, anneal)",
	}
}

// flatten lists the violations nested in errs (partition joins a layer's
// violations into one error) as one flat list, in order.
func flatten(errs []error) []error {
	var out []error
	for _, e := range errs {
		var v violations
		if errors.As(e, &v) {
			out = append(out, flatten(v)...)
			continue
		}
		out = append(out, e)
	}
	return out
}
