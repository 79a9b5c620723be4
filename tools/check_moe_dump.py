"""check_moe_dump: recompute a moe scene dump with PyTorch and report the
largest difference per tensor.

    ./build/tensorstage dump moe --out /tmp/moe.json --beat 3
    /usr/bin/python3 tools/check_moe_dump.py /tmp/moe.json [more.json ...]

From the dump's inputs and parameters alone (x, router.*, experts.*, the
params k and capacity) it rebuilds the layer as PyTorch modules
(router = nn.Linear(2, E); experts = nn.ModuleList of nn.Sequential(Linear,
ReLU, Linear)), routes with torch.topk, renormalises the gates, fills every
expert in GShard priority order (all first choices in input order, then all
second choices) up to the capacity, and compares router.logits,
router.probs, topk.indices, topk.gates, dropped, load, importance, aux_loss,
expert_out, out, logits and probs with the dumped ones.
Exit code 0 when every difference is within 1e-5 relative to the tensor's
largest magnitude (indices and dropped exactly), 1 otherwise.
"""
import json
import sys

import torch
import torch.nn as nn


def tensors(d):
    return {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"])
            for k, v in d["tensors"].items()}


def check(path):
    d = json.load(open(path))
    T, P = tensors(d), d["params"]
    x = T["x"]
    N, D = x.shape
    E = T["router.weight"].shape[0]
    k, cap = int(P["k"]), int(P["capacity"])

    router = nn.Linear(D, E)
    experts = nn.ModuleList()
    with torch.no_grad():
        router.weight.copy_(T["router.weight"])
        router.bias.copy_(T["router.bias"])
        for e in range(E):
            w1, w2 = T[f"experts.{e}.0.weight"], T[f"experts.{e}.2.weight"]
            seq = nn.Sequential(nn.Linear(w1.shape[1], w1.shape[0]), nn.ReLU(),
                                nn.Linear(w2.shape[1], w2.shape[0]))
            for name, p in seq.state_dict().items():
                p.copy_(T[f"experts.{e}.{name}"])
            experts.append(seq)

    with torch.no_grad():
        logits_r = router(x)
        probs_r = torch.softmax(logits_r, dim=-1)
        top_p, top_i = torch.topk(probs_r, k, dim=-1)
        gates = top_p / top_p.sum(dim=-1, keepdim=True)
        counts = torch.zeros(E, dtype=torch.long)
        for_each = torch.nn.functional.one_hot(top_i, E).float()       # [N,k,E]
        load = for_each.sum(dim=(0, 1)) / (N * k)
        importance = probs_r.mean(dim=0)
        aux = E * (load * importance).sum()
        dropped = torch.zeros(N, k)
        for j in range(k):                       # GShard priority order
            for t in range(N):
                e = int(top_i[t, j])
                if cap > 0 and counts[e] >= cap:
                    dropped[t, j] = 1
                else:
                    counts[e] += 1
        O = experts[0][2].out_features
        expert_out = torch.zeros(N, k, O)
        for t in range(N):
            for j in range(k):
                if dropped[t, j] == 0:
                    expert_out[t, j] = experts[int(top_i[t, j])](x[t:t + 1])[0]
        out = (gates.unsqueeze(-1) * expert_out).sum(dim=1)
        probs = torch.softmax(out, dim=-1)

    mine = {"router.logits": logits_r, "router.probs": probs_r, "topk.indices": top_i.float(),
            "topk.gates": gates, "dropped": dropped, "load": load, "importance": importance,
            "aux_loss": aux.reshape(1), "expert_out": expert_out, "out": out, "logits": out,
            "probs": probs}
    worst, ok = 0.0, True
    for name, ref in mine.items():
        got = T[name]
        if tuple(got.shape) != tuple(ref.shape):
            print(f"{path}: {name} has shape {list(got.shape)}, PyTorch {list(ref.shape)}")
            ok = False
            continue
        diff = (got - ref).abs().max().item() if ref.numel() else 0.0
        exact = name in ("topk.indices", "dropped")
        # float32 rounding: 1e-5 relative to the tensor's largest magnitude
        tol = 0 if exact else 1e-5 * max(1.0, ref.abs().max().item())
        if diff > tol:
            print(f"{path}: {name} differs by {diff:.3g}")
            ok = False
        worst = max(worst, diff)
    print(f"{path}: beat {d['beat']}, N={N} E={E} k={k} capacity={cap}, "
          f"{int(dropped.sum())} dropped; max difference {worst:.3g} {'ok' if ok else 'FAIL'}")
    return ok, worst


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: check_moe_dump.py DUMP.json [...]")
        return 2
    results = [check(p) for p in sys.argv[1:]]
    print(f"overall max difference {max(w for _, w in results):.3g}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
