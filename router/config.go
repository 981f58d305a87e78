package router

import (
	"errors"
	"fmt"
	"strings"
)

// Algorithm selects the dimension-order routing function.
type Algorithm uint8

const (
	// XY routes along X (east-west) until the column matches, then along Y.
	XY Algorithm = iota
	// YX routes along Y (north-south) until the row matches, then along X.
	YX

	numAlgorithms
)

var algorithmNames = [numAlgorithms]string{XY: "xy", YX: "yx"}

// String returns "xy" or "yx", or "Algorithm(n)" for an invalid value.
func (a Algorithm) String() string {
	if a < numAlgorithms {
		return algorithmNames[a]
	}
	return fmt.Sprintf("Algorithm(%d)", uint8(a))
}

// validAlgorithms lists the accepted names, for error messages.
func validAlgorithms() string {
	return strings.Join(algorithmNames[:], ", ")
}

// MarshalText implements encoding.TextMarshaler. It fails for invalid values
// so that a bad configuration is never written out silently.
func (a Algorithm) MarshalText() ([]byte, error) {
	if a >= numAlgorithms {
		return nil, fmt.Errorf("router: invalid routing algorithm %d; valid: %s", uint8(a), validAlgorithms())
	}
	return []byte(algorithmNames[a]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. Names are matched
// without regard to case; anything else is an error listing the valid names.
func (a *Algorithm) UnmarshalText(text []byte) error {
	s := string(text)
	for i, name := range algorithmNames {
		if strings.EqualFold(s, name) {
			*a = Algorithm(i)
			return nil
		}
	}
	return fmt.Errorf("router: unknown routing algorithm %q; valid: %s", s, validAlgorithms())
}

// Limits on Config values. They keep every index inside the integer types
// the hot loop uses (int32 router and buffer indices, a uint64 port mask)
// and bound the memory New allocates.
const (
	MaxSide        = 1 << 12 // routers along one axis
	MaxLocalPorts  = 64 - NumMeshPorts
	MaxBufferDepth = 1 << 12        // packets per input buffer
	MaxStageCycles = 1 << 16        // HopCyclesX/Y, InjectCycles, EjectCycles
	MaxBufferSlots = 1 << 26        // Width*Height*(NumMeshPorts+LocalPorts)*BufferDepth
	MaxPacketFlits = MaxBufferDepth // PacketFlits (a packet must fit in one buffer)
	MaxLinkWidth   = MaxBufferDepth // LinkWidth, flits per cycle
	MaxTableSize   = 1 << 24        // TableCapacity, entries per router
)

// Config describes one mesh. All latencies are in router clock cycles.
// Start from DefaultConfig and override fields; the zero Config is not valid.
type Config struct {
	Width  int `yaml:"width" json:"width"`   // routers along X (>= 1)
	Height int `yaml:"height" json:"height"` // routers along Y (>= 1)

	// LocalPorts is the number of endpoints per router: attached cores plus
	// possibly a host interface. Endpoint.Port ranges over [0, LocalPorts).
	LocalPorts int `yaml:"local_ports" json:"local_ports"`

	// BufferDepth is the capacity of every router input buffer, in flits
	// (with the default PacketFlits of 1, in packets). Flow control is
	// virtual cut-through, so it must hold at least one whole packet. A
	// link sustains its full rate only if the buffer covers the credit
	// round trip (see doc.go, "Throughput of one link").
	BufferDepth int `yaml:"buffer_depth" json:"buffer_depth"`

	// HopCyclesX and HopCyclesY are the cycles from a packet's head flit
	// winning arbitration at one router to it being in the next router's
	// input buffer (switch and link traversal), for an east-west and a
	// north-south hop (>= 1).
	HopCyclesX int `yaml:"hop_cycles_x" json:"hop_cycles_x"`
	HopCyclesY int `yaml:"hop_cycles_y" json:"hop_cycles_y"`

	// RouterCycles is the router pipeline delay (route computation and
	// allocation): the cycles from a head flit landing in any input buffer,
	// including the local one at the source, to its first chance to win
	// arbitration (>= 0). A packet pays it once per router visited, that is
	// hops+1 times. 0 folds the pipeline into HopCyclesX/Y.
	RouterCycles int `yaml:"router_cycles,omitempty" json:"router_cycles,omitempty"`

	// PacketFlits is the size of every packet in flits (see FlitsFromBits);
	// 0 means 1, a single-flit spike packet.
	PacketFlits int `yaml:"packet_flits,omitempty" json:"packet_flits,omitempty"`

	// LinkWidth is the number of flits every link (mesh, injection and
	// ejection) carries per cycle; 0 means 1. A packet occupies a link for
	// ceil(PacketFlits/LinkWidth) cycles, and a link starts at most one
	// packet per cycle.
	LinkWidth int `yaml:"link_width,omitempty" json:"link_width,omitempty"`

	// TableCapacity is the number of multicast routing-table entries each
	// router holds (see Mesh.AddGroup); 0 means unlimited.
	TableCapacity int `yaml:"table_capacity,omitempty" json:"table_capacity,omitempty"`

	// ChipWidth and ChipHeight split the mesh into a board of chips of
	// that many routers each (0: the whole mesh is one chip). A link
	// between routers of different chips is an off-chip link: a hop over
	// it takes OffChipCycles instead of HopCyclesX or HopCyclesY.
	ChipWidth     int `yaml:"chip_width,omitempty" json:"chip_width,omitempty"`
	ChipHeight    int `yaml:"chip_height,omitempty" json:"chip_height,omitempty"`
	OffChipCycles int `yaml:"off_chip_cycles,omitempty" json:"off_chip_cycles,omitempty"`

	// InjectCycles is the time from leaving the endpoint's injection queue
	// to being in the router's local input buffer (>= 0). EjectCycles is the
	// time from winning the ejection port to delivery (>= 0).
	InjectCycles int `yaml:"inject_cycles" json:"inject_cycles"`
	EjectCycles  int `yaml:"eject_cycles" json:"eject_cycles"`

	Routing Algorithm `yaml:"routing" json:"routing"` // "xy" or "yx"
}

// DefaultConfig returns a neutral single-router configuration: one local
// port, one cycle per hop, no injection or ejection delay, XY routing, and
// BufferDepth 2, the smallest depth at which a one-cycle hop runs at full
// rate. It models no particular chip; chip presets set every field.
func DefaultConfig() Config {
	return Config{
		Width:       1,
		Height:      1,
		LocalPorts:  1,
		BufferDepth: 2,
		HopCyclesX:  1,
		HopCyclesY:  1,
		Routing:     XY,
	}
}

// Validate reports every problem at once, one line each, naming the field,
// its value and the accepted range.
func (c Config) Validate() error {
	var errs []error
	check := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("router: %s (%d) must be in [%d, %d]", name, v, lo, hi))
		}
	}
	check("Width", c.Width, 1, MaxSide)
	check("Height", c.Height, 1, MaxSide)
	check("LocalPorts", c.LocalPorts, 1, MaxLocalPorts)
	check("BufferDepth", c.BufferDepth, 1, MaxBufferDepth)
	check("HopCyclesX", c.HopCyclesX, 1, MaxStageCycles)
	check("HopCyclesY", c.HopCyclesY, 1, MaxStageCycles)
	check("InjectCycles", c.InjectCycles, 0, MaxStageCycles)
	check("EjectCycles", c.EjectCycles, 0, MaxStageCycles)
	check("RouterCycles", c.RouterCycles, 0, MaxStageCycles)
	check("PacketFlits", c.PacketFlits, 0, MaxPacketFlits)
	check("LinkWidth", c.LinkWidth, 0, MaxLinkWidth)
	check("TableCapacity", c.TableCapacity, 0, MaxTableSize)
	if c.ChipWidth != 0 || c.ChipHeight != 0 {
		check("ChipWidth", c.ChipWidth, 1, MaxSide)
		check("ChipHeight", c.ChipHeight, 1, MaxSide)
		check("OffChipCycles", c.OffChipCycles, 1, MaxStageCycles)
		if c.ChipWidth > 0 && c.ChipHeight > 0 && (c.Width%c.ChipWidth != 0 || c.Height%c.ChipHeight != 0) {
			errs = append(errs, fmt.Errorf("router: chips of %dx%d routers do not tile the %dx%d mesh", c.ChipWidth, c.ChipHeight, c.Width, c.Height))
		}
	} else if c.OffChipCycles != 0 {
		errs = append(errs, fmt.Errorf("router: OffChipCycles (%d) needs ChipWidth and ChipHeight", c.OffChipCycles))
	}
	if c.BufferDepth >= 1 && c.PacketFlits >= 1 && c.PacketFlits <= MaxPacketFlits && c.BufferDepth < c.PacketFlits {
		errs = append(errs, fmt.Errorf("router: BufferDepth (%d flits) must hold one whole packet of PacketFlits (%d) flits (virtual cut-through)",
			c.BufferDepth, c.PacketFlits))
	}
	if len(errs) == 0 {
		if slots := c.Width * c.Height * (NumMeshPorts + c.LocalPorts) * c.BufferDepth; slots > MaxBufferSlots {
			errs = append(errs, fmt.Errorf("router: Width*Height*(%d+LocalPorts)*BufferDepth (%d buffer slots) must be <= %d",
				NumMeshPorts, slots, MaxBufferSlots))
		}
	}
	if c.Routing >= numAlgorithms {
		errs = append(errs, fmt.Errorf("router: Routing (%d) is not a routing algorithm; valid: %s", uint8(c.Routing), validAlgorithms()))
	}
	return errors.Join(errs...)
}

// Flits returns PacketFlits, with 0 read as 1.
func (c Config) Flits() int { return max(c.PacketFlits, 1) }

// linkWidth returns LinkWidth, with 0 read as 1.
func (c Config) linkWidth() int { return max(c.LinkWidth, 1) }

// SerializationCycles returns ceil(Flits()/LinkWidth): the cycles a packet
// occupies every link it crosses, and one more than the cycles its tail
// trails its head.
func (c Config) SerializationCycles() int {
	w := c.linkWidth()
	return (c.Flits() + w - 1) / w
}

// FlitsFromBits returns the flits of a packet of headerBits + payloadBits
// bits cut into flits of flitBits bits: ceil((header+payload)/flitBits),
// and at least 1. A Loihi-style spike with a 32-bit header (destination
// core and axon) and no payload on 32-bit flits is 1 flit; with a 24-bit
// graded payload it is 2.
func FlitsFromBits(headerBits, payloadBits, flitBits int) (int, error) {
	switch {
	case headerBits < 0:
		return 0, fmt.Errorf("router: headerBits (%d) must be >= 0", headerBits)
	case payloadBits < 0:
		return 0, fmt.Errorf("router: payloadBits (%d) must be >= 0", payloadBits)
	case flitBits < 1:
		return 0, fmt.Errorf("router: flitBits (%d) must be >= 1", flitBits)
	}
	n := max((headerBits+payloadBits+flitBits-1)/flitBits, 1)
	if n > MaxPacketFlits {
		return 0, fmt.Errorf("router: %d+%d bits in %d-bit flits is %d flits, more than MaxPacketFlits (%d)",
			headerBits, payloadBits, flitBits, n, MaxPacketFlits)
	}
	return n, nil
}
