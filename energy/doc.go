// Package energy prices the events that a chip simulation counted.
//
// # What is modelled
//
// The model is linear and event-based: every kind of event (a synaptic
// operation, a neuron update, a spike, a router hop, ...) has a fixed energy
// in picojoules, and leakage is a constant power per powered core plus one per
// chip, charged over the simulated chip time. Nothing here looks at voltages,
// clock rates, data values or contention; an event costs the same whether it
// happens early or late, on a busy core or an idle one. Weight width and
// synaptic-memory size enter only through the bits the chip counts and,
// for models with a Scaling section, through ForChip. The
// fidelity is therefore that of the published per-event figures the presets
// are built from (see docs/energy.md): good for comparing workloads and
// mappings on one model, rough in absolute terms.
//
// # Main types and call order
//
//   - [Counts] is a comparable struct of uint64 event counters. The chip
//     simulation fills it; energy never imports the simulator. Counts for
//     several spans are combined with [Counts.Add] (integer sums, so the
//     order of addition never changes the result).
//   - [Model] holds the per-event costs (pJ) and static power (mW). Get one
//     from [Preset] (embedded YAML files, listed by [PresetNames] and printed
//     by [PresetYAML]) or from [Load] (strict YAML: every cost is a string
//     with a unit, unknown keys are errors; a file may start from a preset
//     or another file with "base:" and give only the keys that change). [Model.Validate] checks a model
//     built in Go; [Model.YAML] writes one back out and [Model.JSON] writes
//     the same keys and values as one JSON object (for reports).
//   - [Model.Estimate] turns Counts, simulated seconds and powered cores into
//     a [Breakdown] in pJ with five groups (synaptic, neuron, spike, mesh,
//     static) and their finer parts. [Model.EstimateChecked] does the same
//     after validating its inputs.
//   - [Model.ForChip] resolves the chip-dependent costs of a model that has
//     a [Scaling] section (SRAM read energy by array size, multiply energy
//     by weight width; generic-45nm); other models come back unchanged.
//     Call it once with the chip's weight bits and synaptic memory per core,
//     before Estimate.
//   - [Model.Override] replaces costs from a "key=value unit" list (the
//     alias synop stands for synaptic_op), for sensitivity studies.
//   - [Model.ANNEnergyPJ] and [Model.SNNPaperEnergyPJ] compute the
//     "paper-style" figures SNN papers report (E_MAC x MACs, E_AC x ACs),
//     for side-by-side comparison with the hardware-aware Breakdown.
//
// # Units and names
//
// Energies are pJ, powers mW, times seconds; the unit is in every field
// name (SynapticOpPJ, StaticPerChipMW). In YAML the unit is written out
// ("23.6 pJ", "29 mW") and converted exactly (decimal arithmetic, one
// rounding) by [ParseEnergyPJ] and [ParsePowerMW]. YAML keys are the
// snake_case names listed by [CostKeys].
//
// # Determinism and concurrency
//
// Everything is a pure function of its arguments: no package state is
// written, no goroutines are started, and floating-point sums are taken in a
// fixed order, so the same inputs give bit-identical Breakdowns on every run
// and machine. Models and Breakdowns are plain values and safe to share
// between goroutines.
package energy
