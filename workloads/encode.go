package workloads

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/spikemesh/spikemesh/chip"
)

// Encoder turns a static input (an image) into host input events.
type Encoder uint8

const (
	// Rate is Bernoulli rate coding: at every timestep pixel i spikes with
	// probability x_i = pixel/255, independently (the discrete-time form of
	// Poisson rate coding).
	Rate Encoder = iota
	// Direct drives the first layer with the analog input every timestep:
	// each non-zero pixel sends a graded event carrying its 8-bit value, and
	// layer-1 cores multiply weight by value (multiply-accumulates).
	Direct
	// Pulse delivers the image once: at timestep 0 every non-zero pixel
	// sends one graded event carrying its 8-bit value, and nothing follows.
	// Exact conversion (MethodExact) uses it: the first layer integrates
	// Σ w * pixel once and the network then runs until it is quiet.
	Pulse
)

var encoderNames = [...]string{Rate: "rate", Direct: "direct", Pulse: "pulse"}

func (e Encoder) String() string {
	if int(e) < len(encoderNames) {
		return encoderNames[e]
	}
	return fmt.Sprintf("Encoder(%d)", e)
}

// MarshalText implements encoding.TextMarshaler.
func (e Encoder) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText accepts "rate" (alias "poisson", "bernoulli"), "direct" or
// "pulse".
func (e *Encoder) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "rate", "poisson", "bernoulli":
		*e = Rate
	case "direct":
		*e = Direct
	case "pulse":
		*e = Pulse
	default:
		return fmt.Errorf("workloads: unknown encoder %q (valid: rate, direct, pulse)", b)
	}
	return nil
}

// Graded reports whether the encoder's events carry a magnitude.
func (e Encoder) Graded() bool { return e == Direct || e == Pulse }

// NewStimulus returns the host input for one image (pixels 0..255). A rate
// stimulus draws its spikes from a PCG generator seeded with (seed, sample),
// so every sample's spike train is fixed by the seed and its index alone.
func (e Encoder) NewStimulus(image []uint8, seed uint64, sample int) chip.Stimulus {
	nz := make([]int32, 0, len(image))
	for i, p := range image {
		if p != 0 {
			nz = append(nz, int32(i))
		}
	}
	switch e {
	case Direct:
		return &directStim{image: image, nz: nz}
	case Pulse:
		return &directStim{image: image, nz: nz, once: true}
	}
	thr := make([]uint64, len(nz))
	for k, i := range nz {
		// P(spike) = p/255 exactly: compare a uniform 32-bit draw with p*2^32/255.
		thr[k] = (uint64(image[i])<<32 + 254) / 255
	}
	return &rateStim{nz: nz, thr: thr, rng: rand.New(rand.NewPCG(seed, uint64(sample)))}
}

type rateStim struct {
	nz  []int32
	thr []uint64
	rng *rand.Rand
}

func (s *rateStim) Events(_ int, dst []chip.InputEvent) []chip.InputEvent {
	for k, i := range s.nz {
		if s.rng.Uint64()>>32 < s.thr[k] {
			dst = append(dst, chip.InputEvent{Channel: i, Magnitude: 1})
		}
	}
	return dst
}

type directStim struct {
	image []uint8
	nz    []int32
	once  bool // pulse: events at t = 0 only
}

func (s *directStim) Events(t int, dst []chip.InputEvent) []chip.InputEvent {
	if s.once && t != 0 {
		return dst
	}
	for _, i := range s.nz {
		dst = append(dst, chip.InputEvent{Channel: i, Magnitude: s.image[i]})
	}
	return dst
}
