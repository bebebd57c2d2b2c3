"""Command line: ``ocop validate [PATH...]`` and ``ocop build``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .register import load_products, load_provinces, load_register, product_files
from .report import Report


def _validate(args: argparse.Namespace) -> int:
    content = Path(args.content)
    report = Report()
    if args.paths:
        provinces = load_provinces(content / "provinces", report)
        products = load_products(product_files([Path(p) for p in args.paths]), provinces,
                                 content / "products", report)
    else:
        register, report = load_register(content, report)
        products = register.products
    for line in report.lines():
        print(line)
    if report.ok:
        print(f"Hợp lệ: {len(products)} hồ sơ sản phẩm, không có lỗi.")
        return 0
    print(f"Có {len(report)} lỗi; {len(products)} hồ sơ hợp lệ. Sửa các dòng trên rồi chạy lại.", file=sys.stderr)
    return 1


def _build(args: argparse.Namespace) -> int:
    from .pelican_plugin import OutputNotOurs, build_site

    started = time.perf_counter()
    register, report = load_register(Path(args.content))
    if not report.ok:
        for line in report.lines():
            print(line)
        print(f"Có {len(report)} lỗi trong dữ liệu; chưa dựng trang.", file=sys.stderr)
        return 1
    try:
        build_site(register, Path(args.content), Path(args.output), Path(args.settings), args.today)
    except OutputNotOurs as exc:
        print(f"Không dựng trang: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    out = Path(args.output)
    print(f"Đã dựng {len(register.products)} sản phẩm, {len(register.provinces)} tỉnh/thành trong {seconds:.1f} s.")
    print(f"Trang web: {out.resolve()}/index.html — xem bằng: make serve (http://localhost:8000/)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ocop", description="Sổ đăng ký sản phẩm OCOP mở")
    parser.add_argument("--content", default="content", help="thư mục dữ liệu (mặc định: content)")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="kiểm tra hồ sơ; in lỗi dạng tệp:dòng: trường: lỗi")
    validate.add_argument("paths", nargs="*", help="tệp hoặc thư mục (mặc định: toàn bộ sổ)")
    validate.set_defaults(func=_validate)
    build = sub.add_parser("build", help="kiểm tra rồi dựng trang tĩnh")
    build.add_argument("--settings", default="pelicanconf.py")
    build.add_argument("--output", default="output")
    build.add_argument("--today", help="ngày tính tình trạng hiệu lực (YYYY-MM-DD); mặc định ngày của "
                       "SOURCE_DATE_EPOCH nếu có, không thì hôm nay")
    build.set_defaults(func=_build)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
