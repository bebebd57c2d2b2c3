"""Figures for state management: counts, expiry lists, revocations and recognitions per year.

One function computes everything for a set of products on a given day; the monitoring pages,
``ocop report`` and its CSV/XLSX all show the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from .lifecycle import STATUSES, State
from .model import GROUPS, PRODUCER_KINDS, Product

EXPIRY_WINDOWS = (30, 90, 180)
LIST_LIMIT = 100  # rows of each list on a monitoring page; the full lists are in `ocop report` and data/


class Row(NamedTuple):
    """A product as it stood on the report's day (a tuple: a national page makes one per product)."""

    product: Product
    state: State

    @property
    def expires_on(self) -> dt.date | None:
        return self.state.decision.expires_on


@dataclass
class Figures:
    """Everything a monitoring page or report shows for one area on one day."""

    area: str
    as_of: dt.date
    rows: list[Row]
    by_stars: list[tuple[str, int]] = field(default_factory=list)
    by_group: list[tuple[str, int]] = field(default_factory=list)
    by_producer_kind: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    per_year: list[tuple[int, int]] = field(default_factory=list)
    expiring: dict[int, list[Row]] = field(default_factory=dict)
    revoked: list[Row] = field(default_factory=list)
    expired: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def status_pairs(self) -> list[tuple[str, int]]:
        return [(label, n) for _, label, n in self.by_status]

    @property
    def year_pairs(self) -> list[tuple[str, int]]:
        return [(str(year), n) for year, n in self.per_year]


def figures(products: list[Product], as_of: dt.date, area: str = "Toàn quốc") -> Figures:
    """The figures for *products* as the register stood on *as_of* (one pass over the products)."""
    rows: list[Row] = []
    stars: dict = {}
    groups: dict = {}
    kinds: dict = {}
    statuses: dict = {}
    years: dict = {}
    upcoming: list[Row] = []
    revoked: list[Row] = []
    expired: list[Row] = []
    for product in products:
        state = product.state_on(as_of)
        if state is None:
            continue
        row = Row(product, state)
        rows.append(row)
        status, key = state.status, state.decision.stars
        stars[key] = stars.get(key, 0) + 1
        key = product.group
        groups[key] = groups.get(key, 0) + 1
        key = product.producer.get("kind")
        kinds[key] = kinds.get(key, 0) + 1
        statuses[status] = statuses.get(status, 0) + 1
        for d in product.decisions:
            if d.decided_on:
                if d.decided_on <= as_of:
                    years[d.decided_on.year] = years.get(d.decided_on.year, 0) + 1
            elif d.year and d.year <= as_of.year:
                years[d.year] = years.get(d.year, 0) + 1
        if status in ("revoked", "withdrawn"):
            revoked.append(row)
        else:
            if status == "expired":
                expired.append(row)
            if state.days_left is not None and state.days_left >= 0:
                upcoming.append(row)
    result = Figures(area, as_of, rows)
    result.by_stars = [(f"{n} sao", stars.get(n, 0)) for n in (3, 4, 5)] + [("Chưa rõ", stars.get(None, 0))]
    result.by_group = [(label, groups.get(key, 0)) for key, label in GROUPS.items()] + [("Chưa rõ", groups.get(None, 0))]
    result.by_producer_kind = ([(label, kinds.get(key, 0)) for key, label in PRODUCER_KINDS.items()]
                               + [("Chưa rõ", kinds.get(None, 0))])
    result.by_status = [(key, label, statuses.get(key, 0)) for key, label in STATUSES.items()]
    result.per_year = sorted((y, n) for y, n in years.items() if y)
    upcoming.sort(key=lambda r: (r.state.days_left, r.product.sort))
    result.expiring = {w: [r for r in upcoming if r.state.days_left <= w] for w in EXPIRY_WINDOWS}
    result.revoked, result.expired = revoked, expired
    return result


class AreaCounts(NamedTuple):
    """A province's row in the national monitoring page's table."""

    total: int = 0
    five_stars: int = 0
    expiring_90: int = 0
    expired: int = 0
    revoked: int = 0


def by_province(fig: Figures) -> dict[str, AreaCounts]:
    """The national *fig* counted per province code: the figures each province's own page shows."""
    def per_province(rows: list[Row]) -> Counter:
        return Counter([r.product.province.code for r in rows])

    totals: dict[str, int] = {}
    five: dict[str, int] = {}
    for product, state in fig.rows:
        code = product.province.code
        totals[code] = totals.get(code, 0) + 1
        if state.decision.stars == 5:
            five[code] = five.get(code, 0) + 1
    columns = [totals, five, per_province(fig.expiring[90]), per_province(fig.expired), per_province(fig.revoked)]
    return {code: AreaCounts(*(column.get(code, 0) for column in columns)) for code in totals}


@dataclass(frozen=True)
class Table:
    """One titled table of a report: headers and rows of plain values."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple]
    sheet: str = ""  # short name for a spreadsheet tab (31 characters at most)


def tables(fig: Figures) -> list[Table]:
    """The figures as tables: counts first, then the lists of products."""
    counts = [("Tổng số", "Sản phẩm", fig.total)]
    counts += [("Hạng sao", label, n) for label, n in fig.by_stars]
    counts += [("Ngành", label, n) for label, n in fig.by_group]
    counts += [("Loại chủ thể", label, n) for label, n in fig.by_producer_kind]
    counts += [("Tình trạng", label, n) for _, label, n in fig.by_status]
    counts += [("Công nhận theo năm", str(year), n) for year, n in fig.per_year]
    head = ("Mã hồ sơ", "Tên sản phẩm", "Tỉnh/thành", "Hạng sao", "Quyết định", "Hết hạn", "Còn (ngày)", "Tình trạng")

    def listing(rows: list[Row]) -> list[tuple]:
        return [(r.product.id, r.product.name, r.product.province.name, r.state.stars or "",
                 r.state.decision.number or "", r.expires_on.isoformat() if r.expires_on else "",
                 "" if r.state.days_left is None else r.state.days_left, r.state.label) for r in rows]

    result = [Table(f"Số liệu {fig.area} đến ngày {fig.as_of:%d/%m/%Y}", ("Nhóm", "Mục", "Số sản phẩm"), counts,
                    "Số liệu")]
    result += [Table(f"Hết hạn trong {w} ngày tới: {len(fig.expiring[w])} sản phẩm", head, listing(fig.expiring[w]),
                     f"Hết hạn trong {w} ngày") for w in EXPIRY_WINDOWS]
    result.append(Table(f"Bị thu hồi hoặc loại khỏi danh sách: {len(fig.revoked)} sản phẩm", head,
                        listing(fig.revoked), "Thu hồi, loại"))
    result.append(Table(f"Đã hết hạn: {len(fig.expired)} sản phẩm", head, listing(fig.expired), "Đã hết hạn"))
    return result
