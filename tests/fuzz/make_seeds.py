#!/usr/bin/python3
"""Writes the small seed corpora for the npz, safetensors and csv fuzz targets (committed; re-run
by hand when the formats change: /usr/bin/python3 tests/fuzz/make_seeds.py)."""
import io
import json
import os
import struct
import zipfile

import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(kind, name, data):
    os.makedirs(os.path.join(here, kind), exist_ok=True)
    with open(os.path.join(here, kind, name), "wb") as f:
        f.write(data)


def npz(compressed, **arrays):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, (dtype, arr) in tensors.items():
        raw = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


a = np.arange(12, dtype=np.float32).reshape(3, 4)
put("npz", "stored.npz", npz(False, a=a, b=np.array([True, False])))
put("npz", "deflated.npz", npz(True, attentions=np.full((1, 2, 3, 3), 1 / 3, np.float32),
                               tokens=np.array(["a", "中", "c"])))
put("npz", "truncated.npz", npz(True, a=a)[:-30])
put("safetensors", "two.safetensors", safetensors({"a": ("F32", a), "m": ("BOOL", np.array([1, 0], np.uint8))},
                                                  {"tokens": json.dumps(["x", "y", "z"])}))
put("safetensors", "f16.safetensors", safetensors({"h": ("F16", np.ones((2, 2), np.float16))}))
put("safetensors", "bad_offsets.safetensors", safetensors({"a": ("F32", a)})[:-4])
put("csv", "header.csv", b"# comment\nx,y,z\n1,2,3\n4.5,-6e2,nan\n")
put("csv", "ragged.csv", b"1,2\n3\n")
put("csv", "tabs.tsv", b"\xef\xbb\xbf1\t2\r\n3\t4\r\n")
