// Package workloads turns trained ANNs and datasets into what the chip
// simulates.
//
// Conversion. ConvertNet maps an ann.Net onto a chip.Network of integer
// spiking layers, one per dense or conv2d layer (with the activation after
// it) and one per pooling layer; flatten is free because the chip orders a
// layer's neurons channel-major, as flatten does. Two methods:
//
//   - MethodRate: data-based threshold balancing (Diehl et al. 2015;
//     Rueckauer et al. 2017), per layer or per channel, weights quantized
//     to the chip's weight bits with one step per layer, IF neurons with
//     reset by subtraction, biases added every step. Average pooling is
//     exact (depthwise weights 1, threshold k²); max pooling is a gated-OR
//     approximation, recorded in Converted.MaxPoolNote.
//   - MethodExact: networks trained with QCFS activations (Bu et al. 2022)
//     become bidirectional integrate-and-fire neurons (neuron.BIF, as
//     SpikeZIP-TF's ST-BIF) with integer weights, an even threshold θ per
//     layer, Levels L and the bias as initial charge. The image is sent
//     once (the Pulse encoder). When the network is quiet, every neuron's
//     spike count equals the activation of the integer network that
//     QuantizedForward computes, a_l = clamp(floor((Z_l + θ_l/2)/θ_l), 0,
//     L_l), and the output readout (count·θ + v) is Z_L + θ/2, so the SNN
//     predicts exactly what the quantized ANN predicts.
//
// Encoders turn images into host input events: Rate (Bernoulli spikes,
// P = pixel/255 per step, seeded by (seed, sample)), Direct (graded pixel
// values every step) and Pulse (graded pixel values at step 0 only).
//
// Index names: l is a spiking layer, j a neuron of it (channel-major
// (c, y, x) for convolutional layers), a or src a presynaptic source.
//
// Determinism: conversion reads calibration activations in parallel but
// sorts them before taking percentiles (nearest rank, gonum's
// stat.Quantile with the Empirical kind), so its result depends only on the
// net, the images and the options; QuantizedForward is pure integer
// arithmetic. Nothing keeps state between calls.
//
// Sub-packages: mnist (the dataset, embedded test set and calibration
// subset), fashion (Fashion-MNIST, the same way), dataset (what --dataset
// names: a built-in set or a user's .npz file), ann (ANN models, float
// forward pass, model files, the trainer), models (the built-in trained
// models).
package workloads
