package energy

import (
	"fmt"
	"maps"
	"strings"
)

// costAliases are short names accepted by Override besides the cost keys.
var costAliases = map[string]string{
	"synop": "synaptic_op",
}

// Override returns a copy of m with some costs replaced, for sensitivity
// studies. spec is a comma-separated list of key=value items, where key is
// a cost key of CostKeys (or the alias synop for synaptic_op) and value is
// a number with its unit, as in the YAML files:
//
//	synop=30pJ
//	synaptic_op=30 pJ, hop_x=5 pJ, static_per_chip=0 mW
//
// An unknown or repeated key, a value without a unit, a unit of the wrong
// kind, a negative or non-finite value and an empty item are errors naming
// the item and, for keys, listing the valid ones. The replaced keys' Sources
// record the override and the value it replaced, and the Description lists
// the overrides. m itself is not changed. With a Scaling model the
// overridden synaptic_op, synaptic_mac and syn_mem_read_bit are reference
// values that ForChip still scales; apply ForChip first to override final
// per-event values.
func (m Model) Override(spec string) (Model, error) {
	if strings.TrimSpace(spec) == "" {
		return Model{}, fmt.Errorf("energy: override is empty; expected key=value items such as \"synop=30pJ\" (keys: %s)", validOverrideKeys())
	}
	out := m
	out.Sources = maps.Clone(m.Sources)
	if out.Sources == nil {
		out.Sources = map[string]string{}
	}
	var done []string
	seen := map[string]string{} // cost key -> item that set it
	for i, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return Model{}, fmt.Errorf("energy: override item %d is empty in %q; expected key=value items separated by commas", i+1, spec)
		}
		name, value, ok := strings.Cut(item, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return Model{}, fmt.Errorf("energy: override %q is not key=value; expected e.g. \"synop=30pJ\" (keys: %s)", item, validOverrideKeys())
		}
		key := name
		if k, isAlias := costAliases[name]; isAlias {
			key = k
		}
		f, ok := findCost(key)
		if !ok {
			return Model{}, fmt.Errorf("energy: override %q: unknown key %q; valid keys: %s", item, name, validOverrideKeys())
		}
		if prev, dup := seen[key]; dup {
			return Model{}, fmt.Errorf("energy: override %q: %s is already set by %q", item, key, prev)
		}
		seen[key] = item
		q := &energyQty
		if f.kind == kindPower {
			q = &powerQty
		}
		v, err := parseQuantity(value, q)
		if err != nil {
			return Model{}, fmt.Errorf("energy: override %q: %s: %w", item, key, err)
		}
		old := *f.ptr(&out)
		*f.ptr(&out) = v
		was := formatEnergy(old)
		now := formatEnergy(v)
		if f.kind == kindPower {
			was, now = formatPower(old), formatPower(v)
		}
		out.Sources[key] = fmt.Sprintf("override %s = %s (replaces %s)", key, now, was)
		done = append(done, key+" = "+now)
	}
	note := "Overridden: " + strings.Join(done, ", ") + "."
	if d := strings.TrimSpace(out.Description); d != "" {
		out.Description = d + " " + note
	} else {
		out.Description = note
	}
	if err := out.Validate(); err != nil {
		return Model{}, fmt.Errorf("energy: override %q: %w", spec, err)
	}
	return out, nil
}

func validOverrideKeys() string {
	return "synop (= synaptic_op), " + strings.Join(CostKeys(), ", ")
}
