#!/usr/bin/env python3
"""Rebuild SANA-FE's tutorial_5_dvs network with SANA-FE's own Python API and
save it as a SANA-FE network YAML, so that SANA-FE's command-line simulator
(and spikemesh) can run exactly the network the tutorial runs.

Usage:
  sanafe-tutorial5.py SANAFE_CHECKOUT SANAFE_BUILD OUT.yaml [--sim]

SANAFE_CHECKOUT is a SANA-FE clone and SANAFE_BUILD the directory holding
its Python module sanafecpp*.so (scripts/sanafe-peer.sh with SANAFE_PYTHON=ON
builds both, outside this repository). The network is the tutorial's: a 32x32
input layer driven by the biases in sanafe/examples/dvs_challenge.npz, four
conv2d layers (the first with stride 2) and a dense layer of 11, each with its
threshold from the same file and SANA-FE's defaults for everything else;
layer l is spread evenly over CORES[l] consecutive cores of arch/loihi.yaml
(the last of a layer's cores takes the remainder). Every neuron logs its
spikes, so that the spike trace gives fired counts per layer; that does not
change what the network computes. With --sim the script also simulates 1000
timesteps in-process, as the tutorial does, and prints SANA-FE's run summary
as JSON; OUT.yaml "-" skips saving (the saved file, with one line per
synapse, is 164 MB).

Needs numpy (Debian: python3-numpy). Talks to SANA-FE only through its
public Python API; no SANA-FE code is copied here.
"""
import json
import sys

# Cores per layer, from tutorial_5_dvs.ipynb (layer_mapped_core_counts).
CORES = [1, 4, 16, 16, 4, 1]
# Timesteps the tutorial simulates.
TIMESTEPS = 1000


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] != "--sim"):
        sys.exit("usage: sanafe-tutorial5.py SANAFE_CHECKOUT SANAFE_BUILD OUT.yaml [--sim]")
    checkout, build, out = argv[1], argv[2], argv[3]
    sys.path[:0] = [build, checkout]
    import numpy as np
    import sanafe
    import sanafe.layers as layers

    arch = sanafe.load_arch(f"{checkout}/arch/loihi.yaml")
    net = sanafe.Network()
    data = np.load(f"{checkout}/sanafe/examples/dvs_challenge.npz")
    th = data["thresholds"]

    stack = [layers.Input2D(net, 32, 32, threshold=th[0])]
    for i, key in enumerate(["conv1", "conv2", "conv3", "conv4"]):
        stride = 2 if i == 0 else 1
        stack.append(layers.Conv2D(net, stack[-1], data[key], stride_width=stride,
                                   stride_height=stride, threshold=th[i + 1]))
    stack.append(layers.Dense(net, stack[-1], 11, data["dense1"], threshold=th[5]))
    for neuron, bias in zip(stack[0], data["inputs"]):
        neuron.set_attributes(model_attributes={"bias": bias})

    cores = arch.cores()
    first = 0
    for layer, count in zip(stack, CORES):
        n = len(layer)
        per = n // count
        for k in range(count):
            hi = n if k == count - 1 else (k + 1) * per
            for j in range(k * per, hi):
                layer[j].map_to_core(cores[first + k])
        first += count
    for layer in stack:
        for neuron in layer:
            neuron.set_attributes(log_spikes=True)

    if out != "-":
        net.save(out)
    if len(argv) == 5:
        chip = sanafe.SpikingChip(arch)
        chip.load(net)
        res = chip.sim(TIMESTEPS)
        json.dump(res, sys.stdout, indent=1, default=str)
        print()


if __name__ == "__main__":
    main(sys.argv)
