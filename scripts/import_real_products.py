#!/usr/bin/env python3
"""Regenerate content/products/ from the table of real, published OCOP products.

Usage: scripts/import_real_products.py [CSV]   (default ../shared/data/real_products.csv)
Ids already given to a row (as_published.ref) are kept, so re-running never renames a record.
"""
import _venv  # noqa: F401  (first: runs the script with the project's Python)
import argparse
import sys
from pathlib import Path

from ocop.importing.real_products import write_all

root = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("csv", type=Path, nargs="?", default=root.parent / "shared" / "data" / "real_products.csv",
                    help="bảng sản phẩm đã công bố (mặc định ../shared/data/real_products.csv)")
source = parser.parse_args().csv
if not source.is_file():
    sys.exit(f"không thấy tệp «{source}»: chỉ rõ CSV (xem README, mục Re-importing)")
print(f"{write_all(source, root / 'content')} hồ sơ sản phẩm đã ghi vào content/products/")
