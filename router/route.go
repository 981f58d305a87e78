package router

import "strconv"

// Port numbers a router port. The same numbering is used for input and
// output ports: 0..3 are the mesh ports North, East, South, West, and
// NumMeshPorts+l is local port l (the endpoint with Endpoint.Port == l).
// Input port North receives from the router to the north; output port North
// sends to it.
type Port uint8

const (
	North Port = iota // toward y+1
	East              // toward x+1
	South             // toward y-1
	West              // toward x-1

	// NumMeshPorts is the number of mesh ports; local ports follow them.
	NumMeshPorts = 4

	// Local is what NextPort returns at the destination router: the packet
	// leaves through the local (ejection) port of its destination endpoint,
	// numbered NumMeshPorts + Endpoint.Port.
	Local Port = NumMeshPorts
)

// LocalPort returns the port number of local port l.
func LocalPort(l int) Port { return Port(NumMeshPorts + l) }

// Opposite returns the input port at the neighbour that a packet sent
// through mesh output port p arrives on (North <-> South, East <-> West).
// It is meaningful only for mesh ports.
func (p Port) Opposite() Port { return (p + 2) & 3 }

// IsX reports whether p is an east-west mesh port.
func (p Port) IsX() bool { return p == East || p == West }

// String returns "N", "E", "S", "W" for mesh ports and "L0", "L1", ... for
// local ports.
func (p Port) String() string {
	switch p {
	case North:
		return "N"
	case East:
		return "E"
	case South:
		return "S"
	case West:
		return "W"
	}
	return "L" + strconv.Itoa(int(p)-NumMeshPorts)
}

// NextPort is the dimension-order routing function: the output port a
// packet at router (cx, cy) takes toward its destination router (dx, dy).
// XY corrects x first, YX corrects y first; both return Local when the
// packet is at its destination router. The function is pure, so a route
// depends only on the current and destination coordinates (no turn model
// state), and the path is a shortest path with all moves of the first
// dimension before any move of the second, which makes it deadlock-free on
// a mesh.
func NextPort(alg Algorithm, cx, cy, dx, dy int) Port {
	if alg == YX {
		if p, ok := stepY(cy, dy); ok {
			return p
		}
		if p, ok := stepX(cx, dx); ok {
			return p
		}
		return Local
	}
	if p, ok := stepX(cx, dx); ok {
		return p
	}
	if p, ok := stepY(cy, dy); ok {
		return p
	}
	return Local
}

func stepX(cx, dx int) (Port, bool) {
	switch {
	case dx > cx:
		return East, true
	case dx < cx:
		return West, true
	}
	return 0, false
}

func stepY(cy, dy int) (Port, bool) {
	switch {
	case dy > cy:
		return North, true
	case dy < cy:
		return South, true
	}
	return 0, false
}
