"""fixtures_deep: PyTorch reference values for src/kernel/deepmlp.h (plain
nn.Sequential MLPs with optional BatchNorm1d, and residual MLPs of blocks
h + fc2(act(fc1(h)))) and src/kernel/spirals.h, written to
tests/fixtures/deep.json.

    /usr/bin/python3 tools/fixtures_deep.py

Cases (CASE.* tensors; params CASE.depth, CASE.width, CASE.act, ...):
  plain_tanh   depth 4, width 5, Tanh
  bn_relu      depth 4, width 5, ReLU, BatchNorm1d after Linear 0 and 2
               (not after 1: the kernel's bn_off bit 1), training mode
  bn_eval      the same net in eval mode with non-trivial running stats
  resid_tanh   3 blocks, width 5, Tanh, block 1 without its identity path
  resid_relu   2 blocks, width 4, ReLU
For each: the state_dict (CASE.<name>), x [6,2], y [6], logits, the mean
cross-entropy loss, every parameter's .grad, the per-layer (plain) or
per-block (resid) weight-gradient norms, the residual ratios
mean_rows |F(h_k)| / |h_k|, and for batch norm the running stats after
the forward. Also spirals.x/y: ts_two_spirals(n=8, noise 0, turns 1.25),
computed here from its formula.
tests/kernel/test_deep.c reads every case.
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_io import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "deep.json")
ACTS = {"tanh": nn.Tanh, "relu": nn.ReLU}
torch.manual_seed(2718)
T, P = {}, {}


class Block(nn.Module):
    def __init__(self, w, act, skip):
        super().__init__()
        self.fc1, self.act, self.fc2, self.skip = nn.Linear(w, w), act(), nn.Linear(w, w), skip

    def forward(self, h):
        self.f = self.fc2(self.act(self.fc1(h)))
        self.h = h
        return h + self.f if self.skip else self.f


class Resid(nn.Module):
    def __init__(self, w, depth, act, skips):
        super().__init__()
        self.inp = nn.Linear(2, w)
        self.blocks = nn.ModuleList(Block(w, act, s) for s in skips)
        self.out = nn.Linear(w, 2)

    def forward(self, x):
        h = self.inp(x)
        for b in self.blocks:
            h = b(h)
        return self.out(h)


def plain(depth, w, act, bn_layers):
    mods = []
    for k in range(depth):
        mods.append(nn.Linear(2 if k == 0 else w, 2 if k == depth - 1 else w))
        if k == depth - 1:
            break
        if k in bn_layers:
            mods.append(nn.BatchNorm1d(w))
        mods.append(ACTS[act]())
    return nn.Sequential(*mods)


def record(case, net, x, y, state_names, kind, train=True):
    net.train(train)
    logits = net(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    for k, v in state_names.items():
        T[f"{case}.{k}"] = v
    T[f"{case}.x"], T[f"{case}.y"] = x, y.float()
    T[f"{case}.logits"], T[f"{case}.loss"] = logits, loss.reshape(1)
    for k, p in net.named_parameters():
        T[f"{case}.{k}.grad"] = p.grad
    if kind == "plain":
        norms = [m.weight.grad.norm() for m in net if isinstance(m, nn.Linear)]
    else:
        norms = [torch.sqrt(b.fc1.weight.grad.norm() ** 2 + b.fc2.weight.grad.norm() ** 2)
                 for b in net.blocks]
        T[f"{case}.ratio"] = torch.stack(
            [(b.f.norm(dim=1) / b.h.norm(dim=1)).mean() for b in net.blocks])
    T[f"{case}.grad_norm"] = torch.stack(norms)
    for k, v in net.state_dict().items():
        if k.endswith("running_mean") or k.endswith("running_var"):
            T[f"{case}.after.{k}"] = v


def state(net, rename=None):
    sd = {k: v.clone() for k, v in net.state_dict().items() if "num_batches" not in k}
    return {rename(k) if rename else k: v for k, v in sd.items()}


x = torch.randn(6, 2) * 1.5
y = torch.tensor([0, 1, 1, 0, 1, 0])

net = plain(4, 5, "tanh", [])
record("plain_tanh", net, x, y, state(net), "plain")
P["plain_tanh"] = dict(depth=4, width=5, act="tanh", bn=0, bn_off=0)

net = plain(4, 5, "relu", [0, 2])
with torch.no_grad():
    for m in net:
        if isinstance(m, nn.BatchNorm1d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.3, 0.3)
record("bn_relu", net, x, y, state(net), "plain")
P["bn_relu"] = dict(depth=4, width=5, act="relu", bn=1, bn_off=2)

net = plain(4, 5, "relu", [0, 2])
with torch.no_grad():
    for m in net:
        if isinstance(m, nn.BatchNorm1d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.3, 0.3)
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
record("bn_eval", net, x, y, state(net), "plain", train=False)
P["bn_eval"] = dict(depth=4, width=5, act="relu", bn=1, bn_off=2)


def resid_names(k):
    return k.replace("inp.", "in.")


net = Resid(5, 3, nn.Tanh, [True, False, True])
record("resid_tanh", net, x, y, state(net, resid_names), "resid")
for k in list(T):
    if k.startswith("resid_tanh.inp."):
        T[k.replace(".inp.", ".in.")] = T.pop(k)
P["resid_tanh"] = dict(depth=3, width=5, act="tanh", skip_off=2)

net = Resid(4, 2, nn.ReLU, [True, True])
record("resid_relu", net, x, y, state(net, resid_names), "resid")
for k in list(T):
    if k.startswith("resid_relu.inp."):
        T[k.replace(".inp.", ".in.")] = T.pop(k)
P["resid_relu"] = dict(depth=2, width=4, act="relu", skip_off=0)

# two spirals without noise, from the formula in spirals.h
n, turns = 8, 1.25
half = (n + 1) // 2
sx, sy = [], []
for i in range(n):
    c = i % 2
    t = (i // 2 + 0.5) / half
    a = 2 * math.pi * turns * t + (math.pi if c else 0.0)
    sx.append([2 * t * math.cos(a), 2 * t * math.sin(a)])
    sy.append(c)
T["spirals.x"], T["spirals.y"] = torch.tensor(sx), torch.tensor(sy, dtype=torch.float32)

params = {f"{c}.{k}": v for c, d in P.items() for k, v in d.items()}
write_fixture(OUT, "deep", T, params)
print(f"wrote {OUT}: {len(T)} tensors")
