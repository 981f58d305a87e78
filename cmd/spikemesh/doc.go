// Command spikemesh converts trained ANNs into spiking networks, maps them
// onto a simulated many-core neuromorphic chip, simulates them cycle by
// cycle and reports accuracy, activity, latency and energy.
package main
