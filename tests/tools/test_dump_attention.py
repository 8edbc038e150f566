"""tools/dump_attention.py against torch's own nn.TransformerEncoder (run with /usr/bin/python3).

For a small random encoder (2 layers, 4 heads, d_model 32, T = 7), in every combination of
norm_first False/True, batch_first True/False, eval mode (torch's fused fast path) and train mode
(dropout 0, the Python path), with no mask, a causal mask and key padding, the bundle is written
(.npz and .safetensors), read back from the file, and checked:

  (a) every weight row sums to 1 (tolerance 1e-5);
  (b) the weights equal self_attn(x, x, x, need_weights=True, average_attn_weights=False)
      for the layer's real input (captured by the model's own run), max |Δ| ≤ 1e-5;
  (c) concat_heads(A·V) @ out_proj.weight.T + out_proj.bias from the dumped A and v equals the
      model's own self-attention block, and completing the layer (residual, norm, feed-forward)
      reproduces the layer output the model computed (forward hook), max |Δ| ≤ 1e-5;
  (d) the same with causal and key-padding masks (masked weights exactly 0);
  (e) the demo command line writes a file `attnscope-cli inspect` lists, and the C++ attention
      computed from the dumped q, k, v equals the dumped weights.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
from torch import nn

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tools"))
import dump_attention as da  # noqa: E402

TOL = 1e-5
L, H, D, T = 2, 4, 32, 7
DH = D // H


def make_encoder(norm_first, batch_first, seed=1):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=64, dropout=0.0,
                                       batch_first=batch_first, norm_first=norm_first)
    enc = nn.TransformerEncoder(layer, L)
    # nn.TransformerEncoder deep-copies one layer: give every layer its own parameters.
    for p in enc.parameters():
        nn.init.normal_(p, std=0.3) if p.dim() > 1 else nn.init.normal_(p, std=0.2)
    for l in enc.layers:
        nn.init.normal_(l.norm1.weight, 1.0, 0.2)
        nn.init.normal_(l.norm2.weight, 1.0, 0.2)
    return enc


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def bool_mask_for_torch(causal, t):
    return torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1) if causal else None


class FastPathCounter:
    """Counts calls of torch's fused encoder-layer kernel, to know which path the model took."""

    def __enter__(self):
        self.count = 0
        self.orig = torch._transformer_encoder_layer_fwd

        def wrapped(*args, **kwargs):
            self.count += 1
            return self.orig(*args, **kwargs)

        torch._transformer_encoder_layer_fwd = wrapped
        return self

    def __exit__(self, *exc):
        torch._transformer_encoder_layer_fwd = self.orig


class TestDumpAgainstTorch(unittest.TestCase):
    def check_case(self, norm_first, batch_first, train, causal=False, padding=False, fmt=".npz"):
        enc = make_encoder(norm_first, batch_first)
        enc.train(train)
        torch.manual_seed(7)
        x = torch.randn(T, D)
        tokens = [f"tok{i}" for i in range(T)]
        kpm = None
        if padding:
            kpm = torch.zeros(T, dtype=torch.bool)
            kpm[-2:] = True  # the last two positions are padding
        with FastPathCounter() as fast:
            bundle = da.dump_encoder(enc, x, tokens=tokens, causal=causal, src_key_padding_mask=kpm,
                                     return_layer_io=True)
        if not train and batch_first and not causal:
            self.assertEqual(fast.count, L, "expected torch's fused fast path in eval mode")
        if train or causal:
            self.assertEqual(fast.count, 0)

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bundle" + fmt)
            da.save_bundle(path, bundle["attentions"], tokens=tokens, q=bundle["q"], k=bundle["k"], v=bundle["v"])
            if fmt == ".npz":
                with np.load(path, allow_pickle=False) as z:
                    loaded = {n: z[n] for n in z.files}
                self.assertEqual(loaded["tokens"].dtype.kind, "U")
                self.assertEqual(loaded["tokens"].tolist(), tokens)
            else:
                loaded, meta = da.read_safetensors(path)
                self.assertEqual(json.loads(meta["tokens"]), tokens)
            round_trip = da.load_bundle(path)
            self.assertEqual(round_trip["tokens"], tokens)
        A, q, k, v = loaded["attentions"], loaded["q"], loaded["k"], loaded["v"]
        for name, arr, shape in (("attentions", A, (L, H, T, T)), ("q", q, (L, H, T, DH)),
                                 ("k", k, (L, H, T, DH)), ("v", v, (L, H, T, DH))):
            self.assertEqual(arr.shape, shape, name)
            self.assertEqual(arr.dtype, np.float32, name)

        # (a) rows sum to 1
        self.assertLessEqual(max_diff(A.sum(-1), 1.0), TOL)

        attn_mask = bool_mask_for_torch(causal, T)
        kpm_b = None if kpm is None else kpm.unsqueeze(0)
        layer_in = torch.from_numpy(bundle["layer_inputs"])    # [L, T, D], what each layer received
        layer_out = torch.from_numpy(bundle["layer_outputs"])  # [L, T, D], what each layer returned
        # the captured chain is consistent: layer l+1 got layer l's output
        self.assertLessEqual(max_diff(layer_in[1:], layer_out[:-1]), 0.0)

        def batch(t):  # [T, D] → the model's batched layout
            return t.unsqueeze(0 if batch_first else 1)

        def unbatch(t):
            return t[0] if batch_first else t[:, 0]

        with torch.no_grad():
            for li, layer in enumerate(enc.layers):
                x_in = batch(layer_in[li])
                h = layer.norm1(x_in) if norm_first else x_in
                # (b) torch's own weights for this layer's input
                _, w = layer.self_attn(h, h, h, attn_mask=attn_mask, key_padding_mask=kpm_b,
                                       need_weights=True, average_attn_weights=False)
                self.assertLessEqual(max_diff(A[li], w[0]), TOL, f"layer {li}: weights")
                if causal:
                    self.assertTrue(np.all(A[li][:, np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]] == 0))
                if padding:
                    self.assertTrue(np.all(A[li][..., -2:] == 0))
                # q, k, v are the in-projection split into heads
                w_q, w_k, w_v = layer.self_attn.in_proj_weight.chunk(3)
                b_q, b_k, b_v = layer.self_attn.in_proj_bias.chunk(3)
                hu = unbatch(h)
                for name, arr, W, b in (("q", q, w_q, b_q), ("k", k, w_k, b_k), ("v", v, w_v, b_v)):
                    ref = (hu @ W.T + b).reshape(T, H, DH).transpose(0, 1)
                    self.assertLessEqual(max_diff(arr[li], ref), TOL, f"layer {li}: {name}")
                # (c) the self-attention block from the dumped A and v
                heads = np.einsum("hqk,hkd->hqd", A[li].astype(np.float64), v[li].astype(np.float64))
                concat = torch.from_numpy(heads.transpose(1, 0, 2).reshape(T, D)).float()
                sa = concat @ layer.self_attn.out_proj.weight.T + layer.self_attn.out_proj.bias
                sa_model = layer.self_attn(h, h, h, attn_mask=attn_mask, key_padding_mask=kpm_b,
                                           need_weights=False)[0]
                self.assertLessEqual(max_diff(sa, unbatch(sa_model)), TOL, f"layer {li}: attention block")
                # … and the rest of the layer, by hand, against the model's real output
                xu = unbatch(x_in)
                if norm_first:
                    x1 = xu + sa
                    out = x1 + layer.linear2(layer.activation(layer.linear1(layer.norm2(x1))))
                else:
                    x1 = layer.norm1(xu + sa)
                    out = layer.norm2(x1 + layer.linear2(layer.activation(layer.linear1(x1))))
                self.assertLessEqual(max_diff(out, layer_out[li]), TOL, f"layer {li}: layer output")
        # and the model's own output is the last layer's
        self.assertLessEqual(max_diff(bundle["model_output"], layer_out[-1]), 0.0)

    def test_all_variants(self):
        for fmt in (".npz", ".safetensors"):
            for norm_first in (False, True):
                for batch_first in (True, False):
                    for train in (False, True):
                        for causal, padding in ((False, False), (True, False), (False, True), (True, True)):
                            with self.subTest(fmt=fmt, norm_first=norm_first, batch_first=batch_first,
                                              train=train, causal=causal, padding=padding):
                                self.check_case(norm_first, batch_first, train, causal, padding, fmt)

    def test_batched_input_picks_the_item(self):
        enc = make_encoder(False, True).eval()
        torch.manual_seed(3)
        xb = torch.randn(3, T, D)
        whole = da.dump_encoder(enc, xb, batch_index=2)
        alone = da.dump_encoder(enc, xb[2])
        self.assertLessEqual(max_diff(whole["attentions"], alone["attentions"]), TOL)

    def test_model_is_left_as_it_was(self):
        enc = make_encoder(False, True).eval()
        da.dump_encoder(enc, torch.randn(T, D), src_key_padding_mask=torch.tensor([False] * (T - 1) + [True]))
        self.assertTrue(enc.enable_nested_tensor)
        self.assertEqual(len(enc.layers[0]._forward_pre_hooks), 0)
        self.assertEqual(len(enc.layers[0]._forward_hooks), 0)


class TestBundleFiles(unittest.TestCase):
    def test_safetensors_layout(self):
        rng = np.random.default_rng(0)
        a = rng.random((2, 3, 4, 5)).astype(np.float32)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "b.safetensors")
            da.save_bundle(path, a, tokens=["é", "b", "c", "d"], key_tokens=list("vwxyz"), image_grid=[2, 2])
            with open(path, "rb") as f:
                raw = f.read()
            n = int.from_bytes(raw[:8], "little")
            self.assertEqual((8 + n) % 8, 0)
            self.assertEqual(raw[8:9], b"{")
            header = json.loads(raw[8:8 + n])
            self.assertEqual(header["attentions"], {"dtype": "F32", "shape": [2, 3, 4, 5], "data_offsets": [0, a.nbytes]})
            self.assertEqual(header["image_grid"]["dtype"], "I64")
            self.assertEqual(len(raw), 8 + n + a.nbytes + 16)
            b = da.load_bundle(path)
            np.testing.assert_array_equal(b["attentions"], a)
            self.assertEqual(b["tokens"], ["é", "b", "c", "d"])
            self.assertEqual(b["key_tokens"], list("vwxyz"))
            self.assertEqual(b["image_grid"].tolist(), [2, 2])

    def test_npz_layout_and_checks(self):
        a = np.full((3, 5), 0.2, dtype=np.float64)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "b.npz")
            da.save_bundle(path, a, tokens=["a", "bb", "c"], key_tokens=["[CLS]", "p0", "p1", "p2", "p3"],
                           image_grid=(2, 2))
            with np.load(path, allow_pickle=False) as z:
                self.assertEqual(z["attentions"].dtype, np.float32)
                self.assertEqual(z["tokens"].dtype, np.dtype("<U2"))
                self.assertEqual(z["image_grid"].dtype, np.int64)
            with self.assertRaises(ValueError):
                da.save_bundle(path, a, tokens=["only", "two"])
            with self.assertRaises(ValueError):
                da.save_bundle(path, a, image_grid=(2, 3))


class TestDemoCommandLine(unittest.TestCase):
    def cli(self):
        exe = os.environ.get("ATTNSCOPE_CLI") or os.path.join(SOURCE_DIR, "build", "bin", "attnscope-cli")
        return exe if os.path.isfile(exe) and os.access(exe, os.X_OK) else None

    def run_demo(self, out, *extra):
        r = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "tools", "dump_attention.py"), "--demo", out,
                            "--text", "the cat sat on the mat .", *extra],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_demo_is_deterministic_and_valid(self):
        with tempfile.TemporaryDirectory() as tmp:
            p1, p2 = os.path.join(tmp, "a.npz"), os.path.join(tmp, "b.npz")
            self.run_demo(p1, "--seed", "5")
            self.run_demo(p2, "--seed", "5")
            a, b = da.load_bundle(p1), da.load_bundle(p2)
            np.testing.assert_array_equal(a["attentions"], b["attentions"])
            self.assertEqual(a["tokens"], ["the", "cat", "sat", "on", "the", "mat", "."])
            self.assertEqual(a["attentions"].shape, (2, 4, 7, 7))
            self.assertEqual(a["q"].shape, (2, 4, 7, 8))
            self.assertLessEqual(max_diff(a["attentions"].sum(-1), 1.0), TOL)

    def test_help(self):
        r = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "tools", "dump_attention.py"), "--help"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0)
        for option in ("--demo", "--layers", "--heads", "--d-model", "--text", "--seed", "--causal"):
            self.assertIn(option, r.stdout)

    def test_cli_inspect_lists_the_bundle(self):
        exe = self.cli()
        if exe is None:
            self.skipTest("attnscope-cli is not built (set ATTNSCOPE_CLI or build build/bin/attnscope-cli)")
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("demo.npz", "demo.safetensors"):
                path = os.path.join(tmp, name)
                self.run_demo(path, "--causal")
                r = subprocess.run([exe, "inspect", path], capture_output=True, text=True, timeout=300)
                self.assertEqual(r.returncode, 0, r.stderr)
                lines = r.stdout.split()
                self.assertIn("attentions", lines)
                self.assertIn("[2, 4, 7, 7]", r.stdout)
                self.assertRegex(r.stdout, r"tokens\s+str\s+\[7\]")
                for arr in ("q", "k", "v"):
                    self.assertRegex(r.stdout, arr + r"\s+float32\s+\[2, 4, 7, 8\]")
                # The C++ engine, fed the dumped q, k, v of layer 1, computes the dumped weights.
                out = os.path.join(tmp, "w.npy")
                r = subprocess.run([exe, "attention", "--q", path + ":q", "--k", path + ":k", "--v", path + ":v",
                                    "--layer", "1", "--mask", "causal", "--weights-out", out],
                                   capture_output=True, text=True, timeout=300)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertLessEqual(max_diff(np.load(out), da.load_bundle(path)["attentions"][1]), TOL)


if __name__ == "__main__":
    unittest.main()
