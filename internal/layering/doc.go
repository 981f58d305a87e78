// Package layering has no code: its test keeps the module's package
// imports pointing one way, from the leaves up to the command:
//
//	leaves (neuron, router, energy, nir, internal/npyfile, internal/atomicfile)
//	→ chip
//	→ workloads/..., trace, internal/provenance
//	→ the root package (the facade: Evaluate, Prepare, Simulate, the report)
//	→ explore, bench
//	→ cmd/spikemesh, tools/...
//
// A package may import packages of its own tier or of lower tiers only, and
// bench does not import the root package (it builds on chip directly). A
// new package fails the test until it is given a tier in layering_test.go.
package layering
