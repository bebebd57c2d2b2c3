"""QR codes for product labels, made at build time and carried by the verification page itself.

zxing-cpp (C++) computes the module matrix, about 20 times faster than a pure-Python encoder, which matters
with one code per product at national scale. The page shows the code as inline SVG (one stroked path); its
downloads (SVG for print, PNG at 8 pixels per module) are made from that SVG in the browser by
``theme/static/js/qr-download.js``, so a build computes one small SVG per product and writes no image at all.
"""

from __future__ import annotations

import zxingcpp

QUIET = 4  # modules of white border the QR standard asks for
SHOWN = 200  # CSS pixels of the code on the verification page


def matrix(url: str) -> list[bytes]:
    """Rows of the QR code for *url* (error correction M), one byte per module: 0 dark, 255 light."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, options="ecLevel=M")  # kwargs cost 20% more
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


def label(url: str, title: str) -> str:
    """The inline SVG of the code that opens *url*; *title* names it for screen readers."""
    return svg(matrix(url), title)
