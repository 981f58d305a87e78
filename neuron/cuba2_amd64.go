package neuron

import "golang.org/x/sys/cpu"

// The LIF2Syn update of StepPorts in AVX-512 (16 neurons per instruction)
// and AVX2 (8), in cuba2_amd64.s. Hand-written because Go does not vectorize loops and no
// library offers this fixed-point update; TestCuba2Kernel checks it
// against the scalar loop, which remains the definition (cuba2.go).
//
// Every operation is exact in 32-bit lanes for the state ranges the model
// keeps (|u1|, |u2| <= 2^23 after wrap24; |v|, |bias|, |Reset| <=
// LIFStateMax): decay(x, f) = trunc(x·f/4096) is sign(x)·(h·f +
// (l·f >> 12)) with |x| = h·4096 + l, both products below 2^24; the
// 24-bit wrap of decay(u) + in keeps the low 24 bits of the int32 sum,
// which are those of the int64 sum; decay(v) + u1 + u2 + bias stays
// below 2^25 in magnitude. Idle lanes (all-zero state and input, not
// refractory) are computed too: they stay 0 (Threshold >= 1, so 0 cannot
// fire) and are counted as idle.

// cuba2AVX512 steps neurons [0, n) (n a positive multiple of 16) and writes
// the indices of those that fired to fired[0:], which must have room for
// n; it returns the number of idle neurons and of spikes written.
//
//go:noescape
func cuba2AVX512(u1, u2, v, bias, in0, in1 *int32, ref *uint16, fired *int32, n int, fu1, fu2, fv, th, reset, refr int32) (idle, nfired int)

// cuba2AVX2 is cuba2AVX512 with 8 neurons per block (n a positive
// multiple of 8).
//
//go:noescape
func cuba2AVX2(u1, u2, v, bias, in0, in1 *int32, ref *uint16, fired *int32, n int, fu1, fu2, fv, th, reset, refr int32) (idle, nfired int)

// kernels returns the fastest kernel this machine runs, at most limit.
func kernels(limit cuba2Kernel) cuba2Kernel {
	switch {
	case limit >= kernelAVX512 && cpu.X86.HasAVX512F:
		return kernelAVX512
	case limit >= kernelAVX2 && cpu.X86.HasAVX2:
		return kernelAVX2
	}
	return kernelScalar
}

// stepVector steps the longest prefix of the population that the vector
// kernels can take (a multiple of 8 neurons: blocks of 16 with AVX-512,
// then one of 8 with AVX2; none without AVX2) and returns its length, the
// fired slice extended with its spikes and its active updates. The caller
// steps the rest with the scalar loop.
func (s *Cuba2State) stepVector(in0, in1, fired []int32) (int, []int32, int) {
	k := kernels(s.kernel)
	n := len(s.v) &^ 7
	if n == 0 || k == kernelScalar {
		return 0, fired, 0
	}
	base := len(fired)
	if cap(fired)-base < n {
		fired = append(fired[:cap(fired)], make([]int32, n-(cap(fired)-base))...)
	}
	fired = fired[:base+n]
	fu1, fu2, fv := int32(s.factU1), int32(s.factU2), int32(s.factV)
	th, reset, refr := s.params.Threshold, s.params.Reset, int32(s.params.Refractory)
	lo, nf, idle := 0, 0, 0
	if n16 := n &^ 15; k == kernelAVX512 && n16 > 0 {
		idle, nf = cuba2AVX512(&s.u1[0], &s.u2[0], &s.v[0], &s.bias[0], &in0[0], &in1[0], &s.ref[0], &fired[base], n16,
			fu1, fu2, fv, th, reset, refr)
		lo = n16
	}
	if lo < n {
		i, f := cuba2AVX2(&s.u1[lo], &s.u2[lo], &s.v[lo], &s.bias[lo], &in0[lo], &in1[lo], &s.ref[lo], &fired[base+nf], n-lo,
			fu1, fu2, fv, th, reset, refr)
		for j := base + nf; j < base+nf+f; j++ {
			fired[j] += int32(lo) // the kernel numbers its neurons from lo
		}
		idle, nf = idle+i, nf+f
	}
	return n, fired[:base+nf], n - idle
}
