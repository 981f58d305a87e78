#!/usr/bin/python3
"""Write the synthetic NIR test files in this folder.

Run with Debian's python3-h5py (3.7.0, HDF5 1.10.8) from this folder:

    /usr/bin/python3 gen.py

The layout follows nir/serialization.py of github.com/neuromorphs/NIR
(v1.0.7): /version is a scalar string, /node the graph group; every node is a
group with a scalar string "type"; numpy arrays are gzip-compressed chunked
datasets; Python ints and tuples are plain datasets; "edges" is an (N, 2)
string array. h5py's defaults (superblock v0) are kept, as NIR keeps them.
This script is our own; it does not use the nir package.
"""
import h5py
import numpy as np

S = h5py.string_dtype()
GZIP = "gzip"  # NIR's default; switched off for the small malformed files


def node(parent, name, typ, **fields):
    g = parent.create_group(name)
    g.create_dataset("type", data=typ, dtype=S)
    for k, v in fields.items():
        if isinstance(v, str):
            g.create_dataset(k, data=v, dtype=S)
        elif isinstance(v, np.ndarray):
            g.create_dataset(k, data=v, compression=GZIP)
        else:
            g.create_dataset(k, data=v)
    return g


def graph(parent, name, edges):
    g = parent.create_group(name)
    g.create_dataset("type", data="NIRGraph", dtype=S)
    g.create_dataset("edges", data=np.array(edges, dtype=object), dtype=S)
    return g, g.create_group("nodes")


def new_file(fn, edges, version="1.0.7"):
    f = h5py.File(fn, "w")
    f.create_dataset("version", data=version, dtype=S)
    g, nodes = graph(f, "node", edges)
    return f, nodes


def f32(*shape, scale=0.1):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float32).reshape(shape) % 7 - 3) * np.float32(scale)


def full(shape, v, dtype=np.float32):
    return np.full(shape, v, dtype=dtype)


# all_nodes.nir: every node type, gzip-chunked arrays, a nested graph
# entered and left through "sub.in" / "sub.out", fan-in, scalar parameters.
edges = [
    ("input", "conv2"), ("conv2", "if"), ("if", "avg"), ("avg", "sum"),
    ("sum", "flat"), ("flat", "aff"), ("aff", "cubalif"), ("cubalif", "lin10"),
    ("in1d", "conv1"), ("conv1", "flat1"), ("flat1", "scale"), ("scale", "delay"),
    ("delay", "thr"), ("thr", "lin14"), ("lin10", "li"), ("lin14", "li"),
    ("li", "sub.in"), ("sub.out", "output"),
    ("li", "cubali"), ("cubali", "integ"), ("integ", "output2"),
]
f, n = new_file("all_nodes.nir", edges)
node(n, "input", "Input", shape=np.array([2, 8, 8]))
node(n, "conv2", "Conv2d", weight=f32(4, 1, 3, 3), bias=f32(4), stride=1,
     padding="same", dilation=1, groups=2)
node(n, "if", "IF", r=np.float32(1.0), v_threshold=np.float32(0.5))
node(n, "avg", "AvgPool2d", kernel_size=np.array([2, 2]), stride=np.array([2, 2]),
     padding=np.array([0, 0]))
node(n, "sum", "SumPool2d", kernel_size=np.array([1, 1]), stride=np.array([1, 1]),
     padding=np.array([0, 0]))
node(n, "flat", "Flatten", start_dim=0, end_dim=-1)
node(n, "aff", "Affine", weight=f32(10, 64), bias=f32(10))
node(n, "cubalif", "CubaLIF", tau_syn=full(10, 5e-3), tau_mem=full(10, 1e-2),
     r=full(10, 1.0), v_leak=full(10, 0.0), v_threshold=full(10, 1.0),
     v_reset=full(10, -0.5), w_in=full(10, 2.0))
node(n, "lin10", "Linear", weight=f32(5, 10))
node(n, "in1d", "Input", shape=np.array([3, 16]))
node(n, "conv1", "Conv1d", weight=f32(2, 3, 3), bias=f32(2), stride=2,
     padding=1, dilation=2, groups=1, input_shape=16)
node(n, "flat1", "Flatten", start_dim=0, end_dim=-1, input_type=np.array([2, 7]))
node(n, "scale", "Scale", scale=f32(14))
node(n, "delay", "Delay", delay=full(14, 2e-4))
node(n, "thr", "Threshold", threshold=full(14, 0.25))
node(n, "lin14", "Linear", weight=f32(5, 14))
node(n, "li", "LI", tau=full(5, 2e-2, np.float64), r=full(5, 1.0, np.float64),
     v_leak=full(5, 0.0, np.float64))
sub_g, sub = graph(n, "sub", [("in", "lif"), ("lif", "out")])
node(sub, "in", "Input", shape=np.array([5]))
node(sub, "lif", "LIF", tau=full(5, 1e-2), r=full(5, 1.0), v_leak=full(5, 0.0),
     v_threshold=full(5, 1.0), v_reset=full(5, 0.0))
node(sub, "out", "Output", shape=np.array([5]))
node(n, "output", "Output", shape=np.array([5]))
node(n, "cubali", "CubaLI", tau_syn=full(5, 5e-3), tau_mem=full(5, 1e-2),
     r=full(5, 1.0), v_leak=full(5, 0.0))
node(n, "integ", "I", r=full(5, 1.0))
node(n, "output2", "Output", shape=np.array([5]))
f.close()
GZIP = None


def lif_graph(fn, lif=None, edges=None, out_shape=2, aff_w=None, **extra):
    """Input(3) -> Affine -> LIF -> Output, with overrides."""
    e = edges or [("input", "aff"), ("aff", "lif"), ("lif", "output")]
    f, n = new_file(fn, e)
    node(n, "input", "Input", shape=np.array([3]))
    node(n, "aff", "Affine", weight=f32(2, 3) if aff_w is None else aff_w, bias=f32(2))
    p = dict(tau=full(2, 1e-2), r=full(2, 1.0), v_leak=full(2, 0.0),
             v_threshold=full(2, 1.0))
    p.update(lif or {})
    node(n, "lif", "LIF", **{k: v for k, v in p.items() if v is not None})
    node(n, "output", "Output", shape=np.array([out_shape]))
    for k, v in extra.items():
        node(n, k, v[0], **(v[1] if len(v) > 1 else {}))
    return f


lif_graph("bad_missing_tau.nir", lif={"tau": None}).close()
lif_graph("bad_nan.nir", lif={"v_threshold": np.array([1.0, np.nan], np.float32)}).close()
lif_graph("bad_inf_weight.nir", aff_w=np.array([[1, 2, 3], [4, np.inf, 6]], np.float32)).close()
lif_graph("bad_many.nir", lif={"tau": None, "r": np.array([1.0, np.inf], np.float32)},
          aff_w=np.array([[1, 2, 3], [4, np.nan, 6]], np.float32)).close()
lif_graph("bad_negative_tau.nir", lif={"tau": np.array([1e-2, -1e-3], np.float32)}).close()
lif_graph("bad_zero_tau.nir", lif={"tau": np.array([0, 1e-3], np.float32)}).close()
lif_graph("bad_shape_mismatch.nir", lif={k: full(4, 1.0) for k in
          ["tau", "r", "v_leak", "v_threshold"]}, out_shape=4).close()
lif_graph("bad_param_shapes.nir", lif={"r": full(3, 1.0)}).close()
lif_graph("bad_missing_node.nir", edges=[("input", "aff"), ("aff", "ghost"),
          ("lif", "output")]).close()
lif_graph("bad_no_path.nir", edges=[("input", "aff"), ("lif", "output")]).close()
lif_graph("bad_unknown_type.nir", **{"mystery": ("Quantum",)},
          edges=[("input", "aff"), ("aff", "lif"), ("lif", "output"),
                 ("lif", "mystery")]).close()
lif_graph("bad_bool.nir", lif={"v_threshold": np.array([True, False])}).close()

# A dataset that declares 10^5 x 10^5 float64 (80 GB) in a few hundred bytes:
# chunked, no chunk written. Read must refuse it before allocating.
f = lif_graph("bad_huge.nir")
del f["node/nodes/aff/weight"]
f["node/nodes/aff"].create_dataset("weight", shape=(100000, 100000), dtype=np.float64,
                                   chunks=(1000, 1000), compression="gzip")
f.close()

# Conv2d with a padding string NIR does not allow.
f, n = new_file("bad_padding.nir", [("input", "c"), ("c", "output")])
node(n, "input", "Input", shape=np.array([1, 4, 4]))
node(n, "c", "Conv2d", weight=f32(1, 1, 3, 3), bias=f32(1), stride=1,
     padding="full", dilation=1, groups=1)
node(n, "output", "Output", shape=np.array([1, 4, 4]))
f.close()

# A pooling layer that nothing with a known shape feeds.
lif_graph("bad_no_shape.nir", edges=[("input", "aff"), ("aff", "lif"),
          ("lif", "output"), ("pool", "lif")],
          pool=("SumPool2d", dict(kernel_size=np.array([2, 2]),
                stride=np.array([2, 2]), padding=np.array([0, 0])))).close()

# No /node group at all.
f = h5py.File("bad_no_graph.nir", "w")
f.create_dataset("version", data="1.0.7", dtype=S)
f.close()

with open("bad_not_hdf5.nir", "w") as f:
    f.write("this is not an HDF5 file\n")
with open("lif_norse.nir", "rb") as src, open("bad_truncated.nir", "wb") as dst:
    dst.write(src.read(4096))
