"""Bar charts drawn at build time as small inline SVG, each with a text alternative."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR = 16
LABEL = 18
GAP = 10
WIDTH = 360


def bar_chart(title: str, data: list[tuple[str, int]]) -> Markup:
    """Horizontal bars for (label, value) pairs, each label above its bar so long Vietnamese labels fit a phone.

    The SVG has role=img, an aria-label, a <title> and a <desc> listing every value (the text alternative).
    """
    data = [(str(label), int(value)) for label, value in data]
    top = max((v for _, v in data), default=0) or 1
    step = LABEL + BAR + GAP
    height = len(data) * step
    desc = "; ".join(f"{label}: {value}" for label, value in data)
    bars = []
    for i, (label, value) in enumerate(data):
        y = i * step
        width = max(round((WIDTH - 60) * value / top), 1)
        bars.append(
            f'<text x="0" y="{y + 13}">{escape(label)}</text>'
            f'<rect x="0" y="{y + LABEL}" width="{width}" height="{BAR}" rx="3"></rect>'
            f'<text x="{width + 6}" y="{y + LABEL + 12}">{value}</text>')
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(bars)}</svg>")
