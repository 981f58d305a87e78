package nir

import "fmt"

// convOut returns the output size of one spatial dimension of a convolution
// or pooling window, as PyTorch's Conv/Pool documentation and NIR's
// calculate_conv_output define it:
//
//	out = floor((n + 2·pad − dil·(k − 1) − 1) / stride) + 1
func convOut(n, pad, dil, k, stride int) int {
	num := n + 2*pad - dil*(k-1) - 1
	if num < 0 {
		return 0 // the window does not fit even once
	}
	return num/stride + 1
}

// convShape derives a Conv node's output shape from its input shape
// (C_in, spatial...).
func convShape(p *ConvParams, in Shape) (Shape, error) {
	if len(in) != p.Dims+1 {
		return nil, fmt.Errorf("input must be (channels, %d spatial dims), is %s", p.Dims, in)
	}
	cin := p.Weight.Shape[1] * p.Groups
	if in[0] != cin {
		return nil, fmt.Errorf("input has %d channels, weight %s with groups=%d expects %d", in[0], p.Weight.Shape, p.Groups, cin)
	}
	out := Shape{p.Weight.Shape[0]}
	for i := 0; i < p.Dims; i++ {
		var o int
		switch p.PadMode {
		case PadSame:
			// "same" keeps the size; PyTorch allows it only with stride 1
			// (checked in checkNode).
			o = in[1+i]
		default:
			o = convOut(in[1+i], p.Padding[i], p.Dilation[i], p.Weight.Shape[2+i], p.Stride[i])
		}
		if o < 1 {
			return nil, fmt.Errorf("kernel does not fit spatial input %s", in[1:])
		}
		out = append(out, o)
	}
	return out, nil
}

// poolShape derives a pooling node's output shape from (C, H, W).
func poolShape(p *PoolParams, in Shape) (Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("input must be (channels, height, width), is %s", in)
	}
	out := Shape{in[0]}
	for i := 0; i < 2; i++ {
		o := convOut(in[1+i], p.Padding[i], 1, p.Kernel[i], p.Stride[i])
		if o < 1 {
			return nil, fmt.Errorf("kernel does not fit spatial input %s", in[1:])
		}
		out = append(out, o)
	}
	return out, nil
}

// flattenShape merges dimensions start..end of in (negative counts from the
// end, as in PyTorch). NIR counts the dimensions of the node's input type,
// which has no batch dimension.
func flattenShape(p *FlattenParams, in Shape) (Shape, error) {
	start, end := p.StartDim, p.EndDim
	if start < 0 {
		start += len(in)
	}
	if end < 0 {
		end += len(in)
	}
	if start < 0 || end >= len(in) || start > end {
		return nil, fmt.Errorf("start_dim %d and end_dim %d do not fit input %s", p.StartDim, p.EndDim, in)
	}
	out := append(Shape{}, in[:start]...)
	out = append(out, in[start:end+1].Size())
	return append(out, in[end+1:]...), nil
}

// squeezed drops size-1 dimensions.
func squeezed(s Shape) Shape {
	out := Shape{}
	for _, d := range s {
		if d != 1 {
			out = append(out, d)
		}
	}
	return out
}
