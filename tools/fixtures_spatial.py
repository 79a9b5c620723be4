"""fixtures_spatial: PyTorch reference values for the spatial, sequence and
generative kernel ops (conv.h, attention.h, rnn.h, diffusion.h, moe.h).

    /usr/bin/python3 tools/fixtures_spatial.py      # from the repository root

writes tests/fixtures/{conv,attention,rnn,diffusion,moe}.json in the dump
format (tools/fixture_io.py). Inputs are float32 values; references are
computed in float64 from those same values and stored as float32, so the C
tests compare against the true answer rather than against PyTorch's rounding.
Gradients come from torch.autograd with a random upstream gradient: for an
op with output y, "dy" is that upstream gradient and the stored input
gradients are those of sum(y * dy).

Each file has a param "cases" and the cases are named "<prefix><i>." with
their own params (sizes, strides, flags), so the C tests are driven by the
data and a new awkward case is one line here.
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import write_fixture  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
D64 = torch.float64


def rnd(*shape, scale=1.0):
    """float32-representable random values, as float64 leaf tensors."""
    return (torch.randn(*shape) * scale).to(torch.float32).to(D64).requires_grad_(True)


def grads(y, dy, named):
    """Backprop sum(y*dy); return {name: grad} (zeros for unused inputs)."""
    for t in named.values():
        t.grad = None
    (y * dy).sum().backward(retain_graph=True)
    return {k: (v.grad if v.grad is not None else torch.zeros_like(v)) for k, v in named.items()}


# ---- conv / pools ---------------------------------------------------------

def conv_fixture():
    T, P = {}, {}
    # (n, c_in, h, w, c_out, kh, kw, stride, pad, dil, bias)
    cases = [
        (2, 3, 7, 6, 4, 3, 3, (1, 1), (1, 1), (1, 1), True),    # plain, padded
        (1, 2, 9, 9, 3, 2, 2, (3, 3), (0, 0), (1, 1), False),   # stride > kernel
        (1, 2, 8, 7, 2, 3, 2, (2, 1), (2, 1), (2, 3), True),    # dilation, asymmetric
        (1, 3, 1, 1, 2, 1, 1, (1, 1), (0, 0), (1, 1), True),    # 1x1 input, 1x1 kernel
        (1, 1, 1, 1, 2, 3, 3, (1, 1), (1, 1), (1, 1), True),    # 1x1 input, 3x3 kernel
        (1, 1, 10, 10, 8, 3, 3, (1, 1), (0, 0), (1, 1), True),  # scene-like
        (2, 2, 5, 6, 3, 3, 3, (2, 2), (1, 0), (1, 1), True),    # stride 2, pad h only
    ]
    for i, (n, ci, h, w, co, kh, kw, st, pad, dil, bias) in enumerate(cases):
        p = f"c{i}."
        x, wt = rnd(n, ci, h, w), rnd(co, ci, kh, kw, scale=0.5)
        b = rnd(co) if bias else None
        y = F.conv2d(x, wt, b, stride=st, padding=pad, dilation=dil)
        dy = rnd(*y.shape).detach()
        named = {"x": x, "w": wt}
        if bias:
            named["b"] = b
        g = grads(y, dy, named)
        P.update({p + "n": n, p + "c_in": ci, p + "h": h, p + "w": w, p + "c_out": co,
                  p + "kh": kh, p + "kw": kw, p + "stride_h": st[0], p + "stride_w": st[1],
                  p + "pad_h": pad[0], p + "pad_w": pad[1], p + "dil_h": dil[0],
                  p + "dil_w": dil[1], p + "bias": int(bias)})
        T.update({p + "x": x, p + "w": wt, p + "y": y, p + "dy": dy,
                  p + "dx": g["x"], p + "dw": g["w"]})
        if bias:
            T[p + "b"] = b
            T[p + "db"] = g["b"]
    P["cases"] = len(cases)

    # pools: (n, c, h, w, kh, kw, stride, pad, ties, count_include_pad)
    pools = [
        (1, 2, 6, 6, 2, 2, (2, 2), (0, 0), False, True),
        (1, 2, 7, 5, 3, 3, (2, 2), (1, 1), False, True),   # padded windows
        (2, 1, 5, 5, 2, 2, (1, 1), (0, 0), True, True),    # overlapping, ties
        (1, 1, 1, 1, 1, 1, (1, 1), (0, 0), False, True),   # 1x1
        (1, 3, 8, 8, 2, 3, (3, 4), (1, 1), False, False),  # stride > kernel, exclude pad
        (1, 2, 12, 12, 2, 2, (2, 2), (0, 0), False, True), # scene-like
    ]
    for i, (n, c, h, w, kh, kw, st, pad, ties, cip) in enumerate(pools):
        p = f"p{i}."
        if ties:
            x = torch.randint(0, 3, (n, c, h, w)).to(D64).requires_grad_(True)
        else:
            x = rnd(n, c, h, w)
        ym, idx = F.max_pool2d(x, (kh, kw), st, pad, return_indices=True)
        ya = F.avg_pool2d(x, (kh, kw), st, pad, count_include_pad=cip)
        dy = rnd(*ym.shape).detach()
        gm = grads(ym, dy, {"x": x})["x"]
        ga = grads(ya, dy, {"x": x})["x"]
        P.update({p + "n": n, p + "c": c, p + "h": h, p + "w": w, p + "kh": kh,
                  p + "kw": kw, p + "stride_h": st[0], p + "stride_w": st[1],
                  p + "pad_h": pad[0], p + "pad_w": pad[1], p + "exclude_pad": int(not cip)})
        T.update({p + "x": x, p + "max": ym, p + "idx": idx.to(D64), p + "avg": ya,
                  p + "dy": dy, p + "dx_max": gm, p + "dx_avg": ga})
    P["pools"] = len(pools)
    return T, P


# ---- attention ----------------------------------------------------------------

def mha_ref(x, W, key_pad, heads, causal, unscaled, temp):
    Tn, d = x.shape
    dk = d // heads

    def proj(w, b):
        y = x @ w.T
        return y + b if b is not None else y

    def split(y):  # [T, d] -> [h, T, dk]
        return y.view(Tn, heads, dk).transpose(0, 1)

    q, k, v = split(proj(W["wq"], W.get("bq"))), split(proj(W["wk"], W.get("bk"))), \
        split(proj(W["wv"], W.get("bv")))
    mult = (1.0 if unscaled else 1.0 / math.sqrt(dk)) / temp
    s = (q @ k.transpose(1, 2)) * mult
    masked = torch.zeros(Tn, Tn, dtype=torch.bool)
    if causal:
        masked |= torch.triu(torch.ones(Tn, Tn, dtype=torch.bool), 1)
    if key_pad is not None:
        masked |= key_pad[None, :]
    full = masked.all(dim=1, keepdim=True)
    s_m = s.masked_fill(masked, float("-inf"))
    # a fully masked row gets zero weights: softmax a harmless row, then zero it
    wts = torch.softmax(s_m.masked_fill(full, 0.0), dim=-1).masked_fill(masked, 0.0)
    heads_out = wts @ v                                # [h, T, dk]
    concat = heads_out.transpose(0, 1).reshape(Tn, d)
    out = concat @ W["wo"].T
    if W.get("bo") is not None:
        out = out + W["bo"]
    return dict(q=q, k=k, v=v, scores=s.masked_fill(masked, 0.0), weights=wts,
                mask=(~masked).to(D64), concat=concat, out=out)


def attention_fixture():
    T, P = {}, {}
    # (T, d, heads, causal, pad_keys, unscaled, temperature, biases)
    cases = [
        (5, 8, 2, False, [], False, 0.0, True),
        (6, 12, 3, True, [], False, 0.7, False),
        (4, 8, 2, True, [0], True, 0.0, True),        # row 0 fully masked
        (1, 4, 1, False, [], False, 0.0, True),       # T = 1
        (5, 8, 4, False, [3, 4], False, 2.0, True),   # key padding
        (3, 6, 2, False, [0, 1, 2], False, 0.0, True),  # every row masked
    ]
    for i, (Tn, d, h, causal, padk, unscaled, temp, bias) in enumerate(cases):
        p = f"a{i}."
        x = rnd(Tn, d)
        W = {n: rnd(d, d, scale=1.0 / math.sqrt(d)) for n in ("wq", "wk", "wv", "wo")}
        if bias:
            W.update({n: rnd(d, scale=0.1) for n in ("bq", "bk", "bv", "bo")})
        kp = torch.zeros(Tn, dtype=torch.bool)
        kp[padk] = True
        r = mha_ref(x, W, kp, h, causal, unscaled, temp if temp else 1.0)
        dy = rnd(Tn, d).detach()
        g = grads(r["out"], dy, {"x": x, **W})
        P.update({p + "T": Tn, p + "d": d, p + "heads": h, p + "causal": int(causal),
                  p + "unscaled": int(unscaled), p + "temperature": temp,
                  p + "bias": int(bias)})
        T.update({p + "x": x, p + "key_pad": kp.to(D64), p + "dy": dy, p + "dx": g["x"]})
        for n, t in W.items():
            T[p + n] = t
            T[p + "d" + n] = g[n]
        for n, t in r.items():
            T[p + n] = t
    P["cases"] = len(cases)
    for j, (Tn, d) in enumerate([(7, 6), (5, 5), (16, 32)]):
        pos = torch.arange(Tn, dtype=D64)[:, None]
        c = torch.arange(d)
        i2 = (c - c % 2).to(D64)
        ang = pos / torch.pow(10000.0, i2 / d)
        pe = torch.where(c % 2 == 0, torch.sin(ang), torch.cos(ang))
        P.update({f"pe{j}.T": Tn, f"pe{j}.d": d})
        T[f"pe{j}.pe"] = pe
    P["pe_cases"] = 3
    return T, P


# ---- recurrent cells --------------------------------------------------------------

def rnn_fixture():
    T, P = {}, {}
    cases = [(2, 3, 4, True), (1, 1, 1, True), (3, 5, 2, False)]   # (B, I, H, bias)
    for i, (B, I, H, bias) in enumerate(cases):
        P.update({f"s{i}.B": B, f"s{i}.I": I, f"s{i}.H": H, f"s{i}.bias": int(bias)})
        for kind, G in (("rnn", 1), ("lstm", 4), ("gru", 3)):
            p = f"{kind}{i}."
            x, h = rnd(B, I), rnd(B, H, scale=0.5)
            wih, whh = rnd(G * H, I, scale=0.5), rnd(G * H, H, scale=0.5)
            bih = rnd(G * H, scale=0.3) if bias else None
            bhh = rnd(G * H, scale=0.3) if bias else None
            named = {"x": x, "h": h, "w_ih": wih, "w_hh": whh}
            if bias:
                named.update({"b_ih": bih, "b_hh": bhh})
            gi = x @ wih.T + (bih if bias else 0)
            gh = h @ whh.T + (bhh if bias else 0)
            if kind == "rnn":
                h1 = torch.tanh(gi + gh)
                ref = torch.nn.RNNCell(I, H, bias=bias).to(D64)
                outs = {"h1": h1}
            elif kind == "lstm":
                c = rnd(B, H, scale=0.5)
                named["c"] = c
                a = gi + gh
                ii, ff = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H])
                gg, oo = torch.tanh(a[:, 2 * H:3 * H]), torch.sigmoid(a[:, 3 * H:])
                c1 = ff * c + ii * gg
                h1 = oo * torch.tanh(c1)
                ref = torch.nn.LSTMCell(I, H, bias=bias).to(D64)
                outs = {"h1": h1, "c1": c1, "gates": torch.cat([ii, ff, gg, oo], 1)}
            else:
                r = torch.sigmoid(gi[:, :H] + gh[:, :H])
                z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
                hn = gh[:, 2 * H:]
                n = torch.tanh(gi[:, 2 * H:] + r * hn)
                h1 = (1 - z) * n + z * h
                ref = torch.nn.GRUCell(I, H, bias=bias).to(D64)
                outs = {"h1": h1, "gates": torch.cat([r, z, n], 1), "hn": hn}
            # the textbook formulas above must agree with torch.nn's cells
            with torch.no_grad():
                ref.weight_ih.copy_(wih)
                ref.weight_hh.copy_(whh)
                if bias:
                    ref.bias_ih.copy_(bih)
                    ref.bias_hh.copy_(bhh)
                m = ref(x, (h, named["c"])) if kind == "lstm" else ref(x, h)
                m = m if kind != "lstm" else m[0]
                assert torch.allclose(m, h1, atol=1e-12), kind
            dys = {"dh1": rnd(B, H).detach()}
            loss = (h1 * dys["dh1"]).sum()
            if kind == "lstm":
                dys["dc1"] = rnd(B, H).detach()
                loss = loss + (outs["c1"] * dys["dc1"]).sum()
            for t in named.values():
                t.grad = None
            loss.backward()
            for k, t in named.items():
                T[p + k] = t
                T[p + "d" + k] = t.grad
            T.update({p + k: v for k, v in outs.items()})
            T.update({p + k: v for k, v in dys.items()})
    P["cases"] = len(cases)
    return T, P


# ---- diffusion -------------------------------------------------------------------

def diffusion_fixture():
    T, P = {}, {}
    Tn = 100
    lin = torch.linspace(1e-4, 0.02, Tn, dtype=D64).to(torch.float32)
    s = 0.008
    u = torch.arange(Tn + 1, dtype=D64)
    ab = torch.cos((u / Tn + s) / (1 + s) * math.pi / 2) ** 2
    cos_b = torch.clamp(1 - ab[1:] / ab[:-1], max=0.999).to(torch.float32)
    n = 6
    x0 = rnd(n).detach()
    eps = rnd(n).detach()
    z = rnd(n).detach()
    epsp = rnd(n).detach()
    T.update({"x0": x0, "eps": eps, "z": z, "eps_pred": epsp})
    for name, betas in (("lin", lin), ("cos", cos_b)):
        b = betas.to(D64)
        a = 1 - b
        abar = torch.cumprod(a, 0)
        abp = torch.cat([torch.ones(1, dtype=D64), abar[:-1]])
        sched = {
            "betas": b, "alphas": a, "alpha_bar": abar, "alpha_bar_prev": abp,
            "sqrt_ab": abar.sqrt(), "sqrt_1m_ab": (1 - abar).sqrt(),
            "post_var": b * (1 - abp) / (1 - abar),
            "coef1": b * abp.sqrt() / (1 - abar),
            "coef2": a.sqrt() * (1 - abp) / (1 - abar),
        }
        T.update({f"{name}.{k}": v for k, v in sched.items()})
        for t in (0, 1, 50, Tn - 1):
            p = f"{name}.t{t}."
            xt = abar[t].sqrt() * x0 + (1 - abar[t]).sqrt() * eps
            x0p = (xt - (1 - abar[t]).sqrt() * epsp) / abar[t].sqrt()
            mean = sched["coef1"][t] * x0 + sched["coef2"][t] * xt
            base = (xt - b[t] / (1 - abar[t]).sqrt() * epsp) / a[t].sqrt()
            sig_b = b[t].sqrt() if t > 0 else 0.0
            sig_p = sched["post_var"][t].sqrt() if t > 0 else 0.0
            T.update({p + "xt": xt, p + "x0_pred": x0p, p + "post_mean": mean,
                      p + "step_beta": base + sig_b * z, p + "step_post": base + sig_p * z})
    P.update({"T": Tn, "n": n, "ts": "0,1,50,99"})
    return T, P


# ---- mixture of experts --------------------------------------------------------------

def moe_fixture():
    T, P = {}, {}
    cases = [(6, 4, 4, 2, 0, 0.01), (5, 3, 3, 3, 0, 0.1), (8, 4, 4, 1, 2, 0.5)]  # T D E k cap alpha
    for i, (Tn, D, E, k, cap, alpha) in enumerate(cases):
        p = f"m{i}."
        x, wr, br = rnd(Tn, D), rnd(E, D), rnd(E, scale=0.2)
        we, be = rnd(E, D, D, scale=0.5), rnd(E, D, scale=0.1)
        logits = x @ wr.T + br
        probs = torch.softmax(logits, -1)
        top = torch.topk(probs.detach(), k, dim=-1)
        assert (top.values[:, :-1] > top.values[:, 1:]).all() if k > 1 else True
        idx = top.indices
        sel = probs.gather(1, idx)
        gate = sel / sel.sum(1, keepdim=True)
        counts = torch.zeros(E, dtype=D64)
        for e in range(E):
            counts[e] = (idx == e).sum()
        frac = counts / (Tn * k)
        meanp = probs.mean(0)
        aux = E * (frac * meanp).sum()
        # dispatch: first choices of all tokens, then second choices, ...
        pos = torch.full((Tn, k), -1, dtype=torch.long)
        cnt = [0] * E
        for j in range(k):
            for t in range(Tn):
                e = int(idx[t, j])
                if cap == 0 or cnt[e] < cap:
                    pos[t, j] = cnt[e]
                    cnt[e] += 1
        rows = []
        for t in range(Tn):
            acc = torch.zeros(D, dtype=D64)
            for j in range(k):
                if pos[t, j] >= 0:
                    e = int(idx[t, j])
                    acc = acc + gate[t, j] * (we[e] @ x[t] + be[e])
            rows.append(acc)
        y = torch.stack(rows)
        dy = rnd(Tn, D).detach()
        named = {"x": x, "wr": wr, "br": br, "we": we, "be": be}
        for t in named.values():
            t.grad = None
        ((y * dy).sum() + alpha * aux).backward()
        P.update({p + "T": Tn, p + "D": D, p + "E": E, p + "k": k, p + "cap": cap,
                  p + "alpha": alpha})
        T.update({p + "logits": logits, p + "probs": probs, p + "idx": idx.to(D64),
                  p + "gate": gate, p + "frac": frac, p + "mean_prob": meanp,
                  p + "aux": aux.reshape(1), p + "pos": pos.to(D64),
                  p + "count": torch.tensor(cnt, dtype=D64), p + "y": y, p + "dy": dy})
        for kk, t in named.items():
            T[p + kk] = t
            T[p + "d" + kk] = t.grad
    P["cases"] = len(cases)
    return T, P


def main():
    torch.manual_seed(1234)
    for name, fn in (("conv", conv_fixture), ("attention", attention_fixture),
                     ("rnn", rnn_fixture), ("diffusion", diffusion_fixture),
                     ("moe", moe_fixture)):
        tensors, params = fn()
        path = os.path.join(OUT, name + ".json")
        write_fixture(path, name, tensors, params)
        kb = os.path.getsize(path) / 1024
        print(f"{path}: {len(tensors)} tensors, {kb:.0f} KB")
        assert kb < 300, path


if __name__ == "__main__":
    main()
