#!/usr/bin/env python3
"""Reduce one traced SANA-FE run to per-layer (per-group) figures, as JSON.

Usage:
  sanafe-peer-figures.py ARCH.yaml NET.yaml TRACE_DIR TIMESTEPS > figures.json

ARCH.yaml is the architecture the run used, NET.yaml the network (its
mappings section, or the NET_mappings.yaml SANA-FE writes next to a saved
network, says which core holds each neuron), TRACE_DIR the directory given
to SANA-FE's `sim -s -o TRACE_DIR`. It reads SANA-FE's output files:

  run_summary.yaml  totals
  spikes.csv        neuron,timestep per spike: neurons fired per group
  messages.csv      one row per message: its source neuron, hops and
                    synaptic events (the spikes column); rows whose dest_hw
                    is x.x are SANA-FE's placeholders (a neuron with no
                    fan-out off its core), counted apart
  perf.csv          per timestep: simulated time and energy, and, where the
                    architecture sets log_energy, per-tile, per-core and
                    per-unit energies

A group's energy is what its cores spent (each layer owns its cores in the
runs this is used for; the script checks that): soma unit (its neurons'
updates and spikes), synapse units (synaptic events arriving at the group)
and the rest of the core (axon in/out, i.e. messages sent). Hop energy is
per tile and is reported once for the whole chip. Neuron updates per group
are derived from the soma energy and the soma unit's costs in ARCH.yaml:
energy = access*neurons*timesteps + update*updated + spike_out*fired; the
sum over groups is checked against SANA-FE's own total_neurons_updated.

Standard library plus PyYAML (Debian: python3-yaml).
"""
import collections
import csv
import json
import re
import sys

import yaml


def load_mapping(net_path):
    """Group -> {neurons, cores} from a SANA-FE network's mappings, in
    either of the forms SANA-FE reads and writes: one line
    (- {'G.n': {core: 'T.C'}}) or two (- G.n: then core: T.C)."""
    paths = [net_path, re.sub(r"\.yaml$", "", net_path) + "_mappings.yaml"]
    one = re.compile(r"^\s*-\s*\{?\s*'?([^'\s.:{]+)\.(\d+)(?:\.\.(\d+))?'?\s*:\s*\{\s*core:\s*'?(\d+)\.(\d+)'?")
    first = re.compile(r"^\s*-\s*'?([^'\s.:{]+)\.(\d+)(?:\.\.(\d+))?'?\s*:\s*$")
    second = re.compile(r"^\s*core:\s*'?(\d+)\.(\d+)'?\s*$")
    groups = collections.OrderedDict()
    found = False
    for p in paths:
        try:
            f = open(p)
        except FileNotFoundError:
            continue
        with f:
            pending = None
            for line in f:
                m = one.match(line)
                if m:
                    g, lo, hi, t, c = m.groups()
                elif pending and second.match(line):
                    (g, lo, hi), (t, c) = pending, second.match(line).groups()
                else:
                    m = first.match(line)
                    pending = m.groups() if m else None
                    continue
                pending = None
                found = True
                lo = int(lo)
                hi = int(hi) if hi else lo
                e = groups.setdefault(g, {"neurons": 0, "cores": collections.Counter()})
                e["neurons"] += hi - lo + 1
                e["cores"][(int(t), int(c))] += hi - lo + 1
    if not found:
        sys.exit(f"sanafe-peer-figures: {net_path}: no mappings found")
    return groups


def soma_costs(arch_path):
    """energy_access_neuron, energy_update_neuron, energy_spike_out of the
    first leaky_integrate_fire soma unit of ARCH.yaml."""
    with open(arch_path) as f:
        arch = yaml.safe_load(f)
    for tile in arch["architecture"]["tile"]:
        for core in tile["core"]:
            for soma in core["soma"]:
                a = soma["attributes"]
                if a.get("model") == "leaky_integrate_fire":
                    return a["energy_access_neuron"], a["energy_update_neuron"], a["energy_spike_out"], soma["name"]
    sys.exit(f"sanafe-peer-figures: {arch_path}: no leaky_integrate_fire soma")


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: sanafe-peer-figures.py ARCH.yaml NET.yaml TRACE_DIR TIMESTEPS")
    arch_path, net_path, tdir, steps = argv[1], argv[2], argv[3], int(argv[4])
    groups = load_mapping(net_path)
    owner = {}
    for g, e in groups.items():
        for core in e["cores"]:
            if core in owner:
                sys.exit(f"sanafe-peer-figures: core {core} holds groups {owner[core]} and {g}; per-layer energy needs one group per core")
            owner[core] = g
    access, update, spike_out, soma_name = soma_costs(arch_path)
    with open(f"{tdir}/run_summary.yaml") as f:
        # SANA-FE writes some energy lines as "synapse:1.2e-03", without
        # the space YAML wants after a key's colon.
        summary = yaml.safe_load(re.sub(r"^(\s+\w+):(\S)", r"\1: \2", f.read(), flags=re.M))

    layer = {g: collections.Counter() for g in groups}
    with open(f"{tdir}/spikes.csv") as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            layer[row[0].rsplit(".", 1)[0]]["fired"] += 1
    with open(f"{tdir}/messages.csv") as f:
        r = csv.DictReader(f)
        for row in r:
            c = layer[row["src_neuron"].rsplit(".", 1)[0]]
            if row["dest_hw"] == "x.x":
                c["placeholder_messages"] += 1
                continue
            c["messages"] += 1
            c["hops"] += int(row["hops"])
            c["synaptic_events_sent"] += int(row["spikes"])
            t, k = row["dest_hw"].split(".")
            layer[owner[(int(t), int(k))]]["synaptic_events_received"] += int(row["spikes"])

    # Column names of perf.csv's optional energies: TILE.CORE[.UNIT].energy,
    # sorted by name (not by position). Tiles and cores are named NAME[i]
    # by the architecture's range syntax (loihi_tile[0..31]), and i is the
    # tile id or the core's offset in its tile that mappings use.
    idx = re.compile(r"\[(\d+)\]$")
    tile_energy = 0.0
    core_cols = {}
    sim_time = []
    energy_ts = []
    perf_sums = collections.Counter()
    with open(f"{tdir}/perf.csv") as f:
        r = csv.reader(f)
        head = next(r)
        for i, h in enumerate(head):
            if not h.endswith(".energy"):
                continue
            parts = h[: -len(".energy")].split(".")
            nums = [idx.search(p) for p in parts[:2]]
            if not all(nums):
                sys.exit(f"sanafe-peer-figures: {tdir}/perf.csv: column {h}: want TILE[i].CORE[j][.UNIT].energy")
            t = int(nums[0].group(1))
            if len(parts) == 1:
                core_cols[i] = ("tile", t, None, None)
            else:
                core_cols[i] = ("core", t, int(nums[1].group(1)), parts[2] if len(parts) == 3 else None)
        ix = {h: i for i, h in enumerate(head)}
        for row in r:
            sim_time.append(float(row[ix["sim_time"]]))
            energy_ts.append(float(row[ix["total_energy"]]))
            for k in ("fired", "updated", "packets", "hops", "spikes"):
                perf_sums[k] += int(row[ix[k]])
            for i, (kind, t, c, unit) in core_cols.items():
                v = float(row[i])
                if kind == "tile":
                    tile_energy += v
                    continue
                g = owner.get((t, c))
                if g is None:
                    continue
                if unit is None:
                    layer[g]["core_energy"] += v
                    tile_energy -= v
                elif unit == soma_name:
                    layer[g]["soma_energy"] += v
                elif "synapse" in unit:
                    layer[g]["synapse_energy"] += v
    if len(sim_time) != steps:
        sys.exit(f"sanafe-peer-figures: {tdir}/perf.csv has {len(sim_time)} timesteps, want {steps}")

    out_layers = []
    updated_sum = 0
    for g, e in groups.items():
        c = layer[g]
        upd = (c["soma_energy"] - access * e["neurons"] * steps - spike_out * c["fired"]) / update
        updated_sum += round(upd)
        out_layers.append({
            "group": g,
            "neurons": e["neurons"],
            "cores": [f"{t}.{k}" for (t, k) in sorted(e["cores"])],
            "neurons_fired": c["fired"],
            "messages": c["messages"],
            "placeholder_messages": c["placeholder_messages"],
            "hops": c["hops"],
            "synaptic_events_sent": c["synaptic_events_sent"],
            "synaptic_events_received": c["synaptic_events_received"],
            "neuron_updates_derived": round(upd),
            "energy_j": {
                "soma": c["soma_energy"],
                "synapse_in": c["synapse_energy"],
                "axon": c["core_energy"] - c["soma_energy"] - c["synapse_energy"],
                "cores_total": c["core_energy"],
                "cores_total_per_timestep": c["core_energy"] / steps,
            },
        })
    checks = {
        "neurons_fired_sum": sum(x["neurons_fired"] for x in out_layers),
        "messages_sum": sum(x["messages"] + x["placeholder_messages"] for x in out_layers),
        "hops_sum": sum(x["hops"] for x in out_layers),
        "synaptic_events_sum": sum(x["synaptic_events_sent"] for x in out_layers),
        "neuron_updates_derived_sum": updated_sum,
        "hop_energy_j": tile_energy,
        "perf_csv_sums": dict(perf_sums),
    }
    json.dump({
        "summary": summary,
        "per_timestep": {
            "sim_time_s_mean": sum(sim_time) / steps,
            "sim_time_s_max": max(sim_time),
            "sim_time_s_total": sum(sim_time),
            "energy_j_mean": sum(energy_ts) / steps,
            "energy_j_total": sum(energy_ts),
        },
        "layers": out_layers,
        "checks": checks,
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv)
