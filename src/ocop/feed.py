"""Atom feed of the register's changes: one entry per commit that touched records, newest first."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from .history import Commit, History
from .register import Register
from .schema import field_titles

ATOM = "http://www.w3.org/2005/Atom"
PATH = "feeds/thay-doi.atom.xml"
LIMIT = 100


def _names(register: Register, history: History) -> dict[str, str]:
    """Name of every id, deleted records included (their last readable version)."""
    names = {ident: name for ident in history.lineages if (name := history.last_name(ident))}
    names.update({p.id: p.name for p in register.products})
    return names


def _entry_html(commit: Commit, names: dict[str, str], live: set[str], site_url: str) -> str:
    titles = field_titles("product")
    items = []
    for change in commit.changes:
        name = html.escape(names.get(change.id, change.id))
        link = f'<a href="{html.escape(site_url)}/san-pham/{change.id}/">{name}</a>' if change.id in live else name
        fields = ", ".join(html.escape(titles.get(f, f)) for f in change.field_names)
        extra = f" (mã cũ {html.escape(change.old_id)})" if change.old_id else ""
        items.append(f"<li>{link}: {html.escape(change.action_label)}{extra}{': ' + fields if fields else ''}</li>")
    return f"<p>{len(commit.changes)} hồ sơ thay đổi.</p><ul>{''.join(items)}</ul>"


@dataclass(frozen=True)
class Entry:
    """One Atom entry."""

    id: str
    title: str
    updated: str  # ISO 8601
    link: str
    html: str
    author: str = "Sổ đăng ký OCOP mở"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def entry_xml(item: Entry) -> str:
    """One ``<entry>`` as ``document`` places it: indented one level, ending its line."""
    entry = ET.Element("entry")
    _sub(entry, "title", item.title)
    _sub(entry, "id", item.id)
    _sub(entry, "updated", item.updated)
    _sub(_sub(entry, "author"), "name", item.author)
    _sub(entry, "link", rel="alternate", type="text/html", href=item.link)
    _sub(entry, "content", item.html, type="html")
    ET.indent(entry, level=1)
    return "  " + ET.tostring(entry, encoding="unicode") + "\n"


def frame(title: str, subtitle: str, feed_url: str, alternate: str, updated: str) -> tuple[str, str]:
    """The text of an Atom 1.0 document before its entries and after them."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "vi"})  # the default namespace: tags without prefix
    _sub(feed, "title", title)
    _sub(feed, "subtitle", subtitle)
    _sub(feed, "id", feed_url)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate)
    _sub(feed, "updated", updated)
    _sub(_sub(feed, "author"), "name", "Sổ đăng ký OCOP mở")
    _sub(feed, "rights", "Dữ liệu: CC BY 4.0 — ghi nguồn «Sổ đăng ký OCOP mở» và các nguồn trong từng hồ sơ")
    ET.indent(feed)
    text = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text.removesuffix("</feed>"), "</feed>\n"


def document(title: str, subtitle: str, feed_url: str, alternate: str, updated: str, entries: list[Entry]) -> str:
    """An Atom 1.0 document; every date comes from the data, so two builds give the same bytes."""
    head, tail = frame(title, subtitle, feed_url, alternate, updated)
    return head + "".join(map(entry_xml, entries)) + tail


def atom(register: Register, history: History, site_url: str, updated: dt.datetime) -> str:
    """The feed of changes as text. *updated* is used only when the history is empty (no commit to date it by)."""
    host = urlsplit(site_url).hostname or "ocop-register.invalid"
    names, live = _names(register, history), {p.id for p in register.products}
    commits = list(reversed(history.commits))[:LIMIT]
    entries = []
    for commit in commits:
        single = len(commit.changes) == 1 and commit.changes[0].id in live
        entries.append(Entry(f"tag:{host},2025:commit/{commit.sha}", commit.message or commit.sha[:10], commit.date,
                             f"{site_url}/san-pham/{commit.changes[0].id}/" if single else f"{site_url}/",
                             _entry_html(commit, names, live, site_url), commit.author or "?"))
    return document("Sổ đăng ký OCOP mở — thay đổi dữ liệu",
                    "Mỗi mục là một lần sửa sổ đăng ký (một commit git): hồ sơ nào, trường nào.",
                    f"{site_url}/{PATH}", f"{site_url}/",
                    commits[0].date if commits else updated.isoformat(timespec="seconds"), entries)
