// Package nir reads and writes NIR files (Neuromorphic Intermediate
// Representation, Pedersen et al., Nature Communications 15, 8122, 2024) as
// typed Go graphs. NIR is the format snnTorch, Norse, Sinabs, Rockpool,
// Nengo, Spyx, Lava-dl and SpiNNaker2 use to exchange spiking networks.
//
// The package is a leaf: it knows NIR, not the chip. Package nirconv
// lowers graphs onto the chip's network (nirconv.Lower) and exports chip
// networks back (nirconv.FromChip), package snnref runs them in float, and
// package graphrun runs both side by side (see docs/nir.md).
//
// # Call order
//
//	g, err := nir.Read("net.nir", nir.Options{}) // read, infer shapes, check
//	flat, err := g.Inline()                      // nested NIRGraphs → one level
//	err = nir.Write("out.nir", g)                // NIR v1.0.7 layout, atomic
//
// Read(Write(g)) gives g's nodes and edges back bit for bit (parameters
// keep their element type); Write is deterministic.
//
// Read returns either a complete, checked *Graph or an error, never both.
// A file that cannot be used gives an *Error listing every problem, one line
// each, naming the node (its path, "outer/inner" inside nested graphs) and
// the field. Messages quote names and sizes, never array contents.
//
// # Files
//
// NIR files are HDF5, as the nir Python package writes them
// (nir/serialization.py, up to v1.0.7): /version, and /node holding the
// graph: a group per node with a "type" string and one dataset per
// parameter, and an (N, 2) "edges" string array. Arrays may be plain or
// gzip-chunked. HDF5 is decoded by the pure-Go github.com/scigolib/hdf5,
// behind h5.go, the only file that uses it. Write encodes HDF5 itself
// (h5write.go), because that library cannot write the scalar datasets NIR
// needs; write.go maps a Graph onto it.
//
// # Nodes
//
// Node.Kind is a typed enum (Kind); Node.Params holds the kind's parameters:
//
//	Input, Output          *IOParams
//	Affine                 *AffineParams
//	Linear                 *LinearParams
//	Scale                  *ScaleParams
//	Conv1d, Conv2d         *ConvParams
//	SumPool2d, AvgPool2d   *PoolParams
//	Flatten                *FlattenParams
//	Delay                  *DelayParams
//	Threshold              *ThresholdParams
//	LIF                    *LIFParams
//	CubaLIF                *CubaLIFParams
//	CubaLI                 *CubaLIParams
//	LI                     *LIParams
//	IF                     *IFParams
//	I                      *IParams
//	NIRGraph               *GraphParams (a nested *Graph)
//
// Parameters keep their file values (float32 and integers exactly, in
// float64) and element type. Defaults NIR defines are filled in and
// flagged: a missing v_reset is 0 (NIR ≥ 1.0.6; VResetMissing), a missing
// w_in is 1 (WInMissing), Flatten's start_dim 1 and end_dim −1.
//
// # Shapes
//
// Node.In and Node.Out are the input and output shapes, without a batch
// dimension. They come from the parameters where these fix them (Input and
// Output "shape", weight matrices, neuron parameter arrays, a convolution's
// input_shape, a Flatten's input_type) and are otherwise propagated along
// edges until nothing changes: convolutions and pooling derive their output
// with PyTorch's size formula, Flatten merges dimensions, element-wise nodes
// whose parameters are all scalars take their neighbour's shape. A node
// whose shape stays unknown is a problem naming it.
//
// # Tolerated deviations
//
// Two published files break the specification in ways that have one clear
// reading; Read accepts them and says so in Graph.Notes (Options.Strict
// rejects them): an edge shape that differs only in size-1 dimensions
// (Rockpool writes Output shape 1x1x1 after a 1-neuron LIF), and edges of a
// graph naming a node that does not exist when exactly one node, whose name
// starts with that name, is named by no edge (the Braille subgraph file).
//
// # Robustness
//
// Before the HDF5 decoder sees a file, Read refuses files larger than
// Options.MaxBytes and heaps or heap objects whose declared size passes the
// end of the file (the decoder would allocate it, see preflight.go). Every dataset's declared size is checked
// against the remaining budget before it is read. Decoder panics are
// recovered at Read's boundary and returned as an error naming the file.
// FuzzRead exercises all of this.
//
// Read has no shared state; concurrent calls are safe.
package nir
