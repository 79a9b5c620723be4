"""check_gan_dump: recompute a gan scene dump with PyTorch and print the
largest differences. Independent of the C code: it rebuilds G and D as
nn.Sequential from the dumped state_dict names and uses autograd for the
gradient arrows.

    tensorstage dump gan --beat 4 --out /tmp/gan.json
    /usr/bin/python3 tools/check_gan_dump.py /tmp/gan.json
Exit code 1 if any difference exceeds 1e-4 (relative for the gradient).
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def load(path):
    with open(path) as f:
        d = json.load(f)
    t = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"])
         for k, v in d["tensors"].items()}
    return d["params"], t


def net(t, prefix, act):
    layers, k = [], 0
    while f"{prefix}.{k}.weight" in t:
        w = t[f"{prefix}.{k}.weight"]
        lin = nn.Linear(w.shape[1], w.shape[0])
        lin.weight.data.copy_(w)
        lin.bias.data.copy_(t[f"{prefix}.{k}.bias"])
        layers += [lin, act]
        k += 2
    return nn.Sequential(*layers[:-1])


def main(path):
    p, t = load(path)
    act = nn.LeakyReLU(p["slope"]) if p["activation"] == "LeakyReLU" else nn.ReLU()
    G, D = net(t, "G", act), net(t, "D", act)
    fake = G(t["z"])
    worst = {}
    worst["fake"] = (fake - t["fake"]).abs().max().item()
    rl, fl = D(t["real"]), D(t["fake"])
    worst["D.real_logits"] = (rl - t["D.real_logits"]).abs().max().item()
    worst["D.fake_logits"] = (fl - t["D.fake_logits"]).abs().max().item()
    loss_d = (F.binary_cross_entropy_with_logits(rl, torch.ones_like(rl)) +
              F.binary_cross_entropy_with_logits(fl, torch.zeros_like(fl)))
    worst["loss.D"] = (loss_d - t["loss.D"]).abs().max().item()
    x = t["fake"].clone().requires_grad_(True)
    lx = D(x)
    if p["loss"] == "minimax":
        loss_g = -F.binary_cross_entropy_with_logits(lx, torch.zeros_like(lx))
    else:
        loss_g = F.binary_cross_entropy_with_logits(lx, torch.ones_like(lx))
    loss_g.backward()
    worst["loss.G"] = (loss_g - t["loss.G"]).abs().max().item()
    g = x.grad
    worst["grad.fake (rel)"] = ((g - t["grad.fake"]).abs().max() / g.abs().max()).item()
    R, e = int(p["field_rows"]), p["field_extent"]
    c = (torch.arange(R, dtype=torch.float32) + 0.5) * 2 * e / R
    xs, ys = -e + c, e - c
    grid = torch.stack(torch.meshgrid(ys, xs, indexing="ij")[::-1], -1).reshape(-1, 2)
    field = torch.sigmoid(D(grid)).reshape(R, R)
    worst["field"] = (field - t["field"]).abs().max().item()
    bad = False
    for k, v in worst.items():
        print(f"{k:18s} max |diff| {v:.3g}")
        bad |= v > 1e-4
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
