#!/usr/bin/env python3
"""Regenerate content/provinces/ from the GSO reference tables.

Usage: scripts/import_provinces.py [DATA_DIR]   (default ../shared/data)
"""
import sys
from pathlib import Path

from ocop.importing.provinces import write_provinces

root = Path(__file__).resolve().parent.parent
data = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data"
print(f"{write_provinces(data, root / 'content' / 'provinces')} đơn vị cấp tỉnh đã ghi vào content/provinces/")
