//go:build !amd64

package neuron

// stepVector has no vector kernel on this architecture: the scalar loop
// of StepPorts steps every neuron (see cuba2_amd64.go).
func (s *Cuba2State) stepVector(_, _, fired []int32) (int, []int32, int) { return 0, fired, 0 }

// kernels returns kernelScalar: there is no other here.
func kernels(cuba2Kernel) cuba2Kernel { return kernelScalar }
