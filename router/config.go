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
	MaxBufferDepth = 1 << 12 // packets per input buffer
	MaxStageCycles = 1 << 16 // HopCyclesX/Y, InjectCycles, EjectCycles
	MaxBufferSlots = 1 << 26 // Width*Height*(NumMeshPorts+LocalPorts)*BufferDepth
)

// Config describes one mesh. All latencies are in router clock cycles.
// Start from DefaultConfig and override fields; the zero Config is not valid.
type Config struct {
	Width  int `yaml:"width" json:"width"`   // routers along X (>= 1)
	Height int `yaml:"height" json:"height"` // routers along Y (>= 1)

	// LocalPorts is the number of endpoints per router: attached cores plus
	// possibly a host interface. Endpoint.Port ranges over [0, LocalPorts).
	LocalPorts int `yaml:"local_ports" json:"local_ports"`

	// BufferDepth is the capacity of every router input buffer, in packets.
	// A link sustains one packet per cycle only if BufferDepth >= hop
	// cycles + 1 (the credit round trip, see doc.go).
	BufferDepth int `yaml:"buffer_depth" json:"buffer_depth"`

	// HopCyclesX and HopCyclesY are the cycles from winning arbitration at
	// one router to being in the next router's input buffer, for an
	// east-west and a north-south hop (>= 1).
	HopCyclesX int `yaml:"hop_cycles_x" json:"hop_cycles_x"`
	HopCyclesY int `yaml:"hop_cycles_y" json:"hop_cycles_y"`

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
