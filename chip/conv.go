package chip

import (
	"errors"
	"fmt"
)

// Conv is a 2-D convolution with a shared kernel (a 1-D convolution is the
// case InH = OutH = KH = 1). Input source index is c*InH*InW + y*InW + x;
// output neuron index is o*OutH*OutW + y*OutW + x (channel-major, as NIR and
// PyTorch lay out tensors). Output (o, y, x) sums
//
//	Kernel[o][ci][ky][kx] * input(g*InC/Groups + ci, y*StrideH - PadH + ky*DilH, x*StrideW - PadW + kx*DilW)
//
// over the kernel, where g = o / (OutC/Groups) is o's group. Taps outside
// the input are zero padding and have no synapse. Padding may be
// asymmetric: PadH/PadW rows/columns before (top, left), PadHEnd/PadWEnd
// after (bottom, right), as PyTorch's "same" padding with an even kernel
// needs. Pooling is a depthwise Conv (Groups = InC = OutC) with a constant
// kernel: 1 for sum pooling, the quantized 1/(KH*KW) for average pooling.
type Conv struct {
	InC, InH, InW    int
	OutC, OutH, OutW int
	KH, KW           int
	StrideH, StrideW int // >= 1
	PadH, PadW       int // zero padding before (top, left), >= 0
	PadHEnd, PadWEnd int // zero padding after (bottom, right), >= 0
	DilH, DilW       int // kernel dilation, >= 1 (1 = contiguous kernel)
	Groups           int
	Kernel           []int8 // OutC x (InC/Groups) x KH x KW, row-major
}

// Validate checks the geometry and the kernel length, reporting every
// problem at once.
func (c *Conv) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"in channels", c.InC}, {"in height", c.InH}, {"in width", c.InW}, {"out channels", c.OutC},
		{"out height", c.OutH}, {"out width", c.OutW}, {"kernel height", c.KH}, {"kernel width", c.KW},
		{"stride height", c.StrideH}, {"stride width", c.StrideW}, {"dilation height", c.DilH},
		{"dilation width", c.DilW}, {"groups", c.Groups}} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("conv %s is %d, must be >= 1", f.name, f.v))
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"padding top", c.PadH}, {"padding left", c.PadW}, {"padding bottom", c.PadHEnd}, {"padding right", c.PadWEnd}} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("conv %s is %d, must be >= 0", f.name, f.v))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if c.InC%c.Groups != 0 || c.OutC%c.Groups != 0 {
		errs = append(errs, fmt.Errorf("conv groups %d must divide in channels %d and out channels %d", c.Groups, c.InC, c.OutC))
	}
	if h := convOut(c.InH, c.PadH+c.PadHEnd, c.DilH*(c.KH-1)+1, c.StrideH); h != c.OutH {
		errs = append(errs, fmt.Errorf("conv output height is %d, the geometry gives %d", c.OutH, h))
	}
	if w := convOut(c.InW, c.PadW+c.PadWEnd, c.DilW*(c.KW-1)+1, c.StrideW); w != c.OutW {
		errs = append(errs, fmt.Errorf("conv output width is %d, the geometry gives %d", c.OutW, w))
	}
	if want := c.OutC * (c.InC / max(c.Groups, 1)) * c.KH * c.KW; len(c.Kernel) != want {
		errs = append(errs, fmt.Errorf("conv kernel has %d weights, want %d (%d x %d x %d x %d)", len(c.Kernel), want, c.OutC, c.InC/max(c.Groups, 1), c.KH, c.KW))
	}
	return errors.Join(errs...)
}

// convOut is the output length of a convolution along one axis: input n,
// total padding pad, dilated kernel extent k, stride s (0 if the kernel
// does not fit).
func convOut(n, pad, k, s int) int {
	if n+pad < k {
		return 0
	}
	return (n+pad-k)/s + 1
}

// In is the number of input sources (InC x InH x InW).
func (c *Conv) In() int { return c.InC * c.InH * c.InW }

// Out is the number of output neurons (OutC x OutH x OutW).
func (c *Conv) Out() int { return c.OutC * c.OutH * c.OutW }

// Sources calls f for every input source that output neuron j receives,
// with the kernel weight; zero-padding taps are skipped.
func (c *Conv) Sources(j int, f func(src int, w int8)) {
	plane := c.OutH * c.OutW
	o, y, x := j/plane, (j%plane)/c.OutW, j%c.OutW
	cpg := c.InC / c.Groups
	g := o / (c.OutC / c.Groups)
	for ci := 0; ci < cpg; ci++ {
		ic := g*cpg + ci
		for ky := 0; ky < c.KH; ky++ {
			iy := y*c.StrideH - c.PadH + ky*c.DilH
			if iy < 0 || iy >= c.InH {
				continue
			}
			for kx := 0; kx < c.KW; kx++ {
				ix := x*c.StrideW - c.PadW + kx*c.DilW
				if ix < 0 || ix >= c.InW {
					continue
				}
				f((ic*c.InH+iy)*c.InW+ix, c.Kernel[((o*cpg+ci)*c.KH+ky)*c.KW+kx])
			}
		}
	}
}
