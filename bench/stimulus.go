package bench

import (
	"math/rand/v2"

	"github.com/spikemesh/spikemesh/chip"
)

// probStim fires input i with probability thr[i]/2^32 at every step and
// counts the spikes it produced.
type probStim struct {
	thr    []uint64
	rng    *rand.Rand
	spikes uint64
}

func (s *probStim) Events(_ int, dst []chip.InputEvent) []chip.InputEvent {
	n := len(dst)
	var r uint64
	for i, t := range s.thr {
		// Each 64-bit draw gives two 32-bit uniforms: the high half for
		// an even input, the low half for the next one.
		if i&1 == 0 {
			r = s.rng.Uint64()
		} else {
			r <<= 32
		}
		if r>>32 < t {
			dst = append(dst, chip.InputEvent{Channel: int32(i), Magnitude: 1})
		}
	}
	s.spikes += uint64(len(dst) - n)
	return dst
}
