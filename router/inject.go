package router

import (
	"fmt"
	"math"
)

// Pending returns the number of packets injected since the last Run.
func (m *Mesh) Pending() int { return len(m.pk) }

func (m *Mesh) checkEndpoint(field string, e Endpoint) error {
	if e.Router < 0 || e.Router >= m.nr {
		return fmt.Errorf("router: %s.Router %d outside [0, %d) of the %dx%d mesh", field, e.Router, m.nr, m.cfg.Width, m.cfg.Height)
	}
	if e.Port < 0 || int32(e.Port) >= m.nl {
		return fmt.Errorf("router: %s.Port %d outside [0, %d) local ports", field, e.Port, m.nl)
	}
	return nil
}

// Inject queues p for the next Run. Packets may be injected in any order of
// their Inject cycles; packets of one source endpoint with equal Inject
// cycles leave it in the order they were injected. It returns an error,
// and queues nothing, if an endpoint is outside the mesh, p.Group is not a
// group of this mesh or p.Src is not its source, Inject exceeds
// MaxInject, or it is called from a Run's deliver callback.
func (m *Mesh) Inject(p Packet) error {
	if m.running {
		return fmt.Errorf("router: Inject called during Run")
	}
	if err := m.check(p); err != nil {
		return err
	}
	if len(m.pk) == math.MaxInt32 {
		return fmt.Errorf("router: more than %d packets in one Run", math.MaxInt32)
	}
	m.pk = append(m.pk, p)
	return nil
}

// check returns why p cannot be injected, or nil.
func (m *Mesh) check(p Packet) error {
	if err := m.checkEndpoint("Src", p.Src); err != nil {
		return err
	}
	if p.Group != 0 {
		if p.Group < 0 || int(p.Group) > len(m.groups) {
			return fmt.Errorf("router: Group %d is not a multicast group of this mesh (%d groups)", p.Group, len(m.groups))
		}
		if g := &m.groups[p.Group-1]; g.src != p.Src {
			return fmt.Errorf("router: Src %+v of a group %d packet must be the group's source %+v", p.Src, p.Group, g.src)
		}
	} else if err := m.checkEndpoint("Dst", p.Dst); err != nil {
		return err
	}
	if p.Inject > MaxInject {
		return fmt.Errorf("router: Inject cycle %d exceeds MaxInject (%d)", p.Inject, uint64(MaxInject))
	}
	return nil
}

// InjectAll queues every packet of ps, in order, as Inject would. It
// checks them all first: on an error (naming the packet) it queues none.
func (m *Mesh) InjectAll(ps []Packet) error {
	if m.running {
		return fmt.Errorf("router: InjectAll called during Run")
	}
	if len(ps) > math.MaxInt32-len(m.pk) {
		return fmt.Errorf("router: more than %d packets in one Run", math.MaxInt32)
	}
	for i := range ps {
		p := &ps[i]
		// The common case, a unicast packet between valid endpoints, in
		// one branch; anything else goes through Inject's checks.
		if p.Group == 0 && uint32(p.Src.Router) < uint32(m.nr) && uint32(p.Dst.Router) < uint32(m.nr) &&
			uint16(p.Src.Port) < uint16(m.nl) && uint16(p.Dst.Port) < uint16(m.nl) && p.Inject <= MaxInject {
			continue
		}
		if err := m.check(*p); err != nil {
			return fmt.Errorf("%w (packet %d of %d)", err, i, len(ps))
		}
	}
	m.pk = append(m.pk, ps...)
	return nil
}
