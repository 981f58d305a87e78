// Package explore sweeps a design space of chips, conversions, runs and
// energy models for one workload, and finds the Pareto front.
//
// A Space (space.go; parameters in params.go, objectives and constraints in
// objectives.go, the strategy in strategy.go) names a workload, a base chip
// and energy model, the parameters to vary, the objectives and the
// constraints. ParseSpace reads it from YAML (docs/explore.md); the example
// space of `spikemesh explore --example` is embedded from spaces/mnist.yaml,
// and that of --example-nir, with its model and input, from
// spaces/braille.yaml.
//
// Sweep evaluates the points the strategy picks (grid, random, or NSGA-II in
// nsga2.go), in parallel, through the facade of the root package
// (spikemesh.Prepare, Prepared.Simulate, Activity.Run). Work several points
// share is done once (evaluator.go): a conversion serves every chip
// variant, a mapping every run on that chip, and a simulation every energy
// model (pricing is free). A space may instead name a NIR graph and its
// input (nirspace.go: NIRModel, read once when the space is parsed); its
// points run through package graphrun (nireval.go), the float reference
// once per run length and the chip per point. A space with a built-in
// graph model as workload (seq-mnist; graphspace.go) is such a NIR space
// with the embedded graph and, as input, the first samples MNIST test
// images as rows; its example space is embedded from spaces/seq-mnist.yaml
// (SeqMNISTExampleSpace). A space with workload
// mackey-glass (mgspace.go: MackeyGlass; the series is generated once per sweep)
// retrains the Mackey-Glass recipe per hidden size and timesteps per value
// and runs each point through graphrun with its regression scoring
// (mgeval.go); its example space is embedded from spaces/mackey-glass.yaml
// (MackeyGlassExampleSpace). Each finished point is appended to points.jsonl
// at once (store.go), and points already stored there are skipped, so an
// interrupted sweep resumes where it stopped; --shard runs share a sweep
// between machines and MergeShards joins them. A results directory is
// locked with flock while a sweep or merge writes it (lock.go: LockDir),
// and its manifest.json records the space's hash, the shard and the
// version that started it (manifest.go), so a run of another shard or
// space, or a merge of mismatched shards, is refused instead of mixed in. WriteOutputs turns the
// results into points.csv, pareto.csv, a summary and plots (output.go,
// plot.go, ticks.go); Metrics (metrics.go) are the figures of merit of one
// point. SweepProvenance (provenance.go) records in provenance.json what
// produced a results directory, with the same Provenance as spikemesh run
// --json.
//
// Determinism: a point's result depends only on its PointConfig, the points
// picked depend only on the space and its seed, and every output is ordered
// by point index, so outputs are identical for any worker count, any
// interruption and any shard split.
package explore
