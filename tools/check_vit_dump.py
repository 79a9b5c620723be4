"""check_vit_dump: recompute a vit scene dump with PyTorch and report the
largest difference per tensor.

    ./build/tensorstage dump vit --out /tmp/vit.json --beat 8
    /usr/bin/python3 tools/check_vit_dump.py /tmp/vit.json [more.json ...]

From the dump's inputs and parameters alone (image, patch_embed.*, cls_token,
pos_embed, blocks.L.* as nn.MultiheadAttention names them, norm.*, head.*,
the params patch, heads, layers, gelu, swin.window, swin.shift) it rebuilds
the network out of PyTorch modules: F.unfold for the patches, F.conv2d with
stride = kernel = patch for the tokens, pre-norm blocks of nn.LayerNorm(eps
1e-5), nn.MultiheadAttention (batch_first, its attention weights per head),
nn.GELU and nn.Linear, the final norm on the class token and the head; the
rollout of Abnar and Zuidema (heads averaged, identity added, rows
renormalised, multiplied over layers); and Swin's windowed attention as in
the Swin Transformer's code (torch.roll by -shift, window_partition, the
img_mask slices turned into a 0 / -100 mask, added to the scores, with the
swin.* weights). It compares patches, tokens, x0, blocks.L.attn_weights,
blocks.L.out, logits, probs, rollout, swin.mask, swin.attn and the extras
(patch_embed.conv, pos_embed.cosine, attn_distance) with the dumped ones.
Exit code 0 when every difference is within 1e-4 relative to the tensor's
largest magnitude (the mask exactly), 1 otherwise.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def tensors(d):
    return {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"])
            for k, v in d["tensors"].items()}


def mha(T, pre, D, heads):
    m = nn.MultiheadAttention(D, heads, batch_first=True)
    with torch.no_grad():
        m.in_proj_weight.copy_(T[pre + "attn.in_proj_weight"])
        m.in_proj_bias.copy_(T[pre + "attn.in_proj_bias"])
        m.out_proj.weight.copy_(T[pre + "attn.out_proj.weight"])
        m.out_proj.bias.copy_(T[pre + "attn.out_proj.bias"])
    return m


def norm(T, name, D):
    n = nn.LayerNorm(D, eps=1e-5)
    with torch.no_grad():
        n.weight.copy_(T[name + ".weight"])
        n.bias.copy_(T[name + ".bias"])
    return n


def linear(T, name):
    w = T[name + ".weight"]
    lin = nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        lin.weight.copy_(w)
        lin.bias.copy_(T[name + ".bias"])
    return lin


def swin_attention(T, P, D, heads, grid):
    """SwinTransformerBlock's attention on the [grid, grid] patch tokens."""
    M, s = int(P["swin.window"]), int(P["swin.shift"])
    x = T["swin.x"].reshape(1, grid, grid, D)
    h = norm(T, "swin.norm1", D)(x)
    if s:
        h = torch.roll(h, shifts=(-s, -s), dims=(1, 2))
    def partition(t):   # [1, G, G, C] -> [nW, M*M, C]
        C = t.shape[-1]
        t = t.view(1, grid // M, M, grid // M, M, C).permute(0, 1, 3, 2, 4, 5)
        return t.reshape(-1, M * M, C)
    nW = (grid // M) ** 2
    mask = torch.zeros(nW, M * M, M * M)
    if s:
        img = torch.zeros(1, grid, grid, 1)
        cnt = 0
        for hs in (slice(0, -M), slice(-M, -s), slice(-s, None)):
            for ws in (slice(0, -M), slice(-M, -s), slice(-s, None)):
                img[:, hs, ws, :] = cnt
                cnt += 1
        mw = partition(img).squeeze(-1)
        mask = mw.unsqueeze(1) - mw.unsqueeze(2)
        mask = mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)
    win = partition(h)
    m = mha(T, "swin.", D, heads)
    am = mask.repeat_interleave(heads, dim=0)
    _, w = m(win, win, win, attn_mask=am, need_weights=True, average_attn_weights=False)
    return mask, w


def check(path):
    d = json.load(open(path))
    T, P = tensors(d), d["params"]
    img = T["image"]
    p, heads, layers = int(P["patch"]), int(P["heads"]), int(P["layers"])
    assert P["gelu"] == "exact"
    D = T["patch_embed.bias"].shape[0]
    C, H, W = img.shape[1:]
    grid = H // p
    got = {}
    with torch.no_grad():
        got["patches"] = F.unfold(img, p, stride=p)[0].T
        conv = F.conv2d(img, T["patch_embed.weight"], T["patch_embed.bias"], stride=p)
        got["patch_embed.conv"] = conv
        tokens = conv.flatten(2).transpose(1, 2)
        got["tokens"] = tokens
        x = torch.cat([T["cls_token"], tokens], dim=1) + T["pos_embed"]
        got["x0"] = x
        att = []
        for L in range(layers):
            pre = f"blocks.{L}."
            h = norm(T, pre + "norm1", D)(x)
            a, w = mha(T, pre, D, heads)(h, h, h, need_weights=True, average_attn_weights=False)
            got[pre + "attn_weights"] = w[0]
            att.append(w[0])
            x = x + a
            mlp = nn.Sequential(linear(T, pre + "mlp.0"), nn.GELU(), linear(T, pre + "mlp.2"))
            x = x + mlp(norm(T, pre + "norm2", D)(x))
            got[pre + "out"] = x
        cls = norm(T, "norm", D)(x[:, 0])
        logits = linear(T, "head")(cls)
        got["logits"] = logits
        got["probs"] = logits.softmax(-1)
        R = None
        for w in att:
            A = w.mean(0) + torch.eye(w.shape[-1])
            A = A / A.sum(-1, keepdim=True)
            R = A if R is None else A @ R
        got["rollout"] = R
        pe = T["pos_embed"][0, 1:]
        got["pos_embed.cosine"] = F.cosine_similarity(pe[:, None], pe[None], dim=-1).reshape(-1, grid, grid)
        # mean attention distance: patch-to-patch weights renormalised, centre distances in pixels
        ys, xs = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
        pos = torch.stack([ys.flatten(), xs.flatten()], -1).float() * p
        dist = torch.cdist(pos, pos)
        md = torch.zeros(layers, heads)
        for L, w in enumerate(att):
            pw = w[:, 1:, 1:]
            pw = pw / pw.sum(-1, keepdim=True)
            md[L] = (pw * dist).sum(-1).mean(-1)
        got["attn_distance"] = md
        mask, sw = swin_attention(T, P, D, heads, grid)
        got["swin.mask"] = mask
        got["swin.attn"] = sw.reshape(-1, heads, sw.shape[-2], sw.shape[-1])
        if not torch.equal(T["swin.x"][0], T["x0"][0, 1:]):
            print(f"{path}: swin.x is not x0's patch tokens")
            return False
    ok = True
    for name, g in got.items():
        want = T[name]
        g = g.reshape(want.shape)
        diff = (g - want).abs().max().item()
        scale = max(want.abs().max().item(), 1e-6)
        tol = 0.0 if name == "swin.mask" else 1e-4 * scale
        good = diff <= tol
        ok &= good
        print(f"{path}: {name:24s} {list(want.shape)!s:18s} max |diff| {diff:.3g} {'ok' if good else 'FAIL'}")
    pred = int(P["prediction"])
    if pred != int(got["probs"].argmax()):
        print(f"{path}: prediction {pred} is not the argmax")
        ok = False
    return ok


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    ok = all([check(p) for p in sys.argv[1:]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
