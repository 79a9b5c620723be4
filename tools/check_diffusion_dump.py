"""check_diffusion_dump: recompute a diffusion scene dump with PyTorch.

    tensorstage dump diffusion --beat 3 --out /tmp/d.json
    /usr/bin/python3 tools/check_diffusion_dump.py /tmp/d.json [MORE.json ...]

Independent of the C code: alpha_bar from the betas, the sinusoidal time
embedding, the denoiser as nn.Sequential(Linear, SiLU, ..., Linear) from the
dumped state_dict names, and on forward beats xt from x0 and eps; on reverse
beats x0_pred (clipped to [-1, 1] when clip_x0 is 1), posterior_mean and
x_prev from the step's parameters, which are themselves recomputed from the
schedule respaced onto the sampler's steps.

Digit dumps (params data = digits) hold images [N,1,16,16]: denoiser.in is
the noisy image flattened, then temb, then the class one-hot; the
denoiser's output on it is eps_cond, on the same rows with the one-hot
zeroed eps_uncond, and eps_pred = eps_uncond + guidance (eps_cond -
eps_uncond). Also checked there: one forward step (x_step from x_prev_step
and step_noise, beat 1) and x_t under the cosine schedule computed here
from its formula (xt.cosine, beat 4).

Prints the largest differences; exit code 1 if any exceeds 1e-4.
"""
import json
import math
import sys

import torch
import torch.nn as nn


def cosine_alpha_bar(T, s=0.008):
    f = lambda u: math.cos((u / T + s) / (1 + s) * math.pi / 2) ** 2
    betas = torch.tensor([min(1 - f(t + 1) / f(t), 0.999) for t in range(T)], dtype=torch.float64)
    return torch.cumprod(1 - betas, 0)


def check(path):
    with open(path) as f:
        d = json.load(f)
    p = d["params"]
    t = {k: torch.tensor(v["data"], dtype=torch.float64).reshape(v["shape"])
         for k, v in d["tensors"].items()}
    digits = p.get("data") == "digits"
    worst = {}
    ab = torch.cumprod(1 - t["schedule.betas"], 0)
    T = ab.shape[0]
    worst["schedule.alpha_bar"] = (ab - t["schedule.alpha_bar"]).abs().max().item()
    if "xt" not in t:   # a reverse chain at its start: pure noise, no step yet
        return worst
    step, E = int(p["t"]), int(p["temb_size"])
    half = E // 2
    f = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    temb = torch.cat([torch.sin(step * f), torch.cos(step * f)])
    worst["temb"] = (temb - t["temb"]).abs().max().item()
    xt = t["xt"].reshape(t["xt"].shape[0], -1)   # images flattened
    N = xt.shape[0]
    parts = [xt, temb.expand(N, E)]
    if digits:
        onehot = torch.zeros(N, int(p["num_classes"]), dtype=torch.float64)
        onehot[:, int(p["class"])] = 1
        parts.append(onehot)
    din = torch.cat(parts, 1)
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
    eps_pred = t["eps_pred"].reshape(N, -1)
    with torch.no_grad():
        if digits:
            cond = net(din)
            uncond = net(torch.cat(parts[:2] + [torch.zeros_like(parts[2])], 1))
            worst["eps_cond"] = (cond - t["eps_cond"].reshape(N, -1)).abs().max().item()
            worst["eps_uncond"] = (uncond - t["eps_uncond"].reshape(N, -1)).abs().max().item()
            g = p["guidance"]
            worst["eps_pred"] = (uncond + g * (cond - uncond) - eps_pred).abs().max().item()
        else:
            worst["eps_pred"] = (net(din) - eps_pred).abs().max().item()
    if p["stage"] == "forward":
        a = ab[step]
        worst["xt"] = (a.sqrt() * t["x0"] + (1 - a).sqrt() * t["eps"] - t["xt"]).abs().max().item()
        if "x_step" in t:
            b = t["schedule.betas"][step]
            one = (1 - b).sqrt() * t["x_prev_step"] + b.sqrt() * t["step_noise"]
            worst["x_step"] = (one - t["x_step"]).abs().max().item()
        if "xt.cosine" in t:
            c = cosine_alpha_bar(T)[step]
            worst["xt.cosine"] = (c.sqrt() * t["x0"] + (1 - c).sqrt() * t["eps"] - t["xt.cosine"]).abs().max().item()
        return worst
    # the step's parameters from the schedule respaced onto the sampler's steps
    S, i = int(p["sampler_steps"]), int(p["step_index"])
    tau = list(range(T)) if S == T else [round((T - 1) * (j + 1) / S) for j in range(S)]
    a_t, a_prev = ab[tau[i]].item(), ab[tau[i - 1]].item() if i > 0 else 1.0
    worst["step_alpha_bar"] = max(abs(a_t - p["step_alpha_bar"]), abs(a_prev - p["step_alpha_bar_prev"]),
                                  abs(1 - a_t / a_prev - p["step_beta"]))
    worst["t"] = abs(tau[i] - step)
    a, ap, b = p["step_alpha_bar"], p["step_alpha_bar_prev"], p["step_beta"]
    x0 = (t["xt"] - math.sqrt(1 - a) * t["eps_pred"]) / math.sqrt(a)
    if int(p["clip_x0"]):
        x0 = x0.clamp(-1, 1)
    worst["x0_pred"] = (x0 - t["x0_pred"]).abs().max().item()
    mean = b * math.sqrt(ap) / (1 - a) * t["x0_pred"] + math.sqrt(1 - b) * (1 - ap) / (1 - a) * t["xt"]
    worst["posterior_mean"] = (mean - t["posterior_mean"]).abs().max().item()
    sd = math.sqrt(b * (1 - ap) / (1 - a))
    worst["x_prev"] = (t["posterior_mean"] + sd * t["z"] - t["x_prev"]).abs().max().item()
    if "x_chain" in t:
        worst["x_chain"] = (t["x_chain"] - t["x_prev"]).abs().max().item()
    return worst


def main(paths):
    bad = False
    for path in paths:
        print(path)
        for name, v in check(path).items():
            print(f"  {name:20s} max |diff| {v:.3g}")
            bad |= v > 1e-4
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
