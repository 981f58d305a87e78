// Command spikemesh converts trained ANNs into spiking networks, or reads
// SNNs trained elsewhere as NIR files, maps them onto a simulated
// many-core neuromorphic chip, simulates them cycle by cycle and reports
// accuracy, activity, latency and energy.
//
// Subcommands: run (the main job; --json for a report that also records
// the version, the command line and the resolved chip and energy
// configuration; run --model net.nir --input data.npz runs a NIR graph on
// the chip and in float side by side), inspect (print a NIR file's graph
// and how it maps onto the chip), chips and energy (presets), models (built-in models),
// explore (design-space sweeps), noc (network-on-chip load curves), bench
// (the Brian2 peer benchmark), train (retrain a built-in model's recipe;
// writes a model description .yaml and its weights .npz, which run --model
// reads), export (write the network that runs on the chip as a NIR file).
// spikemesh --version prints the build. run, explore, noc (with --chip)
// and chips show take --set key=value, repeatable, to change chip fields
// (energy.KEY=VALUE for energy costs); see docs/chips.md. Every subcommand
// has --help.
//
// Errors are one line on stderr starting with "spikemesh: ", exit status
// 1. Ctrl-C prints "spikemesh: interrupted ..." with what was completed and
// exits 130. run, explore, train and bench check the memory they will need
// against --max-memory (default half of the machine's RAM) before
// allocating it. See docs/reliability.md.
package main
