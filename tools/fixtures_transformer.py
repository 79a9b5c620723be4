"""fixtures_transformer: PyTorch references for the kernel's pre-norm
transformer encoder block and patch embedding (src/kernel/transformer.h).

    python3 tools/fixtures_transformer.py      # writes tests/fixtures/transformer.json

The block is written out of PyTorch modules, as ViT and nanoGPT build it:
    h = x + nn.MultiheadAttention(nn.LayerNorm(x)),
    out = h + Linear(GELU(Linear(nn.LayerNorm(h))))
Cases (prefix tK.): t0 two sequences, no mask; t1 causal with four heads;
t2 an additive float mask per sequence (Swin's 0 / -100 window mask);
t3 in_proj without bias. For each: the inputs, every weight under
nn.MultiheadAttention's names (in_proj_weight [3d, d] ...), the output,
the attention weights per head [B, heads, T, T], and the gradients of the
input and of every weight for loss = sum(out * g) with a random g.
Patch embedding (prefix pe.): an image, F.unfold's patches [N, C*P*P],
and F.conv2d with stride = kernel = P read as [N, D].
Seeded, so rerunning gives the same file.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_io import write_fixture


class Block(nn.Module):
    def __init__(self, d, heads, hidden, bias=True):
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True, bias=bias)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, d))

    def forward(self, x, mask):
        h = self.norm1(x)
        a, w = self.attn(h, h, h, attn_mask=mask, need_weights=True, average_attn_weights=False)
        x = x + a
        return x + self.mlp(self.norm2(x)), w


def block_case(prefix, B, T, d, heads, hidden, causal=False, bias_mask=False, bias=True):
    blk = Block(d, heads, hidden, bias)
    with torch.no_grad():   # non-trivial layer norm parameters
        for n in (blk.norm1, blk.norm2):
            n.weight.add_(0.3 * torch.randn(d))
            n.bias.add_(0.2 * torch.randn(d))
    x = torch.randn(B, T, d, requires_grad=True)
    mask = None
    out = {}
    if causal:
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    elif bias_mask:
        m = torch.zeros(B, T, T)
        for s in range(B):
            grp = torch.randint(0, 2, (T,))
            m[s] = torch.where(grp[:, None] == grp[None, :], 0.0, -100.0)
        out["score_bias"] = m
        mask = m.repeat_interleave(heads, dim=0)   # [B*heads, T, T]
    y, w = blk(x, mask)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    out.update({"x": x, "dout": g, "out": y, "attn_weights": w, "dx": x.grad})
    for name, p in blk.named_parameters():
        out[name] = p
        out[name + ".grad"] = p.grad
    params = {"B": B, "T": T, "d": d, "heads": heads, "hidden": hidden,
              "causal": int(causal), "score_bias": int(bias_mask), "bias": int(bias)}
    return ({f"{prefix}.{k}": v for k, v in out.items()},
            {f"{prefix}.{k}": v for k, v in params.items()})


def main():
    torch.manual_seed(27)
    tensors, params = {}, {}
    for args in (("t0", 2, 5, 8, 2, 16), ("t1", 1, 4, 8, 4, 12, True),
                 ("t2", 2, 4, 8, 2, 16, False, True), ("t3", 1, 3, 6, 3, 10, False, False, False)):
        t, p = block_case(*args)
        tensors.update(t)
        params.update(p)
    C, H, W, P, D = 2, 8, 12, 4, 5
    img = torch.randn(C, H, W)
    wt = torch.randn(D, C, P, P) * 0.3
    b = torch.randn(D)
    patches = F.unfold(img[None], P, stride=P)[0].T            # [N, C*P*P]
    conv = F.conv2d(img[None], wt, b, stride=P)[0].flatten(1).T  # [N, D]
    tensors.update({"pe.image": img, "pe.patches": patches, "pe.weight": wt, "pe.bias": b,
                    "pe.conv": conv})
    params.update({"pe.C": C, "pe.H": H, "pe.W": W, "pe.P": P, "pe.D": D})
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "tests", "fixtures", "transformer.json")
    write_fixture(path, "transformer", tensors, params)
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
