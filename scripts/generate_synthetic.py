#!/usr/bin/env python3
"""Write a synthetic register (the 34 real provinces + N invented products) for benchmarks.

Usage: scripts/generate_synthetic.py TARGET_DIR [N] [--seed S]    (default N = 20000)
Then:  .venv/bin/ocop --content TARGET_DIR validate   or   scripts/bench_search.py
Never point TARGET_DIR at content/: the register holds real products only.
"""
import _venv  # noqa: F401  (first: runs the script with the project's Python)
import argparse
import sys
from pathlib import Path

from ocop.synthetic import generate

root = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("target", type=Path)
parser.add_argument("count", type=int, nargs="?", default=20000)
parser.add_argument("--seed", type=int, default=2025)
args = parser.parse_args()
if args.target.resolve() == (root / "content").resolve() or (root / "content") in args.target.resolve().parents:
    sys.exit("không ghi dữ liệu giả lập vào content/")
written = generate(args.target, args.count, root / "content" / "provinces", seed=args.seed)
print(f"{written} hồ sơ giả lập đã ghi vào {args.target}/ (34 tỉnh/thành)")
