package nir

// tauFields are the time constants: in seconds, finite and positive.
var tauFields = map[string]bool{"tau": true, "tau_mem": true, "tau_syn": true}

// readNeuron reads the parameters of LIF, CubaLIF, CubaLI, LI, IF and I.
func readNeuron(f *fields, kind Kind) Params {
	get := func(name string) Tensor {
		t, ok := f.tensor(name, true)
		if ok && tauFields[name] {
			for i, v := range t.Data {
				if v <= 0 {
					f.ps.add(f.path, name, "time constant must be positive (element %d is not)", i)
					break
				}
			}
		}
		return t
	}
	// vReset reads v_reset. NIR added v_reset in May 2025 (released in
	// 1.0.6); before, the documented reset was by subtraction (v −= v_thr)
	// although exporters differed. NIR ≥ 1.0.6 reads a file without v_reset
	// as reset to 0, and so do we; missing reports that it was absent.
	vReset := func(like Tensor) (t Tensor, missing bool) {
		if _, ok := f.m.datasets["v_reset"]; ok {
			return get("v_reset"), false
		}
		return filled(like, 0), true
	}
	// wIn reads w_in, which NIR defaults to 1.
	wIn := func(like Tensor) (t Tensor, missing bool) {
		if _, ok := f.m.datasets["w_in"]; ok {
			return get("w_in"), false
		}
		return filled(like, 1), true
	}
	switch kind {
	case KindLIF:
		p := &LIFParams{Tau: get("tau"), R: get("r"), VLeak: get("v_leak"), VThreshold: get("v_threshold")}
		p.VReset, p.VResetMissing = vReset(p.VThreshold)
		return p
	case KindCubaLIF:
		p := &CubaLIFParams{TauSyn: get("tau_syn"), TauMem: get("tau_mem"), R: get("r"), VLeak: get("v_leak"), VThreshold: get("v_threshold")}
		p.VReset, p.VResetMissing = vReset(p.VThreshold)
		p.WIn, p.WInMissing = wIn(p.VThreshold)
		return p
	case KindCubaLI:
		p := &CubaLIParams{TauSyn: get("tau_syn"), TauMem: get("tau_mem"), R: get("r"), VLeak: get("v_leak")}
		p.WIn, p.WInMissing = wIn(p.VLeak)
		return p
	case KindLI:
		return &LIParams{Tau: get("tau"), R: get("r"), VLeak: get("v_leak")}
	case KindIF:
		p := &IFParams{R: get("r"), VThreshold: get("v_threshold")}
		p.VReset, p.VResetMissing = vReset(p.VThreshold)
		return p
	default: // KindI
		return &IParams{R: get("r")}
	}
}

// filled returns a tensor shaped like like with every element v.
func filled(like Tensor, v float64) Tensor {
	t := Tensor{Shape: append(Shape{}, like.Shape...), Data: make([]float64, len(like.Data)), DType: like.DType}
	for i := range t.Data {
		t.Data[i] = v
	}
	return t
}

// namedTensor pairs a parameter with its field name.
type namedTensor struct {
	name string
	t    Tensor
}

// neuronTensors lists a neuron node's parameters by field name.
func neuronTensors(p Params) []namedTensor {
	switch p := p.(type) {
	case *LIFParams:
		return []namedTensor{{"tau", p.Tau}, {"r", p.R}, {"v_leak", p.VLeak}, {"v_threshold", p.VThreshold}, {"v_reset", p.VReset}}
	case *CubaLIFParams:
		return []namedTensor{{"tau_syn", p.TauSyn}, {"tau_mem", p.TauMem}, {"r", p.R}, {"v_leak", p.VLeak}, {"v_threshold", p.VThreshold}, {"v_reset", p.VReset}, {"w_in", p.WIn}}
	case *CubaLIParams:
		return []namedTensor{{"tau_syn", p.TauSyn}, {"tau_mem", p.TauMem}, {"r", p.R}, {"v_leak", p.VLeak}, {"w_in", p.WIn}}
	case *LIParams:
		return []namedTensor{{"tau", p.Tau}, {"r", p.R}, {"v_leak", p.VLeak}}
	case *IFParams:
		return []namedTensor{{"r", p.R}, {"v_threshold", p.VThreshold}, {"v_reset", p.VReset}}
	case *IParams:
		return []namedTensor{{"r", p.R}}
	case *ThresholdParams:
		return []namedTensor{{"threshold", p.Threshold}}
	case *ScaleParams:
		return []namedTensor{{"scale", p.Scale}}
	case *DelayParams:
		return []namedTensor{{"delay", p.Delay}}
	}
	return nil
}

// elementwiseShape returns the common shape of an element-wise node's
// parameters. Scalars (rank 0) broadcast; when every parameter is a scalar
// the shape is nil and is inferred from the graph. Differing non-scalar
// shapes are a problem.
func elementwiseShape(ps *problems, path string, p Params) Shape {
	var shape Shape
	first := ""
	for _, nt := range neuronTensors(p) {
		if len(nt.t.Shape) == 0 {
			continue
		}
		if shape == nil {
			shape, first = nt.t.Shape, nt.name
			continue
		}
		if !shape.Equal(nt.t.Shape) {
			ps.add(path, nt.name, "shape %s differs from %s's shape %s", nt.t.Shape, first, shape)
		}
	}
	return shape
}
