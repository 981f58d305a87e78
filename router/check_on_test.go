//go:build routercheck

package router

import (
	"strings"
	"testing"
)

// TestInvariantCheckerFires checks that the routercheck assertion reports
// a packet delivered twice and one never delivered.
func TestInvariantCheckerFires(t *testing.T) {
	m, err := New(testConfig(2, 1, 1, 2, 1, 1, 0, 0, XY))
	if err != nil {
		t.Fatal(err)
	}
	expectPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if s, _ := r.(string); !strings.Contains(s, want) {
				t.Errorf("%s: panic %v, want one containing %q", name, r, want)
			}
		}()
		f()
	}
	m.pk = append(m.pk, Packet{Src: ep(0, 0), Dst: ep(1, 0)})
	m.got = []int32{0}
	d := Delivery{Packet: m.pk[0]}
	m.countDelivery(0, d)
	expectPanic("duplicate", "delivered 2 times, want 1", func() { m.countDelivery(0, d) })
	m.got[0] = 0
	expectPanic("missing", "delivered 0 times, want 1", m.checkExactlyOnce)
	m.pk = m.pk[:0]
}
