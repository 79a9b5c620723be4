"""check_batchnorm_dump: recompute a batchnorm scene dump with PyTorch and
print the largest differences. Independent of the C code: it rebuilds both
networks as nn.Sequential of nn.Linear, nn.BatchNorm1d and nn.ReLU from the
dumped state_dict names (a running_mean at index K means a BatchNorm1d
there), runs them in training mode on x with forward hooks, and compares:

  plain.act.K, bn.act.K          every ReLU's output (K: its Sequential index)
  bn.x, bn.y                     the input and output of the BatchNorm1d at
                                 params.bn_layer in that forward
  bn.mean, bn.var, bn.xhat       bn.x's batch mean, biased variance, x-hat
  bn.running_mean/var.before     the module's running stats before ...
  bn.running_mean/var.after      ... and PyTorch's update by the forward
  ln.y                           F.layer_norm(bn.x, (C,), ln.weight, ln.bias, eps)
  example.eval_probs             softmax of net.eval()(x[example])
  example.train_probs            softmax of the training forward's row example
  example.batch1_probs           x[example] alone in training mode: each
                                 BatchNorm1d outputs its bias (x - mean = 0;
                                 PyTorch refuses a batch of one, so by hand)

    ./build/tensorstage dump batchnorm --beat 2 --out /tmp/bn.json
    /usr/bin/python3 tools/check_batchnorm_dump.py /tmp/bn.json [more.json ...]
Exit code 1 if any difference exceeds 1e-4 relative to the tensor's largest
magnitude.
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


def build(t, pre, depth, eps, momentum):
    mods, k = [], 0
    for layer in range(depth):
        w = t[f"{pre}.{k}.weight"]
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(t[f"{pre}.{k}.bias"])
        mods.append(lin)
        k += 1
        if layer == depth - 1:
            break
        if f"{pre}.{k}.running_mean" in t:
            bn = nn.BatchNorm1d(w.shape[0], eps=eps, momentum=momentum)
            with torch.no_grad():
                for name in ("weight", "bias", "running_mean", "running_var"):
                    getattr(bn, name).copy_(t[f"{pre}.{k}.{name}"])
            mods.append(bn)
            k += 1
        mods.append(nn.ReLU())
        k += 1
    return nn.Sequential(*mods)


def check(path):
    p, t = load(path)
    depth, eps, mom = int(p["depth"]), p["eps"], p["momentum"]
    x, ex, bl = t["x"], int(p["example"]), int(p["bn_layer"])
    got = {}
    for pre in ("plain", "bn"):
        net = build(t, pre, depth, eps, mom)
        seen = {}
        for i, m in enumerate(net):
            m.register_forward_hook(lambda mod, inp, out, i=i: seen.__setitem__(i, (inp[0], out)))
        if pre == "bn" and bl >= 0:
            got["bn.running_mean.before"] = net[bl].running_mean.clone()
            got["bn.running_var.before"] = net[bl].running_var.clone()
        net.train()
        with torch.no_grad():
            logits = net(x)
        for i, m in enumerate(net):
            if isinstance(m, nn.ReLU):
                got[f"{pre}.act.{i}"] = seen[i][1]
        if pre != "bn":
            continue
        got["example.train_probs"] = torch.softmax(logits[ex], -1)
        if bl >= 0:
            bx, by = seen[bl]
            got["bn.x"], got["bn.y"] = bx, by
            got["bn.mean"] = bx.mean(0)
            got["bn.var"] = bx.var(0, unbiased=False)
            got["bn.xhat"] = (bx - got["bn.mean"]) / torch.sqrt(got["bn.var"] + eps)
            got["bn.running_mean.after"] = net[bl].running_mean
            got["bn.running_var.after"] = net[bl].running_var
            got["ln.y"] = F.layer_norm(bx, (bx.shape[1],), t["ln.weight"], t["ln.bias"], eps)
        fresh = build(t, pre, depth, eps, mom).eval()
        with torch.no_grad():
            got["example.eval_probs"] = torch.softmax(fresh(x[ex:ex + 1])[0], -1)
            h = x[ex:ex + 1]
            for m in fresh:
                h = m.bias.reshape(1, -1) if isinstance(m, nn.BatchNorm1d) else m(h)
            got["example.batch1_probs"] = torch.softmax(h[0], -1)
    bad = False
    for k, v in got.items():
        want = t[k]
        d = ((v - want).abs().max() / want.abs().max().clamp(min=1e-12)).item()
        print(f"{path}: {k:26s} max rel |diff| {d:.3g}")
        bad |= d > 1e-4
    return bad


if __name__ == "__main__":
    sys.exit(1 if any([check(f) for f in sys.argv[1:]]) else 0)
