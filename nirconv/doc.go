// Package nirconv converts between NIR graphs (package nir) and the chip's
// general network (chip.Network), in both directions.
//
// Lower maps a NIR graph onto the chip: nested graphs are inlined; every
// neuron node (LIF, CubaLIF, IF, Threshold; LI, CubaLI and I as readouts)
// becomes a population through neuron.Quantize at the chosen time step;
// every chain of connectivity nodes between a source and a neuron node
// becomes chip projections, in the node's own kind where it can (dense,
// convolution, one-to-one) or composed exactly in float64 into sparse
// projections, one per total delay; weights are quantized to the chip's
// weight bits with one exponent per projection. The reset-by-subtraction
// loop FromChip writes (I → Threshold → Scale → I) is folded back into one
// if-subtract population. Errors name the node and field, one line each
// (lower.go, lower_path.go, lower_ops.go, lower_subtract.go).
//
// FromChip writes a chip.Network as the NIR graph that runs on the chip:
// integer weights as float values × 2^WeightExp, neuron parameters in the
// chip's state units with the time constants for the given dt, delays as
// Delay nodes (export.go, exportproj.go, exportneuron.go). For the
// built-in converted models, Lower(Read(Write(FromChip(net)))) is net
// except for names and report shapes (roundtrip_test.go).
//
// docs/nir.md documents both directions, their conventions and limits.
package nirconv
