package router_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/router"
)

// Two packets on a 3x2 mesh with slower north-south hops. Both need the
// link from (1,0) to (2,0) at cycle 5; the one already in the mesh (input
// W) wins and the locally injected one follows a cycle later.
func Example() {
	m, err := router.New(router.Config{
		Width: 3, Height: 2, LocalPorts: 1, BufferDepth: 2,
		HopCyclesX: 4, HopCyclesY: 6, InjectCycles: 1, EjectCycles: 1,
		Routing: router.XY,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := func(x, y int) router.Endpoint { return router.Endpoint{Router: m.Router(x, y)} }
	for _, p := range []router.Packet{
		{Src: at(0, 0), Dst: at(2, 1), Inject: 0, Tag: 7}, // 1 + 2*4 + 6 + 1 = 16 at zero load
		{Src: at(1, 0), Dst: at(2, 0), Inject: 4, Tag: 9}, // 1 + 4 + 1 = 6 at zero load
	} {
		if err := m.Inject(p); err != nil {
			fmt.Println(err)
			return
		}
	}
	st := m.Run(func(d router.Delivery) {
		x, y := m.Coord(d.Packet.Dst.Router)
		fmt.Printf("tag %d at (%d,%d) cycle %d\n", d.Packet.Tag, x, y, d.Arrive)
	})
	fmt.Printf("packets %d, hops %d (x %d, y %d), latency sum %d, stalls %d\n",
		st.Packets, st.Hops, st.HopsX, st.HopsY, st.LatencySum, st.StallCycles)
	// Output:
	// tag 9 at (2,0) cycle 11
	// tag 7 at (2,1) cycle 16
	// packets 2, hops 4 (x 3, y 1), latency sum 23, stalls 1
}

// A spike multicast to three cores of one column, SpiNNaker style, with
// 2-flit packets: the tree shares the first two east hops, so one packet
// costs 4 link traversals where three unicast packets would cost 9.
func ExampleMesh_AddGroup() {
	m, err := router.New(router.Config{
		Width: 3, Height: 3, LocalPorts: 1, BufferDepth: 4,
		HopCyclesX: 1, HopCyclesY: 1, PacketFlits: 2, TableCapacity: 8,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := func(x, y int) router.Endpoint { return router.Endpoint{Router: m.Router(x, y)} }
	g, err := m.AddGroup(at(0, 0), []router.Endpoint{at(2, 0), at(2, 1), at(2, 2)})
	if err != nil {
		fmt.Println(err)
		return
	}
	hx, hy := m.GroupHops(g)
	fmt.Printf("tree: %d x links, %d y links; entries at (2,1): %d\n", hx, hy, m.TableEntries(m.Router(2, 1)))
	if err := m.Inject(router.Packet{Src: at(0, 0), Group: g, Tag: 5}); err != nil {
		fmt.Println(err)
		return
	}
	st := m.Run(func(d router.Delivery) {
		x, y := m.Coord(d.Packet.Dst.Router)
		fmt.Printf("tag %d at (%d,%d) cycle %d\n", d.Packet.Tag, x, y, d.Arrive)
	})
	fmt.Printf("deliveries %d, hops %d, flit-hops %d\n", st.Packets, st.Hops, st.FlitHops)
	// Output:
	// tree: 2 x links, 2 y links; entries at (2,1): 1
	// tag 5 at (2,0) cycle 3
	// tag 5 at (2,1) cycle 4
	// tag 5 at (2,2) cycle 5
	// deliveries 3, hops 4, flit-hops 8
}
