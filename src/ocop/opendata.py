"""Everything beyond the HTML pages, as output jobs: data exports, static API, Atom feed of changes,
and redirect pages (the pages of deleted records are rendered with the theme: site.pages)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import api, export, feed, redirects, release
from .cache import PieceStore, code_digest
from .history import History
from .output import Job
from .register import Register


@dataclass
class OpenData:
    """The data/ files: the tables (made together by *tables*, skipped together while *key* holds) and one
    workbook job per provincial unit, all listed in SHA256SUMS (see *checksums*); and the jobs of every other file."""

    key: str
    tables: Callable[[], tuple[dict[str, list[bytes]], dict[str, str]]]
    workbooks: list[Job]
    jobs: list[Job]

    def checksums(self, root: Path, digests: dict[str, str]) -> bytes:
        """SHA256SUMS of the tables (*digests*, by name) and of the workbooks as written under *root*."""
        written = {job.output.removeprefix("data/"): export.sha256((root / job.output).read_bytes())
                   for job in self.workbooks}
        return export.sha256sums(digests | written)


def workbook_jobs(register: Register, history: History, today: dt.date, site_url: str) -> list[Job]:
    """data/xlsx/<unit>.xlsx for every provincial unit, keyed by the unit, its products, their history and the
    build's day and address: an edit makes its unit's workbook again, no other, even once committed (a workbook
    is dated by its own products' last change, not by the newest commit; see workbook_time)."""
    sheets = export.tables(register, history, today, site_url)[:2]
    jobs = []
    for province in register.provinces:
        products = register.by_province[province.code]
        stamp = workbook_time(products, history, today)
        key = hashlib.sha1("".join(map(history.key_of, products)).encode()
                           + f"|{province!r}|{today}|{site_url}|{stamp.isoformat()}".encode()).hexdigest()
        jobs.append(Job(f"data/{export.xlsx_path(province)}", key, lambda province=province, products=products,
                        stamp=stamp: export.xlsx_bytes(sheets, products, province, stamp, today)))
    return jobs


def workbook_time(products: list, history: History, today: dt.date) -> dt.datetime:
    """The time a unit's workbook carries: the last commit that changed one of its *products*; when none has a
    history (or no products), the as-of day; SOURCE_DATE_EPOCH when set (see release.timestamp)."""
    lineages = history.lineages
    dates = [change.date for product in products if product.id in lineages for change in lineages[product.id].changes]
    return release.timestamp(max(dates, key=dt.datetime.fromisoformat) if dates else None, today)


def open_data_jobs(register: Register, history: History, today: dt.date, site_url: str,
                   cache: Path | None = None) -> OpenData:
    """Every file beyond the HTML pages; each product's pieces of the data/ tables are kept in *cache* (a folder)."""
    site_url = site_url.rstrip("/")
    when = release.timestamp(history.head_date, today)
    moved = redirects.redirect_map(register, history)
    removed = redirects.removed_records(register, history, moved)
    everything = hashlib.sha256(f"{register.digest}|{history.head}|{today}|{site_url}".encode()).hexdigest()
    workbooks = workbook_jobs(register, history, today, site_url)

    def tables() -> tuple[dict[str, list[bytes]], dict[str, str]]:
        return export.data_files(register, history, today, site_url, when,
                                 PieceStore(cache, code_digest(everything=True)))

    targets = set(moved.values())
    names = {p.id: p.name for p in register.products if p.id in targets} if targets else {}
    jobs = [  # openapi.json depends on the code (the build key) and the address only
        Job(f"{api.PREFIX}/openapi.json", site_url, lambda: export.json_bytes(api.openapi_document(site_url))),
        Job(f"{api.PREFIX}/index.json", everything, lambda: export.json_bytes(
            api.index_document(register, history, today, moved, list(removed)))),
        Job(feed.PATH, everything, lambda: feed.atom(register, history, site_url, when).encode("utf-8")),
    ]
    for product in register.products:
        jobs.append(Job(f"{api.PREFIX}/products/{product.id}.json", history.key_of(product),
                        lambda product=product: export.json_bytes(
                            api.product_document(product, history, today, site_url))))
    by_province = register.by_province
    for province in register.provinces:
        jobs.append(Job(f"{api.PREFIX}/provinces/{province.code}.json", register.area_keys[province.code],
                        lambda province=province: export.json_bytes(
                            api.province_document(province, by_province[province.code], today))))
    for old, new in moved.items():
        jobs.append(Job(f"san-pham/{old}/index.html", None, lambda old=old, new=new: redirects.redirect_page(
            old, new, names[new], site_url).encode("utf-8")))
    # SHA256SUMS lists the workbooks: its key follows theirs (SOURCE_DATE_EPOCH redates them, not `when`)
    data_key = hashlib.sha256(f"{everything}|{when.isoformat()}|".encode()
                              + "".join(job.key for job in workbooks).encode()).hexdigest()
    return OpenData(data_key, tables, workbooks, jobs)
