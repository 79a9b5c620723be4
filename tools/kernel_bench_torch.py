"""kernel_bench_torch: the ops of tools/kernel_bench.c in PyTorch (CPU), for
comparison.

    /usr/bin/python3 tools/kernel_bench_torch.py
        the PyTorch table: median us per call with 1 thread, with the default
        thread count and with one thread per core (each distinct count once)
    /usr/bin/python3 tools/kernel_bench_torch.py --kernel build-k2/kernel_bench
        also runs the C benchmark and prints both side by side, with the
        ratio kernel_us / torch_us (below 1: the kernel is faster)

Timing matches kernel_bench.c: warm up, then the median of 101 samples, each
sample running the op back to back enough times to take about 50 us. Sizes,
op names and what is timed are the same: backward rows time the backward
alone (torch.autograd.grad on a retained graph), forward rows run under
torch.no_grad(). The numbers include PyTorch's per-call dispatch overhead,
which is the point: these are the tiny sizes a scene computes every frame.
"""
import argparse
import math
import os
import statistics
import subprocess
import time

import torch
import torch.nn.functional as F

SAMPLES = 101


def bench(fn):
    for _ in range(20):
        fn()
    calls, t0 = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        t = time.perf_counter()
        if t - t0 >= 0.02:
            break
    per = (t - t0) / calls * 1e6
    reps = 1 if per >= 50 else int(50 / per) + 1
    samples = []
    for _ in range(SAMPLES):
        a = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - a) / reps * 1e6)
    return statistics.median(samples)


def make_ops():
    g = torch.Generator().manual_seed(1)

    def rnd(*shape, scale=1.0, grad=False):
        return (torch.randn(*shape, generator=g) * scale).requires_grad_(grad)

    ops = {}
    # conv 1x1x28x28, 8 filters 3x3, padding 1
    x, w, b = rnd(1, 1, 28, 28, grad=True), rnd(8, 1, 3, 3, scale=0.3, grad=True), \
        rnd(8, scale=0.1, grad=True)
    y = F.conv2d(x, w, b, padding=1)
    dy = rnd(*y.shape)

    def conv_fwd():
        with torch.no_grad():
            F.conv2d(x, w, b, padding=1)
    ops["conv2d_fwd_1x28x28_8x3x3"] = conv_fwd
    ops["conv2d_bwd_1x28x28_8x3x3"] = \
        lambda: torch.autograd.grad(y, (x, w, b), dy, retain_graph=True)

    # max pool 2x2 on 8x28x28
    xp = rnd(1, 8, 28, 28, grad=True)
    yp = F.max_pool2d(xp, 2)
    dyp = rnd(*yp.shape)

    def pool_fwd():
        with torch.no_grad():
            F.max_pool2d(xp, 2, return_indices=True)
    ops["maxpool2x2_fwd_8x28x28"] = pool_fwd
    ops["maxpool2x2_bwd_8x28x28"] = \
        lambda: torch.autograd.grad(yp, (xp,), dyp, retain_graph=True)

    # attention T=16 d=32 4 heads with biases, keeping the intermediates
    T, D, H = 16, 32, 4
    dk = D // H
    xa = rnd(T, D, grad=True)
    W = [rnd(D, D, scale=0.2, grad=True) for _ in range(4)]
    B = [rnd(D, scale=0.1, grad=True) for _ in range(4)]

    def attn(xa):
        q, k, v = (F.linear(xa, W[i], B[i]).view(T, H, dk).transpose(0, 1) for i in range(3))
        s = q @ k.transpose(1, 2) / math.sqrt(dk)
        wts = torch.softmax(s, -1)
        cat = (wts @ v).transpose(0, 1).reshape(T, D)
        return F.linear(cat, W[3], B[3])
    ya = attn(xa)
    dya = rnd(T, D)

    def attn_fwd():
        with torch.no_grad():
            attn(xa)
    ops["attention_fwd_T16_d32_h4"] = attn_fwd
    ops["attention_bwd_T16_d32_h4"] = \
        lambda: torch.autograd.grad(ya, [xa] + W + B, dya, retain_graph=True)

    # LSTM step, I = H = 32, batch 1
    cell = torch.nn.LSTMCell(32, 32)
    xl, hl, cl = rnd(1, 32), rnd(1, 32, scale=0.5), rnd(1, 32, scale=0.5)

    def lstm():
        with torch.no_grad():
            cell(xl, (hl, cl))
    ops["lstm_step_I32_H32"] = lstm

    # linear 784 -> 10 batch 1; softmax over 16
    xlin, wlin, blin = rnd(1, 784), rnd(10, 784, scale=0.05), rnd(10, scale=0.1)

    def linear():
        with torch.no_grad():
            F.linear(xlin, wlin, blin)
    ops["linear_784x10_b1"] = linear
    s16 = rnd(1, 16)

    def softmax():
        with torch.no_grad():
            torch.softmax(s16, -1)
    ops["softmax_16"] = softmax
    return ops


def torch_table():
    """{op: {threads: us}} for 1 thread, the default and every core."""
    default_threads = torch.get_num_threads()
    counts = sorted({1, default_threads, os.cpu_count() or 1})
    ops = make_ops()
    res = {}
    for threads in counts:
        torch.set_num_threads(threads)
        for name, fn in ops.items():
            res.setdefault(name, {})[threads] = bench(fn)
    torch.set_num_threads(default_threads)
    return res, counts, default_threads


def kernel_table(path):
    out = subprocess.run([path], check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2:
            res[parts[0]] = float(parts[1])
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", help="path of the kernel_bench executable to run alongside")
    args = ap.parse_args()
    kern = kernel_table(args.kernel) if args.kernel else None
    res, counts, default = torch_table()
    print(f"# torch {torch.__version__}, CPU, default threads {default}; "
          "ratio = kernel_us / torch_us (below 1: the kernel is faster)")
    head = f"{'op':28s}" + "".join(f" {f'torch_{n}t_us':>12s}" for n in counts)
    if kern:
        head += f" {'kernel_us':>12s}" + "".join(f" {f'ratio_{n}t':>9s}" for n in counts)
    print(head)
    for name, r in res.items():
        line = f"{name:28s}" + "".join(f" {r[n]:12.3f}" for n in counts)
        if kern and name in kern:
            k = kern[name]
            line += f" {k:12.3f}" + "".join(f" {k / r[n]:9.3f}" for n in counts)
        print(line)


if __name__ == "__main__":
    main()
