"""QR codes for product labels: SVG (scalable, for print) and PNG, generated at build time."""

from __future__ import annotations

import io

import segno


def qr_files(url: str) -> tuple[bytes, bytes]:
    """(SVG, PNG) bytes of a QR code for *url*, error correction level M, with the quiet zone."""
    code = segno.make(url, error="m", micro=False)
    svg, png = io.BytesIO(), io.BytesIO()
    code.save(svg, kind="svg", scale=4, border=4, xmldecl=False, title=url)
    code.save(png, kind="png", scale=8, border=4)
    return svg.getvalue(), png.getvalue()
