"""check_diffusion_dump: recompute a diffusion scene dump with PyTorch.

    tensorstage dump diffusion --beat 3 --out /tmp/d.json
    /usr/bin/python3 tools/check_diffusion_dump.py /tmp/d.json

Independent of the C code: alpha_bar from the betas, the sinusoidal time
embedding, the denoiser as nn.Sequential(Linear, SiLU, ..., Linear) from the
dumped state_dict names, and on forward beats xt from x0 and eps; on reverse
beats x0_pred, posterior_mean and x_prev from the step's parameters.
Prints the largest differences; exit code 1 if any exceeds 1e-4.
"""
import json
import math
import sys

import torch
import torch.nn as nn


def main(path):
    with open(path) as f:
        d = json.load(f)
    p = d["params"]
    t = {k: torch.tensor(v["data"], dtype=torch.float64).reshape(v["shape"])
         for k, v in d["tensors"].items()}
    worst = {}
    ab = torch.cumprod(1 - t["schedule.betas"], 0)
    worst["schedule.alpha_bar"] = (ab - t["schedule.alpha_bar"]).abs().max().item()
    step, E = int(p["t"]), int(p["temb_size"])
    half = E // 2
    f = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    temb = torch.cat([torch.sin(step * f), torch.cos(step * f)])
    worst["temb"] = (temb - t["temb"]).abs().max().item()
    din = torch.cat([t["xt"], temb.expand(t["xt"].shape[0], E)], 1)
    worst["denoiser.in"] = (din - t["denoiser.in"]).abs().max().item()
    layers, k = [], 0
    while f"denoiser.{k}.weight" in t:
        w = t[f"denoiser.{k}.weight"]
        lin = nn.Linear(w.shape[1], w.shape[0]).double()
        lin.weight.data.copy_(w)
        lin.bias.data.copy_(t[f"denoiser.{k}.bias"])
        layers += [lin, nn.SiLU()]
        k += 2
    net = nn.Sequential(*layers[:-1])
    with torch.no_grad():
        worst["eps_pred"] = (net(din) - t["eps_pred"]).abs().max().item()
    if p["stage"] == "forward":
        a = ab[step]
        xt = a.sqrt() * t["x0"] + (1 - a).sqrt() * t["eps"]
        worst["xt"] = (xt - t["xt"]).abs().max().item()
    else:
        a, ap, b = p["step_alpha_bar"], p["step_alpha_bar_prev"], p["step_beta"]
        x0 = (t["xt"] - math.sqrt(1 - a) * t["eps_pred"]) / math.sqrt(a)
        worst["x0_pred"] = (x0 - t["x0_pred"]).abs().max().item()
        mean = b * math.sqrt(ap) / (1 - a) * t["x0_pred"] + math.sqrt(1 - b) * (1 - ap) / (1 - a) * t["xt"]
        worst["posterior_mean"] = (mean - t["posterior_mean"]).abs().max().item()
        sd = math.sqrt(b * (1 - ap) / (1 - a))
        worst["x_prev"] = (t["posterior_mean"] + sd * t["z"] - t["x_prev"]).abs().max().item()
    bad = False
    for name, v in worst.items():
        print(f"{name:20s} max |diff| {v:.3g}")
        bad |= v > 1e-4
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
