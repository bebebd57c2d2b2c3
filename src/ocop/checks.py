"""Checks beyond the schema: cross-field rules of one record and rules over the whole register."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .loader import Loaded
from .model import Product, star_band_problem
from .provinces import Provinces
from .report import Report


def without(data: dict, bad: set[str]) -> dict:
    """A copy of *data* without the fields at the dotted paths in *bad* (so later checks see only valid values)."""
    if not bad:
        return data
    def walk(value, prefix):
        if isinstance(value, dict):
            return {k: walk(v, f"{prefix}.{k}" if prefix else k) for k, v in value.items()
                    if (f"{prefix}.{k}" if prefix else k) not in bad}
        if isinstance(value, list):
            return [walk(v, f"{prefix}.{i}") for i, v in enumerate(value) if f"{prefix}.{i}" not in bad]
        return value
    return walk(data, "")


def check_record(loaded: Loaded, data: dict, provinces: Provinces | None, add, folder: str | None) -> None:
    """Cross-field checks of one record; *data* holds only the fields that passed the schema.

    *provinces* is None when the province files themselves are broken: province checks are skipped then.
    """
    name = os.path.basename(loaded.path)
    if "id" in data and os.path.splitext(name)[0] != data["id"]:
        add("id", f"tên tệp phải là «{data['id']}.yaml» (trùng với id), đang là «{name}»")
    if provinces is not None:
        _check_provinces(data, provinces, add, folder)
    _check_score("score", data.get("stars"), data.get("score", {}), add)
    cert = data.get("certification", {})
    today = dt.date.today().isoformat()
    _check_dates("certification", cert, add, today)
    _check_history(data, add, today)
    status = data.get("status")
    if status == "active" and data.get("status_change"):
        add("status_change", "sản phẩm đang hiệu lực (status: active) không có quyết định thu hồi/loại")
    if status in ("revoked", "withdrawn") and not data.get("status_change"):
        add("status", f"sản phẩm «{status}» cần có status_change ghi quyết định, ngày hoặc lý do")


def make_product(loaded: Loaded, provinces: Provinces, source: str = "") -> Product:
    """The Product of a record that passed every check (*source*: digest of its file's bytes)."""
    data = loaded.data
    unit = provinces.by_code[data["province"]]
    product = Product(data, os.fspath(loaded.path), unit, "", source=source)
    product.province_label = provinces.display(unit.code, data["province_at_recognition"], product.before_merger)
    return product


def _check_provinces(data: dict, provinces: Provinces, add, folder: str | None) -> None:
    """Current unit exists, the province at recognition belongs to it, and the file sits in its folder."""
    unit = provinces.by_code.get(data.get("province"))
    if "province" in data and unit is None:
        add("province", f"mã «{data['province']}» không phải một trong 34 đơn vị cấp tỉnh hiện hành")
    at_rec = data.get("province_at_recognition")
    origin = provinces.current_for(at_rec) if at_rec else None
    if at_rec and origin is None:
        add("province_at_recognition", f"mã «{at_rec}» không phải mã tỉnh (63 tỉnh cũ hoặc 34 đơn vị mới)")
    elif unit is not None and origin is not None and origin.code != unit.code:
        add("province", f"tỉnh khi công nhận «{provinces.former_name(at_rec) or at_rec}» nay thuộc {origin.name} "
                        f"(mã \"{origin.code}\"), không phải {unit.name}")
    if folder is None or (unit is not None and folder == unit.folder):
        return
    if unit is None:
        if folder == "":
            add("province", "hồ sơ phải nằm trong thư mục của tỉnh, ví dụ content/products/68-lam-dong/")
        return
    where = "ngay trong content/products/" if folder == "" else f"«{folder}»"
    add("province", f"hồ sơ của {unit.name} phải nằm trong thư mục content/products/{unit.folder}/, không phải {where}")


def _check_score(where: str, stars: int | None, score: dict, add) -> None:
    """Parts a/b/c complete, total consistent and within 100, and the total in the star band."""
    parts = [score.get(k) for k in ("a", "b", "c")]
    total = score.get("total")
    if all(p is not None for p in parts):
        total = sum(parts)
        if total > 100:
            add(where, f"tổng điểm A+B+C = {total:g} vượt quá 100")
        if "total" in score and abs(score["total"] - total) > 0.01:
            add(f"{where}.total", f"tổng điểm {score['total']:g} khác A+B+C = {total:g}")
    elif any(p is not None for p in parts):
        add(where, "cần ghi đủ cả ba phần a, b, c (hoặc chỉ ghi total)")
        return
    band = star_band_problem(stars, total)
    if band:
        add(where, band)


def _check_dates(where: str, cert: dict, add, today: str) -> None:
    """Decision not after *today*; expiry after the decision; evaluation year not after the decision's year."""
    if cert.get("decided_on") and cert["decided_on"] > today:
        add(f"{where}.decided_on", f"ngày quyết định {cert['decided_on']} ở tương lai; kiểm tra lại năm")
    if cert.get("decided_on") and cert.get("expires_on") and cert["expires_on"] <= cert["decided_on"]:
        add(f"{where}.expires_on", f"ngày hết hạn {cert['expires_on']} phải sau ngày quyết định {cert['decided_on']}")
    if cert.get("decided_on") and cert.get("year") and int(cert["decided_on"][:4]) < cert["year"]:
        add(f"{where}.year", f"năm đánh giá {cert['year']} sau năm của quyết định ({cert['decided_on']})")


def _check_history(data: dict, add, today: str) -> None:
    """Earlier decisions come before the current one, and an upgrade/downgrade moves the stars that way."""
    history = data.get("history", [])
    current = data.get("certification", {})
    for i, item in enumerate(history):
        _check_score(f"history.{i}.score", item.get("stars"), item.get("score", {}), add)
        _check_dates(f"history.{i}", item, add, today)
        if item.get("decided_on") and current.get("decided_on") and item["decided_on"] >= current["decided_on"]:
            add(f"history.{i}.decided_on", f"quyết định trước ({item['decided_on']}) phải sớm hơn quyết định "
                                           f"hiện hành ({current['decided_on']})")
    decisions = [*history, {**current, "stars": data.get("stars")}]
    for i in range(1, len(decisions)):
        before, after = decisions[i - 1].get("stars"), decisions[i].get("stars")
        kind = decisions[i].get("kind")
        where = "certification.kind" if i == len(decisions) - 1 else f"history.{i}.kind"
        if before and after and kind == "upgrade" and after <= before:
            add(where, f"nâng hạng phải lên hạng cao hơn quyết định trước ({before} sao → {after} sao)")
        if before and after and kind == "downgrade" and after >= before:
            add(where, f"hạ hạng phải xuống hạng thấp hơn quyết định trước ({before} sao → {after} sao)")


def check_unique_ids(entries: list[tuple[str, str, int]], report: Report,
                     others: dict[str, tuple[str, int]], shown: Callable[[str], str] = str) -> set[str]:
    """Every id once in the register; returns the ids used twice.

    *entries* are (id, path, line) of the files being checked, each told of every other file with its id;
    *shown* turns a path into the one the user reads (worked out only for clashes); *others* are ids of records
    not being checked now (id -> (shown path, line)).
    """
    where: dict[str, list[tuple[str, int]]] = {}
    for ident, path, line in entries:
        if ident in where:
            where[ident].append((path, line))
        else:
            where[ident] = [(path, line)]
    clashing = set()
    for ident, places in where.items():
        if len(places) < 2 and ident not in others:
            continue
        places = [(shown(path), line) for path, line in places]
        all_places = places + ([others[ident]] if ident in others and others[ident] not in places else [])
        if len(all_places) < 2:
            continue
        clashing.add(ident)
        for place, line in places:
            elsewhere = ", ".join(f"{s}:{n}" for s, n in all_places if (s, n) != (place, line))
            report.add(place, line, "id", f"id «{ident}» cũng được dùng ở {elsewhere}; mỗi sản phẩm một id riêng, "
                                          "không bao giờ dùng lại")
    return clashing


def check_former_ids(entries: list[tuple[str, str, str, int]], live: set[str], report: Report,
                     shown: Callable[[str], str] = str) -> None:
    """Former ids keep old links working: *entries* are (former id, owner id, path, line), *shown* as for
    check_unique_ids.

    A former id may not be a live id (the old link would be ambiguous) nor belong to two records.
    """
    owner: dict[str, str] = {}
    for former, ident, path, line in entries:
        if former in live:
            what = "chính mã hiện tại của hồ sơ" if former == ident else "mã của một hồ sơ đang có"
            report.add(shown(path), line, "former_ids", f"mã cũ «{former}» trùng {what}; mã cũ phải là mã không còn dùng")
        elif former in owner and owner[former] != ident:
            report.add(shown(path), line, "former_ids", f"mã cũ «{former}» đã được hồ sơ «{owner[former]}» khai; "
                                                        "mỗi mã cũ chỉ thuộc một hồ sơ")
        else:
            owner.setdefault(former, ident)


@lru_cache(maxsize=64)
def _inside(folder: Path) -> str:
    return os.path.join(folder, "")


def folder_of(path: Path | str, products_dir: Path) -> str | None:
    """Folder of a product file under *products_dir*, as a relative path with '/' (a province folder, '' if
    directly inside, "91-an-giang/cu" in a subfolder), else None."""
    head, sep, rest = os.fspath(path).partition(_inside(products_dir))
    parts = rest.split(os.sep)
    if not (sep and not head and "" not in parts and "." not in parts and ".." not in parts):  # not plain text
        path = Path(path)
        try:
            parts = list(path.relative_to(products_dir).parts)
        except ValueError:
            try:
                parts = list(path.resolve().relative_to(products_dir.resolve()).parts)
            except ValueError:
                return None
    return "/".join(parts[:-1])
