"""check_attention_cross: recompute the attention scene's cross-attention
(beat 10) with PyTorch and compare.

    ./build/tensorstage dump attention --beat 10 --out /tmp/a10.json
    python3 tools/check_attention_cross.py /tmp/a10.json

Queries from cross.x_dec, keys and values from cross.x_enc, through the
scene's W_q, W_k, W_v, W_o (nn.Linear [out, in], no biases), per head:
softmax(Q K^T * scale / temperature) V; the heads concatenated times W_o^T.
F.multi_head_attention_forward with query != key is the reference (the
scene computes it as self-attention over [decoder; encoder] with the
decoder's keys padded). Compares cross.Q, cross.K, cross.V, cross.weights
and cross.out; exit 0 when every max |diff| <= 1e-4.
"""
import json
import sys

import torch
import torch.nn.functional as F

TOL = 1e-4


def t(d, name):
    e = d["tensors"][name]
    return torch.tensor(e["data"], dtype=torch.float64).reshape(e["shape"])


def main(path):
    with open(path) as f:
        d = json.load(f)
    p = d["params"]
    H, D = int(p["heads"]), int(p["d"])
    K = D // H
    xd, xe = t(d, "cross.x_dec"), t(d, "cross.x_enc")
    wq, wk, wv, wo = (t(d, n) for n in ("W_q", "W_k", "W_v", "W_o"))
    mult = float(p["scale"]) / float(p["temperature"] or 1)
    q = (xd @ wq.T).reshape(-1, H, K).transpose(0, 1)
    k = (xe @ wk.T).reshape(-1, H, K).transpose(0, 1)
    v = (xe @ wv.T).reshape(-1, H, K).transpose(0, 1)
    w = torch.softmax(q @ k.transpose(1, 2) * mult, -1)
    out = (w @ v).transpose(0, 1).reshape(-1, D) @ wo.T
    # the same through PyTorch's own multi-head attention when the scale is 1/sqrt(d_k)
    report = {"cross.Q": q, "cross.K": k, "cross.V": v, "cross.weights": w, "cross.out": out}
    if abs(mult - K ** -0.5) < 1e-9:
        ref, refw = F.multi_head_attention_forward(
            xd.unsqueeze(1), xe.unsqueeze(1), xe.unsqueeze(1), D, H, torch.cat([wq, wk, wv]), None, None, None,
            False, 0.0, wo, None, need_weights=True, average_attn_weights=False)
        report["cross.out (nn.MultiheadAttention)"] = ref[:, 0]
        report["cross.weights (nn.MultiheadAttention)"] = refw[0]
    worst = 0.0
    for name, ref in report.items():
        got = t(d, name.split(" ")[0])
        diff = (got - ref.reshape(got.shape)).abs().max().item()
        worst = max(worst, diff)
        print(f"  {name:40s} max |diff| {diff:.3g}")
    print(f"{path}: decoder '{p['cross.decoder']}', encoder '{p['cross.encoder']}': "
          f"max |diff| {worst:.3g} ({'ok' if worst <= TOL else 'FAIL'}, tolerance {TOL})")
    return 0 if worst <= TOL else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
