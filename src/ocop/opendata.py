"""Everything beyond the HTML pages, written after them: data exports, static API, Atom feed, redirects and
pages of deleted records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import api, export, feed, redirects, release
from .history import History
from .register import Register


@dataclass(frozen=True)
class Written:
    data: dict[str, bytes]
    api: dict[str, bytes]
    redirect_urls: list[str]
    removed_urls: list[str]


def write_open_data(output: Path, register: Register, history: History, today: dt.date, site_url: str) -> Written:
    """Write data/, api/v1/, the feed and the redirect pages into *output*."""
    site_url = site_url.rstrip("/")
    when = release.timestamp(history.head_date, today)
    moved = redirects.redirect_map(register, history)
    removed = redirects.removed_records(register, history, moved)
    data = export.write_data(output / "data", register, history, today, site_url, when)
    api_files = api.write_api(output / api.PREFIX, register, history, today, site_url, moved, removed)
    feed_path = output / feed.PATH
    feed_path.parent.mkdir(parents=True, exist_ok=True)
    feed_path.write_text(feed.atom(register, history, site_url, when), encoding="utf-8")
    urls = redirects.write_redirects(output, moved, register, site_url)
    return Written(data, api_files, urls, redirects.write_removed(output, removed))
