package sanafe

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/internal/yamlstrict"
)

// ArchClockMHz is the clock an imported architecture's latencies are
// counted in: 10 GHz, a cycle of 0.1 ns, the resolution SANA-FE's Loihi
// file states its latencies in (3.1 ns, 6.5 ns, ...), so each converts to
// whole cycles exactly.
const ArchClockMHz = 10000

// Bounds on an architecture's per-event figures, checked as the file is
// read. SANA-FE's files give them in seconds and joules, at the scale of
// nanoseconds and picojoules (its arch/loihi.yaml: latencies 2.1 to 30
// ns, energies up to 76.8 pJ). MaxLatencyS, 1 us, is 10,000 cycles of
// ArchClockMHz, so the sum of two latencies the chip charges as one
// event (access + update, spike out + message out) stays within the 2^16
// cycles chip.Config allows an event. MaxEnergyJ, 1 uJ, is over 10^4
// times the largest of those energies: anything larger is a unit
// mistake, not a design. Negative figures are refused too.
const (
	MaxLatencyS = 1e-6
	MaxEnergyJ  = 1e-6
)

// cost reads an energy_* (joules) or latency_* (seconds) attribute and
// checks it against MaxEnergyJ or MaxLatencyS.
func (p *parser) cost(v *yaml.Node, where, name string) (float64, error) {
	x, err := p.number(v, where+": "+name)
	if err != nil {
		return 0, err
	}
	bound, unit := MaxEnergyJ, "J"
	if strings.HasPrefix(name, "latency_") {
		bound, unit = MaxLatencyS, "s"
	}
	if x < 0 || x > bound {
		return 0, p.errf(v, where, "%s: %g %s is outside [0, %g] (per-event figures are nanoseconds and picojoules; docs/sanafe.md)", name, x, unit, bound)
	}
	return x, nil
}

// Unit is one hardware unit of an architecture's core: a synapse, soma,
// dendrite or axon unit, with SANA-FE's per-event costs in pJ and ns.
type Unit struct {
	Name  string
	Model UnitModel
	// ModelName is the model attribute as written ("" when none is
	// given), for messages about a UnitOther model.
	ModelName string
	Energy    map[string]float64 // "energy_*" attributes, pJ
	Lat       map[string]float64 // "latency_*" attributes, ns
}

// Arch is a SANA-FE architecture file as read.
type Arch struct {
	Name          string
	Width, Height int // tiles along x and y
	Tiles         int
	CoresPerTile  int
	MaxNeurons    int
	// HopPJ and HopNS are per direction: north, east, south, west.
	HopPJ, HopNS                                [4]float64
	Synapses, Somas, Dendrites, AxonIn, AxonOut []Unit
	// SyncNS is SANA-FE's time-step synchronisation (sync_model fixed or
	// table, latency_sync): the time for a run whose mapped tiles number
	// at least the key, in ns; SANA-FE takes the largest key <= the tiles.
	SyncNS map[int]float64
	// Ignored lists the fields read but not modelled, one line each.
	Ignored []string
}

// SyncCycles is the synchronisation time of a run on tiles mapped tiles,
// in cycles of ArchClockMHz: the entry with the largest key <= tiles (the
// smallest key's when tiles is below every key), as SANA-FE looks it up.
func (a *Arch) SyncCycles(tiles int) int {
	best, bestKey, smallest, smallKey := 0.0, -1, 0.0, math.MaxInt
	for k, ns := range a.SyncNS {
		if k <= tiles && k > bestKey {
			best, bestKey = ns, k
		}
		if k < smallKey {
			smallest, smallKey = ns, k
		}
	}
	if bestKey < 0 {
		best = smallest
	}
	return int(math.Round(best * ArchClockMHz / 1000))
}

// Synapse returns the synapse unit named name, or the first (SANA-FE's
// default) for "".
func (a *Arch) Synapse(name string) (Unit, bool) {
	if name == "" && len(a.Synapses) > 0 {
		return a.Synapses[0], true
	}
	i := slices.IndexFunc(a.Synapses, func(u Unit) bool { return u.Name == name })
	if i < 0 {
		return Unit{}, false
	}
	return a.Synapses[i], true
}

// ParseArch reads a SANA-FE architecture file. It accepts one kind of tile
// and one kind of core (spikemesh chips are uniform) on a mesh, and
// reports every unsupported field in Arch.Ignored rather than dropping it.
func ParseArch(file string, data []byte) (*Arch, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("sanafe: %s: file is %d bytes, more than %d", file, len(data), MaxFileBytes)
	}
	root, err := yamlstrict.Node(data)
	if err != nil {
		return nil, fmt.Errorf("sanafe: %s: %w", file, err)
	}
	p := &parser{file: file}
	doc := root.Content[0]
	a := &Arch{}
	var archNode *yaml.Node
	if doc.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if k := doc.Content[i]; k.Value == "architecture" {
				archNode = doc.Content[i+1]
			} else {
				a.Ignored = append(a.Ignored, fmt.Sprintf("top-level section %s (SANA-FE ignores it too)", quote(k.Value)))
			}
		}
	}
	if archNode == nil || archNode.Kind != yaml.MappingNode {
		return nil, p.errf(doc, "", "expected an architecture: section with name, attributes and tile")
	}
	var tiles, syncNode *yaml.Node
	syncModel := "fixed" // SANA-FE's default, with latency_sync 0
	err = mapPairs(archNode, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			a.Name = v.Value
		case "attributes":
			return p.entries(v, "architecture attributes", func(ak, av *yaml.Node) error {
				switch ak.Value {
				case "width", "height":
					x, err := p.number(av, "architecture: "+ak.Value)
					if err != nil {
						return err
					}
					if x != math.Trunc(x) || x < 1 || x > 1<<12 {
						return p.errf(av, "architecture", "%s: expected an integer in [1, %d]", ak.Value, 1<<12)
					}
					if ak.Value == "width" {
						a.Width = int(x)
					} else {
						a.Height = int(x)
					}
				case "topology":
					if av.Value != "mesh" {
						return p.errf(av, "architecture", "topology: only mesh is supported")
					}
				case "sync_model":
					if av.Value != "fixed" && av.Value != "table" {
						return p.errf(av, "architecture", "sync_model: expected fixed or table")
					}
					syncModel = av.Value
				case "latency_sync":
					syncNode = av
				default:
					a.Ignored = append(a.Ignored, fmt.Sprintf("architecture attribute %s (line %d): spikemesh's mesh is cycle-level; it has no %s", quote(ak.Value), ak.Line, quote(ak.Value)))
				}
				return nil
			})
		case "tile":
			tiles = v
		default:
			return p.errf(k, "architecture", "unknown key %s; expected name, attributes, tile", quote(k.Value))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a.SyncNS, err = p.syncTable(syncModel, syncNode); err != nil {
		return nil, err
	}
	if a.Width == 0 {
		a.Width = 1
	}
	if a.Height == 0 {
		a.Height = 1
	}
	if tiles == nil || tiles.Kind != yaml.SequenceNode || len(tiles.Content) != 1 {
		return nil, p.errf(archNode, "architecture", "tile: expected a list with one tile entry (name[0..N-1]); spikemesh chips have one kind of tile")
	}
	if err := p.tile(a, tiles.Content[0]); err != nil {
		return nil, err
	}
	if a.Tiles != a.Width*a.Height {
		return nil, p.errf(tiles.Content[0], "tile", "name: %d tiles, but the mesh is %d x %d", a.Tiles, a.Width, a.Height)
	}
	return a, nil
}

// syncTable reads latency_sync (seconds) for sync_model m: one number
// for fixed, a list (index = tiles) or a mapping tiles -> seconds for
// table.
func (p *parser) syncTable(m string, n *yaml.Node) (map[int]float64, error) {
	out := map[int]float64{0: 0}
	if n == nil {
		if m == "table" {
			return nil, p.errf(nil, "architecture", "latency_sync: required with sync_model table")
		}
		return out, nil
	}
	const where = "architecture: latency_sync"
	check := func(v *yaml.Node) (float64, error) {
		x, err := p.number(v, where)
		if err == nil && (x < 0 || x > 1) {
			return 0, p.errf(v, where, "expected seconds in [0, 1]")
		}
		return x * 1e9, err
	}
	switch {
	case m == "fixed":
		x, err := check(n)
		out[0] = x
		return out, err
	case n.Kind == yaml.SequenceNode:
		for i, c := range n.Content {
			x, err := check(c)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
	case n.Kind == yaml.MappingNode:
		delete(out, 0)
		err := mapPairs(n, func(k, v *yaml.Node) error {
			t, err := strconv.Atoi(k.Value)
			if err != nil || t < 0 || t > 1<<24 {
				return p.errf(k, where, "expected tile counts as keys")
			}
			x, err := check(v)
			out[t] = x
			return err
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, p.errf(n, where, "expected a list or a mapping of tile counts to seconds")
	}
	return out, nil
}

// instances parses "name" or "name[a..b]" into the base name and count.
func instances(s string) (string, int, bool) {
	base, rng, ok := strings.Cut(s, "[")
	if !ok {
		return s, 1, s != ""
	}
	rng, ok = strings.CutSuffix(rng, "]")
	lo, hi, ok2 := rangeOf(rng)
	return base, hi - lo, ok && ok2 && lo == 0
}

func (p *parser) tile(a *Arch, t *yaml.Node) error {
	if t.Kind != yaml.MappingNode {
		return p.errf(t, "tile", "expected a mapping with name, attributes and core")
	}
	var cores *yaml.Node
	err := mapPairs(t, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			_, n, ok := instances(v.Value)
			if !ok {
				return p.errf(v, "tile", "name: expected name or name[0..N-1]")
			}
			a.Tiles = n
		case "attributes":
			dirs := []string{"north", "east", "south", "west"}
			return p.entries(v, "tile attributes", func(ak, av *yaml.Node) error {
				for d, dir := range dirs {
					for _, kind := range []string{"energy", "latency"} {
						if ak.Value == kind+"_"+dir+"_hop" {
							x, err := p.cost(av, "tile", ak.Value)
							if err != nil {
								return err
							}
							if kind == "energy" {
								a.HopPJ[d] = x * 1e12
							} else {
								a.HopNS[d] = x * 1e9
							}
							return nil
						}
					}
				}
				a.Ignored = append(a.Ignored, fmt.Sprintf("tile attribute %s (line %d)", quote(ak.Value), ak.Line))
				return nil
			})
		case "core":
			cores = v
		default:
			return p.errf(k, "tile", "unknown key %s; expected name, attributes, core", quote(k.Value))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if cores == nil || cores.Kind != yaml.SequenceNode || len(cores.Content) != 1 {
		return p.errf(t, "tile", "core: expected a list with one core entry (name[0..N-1]); spikemesh chips have one kind of core")
	}
	c := cores.Content[0]
	if c.Kind != yaml.MappingNode {
		return p.errf(c, "core", "expected a mapping with name, attributes and units")
	}
	return mapPairs(c, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			_, n, ok := instances(v.Value)
			if !ok {
				return p.errf(v, "core", "name: expected name or name[0..N-1]")
			}
			a.CoresPerTile = n
		case "attributes":
			return p.entries(v, "core attributes", func(ak, av *yaml.Node) error {
				if ak.Value == "max_neurons_supported" {
					x, err := p.number(av, "core: max_neurons_supported")
					if err != nil {
						return err
					}
					if x != math.Trunc(x) || x < 1 || x > 1<<16 {
						return p.errf(av, "core", "max_neurons_supported: expected an integer in [1, %d]", 1<<16)
					}
					a.MaxNeurons = int(x)
					return nil
				}
				a.Ignored = append(a.Ignored, fmt.Sprintf("core attribute %s (line %d): spikemesh's core pipeline is fixed", quote(ak.Value), ak.Line))
				return nil
			})
		case "synapse", "soma", "dendrite", "axon_in", "axon_out":
			dst := map[string]*[]Unit{"synapse": &a.Synapses, "soma": &a.Somas, "dendrite": &a.Dendrites, "axon_in": &a.AxonIn, "axon_out": &a.AxonOut}[k.Value]
			if v.Kind != yaml.SequenceNode {
				return p.errf(v, "core", "%s: expected a list of units", k.Value)
			}
			for _, un := range v.Content {
				u, err := p.unit(un, k.Value, &a.Ignored)
				if err != nil {
					return err
				}
				*dst = append(*dst, u)
			}
		default:
			return p.errf(k, "core", "unknown key %s; expected name, attributes, axon_in, synapse, dendrite, soma, axon_out", quote(k.Value))
		}
		return nil
	})
}

func (p *parser) unit(n *yaml.Node, kind string, ignored *[]string) (Unit, error) {
	u := Unit{Energy: map[string]float64{}, Lat: map[string]float64{}}
	if n.Kind != yaml.MappingNode {
		return u, p.errf(n, kind, "expected a unit with name and attributes")
	}
	err := mapPairs(n, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			base, _, ok := instances(v.Value)
			if !ok || !nameLike.MatchString(base) {
				return p.errf(v, kind, "name: expected a unit name")
			}
			u.Name = base
		case "attributes":
			return p.entries(v, kind+" attributes", func(ak, av *yaml.Node) error {
				switch {
				case ak.Value == "model":
					m, err := parseUnitModel(kind, av.Value)
					if err != nil {
						return p.errf(av, kind, "model: %v", err)
					}
					u.Model, u.ModelName = m, av.Value
				case strings.HasPrefix(ak.Value, "energy_"):
					x, err := p.cost(av, kind, ak.Value)
					if err != nil {
						return err
					}
					u.Energy[ak.Value] = x * 1e12
				case strings.HasPrefix(ak.Value, "latency_"):
					x, err := p.cost(av, kind, ak.Value)
					if err != nil {
						return err
					}
					u.Lat[ak.Value] = x * 1e9
				default:
					*ignored = append(*ignored, fmt.Sprintf("%s unit attribute %s (line %d)", kind, quote(ak.Value), ak.Line))
				}
				return nil
			})
		default:
			return p.errf(k, kind, "unknown key %s; expected name, attributes", quote(k.Value))
		}
		return nil
	})
	return u, err
}
