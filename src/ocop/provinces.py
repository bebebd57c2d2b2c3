"""Provincial units: the 34 current ones and the pre-2025 provinces merged into them."""

from __future__ import annotations

from dataclasses import dataclass

from functools import lru_cache

from .vntext import slugify

_slug = lru_cache(maxsize=None)(slugify)


@dataclass(frozen=True)
class FormerProvince:
    code: str
    name: str
    type: str


@dataclass(frozen=True)
class Province:
    """A provincial unit in force since 1 July 2025."""

    code: str
    name: str
    type: str
    full_name: str
    former: tuple[FormerProvince, ...]
    source: str
    data_date: str

    @property
    def slug(self) -> str:
        return _slug(self.name)

    @property
    def folder(self) -> str:
        """Folder of its products under content/products/ (``68-lam-dong``)."""
        return f"{self.code}-{self.slug}"

    @property
    def merged(self) -> tuple[FormerProvince, ...]:
        """Former provinces other than the one whose name and code it kept."""
        return tuple(f for f in self.former if f.name != self.name)

    @classmethod
    def from_record(cls, data: dict) -> "Province":
        return cls(data["code"], data["name"], data["type"], data["full_name"],
                   tuple(FormerProvince(f["code"], f["name"], f["type"]) for f in data["former_provinces"]),
                   data["source"], data["data_date"])


class Provinces:
    """Look-ups over the current units and the old codes that map into them."""

    def __init__(self, units: list[Province]):
        self.units = sorted(units, key=lambda p: p.code)
        self.by_code = {p.code: p for p in self.units}
        self.old = {f.code: (f, p) for p in self.units for f in p.former}

    def __iter__(self):
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def current_for(self, old_code: str) -> Province | None:
        """The current unit an old (63-unit) or current code belongs to."""
        hit = self.old.get(old_code)
        return hit[1] if hit else self.by_code.get(old_code)

    def former_name(self, old_code: str) -> str | None:
        """Name of the province that had *old_code* before 1 July 2025."""
        hit = self.old.get(old_code)
        return hit[0].name if hit else None

    def display(self, current_code: str, at_recognition: str, before_merger: bool | None) -> str:
        """"Bạc Liêu (nay thuộc Cà Mau)" when the record names a merged province, else the unit name.

        A code that is still a current unit's code (new units kept one member's code) names the old
        province only when the decision is known to predate 1 July 2025 (*before_merger*).
        """
        unit = self.by_code.get(current_code)
        if unit is None:
            return self.former_name(at_recognition) or current_code
        is_old_only = at_recognition not in self.by_code
        former = self.former_name(at_recognition) if (is_old_only or before_merger) else None
        if former and former != unit.name:
            return f"{former} (nay thuộc {unit.name})"
        return unit.name
