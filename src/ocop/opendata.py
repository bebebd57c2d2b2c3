"""Everything beyond the HTML pages, as output jobs: data exports, static API, Atom feed of changes,
redirect pages and pages of deleted records."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable

from . import api, export, feed, redirects, release
from .history import History
from .output import Job
from .register import Register


def open_data_jobs(register: Register, history: History, today: dt.date,
                   site_url: str) -> tuple[str, Callable[[], dict[str, bytes]], list[Job]]:
    """(key of the data/ exports, the function making them all, and the jobs of every other file)."""
    site_url = site_url.rstrip("/")
    when = release.timestamp(history.head_date, today)
    moved = redirects.redirect_map(register, history)
    removed = redirects.removed_records(register, history, moved)
    everything = hashlib.sha256("".join(p.digest for p in register.products).encode()
                                + f"{history.head}|{today}|{site_url}".encode()).hexdigest()

    def data() -> dict[str, bytes]:
        return export.data_files(register, history, today, site_url, when)

    names = {p.id: p.name for p in register.products}
    jobs = [
        Job(f"{api.PREFIX}/openapi.json", None, lambda: export.json_bytes(api.openapi_document(site_url))),
        Job(f"{api.PREFIX}/index.json", everything, lambda: export.json_bytes(
            api.index_document(register, history, today, moved, list(removed)))),
        Job(feed.PATH, everything, lambda: feed.atom(register, history, site_url, when).encode("utf-8")),
    ]
    for product in register.products:
        jobs.append(Job(f"{api.PREFIX}/products/{product.id}.json", product.digest + history.digest_of(product.id),
                        lambda product=product: export.json_bytes(
                            api.product_document(product, history, today, site_url))))
    by_province = {p.code: [] for p in register.provinces}
    for product in register.products:
        by_province[product.province.code].append(product)
    for province in register.provinces:
        jobs.append(Job(f"{api.PREFIX}/provinces/{province.code}.json", everything, lambda province=province: export.json_bytes(
            api.province_document(province, by_province[province.code], today))))
    for old, new in moved.items():
        jobs.append(Job(f"san-pham/{old}/index.html", None, lambda old=old, new=new: redirects.redirect_page(
            old, new, names[new], site_url).encode("utf-8")))
    for item in removed:
        jobs.append(Job(f"san-pham/{item.id}/index.html", None,
                        lambda item=item: redirects.removed_page(item).encode("utf-8")))
    return everything, data, jobs
