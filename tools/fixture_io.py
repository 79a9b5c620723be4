"""fixture_io: write PyTorch tensors as a tensorstage dump-format JSON file.

The kernel's tests read these files with ts_dump_read (src/kernel/dump.h), the
same reader that reads the app's tensor dumps, so fixtures and dumps are one
format:  {"scene": GROUP, "beat": 0, "params": {...},
          "tensors": {name: {"shape": [...], "data": [flat row-major]}}}
Floats are written with repr() of the float32 value, which round-trips.
"""
import json
import os

import torch


def write_fixture(path, group, tensors, params=None):
    out = {"scene": group, "beat": 0, "params": params or {}, "tensors": {}}
    for name, t in tensors.items():
        t = torch.as_tensor(t).detach().to(torch.float32).contiguous()
        out["tensors"][name] = {
            "shape": list(t.shape),
            "data": [float(v) for v in t.flatten().tolist()],
        }
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
