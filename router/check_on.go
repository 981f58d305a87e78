//go:build routercheck

package router

import "fmt"

// checkInvariants is set by the routercheck build tag
// (go test -tags routercheck ./router/...): every Run then asserts that
// each injected packet, hence each of its flits, is delivered exactly once
// to each of its destinations, and that every credit came back.
const checkInvariants = true

// countDelivery counts delivery d of packet pi and panics on a duplicate.
func (m *Mesh) countDelivery(pi int32, d Delivery) {
	m.got[pi]++
	want := int32(1)
	if g := m.pk[pi].Group; g != 0 {
		want = int32(len(m.groups[g-1].dsts))
	} else if d.Packet.Dst != m.pk[pi].Dst {
		panic(fmt.Sprintf("router: invariant: packet %d for %+v delivered to %+v", pi, m.pk[pi].Dst, d.Packet.Dst))
	}
	if m.got[pi] > want {
		panic(fmt.Sprintf("router: invariant: packet %d delivered %d times, want %d", pi, m.got[pi], want))
	}
}

// checkExactlyOnce panics unless every packet of the Run made all its
// deliveries and every buffer is empty with all credits returned.
func (m *Mesh) checkExactlyOnce() {
	for pi := range m.pk {
		want := int32(1)
		if g := m.pk[pi].Group; g != 0 {
			want = int32(len(m.groups[g-1].dsts))
		}
		if m.got[pi] != want {
			panic(fmt.Sprintf("router: invariant: packet %d delivered %d times, want %d", pi, m.got[pi], want))
		}
	}
	for bi, b := range m.ins {
		if b.reserved != 0 || b.count != 0 || b.remain != 0 || b.creditAt != 0 {
			panic(fmt.Sprintf("router: invariant: buffer %d holds %d packets, %d reserved flits, remain %b, credit due at %d after Run", bi, b.count, b.reserved, b.remain, b.creditAt))
		}
	}
}
