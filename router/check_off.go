//go:build !routercheck

package router

// checkInvariants is set by the routercheck build tag. Without it the mesh
// does not count deliveries per packet (the tests do).
const checkInvariants = false

func (m *Mesh) countDelivery(int32, Delivery) {}

func (m *Mesh) checkExactlyOnce() {}
