#!/usr/bin/python3
"""The model benchmarks' torch side: writes the benchmark model folders, and times the same
forward pass in torch (one thread, float32, attention, q/k/v and the layers' inputs kept, as
attnscope-bench-model keeps them).

  bench_torch_model.py --write DIR              writes DIR/gpt2 and DIR/llama (config.json and
                                                model.safetensors, float32, random weights)
  bench_torch_model.py --models DIR [--json] [--repeat N]
                                                times each model at T = 256 and 1024

The forward passes are the references of tests/fixtures/gen_models.py (Hugging Face's eager
attention, written in torch); the input ids are (7919·i + 13) mod 1024, as in the C++ benchmark.
"""

import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "tests", "fixtures"))
import gen_models  # noqa: E402
import model_fixture_lib as lib  # noqa: E402

VOCAB = 1024
CONFIGS = {
    "gpt2": {"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024,
             "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "vocab_size": VOCAB},
    "llama": {"model_type": "llama", "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
              "num_key_value_heads": 4, "head_dim": 64, "intermediate_size": 2048, "hidden_act": "silu",
              "max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "vocab_size": VOCAB},
}
MAKERS = {"gpt2": (gen_models.gpt2_weights, gen_models.gpt2_forward),
          "llama": (gen_models.llama_weights, gen_models.llama_forward)}


def write(root):
    for seed, (name, config) in enumerate(CONFIGS.items()):
        torch.manual_seed(seed)
        weights = MAKERS[name][0](config)
        # HF-like scale for a model this wide: activations stay moderate, nothing overflows.
        weights = {k: (v * 0.1 if v.dim() >= 2 and "embed" not in k and not k.startswith("w") else v)
                   for k, v in weights.items()}
        folder = os.path.join(root, name)
        lib.write_weights(folder, weights)
        lib.write_json(os.path.join(folder, "config.json"), config)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32"
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data, dtype="<f4", count=(end - b) // 4, offset=8 + n + b)
                                     .reshape(e["shape"]).copy())
    return out


def time_models(root, repeat):
    torch.set_num_threads(1)
    results = []
    for name in CONFIGS:
        folder = os.path.join(root, name)
        with open(os.path.join(folder, "config.json")) as f:
            config = json.load(f)
        weights = read_safetensors(os.path.join(folder, "model.safetensors"))
        forward = MAKERS[name][1]
        for T in (256, 1024):
            ids = torch.tensor([(7919 * i + 13) % VOCAB for i in range(T)])
            samples = []
            with torch.no_grad():
                forward(weights, config, ids)  # warm-up
                for _ in range(repeat):
                    start = time.perf_counter()
                    ref = forward(weights, config, ids)
                    samples.append((time.perf_counter() - start) * 1e3)
                    del ref
            results.append({"model": name, "T": T, "samples_ms": samples})
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--write", metavar="DIR")
    p.add_argument("--models", metavar="DIR")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    if a.write:
        write(a.write)
    if a.models:
        results = time_models(a.models, a.repeat)
        info = {"torch": torch.__version__, "threads": torch.get_num_threads(),
                "blas": torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0]}
        if a.json:
            print(json.dumps({"info": info, "results": results}))
        else:
            for r in results:
                print("torch %s T=%d: median %.1f ms" % (r["model"], r["T"], sorted(r["samples_ms"])[len(r["samples_ms"]) // 2]))


if __name__ == "__main__":
    main()
