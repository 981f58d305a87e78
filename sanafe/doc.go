// Package sanafe imports the network and architecture files of SANA-FE
// (SLAM-Lab's "Simulating Advanced Neuromorphic Architectures for Fast
// Exploration", github.com/SLAM-Lab/SANA-FE) so that spikemesh runs them
// as they are.
//
// ParseNetwork reads a SANA-FE network file (YAML: network.groups with
// attributes and per-neuron entries, network.edges between neurons or
// between groups as dense, sparse or conv2d hyperedges with per-connection
// weights and delays, and mappings of neurons to tile.core); ParseNetlist
// reads SANA-FE's older netlist format into the same Network; DVSTutorial
// builds the network of SANA-FE's tutorial_5_dvs from its challenge data.
// Pins turns the mappings into a Placement for a chip, and Lower turns the
// network into a chip.Network whose populations run neuron.SanaLIF
// (SANA-FE's leaky_integrate_fire soma, bit for bit; groups of input
// neurons with spike trains become host input groups), regrouping neurons
// so that each core holds a contiguous range, with the chip.Pin list for
// chip.MapPinned. Run simulates it and returns a Report with SANA-FE's
// counts beside the chip's; RunSamples runs it once per sample of spike
// inputs for its input neurons and sums the figures, keeping each
// sample's. A Report is written as text (WriteText) or JSON (WriteJSON). Detect recognises the kinds of file by
// content, not by extension. ParseArch reads an architecture file;
// Arch.Chip turns it into a chip.Config and an energy.Model, listing every
// field it does not carry over, and Arch.Costs gives SANA-FE's per-event
// costs for a network.
//
// Every problem in a file is one line naming the file, the line, the
// group, edge or mapping and the field, and what was expected; sizes are
// checked against the declared geometry and the package limits (neurons
// and connections per file) before they are allocated, and LowerBytes
// bounds the memory Lower takes, so that a caller can check it and
// chip.Mapping.SynapseBytes against a memory budget before lowering and
// before Run builds the simulator (spikemesh run does, for
// --max-memory). docs/sanafe.md lists the formats, every semantic
// difference from SANA-FE and its effect.
//
// The importer was written from SANA-FE's documentation and by reading its
// sources for the formats' semantics; it holds none of SANA-FE's code
// (GPL-3.0).
package sanafe
