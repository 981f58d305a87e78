package nir

// Params are the parameters of one node; the concrete type depends on the
// node's Kind (see doc.go). The interface is sealed: only this package's
// types implement it.
type Params interface{ isParams() }

// IOParams are the parameters of Input and Output nodes.
type IOParams struct {
	Shape Shape // "shape" dataset
}

// AffineParams: y = Weight·x + Bias. Weight is (out, in).
type AffineParams struct{ Weight, Bias Tensor }

// LinearParams: y = Weight·x. Weight is (out, in).
type LinearParams struct{ Weight Tensor }

// ScaleParams: y = Scale ⊙ x.
type ScaleParams struct{ Scale Tensor }

// PadMode says how a convolution's padding is given.
type PadMode uint8

// Padding modes of NIR's Conv1d/Conv2d ("padding" is an integer, an integer
// per spatial dimension, or the string "same" or "valid").
const (
	PadExplicit PadMode = iota // Padding holds the zero padding per side
	PadSame                    // output spatial size = input size (stride 1 only)
	PadValid                   // no padding
)

func (p PadMode) String() string {
	switch p {
	case PadSame:
		return "same"
	case PadValid:
		return "valid"
	}
	return "explicit"
}

// ConvParams are the parameters of Conv1d (Dims 1) and Conv2d (Dims 2).
// Weight is (C_out, C_in/Groups, K...) as in PyTorch; Stride, Dilation and
// Padding have one entry per spatial dimension (a scalar in the file is
// repeated). InputShape is the spatial input size, nil when the file has none.
type ConvParams struct {
	Dims       int
	Weight     Tensor
	Bias       Tensor
	Stride     []int
	Dilation   []int
	Padding    []int // per side; all zero unless PadMode is PadExplicit
	PadMode    PadMode
	Groups     int
	InputShape Shape
}

// PoolParams are the parameters of SumPool2d and AvgPool2d, one entry per
// spatial dimension (height, width).
type PoolParams struct {
	Kernel  []int
	Stride  []int
	Padding []int
}

// FlattenParams merge input dimensions StartDim..EndDim (inclusive, counted
// in the node's input shape without a batch dimension, negative from the
// end). InputType is the file's "input_type", nil when absent.
type FlattenParams struct {
	StartDim, EndDim int
	InputType        Shape
}

// DelayParams: y(t) = x(t − Delay), Delay in seconds per element.
type DelayParams struct{ Delay Tensor }

// ThresholdParams: z = 1 if x > Threshold else 0.
type ThresholdParams struct{ Threshold Tensor }

// LIFParams: τ v' = (v_leak − v) + R I; spike when v > v_threshold, then
// v = v_reset. VResetMissing records that the file had no v_reset (NIR ≤
// 1.0.5 files); VReset then holds zeros, as NIR ≥ 1.0.6 reads such files.
type LIFParams struct {
	Tau, R, VLeak, VThreshold, VReset Tensor
	VResetMissing                     bool
}

// CubaLIFParams: τ_syn I' = −I + w_in S; τ_mem v' = (v_leak − v) + R I;
// spike and reset as LIF. WIn is ones when the file has none (WInMissing).
type CubaLIFParams struct {
	TauSyn, TauMem, R, VLeak, VThreshold, VReset, WIn Tensor
	VResetMissing, WInMissing                         bool
}

// CubaLIParams: CubaLIF without spiking.
type CubaLIParams struct {
	TauSyn, TauMem, R, VLeak, WIn Tensor
	WInMissing                    bool
}

// LIParams: τ v' = (v_leak − v) + R I, no spiking.
type LIParams struct{ Tau, R, VLeak Tensor }

// IFParams: v' = R I; spike when v > v_threshold, then v = v_reset.
type IFParams struct {
	R, VThreshold, VReset Tensor
	VResetMissing         bool
}

// IParams: v' = R I (integrator, no spiking).
type IParams struct{ R Tensor }

// GraphParams hold a nested NIRGraph.
type GraphParams struct{ Graph *Graph }

func (*IOParams) isParams()        {}
func (*AffineParams) isParams()    {}
func (*LinearParams) isParams()    {}
func (*ScaleParams) isParams()     {}
func (*ConvParams) isParams()      {}
func (*PoolParams) isParams()      {}
func (*FlattenParams) isParams()   {}
func (*DelayParams) isParams()     {}
func (*ThresholdParams) isParams() {}
func (*LIFParams) isParams()       {}
func (*CubaLIFParams) isParams()   {}
func (*CubaLIParams) isParams()    {}
func (*LIParams) isParams()        {}
func (*IFParams) isParams()        {}
func (*IParams) isParams()         {}
func (*GraphParams) isParams()     {}
