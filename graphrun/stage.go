package graphrun

import "errors"

// Stage is a step of Run: what it had got to when it failed.
type Stage uint8

const (
	// StagePrepare: checking the options and input, lowering the graph.
	StagePrepare Stage = iota
	// StageMap: chip.Map (the network does not fit the chip, or the
	// chip description is invalid). Nothing was mapped.
	StageMap
	// StageReference: after mapping, checking or computing the float
	// reference. The network was mapped; the chip did not run.
	StageReference
	// StageSimulate: the chip simulation (building the simulator and
	// running the samples). The network was mapped and the chip ran.
	StageSimulate
)

func (s Stage) String() string {
	switch s {
	case StagePrepare:
		return "prepare"
	case StageMap:
		return "map"
	case StageReference:
		return "reference"
	case StageSimulate:
		return "simulate"
	}
	return "unknown"
}

// StageError is an error of Run from a stage after StagePrepare. Its text
// is the underlying error's.
type StageError struct {
	Stage Stage
	Err   error
}

func (e *StageError) Error() string { return e.Err.Error() }
func (e *StageError) Unwrap() error { return e.Err }

// StageOf is the stage at which Run failed with err: the Stage of a
// StageError in err's chain, else StagePrepare.
func StageOf(err error) Stage {
	if se, ok := errors.AsType[*StageError](err); ok {
		return se.Stage
	}
	return StagePrepare
}
