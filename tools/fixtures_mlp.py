"""fixtures_mlp: PyTorch reference values for src/kernel/mlp.h (nn.Sequential
of Linear layers with ReLU, LeakyReLU, SiLU or Tanh between them, and
binary_cross_entropy_with_logits), written to tests/fixtures/mlp.json.

    /usr/bin/python3 tools/fixtures_mlp.py

For each activation ACT: an MLP 3 -> 5 -> 4 -> 2 with named parameters
ACT.0.weight ... ACT.4.bias (the Sequential's indices), an input ACT.x [6,3],
the output ACT.out, an upstream gradient ACT.dout and autograd's gradients
ACT.dx and ACT.0.weight.grad ... ; the LeakyReLU slope is 0.2. Then bce.*:
logits, targets, loss and the gradient of the mean loss.
tests/kernel/test_mlp.c reads every case.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_io import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "mlp.json")

torch.manual_seed(4321)
T = {}
ACTS = {"relu": nn.ReLU(), "leaky": nn.LeakyReLU(0.2), "silu": nn.SiLU(), "tanh": nn.Tanh()}
for name, act in ACTS.items():
    net = nn.Sequential(nn.Linear(3, 5), act, nn.Linear(5, 4), act, nn.Linear(4, 2))
    x = torch.randn(6, 3, requires_grad=True)
    y = net(x)
    dy = torch.randn(6, 2)
    y.backward(dy)
    for k, p in net.state_dict().items():
        T[f"{name}.{k}"] = p
    for k, p in net.named_parameters():
        T[f"{name}.{k}.grad"] = p.grad
    T[f"{name}.x"] = x
    T[f"{name}.out"] = y
    T[f"{name}.dout"] = dy
    T[f"{name}.dx"] = x.grad

logits = torch.cat([torch.randn(7) * 3, torch.tensor([40.0, -40.0])]).requires_grad_(True)
targets = torch.tensor([1, 0, 1, 1, 0, 0, 1, 1, 0], dtype=torch.float32)
loss = F.binary_cross_entropy_with_logits(logits, targets)
loss.backward()
T["bce.logits"] = logits
T["bce.targets"] = targets
T["bce.loss"] = loss.reshape(1)
T["bce.dlogits"] = logits.grad

write_fixture(OUT, "mlp", T)
print(f"wrote {OUT}: {len(T)} tensors")
