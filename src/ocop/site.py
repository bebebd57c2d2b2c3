"""What the static site contains: every page as (output file, template, context), plus helpers.

Pure functions of the register; the Pelican glue in ``pelican_plugin`` only writes them out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator

import markdown
import nh3

from .model import GROUPS, STATUS_LABELS, Product, group_url, province_url
from .register import Register
from .search import product_facets
from .vntext import sort_key

STAR_LEVELS = (5, 4, 3)


@dataclass(frozen=True)
class Page:
    """One file of the site: where it goes, which template renders it, with what."""

    output: str
    template: str
    context: dict[str, Any]
    url: str


def render_markdown(text: str | None) -> str:
    """Markdown to HTML, sanitised so a record can never inject script or markup we do not allow."""
    if not text:
        return ""
    return nh3.clean(markdown.markdown(text, output_format="html"))


def counts(products: list[Product], today: dt.date) -> dict[str, Any]:
    """Counts shown on home, province and group pages."""
    stars = Counter(p.stars for p in products)
    groups = Counter(p.group for p in products)
    statuses = Counter(p.status_on(today) for p in products)
    producers = {p.producer.get("name") for p in products if p.producer.get("name")}
    return {
        "total": len(products),
        "stars": [(level, stars.get(level, 0)) for level in STAR_LEVELS],
        "stars_unknown": stars.get(None, 0),
        "groups": [(key, label, groups.get(key, 0)) for key, label in GROUPS.items()],
        "groups_unknown": groups.get(None, 0),
        "statuses": [(key, label, statuses.get(key, 0)) for key, label in STATUS_LABELS.items()],
        "producers": len(producers),
    }


def pages(register: Register, today: dt.date) -> Iterator[Page]:
    """Every HTML page of the site."""
    products = register.products
    by_province: dict[str, list[Product]] = {p.code: [] for p in register.provinces}
    for product in products:
        by_province[product.province.code].append(product)
    provinces_sorted = sorted(register.provinces, key=lambda p: sort_key(p.name))
    province_rows = [(p, len(by_province[p.code])) for p in provinces_sorted]

    yield Page("index.html", "index.html", {
        "counts": counts(products, today), "province_rows": province_rows, "groups": GROUPS,
    }, "")
    yield Page("tinh/index.html", "provinces.html", {"province_rows": province_rows}, "tinh/")
    for province in provinces_sorted:
        items = by_province[province.code]
        yield Page(f"{province_url(province)}index.html", "province.html", {
            "province": province, "products": items, "counts": counts(items, today),
        }, province_url(province))
    yield Page("nganh/index.html", "groups.html", {"counts": counts(products, today)}, "nganh/")
    for key in [*GROUPS, None]:
        items = [p for p in products if p.group == key]
        yield Page(f"{group_url(key)}index.html", "group.html", {
            "group_key": key or "chua-ro", "group_label": GROUPS.get(key, "Chưa rõ ngành"),
            "products": items, "counts": counts(items, today),
        }, group_url(key))
    yield Page("sao/index.html", "stars_index.html", {"counts": counts(products, today)}, "sao/")
    for level in STAR_LEVELS:
        items = [p for p in products if p.stars == level]
        yield Page(f"sao/{level}/index.html", "stars.html", {"level": level, "products": items}, f"sao/{level}/")
    for product in products:
        yield Page(f"{product.url}index.html", "product.html", {
            "product": product, "description_html": render_markdown(product.description),
        }, product.url)
    yield Page("tim-kiem/index.html", "search.html", {"facets": product_facets(register.provinces)}, "tim-kiem/")
    yield Page("404.html", "404.html", {}, "404.html")


def sitemap(urls: list[str], site_url: str) -> str:
    """sitemap.xml for the given page URLs (relative to the site root)."""
    from xml.sax.saxutils import escape

    rows = "".join(f"<url><loc>{escape(site_url.rstrip('/') + '/' + u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n")
