package chip

// EnableStepScores makes every following Result carry the output readout
// after every timestep (Result.StepScores): what Scores holds at the end
// of the run, spikes × threshold + membrane potential per output neuron,
// recorded as each timestep ends. A regression readout (an LI population
// whose voltage is the prediction) is read this way, one value per step.
func (s *Simulator) EnableStepScores() {
	s.replicas = nil // rebuilt with step scores on next use
	s.stepScores = true
}

// readout writes the output readout (spikes × threshold + membrane
// potential, output population after output population) into dst.
func (s *Simulator) readout(dst, outCounts []int64) {
	for _, o := range s.outs {
		theta := int64(s.m.Net.Layers[o].Neuron.Threshold)
		off := s.outOff[o]
		for _, ci := range s.m.LayerCores[o] {
			c := &s.cores[ci]
			if c.splitOf != 0 {
				continue // a splitter holds no neurons
			}
			for ni, v := range c.model.V() {
				dst[off+c.lo+ni] = outCounts[off+c.lo+ni]*theta + int64(v)
			}
		}
	}
}
