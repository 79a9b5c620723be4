"""check_safetensors: load every assets/*.safetensors in PyTorch and compare
it with the app's dump of the scene that shows those weights.

    /usr/bin/python3 tools/check_safetensors.py [--bin build/tensorstage] [FILE ...]

Loading: with `safetensors.torch.load_file` when the safetensors package is
importable. Debian 12 has no python3-safetensors, so otherwise the file is
read here with the standard library (struct, json) and torch.frombuffer,
following the format (8-byte little-endian header length, JSON header,
little-endian data) and checking what load_file checks: known dtypes,
shape x itemsize = byte count, tensors tiling the data exactly. The first
line says which loader ran.

Comparing: for each file in CHECKS the script runs `tensorstage dump` on
the scene (or preset) and beat listed there, and every weight the dump shows
must equal the file's tensor of that name bit for bit as float32, shape
included; at least one must be shown. A file not in CHECKS is loaded and
listed but fails the run: add its scene when a trainer adds a file.
Exit code 0 when every file loads and matches, 1 otherwise.
"""
import argparse
import glob
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# file stem -> (scene or preset, beat, dump name -> file name given the dump's params)
CHECKS = {
    "attention-reverse": ("scenes/attention-trained.scene", 1, lambda n, p: n),
    "attention-story": ("scenes/attention.scene", 1, lambda n, p: n),
    "batchnorm": ("batchnorm", 4, lambda n, p: n),   # beat 4 shows the shipped trained state
    "cnn-weights": ("cnn", 1, lambda n, p: n),
    "diffusion-digits": ("diffusion", 1, lambda n, p: n),
    "lstm-memory": ("lstm", 1, lambda n, p: "L%d.%s" % (int(p["model_length"]), n)),
    "moe-weights": ("moe", 1, lambda n, p: n),
    "residual": ("residual", 5, lambda n, p: n),   # beat 5 shows the shipped trained state
    "vit": ("vit", 1, lambda n, p: n),
}

DTYPES = {"F64": (torch.float64, 8), "F32": (torch.float32, 4), "F16": (torch.float16, 2),
          "BF16": (torch.bfloat16, 2), "I64": (torch.int64, 8), "I32": (torch.int32, 4),
          "I16": (torch.int16, 2), "I8": (torch.int8, 1), "U8": (torch.uint8, 1), "BOOL": (torch.bool, 1)}


def load_stdlib(path):
    """(tensors, metadata) of a safetensors file, read without the package."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        raise ValueError("shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > len(buf) - 8:
        raise ValueError("header length %d runs past the file" % n)
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    data = buf[8 + n:]
    meta = header.pop("__metadata__", {})
    spans, out = [], {}
    for name, e in header.items():
        dtype, size = DTYPES[e["dtype"]]
        b, end = e["data_offsets"]
        count = 1
        for d in e["shape"]:
            count *= d
        if count * size != end - b or not 0 <= b <= end <= len(data):
            raise ValueError("tensor %s: shape %s does not fit data_offsets %s" % (name, e["shape"], [b, end]))
        spans.append((b, end, name))
        raw = bytearray(data[b:end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        if sys.byteorder != "little" and size > 1:
            t = t.view(torch.uint8).view(-1, size).flip(1).reshape(-1).view(dtype)
        out[name] = t.reshape(e["shape"])
    at = 0
    for b, end, name in sorted(spans):
        if b != at:
            raise ValueError("tensor %s starts at %d, expected %d (gap or overlap)" % (name, b, at))
        at = end
    if at != len(data):
        raise ValueError("%d bytes after the last tensor" % (len(data) - at))
    return out, meta


def loader():
    try:
        from safetensors import safe_open
        from safetensors.torch import load_file

        def load(path):
            with safe_open(path, framework="pt") as f:
                meta = f.metadata() or {}
            return load_file(path), meta
        return "safetensors.torch.load_file", load
    except ImportError:
        return "the standard library and torch.frombuffer (no safetensors package installed)", load_stdlib


def app_dump(binary, scene, beat):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", MESA_GL_VERSION_OVERRIDE="3.3",
               LIBGL_ALWAYS_SOFTWARE="1")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "dump.json")
        subprocess.run([binary, "dump", scene, "--beat", str(beat), "--out", out],
                       check=True, cwd=ROOT, env=env)
        with open(out) as f:
            return json.load(f)


def check(path, binary, load):
    stem = os.path.basename(path)[:-len(".safetensors")]
    tensors, meta = load(path)
    print("%s: %d tensors, %d floats; metadata %s" % (os.path.relpath(path, ROOT), len(tensors),
          sum(t.numel() for t in tensors.values()), ", ".join(sorted(meta)) or "none"))
    if stem not in CHECKS:
        print("  FAIL: no scene listed in CHECKS for this file")
        return False
    scene, beat, rename = CHECKS[stem]
    dump = app_dump(binary, scene, beat)
    shown = 0
    ok = True
    for name, e in dump["tensors"].items():
        want = rename(name, dump["params"])
        if want not in tensors:
            continue
        got = torch.tensor(e["data"], dtype=torch.float32).reshape(e["shape"])
        t = tensors[want]
        same = t.dtype == torch.float32 and t.shape == got.shape and torch.equal(
            t.view(torch.int32), got.view(torch.int32))
        shown += 1
        if not same:
            ok = False
            print("  FAIL: %s (dump %s) differs: file %s %s, dump %s" % (want, name, tuple(t.shape), t.dtype,
                                                                      tuple(got.shape)))
    if shown == 0:
        print("  FAIL: the dump of %s at beat %d shows none of these tensors" % (scene, beat))
        return False
    print("  %d tensors equal, bit for bit, to the dump of %s at beat %d" % (shown, scene, beat)
          if ok else "  FAIL")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "tensorstage"))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "assets", "*.safetensors")))
    how, load = loader()
    print("loading with", how)
    if not files:
        print("no assets/*.safetensors")
        return 1
    ok = all([check(os.path.abspath(p), args.bin, load) for p in files])
    print("all files load and match" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
