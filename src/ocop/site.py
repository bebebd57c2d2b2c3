"""What the static site contains: every page as (output file, template, context), plus helpers.

Pure functions of the register; the Pelican glue in ``pelican_plugin`` only writes them out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
import hashlib
import re
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

import markdown
import nh3

from . import charts, feeds, monitoring, redirects
from .cache import PieceStore, code_digest
from .export import DOWNLOADS
from .history import Change, History
from .jsonld import product_jsonld
from .lifecycle import STATUSES
from .model import GROUPS, Product, digest_of, group_url, province_url
from .output import Job
from .register import Register
from .schema import field_titles
from .search import product_facets
from .vntext import sort_key

STAR_LEVELS = (5, 4, 3)

@cache
def _markdown() -> markdown.Markdown:
    """One parser, reset per text: building it costs more than using it (made when a text needs it)."""
    return markdown.Markdown(output_format="html")



class Page(NamedTuple):
    """One file of the site: where it goes, which template renders it, with what (a tuple: 40,000 are planned
    at national scale)."""

    output: str
    template: str
    context: Callable[[], dict[str, Any]]  # called only when the page is made (unchanged pages are skipped)
    url: str
    key: str | None = None  # digest of the page's own inputs; None: made at every build


UNLISTED = frozenset({"404.html", "removed.html"})  # templates of pages the sitemap does not list

PAGE_SIZE = 100  # products per list page: a phone downloads a list in one small page


def list_pages(base: str, template: str, items: list[Product], context: Callable[[], dict[str, Any]],
               figures: Any = None) -> Iterator[Page]:
    """A list of products split into pages of PAGE_SIZE: base/, base/trang-2/, ...

    A page shows its own products, the length of the list and, when *figures* is given, figures of the whole
    list (its counts); its key digests just these, so an edit re-renders the page holding the product, not the
    whole list.
    """
    whole = f"{len(items)}|{'' if figures is None else figures}"
    context = cache(context)
    total = max(1, -(-len(items) // PAGE_SIZE))
    urls = [base if n == 1 else f"{base}trang-{n}/" for n in range(1, total + 1)]
    for number, url in enumerate(urls, 1):
        chunk = items[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        pager = {"number": number, "total": total, "urls": urls, "first": (number - 1) * PAGE_SIZE + 1,
                 "count": len(items)}
        key = hashlib.sha1((whole + digest_of(chunk)).encode()).hexdigest()
        yield Page(f"{url}index.html", template, lambda chunk=chunk, pager=pager: {
            **context(), "products": chunk, "pager": pager}, url, key)


# One line of words and plain punctuation, starting with a letter: Markdown makes it one paragraph, unchanged.
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:()%/?!'\"-])*(?<! )")


def render_markdown(text: str | None) -> str:
    """Markdown to HTML, sanitised so a record can never inject script or markup we do not allow.

    Plain one-line text skips the parser (about 0.6 ms a text, the cost of 6,000 descriptions at national scale).
    """
    if not text:
        return ""
    if _PLAIN.fullmatch(text):
        return f"<p>{text}</p>"
    return nh3.clean(_markdown().reset().convert(text))


def counts(products: list[Product], today: dt.date) -> dict[str, Any]:
    """Counts shown on home, province and group pages."""
    return counted([facts(p, today) for p in products])


def facts(product: Product, today: dt.date) -> tuple:
    """What counts() counts of a product: (stars, group, status, producer name)."""
    return product.stars, product.group, product.status_on(today), product.producer.get("name")


def counted(rows: list[tuple]) -> dict[str, Any]:
    """counts() of products given as their facts(), so a build reads each product once for all its lists."""
    stars, groups, statuses, names = zip(*rows) if rows else ((), (), (), ())
    stars, groups, statuses = Counter(stars), Counter(groups), Counter(statuses)
    producers = set(names) - {None, ""}
    return {
        "total": len(rows),
        "stars": [(level, stars.get(level, 0)) for level in STAR_LEVELS],
        "stars_unknown": stars.get(None, 0),
        "groups": [(key, label, groups.get(key, 0)) for key, label in GROUPS.items()],
        "groups_unknown": groups.get(None, 0),
        "statuses": [(key, label, statuses.get(key, 0)) for key, label in STATUSES.items()],
        "producers": len(producers),
    }


def monitoring_url(province=None) -> str:
    return f"giam-sat/{province.slug}/" if province else "giam-sat/"


def verify_url(product: Product) -> str:
    return f"xac-minh/{product.id}/"


def show_value(value: Any) -> str:
    """A field value as the change history shows it: short, «(trống)» when absent."""
    if value is None:
        return "(trống)"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


@lru_cache(maxsize=1)
def _product_titles() -> dict[str, str]:
    return field_titles("product")


def history_rows(changes: list[Change]) -> list[dict[str, Any]]:
    """Changes of one record for its page: the change and (field title, old, new) display strings."""
    titles = _product_titles()
    return [{"change": c, "fields": [(titles.get(f.field, f.field), show_value(f.old), show_value(f.new))
                                     for f in c.fields]} for c in changes]


def pages(register: Register, today: dt.date, history: History | None = None, site_url: str = "") -> Iterator[Page]:
    """Every HTML page of the site."""
    history = history or History()
    products = register.products
    # One pass sorts every product into its group and star lists and reads what their figures count.
    by_province = register.by_province
    by_group: dict[str | None, list[Product]] = {key: [] for key in [*GROUPS, None]}
    by_stars: dict[int, list[Product]] = {level: [] for level in STAR_LEVELS}
    facts_of: dict[Any, list[tuple]] = {key: [] for key in [*by_province, *(("group", k) for k in by_group)]}
    every = [facts(product, today) for product in products]
    for product, row in zip(products, every):
        facts_of[product.province.code].append(row)
        if row[1] in by_group:
            by_group[row[1]].append(product)
            facts_of["group", row[1]].append(row)
        if row[0] in by_stars:
            by_stars[row[0]].append(product)
    provinces_sorted = sorted(register.provinces, key=lambda p: sort_key(p.name))
    province_rows = [(p, len(by_province[p.code])) for p in provinces_sorted]

    everything = register.digest
    national = cache(lambda: counted(every))
    yield Page("index.html", "index.html", lambda: {
        "counts": national(), "province_rows": province_rows, "groups": GROUPS}, "", everything)
    yield Page("tinh/index.html", "provinces.html", lambda: {"province_rows": province_rows}, "tinh/", everything)
    for province in provinces_sorted:
        figures = counted(facts_of[province.code])
        yield from list_pages(province_url(province), "province.html", by_province[province.code],
                              lambda province=province, figures=figures: {"province": province, "counts": figures},
                              figures)
    yield Page("nganh/index.html", "groups.html", lambda: {"counts": national()}, "nganh/", everything)
    for key, items in by_group.items():
        figures = counted(facts_of["group", key])
        yield from list_pages(group_url(key), "group.html", items, lambda key=key, figures=figures: {
            "group_key": key or "chua-ro", "group_label": GROUPS.get(key, "Chưa rõ ngành"), "counts": figures}, figures)
    yield Page("sao/index.html", "stars_index.html", lambda: {"counts": national()}, "sao/", everything)
    for level, items in by_stars.items():
        yield from list_pages(f"sao/{level}/", "stars.html", items, lambda level=level: {"level": level})
    product_context = partial(_product_context, history=history, today=today, site_url=site_url)
    verify_context = partial(_verify_context, site_url=site_url)
    for product in products:
        digest, url, verify = product.digest, product.url, verify_url(product)
        yield Page(f"{url}index.html", "product.html", partial(product_context, product, verify), url,
                   history.key_of(product))
        yield Page(f"{verify}index.html", "verify.html", partial(verify_context, product, verify), verify, digest)
    for item in redirects.removed_records(register, history, redirects.redirect_map(register, history)):
        yield Page(f"san-pham/{item.id}/index.html", "removed.html", lambda item=item: {
            "removed": item, "removed_on": dt.date.fromisoformat(item.removed_on)}, f"san-pham/{item.id}/",
            hashlib.sha1(repr(item).encode()).hexdigest())
    yield Page("xac-minh/index.html", "verify_lookup.html", dict, "xac-minh/")
    yield Page("tim-kiem/index.html", "search.html", lambda: {"facets": product_facets(register.provinces)}, "tim-kiem/")
    yield from monitoring_pages(register, provinces_sorted, by_province, today)
    yield Page("du-lieu/index.html", "data.html", lambda: {"downloads": DOWNLOADS, "commit": history.head}, "du-lieu/")
    yield Page("404.html", "404.html", dict, "404.html")


def _product_context(product: Product, verify: str, history: History, today: dt.date, site_url: str) -> dict:
    return {"product": product, "description_html": render_markdown(product.description), "verify_url": verify,
            "history": history_rows(history.changes_of(product.id)),
            "jsonld": product_jsonld(product, today, site_url)}


def _verify_context(product: Product, verify: str, site_url: str) -> dict:
    return {"product": product, "verify_url": verify, "public_link": f"{site_url}/{verify}"}


def monitoring_pages(register: Register, provinces_sorted, by_province, today: dt.date) -> Iterator[Page]:
    """The national monitoring page and one per province; the national page's table of provinces is counted
    from its own figures, so a build computes figures only for the pages it renders."""
    @lru_cache(maxsize=None)
    def figures(code: str | None) -> monitoring.Figures:
        if code is None:
            return monitoring.figures(register.products, today)
        return monitoring.figures(by_province[code], today, register.provinces.by_code[code].name)

    def national() -> dict:
        rows = monitoring.by_province(figures(None))
        return {"fig": figures(None), "province": None, "chart": charts.bar_chart, "feed_base": "giam-sat/",
                "province_rows": [(p, rows.get(p.code, monitoring.AreaCounts())) for p in provinces_sorted],
                "limit": monitoring.LIST_LIMIT}

    yield Page("giam-sat/index.html", "monitoring.html", national, "giam-sat/", register.digest)
    for province in provinces_sorted:
        yield Page(f"{monitoring_url(province)}index.html", "monitoring.html", lambda province=province: {
            "fig": figures(province.code), "province": province, "province_rows": [], "chart": charts.bar_chart,
            "feed_base": monitoring_url(province), "limit": monitoring.LIST_LIMIT,
        }, monitoring_url(province), register.area_keys[province.code])


def files(register: Register, today: dt.date, public_url: str, folder: Path | None = None) -> Iterator[Job]:
    """The Atom feed and calendar of the nation and of each province. The notices are found once, each one's
    pieces serialised once for all files and kept in *folder* between builds."""
    keys = dict(register.area_keys)
    # The national files order notices by day, not as the register does: keyed by the provinces' keys.
    keys[None] = hashlib.sha1("".join(keys.values()).encode()).hexdigest()

    @cache
    def notices() -> dict[str | None, list[feeds.Notice]]:
        found = feeds.notices(register.products, today)
        by_code = {p.code: [] for p in register.provinces}
        for notice in found:  # in the national order, which is each province's
            by_code[notice.product.province.code].append(notice)
        return {None: found, **by_code}

    @cache
    def pieces() -> feeds.Pieces:
        return feeds.serialised(notices()[None], public_url, PieceStore(folder, code_digest(everything=True), "feeds"))

    for province in [None, *register.provinces]:
        base, code = monitoring_url(province), province.code if province else None
        title = f"OCOP {province.name if province else 'Toàn quốc'}: hết hạn sắp tới và thu hồi"
        key = keys[code]
        yield Job(f"{base}canh-bao.atom", key, lambda title=title, base=base, code=code: feeds.atom(
            title, public_url, f"{public_url}/{base}canh-bao.atom", notices()[code], today, pieces()))
        yield Job(f"{base}lich-het-han.ics", key, lambda title=title, code=code: feeds.icalendar(
            title, public_url, notices()[code], pieces()))


def sitemap(urls: list[str], site_url: str) -> str:
    """sitemap.xml for the given page URLs (relative to the site root)."""
    from xml.sax.saxutils import escape

    rows = "".join(f"<url><loc>{escape(site_url.rstrip('/') + '/' + u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n")
