// Package workloads turns trained ANNs and datasets into what the chip
// simulates: Convert maps a ReLU network onto integer integrate-and-fire
// layers by data-based threshold balancing and weight quantization, and the
// encoders turn images into host input events (Bernoulli rate spikes, or
// graded direct input).
//
// Sub-packages: mnist (the dataset, embedded test set and calibration
// subset), ann (ANN models, float forward pass, .npz I/O, the trainer),
// models (the built-in trained models).
package workloads
