// Package report holds the report of one evaluation (Report: the workload,
// the chip, each layer's conversion and mapping, the ANN accuracies and a
// Run per timestep count with activity, timing, energy by component, layer
// and core, NeuroBench metrics, fan-in splitting and exact-conversion
// checks) and renders it as text (WriteText, WriteCoreEnergy) or JSON
// (WriteJSON). Package spikemesh produces it (spikemesh.Evaluate) and
// re-exports its types under the same names. Field names are stable and
// carry their units; every number is computed by the simulation.
package report
