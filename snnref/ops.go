package snnref

// The three linear operations below are written out rather than taken from
// gonum: they are the reference the chip's sparse, quantised connectivity is
// checked against, so their summation order is fixed and visible (row by
// row, kernel position by kernel position) and they work on flat C-order
// slices with PyTorch's padding, stride, dilation and groups semantics,
// which gonum's BLAS does not offer for convolutions.

// affine sets y = W·x + b (b may be nil). W is len(y)×len(x), row-major.
func affine(y, w, b, x []float64) {
	in := len(x)
	for o := range y {
		row := w[o*in : (o+1)*in]
		acc := 0.0
		for j, v := range x {
			acc += row[j] * v
		}
		if b != nil {
			acc += b[o]
		}
		y[o] = acc
	}
}

// conv2d sets y to the 2-D cross-correlation of x (InC×H×W) with c.Weight
// (OutC×InC/Groups×KH×KW), zero padding, as torch.nn.functional.conv2d.
func conv2d(y []float64, c *ConvParams, x []float64) {
	oh, ow := c.OutHW()
	inPerG, outPerG := c.InC/c.Groups, c.OutC/c.Groups
	for oc := range c.OutC {
		g := oc / outPerG
		bias := 0.0
		if c.Bias != nil {
			bias = c.Bias[oc]
		}
		for oy := range oh {
			for ox := range ow {
				acc := bias
				for ic := range inPerG {
					chIn := g*inPerG + ic
					for ky := range c.KH {
						iy := oy*c.Stride[0] - c.Padding[0] + ky*c.Dilate[0]
						if iy < 0 || iy >= c.H {
							continue
						}
						for kx := range c.KW {
							ix := ox*c.Stride[1] - c.Padding[1] + kx*c.Dilate[1]
							if ix < 0 || ix >= c.W {
								continue
							}
							w := c.Weight[((oc*inPerG+ic)*c.KH+ky)*c.KW+kx]
							acc += w * x[(chIn*c.H+iy)*c.W+ix]
						}
					}
				}
				y[(oc*oh+oy)*ow+ox] = acc
			}
		}
	}
}

// pool2d sets y to the sum (or average, padding counted) of each window.
func pool2d(y []float64, p *PoolParams, x []float64) {
	oh, ow := p.OutHW()
	div := 1.0
	if p.Average {
		div = float64(p.KH * p.KW)
	}
	for ch := range p.C {
		for oy := range oh {
			for ox := range ow {
				acc := 0.0
				for ky := range p.KH {
					iy := oy*p.Stride[0] - p.Padding[0] + ky
					if iy < 0 || iy >= p.H {
						continue
					}
					for kx := range p.KW {
						ix := ox*p.Stride[1] - p.Padding[1] + kx
						if ix >= 0 && ix < p.W {
							acc += x[(ch*p.H+iy)*p.W+ix]
						}
					}
				}
				y[(ch*oh+oy)*ow+ox] = acc / div
			}
		}
	}
}
