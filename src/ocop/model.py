"""Validated records as objects: products with their derived status and display labels."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .lifecycle import MERGER_DAY, Decision, State, StatusChange, state_on, status_change, timeline
from .provinces import Province
from .vntext import sort_key

GROUPS = {
    "thuc-pham": "Thực phẩm",
    "do-uong": "Đồ uống",
    "duoc-lieu": "Dược liệu và sản phẩm từ dược liệu",
    "thu-cong-my-nghe": "Thủ công mỹ nghệ",
    "sinh-vat-canh": "Sinh vật cảnh",
    "du-lich": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
}
PRODUCER_KINDS = {
    "htx": "Hợp tác xã",
    "doanh-nghiep": "Doanh nghiệp",
    "to-hop-tac": "Tổ hợp tác",
    "ho-kinh-doanh": "Hộ kinh doanh / cơ sở sản xuất",
}
STAR_BANDS = {3: (50, 69.999), 4: (70, 89.999), 5: (90, 100)}


@dataclass
class Product:
    """One validated product record and what the register derives from it."""

    data: dict
    file: str  # the record's file (text, not a Path: 20,000 Paths cost a third of a second to unpickle)
    province: Province
    province_label: str
    sort: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.id: str = self.data["id"]  # read some twenty times per product and build: an attribute, not a property
        self.url = f"san-pham/{self.id}/"
        self.sort = sort_key(self.name)
        self.order = f"{self.sort}\0{self.id}"  # the register's order: by name, then id (see vntext.sort_key)
        self.decisions: tuple[Decision, ...] = timeline(self.data)
        self.change: StatusChange | None = status_change(self.data)
        self._states: dict[dt.date, State | None] = {}  # kept in the Snapshot: a pure function of data and day
        self.digest  # noqa: B018 - worked out now, so a product kept in the Snapshot keeps it

    # Fields, named once here so templates never read raw keys.
    name = property(lambda self: self.data["name"])
    stars = property(lambda self: self.data.get("stars"))
    proposed_stars = property(lambda self: self.data.get("proposed_stars"))
    group = property(lambda self: self.data.get("group"))
    group_label = property(lambda self: GROUPS.get(self.data.get("group"), "Chưa rõ ngành"))
    commune = property(lambda self: self.data.get("commune"))
    district = property(lambda self: self.data.get("district"))
    address = property(lambda self: self.data.get("address"))
    producer = property(lambda self: self.data.get("producer", {}))
    producer_kind_label = property(lambda self: PRODUCER_KINDS.get(self.producer.get("kind"), ""))
    certification = property(lambda self: self.data.get("certification", {}))
    score = property(lambda self: self.data.get("score", {}))
    status_change = property(lambda self: self.data.get("status_change", {}))
    sources = property(lambda self: self.data["sources"])
    as_published = property(lambda self: self.data.get("as_published", {}))
    description = property(lambda self: self.data.get("description"))
    province_at_recognition = property(lambda self: self.data["province_at_recognition"])
    former_ids = property(lambda self: self.data.get("former_ids", []))

    @property
    def slug(self) -> str:
        return self.id

    @property
    def path(self) -> Path:
        return Path(self.file)

    source: str = ""  # digest of the file's bytes, when the loader knows it

    @cached_property
    def digest(self) -> str:
        """Digest of everything the record's own pages show: its data (or file) and how its province is named."""
        text = self.source or json.dumps(self.data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha1(f"{text}|{self.province_label}".encode("utf-8")).hexdigest()

    @property
    def current(self) -> Decision:
        """The decision in force (the last one)."""
        return self.decisions[-1]

    @property
    def decided_on(self) -> dt.date | None:
        return self.current.decided_on

    @property
    def expires_on(self) -> dt.date | None:
        """Expiry as recorded, else 36 months after the decision, else unknown."""
        return self.current.expires_on

    @property
    def before_merger(self) -> bool | None:
        """Whether the decision predates the 2025 merger: True, False, or None when the record cannot tell."""
        if self.decided_on:
            return self.decided_on < MERGER_DAY
        year = self.current.year
        if year:
            return True if year < MERGER_DAY.year else (False if year > MERGER_DAY.year else None)
        return None

    @property
    def score_total(self) -> float | None:
        parts = [self.score.get(k) for k in ("a", "b", "c")]
        if all(p is not None for p in parts):
            return sum(parts)
        return self.score.get("total")

    def state_on(self, day: dt.date) -> State | None:
        """The product's state on *day* (None before its first decision); remembered per day."""
        if day not in self._states:
            self._states[day] = state_on(self.decisions, self.change, day)
        return self._states[day]

    def status_on(self, day: dt.date) -> str:
        """Status key on *day* (see lifecycle.STATUSES); "unknown" before the first decision."""
        state = self.state_on(day)
        return state.status if state else "unknown"


def star_band_problem(stars: int | None, total: float | None) -> str | None:
    """Vietnamese message when a score total does not fall in the star band."""
    if stars is None or total is None or stars not in STAR_BANDS:
        return None
    low, high = STAR_BANDS[stars]
    if low <= total <= high:
        return None
    shown = {3: "50–69", 4: "70–89", 5: "90–100"}[stars]
    return f"tổng điểm {total:g} không khớp hạng {stars} sao (hạng {stars} sao cần {shown} điểm)"


def province_url(province: Province) -> str:
    return f"tinh/{province.slug}/"


def group_url(group: str | None) -> str:
    return f"nganh/{group or 'chua-ro'}/"


def digest_of(products: list[Product]) -> str:
    """Key of what shows (counts of) these products: a digest of their digests."""
    return hashlib.sha1("".join(p.digest for p in products).encode()).hexdigest()


def area_key(province, products: list[Product]) -> str:
    """Key of what one provincial unit shows of itself and its products (its API document, its feeds)."""
    return hashlib.sha1((repr(province) + digest_of(products)).encode()).hexdigest()
