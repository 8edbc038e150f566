#!/usr/bin/python3
"""Writes the small seed corpora for the npz, safetensors, csv, text, bundle and image fuzz targets
(committed; re-run by hand when the formats change: /usr/bin/python3 tests/fuzz/make_seeds.py,
or name the corpora to write: ... make_seeds.py text image). JPEG and GIF seeds need
ImageMagick's convert; without it they are left as they are."""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
only = set(sys.argv[1:])


def put(kind, name, data):
    if only and kind not in only:
        return
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

# Token files: prose in several scripts, graphemes the tokenizer keeps whole, a token list with
# a BOM and CRLF line ends, and invalid UTF-8 of every kind decodeUtf8 names.
put("text", "english.txt", "Don't panic: it's 3.14, not 1,000 -- rock'n'roll isn\u2019t dead!\n".encode())
put("text", "chinese.txt", "我爱北京天安门。注意力机制很重要！\nカタカナのコーヒー、한국어 문장.\n".encode())
put("text", "emoji_zwj.txt", "family 👨\u200d👩\u200d👧 flag 🇯🇵🇫🇷 wave 👋🏽 keycap 1\ufe0f\u20e3 "
                             "scotland 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f "
                             "e\u0301\u200d\n".encode())
put("text", "format_chars.txt", ("co\u00adoperate zero\u200bwidth \u200eabc\u200f \u202aleft\u202c "
                                 "\u2066iso\u2069 word\u2060joiner a\u2062b in\ufeffside \u00ad \u200b "
                                 "\u200d \u200c \U000e0041 \u0600\u0661\n").encode())
put("text", "korean_katakana.txt", "안녕하세요 안녕\u200b하세요 コンピュータ コン\u00adピュータ ｶﾀｶﾅ "
                                   "ひらがな ㄅㄆㄇ the 90's e.g. \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\n".encode())
put("text", "controls_and_joiners.txt", "a\x01b\x7fc \u200dab\u200d 😀\u200b😀 🇯\u200b🇵 \u200d\u0301 "
                                        "\U000e0067\U000e007f".encode())
put("text", "tokens_bom_crlf.txt", b"\xef\xbb\xbfThe\r\n  cat\r\n\r\nsat\t\r\n,\r\n\xe2\x80\xa6\r\n")
put("text", "bad_overlong.txt", b"ok \xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf")
put("text", "bad_surrogate.txt", b"a\nb\n\xed\xa0\x80\xed\xb0\x80")
put("text", "bad_above_max.txt", b"\xf4\x90\x80\x80 \xf5\x80\x80\x80")
put("text", "bad_cut_short.txt", b"word \xe4\xb8")
put("text", "bad_stray_continuation.txt", b"\x80abc\xbf")
put("text", "bad_lead_then_ascii.txt", b"\xe4a\xb8\xad")


# Attention bundles: small valid ones in both formats (tokens, key_tokens, q/k/v, image_grid with
# and without [CLS]) and broken ones: counts that disagree with the attention, grids that are not
# two positive whole numbers, wrong ranks, tokens that are not strings, cut-short files.
def att(*shape):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) % 5
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


qkv = {n: np.full((2, 1, 3, 2), i, np.float32) for i, n in enumerate("qkv")}
toks3 = np.array(["[CLS]", "猫", "🐈"])
put("bundle", "full.npz", npz(False, attentions=att(2, 1, 3, 3), tokens=toks3, **qkv))
put("bundle", "grid_cls.npz", npz(True, attentions=att(1, 2, 3, 5), tokens=toks3,
                                   key_tokens=np.array(["c", "p0", "p1", "p2", "p3"]), image_grid=np.array([2, 2])))
put("bundle", "grid_no_cls.npz", npz(False, attentions=att(3, 4), image_grid=np.array([2, 2], np.int32)))
put("bundle", "heads_3d.npz", npz(False, attentions=att(2, 2, 2)))
put("bundle", "full.safetensors", safetensors(
    {"attentions": ("F32", att(1, 1, 2, 4)), "image_grid": ("I64", np.array([2, 2], np.int64))},
    {"tokens": json.dumps(["a", "é"], ensure_ascii=False), "key_tokens": json.dumps(list("wxyz"))}))
put("bundle", "f16.safetensors", safetensors({"attentions": ("F16", att(2, 2).astype(np.float16))},
                                             {"tokens": json.dumps(["x", "y"])}))
put("bundle", "tokens_mismatch.npz", npz(False, attentions=att(1, 1, 3, 3), tokens=np.array(list("abcd"))))
put("bundle", "key_tokens_mismatch.safetensors", safetensors({"attentions": ("F32", att(1, 1, 3, 4))},
                                                             {"key_tokens": json.dumps(list("abc"))}))
put("bundle", "tokens_not_list.safetensors", safetensors({"attentions": ("F32", att(2, 2))},
                                                         {"tokens": "[1, \"a\"]", "key_tokens": "{"}))
put("bundle", "tokens_numeric.npz", npz(False, attentions=att(2, 2), tokens=np.array([1.0, 2.0])))
put("bundle", "tokens_2d.npz", npz(False, attentions=att(2, 2), tokens=np.array([["a", "b"], ["c", "d"]])))
put("bundle", "grid_mismatch.npz", npz(False, attentions=att(1, 1, 2, 7), image_grid=np.array([2, 2])))
put("bundle", "grid_zero.npz", npz(False, attentions=att(2, 4), image_grid=np.array([0, 4])))
put("bundle", "grid_three.npz", npz(False, attentions=att(2, 4), image_grid=np.array([1, 2, 2])))
put("bundle", "grid_huge.npz", npz(False, attentions=att(2, 4), image_grid=np.array([2 ** 40, 2 ** 40])))
put("bundle", "grid_fraction.npz", npz(False, attentions=att(2, 4), image_grid=np.array([2.5, 1.6])))
put("bundle", "grid_nan.npz", npz(False, attentions=att(2, 4), image_grid=np.array([np.nan, 4.0])))
put("bundle", "grid_inf.safetensors", safetensors({"attentions": ("F32", att(2, 4)),
                                                   "image_grid": ("F32", np.array([np.inf, -np.inf], np.float32))}))
put("bundle", "attn_5d.npz", npz(False, attentions=att(1, 1, 1, 2, 2)))
put("bundle", "attn_1d.npz", npz(False, attentions=np.ones(3)))
put("bundle", "attn_empty.npz", npz(False, attentions=np.zeros((1, 0, 3), np.float32), tokens=np.array([], "<U1")))
put("bundle", "q_wrong_layers.npz", npz(False, attentions=att(2, 1, 3, 3), q=np.ones((1, 1, 3, 4), np.float32),
                                        k=np.ones((2, 3), np.float32)))
put("bundle", "no_attentions.npz", npz(False, a=np.ones(2), b=np.ones(3)))
put("bundle", "truncated.npz", npz(True, attentions=att(1, 1, 3, 3), tokens=toks3)[:-40])
put("bundle", "truncated.safetensors", safetensors({"attentions": ("F32", att(2, 2))})[:-3])


# Images: tiny valid PNG, BMP, JPEG and GIF files, cut-short ones and headers claiming huge sizes.
def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, colour_type, rows, ihdr_size=None):
    """rows: the raw scanlines without filter bytes; colour_type 2 = RGB, 6 = RGBA, 0 = grey."""
    w, h = ihdr_size or (width, height)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    idat = zlib.compress(b"".join(b"\x00" + r for r in rows))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def bmp(width, height, rows, header_size=None):
    """24-bit bottom-up BITMAPINFOHEADER; rows top to bottom, each width × BGR bytes."""
    stride = (width * 3 + 3) // 4 * 4
    pixels = b"".join(r + b"\x00" * (stride - len(r)) for r in reversed(rows))
    w, h = header_size or (width, height)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 14 + len(info)) + info + pixels


rgb_rows = [b"".join(bytes((x * 60 % 256, y * 60 % 256, (x + y) * 30 % 256)) for x in range(5)) for y in range(4)]
rgba_rows = [b"".join(bytes((x * 30, 255 - y * 30, 128, (x * y * 20) % 256)) for x in range(8)) for y in range(8)]
grey_rows = [bytes(((x ^ y) * 16 % 256 for x in range(3))) for y in range(2)]
good_png = png(5, 4, 2, rgb_rows)
put("image", "rgb_5x4.png", good_png)
put("image", "rgba_8x8.png", png(8, 8, 6, rgba_rows))
put("image", "grey_3x2.png", png(3, 2, 0, grey_rows))
put("image", "truncated_in_idat.png", good_png[:45])
put("image", "no_iend.png", good_png[:-12])
put("image", "bad_crc.png", good_png[:-1] + bytes([good_png[-1] ^ 0xFF]))  # IEND's CRC
put("image", "huge_ihdr_4g.png", png(5, 4, 2, rgb_rows, ihdr_size=(0xFFFFFFFF, 0xFFFFFFFF)))
put("image", "huge_ihdr_100k.png", png(5, 4, 2, rgb_rows, ihdr_size=(100000, 100000)))
put("image", "zero_width.png", png(5, 4, 2, rgb_rows, ihdr_size=(0, 4)))
good_bmp = bmp(5, 4, [r[:15] for r in rgb_rows])
put("image", "rgb_5x4.bmp", good_bmp)
put("image", "rows_missing.bmp", good_bmp[:-20])
put("image", "huge_header.bmp", bmp(5, 4, [r[:15] for r in rgb_rows], header_size=(0x7FFFFFFF, -0x80000000)))
put("image", "header_only.bmp", good_bmp[:30])
put("image", "os2_core_huge.bmp", b"BM" + struct.pack("<IHHI", 26 + 12, 0, 0, 26) +
    struct.pack("<IHHHH", 12, 0xFFFF, 0xFFFF, 1, 24) + b"\x00" * 12)


def convert(args, fmt):
    """The image ImageMagick makes, or None when images are not asked for or convert cannot."""
    if (only and "image" not in only) or not shutil.which("convert"):
        return None
    run = subprocess.run(["convert", *args, "-strip", fmt + ":-"], capture_output=True)
    return run.stdout if run.returncode == 0 else None


jpeg = convert(["-size", "8x8", "gradient:red-blue", "-quality", "50"], "jpeg")
if jpeg:
    assert jpeg.startswith(b"\xff\xd8") and jpeg.endswith(b"\xff\xd9")
    put("image", "gradient_8x8.jpg", jpeg)
    put("image", "no_eoi.jpg", jpeg[:-2])
    put("image", "truncated_in_scan.jpg", jpeg[:len(jpeg) * 3 // 4])
    sof = jpeg.find(b"\xff\xc0")
    if sof > 0:  # SOF0: length(2) precision(1) height(2) width(2)
        put("image", "huge_sof.jpg", jpeg[:sof + 5] + b"\xff\xff\xff\xff" + jpeg[sof + 9:])
gif = convert(["-size", "6x5", "pattern:checkerboard", "-colors", "4"], "gif")
if gif:
    assert gif.startswith(b"GIF8")
    put("image", "checker_6x5.gif", gif)
    put("image", "truncated.gif", gif[:len(gif) - 8])
    put("image", "huge_screen.gif", gif[:6] + b"\xff\xff\xff\xff" + gif[10:])

# Formats the readers learnt from their peers (issue 11): every dtype of the safetensors crate,
# names with ':' and control characters, integers written as floats, a BOM, sub-byte sizes,
# bytes after an npz member's data.
put("safetensors", "crate_dtypes.safetensors",
    safetensors({"u": ("U64", np.array([1, 2], np.uint64)), "f8": ("F8_E4M3", np.arange(4, dtype=np.uint8)),
                 "c": ("C64", np.zeros(2, np.complex64)), "f4": ("F4", np.zeros(2, np.uint8))}))
put("safetensors", "colon_names.safetensors", safetensors({"q:0": ("F32", a), "k:0": ("U16", np.ones(3, np.uint16))}))
float_header = b'{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4e0]}}'
put("safetensors", "float_integers.safetensors", struct.pack("<Q", len(float_header)) + float_header + b"\0" * 4)
bom_header = b'\xef\xbb\xbf{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
put("safetensors", "bom.safetensors", struct.pack("<Q", len(bom_header)) + bom_header + b"\0" * 4)
odd_header = b'{"a":{"dtype":"F6_E2M3","shape":[3],"data_offsets":[0,2]}}'
put("safetensors", "f6_odd.safetensors", struct.pack("<Q", len(odd_header)) + odd_header + b"\0" * 2)
put("safetensors", "zero_header.safetensors", struct.pack("<Q", 0))
trailing = io.BytesIO()
np.save(trailing, a)
member_buf = io.BytesIO()
with zipfile.ZipFile(member_buf, "w") as z:
    z.writestr(zipfile.ZipInfo("x.npy", date_time=(2024, 1, 1, 0, 0, 0)), trailing.getvalue() + b"junk")
    z.writestr(zipfile.ZipInfo("a\nb.npy", date_time=(2024, 1, 1, 0, 0, 0)), trailing.getvalue())
    z.writestr(zipfile.ZipInfo("q:0.npy", date_time=(2024, 1, 1, 0, 0, 0)), np.zeros((0, 3), np.float32).tobytes())
put("npz", "names_and_trailing.npz", member_buf.getvalue())

# Sessions: the format document's example, every enumerated field with a value the window does
# not know, wrong types, huge numbers, roles, embedded data that is or is not a valid .npy.
# Version 1 (converted when read) and version 2 (pages keyed by page).
def edit(s, changes):
    for path, value in changes.items():
        node = s
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return json.dumps(s).encode()


def session(**changes):
    s = {
        "format": "attnscope-session", "version": 1,
        "input": {"kind": "text", "text": "the cat sat", "context": "", "cross": False, "bundleLayer": -1,
                  "files": []},
        "parameters": {"dModel": 64, "dHead": 16, "heads": 2, "head": 1, "seed": 7, "scale": "sqrt",
                       "customScale": 1, "temperature": 0.5, "mask": "causal", "paddedKeys": []},
        "view": {"stage": "weights", "selectedQuery": 0, "selectedCell": [0, 1], "colormap": "viridis",
                 "reduction": "max", "tab": 0, "zoomX": [-0.5, 2.5], "zoomY": [-0.5, 2.5],
                 "pages": {"attention.mode": "single", "image.opacity": "60"}},
    }
    return edit(s, changes)


def session2(**changes):
    s = {
        "format": "attnscope-session", "version": 2,
        "input": {"kind": "text", "files": []},
        "window": {"page": "attention", "colormap": "viridis", "reduction": "max"},
        "pages": {
            "explorer": {"text": "the cat sat", "context": "", "cross": False, "layer": -1, "dModel": 64,
                         "dHead": 16, "heads": 2, "head": 1, "seed": 7, "scale": "sqrt", "customScale": 1,
                         "temperature": 0.5, "mask": "causal", "paddedKeys": [], "stage": "weights",
                         "selectedQuery": 0, "selectedCell": [0, 1], "zoomX": [-0.5, 2.5], "zoomY": [-0.5, 2.5]},
            "attention": {"mode": "rollout", "layer": "1"},
            "image": {"opacity": "60"},
        },
    }
    return edit(s, changes)


npy_2x2 = (b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }" + b" " * 57 +
           b"\n" + struct.pack("<4f", 1, 0, 0, 1))
import base64
b64 = base64.b64encode(npy_2x2).decode()
put("session", "text.attnscope", session())
put("session", "colormap_coolwarm.attnscope", session(view__colormap="coolwarm"))
put("session", "colormap_empty.attnscope", session(view__colormap=""))
put("session", "colormap_number.attnscope", session(view__colormap=3))
put("session", "scale_foo.attnscope", session(parameters__scale="foo"))
put("session", "mask_number.attnscope", session(parameters__mask=1))
put("session", "stage_unknown.attnscope", session(view__stage="softmax"))
put("session", "reduction_min.attnscope", session(view__reduction="min"))
put("session", "tab_huge.attnscope", session(view__tab=99))
put("session", "tab_fraction.attnscope", session(view__tab=1.5))
put("session", "seed_string.attnscope", session(parameters__seed="18446744073709551615"))
put("session", "seed_overflow.attnscope", session(parameters__seed="18446744073709551616"))
put("session", "heads_huge.attnscope", session(parameters__heads=1e300))
put("session", "temperature_zero.attnscope", session(parameters__temperature=0))
put("session", "zoom_reversed.attnscope", session(view__zoomX=[3, 1]))
put("session", "pages_not_strings.attnscope", session(view__pages={"attention.mode": 4, "x": None}))
put("session", "missing_view.attnscope", session(view=None))
put("session", "newer_version.attnscope", session(version=99))
put("session", "files_embedded.attnscope", session(input__kind="files", input__files=[
    {"name": "q.npy", "path": "/nonexistent/q.npy", "embedded": {"encoding": "npy", "data": b64}},
    {"name": "k.npy", "path": "", "relative": "k.npy", "embedded": {"encoding": "raw", "data": "AAEC"}}]))
put("session", "embedded_bad_npy.attnscope", session(input__kind="files", input__files=[
    {"name": "q.npy", "path": "/x/q.npy", "embedded": {"encoding": "npy", "data": b64[:-8]}}]))
put("session", "embedded_bad_base64.attnscope", session(input__kind="files", input__files=[
    {"name": "q.npy", "path": "/x/q.npy", "embedded": {"encoding": "raw", "data": "@@@="}}]))
put("session", "name_dotdot.attnscope", session(input__kind="files", input__files=[
    {"name": "..", "path": "/x/q.npy"}]))
put("session", "roles.attnscope", session(input__kind="bundle", input__files=[
    {"name": "a.npz", "path": "/r/a.npz"}, {"name": "s.png", "path": "/r/s.png", "role": "overlayImage"},
    {"name": "b.npz", "path": "/r/b.npz", "role": "secondInput"}, {"name": "c", "path": "/c", "role": "later"}]))
put("session", "role_twice.attnscope", session(input__kind="bundle", input__files=[
    {"name": "a.npz", "path": "/r/a.npz"}, {"name": "s.png", "path": "/s.png", "role": "overlayImage"},
    {"name": "t.png", "path": "/t.png", "role": "overlayImage"}]))
put("session", "not_json.attnscope", b'{"format": "attnscope-session", "version": 1, "input": {')
put("session", "not_utf8.attnscope", session(input__text="caf\u00e9").replace(b"caf\\u00e9", b"caf\xe9"))
put("session", "array_root.attnscope", b"[1, 2, 3]")
put("session", "deep_nesting.attnscope", b"[" * 5000 + b"]" * 5000)
put("session", "v1_tab_7.attnscope", session(view__tab=7))
put("session", "v1_page_keys.attnscope", session(view__pages={
    "attention.layer": "1", "a.b.c": "x", "nodot": "y", ".orphan": "z", "explorer.text": "not this", "": ""}))
put("session", "v1_seed_above_2_53.attnscope", session(parameters__seed="9007199254740993"))
put("session", "v2_example.attnscope", session2())
put("session", "v2_empty_pages.attnscope", session2(pages={}))
put("session", "v2_later_page.attnscope", session2(window__page="lessons", pages__lessons={
    "lesson": 4, "steps": [{"done": True}, {}], "note": "v\u00e4lue", "none": None, "big": 9007199254740993}))
put("session", "v2_odd_page_values.attnscope", session2(pages__explorer={
    "dModel": -3, "stage": 7, "text": False, "seed": "18446744073709551616", "selectedCell": [1e300, "x"]}))
put("session", "v2_page_empty.attnscope", session2(window__page=""))
put("session", "v2_page_number.attnscope", session2(window__page=2))
put("session", "v2_reduction_min.attnscope", session2(window__reduction="min"))
put("session", "v2_missing_window.attnscope", session2(window=None))
put("session", "v2_missing_pages.attnscope", session2(pages=None))
put("session", "v2_pages_array.attnscope", session2(pages=[]))
put("session", "v2_page_not_object.attnscope", session2(pages__explorer="the cat"))
put("session", "v2_page_null.attnscope", session2(pages__image=None).replace(b'"attention": {"mode"', b'"image": null, "attention": {"mode"'))
put("session", "v2_with_v1_sections.attnscope", session(version=2))
put("session", "v3.attnscope", session2(version=3))
put("session", "v2_roles.attnscope", session2(input__kind="bundle", input__files=[
    {"name": "a.npz", "path": "/r/a.npz"}, {"name": "s.png", "path": "/r/s.png", "role": "overlayImage"},
    {"name": "b.npz", "path": "/r/b.npz", "role": "secondInput"}, {"name": "c", "path": "/c", "role": "later"}]))
put("session", "v2_files_embedded.attnscope", session2(input__kind="files", input__files=[
    {"name": "q.npy", "path": "/nonexistent/q.npy", "embedded": {"encoding": "npy", "data": b64}},
    {"name": "k.npy", "path": "", "relative": "k.npy", "embedded": {"encoding": "raw", "data": "AAEC"}}]))
put("session", "v2_no_primary.attnscope", session2(input__kind="image"))
put("session", "v2_deep_page.attnscope", session2(pages__explorer={"deep": 0}).replace(
    b'{"deep": 0}', b'{"deep": ' + b"[" * 500 + b"]" * 500 + b"}"))
