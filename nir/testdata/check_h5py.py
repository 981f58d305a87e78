#!/usr/bin/python3
"""Check NIR files with h5py the way NIR's own reader reads them.

    /usr/bin/python3 check_h5py.py FILE...

Mirrors nir/serialization.py v1.0.7 (github.com/neuromorphs/NIR, commit
7232ada) without the nir package: read() turns the group /node into a dict
(hdf2dict: every group a dict, every dataset item[()], bytes decoded), then
dict2NIRNode builds each node with cls(**fields), so a node's datasets must
be exactly the class's fields: every required field present, nothing else.
The checks below are those of the node classes (nir/ir/*.py): the "type"
string, the fields, the element kinds (floating-point parameters, integer
shapes and strides), the shape assertions of the neuron classes and of
Affine/Linear, padding strings, and NIRGraph's edges as (N, 2) names that
resolve inside their graph. read_version() needs a scalar /version string.

Prints one line per file ("ok FILE: ...") or the first failure and exits 1.
This script is our own; it does not use the nir package.
"""
import sys

import h5py
import numpy as np

F, I, S = "float", "int", "str"
# type -> {field: (kind, required)}; kinds: F float array or scalar,
# I integer (array or scalar), S string, I|S integer or "same"/"valid".
FIELDS = {
    "Input": {"shape": (I, True)},
    "Output": {"shape": (I, True)},
    "Affine": {"weight": (F, True), "bias": (F, True)},
    "Linear": {"weight": (F, True)},
    "Scale": {"scale": (F, True)},
    "Conv1d": {"weight": (F, True), "bias": (F, True), "stride": (I, True),
               "padding": (I + "|" + S, True), "dilation": (I, True),
               "groups": (I, True), "input_shape": (I, False)},
    "SumPool2d": {"kernel_size": (I, True), "stride": (I, True), "padding": (I, True)},
    "Flatten": {"start_dim": (I, True), "end_dim": (I, True), "input_type": (I, False)},
    "Delay": {"delay": (F, True)},
    "Threshold": {"threshold": (F, True)},
    "LIF": {"tau": (F, True), "r": (F, True), "v_leak": (F, True),
            "v_threshold": (F, True), "v_reset": (F, False)},
    "CubaLIF": {"tau_syn": (F, True), "tau_mem": (F, True), "r": (F, True),
                "v_leak": (F, True), "v_threshold": (F, True),
                "v_reset": (F, False), "w_in": (F, False)},
    "CubaLI": {"tau_syn": (F, True), "tau_mem": (F, True), "r": (F, True),
               "v_leak": (F, True), "w_in": (F, False)},
    "LI": {"tau": (F, True), "r": (F, True), "v_leak": (F, True)},
    "IF": {"r": (F, True), "v_threshold": (F, True), "v_reset": (F, False)},
    "I": {"r": (F, True)},
}
FIELDS["Conv2d"] = FIELDS["Conv1d"]
FIELDS["AvgPool2d"] = FIELDS["SumPool2d"]
# Parameters whose shapes the neuron classes assert equal (v_reset filled
# with zeros_like(v_threshold) when absent; w_in broadcast, not asserted).
SAME_SHAPE = {
    "LIF": ["tau", "r", "v_leak", "v_threshold", "v_reset"],
    "CubaLIF": ["tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset"],
    "CubaLI": ["tau_syn", "tau_mem", "r", "v_leak"],
    "LI": ["tau", "r", "v_leak"],
    "IF": ["r", "v_threshold", "v_reset"],
}


class Bad(Exception):
    pass


def hdf2dict(node):
    """serialization.hdf2dict: groups become dicts, datasets item[()]."""
    out = {}
    for key, item in node.items():
        if isinstance(item, h5py.Group):
            out[key] = hdf2dict(item)
        else:
            v = item[()]
            out[key] = v.decode("utf8") if isinstance(v, bytes) else v
    return out


def kind_ok(v, kind):
    for k in kind.split("|"):
        if k == S and isinstance(v, str):
            return True
        a = np.asarray(v)
        if k == F and a.dtype.kind == "f":
            return True
        if k == I and a.dtype.kind in "iu":
            return True
    return False


def check_node(d, path, counts):
    typ = d.get("type")
    if not isinstance(typ, str):
        raise Bad(f"{path}: 'type' is not a scalar string")
    counts[typ] = counts.get(typ, 0) + 1
    if typ == "NIRGraph":
        check_graph(d, path, counts)
        return
    if typ not in FIELDS:
        raise Bad(f"{path}: unknown type {typ!r}")
    spec = FIELDS[typ]
    for k in d:
        if k != "type" and k not in spec:
            raise Bad(f"{path}: field {k!r} is not a field of {typ} (cls(**fields) would fail)")
    for k, (kind, required) in spec.items():
        if k not in d:
            if required:
                raise Bad(f"{path}: {typ} needs field {k!r}")
            continue
        if not kind_ok(d[k], kind):
            raise Bad(f"{path}: field {k!r} should be {kind}, is {np.asarray(d[k]).dtype}")
        if isinstance(d[k], str) and d[k] not in ("same", "valid"):
            raise Bad(f"{path}: padding {d[k]!r} is not 'same' or 'valid'")
    if typ in ("Affine", "Linear") and np.asarray(d["weight"]).ndim < 2:
        raise Bad(f"{path}: weight must be at least 2-D")
    if typ in SAME_SHAPE:
        vals = dict(d)
        if typ in ("LIF", "CubaLIF", "IF") and "v_reset" not in vals:
            vals["v_reset"] = np.zeros_like(vals["v_threshold"])
        shapes = {k: np.asarray(vals[k]).shape for k in SAME_SHAPE[typ]}
        if len(set(shapes.values())) != 1:
            raise Bad(f"{path}: {typ} parameters differ in shape: {shapes}")


def check_graph(d, path, counts):
    for k in ("nodes", "edges"):
        if k not in d:
            raise Bad(f"{path or '/node'}: NIRGraph needs {k!r}")
    extra = set(d) - {"type", "nodes", "edges", "metadata"}
    if extra:
        raise Bad(f"{path or '/node'}: unexpected fields {sorted(extra)}")
    nodes = d["nodes"]
    for name in sorted(nodes):
        check_node(nodes[name], (path + "/" if path else "") + name, counts)
    edges = np.asarray(d["edges"])
    if edges.size and (edges.ndim != 2 or edges.shape[1] != 2):
        raise Bad(f"{path or '/node'}: edges shape {edges.shape}, want (N, 2)")
    for a, b in edges.reshape(-1, 2).tolist():
        for end in (a, b):
            name = end.decode("utf8") if isinstance(end, bytes) else end
            if name in nodes:
                continue
            sub, _, port = name.partition(".")
            if sub in nodes and nodes[sub]["type"] == "NIRGraph" and port in nodes[sub]["nodes"]:
                continue
            raise Bad(f"{path or '/node'}: edge end {name!r} is not a node")
    counts["edges"] = counts.get("edges", 0) + len(edges.reshape(-1, 2))


def check(fn):
    with h5py.File(fn, "r") as f:
        v = f["version"][()]
        if not isinstance(v, bytes) or f["version"].shape != ():
            raise Bad("/version is not a scalar string")
        root = hdf2dict(f["node"])
        if root.get("type") != "NIRGraph":
            raise Bad("/node is not a NIRGraph")
        counts = {}
        check_graph(root, "", counts)
        edges = counts.pop("edges", 0)
        kinds = " ".join(f"{k}={counts[k]}" for k in sorted(counts))
        return f"ok {fn}: version {v.decode()}, {edges} edges, {kinds}"


def main():
    failed = False
    for fn in sys.argv[1:]:
        try:
            print(check(fn))
        except (Bad, KeyError, OSError) as e:
            print(f"FAIL {fn}: {e}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
