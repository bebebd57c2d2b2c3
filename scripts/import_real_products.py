#!/usr/bin/env python3
"""Regenerate content/products/ from the table of real, published OCOP products.

Usage: scripts/import_real_products.py [CSV]   (default ../shared/data/real_products.csv)
Ids already given to a row (as_published.ref) are kept, so re-running never renames a record.
"""
import sys
from pathlib import Path

from ocop.importing.real_products import write_all

root = Path(__file__).resolve().parent.parent
source = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data" / "real_products.csv"
print(f"{write_all(source, root / 'content')} hồ sơ sản phẩm đã ghi vào content/products/")
