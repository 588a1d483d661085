#!/usr/bin/env python3
"""mpi_close.py - for the mpi-* cases: a run under mpirun against the
one-process run, within floating-point reduction order (the gradients summed
in another order: each rank its micro-batches, then across the ranks).

  mpi_close.py weights A.safetensors B.safetensors TOL
      every F32 tensor of A and B (same names and shapes): prints the count
      and whether the largest absolute difference is <= TOL
  mpi_close.py log A.log B.log RTOL
      the NDJSON logs of lora-train --log: the same records (type, step,
      tokens, label_tokens, val_tokens) with loss, val_loss and grad_norm
      equal within relative RTOL; prints the count and each log's world_size
Exit 1 when not within. Python's standard library only.
"""
import json
import struct
import sys


def tensors(path):
    data = open(path, "rb").read()
    n = struct.unpack_from("<Q", data)[0]
    out = {}
    for k, v in json.loads(data[8:8 + n]).items():
        if k == "__metadata__":
            continue
        if v["dtype"] != "F32":
            sys.exit(f"{path}: {k}: {v['dtype']}, not F32")
        b, e = v["data_offsets"]
        raw = data[8 + n + b:8 + n + e]
        out[k] = (tuple(v["shape"]), struct.unpack(f"<{len(raw) // 4}f", raw))
    return out


def weights(a, b, tol):
    ta, tb = tensors(a), tensors(b)
    if sorted(ta) != sorted(tb):
        sys.exit("not the same tensors")
    worst, where = 0.0, ""
    for k in ta:
        if ta[k][0] != tb[k][0]:
            sys.exit(f"{k}: shapes differ")
        d = max((abs(x - y) for x, y in zip(ta[k][1], tb[k][1])), default=0.0)
        if d > worst:
            worst, where = d, k
    ok = worst <= tol
    print(f"{len(ta)} tensors, max abs diff {'<=' if ok else '>'} {tol}" + ("" if ok else f": {worst:g} in {where}"))
    return ok


def records(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def log(a, b, rtol):
    ra, rb = records(a), records(b)
    if len(ra) != len(rb):
        sys.exit(f"{len(ra)} records, {len(rb)}")
    bad = 0
    for x, y in zip(ra, rb):
        for k in ("type", "step", "tokens", "label_tokens", "val_tokens"):
            if x.get(k) != y.get(k):
                print(f"step {x.get('step')}: {k} {x.get(k)} vs {y.get(k)}")
                bad += 1
        for k in ("loss", "val_loss", "grad_norm"):
            if k in x or k in y:
                u, v = x.get(k), y.get(k)
                if u is None or v is None or abs(u - v) > rtol * max(abs(u), abs(v)):
                    print(f"step {x.get('step')}: {k} {u} vs {v}")
                    bad += 1
    ws = lambda r: sorted({z.get("world_size") for z in r}, key=str)
    print(f"{len(ra)} records, {'equal' if not bad else 'NOT equal'} within rtol {rtol}; world_size {ws(ra)} and {ws(rb)}")
    return bad == 0


if __name__ == "__main__":
    mode, a, b, tol = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    sys.exit(0 if (weights if mode == "weights" else log)(a, b, tol) else 1)
