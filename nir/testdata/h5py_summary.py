#!/usr/bin/python3
"""Print what h5py sees in NIR files, in the format read_test.go compares to.

    cd nir/testdata && /usr/bin/python3 h5py_summary.py *.nir > h5py_summary.txt

For each file: "file NAME", then for each node (sorted by name, nested
graphs as "outer/inner") a line "node PATH TYPE", one line per floating-point
dataset "param PATH NAME SHAPE DTYPE SUM" (SUM = math.fsum of the values,
%.6e), and the edges of every graph in file order "edge PATH SRC DST".
Only files that are valid NIR are listed. Run once to make the expected
summary; the Go test checks the reader against it.
"""
import math
import sys

import h5py


def shape(s):
    return "x".join(str(d) for d in s) if len(s) else "scalar"


def graph(g, path):
    nodes = g["nodes"]
    for name in sorted(nodes.keys()):
        n = nodes[name]
        p = name if not path else path + "/" + name
        typ = n["type"][()].decode()
        print("node", p, typ)
        if typ == "NIRGraph":
            graph(n, p)
            continue
        for k in sorted(n.keys()):
            d = n[k]
            if isinstance(d, h5py.Dataset) and d.dtype.kind == "f":
                v = d[()]
                total = math.fsum(v.ravel().tolist()) if d.shape else float(v)
                print("param", p, k, shape(d.shape), d.dtype.name, "%.6e" % total)
    for src, dst in g["edges"][()].tolist():
        print("edge", path or "-", src.decode(), dst.decode())


for fn in sys.argv[1:]:
    if fn.startswith("bad_"):
        continue
    with h5py.File(fn, "r") as f:
        print("file", fn)
        graph(f["node"], "")
