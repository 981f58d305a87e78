#include "textflag.h"

// func cuba2AVX2(u1, u2, v, bias, in0, in1 *int32, ref *uint16, fired *int32, n int, fu1, fu2, fv, th, reset, refr int32) (idle, nfired int)
//
// Per block of 8 neurons at index BX (see cuba2_amd64.go for why every
// step is exact and Cuba2State.StepPorts for the update):
//   a = wrap24(decay(u1, fu1) + in0); c = wrap24(decay(u2, fu2) + in1)
//   nv = clamp(decay(v, fv) + a + c + bias, ±LIFStateMax)
//   fire = nv > th && ref == 0
//   v = ref > 0 ? v : (fire ? reset : nv)
//   ref = ref > 0 ? ref-1 : (fire ? refr : 0)
//   in0 = in1 = 0
//
// Registers: R8..R13 u1, u2, v, bias, in0, in1; SI ref; DI next fired
// slot; BX neuron index; DX idle count; AX, CX scratch.
// Y15 fu1, Y14 fu2, Y13 fv, Y12 th, Y11 reset, Y10 refr, Y9 4095,
// Y8 LIFStateMax, Y7 -LIFStateMax, Y6 zero; Y0..Y5 temporaries.

// DECAY sets r = trunc(x·f/4096) for x in [-2^24, 2^24], f in [0, 4096];
// t is clobbered, x and f are kept.
#define DECAY(x, f, r, t) \
	VPABSD   x, r        \
	VPAND    Y9, r, t    \
	VPSRLD   $12, r, r   \
	VPMULLD  f, r, r     \
	VPMULLD  f, t, t     \
	VPSRLD   $12, t, t   \
	VPADDD   t, r, r     \
	VPSIGND  x, r, r

TEXT ·cuba2AVX2(SB), NOSPLIT, $0-112
	MOVQ u1+0(FP), R8
	MOVQ u2+8(FP), R9
	MOVQ v+16(FP), R10
	MOVQ bias+24(FP), R11
	MOVQ in0+32(FP), R12
	MOVQ in1+40(FP), R13
	MOVQ ref+48(FP), SI
	MOVQ fired+56(FP), DI
	MOVL fu1+72(FP), AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15
	MOVL fu2+76(FP), AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	MOVL fv+80(FP), AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	MOVL th+84(FP), AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12
	MOVL reset+88(FP), AX
	VMOVD AX, X11
	VPBROADCASTD X11, Y11
	MOVL refr+92(FP), AX
	VMOVD AX, X10
	VPBROADCASTD X10, Y10
	MOVL $4095, AX
	VMOVD AX, X9
	VPBROADCASTD X9, Y9
	MOVL $8388607, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	MOVL $-8388607, AX
	VMOVD AX, X7
	VPBROADCASTD X7, Y7
	VPXOR Y6, Y6, Y6
	XORQ BX, BX
	XORQ DX, DX

loop:
	// a = wrap24(decay(u1, fu1) + in0) -> Y4; Y5 collects the idle test.
	VMOVDQU (R8)(BX*4), Y0
	VMOVDQU (R12)(BX*4), Y3
	VPOR    Y0, Y3, Y5
	DECAY(Y0, Y15, Y1, Y2)
	VPADDD  Y3, Y1, Y1
	VPSLLD  $8, Y1, Y1
	VPSRAD  $8, Y1, Y4
	VMOVDQU Y4, (R8)(BX*4)
	VMOVDQU Y6, (R12)(BX*4)

	// c = wrap24(decay(u2, fu2) + in1); Y4 = a + c.
	VMOVDQU (R9)(BX*4), Y0
	VMOVDQU (R13)(BX*4), Y3
	VPOR    Y0, Y5, Y5
	VPOR    Y3, Y5, Y5
	DECAY(Y0, Y14, Y1, Y2)
	VPADDD  Y3, Y1, Y1
	VPSLLD  $8, Y1, Y1
	VPSRAD  $8, Y1, Y1
	VMOVDQU Y1, (R9)(BX*4)
	VMOVDQU Y6, (R13)(BX*4)
	VPADDD  Y1, Y4, Y4

	// nv = clamp(decay(v, fv) + a + c + bias) -> Y4; v stays in Y0.
	VMOVDQU (R10)(BX*4), Y0
	VMOVDQU (R11)(BX*4), Y3
	VPOR    Y0, Y5, Y5
	VPOR    Y3, Y5, Y5
	DECAY(Y0, Y13, Y1, Y2)
	VPADDD  Y1, Y4, Y4
	VPADDD  Y3, Y4, Y4
	VPMINSD Y8, Y4, Y4
	VPMAXSD Y7, Y4, Y4

	// Y2 = ref, Y3 = (ref > 0), Y1 = fire = (nv > th) && !(ref > 0).
	VPMOVZXWD (SI)(BX*2), Y2
	VPOR      Y2, Y5, Y5
	VPCMPGTD  Y6, Y2, Y3
	VPCMPGTD  Y12, Y4, Y1
	VPANDN    Y1, Y3, Y1

	// v = ref > 0 ? v : (fire ? reset : nv)
	VPBLENDVB Y1, Y11, Y4, Y4
	VPBLENDVB Y3, Y0, Y4, Y4
	VMOVDQU   Y4, (R10)(BX*4)

	// ref = ref + (ref > 0 ? -1 : 0) | (fire ? refr : 0), packed to uint16.
	VPADDD       Y3, Y2, Y2
	VPAND        Y10, Y1, Y0
	VPOR         Y0, Y2, Y2
	VEXTRACTI128 $1, Y2, X0
	VPACKUSDW    X0, X2, X2
	VMOVDQU      X2, (SI)(BX*2)

	// idle += lanes with all-zero state and input
	VPCMPEQD  Y6, Y5, Y5
	VMOVMSKPS Y5, AX
	POPCNTL   AX, AX
	ADDQ      AX, DX

	// Spikes: append BX + lane for every set bit of the fire mask.
	VMOVMSKPS Y1, AX
	TESTL     AX, AX
	JZ        next

emit:
	BSFL  AX, CX
	ADDL  BX, CX
	MOVL  CX, (DI)
	ADDQ  $4, DI
	LEAL  -1(AX), CX
	ANDL  CX, AX
	JNZ   emit

next:
	ADDQ $8, BX
	CMPQ BX, n+64(FP)
	JLT  loop

	VZEROUPPER
	MOVQ DX, idle+96(FP)
	MOVQ fired+56(FP), AX
	SUBQ AX, DI
	SHRQ $2, DI
	MOVQ DI, nfired+104(FP)
	RET

// func cuba2AVX512(u1, u2, v, bias, in0, in1 *int32, ref *uint16, fired *int32, n int, fu1, fu2, fv, th, reset, refr int32) (idle, nfired int)
//
// cuba2AVX2 in AVX-512F, 16 neurons per block (n a positive multiple of
// 16), with mask registers for the sign, the refractory and the fire
// lanes. Registers as in cuba2AVX2; Z31 fu1, Z30 fu2, Z29 fv, Z28 th,
// Z27 reset, Z26 refr, Z25 4095, Z24 LIFStateMax, Z23 -LIFStateMax,
// Z22 zero, Z21 one. K1 sign, K2 ref > 0, K4 ref == 0, K3 fire, K5 idle.

// DECAY512 is DECAY with the sign applied under a mask (AVX-512 has no
// VPSIGND).
#define DECAY512(x, f, r, t) \
	VPABSD   x, r        \
	VPANDD   Z25, r, t   \
	VPSRLD   $12, r, r   \
	VPMULLD  f, r, r     \
	VPMULLD  f, t, t     \
	VPSRLD   $12, t, t   \
	VPADDD   t, r, r     \
	VPCMPGTD x, Z22, K1  \
	VPSUBD   r, Z22, K1, r

TEXT ·cuba2AVX512(SB), NOSPLIT, $0-112
	MOVQ u1+0(FP), R8
	MOVQ u2+8(FP), R9
	MOVQ v+16(FP), R10
	MOVQ bias+24(FP), R11
	MOVQ in0+32(FP), R12
	MOVQ in1+40(FP), R13
	MOVQ ref+48(FP), SI
	MOVQ fired+56(FP), DI
	MOVL fu1+72(FP), AX
	VPBROADCASTD AX, Z31
	MOVL fu2+76(FP), AX
	VPBROADCASTD AX, Z30
	MOVL fv+80(FP), AX
	VPBROADCASTD AX, Z29
	MOVL th+84(FP), AX
	VPBROADCASTD AX, Z28
	MOVL reset+88(FP), AX
	VPBROADCASTD AX, Z27
	MOVL refr+92(FP), AX
	VPBROADCASTD AX, Z26
	MOVL $4095, AX
	VPBROADCASTD AX, Z25
	MOVL $8388607, AX
	VPBROADCASTD AX, Z24
	MOVL $-8388607, AX
	VPBROADCASTD AX, Z23
	VPXORD Z22, Z22, Z22
	MOVL $1, AX
	VPBROADCASTD AX, Z21
	XORQ BX, BX
	XORQ DX, DX

loop512:
	// a = wrap24(decay(u1, fu1) + in0) -> Z4; Z5 collects the idle test.
	VMOVDQU32 (R8)(BX*4), Z0
	VMOVDQU32 (R12)(BX*4), Z3
	VPORD     Z0, Z3, Z5
	DECAY512(Z0, Z31, Z1, Z2)
	VPADDD    Z3, Z1, Z1
	VPSLLD    $8, Z1, Z1
	VPSRAD    $8, Z1, Z4
	VMOVDQU32 Z4, (R8)(BX*4)
	VMOVDQU32 Z22, (R12)(BX*4)

	// c = wrap24(decay(u2, fu2) + in1); Z4 = a + c.
	VMOVDQU32  (R9)(BX*4), Z0
	VMOVDQU32  (R13)(BX*4), Z3
	VPTERNLOGD $0xfe, Z3, Z0, Z5
	DECAY512(Z0, Z30, Z1, Z2)
	VPADDD     Z3, Z1, Z1
	VPSLLD     $8, Z1, Z1
	VPSRAD     $8, Z1, Z1
	VMOVDQU32  Z1, (R9)(BX*4)
	VMOVDQU32  Z22, (R13)(BX*4)
	VPADDD     Z1, Z4, Z4

	// nv = clamp(decay(v, fv) + a + c + bias) -> Z4; v stays in Z0.
	VMOVDQU32  (R10)(BX*4), Z0
	VMOVDQU32  (R11)(BX*4), Z3
	VPTERNLOGD $0xfe, Z3, Z0, Z5
	DECAY512(Z0, Z29, Z1, Z2)
	VPADDD     Z1, Z4, Z4
	VPADDD     Z3, Z4, Z4
	VPMINSD    Z24, Z4, Z4
	VPMAXSD    Z23, Z4, Z4

	// Z2 = ref; K2 = ref > 0, K4 = ref == 0, K3 = fire = nv > th under K4.
	VPMOVZXWD (SI)(BX*2), Z2
	VPORD     Z2, Z5, Z5
	VPTESTMD  Z2, Z2, K2
	VPTESTNMD Z2, Z2, K4
	VPCMPGTD  Z28, Z4, K4, K3

	// v = ref > 0 ? v : (fire ? reset : nv)
	VMOVDQA32 Z27, K3, Z4
	VMOVDQA32 Z4, K4, Z0
	VMOVDQU32 Z0, (R10)(BX*4)

	// ref = ref > 0 ? ref-1 : (fire ? refr : 0), stored as uint16.
	VPSUBD    Z21, Z2, K2, Z2
	VMOVDQA32 Z26, K3, Z2
	VPMOVDW   Z2, (SI)(BX*2)

	// idle += lanes with all-zero state and input
	VPTESTNMD Z5, Z5, K5
	KMOVW     K5, AX
	POPCNTL   AX, AX
	ADDQ      AX, DX

	// Spikes: append BX + lane for every set bit of the fire mask.
	KMOVW K3, AX
	TESTL AX, AX
	JZ    next512

emit512:
	BSFL AX, CX
	ADDL BX, CX
	MOVL CX, (DI)
	ADDQ $4, DI
	LEAL -1(AX), CX
	ANDL CX, AX
	JNZ  emit512

next512:
	ADDQ $16, BX
	CMPQ BX, n+64(FP)
	JLT  loop512

	// Zero Z21..Z31: VZEROUPPER clears only the upper halves of Y0..Y15,
	// and a dirty Z16..Z31 would slow every later SSE instruction.
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31
	VZEROUPPER
	MOVQ DX, idle+96(FP)
	MOVQ fired+56(FP), AX
	SUBQ AX, DI
	SHRQ $2, DI
	MOVQ DI, nfired+104(FP)
	RET
