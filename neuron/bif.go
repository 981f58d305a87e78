package neuron

// BIFState is a population of bidirectional integrate-and-fire neurons
// (SpikeZIP-TF's ST-BIF), used for exact conversion of quantized ANNs.
//
// Each neuron starts a sample at v = Threshold/2 + bias (the bias is an
// initial charge, not a per-step current) with a spike count of 0. Every
// step it adds its input, then fires at most one spike:
//
//	v >= Threshold and count < Levels:  +1 spike, v -= Threshold, count++
//	v < 0          and count > 0:       -1 spike, v += Threshold, count--
//
// so v + count*Threshold always equals Threshold/2 + bias + the input
// received so far. Once input stops, the neuron settles (after at most
// Levels steps) to count = clamp(floor(Z/Threshold + 1/2), 0, Levels),
// where Z is bias + the total input: the quantized ReLU of a clip-floor-
// shift (QCFS) ANN activation. v is int32 and saturates like IF.
//
// Negative spikes are reported in Step's fired slice as ^ni (that is,
// -ni-1), positive ones as ni. A neuron with no input whose state cannot
// fire (0 <= v < Threshold, or v >= Threshold with count = Levels, or v < 0
// with count = 0) is skipped and counted idle.
type BIFState struct {
	params   Params
	v, count []int32
	bias     []int32
	pending  bool // some neuron can fire without input
}

// Quiet reports whether a Step with no input would change nothing.
func (s *BIFState) Quiet() bool { return !s.pending }

func (s *BIFState) canFire(ni int) bool {
	vi, c := s.v[ni], s.count[ni]
	return (vi >= s.params.Threshold && c < int32(s.params.Levels)) || (vi < 0 && c > 0)
}

// Len implements Model.
func (s *BIFState) Len() int { return len(s.v) }

// V implements Model.
func (s *BIFState) V() []int32 { return s.v }

// Counts returns the net spike count of every neuron (read-only view).
func (s *BIFState) Counts() []int32 { return s.count }

// Reset implements Model: v = Threshold/2 + bias, count = 0.
func (s *BIFState) Reset() {
	half := s.params.Threshold / 2
	s.pending = false
	for ni := range s.v {
		s.v[ni] = sat(int64(half) + int64(s.bias[ni]))
		s.count[ni] = 0
		s.pending = s.pending || s.canFire(ni)
	}
}

// Step implements Model.
func (s *BIFState) Step(in, fired []int32) ([]int32, int) {
	v := s.v
	in = in[:len(v)]
	count := s.count[:len(v)]
	theta, levels := s.params.Threshold, int32(s.params.Levels)
	active := 0
	pending := false
	for ni := range v {
		x := in[ni]
		vi := v[ni]
		if x == 0 && !(vi >= theta && count[ni] < levels) && !(vi < 0 && count[ni] > 0) {
			continue
		}
		in[ni] = 0
		active++
		vi = sat(int64(vi) + int64(x))
		switch {
		case vi >= theta && count[ni] < levels:
			vi -= theta
			count[ni]++
			fired = append(fired, int32(ni))
		case vi < 0 && count[ni] > 0:
			vi += theta
			count[ni]--
			fired = append(fired, ^int32(ni))
		}
		v[ni] = vi
		pending = pending || s.canFire(ni)
	}
	s.pending = pending
	return fired, active
}

func sat(x int64) int32 {
	return int32(min(max(x, -IFStateMax), IFStateMax))
}
