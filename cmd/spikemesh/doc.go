// Command spikemesh converts trained ANNs into spiking networks, maps them
// onto a simulated many-core neuromorphic chip, simulates them cycle by
// cycle and reports accuracy, activity, latency and energy.
//
// Subcommands: run (the main job), chips and energy (presets), models
// (built-in models), explore (design-space sweeps), noc (network-on-chip
// load curves), bench (the Brian2 peer benchmark), train (retrain the
// built-in MLP). Every subcommand has --help.
package main
