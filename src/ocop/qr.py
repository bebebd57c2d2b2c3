"""QR codes for product labels: SVG (scalable, for print) and PNG, generated at build time.

zxing-cpp (C++) computes the module matrix, about 20 times faster than a pure-Python encoder, which matters
with one code per product at national scale. The SVG is one path of horizontal runs. The PNG is 1 bit per
pixel at 8 pixels per module, so each module is exactly one byte of the image row (0x00 dark, 0xFF light).
"""

from __future__ import annotations

import re
import struct
import zlib
from functools import lru_cache

import zxingcpp

QUIET = 4  # modules of white border the QR standard asks for
PNG_SCALE = 8  # pixels per module (one byte of a 1-bit row): about 3 cm wide at 300 dpi
_DARK_RUN = re.compile(b"\x00+")


@lru_cache(maxsize=4)  # the SVG and the PNG of one code are made one after the other
def matrix(url: str) -> list[bytes]:
    """Rows of the QR code for *url* (error correction M), one byte per module: 0 dark, 255 light."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    data = bytes(image)
    return [data[i: i + size] for i in range(0, len(data), size)]


def svg(rows: list[bytes], title: str) -> bytes:
    """An SVG of the rows: one path of horizontal runs of dark modules, quiet zone included."""
    size = len(rows) + 2 * QUIET
    runs = [f"M{m.start() + QUIET} {y + QUIET}h{m.end() - m.start()}v1h-{m.end() - m.start()}z"
            for y, row in enumerate(rows) for m in _DARK_RUN.finditer(row)]
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size * 4}" '
            f'height="{size * 4}" shape-rendering="crispEdges"><title>{escaped}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{"".join(runs)}" fill="#000"/></svg>'
            ).encode("utf-8")


def png(rows: list[bytes]) -> bytes:
    """A 1-bit black-and-white PNG of the rows, PNG_SCALE pixels per module, quiet zone included."""
    width = len(rows) + 2 * QUIET
    blank = b"\x00" + b"\xff" * width  # filter byte 0, then one byte per module
    lines = [blank] * (QUIET * PNG_SCALE)
    for row in rows:
        lines += [b"\x00" + b"\xff" * QUIET + row + b"\xff" * QUIET] * PNG_SCALE
    lines += [blank] * (QUIET * PNG_SCALE)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = width * PNG_SCALE
    header = struct.pack(">IIBBBBB", pixels, pixels, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(lines), 6))
            + chunk(b"IEND", b""))


def qr_svg(url: str) -> bytes:
    """SVG of a QR code that opens *url*."""
    return svg(matrix(url), url)


def qr_png(url: str) -> bytes:
    """PNG of a QR code that opens *url*."""
    return png(matrix(url))


def qr_files(url: str) -> tuple[bytes, bytes]:
    """(SVG, PNG) bytes of a QR code that opens *url*."""
    return qr_svg(url), qr_png(url)
