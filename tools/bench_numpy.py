#!/usr/bin/python3
"""numpy reference timing of the attention pipeline (float32, one head, Tq = Tk = T, d = 64).

    S = Q @ K.T; S *= scale; S -= S.max(1, keepdims=True); np.exp(S, out=S)
    S /= S.sum(1, keepdims=True); O = S @ V

Times are taken inside this warm process (after warm-up runs), per size: the median of
--repeat runs, wall clock (perf_counter) and thread CPU time. Run with OPENBLAS_NUM_THREADS=1
for one-thread figures (tools/run-benchmarks does). Prints JSON (--json) or a table, and says
which BLAS library and OpenBLAS kernel (core) numpy uses.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time

import numpy as np


def blas_info():
    """The BLAS numpy loaded: library path, OpenBLAS core name, config and threads."""
    info = {"numpy": np.__version__}
    try:  # threadpoolctl, when installed, reports the same things
        from threadpoolctl import threadpool_info  # type: ignore
        info["threadpoolctl"] = threadpool_info()
    except ImportError:
        pass
    libs = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if ("blas" in path or "lapack" in path) and path not in libs:
                libs.append(path)
    info["loaded_libraries"] = libs
    for path in libs:
        if "openblas" not in path:
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name, key in (("openblas_get_corename", "openblas_core"), ("openblas_get_config", "openblas_config")):
            if hasattr(lib, name):
                fn = getattr(lib, name)
                fn.restype = ctypes.c_char_p
                info[key] = fn().decode()
        if hasattr(lib, "openblas_get_num_threads"):
            info["openblas_threads"] = lib.openblas_get_num_threads()
        break
    info["env"] = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    return info


def pipeline(q, k, v, scale):
    s = q @ k.T
    s *= scale
    s -= s.max(1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(1, keepdims=True)
    return s @ v


def time_size(t, d, repeat, warmup, rng):
    q = rng.standard_normal((t, d), dtype=np.float32)
    k = rng.standard_normal((t, d), dtype=np.float32)
    v = rng.standard_normal((t, d), dtype=np.float32)
    scale = np.float32(1.0 / np.sqrt(d))
    for _ in range(warmup):
        pipeline(q, k, v, scale)
    # Short sizes: enough runs to fill ~0.3 s per sample, like Google Benchmark's iterations.
    t0 = time.perf_counter()
    pipeline(q, k, v, scale)
    once = time.perf_counter() - t0
    inner = max(1, int(0.3 / max(once, 1e-6)))
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.thread_time()
        for _ in range(inner):
            out = pipeline(q, k, v, scale)
        wall.append((time.perf_counter() - w0) / inner)
        cpu.append((time.thread_time() - c0) / inner)
    assert out.shape == (t, d) and out.dtype == np.float32
    flops = 4.0 * t * t * d
    ms = statistics.median(wall) * 1e3
    return {
        "T": t, "d": d, "repeat": repeat, "inner": inner,
        "median_ms": ms, "median_cpu_ms": statistics.median(cpu) * 1e3,
        "min_ms": min(wall) * 1e3, "samples_ms": [x * 1e3 for x in wall],
        "gflops": flops / (ms * 1e-3) * 1e-9,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="256,1024,4096", help="comma-separated T values")
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=5, help="timed samples per size (median reported)")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    info = blas_info()
    try:
        info["madvise_hugepage"] = bool(np.core.multiarray._get_madvise_hugepage())
    except AttributeError:
        pass
    results = [time_size(int(t), args.d, args.repeat, args.warmup, rng) for t in args.sizes.split(",")]
    if args.json:
        json.dump({"blas": info, "results": results}, sys.stdout, indent=1)
        print()
        return
    print(f"numpy {info['numpy']}, BLAS: {', '.join(info['loaded_libraries']) or 'unknown'}")
    if "openblas_core" in info:
        print(f"OpenBLAS core: {info['openblas_core']} ({info.get('openblas_config', '')}), "
              f"threads {info.get('openblas_threads')}")
    print(f"{'T':>6} {'median ms':>10} {'cpu ms':>10} {'GFLOP/s':>8}")
    for r in results:
        print(f"{r['T']:>6} {r['median_ms']:>10.3f} {r['median_cpu_ms']:>10.3f} {r['gflops']:>8.1f}")


if __name__ == "__main__":
    main()
