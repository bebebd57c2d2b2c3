"""Loading the whole register: provinces, then every product, validated in one pass."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .checks import check_former_ids, check_record, check_unique_ids, folder_of
from .loader import load_file
from .model import Product
from .provinces import Province, Provinces
from .report import Report


@dataclass
class Register:
    """Every valid record, products in Vietnamese alphabetical order."""

    provinces: Provinces
    products: list[Product]


def shown_path(path: Path) -> str:
    """Path as the user should read it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def load_provinces(provinces_dir: Path, report: Report) -> Provinces:
    """Load content/provinces/*.yaml."""
    units = []
    province_schema = schema.load_schema("province")
    files = sorted(provinces_dir.glob("*.yaml"))
    if not files:
        report.add(shown_path(provinces_dir), 1, "", "không có tệp tỉnh nào (cần 34 tệp content/provinces/*.yaml)")
    for path in files:
        shown = shown_path(path)
        loaded = load_file(path, province_schema, report, shown)
        if loaded is None:
            continue
        problems = list(schema.check(loaded.data, "province"))
        for field, message in problems:
            report.add(shown, loaded.line_of(field), field, message)
        if not problems:
            units.append(Province.from_record(loaded.data))
    return Provinces(units)


def product_files(paths: list[Path]) -> list[Path]:
    """Every .yaml/.yml file named or found under the given paths, sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found.add(path)
    return sorted(found)


def load_products(files: list[Path], provinces: Provinces, products_dir: Path, report: Report) -> list[Product]:
    """Load and check product files; every problem goes to *report*, valid products are returned."""
    product_schema = schema.load_schema("product")
    products: list[Product] = []
    ids: list[tuple[str, str, int]] = []
    formers: list[tuple[str, str, str, int]] = []
    for path in files:
        shown = shown_path(path)
        if not path.exists():
            report.add(shown, 1, "", "không tìm thấy tệp")
            continue
        if path.suffix == ".yml":
            report.add(shown, 1, "", "đuôi tệp phải là .yaml")
        loaded = load_file(path, product_schema, report, shown)
        if loaded is None or not isinstance(loaded.data, dict):
            if loaded is not None:
                report.add(shown, 1, "", "tệp phải là một hồ sơ (các dòng «trường: giá trị»)")
            continue
        if isinstance(loaded.data.get("id"), str):
            ids.append((loaded.data["id"], shown, loaded.line_of("id")))
        problems = list(schema.check(loaded.data, "product"))
        for field, message in problems:
            report.add(shown, loaded.line_of(field), field, message)
        if problems:
            continue
        folder = folder_of(path, products_dir)
        if folder == "":
            report.add(shown, 1, "province", "hồ sơ phải nằm trong thư mục của tỉnh, ví dụ content/products/68-lam-dong/")
        product = check_record(loaded, provinces, report, shown, folder or None)
        if product is not None:
            products.append(product)
            formers += [(old, product.id, shown, loaded.line_of("former_ids")) for old in product.former_ids]
    check_unique_ids(ids, report)
    check_former_ids(formers, {ident for ident, _, _ in ids}, report)
    products.sort(key=lambda p: (p.sort, p.id))
    return products


def load_register(content_dir: Path, report: Report | None = None) -> tuple[Register, Report]:
    """Load and validate everything under *content_dir* (provinces/ and products/)."""
    report = report if report is not None else Report()
    provinces = load_provinces(content_dir / "provinces", report)
    products_dir = content_dir / "products"
    products = load_products(product_files([products_dir]), provinces, products_dir, report)
    return Register(provinces, products), report
