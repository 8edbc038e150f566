#!/usr/bin/python3
"""Dump the attention of a PyTorch model into an AttnScope bundle (docs/bundle-format.md).

A bundle is an .npz or .safetensors file holding

    attentions   float32 [L, H, Tq, Tk]   softmax weights; rows are queries, columns keys
    tokens       Tq strings               .npz: a <U… array; .safetensors: JSON in __metadata__
    key_tokens   Tk strings               optional, when the keys are not the queries
    q, k, v      float32 [L, H, T, d_head] optional, after the in-projection and the head split
    image_grid   int64 [2] = [rows, cols] optional: the keys are image patches

As a library:

    import dump_attention as da
    bundle = da.dump_encoder(encoder, x, tokens=["the", "cat", ...], causal=False)
    da.save_bundle("out.npz", **bundle)
    # or, with tensors of your own:
    da.save_bundle("out.safetensors", attentions, tokens=tokens, q=q, k=k, v=v)
    da.load_bundle("out.safetensors")   # a dict of numpy arrays and token lists

On the command line (a small random encoder on a toy tokenizer, deterministic per --seed):

    /usr/bin/python3 tools/dump_attention.py --demo OUT.npz [--layers 2 --heads 4 --d-model 32]
        [--text "the cat sat on the mat"] [--seed 0] [--causal] [--norm-first]

Written for torch ≥ 1.13 (Debian 12). torch 1.13's nn.TransformerEncoderLayer asks its
attention for no weights (need_weights=False) and, in eval mode, runs a fused kernel that never
calls self_attn at all, and forward hooks do not see keyword arguments. So the weights are not
taken from the model: each layer's input is captured with a forward pre-hook on the layer (its
only positional argument) and Q, K, V and the softmax weights are recomputed from
self_attn.in_proj_weight / in_proj_bias, exactly as nn.MultiheadAttention defines them.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import struct
import sys
import zlib
from typing import Dict, List, Optional, Sequence

import numpy as np

try:  # the bundle writer and reader work without torch
    import torch
    from torch import nn
except ImportError:  # pragma: no cover - torch is installed where the dumper is used
    torch = None
    nn = None

__all__ = [
    "save_bundle", "load_bundle", "write_safetensors", "read_safetensors",
    "mha_attention", "dump_encoder", "toy_tokenize", "build_demo", "main",
]

# ----------------------------------------------------------------------------------------------
# Writing and reading bundles (numpy only)

_ST_DTYPES = {
    np.dtype("float64"): "F64", np.dtype("float32"): "F32", np.dtype("float16"): "F16",
    np.dtype("int64"): "I64", np.dtype("int32"): "I32", np.dtype("int16"): "I16",
    np.dtype("int8"): "I8", np.dtype("uint8"): "U8", np.dtype("bool"): "BOOL",
}
_ST_NUMPY = {v: k for k, v in _ST_DTYPES.items()}


def _to_numpy(a) -> np.ndarray:
    if torch is not None and isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    return np.asarray(a)


def write_safetensors(path: str, tensors: Dict[str, np.ndarray], metadata: Optional[Dict[str, str]] = None) -> None:
    """Writes a .safetensors file by hand: u64 little-endian header length, a JSON header padded
    with spaces to a multiple of 8 bytes, then the tensors' bytes, contiguous, in the order
    given, little-endian C order. Metadata values must be strings (the format holds no others)."""
    header: Dict[str, object] = {}
    if metadata:
        for key, value in metadata.items():
            if not isinstance(value, str):
                raise TypeError(f"safetensors metadata '{key}' must be a string")
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name, array in tensors.items():
        a = np.asarray(array)
        if a.dtype.newbyteorder("=") not in _ST_DTYPES:
            raise TypeError(f"tensor '{name}': dtype {a.dtype} has no safetensors name")
        a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"), copy=False))
        raw = a.tobytes(order="C")
        header[name] = {"dtype": _ST_DTYPES[a.dtype.newbyteorder("=")], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-(8 + len(text))) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path: str):
    """Reads a .safetensors file: returns (dict name → numpy array, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too small for a safetensors header")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: the header length runs past the end of the file")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    start = 8 + n
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = _ST_NUMPY[info["dtype"]].newbyteorder("<")
        tensors[name] = np.frombuffer(data[start + begin:start + end], dtype=dtype).reshape(info["shape"]).copy()
    return tensors, metadata


def _token_array(tokens: Sequence[str]) -> np.ndarray:
    tokens = [str(t) for t in tokens]
    width = max([len(t) for t in tokens] + [1])
    return np.array(tokens, dtype=f"<U{width}")


def _check_bundle(attentions, tokens, key_tokens, q, k, v, image_grid):
    if attentions.ndim < 2 or attentions.ndim > 4:
        raise ValueError(f"attentions must be [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk], not {list(attentions.shape)}")
    tq, tk = attentions.shape[-2:]
    if tokens is not None and len(tokens) != tq:
        raise ValueError(f"{len(tokens)} tokens for {tq} queries")
    if key_tokens is not None and len(key_tokens) != tk:
        raise ValueError(f"{len(key_tokens)} key_tokens for {tk} keys")
    layers = attentions.shape[0] if attentions.ndim == 4 else 1
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t is not None and (t.ndim != 4 or t.shape[0] != layers):
            raise ValueError(f"{name} must be [L, H, T, d_head] with L = {layers}, not {list(t.shape)}")
    if image_grid is not None:
        if image_grid.shape != (2,) or image_grid.min() < 1:
            raise ValueError("image_grid must be two positive integers [rows, cols]")
        cells = int(image_grid[0]) * int(image_grid[1])
        if tk not in (cells, cells + 1):
            raise ValueError(f"image_grid {int(image_grid[0])}×{int(image_grid[1])} does not fit {tk} keys "
                             "(rows·cols, or rows·cols + 1 with a leading [CLS] key)")


def save_bundle(path: str, attentions, tokens: Optional[Sequence[str]] = None,
                key_tokens: Optional[Sequence[str]] = None, q=None, k=None, v=None,
                image_grid: Optional[Sequence[int]] = None, dtype=np.float32) -> None:
    """Writes an AttnScope bundle. The format follows the extension: `.safetensors`, otherwise
    `.npz` (np.savez_compressed). Arrays may be numpy arrays or torch tensors; floating arrays
    are stored as `dtype` (float32 by default), image_grid as int64 [2]."""
    arrays = {"attentions": _to_numpy(attentions).astype(dtype)}
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t is not None:
            arrays[name] = _to_numpy(t).astype(dtype)
    grid = None if image_grid is None else np.asarray(image_grid, dtype=np.int64).reshape(-1)
    _check_bundle(arrays["attentions"], tokens, key_tokens, arrays.get("q"), arrays.get("k"), arrays.get("v"), grid)
    if grid is not None:
        arrays["image_grid"] = grid
    if path.lower().endswith(".safetensors"):
        metadata = {"format": "attnscope-bundle"}
        if tokens is not None:
            metadata["tokens"] = json.dumps([str(t) for t in tokens], ensure_ascii=False)
        if key_tokens is not None:
            metadata["key_tokens"] = json.dumps([str(t) for t in key_tokens], ensure_ascii=False)
        write_safetensors(path, arrays, metadata)
        return
    if tokens is not None:
        arrays["tokens"] = _token_array(tokens)
    if key_tokens is not None:
        arrays["key_tokens"] = _token_array(key_tokens)
    # np.savez_compressed appends .npz to a name without it; write through a file object instead.
    with open(path, "wb") as f:
        np.savez_compressed(f, **arrays)


def load_bundle(path: str) -> Dict[str, object]:
    """Reads a bundle written by save_bundle (or by hand): numpy arrays, and tokens / key_tokens
    as lists of str."""
    with open(path, "rb") as f:
        magic = f.read(4)
    out: Dict[str, object] = {}
    if magic == b"PK\x03\x04":
        with np.load(path, allow_pickle=False) as z:
            for name in z.files:
                a = z[name]
                out[name] = [str(s) for s in a.tolist()] if a.dtype.kind == "U" else a
        return out
    tensors, metadata = read_safetensors(path)
    out.update(tensors)
    for key in ("tokens", "key_tokens"):
        if key in metadata:
            out[key] = json.loads(metadata[key])
    return out


# ----------------------------------------------------------------------------------------------
# Recomputing attention from nn.MultiheadAttention's parameters (torch)

def _as_additive(mask, shape, dtype):
    """torch's MultiheadAttention conventions: a bool mask is True = may NOT attend; a float
    mask is added to the scaled scores."""
    if mask is None:
        return None
    mask = torch.as_tensor(mask)
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype).masked_fill(mask, float("-inf")).expand(shape)
    return mask.to(dtype).expand(shape)


def mha_attention(mha, query, key=None, value=None, attn_mask=None, key_padding_mask=None,
                  compute_dtype=None):
    """Recomputes what `mha(query, key, value, attn_mask, key_padding_mask)` does, for ONE
    sequence (no batch dimension): query [Tq, E], key / value [Tk, E] (default: query).

    attn_mask: [Tq, Tk] or [H, Tq, Tk], bool (True = blocked) or float (added);
    key_padding_mask: [Tk], bool (True = padding) or float (added).
    Returns dict(q=[H, Tq, dh], k=[H, Tk, dh], v=[H, Tk, dh], scores=[H, Tq, Tk] (scaled, masked),
    weights=[H, Tq, Tk], output=[Tq, E] (after out_proj)), in `compute_dtype` (float64 unless
    given). A query row whose keys are all masked gets zero weights (torch gives NaN there)."""
    if getattr(mha, "bias_k", None) is not None or getattr(mha, "add_zero_attn", False):
        raise ValueError("bias_k / bias_v / add_zero_attn are not supported by the dumper")
    dt = compute_dtype or torch.float64
    key = query if key is None else key
    value = key if value is None else value
    E, H = mha.embed_dim, mha.num_heads
    dh = E // H
    if mha._qkv_same_embed_dim:
        w_q, w_k, w_v = mha.in_proj_weight.to(dt).chunk(3, dim=0)
    else:
        w_q, w_k, w_v = (mha.q_proj_weight.to(dt), mha.k_proj_weight.to(dt), mha.v_proj_weight.to(dt))
    if mha.in_proj_bias is not None:
        b_q, b_k, b_v = mha.in_proj_bias.to(dt).chunk(3, dim=0)
    else:
        b_q = b_k = b_v = None
    lin = torch.nn.functional.linear
    q = lin(query.to(dt), w_q, b_q)
    k = lin(key.to(dt), w_k, b_k)
    v = lin(value.to(dt), w_v, b_v)
    tq, tk = q.shape[0], k.shape[0]
    q = q.reshape(tq, H, dh).transpose(0, 1)  # [H, Tq, dh]: head h is columns h·dh … (h+1)·dh − 1
    k = k.reshape(tk, H, dh).transpose(0, 1)
    v = v.reshape(tk, H, -1).transpose(0, 1)
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh)
    m = _as_additive(attn_mask, scores.shape, dt)
    if m is not None:
        scores = scores + m
    if key_padding_mask is not None:
        scores = scores + _as_additive(key_padding_mask, (tk,), dt).reshape(1, 1, tk)
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = torch.softmax(scores.masked_fill(blocked, 0.0), dim=-1).masked_fill(blocked, 0.0)
    heads = torch.matmul(weights, v)  # [H, Tq, dv]
    concat = heads.transpose(0, 1).reshape(tq, -1)
    output = lin(concat, mha.out_proj.weight.to(dt),
                 None if mha.out_proj.bias is None else mha.out_proj.bias.to(dt))
    return {"q": q, "k": k, "v": v, "scores": scores, "weights": weights, "output": output}


def causal_mask(t: int):
    """torch's float causal mask: 0 on and below the diagonal, -inf above (query i sees keys 0..i)."""
    return torch.triu(torch.full((t, t), float("-inf")), diagonal=1)


def _layers_of(model):
    if isinstance(model, nn.TransformerEncoderLayer):
        return [model]
    if isinstance(model, nn.TransformerEncoder):
        return list(model.layers)
    raise TypeError("dump_encoder takes an nn.TransformerEncoder or nn.TransformerEncoderLayer")


def dump_encoder(model, x, tokens: Optional[Sequence[str]] = None, causal: bool = False, mask=None,
                 src_key_padding_mask=None, batch_index: int = 0, image_grid=None,
                 with_qkv: bool = True, return_layer_io: bool = False) -> Dict[str, object]:
    """Runs `model` (nn.TransformerEncoder, batch_first True or False, norm_first True or False,
    train or eval mode) on `x` and returns the bundle for one sequence, ready for save_bundle.

    x: [T, d_model] (one sequence), or a batch laid out as the model takes it ([B, T, d] when
    batch_first, else [T, B, d]); `batch_index` picks the sequence dumped.
    causal: adds torch's causal mask. mask: a src_mask [T, T] (bool True = blocked, or float
    added). src_key_padding_mask: [T] or [B, T], True = padding.

    The model runs once, as given (under torch.no_grad(); nested tensors off, so that padded
    positions keep dense values); a forward pre-hook on each layer captures the layer's input (the
    layer's only positional argument) and a forward hook its output. For every layer, Q, K, V and
    the weights are then recomputed with mha_attention() from the captured input (after norm1
    when norm_first). With return_layer_io the result also holds `layer_inputs` /
    `layer_outputs` ([L, T, d] for the dumped sequence) and `model_output`.

    In train mode with attention dropout > 0, the weights dumped are those before the dropout
    (what the attention computes; the dropout mask of one run is not reproducible)."""
    layers = _layers_of(model)
    batch_first = layers[0].self_attn.batch_first
    x = torch.as_tensor(x)
    unbatched = x.dim() == 2
    if unbatched:
        xb = x.unsqueeze(0 if batch_first else 1)
        batch_index = 0
    elif x.dim() == 3:
        xb = x
    else:
        raise ValueError(f"x must be [T, d_model] or a batch [B, T, d] / [T, B, d], not {list(x.shape)}")
    T = xb.shape[1] if batch_first else xb.shape[0]
    B = xb.shape[0] if batch_first else xb.shape[1]

    src_mask = None
    if mask is not None:
        mask = torch.as_tensor(mask)
        src_mask = _as_additive(mask, mask.shape, xb.dtype)
    if causal:
        src_mask = causal_mask(T).to(xb.dtype) if src_mask is None else src_mask + causal_mask(T).to(xb.dtype)
    kpm = None
    if src_key_padding_mask is not None:
        kpm = torch.as_tensor(src_key_padding_mask)
        if kpm.dim() == 1:
            kpm = kpm.unsqueeze(0).expand(B, T)

    inputs: List[object] = []
    outputs: List[object] = []
    handles = []
    for layer in layers:
        handles.append(layer.register_forward_pre_hook(lambda mod, args: inputs.append(args[0].detach().clone())))
        handles.append(layer.register_forward_hook(lambda mod, args, out: outputs.append(out.detach().clone())))
    nested = getattr(model, "enable_nested_tensor", None)
    try:
        if nested is not None:
            model.enable_nested_tensor = False
        with torch.no_grad():
            if isinstance(model, nn.TransformerEncoder):
                result = model(xb, mask=src_mask, src_key_padding_mask=kpm)
            else:
                result = model(xb, src_mask=src_mask, src_key_padding_mask=kpm)
    finally:
        if nested is not None:
            model.enable_nested_tensor = nested
        for h in handles:
            h.remove()
    if len(inputs) != len(layers):
        raise RuntimeError(f"captured {len(inputs)} layer inputs for {len(layers)} layers")

    def pick(t):  # one sequence, [T, d]
        return t[batch_index] if batch_first else t[:, batch_index]

    item_kpm = None if kpm is None else kpm[batch_index]
    item_mask = src_mask
    if src_mask is not None and src_mask.dim() == 3:  # [B·H, T, T] as torch takes it
        H = layers[0].self_attn.num_heads
        item_mask = src_mask[batch_index * H:(batch_index + 1) * H]
    att, qs, ks, vs = [], [], [], []
    with torch.no_grad():
        for layer, inp in zip(layers, inputs):
            h = pick(inp)
            if layer.norm_first:
                h = layer.norm1(h)
            r = mha_attention(layer.self_attn, h, attn_mask=item_mask, key_padding_mask=item_kpm)
            att.append(r["weights"])
            qs.append(r["q"])
            ks.append(r["k"])
            vs.append(r["v"])
    bundle: Dict[str, object] = {"attentions": torch.stack(att).float().numpy()}
    if tokens is not None:
        bundle["tokens"] = list(tokens)
    if with_qkv:
        bundle["q"] = torch.stack(qs).float().numpy()
        bundle["k"] = torch.stack(ks).float().numpy()
        bundle["v"] = torch.stack(vs).float().numpy()
    if image_grid is not None:
        bundle["image_grid"] = list(image_grid)
    if return_layer_io:
        bundle["layer_inputs"] = torch.stack([pick(t) for t in inputs]).numpy()
        bundle["layer_outputs"] = torch.stack([pick(t) for t in outputs]).numpy()
        bundle["model_output"] = pick(result).numpy()
    return bundle


# ----------------------------------------------------------------------------------------------
# The demo: a toy tokenizer and embedding in front of a small random encoder

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def toy_tokenize(text: str) -> List[str]:
    """Lower-cased words and single punctuation marks: "The cat, sat." → the cat , sat ."""
    return _TOKEN_RE.findall(text.lower())


def _positional_encoding(t: int, d: int):
    pos = torch.arange(t, dtype=torch.float64).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(10000.0) / d))
    pe = torch.zeros(t, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)[:, : d // 2]
    return pe.float()


def build_demo(text: str, layers: int = 2, heads: int = 4, d_model: int = 32, seed: int = 0,
               norm_first: bool = False, batch_first: bool = True, dim_feedforward: Optional[int] = None):
    """A deterministic toy model: returns (encoder in eval mode, x [T, d_model], tokens).
    Token embeddings come from a vocabulary of 1024 hashed (CRC-32) ids; the sinusoidal
    positional encoding is added; every layer gets its own random parameters."""
    if d_model % heads:
        raise ValueError(f"--d-model {d_model} is not a multiple of --heads {heads}")
    tokens = toy_tokenize(text)
    if not tokens:
        raise ValueError("the text holds no tokens")
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward or 4 * d_model, dropout=0.0,
                                       batch_first=batch_first, norm_first=norm_first)
    encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
    for p in encoder.parameters():  # the clones start equal; give each layer its own weights
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
        else:
            nn.init.normal_(p, mean=0.0, std=0.1)
    for l in encoder.layers:
        for norm in (l.norm1, l.norm2):
            nn.init.normal_(norm.weight, mean=1.0, std=0.1)
    embedding = nn.Embedding(1024, d_model)
    ids = torch.tensor([zlib.crc32(t.encode("utf-8")) % 1024 for t in tokens])
    with torch.no_grad():
        x = embedding(ids) + _positional_encoding(len(tokens), d_model)
    return encoder.eval(), x, tokens


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dump_attention.py",
        description="Write an AttnScope attention bundle (docs/bundle-format.md). With --demo, a small "
                    "random nn.TransformerEncoder (batch_first, eval mode) runs on a toy tokenization "
                    "of --text and its attention weights, q, k, v and tokens are dumped. The result "
                    "depends only on the options (torch.manual_seed(--seed)). For your own model, "
                    "import this file and call dump_encoder() and save_bundle().",
        epilog="Example: /usr/bin/python3 tools/dump_attention.py --demo demo.npz --text "
               "\"the quick brown fox jumps over the lazy dog .\"; then "
               "attnscope-cli inspect demo.npz")
    parser.add_argument("--demo", metavar="OUT", required=True,
                        help="write the demo bundle to OUT: .safetensors (tokens as JSON in __metadata__) "
                             "or anything else as .npz (np.savez_compressed)")
    parser.add_argument("--layers", type=int, default=2, help="encoder layers L (default 2)")
    parser.add_argument("--heads", type=int, default=4, help="attention heads H (default 4)")
    parser.add_argument("--d-model", type=int, default=32,
                        help="model width; a multiple of --heads, d_head = d_model / heads (default 32)")
    parser.add_argument("--text", default="the cat sat on the mat",
                        help="the input sentence; tokens are lower-cased words and punctuation marks "
                             "(default: %(default)r)")
    parser.add_argument("--seed", type=int, default=0, help="torch.manual_seed for every weight (default 0)")
    parser.add_argument("--causal", action="store_true",
                        help="apply a causal mask (query i attends keys 0..i), as a decoder would")
    parser.add_argument("--norm-first", action="store_true", help="pre-norm layers (norm_first=True)")
    parser.add_argument("--no-qkv", action="store_true", help="dump the weights and tokens only, without q, k, v")
    args = parser.parse_args(argv)
    if args.layers < 1 or args.heads < 1 or args.d_model < 1:
        parser.error("--layers, --heads and --d-model must be positive")
    try:
        encoder, x, tokens = build_demo(args.text, args.layers, args.heads, args.d_model, args.seed,
                                        norm_first=args.norm_first)
    except ValueError as e:
        parser.error(str(e))
    bundle = dump_encoder(encoder, x, tokens=tokens, causal=args.causal, with_qkv=not args.no_qkv)
    save_bundle(args.demo, **bundle)
    a = bundle["attentions"]
    print(f"{args.demo}: attentions {list(a.shape)} (L, H, Tq, Tk), {len(tokens)} tokens: {' '.join(tokens)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
