#!/usr/bin/python3
"""numpy reference for the streamed overview (issue 16): one head, float32, Tq = Tk = T, d = 64,
the softmax weights computed block of 256 query rows by block and max-pooled into a
min(T, 2048)² picture by the --bare rule (T a multiple of the side here, so the pixels are
equal blocks of cells), with the column sums — the same work as computeOverview:

    for each block:  S = Q[b] @ K.T * scale;  S -= S.max(1);  E = exp(S);  W = E / E.sum(1)
                     column_sums += W.sum(0);  bins[rows of b] = max over the cells of each pixel

OpenBLAS uses the threads of OPENBLAS_NUM_THREADS (numpy's exp and reductions run on one).
Prints JSON: the median wall time of --repeat runs per T, after one warm-up run.
"""
import argparse
import json
import statistics
import time

import numpy as np


def overview(q, k, side, block=256):
    t, d = q.shape
    scale = np.float32(1 / np.sqrt(d))
    per = t // side
    bins = np.empty((side, side), dtype=np.float32)
    sums = np.zeros(t)
    for r0 in range(0, t, block):
        s = q[r0:r0 + block] @ k.T
        s *= scale
        s -= s.max(1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(1, keepdims=True)
        sums += s.sum(0)
        n = s.shape[0]
        bins[r0 // per:(r0 + n) // per] = s.reshape(n // per, per, side, per).max(axis=(1, 3))
    return bins, sums


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[4096, 32768])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    out = {}
    for t in args.sizes:
        q = rng.random((t, 64), dtype=np.float32) * 2 - 1
        k = rng.random((t, 64), dtype=np.float32) * 2 - 1
        side = min(t, 2048)
        overview(q, k, side)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            overview(q, k, side)
            times.append((time.perf_counter() - start) * 1e3)
        out[str(t)] = {"median_ms": statistics.median(times), "samples_ms": times}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
