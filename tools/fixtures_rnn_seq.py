"""fixtures_rnn_seq: PyTorch references for whole sequences through the
recurrent cells (rnn.h "sequences": ts_*_seq_forward / ts_*_seq_backward).

    /usr/bin/python3 tools/fixtures_rnn_seq.py      # from the repository root

writes tests/fixtures/rnn_seq.json (dump format, tools/fixture_io.py). Each
case q<i> runs one torch.nn.RNN / nn.LSTM / nn.GRU (one layer, sequence
first) in float64 from float32 inputs. The forward is checked once over the
whole sequence (nn.X(x, h0)), then the same module is stepped one time step
at a time so that each state h_t is a node of its own: the loss
    L = sum_t <h_t, dh_up[t]> (+ sum_t <c_t, dc_up[t]> for the LSTM)
is backpropagated and h_t.grad is the TOTAL gradient dL/dh_t through every
later step, which the kernel returns in dh_total. c_t.grad (dc_total) is, as
for nn.LSTM's c_n, the gradient reaching c_t from later steps and dc_up, not
the part through h_t. Cases with "last" set put
the upstream gradient on the last step only (a loss read at the end, as in
the lstm scene). Clamped LSTM cases replace a gate by a constant and unroll
the same equations by hand (nn.LSTM has no clamp), checked to agree with
nn.LSTM when nothing is clamped.

Params per case: q<i>.kind (0 rnn, 1 lstm, 2 gru), .T .B .I .H, .last,
.clamp_on<k>, .clamp_value<k> (k = 0 i, 1 f, 2 g, 3 o); "cases" counts them.
Tensors per case: x, h0, (c0), w_ih, w_hh, b_ih, b_hh, dh_up, (dc_up), h, (c),
gates [T,B,G*H], (hn), dh_total, (dc_total), dx, dh0, (dc0), dw_ih, dw_hh,
db_ih, db_hh.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import write_fixture  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
D64 = torch.float64
KINDS = {"rnn": (0, 1, torch.nn.RNN), "lstm": (1, 4, torch.nn.LSTM), "gru": (2, 3, torch.nn.GRU)}


def rnd(*shape, scale=1.0):
    """float32-representable random values, as float64 leaf tensors."""
    return (torch.randn(*shape) * scale).to(torch.float32).to(D64).requires_grad_(True)


def step_manual(kind, x, h, c, wih, whh, bih, bhh, H, clamp):
    """One step by the equations; returns h', c', gates, hn."""
    gi, gh = x @ wih.T + bih, h @ whh.T + bhh
    if kind == "rnn":
        return torch.tanh(gi + gh), None, None, None
    if kind == "lstm":
        a = gi + gh
        acts = [torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H]),
                torch.tanh(a[:, 2 * H:3 * H]), torch.sigmoid(a[:, 3 * H:])]
        for k in range(4):
            if clamp[k] is not None:
                acts[k] = torch.full_like(acts[k], clamp[k])
        i, f, g, o = acts
        c1 = f * c + i * g
        # the state passed on is a node of its own (as nn.LSTM's c_n), so its
        # .grad is what reaches c_t from later steps, not through h_t
        return o * torch.tanh(c1), c1.clone(), torch.cat(acts, 1), None
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    hn = gh[:, 2 * H:]
    n = torch.tanh(gi[:, 2 * H:] + r * hn)
    return (1 - z) * n + z * h, None, torch.cat([r, z, n], 1), hn


def seq_case(kind, T, B, I, H, last, clamp, scale_w):
    kid, G, Mod = KINDS[kind]
    x = rnd(T, B, I)
    h0 = rnd(B, H, scale=0.5)
    c0 = rnd(B, H, scale=0.5) if kind == "lstm" else None
    wih, whh = rnd(G * H, I, scale=scale_w), rnd(G * H, H, scale=scale_w)
    bih, bhh = rnd(G * H, scale=0.3), rnd(G * H, scale=0.3)
    named = {"x": x, "h0": h0, "w_ih": wih, "w_hh": whh, "b_ih": bih, "b_hh": bhh}
    if c0 is not None:
        named["c0"] = c0
    dh_up = torch.randn(T, B, H).to(torch.float32).to(D64)
    if last:
        dh_up[:-1] = 0
    dc_up = None
    if kind == "lstm" and not last:
        dc_up = torch.randn(T, B, H).to(torch.float32).to(D64)

    # the module holds copies of the weights; its parameters' gradients are
    # the weight gradients (clamped cases use the leaves themselves)
    mod = Mod(I, H).to(D64)
    params = {"w_ih": mod.weight_ih_l0, "w_hh": mod.weight_hh_l0,
              "b_ih": mod.bias_ih_l0, "b_hh": mod.bias_hh_l0}
    with torch.no_grad():
        for k, v in params.items():
            v.copy_(named[k])
    run = mod

    hs, cs, gates, hns = [], [], [], []
    h, c = h0, c0
    for t in range(T):
        if any(v is not None for v in clamp):
            h, c, g, hn = step_manual(kind, x[t], h, c, wih, whh, bih, bhh, H, clamp)
        else:
            # the module itself, one step; gates and hn by the equations,
            # which must give the module's state
            state = (h[None], c[None]) if kind == "lstm" else h[None]
            _, st = run(x[t:t + 1], state)
            hm, cm = (st[0][0], st[1][0]) if kind == "lstm" else (st[0], None)
            he, ce, g, hn = step_manual(kind, x[t], h, c, wih, whh, bih, bhh, H, clamp)
            assert torch.allclose(he, hm, atol=1e-12)
            h, c = hm, cm
        h.retain_grad()
        hs.append(h)
        if c is not None:
            c.retain_grad()
            cs.append(c)
        gates.append(g)
        hns.append(hn)

    if not any(v is not None for v in clamp):
        with torch.no_grad():   # the whole-sequence module agrees with the steps
            init = (h0[None], c0[None]) if kind == "lstm" else h0[None]
            out, _ = run(x, init)
            assert torch.allclose(out, torch.stack(hs), atol=1e-12), kind

    loss = sum((hs[t] * dh_up[t]).sum() for t in range(T))
    if dc_up is not None:
        loss = loss + sum((cs[t] * dc_up[t]).sum() for t in range(T))
    loss.backward()

    out = {k: v for k, v in named.items()}
    out.update({"dh_up": dh_up, "h": torch.stack(hs),
                "dh_total": torch.stack([v.grad for v in hs])})
    clamped = any(v is not None for v in clamp)
    for k, v in named.items():   # no grad: the input does not reach the loss
        if k in params and not clamped:
            v = params[k]
        out["d" + k] = v.grad if v.grad is not None else torch.zeros_like(v)
    if kind == "lstm":
        out["c"] = torch.stack(cs)
        out["dc_total"] = torch.stack([v.grad if v.grad is not None else torch.zeros_like(v)
                                       for v in cs])
        if dc_up is not None:
            out["dc_up"] = dc_up
    if kind != "rnn":
        out["gates"] = torch.stack(gates)
    if kind == "gru":
        out["hn"] = torch.stack(hns)
    par = {"kind": kid, "T": T, "B": B, "I": I, "H": H, "last": int(last),
           "dc_up": int(dc_up is not None)}
    for k in range(4):
        par[f"clamp_on{k}"] = int(clamp[k] is not None)
        par[f"clamp_value{k}"] = clamp[k] if clamp[k] is not None else 0.0
    return out, par


def main():
    torch.manual_seed(0)
    free = (None, None, None, None)
    cases = [
        # kind, T, B, I, H, last, clamp, weight scale
        ("rnn", 5, 2, 3, 4, False, free, 0.5),
        ("lstm", 5, 2, 3, 4, False, free, 0.5),
        ("gru", 5, 2, 3, 4, False, free, 0.5),
        ("rnn", 1, 1, 2, 3, False, free, 0.5),
        ("lstm", 1, 1, 2, 3, False, free, 0.5),
        ("gru", 1, 1, 2, 3, False, free, 0.5),
        ("rnn", 20, 1, 10, 8, True, free, 0.4),     # the scene's shape, loss at the end
        ("lstm", 20, 1, 10, 8, True, free, 0.4),
        ("gru", 20, 1, 10, 8, True, free, 0.4),
        ("lstm", 7, 2, 3, 4, False, (None, 0.5, None, None), 0.5),   # forget gate 0.5
        ("lstm", 7, 1, 3, 4, True, (0.0, None, None, 1.0), 0.5),     # input shut, output open
    ]
    T, P = {}, {}
    for i, (kind, *args) in enumerate(cases):
        out, par = seq_case(kind, *args)
        T.update({f"q{i}.{k}": v for k, v in out.items()})
        P.update({f"q{i}.{k}": v for k, v in par.items()})
    P["cases"] = len(cases)
    write_fixture(os.path.join(OUT, "rnn_seq.json"), "rnn_seq", T, P)
    print("wrote", os.path.join(OUT, "rnn_seq.json"), len(T), "tensors")


if __name__ == "__main__":
    main()
