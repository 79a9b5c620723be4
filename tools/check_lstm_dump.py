"""check_lstm_dump: recompute an lstm scene dump with PyTorch and compare.

    ./build/tensorstage dump lstm --beat 5 --out /tmp/lstm.json
    /usr/bin/python3 tools/check_lstm_dump.py /tmp/lstm.json [more dumps...]

For every cell in the dump (tensor names with the prefix rnn. / lstm. /
gru.), builds torch.nn.RNN / nn.LSTM / nn.GRU (float64, one layer, sequence
first) with the dumped weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
runs the dumped "input" from the dumped h0 (and c0) one step at a time so
every state h_t is a node of its own, and compares: h, c; the gates and
pre-activations (from the module's weights by PyTorch's documented
equations, checked to reproduce the module's h); logits = nn.Linear with
head.weight / head.bias on the last h; probs = softmax; loss =
F.cross_entropy(logits, target); grad_h and grad_h_norm = dL/dh_t from
autograd (retain_grad on each state); for the LSTM grad_c and grad_c_norm =
dL/dc_t, what reaches c_t from later steps plus what reaches it through h_t. An LSTM with clamped gates (params
lstm.clamp.<gate>) cannot run through nn.LSTM: its steps are unrolled with
the same equations and the clamped gates replaced by constants, and
autograd gives the gradients.

Prints the largest absolute difference of each tensor and overall; exits 1
if any exceeds 1e-4 (float32 dumps against a float64 recomputation).
"""
import json
import sys

import torch
import torch.nn.functional as F

D = torch.float64
TOL = 1e-4
GATES = {"rnn": [], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def tensor(d, name):
    t = d["tensors"][name]
    return torch.tensor(t["data"], dtype=D).reshape(t["shape"])


def step_equations(kind, x, h, c, w, clamp):
    """One step by PyTorch's documented equations; returns h, c, gates, preacts, hn."""
    H = h.shape[-1]
    gx = x @ w["weight_ih_l0"].T + w["bias_ih_l0"]
    gh = h @ w["weight_hh_l0"].T + w["bias_hh_l0"]
    if kind == "rnn":
        pre = gx + gh
        return torch.tanh(pre), None, [], [pre], None
    if kind == "lstm":
        pre = [gx[..., k * H:(k + 1) * H] + gh[..., k * H:(k + 1) * H] for k in range(4)]
        act = [torch.sigmoid(pre[0]), torch.sigmoid(pre[1]), torch.tanh(pre[2]), torch.sigmoid(pre[3])]
        for k, g in enumerate(GATES["lstm"]):
            if g in clamp:
                act[k] = torch.full_like(act[k], clamp[g])
        c1 = act[1] * c + act[0] * act[2]
        return act[3] * torch.tanh(c1), c1, act, pre, None
    r = torch.sigmoid(gx[..., :H] + gh[..., :H])
    z = torch.sigmoid(gx[..., H:2 * H] + gh[..., H:2 * H])
    hn = gh[..., 2 * H:]
    pre_n = gx[..., 2 * H:] + r * hn
    n = torch.tanh(pre_n)
    pre = [gx[..., :H] + gh[..., :H], gx[..., H:2 * H] + gh[..., H:2 * H], pre_n]
    return (1 - z) * n + z * h, None, [r, z, n], pre, hn


def check_cell(d, kind, report):
    p = kind + "."
    names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    w = {k: tensor(d, p + k) for k in names}
    x = tensor(d, "input")                      # [T, 1, I]
    T, _, I = x.shape
    H = w["weight_hh_l0"].shape[1]
    clamp = {}
    for g in GATES["lstm"]:
        key = "lstm.clamp." + g
        if kind == "lstm" and key in d["params"]:
            clamp[g] = float(d["params"][key])
    mod = MODULES[kind](I, H).to(D)
    with torch.no_grad():
        for k in names:
            getattr(mod, k).copy_(w[k])
    h = tensor(d, p + "h0").reshape(1, 1, H).requires_grad_(True)   # so every state is in the graph
    c = tensor(d, p + "c0").reshape(1, 1, H).requires_grad_(True) if kind == "lstm" else None
    hs, cs, gates, pres, hns = [], [], [], [], []
    for t in range(T):
        he, ce, act, pre, hn = step_equations(kind, x[t], h[0], c[0] if c is not None else None, w, clamp)
        if clamp:
            h, c = he[None], ce[None]
        else:
            out, st = mod(x[t:t + 1], (h, c) if kind == "lstm" else h)
            h, c = (st[0], st[1]) if kind == "lstm" else (st, None)
            assert torch.allclose(h[0], he, atol=1e-10), "equations disagree with nn." + kind
            assert torch.allclose(out[0], h[0])
        h.retain_grad()
        if c is not None:
            c.retain_grad()
        hs.append(h)
        cs.append(c)
        gates.append(act)
        pres.append(pre)
        hns.append(hn)
    head = torch.nn.Linear(H, tensor(d, p + "head.bias").shape[0]).to(D)
    with torch.no_grad():
        head.weight.copy_(tensor(d, p + "head.weight"))
        head.bias.copy_(tensor(d, p + "head.bias"))
    logits = head(hs[-1][0])
    probs = torch.softmax(logits, -1)
    target = tensor(d, "target").long()
    loss = F.cross_entropy(logits, target)
    loss.backward()

    want = {
        p + "h": torch.stack([v[0, 0] for v in hs]),
        p + "logits": logits,
        p + "probs": probs,
        p + "loss": loss.reshape(1),
        p + "grad_h": torch.stack([v.grad[0, 0] for v in hs]),
        p + "grad_h_norm": torch.stack([v.grad[0, 0].norm() for v in hs]),
    }
    want[p + "grad_h_rel"] = want[p + "grad_h_norm"] / want[p + "grad_h_norm"][-1]
    if kind == "lstm":
        want[p + "c"] = torch.stack([v[0, 0] for v in cs])
        # dL/dc_t: what reaches the state passed on (c_t.grad, as nn.LSTM's
        # c_n, or the view the unrolled steps pass on) from later steps, plus
        # the path through h_t = o_t tanh(c_t); the last c has no later step
        gc = []
        for t, v in enumerate(cs):
            later = v.grad[0, 0] if v.grad is not None else torch.zeros(H, dtype=D)
            o = gates[t][3][0]
            gc.append(later + hs[t].grad[0, 0] * o * (1 - torch.tanh(v[0, 0]) ** 2))
        want[p + "grad_c"] = torch.stack(gc)
        want[p + "grad_c_norm"] = torch.stack([v.norm() for v in gc])
        want[p + "grad_c_rel"] = want[p + "grad_c_norm"] / want[p + "grad_c_norm"][-1]
    if kind == "gru":
        want[p + "hn"] = torch.stack([v[0] for v in hns])
    if kind == "rnn":
        want[p + "preact"] = torch.stack([v[0][0] for v in pres])
    for k, g in enumerate(GATES[kind]):
        want[p + "gates." + g] = torch.stack([v[k][0] for v in gates])
        want[p + "preact." + g] = torch.stack([v[k][0] for v in pres])
    for name, ref in want.items():
        if name not in d["tensors"]:
            continue
        got = tensor(d, name)
        diff = (got - ref.detach().reshape(got.shape)).abs().max().item()
        report.append((name, diff))
    pred = int(torch.argmax(logits))
    if p + "prediction" in d["params"]:
        report.append((p + "prediction", float(pred != int(d["params"][p + "prediction"]))))


def main(paths):
    worst = 0.0
    for path in paths:
        with open(path) as f:
            d = json.load(f)
        report = []
        kinds = [k for k in MODULES if k + ".weight_ih_l0" in d["tensors"]]
        for kind in kinds:
            check_cell(d, kind, report)
        print(f"{path}: beat {d['beat']}, T = {d['params'].get('T')}, cells {', '.join(kinds)}"
              + (f", clamped {[k for k in d['params'] if 'clamp' in k]}" if any('clamp' in k for k in d['params']) else ""))
        for name, diff in report:
            print(f"  {name:24s} max |diff| {diff:.3g}")
            worst = max(worst, diff)
    print(f"overall max |diff| {worst:.3g} ({'ok' if worst <= TOL else 'FAIL'}, tolerance {TOL})")
    return 0 if worst <= TOL else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
