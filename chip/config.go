package chip

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/internal/inputfile"
	"github.com/spikemesh/spikemesh/router"
)

// Config describes one chip: its mesh, the limits of each core, and the
// latency of every event in clock cycles. Start from a preset (Preset) or
// LoadConfig; the zero Config is not valid.
type Config struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`

	MeshWidth      int `yaml:"mesh_width" json:"mesh_width"`             // routers along X
	MeshHeight     int `yaml:"mesh_height" json:"mesh_height"`           // routers along Y
	CoresPerRouter int `yaml:"cores_per_router" json:"cores_per_router"` // cores sharing one router (a tile)

	NeuronsPerCore     int           `yaml:"neurons_per_core" json:"neurons_per_core"`
	AxonsPerCore       int           `yaml:"axons_per_core" json:"axons_per_core"`                   // distinct presynaptic sources a core can receive
	SynapseMemoryBytes int           `yaml:"synapse_memory_bytes" json:"synapse_memory_bytes"`       // synaptic memory per core
	WeightBits         int           `yaml:"weight_bits" json:"weight_bits"`                         // signed weight width, 2..8
	FanoutPerCore      int           `yaml:"fanout_entries_per_core" json:"fanout_entries_per_core"` // (neuron, destination core) entries per core
	SynapseFormat      SynapseFormat `yaml:"synapse_format" json:"synapse_format"`                   // dense or sparse rows
	Placement          Placement     `yaml:"placement" json:"placement"`                             // row-major, greedy or anneal
	PlacementSeed      uint64        `yaml:"placement_seed" json:"placement_seed"`                   // seeds anneal
	ConvWeights        ConvWeights   `yaml:"conv_weights" json:"conv_weights"`                       // shared kernels or one weight per connection

	ClockMHz          float64          `yaml:"clock_mhz" json:"clock_mhz"`                       // converts cycles to time
	SynapseCycles     int              `yaml:"synapse_event_cycles" json:"synapse_event_cycles"` // per synaptic event
	NeuronCycles      int              `yaml:"neuron_update_cycles" json:"neuron_update_cycles"` // per active neuron update
	NeuronIdleCycles  int              `yaml:"neuron_idle_cycles" json:"neuron_idle_cycles"`     // per idle neuron update
	SpikeCycles       int              `yaml:"spike_cycles" json:"spike_cycles"`                 // per spike sent by a core
	HopCyclesX        int              `yaml:"hop_cycles_x" json:"hop_cycles_x"`                 // router + link, east-west
	HopCyclesY        int              `yaml:"hop_cycles_y" json:"hop_cycles_y"`                 // router + link, north-south
	InjectCycles      int              `yaml:"inject_cycles" json:"inject_cycles"`
	EjectCycles       int              `yaml:"eject_cycles" json:"eject_cycles"`
	BufferDepth       int              `yaml:"buffer_depth" json:"buffer_depth"` // packets per router input buffer
	Routing           router.Algorithm `yaml:"routing" json:"routing"`
	BarrierBaseCycles int              `yaml:"barrier_base_cycles" json:"barrier_base_cycles"`
	BarrierPerRouter  int              `yaml:"barrier_cycles_per_router" json:"barrier_cycles_per_router"` // per router with a used core
	HostRouterX       int              `yaml:"host_router_x" json:"host_router_x"`                         // where host input enters the mesh
	HostRouterY       int              `yaml:"host_router_y" json:"host_router_y"`

	// Network-on-chip details; zero values give single-flit packets, one
	// flit per link per cycle, no extra router pipeline and no table limit.
	RouterCycles       int          `yaml:"router_cycles,omitempty" json:"router_cycles,omitempty"`               // pipeline delay per router visited
	HeaderBits         int          `yaml:"packet_header_bits,omitempty" json:"packet_header_bits,omitempty"`     // spike packet header
	PayloadBits        int          `yaml:"packet_payload_bits,omitempty" json:"packet_payload_bits,omitempty"`   // spike packet payload
	FlitBits           int          `yaml:"flit_bits,omitempty" json:"flit_bits,omitempty"`                       // 0: a packet is one flit
	LinkWidthFlits     int          `yaml:"link_width_flits,omitempty" json:"link_width_flits,omitempty"`         // flits per link per cycle (0 = 1)
	Delivery           DeliveryMode `yaml:"delivery,omitempty" json:"delivery,omitempty"`                         // unicast or multicast
	RouterTableEntries int          `yaml:"router_table_entries,omitempty" json:"router_table_entries,omitempty"` // multicast entries per router (0 = unlimited)

	// A board of BoardX x BoardY identical chips (0 or 1: a single chip).
	// Their meshes join into one; a hop between chips takes
	// OffChipHopCycles and is priced as an off-chip hop.
	BoardX           int `yaml:"board_chips_x,omitempty" json:"board_chips_x,omitempty"`
	BoardY           int `yaml:"board_chips_y,omitempty" json:"board_chips_y,omitempty"`
	OffChipHopCycles int `yaml:"off_chip_hop_cycles,omitempty" json:"off_chip_hop_cycles,omitempty"`

	// Numeric limits of the neuron models (numerics.go, docs/chips.md
	// "Neuron numerics"); 0 sets no limit beyond the simulator's own widths
	// (12-bit decays, 24-bit CUBA and 31-bit IF state). Map refuses a
	// population whose decays need more bits than DecayBits (a decay d/4096
	// needs 12 - trailing zero bits of d) or whose stored potentials
	// (threshold, reset, bias, initial v) need more signed bits than
	// VoltageBits.
	DecayBits   int `yaml:"decay_bits,omitempty" json:"decay_bits,omitempty"`
	VoltageBits int `yaml:"voltage_bits,omitempty" json:"voltage_bits,omitempty"`

	// NeuronModels are the neuron models the cores implement (models.go);
	// left out, every model the simulator has. A network needing another
	// model is refused, naming the layer and the model.
	NeuronModels ModelSet `yaml:"neuron_models,omitempty" json:"neuron_models,omitempty"`
}

// Cores is the number of cores on the chip.
// On a board of several chips it counts every chip's cores.
func (c Config) Cores() int { return c.MeshWidth * c.MeshHeight * c.CoresPerRouter * c.Chips() }

// Chips is the number of chips on the board (1 for a single chip).
func (c Config) Chips() int { return max(c.BoardX, 1) * max(c.BoardY, 1) }

// BoardWidth and BoardHeight are the routers along X and Y over the whole
// board: the chips' meshes side by side.
func (c Config) BoardWidth() int  { return c.MeshWidth * max(c.BoardX, 1) }
func (c Config) BoardHeight() int { return c.MeshHeight * max(c.BoardY, 1) }

// SlotEndpoint returns where physical core slot s (0 <= s < Cores()) sits:
// slots fill one chip after another (chips in row-major order on the
// board), and within a chip router by router in row-major order, each
// router's cores in port order. x and y are board coordinates.
func (c Config) SlotEndpoint(s int) (ep router.Endpoint, x, y int) {
	perChip := c.MeshWidth * c.MeshHeight * c.CoresPerRouter
	chip, local := s/perChip, s%perChip
	lr := local / c.CoresPerRouter
	bx := max(c.BoardX, 1)
	x = (chip%bx)*c.MeshWidth + lr%c.MeshWidth
	y = (chip/bx)*c.MeshHeight + lr/c.MeshWidth
	return router.Endpoint{Router: int32(y*c.BoardWidth() + x), Port: int16(local % c.CoresPerRouter)}, x, y
}

// SynapseMemoryBits is the synaptic memory of one core in bits.
func (c Config) SynapseMemoryBits() int64 { return int64(c.SynapseMemoryBytes) * 8 }

// CycleNS is the length of one clock cycle in nanoseconds.
func (c Config) CycleNS() float64 { return 1000 / c.ClockMHz }

// Validate reports every problem at once, naming the field, its value and
// the bound it breaks.
func (c Config) Validate() error {
	var errs []error
	atLeast := func(field string, v, min int) {
		if v < min {
			errs = append(errs, fmt.Errorf("%s is %d, must be >= %d", field, v, min))
		}
	}
	if strings.TrimSpace(c.Name) == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	atLeast("mesh_width", c.MeshWidth, 1)
	atLeast("mesh_height", c.MeshHeight, 1)
	atLeast("cores_per_router", c.CoresPerRouter, 1)
	if c.CoresPerRouter > 1<<14 {
		errs = append(errs, fmt.Errorf("cores_per_router is %d, must be <= %d", c.CoresPerRouter, 1<<14))
	}
	if c.MeshWidth > 1<<12 || c.MeshHeight > 1<<12 {
		errs = append(errs, fmt.Errorf("mesh is %dx%d, each side must be <= %d", c.MeshWidth, c.MeshHeight, 1<<12))
	}
	atLeast("neurons_per_core", c.NeuronsPerCore, 1)
	atLeast("axons_per_core", c.AxonsPerCore, 1)
	atLeast("synapse_memory_bytes", c.SynapseMemoryBytes, 1)
	if c.WeightBits < 2 || c.WeightBits > 8 {
		errs = append(errs, fmt.Errorf("weight_bits is %d, must be in 2..8 (signed weights stored in one byte)", c.WeightBits))
	}
	atLeast("fanout_entries_per_core", c.FanoutPerCore, 1)
	if c.DecayBits < 0 || c.DecayBits > 32 {
		errs = append(errs, fmt.Errorf("decay_bits is %d, must be in 1..32 (or 0: no limit)", c.DecayBits))
	}
	if c.VoltageBits != 0 && (c.VoltageBits < 2 || c.VoltageBits > 32) {
		errs = append(errs, fmt.Errorf("voltage_bits is %d, must be in 2..32 (or 0: no limit)", c.VoltageBits))
	}
	if int(c.Placement) >= len(placementNames) {
		errs = append(errs, fmt.Errorf("placement is %d, must be one of %s", c.Placement, strings.Join(placementNames[:], ", ")))
	}
	if int(c.ConvWeights) >= len(convNames) {
		errs = append(errs, fmt.Errorf("conv_weights is %d, must be one of %s", c.ConvWeights, strings.Join(convNames[:], ", ")))
	}
	if int(c.SynapseFormat) >= len(formatNames) {
		errs = append(errs, fmt.Errorf("synapse_format is %d, must be one of %s", c.SynapseFormat, strings.Join(formatNames[:], ", ")))
	}
	if !(c.ClockMHz >= 1e-3 && c.ClockMHz <= 1e6) {
		errs = append(errs, fmt.Errorf("clock_mhz is %g, must be in [0.001, 1e6]", c.ClockMHz))
	}
	// Upper bounds keep every cycle count of a run far from overflow.
	atMost := func(field string, v, hi int) {
		if v > hi {
			errs = append(errs, fmt.Errorf("%s is %d, must be <= %d", field, v, hi))
		}
	}
	const maxEventCycles, maxBarrierCycles = 1 << 16, 1 << 24
	atMost("synapse_event_cycles", c.SynapseCycles, maxEventCycles)
	atMost("neuron_update_cycles", c.NeuronCycles, maxEventCycles)
	atMost("neuron_idle_cycles", c.NeuronIdleCycles, maxEventCycles)
	atMost("spike_cycles", c.SpikeCycles, maxEventCycles)
	atMost("barrier_base_cycles", c.BarrierBaseCycles, maxBarrierCycles)
	atMost("barrier_cycles_per_router", c.BarrierPerRouter, maxEventCycles)
	atMost("neurons_per_core", c.NeuronsPerCore, 1<<16)
	atMost("axons_per_core", c.AxonsPerCore, 1<<24)
	atMost("synapse_memory_bytes", c.SynapseMemoryBytes, 1<<30)
	atMost("fanout_entries_per_core", c.FanoutPerCore, 1<<30)
	atMost("off_chip_hop_cycles", c.OffChipHopCycles, router.MaxStageCycles)
	atMost("packet_header_bits", c.HeaderBits, 1<<16)
	atMost("packet_payload_bits", c.PayloadBits, 1<<16)
	atMost("flit_bits", c.FlitBits, 1<<16)
	atLeast("synapse_event_cycles", c.SynapseCycles, 0)
	atLeast("neuron_update_cycles", c.NeuronCycles, 0)
	atLeast("neuron_idle_cycles", c.NeuronIdleCycles, 0)
	atLeast("spike_cycles", c.SpikeCycles, 0)
	atLeast("hop_cycles_x", c.HopCyclesX, 1)
	atLeast("hop_cycles_y", c.HopCyclesY, 1)
	atLeast("inject_cycles", c.InjectCycles, 0)
	atLeast("eject_cycles", c.EjectCycles, 0)
	atLeast("buffer_depth", c.BufferDepth, 1)
	atLeast("barrier_base_cycles", c.BarrierBaseCycles, 0)
	atLeast("router_cycles", c.RouterCycles, 0)
	atLeast("packet_header_bits", c.HeaderBits, 0)
	atLeast("packet_payload_bits", c.PayloadBits, 0)
	atLeast("flit_bits", c.FlitBits, 0)
	atLeast("link_width_flits", c.LinkWidthFlits, 0)
	atLeast("router_table_entries", c.RouterTableEntries, 0)
	atLeast("board_chips_x", c.BoardX, 0)
	atLeast("board_chips_y", c.BoardY, 0)
	atLeast("off_chip_hop_cycles", c.OffChipHopCycles, 0)
	if c.Chips() > 1 && c.OffChipHopCycles < 1 {
		errs = append(errs, fmt.Errorf("off_chip_hop_cycles is %d, must be >= 1 on a board of %d chips", c.OffChipHopCycles, c.Chips()))
	}
	if c.BoardWidth() > 1<<12 || c.BoardHeight() > 1<<12 {
		errs = append(errs, fmt.Errorf("board mesh is %dx%d routers, each side must be <= %d", c.BoardWidth(), c.BoardHeight(), 1<<12))
	}
	if c.FlitBits > 0 && c.HeaderBits+c.PayloadBits == 0 {
		errs = append(errs, errors.New("flit_bits is set but packet_header_bits + packet_payload_bits is 0"))
	}
	if int(c.Delivery) >= len(deliveryNames) {
		errs = append(errs, fmt.Errorf("delivery is %d, must be one of %s", c.Delivery, strings.Join(deliveryNames[:], ", ")))
	}
	atLeast("barrier_cycles_per_router", c.BarrierPerRouter, 0)
	if c.HostRouterX < 0 || c.HostRouterX >= c.MeshWidth || c.HostRouterY < 0 || c.HostRouterY >= c.MeshHeight {
		errs = append(errs, fmt.Errorf("host router (%d,%d) is outside the %dx%d mesh", c.HostRouterX, c.HostRouterY, c.MeshWidth, c.MeshHeight))
	}
	if len(errs) == 0 { // remaining limits of the mesh model (sizes, routing)
		if err := c.RouterConfig().Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RouterConfig is the mesh configuration the chip uses. Every router has one
// local port per core plus one for the host interface.
func (c Config) RouterConfig() router.Config {
	return router.Config{
		Width:         c.BoardWidth(),
		Height:        c.BoardHeight(),
		LocalPorts:    c.CoresPerRouter + 1,
		BufferDepth:   c.BufferDepth,
		HopCyclesX:    c.HopCyclesX,
		HopCyclesY:    c.HopCyclesY,
		InjectCycles:  c.InjectCycles,
		EjectCycles:   c.EjectCycles,
		Routing:       c.Routing,
		RouterCycles:  c.RouterCycles,
		PacketFlits:   c.PacketFlits(),
		LinkWidth:     c.LinkWidthFlits,
		TableCapacity: c.RouterTableEntries,
		ChipWidth:     board(c.Chips() > 1, c.MeshWidth),
		ChipHeight:    board(c.Chips() > 1, c.MeshHeight),
		OffChipCycles: board(c.Chips() > 1, c.OffChipHopCycles),
	}
}

func board(on bool, v int) int {
	if on {
		return v
	}
	return 0
}

// PacketFlits is the size of a spike packet in flits: header plus payload
// bits over the flit width, rounded up; 1 when flit_bits is 0.
func (c Config) PacketFlits() int {
	if c.FlitBits <= 0 || c.HeaderBits+c.PayloadBits <= 0 {
		return 1
	}
	return (c.HeaderBits + c.PayloadBits + c.FlitBits - 1) / c.FlitBits
}

// YAML renders the configuration in the form LoadConfig accepts.
func (c Config) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("chip: encoding config: %w", err)
	}
	return buf.Bytes(), enc.Close()
}

// LoadConfig decodes one YAML document (a second one is an error) of at
// most inputfile.MaxYAMLBytes. Unknown keys are errors. A document may
// start from a preset with "base: NAME" and give only what changes;
// without a base it must give every field (see ConfigKeys; the fields
// tagged omitempty may be left out and mean their documented zero). A base
// file given by a relative path is looked up in the current directory (use
// LoadConfigFile for paths relative to the file). The result is validated.
// Decoding errors name the line, never the file's content
// (internal/yamlstrict).
func LoadConfig(r io.Reader) (Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, inputfile.MaxYAMLBytes+1))
	if err != nil {
		return Config{}, fmt.Errorf("chip: reading config: %w", err)
	}
	if len(data) > inputfile.MaxYAMLBytes {
		return Config{}, fmt.Errorf("chip: config is larger than %d bytes", inputfile.MaxYAMLBytes)
	}
	var l configLoader
	return l.load(data, "<config>", "")
}

// LoadConfigFile reads a chip configuration from a YAML file: a regular
// file of at most inputfile.MaxYAMLBytes. A base given as a relative file
// path is looked up next to the file.
func LoadConfigFile(name string) (Config, error) {
	var l configLoader
	return l.loadFile(name)
}

//go:embed presets/*.yaml
var presetFS embed.FS

// PresetNames lists the embedded chip presets in alphabetical order.
func PresetNames() []string {
	ents, _ := presetFS.ReadDir("presets")
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// PresetYAML returns the embedded YAML text of a preset, comments included.
func PresetYAML(name string) ([]byte, error) {
	b, err := presetFS.ReadFile(path.Join("presets", name+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("chip: unknown preset %q (available: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return b, nil
}

// Preset loads an embedded chip preset by name.
func Preset(name string) (Config, error) {
	b, err := PresetYAML(name)
	if err != nil {
		return Config{}, err
	}
	l := configLoader{}
	c, err := l.load(b, name, "")
	if err != nil {
		return Config{}, fmt.Errorf("chip: preset %s: %w", name, err)
	}
	return c, nil
}

// Resolve accepts a preset name or a path to a YAML file (anything ending
// in .yaml or .yml, or containing a path separator).
func Resolve(nameOrFile string) (Config, error) {
	if looksLikeFile(nameOrFile) {
		return LoadConfigFile(nameOrFile)
	}
	return Preset(nameOrFile)
}
