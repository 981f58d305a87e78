"""Write the PyTorch test fixtures of workloads/ann.

Running this file writes tiny.yaml/.npz, tiny-f16.*, tiny-f64.* and
tiny-expected.npz with /usr/bin/python3 and Debian's python3-torch. Its
export_sequential is the first, Sequential-only exporter, kept so the
fixtures stay reproducible as committed; the maintained exporter for users
is tools/export_torch.py (docs/import.md).
"""
import os

import numpy as np
import torch
import torch.nn as nn


def export_sequential(model, input_shape, prefix, name=None, dtype=None):
    """Write <prefix>.npz (the state_dict) and <prefix>.yaml (the layers).

    input_shape is (C, H, W) or (N,) for one sample; dtype, if given,
    converts every floating array (np.float16, np.float32 or np.float64).
    """
    model = model.eval()
    arrays = {}
    for key, t in model.state_dict().items():
        a = t.detach().cpu().numpy()
        if dtype is not None and a.dtype.kind == "f":
            a = a.astype(dtype)
        arrays[key] = a
    np.savez(prefix + ".npz", **arrays)

    def square(v, what, i):
        v = v if isinstance(v, tuple) else (v, v)
        if v[0] != v[1]:
            raise ValueError(f"layer {i}: non-square {what} {v}")
        return v[0]

    lines = [f"name: {name or os.path.basename(prefix)}",
             f"input: {list(input_shape)}",
             f"weights: {os.path.basename(prefix)}.npz",
             "layers:"]
    for i, m in enumerate(model):
        n = f"'{i}'"  # state_dict keys of a Sequential are "<index>.weight", ...
        if isinstance(m, nn.Linear):
            lines.append(f"  - {{type: dense, name: {n}, out_features: {m.out_features}}}")
        elif isinstance(m, nn.Conv2d):
            k, s, p = (square(m.kernel_size, "kernel", i), square(m.stride, "stride", i),
                       square(m.padding, "padding", i))
            lines.append(f"  - {{type: conv2d, name: {n}, out_channels: {m.out_channels}, "
                         f"kernel: {k}, stride: {s}, padding: {p}, groups: {m.groups}}}")
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            t = "batchnorm1d" if isinstance(m, nn.BatchNorm1d) else "batchnorm2d"
            lines.append(f"  - {{type: {t}, name: {n}, eps: {m.eps}}}")
        elif isinstance(m, (nn.AvgPool2d, nn.MaxPool2d)):
            t = "avgpool2d" if isinstance(m, nn.AvgPool2d) else "maxpool2d"
            k = square(m.kernel_size, "kernel", i)
            s = square(m.stride if m.stride is not None else k, "stride", i)
            p = square(m.padding, "padding", i)
            lines.append(f"  - {{type: {t}, kernel: {k}, stride: {s}, padding: {p}}}")
        elif isinstance(m, nn.ReLU):
            lines.append("  - {type: relu}")
        elif isinstance(m, nn.Flatten):
            lines.append("  - {type: flatten}")
        else:
            raise ValueError(f"layer {i}: {type(m).__name__} has no spikemesh equivalent")
    with open(prefix + ".yaml", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    torch.manual_seed(7)
    model = nn.Sequential(
        nn.Conv2d(2, 4, kernel_size=3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Conv2d(4, 6, kernel_size=3, stride=1, groups=2), nn.ReLU(),
        nn.MaxPool2d(2, stride=1),
        nn.Flatten(),
        nn.Linear(6, 5), nn.BatchNorm1d(5), nn.ReLU(),
        nn.Linear(5, 3),
    )
    # Give batch norm non-trivial statistics and affine parameters.
    with torch.no_grad():
        for m in model:
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    model.eval()
    here = os.path.dirname(os.path.abspath(__file__))
    export_sequential(model, (2, 8, 8), os.path.join(here, "tiny"))
    export_sequential(model, (2, 8, 8), os.path.join(here, "tiny-f16"), name="tiny", dtype=np.float16)
    export_sequential(model, (2, 8, 8), os.path.join(here, "tiny-f64"), name="tiny", dtype=np.float64)
    x = 3 * torch.randn(4, 2, 8, 8, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        y = model(x)
    np.savez(os.path.join(here, "tiny-expected.npz"), x=x.numpy(), y=y.numpy())
    print("torch", torch.__version__, "outputs", y.numpy())
