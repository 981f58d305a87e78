package mackeyglass

import (
	_ "embed"
)

// Name is the built-in workload's name (spikemesh models, run, train).
const Name = "mackey-glass"

// builtinWeights is the committed model, written by
// `spikemesh train --model mackey-glass` (Train on NeuroBench(), Encode).
//
//go:embed mackey-glass.npz
var builtinWeights []byte

// Builtin returns the committed model.
func Builtin() (*Model, error) { return Decode(Name+".npz (built in)", builtinWeights) }
