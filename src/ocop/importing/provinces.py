"""Build ``content/provinces/`` from the GSO tables (34 units, 63 old provinces, old->new map)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..vntext import nfc, slugify
from ..yamlwrite import dump, write_atomic

SOURCE = ("Tổng cục Thống kê, công văn 915/CTK-CSCL (danh mục 34 đơn vị từ 01/7/2025) và danh mục 63 tỉnh; "
          "theo bộ dữ liệu công khai dvhcvn (https://github.com/daohoangson/dvhcvn)")
DATA_DATE = "2025-07-01"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: nfc(v.strip()) for k, v in row.items()} for row in csv.DictReader(handle)]


def province_records(data_dir: Path) -> list[dict]:
    """One record per current unit, each naming the old provinces merged into it."""
    old = {r["code"]: r for r in _rows(data_dir / "provinces_63.csv")}
    members: dict[str, list[dict]] = {}
    for row in _rows(data_dir / "old_to_new.csv"):
        former = old[row["code"]]
        members.setdefault(row["new_code"], []).append(
            {"code": row["code"], "name": former["name_vi"], "type": former["type"], "full_name": former["full_name_vi"]})
    records = []
    for row in _rows(data_dir / "provinces_34.csv"):
        records.append({
            "code": row["code"],
            "name": row["name_vi"],
            "type": row["type"],
            "full_name": row["full_name_vi"],
            "former_provinces": sorted(members[row["code"]], key=lambda m: m["code"]),
            "source": SOURCE,
            "data_date": DATA_DATE,
        })
    return records


def file_name(record: dict) -> str:
    """``68-lam-dong.yaml``: code first so files sort by GSO code."""
    return f"{record['code']}-{slugify(record['name'])}.yaml"


def write_provinces(data_dir: Path, out_dir: Path) -> int:
    """Write every province record into *out_dir*; returns how many."""
    records = province_records(data_dir)
    for record in records:
        write_atomic(out_dir / file_name(record), dump(record))
    return len(records)
