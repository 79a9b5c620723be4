"""fixtures_dense: PyTorch reference values for the dense ops of src/kernel/nn.h
and the optimisers of src/kernel/optim.h, written to tests/fixtures/dense.json.

Run from anywhere with an interpreter that has torch:
    /usr/bin/python3 tools/fixtures_dense.py
The seed is fixed, so the output only changes when this script does.

Each case is a group of tensors named CASE.FIELD: the inputs, the output
("out"), a random upstream gradient ("dout") and the gradients autograd
gives for it ("dx", "dw", ...). Integer inputs (class targets, embedding
ids) are stored as floats. Awkward shapes are included on purpose: 1x1,
batch 1, a fully masked softmax row, large logits.
tests/kernel/test_dense.c reads every case.
"""
import os

import torch
import torch.nn.functional as F

from fixture_io import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "dense.json")

torch.manual_seed(1234)
T = {}


def put(case, **tensors):
    for k, v in tensors.items():
        name = f"{case}.{k}"
        assert len(name) < 48, name
        T[name] = v


def leaf(t):
    return t.clone().detach().requires_grad_(True)


def randn(*shape):
    return torch.randn(*shape)


def linear_case(case, B, C, OC, bias=True):
    x, w = leaf(randn(B, C)), leaf(randn(OC, C) * 0.5)
    b = leaf(randn(OC)) if bias else None
    y = F.linear(x, w, b)
    dy = randn(B, OC)
    y.backward(dy)
    put(case, x=x, w=w, out=y, dout=dy, dx=x.grad, dw=w.grad)
    if bias:
        put(case, b=b, db=b.grad)


def matmul_case(case, M, K, N):
    a, b = leaf(randn(M, K)), leaf(randn(K, N))
    y = a @ b
    dy = randn(M, N)
    y.backward(dy)
    put(case, a=a, b=b, out=y, dout=dy, da=a.grad, db=b.grad)


def binary_case(case, fn, shape):
    a, b = leaf(randn(*shape)), leaf(randn(*shape))
    y = fn(a, b)
    dy = randn(*shape)
    y.backward(dy)
    put(case, a=a, b=b, out=y, dout=dy, da=a.grad, db=b.grad)


def unary_case(case, fn, x):
    x = leaf(x)
    y = fn(x)
    dy = randn(*x.shape)
    y.backward(dy)
    put(case, x=x, out=y, dout=dy, dx=x.grad)


def softmax_case(case, x, mask=None):
    """mask: 1 keep, 0 masked out. A fully masked row gives zeros (the
    kernel's documented choice; PyTorch would give NaN), built here without
    NaN so the gradients stay defined: such rows are softmaxed unmasked and
    then replaced by zeros, which stops their gradient."""
    x = leaf(x)
    if mask is None:
        y = torch.softmax(x, dim=-1)
    else:
        dead = (mask == 0).all(dim=-1, keepdim=True)
        keep = (mask != 0) | dead
        z = x.masked_fill(~keep, float("-inf"))
        y = torch.where(dead, torch.zeros_like(x), torch.softmax(z, dim=-1))
    dy = randn(*x.shape)
    y.backward(dy)
    put(case, x=x, out=y, dout=dy, dx=x.grad)
    if mask is not None:
        put(case, mask=mask)


def logsoftmax_case(case, x):
    unary_case(case, lambda t: F.log_softmax(t, dim=-1), x)


def ce_case(case, logits, targets):
    x = leaf(logits)
    loss = F.cross_entropy(x, targets)
    dloss = torch.tensor(0.7)
    loss.backward(dloss)
    put(case, x=x, targets=targets.float(), loss=loss.reshape(1),
        dloss=dloss.reshape(1), dx=x.grad)


def layernorm_case(case, N, C):
    x = leaf(randn(N, C) * 2 + 1)
    w, b = leaf(1 + 0.3 * randn(C)), leaf(0.3 * randn(C))
    y = F.layer_norm(x, (C,), w, b, eps=1e-5)
    dy = randn(N, C)
    y.backward(dy)
    put(case, x=x, w=w, b=b, out=y, dout=dy, dx=x.grad, dw=w.grad, db=b.grad)


def batchnorm_case(case, shape, training):
    C = shape[1]
    x = leaf(randn(*shape) * 1.5 + 0.5)
    w, b = leaf(1 + 0.3 * randn(C)), leaf(0.3 * randn(C))
    rm0, rv0 = 0.2 * randn(C), 1 + 0.5 * torch.rand(C)
    rm, rv = rm0.clone(), rv0.clone()
    y = F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.1, eps=1e-5)
    dy = randn(*shape)
    y.backward(dy)
    put(case, x=x, w=w, b=b, rm0=rm0, rv0=rv0, rm=rm, rv=rv, out=y, dout=dy,
        dx=x.grad, dw=w.grad, db=b.grad)


def embedding_case(case, V, C, ids):
    w = leaf(randn(V, C))
    y = F.embedding(ids, w)
    dy = randn(*y.shape)
    y.backward(dy)
    put(case, w=w, ids=ids.float(), out=y, dout=dy, dw=w.grad)


def optim_case(case, make, steps=4, n=6):
    p = torch.nn.Parameter(randn(n))
    p0 = p.detach().clone()
    opt = make([p])
    grads = randn(steps, n)
    after = []
    for k in range(steps):
        p.grad = grads[k].clone()
        opt.step()
        after.append(p.detach().clone())
    put(case, p0=p0, g=grads, p=torch.stack(after))


# ---- linear / matmul ----
linear_case("linear", 4, 3, 5)
linear_case("linear_1x1", 1, 1, 1)
linear_case("linear_nobias", 2, 7, 3, bias=False)
matmul_case("matmul", 3, 4, 2)
matmul_case("matmul_1x1", 1, 1, 1)

# ---- elementwise ----
binary_case("add", torch.add, (2, 3))
binary_case("mul", torch.mul, (2, 3))
wide = torch.cat([randn(10) * 3, torch.tensor([0.0, -20.0, 20.0, -100.0, 100.0, 1e-4])])
unary_case("relu", torch.relu, wide)
unary_case("gelu", F.gelu, wide)
unary_case("sigmoid", torch.sigmoid, wide)
unary_case("tanh", torch.tanh, wide)
unary_case("relu_1", torch.relu, torch.tensor([0.5]))

# ---- softmax / log-softmax / cross-entropy ----
softmax_case("softmax", randn(3, 5) * 2)
mask = torch.tensor([[1, 1, 1, 1, 1],
                     [1, 0, 1, 0, 1],
                     [0, 0, 0, 0, 0],
                     [0, 0, 1, 0, 0]], dtype=torch.float32)
softmax_case("softmax_mask", randn(4, 5) * 2, mask)
softmax_case("softmax_big", torch.tensor([[1000.0, 999.0, -1000.0, 0.0],
                                          [-500.0, -501.0, -499.0, -502.0]]))
softmax_case("softmax_1x1", torch.tensor([[3.0]]))
logsoftmax_case("logsoftmax", randn(3, 4) * 2)
logsoftmax_case("logsoftmax_big", torch.tensor([[1000.0, 0.0, -1000.0],
                                                [88.0, 89.0, 90.0]]))
ce_case("ce", randn(5, 4) * 2, torch.tensor([0, 3, 1, 1, 2]))
ce_case("ce_b1", randn(1, 3), torch.tensor([2]))
ce_case("ce_big", torch.tensor([[1000.0, -1000.0, 0.0], [50.0, 60.0, 70.0]]),
        torch.tensor([1, 2]))
ce_case("ce_1x1", torch.tensor([[0.3]]), torch.tensor([0]))

# ---- normalisation ----
layernorm_case("layernorm", 3, 6)
layernorm_case("layernorm_1", 1, 4)
batchnorm_case("bn_train_ncs", (4, 3, 5), True)
batchnorm_case("bn_train_nc", (6, 2), True)
batchnorm_case("bn_eval_ncs", (2, 3, 4), False)

# ---- embedding / cosine ----
embedding_case("embedding", 6, 3, torch.tensor([1, 4, 1, 0, 5, 1]))
embedding_case("embedding_1", 1, 1, torch.tensor([0]))
ca, cb = randn(5, 4), randn(5, 4)
ca[1] = 0.0                      # zero vector: eps keeps it finite (0)
cb[2] = 3.0 * ca[2]              # parallel: 1
cb[3] = -ca[3]                   # anti-parallel: -1
put("cosine", a=ca, b=cb, out=F.cosine_similarity(ca, cb, dim=-1, eps=1e-8))

# ---- optimisers ----
optim_case("sgd", lambda p: torch.optim.SGD(p, lr=0.1))
optim_case("sgd_mom", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.01))
optim_case("adam", lambda p: torch.optim.Adam(p, lr=0.01))
optim_case("adam_wd", lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6,
                                                   weight_decay=0.1))

write_fixture(OUT, "dense", T, params={"torch": torch.__version__})
print(f"wrote {os.path.normpath(OUT)}: {len(T)} tensors, {os.path.getsize(OUT)} bytes")
