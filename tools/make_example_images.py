#!/usr/bin/python3
"""Writes the example images of resources/examples/: scene.png (sky, sun, a house, grass) and
shapes.png (a checkerboard with a few flat shapes). Drawn here with numpy and written as PNG by
hand (zlib + struct), so the files are the project's own and the same on every machine.

    /usr/bin/python3 tools/make_example_images.py [OUTPUT_DIR]   (default resources/examples)
"""
import os
import struct
import sys
import zlib

import numpy as np


def write_png(path, rgb):
    """8-bit RGB PNG, one IDAT chunk, filter type 0 (none) on every row."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def scene(w=512, h=384):
    """Sky gradient, sun disc with a soft halo, a house with a roof, door and window, grass."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    t = y / h
    img[:] = (np.stack([110 + 90 * t, 170 + 60 * t, 250 - 20 * t], axis=-1))  # sky, lighter downwards
    # Sun with a halo.
    d = np.hypot(x - 400, y - 80)
    halo = np.clip(1 - (d - 38) / 40, 0, 1)[..., None] * 0.5
    img = img * (1 - halo) + np.array([255, 240, 180]) * halo
    img[d < 38] = [255, 215, 60]
    # Grass: a gentle hill with stripes of texture.
    horizon = 270 + 12 * np.sin(x / 70)
    grass = y >= horizon
    shade = 0.85 + 0.15 * np.sin(x / 3.0 + y / 2.0) * np.sin(y / 5.0)
    img[grass] = (np.array([60, 150, 50])[None, :] * shade[grass][:, None])
    # House: walls, roof (triangle), door and window.
    walls = (x >= 110) & (x < 250) & (y >= 190) & (y < 300)
    img[walls] = [225, 200, 160]
    roof = (y >= 120) & (y < 190) & (np.abs(x - 180) <= (y - 120) * 1.25)
    img[roof] = [170, 50, 40]
    door = (x >= 165) & (x < 195) & (y >= 240) & (y < 300)
    img[door] = [110, 70, 40]
    window = (x >= 205) & (x < 238) & (y >= 210) & (y < 240)
    img[window] = [150, 210, 240]
    img[window & ((np.abs(x - 221) < 1.5) | (np.abs(y - 225) < 1.5))] = [255, 255, 255]
    # A tree on the right.
    trunk = (x >= 318) & (x < 332) & (y >= 225) & (y < 290)
    img[trunk] = [100, 65, 35]
    crown = np.hypot(x - 325, (y - 200) * 1.2) < 42
    img[crown] = np.array([40, 110, 45]) * (0.9 + 0.1 * np.sin(x / 4.0) * np.cos(y / 4.0))[crown][:, None]
    return np.clip(np.rint(img), 0, 255)


def shapes(w=384, h=384):
    """A grey checkerboard of 48-pixel squares with a red disc, a blue square and a green
    triangle on it, and vertical stripes in one corner: flat colours, edges and texture."""
    y, x = np.mgrid[0:h, 0:w]
    img = np.where((((x // 48) + (y // 48)) % 2 == 0)[..., None], 200, 90) * np.ones((1, 1, 3))
    img[np.hypot(x - 110, y - 110) < 60] = [220, 40, 40]
    img[(x >= 220) & (x < 330) & (y >= 60) & (y < 170)] = [40, 70, 220]
    tri = (y >= 220) & (y < 340) & (np.abs(x - 120) <= (y - 220) * 0.6)
    img[tri] = [40, 180, 70]
    stripes = (x >= 240) & (x < 350) & (y >= 230) & (y < 340)
    img[stripes] = np.where(((x // 6) % 2 == 0)[stripes][:, None], [250, 250, 250], [20, 20, 20])
    return img


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources", "examples")
    os.makedirs(out, exist_ok=True)
    for name, img in (("scene.png", scene()), ("shapes.png", shapes())):
        path = os.path.join(out, name)
        write_png(path, img)
        print(f"{path}: {img.shape[1]}×{img.shape[0]}, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
