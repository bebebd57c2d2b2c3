"""QR codes for product labels, made at build time and carried by the verification page itself.

zxing-cpp (C++) computes the module matrix, about 20 times faster than a pure-Python encoder, which matters
with one code per product at national scale. The page shows the code as inline SVG (one stroked path) and
offers it for download as SVG (for print) and PNG, as ``data:`` links: no file per code to write, and the
matrix is computed once per product. The PNG is 1 bit per pixel at 8 pixels per module, so each module
is exactly one byte of the image row (0x00 dark, 0xFF light).
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass

import zxingcpp

QUIET = 4  # modules of white border the QR standard asks for
PNG_SCALE = 8  # pixels per module (one byte of a 1-bit row): about 3 cm wide at 300 dpi
SHOWN = 200  # CSS pixels of the code on the verification page


def matrix(url: str) -> list[bytes]:
    """Rows of the QR code for *url* (error correction M), one byte per module: 0 dark, 255 light."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    data = bytes(image)
    return [data[i: i + size] for i in range(0, len(data), size)]


def svg(rows: list[bytes], title: str) -> str:
    """An SVG of the rows, quiet zone included: one stroked path drawn by a pen that crosses each row once,
    ``h1`` for a dark module and ``m1 0`` for a light one, made by byte replacement (no Python loop per module)."""
    size, width = len(rows) + 2 * QUIET, len(rows)
    pen = (b"\x01".join(rows).replace(b"\x00", b"h1").replace(b"\xff", b"m1 0")
           .replace(b"\x01", f"m-{width} 1".encode())).decode("ascii")
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{SHOWN}" '
            f'height="{SHOWN}" shape-rendering="crispEdges" role="img"><title>{escaped}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="M{QUIET} {QUIET}.5{pen}" fill="none" stroke="#000" stroke-width="1"/></svg>')


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


def data_uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True)
class Label:
    """The QR code of one verification page: inline SVG markup and the two downloads as data: URIs."""

    svg: str
    svg_download: str
    png_download: str


def label(url: str, title: str) -> Label:
    """The code that opens *url*; *title* names it for screen readers."""
    rows = matrix(url)
    image = svg(rows, title)
    return Label(image, data_uri("image/svg+xml", image.encode("utf-8")), data_uri("image/png", png(rows)))
