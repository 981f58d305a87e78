//go:build !amd64

package neuron

// stepVector has no vector kernel on this architecture: the scalar loop
// of StepPorts steps every neuron (see cuba2_amd64.go).
func (s *Cuba2State) stepVector(_, _, fired []int32) (int, []int32, int) { return 0, fired, 0 }
