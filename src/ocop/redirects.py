"""Stable links: a product's old URL keeps working after its id changes, and says so after a deletion.

A product's page is ``san-pham/<id>/``; the province and name are not in it, so only an id change can move it.
Old ids come from git renames (``history.renames``) and from a record's own ``former_ids``; each gets a small
page at the old address that sends the reader on (meta refresh, ``location.replace`` and a canonical link).
A record deleted from the register leaves a page at its address (``removed.html``, see site.pages) saying when
and in which commit it went.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .history import History
from .jsonld import script_json
from .register import Register


def redirect_map(register: Register, history: History) -> dict[str, str]:
    """Old id -> current id, for every old id that is not a live id (a record's former_ids win)."""
    live = register.ids
    out = {old: new for old, new in history.renames.items() if old not in live and new in live}
    for product in register.products:
        if "former_ids" in product.data:
            out.update({old: product.id for old in product.former_ids if old not in live})
    return dict(sorted(out.items()))


def redirect_page(old: str, new: str, name: str, site_url: str) -> str:
    """The page written at san-pham/<old>/index.html."""
    target = f"../{new}/"
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Đã chuyển: {html.escape(name)}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{html.escape(f"{site_url}/san-pham/{new}/")}">
<meta http-equiv="refresh" content="0; url={html.escape(target)}">
<script>location.replace({script_json(target)} + location.search + location.hash);</script>
</head>
<body>
<p>Mã hồ sơ <code>{html.escape(old)}</code> đã đổi thành <code>{html.escape(new)}</code>.
Trang sản phẩm: <a href="{html.escape(target)}">{html.escape(name)}</a>.</p>
</body>
</html>
"""


@dataclass(frozen=True)
class Removed:
    """A record deleted from the register: its last id and name, and the deleting commit."""

    id: str
    name: str
    removed_on: str
    commit: str
    message: str


def removed_records(register: Register, history: History, redirects: dict[str, str]) -> list[Removed]:
    """Every id (a deleted record's last one and its former ones) that is neither live nor redirected."""
    taken = register.ids | set(redirects)
    out = []
    for lineage in history.deleted:
        last = lineage.changes[-1]
        name = history.last_name(lineage.id) or lineage.id
        for ident in [lineage.id, *lineage.former_ids]:
            if ident not in taken:
                out.append(Removed(ident, name, last.date[:10], last.commit, last.message))
    return sorted(out, key=lambda r: r.id)
