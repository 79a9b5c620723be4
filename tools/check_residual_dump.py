"""check_residual_dump: recompute a residual scene dump with PyTorch and
print the largest differences. Independent of the C code: it rebuilds the
plain net as nn.Sequential and the residual net as modules from the dumped
state_dict names, and takes the gradient norms from autograd.

    ./build/tensorstage dump residual --beat 2 --out /tmp/res.json
    /usr/bin/python3 tools/check_residual_dump.py /tmp/res.json [more.json ...]

From x, y and the parameters alone it recomputes plain.logits,
resid.logits, plain.loss, resid.loss (F.cross_entropy, mean),
plain.grad_norm (the norm of every Linear weight's .grad), resid.grad_norm
(fc1 and fc2 weight grads of each block together), resid.ratio (mean over
the points of |F(h_k)|/|h_k|) and block.h, block.F, block.y (the point
params.point entering block 0). Blocks listed in the skip_off bit mask
have no identity path. Exit code 1 if any difference exceeds 1e-4
relative to the tensor's largest magnitude.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTS = {"tanh": nn.Tanh, "relu": nn.ReLU}


def load(path):
    with open(path) as f:
        d = json.load(f)
    t = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"])
         for k, v in d["tensors"].items()}
    return d["params"], t


def linear(t, name):
    w = t[f"{name}.weight"]
    lin = nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        lin.weight.copy_(w)
        lin.bias.copy_(t[f"{name}.bias"])
    return lin


class Block(nn.Module):
    def __init__(self, t, k, act, skip):
        super().__init__()
        self.fc1 = linear(t, f"resid.blocks.{k}.fc1")
        self.fc2 = linear(t, f"resid.blocks.{k}.fc2")
        self.act, self.skip = act(), skip

    def forward(self, h):
        self.h = h
        self.f = self.fc2(self.act(self.fc1(h)))
        return h + self.f if self.skip else self.f


class Resid(nn.Module):
    def __init__(self, t, depth, act, skip_off):
        super().__init__()
        self.inp = linear(t, "resid.in")
        self.blocks = nn.ModuleList(Block(t, k, act, not (skip_off >> k) & 1) for k in range(depth))
        self.out = linear(t, "resid.out")

    def forward(self, x):
        h = self.inp(x)
        for b in self.blocks:
            h = b(h)
        return self.out(h)


def check(path):
    p, t = load(path)
    act, depth, skip_off = ACTS[p["act"]], int(p["depth"]), int(p["skip_off"])
    layers = []
    for k in range(depth):
        layers.append(linear(t, f"plain.{2 * k}"))
        if k < depth - 1:
            layers.append(act())
    plain = nn.Sequential(*layers)
    resid = Resid(t, depth, act, skip_off)
    x, y = t["x"], t["y"].long()
    got = {}
    lp = F.cross_entropy(logits_p := plain(x), y)
    lp.backward()
    got["plain.logits"], got["plain.loss"] = logits_p, lp.reshape(1)
    got["plain.grad_norm"] = torch.stack([m.weight.grad.norm() for m in plain if isinstance(m, nn.Linear)])
    lr = F.cross_entropy(logits_r := resid(x), y)
    lr.backward()
    got["resid.logits"], got["resid.loss"] = logits_r, lr.reshape(1)
    got["resid.grad_norm"] = torch.stack(
        [torch.sqrt(b.fc1.weight.grad.norm() ** 2 + b.fc2.weight.grad.norm() ** 2) for b in resid.blocks])
    got["resid.ratio"] = torch.stack([(b.f.norm(dim=1) / b.h.norm(dim=1)).mean() for b in resid.blocks])
    i, b0 = int(p["point"]), resid.blocks[0]
    got["block.h"], got["block.F"] = b0.h[i], b0.f[i]
    got["block.y"] = b0.h[i] + b0.f[i] if b0.skip else b0.f[i]
    bad = False
    for k, v in got.items():
        want = t[k]
        d = ((v.detach() - want).abs().max() / want.abs().max().clamp(min=1e-12)).item()
        print(f"{path}: {k:18s} max rel |diff| {d:.3g}")
        bad |= d > 1e-4
    return bad


if __name__ == "__main__":
    sys.exit(1 if any([check(f) for f in sys.argv[1:]]) else 0)
