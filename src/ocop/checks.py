"""Checks beyond the schema: cross-field rules of one record and rules over the whole register."""

from __future__ import annotations

from pathlib import Path

from .loader import Loaded
from .model import Product, star_band_problem
from .provinces import Provinces
from .report import Report


def check_record(loaded: Loaded, provinces: Provinces, report: Report, shown: str,
                 folder: str | None) -> Product | None:
    """Cross-field checks of one schema-valid record; returns the Product if it passes."""
    data = loaded.data
    before = len(report)

    def add(field: str, message: str) -> None:
        report.add(shown, loaded.line_of(field), field, message)

    if loaded.path.stem != data["id"]:
        add("id", f"tên tệp phải là «{data['id']}.yaml» (trùng với id), đang là «{loaded.path.name}»")
    unit = provinces.by_code.get(data["province"])
    if unit is None:
        add("province", f"mã «{data['province']}» không phải một trong 34 đơn vị cấp tỉnh hiện hành")
    at_rec = data["province_at_recognition"]
    origin = provinces.current_for(at_rec)
    if origin is None:
        add("province_at_recognition", f"mã «{at_rec}» không phải mã tỉnh (63 tỉnh cũ hoặc 34 đơn vị mới)")
    elif unit is not None and origin.code != unit.code:
        add("province", f"tỉnh khi công nhận «{provinces.former_name(at_rec) or at_rec}» nay thuộc {origin.name} "
                        f"(mã \"{origin.code}\"), không phải {unit.name}")
    if unit is not None and folder is not None and folder != unit.folder:
        add("province", f"hồ sơ của {unit.name} phải nằm trong thư mục content/products/{unit.folder}/, "
                        f"không phải «{folder}»")
    score = data.get("score", {})
    parts = [score.get(k) for k in ("a", "b", "c")]
    if all(p is not None for p in parts):
        total = sum(parts)
        if total > 100:
            add("score", f"tổng điểm A+B+C = {total:g} vượt quá 100")
        if "total" in score and abs(score["total"] - total) > 0.01:
            add("score.total", f"tổng điểm {score['total']:g} khác A+B+C = {total:g}")
    elif any(p is not None for p in parts):
        add("score", "cần ghi đủ cả ba phần a, b, c (hoặc chỉ ghi total)")
    cert = data.get("certification", {})
    if cert.get("decided_on") and cert.get("expires_on") and cert["expires_on"] <= cert["decided_on"]:
        add("certification.expires_on", f"ngày hết hạn {cert['expires_on']} phải sau ngày quyết định {cert['decided_on']}")
    if cert.get("decided_on") and cert.get("year") and int(cert["decided_on"][:4]) < cert["year"]:
        add("certification.year", f"năm đánh giá {cert['year']} sau năm của quyết định ({cert['decided_on']})")
    if data["status"] == "active" and data.get("status_change"):
        add("status_change", "sản phẩm đang hiệu lực (status: active) không có quyết định thu hồi/loại")
    if len(report) > before or unit is None:
        return None
    product = Product(data, loaded.path, unit, "")
    product.province_label = provinces.display(unit.code, at_rec, product.before_merger)
    band = star_band_problem(product.stars, product.score_total)
    if band:
        add("score", band)
        return None
    return product


def check_unique_ids(entries: list[tuple[str, str, int]], report: Report) -> None:
    """Every id once in the register: *entries* are (id, shown path, line)."""
    first: dict[str, tuple[str, int]] = {}
    for ident, shown, line in entries:
        if ident in first:
            other, other_line = first[ident]
            report.add(shown, line, "id", f"id «{ident}» đã dùng cho {other}:{other_line}; mỗi sản phẩm một id riêng")
        else:
            first[ident] = (shown, line)


def check_former_ids(entries: list[tuple[str, str, str, int]], live: set[str], report: Report) -> None:
    """Former ids keep old links working: *entries* are (former id, owner id, shown path, line).

    A former id may not be a live id (the old link would be ambiguous) nor belong to two records.
    """
    owner: dict[str, str] = {}
    for former, ident, shown, line in entries:
        if former in live:
            what = "chính mã hiện tại của hồ sơ" if former == ident else "mã của một hồ sơ đang có"
            report.add(shown, line, "former_ids", f"mã cũ «{former}» trùng {what}; mã cũ phải là mã không còn dùng")
        elif former in owner and owner[former] != ident:
            report.add(shown, line, "former_ids", f"mã cũ «{former}» đã được hồ sơ «{owner[former]}» khai; "
                                                  "mỗi mã cũ chỉ thuộc một hồ sơ")
        else:
            owner.setdefault(former, ident)


def folder_of(path: Path, products_dir: Path) -> str | None:
    """Province folder of a product file under *products_dir* ('' if directly inside), else None."""
    try:
        rel = path.resolve().relative_to(products_dir.resolve())
    except ValueError:
        return None
    return rel.parts[0] if len(rel.parts) > 1 else ""
