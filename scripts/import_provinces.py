#!/usr/bin/env python3
"""Regenerate content/provinces/ from the GSO reference tables.

Usage: scripts/import_provinces.py [DATA_DIR]   (default ../shared/data)
"""
import _venv  # noqa: F401  (first: runs the script with the project's Python)
import argparse
import sys
from pathlib import Path

from ocop.importing.provinces import write_provinces

root = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("data", type=Path, nargs="?", default=root.parent / "shared" / "data",
                    help="thư mục bảng tham chiếu (mặc định ../shared/data)")
data = parser.parse_args().data
if not data.is_dir():
    sys.exit(f"không thấy thư mục bảng tham chiếu «{data}»: chỉ rõ DATA_DIR (xem README, mục Re-importing)")
print(f"{write_provinces(data, root / 'content' / 'provinces')} đơn vị cấp tỉnh đã ghi vào content/provinces/")
