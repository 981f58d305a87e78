package ann

import (
	"errors"
	"fmt"
	"math"
)

// TrainBytes estimates the memory InitNet and TrainNet allocate for n with
// mini-batches of batch samples on workers goroutines: per weighted layer
// the weights, their gradient and Adam's two moments (float32 each), per
// layer the batch's activations and their gradients, per-sample
// convolution gradients, max-pool argmax indices, and each worker's im2col
// buffers. It follows the layer shapes as InitNet does, from the layer
// settings alone, so it can be checked against a memory budget before any
// weight is allocated. The result saturates at math.MaxInt64; the error
// reports a layer whose output shape cannot be derived.
func TrainBytes(n *Net, batch, workers int) (int64, error) {
	const f32 = 4
	in := n.Input
	bs, colMax := float64(batch), 0.0
	total := bs * float64(n.Input.Size()) * f32 // the input batch
	for l := range n.Layers {
		ly := &n.Layers[l]
		// Weights are not allocated yet, so outShape's weight-length
		// complaints are expected; only a shape it cannot give is an error
		// here (InitNet and TrainNet check the rest).
		out, errs := ly.outShape(in, func(string) (Shape, bool) { return in, true })
		if out.Size() == 0 {
			return 0, fmt.Errorf("ann: layer %d (%s %q): %w", l, ly.Kind, ly.Name, errors.Join(errs...))
		}
		act := bs * float64(out.Size())
		total += 2 * act * f32 // activations and their gradients
		var w float64
		switch ly.Kind {
		case KindDense:
			w = float64(ly.Out) * float64(in.Size())
		case KindConv2D:
			w = float64(ly.Out) * float64(in.C/max(ly.Groups, 1)) * float64(ly.Kernel) * float64(ly.Kernel)
			total += bs * (w + float64(ly.Out)) * f32 // per-sample gradients
			colMax = math.Max(colMax, float64(in.C)*float64(ly.Kernel)*float64(ly.Kernel)*float64(out.H)*float64(out.W))
		case KindMaxPool2D:
			total += act * 4 // int32 argmax
		}
		if ly.Kind.Weighted() {
			total += 4 * (w + float64(ly.Out)) * f32 // weights, gradient, Adam m and v
		}
		in = out
	}
	total += 2 * float64(max(workers, 1)) * colMax * f32
	if total >= math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(total), nil
}
