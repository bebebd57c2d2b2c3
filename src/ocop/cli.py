"""Command line: ``ocop validate [PATH...]`` and ``ocop build``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from functools import partial
from pathlib import Path

from .register import (find_content, load_products, load_provinces, load_register, product_files,
                       register_ids)
from .cache import RecordCache, in_background
from .gcpause import paused_gc
from .progress import Progress
from .release import default_as_of
from .report import Report


def _validate(args: argparse.Namespace) -> int:
    content = Path(args.content)
    report = Report()
    if args.paths:
        paths = [Path(p) for p in args.paths]
        provinces = load_provinces(content / "provinces", report)
        files = [f for f in product_files(paths) if not _inside(f, content / "provinces")]
        records = RecordCache.open(content)  # the other files' ids come from the build's cache
        others = register_ids(content / "products", {f.resolve() for f in files}, records)
        products = load_products(files, provinces, content / "products", report, others, cache=records)
        records.save()
    else:
        with paused_gc(freeze=True):
            register, report = load_register(content, report, cache=True)
        products = register.products
    for line in report.lines():
        print(line)
    if report.ok:
        print(f"Hợp lệ: {len(products)} hồ sơ sản phẩm, không có lỗi.")
        return 0
    print(f"Có {len(report)} lỗi; {len(products)} hồ sơ hợp lệ. Sửa các dòng trên rồi chạy lại.", file=sys.stderr)
    return 1


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _build(args: argparse.Namespace) -> int:
    from .pelican_plugin import OutputNotOurs, build_site

    started = time.perf_counter()
    if args.today and not _is_date(args.today):
        print(f"--today: ngày «{args.today}» không hợp lệ; ghi dạng YYYY-MM-DD", file=sys.stderr)
        return 2
    settings = _settings(args)
    if not settings.is_file():
        print(f"không thấy tệp cấu hình «{settings}»: chỉ rõ --settings TỆP, hoặc để pelicanconf.py cạnh thư mục "
              f"content", file=sys.stderr)
        return 2
    progress = Progress.for_terminal(args.timings)
    as_of = dt.date.fromisoformat(args.today) if args.today else default_as_of()
    with progress.stage("Đọc và kiểm tra hồ sơ"), paused_gc(freeze=True):  # the register lives until the end
        register, report = load_register(Path(args.content), cache=True, as_of=as_of, keep_later=True,
                                         progress=lambda done, total: progress("Đọc hồ sơ", done, total))
    if not report.ok:
        in_background(*register.writers)  # the next try reads what this one could
        for line in report.lines():
            print(line)
        print(f"Có {len(report)} lỗi trong dữ liệu; chưa dựng trang.", file=sys.stderr)
        return 1
    try:
        build_site(register, Path(args.content), Path(args.output), settings, as_of, progress)
    except OutputNotOurs as exc:
        print(f"Không dựng trang: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    out = Path(args.output)
    print(f"Đã dựng {len(register.products)} sản phẩm, {len(register.provinces)} tỉnh/thành trong {seconds:.1f} s.")
    how = "make serve" if out.resolve() == (Path.cwd() / "output").resolve() else f"ocop serve --output {out}"
    print(f"Trang web: {out.resolve()}/index.html — xem bằng: {how} (http://localhost:8000/)")
    return 0


def _settings(args: argparse.Namespace) -> Path:
    """--settings, else pelicanconf.py beside content/, else in the working folder."""
    if args.settings:
        return Path(args.settings)
    beside = Path(args.content).resolve().parent / "pelicanconf.py"
    return beside if beside.exists() else Path("pelicanconf.py")


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _report(args: argparse.Namespace) -> int:
    from . import monitoring, tabular
    from .vntext import fold, slugify

    register, report = load_register(Path(args.content))
    if not report.ok:
        print(f"Cảnh báo: {len(report)} lỗi dữ liệu; báo cáo chỉ gồm các hồ sơ hợp lệ (xem: ocop validate).",
              file=sys.stderr)
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else default_as_of()  # as a build has it
    except ValueError:
        print(f"--as-of: ngày «{args.as_of}» không hợp lệ; ghi dạng YYYY-MM-DD", file=sys.stderr)
        return 2
    products, area = register.products, "toàn quốc"
    if args.province:
        wanted = fold(args.province)
        unit = next((p for p in register.provinces if wanted in (p.code, fold(p.name), p.slug)), None)
        former = next(((f, p) for p in register.provinces for f in p.former if wanted in (f.code, fold(f.name))), None)
        if unit is None and former is not None:
            unit = former[1]
            print(f"{former[0].name} nay thuộc {unit.name}: báo cáo của {unit.name}.", file=sys.stderr)
        if unit is None:
            print(f"--province: không có tỉnh/thành «{args.province}» (ghi mã như 68 hoặc tên như \"Lâm Đồng\")",
                  file=sys.stderr)
            return 2
        products, area = [p for p in products if p.province.code == unit.code], unit.name
    tables = monitoring.tables(monitoring.figures(products, as_of, area))
    if args.format == "table":
        print(tabular.text(tables))
        return 0
    out = Path(args.output) if args.output else Path("output", "bao-cao", f"bao-cao-ocop-{slugify(area)}-{as_of}.{args.format}")
    out.parent.mkdir(parents=True, exist_ok=True)
    (tabular.write_csv if args.format == "csv" else tabular.write_xlsx)(tables, out)
    print(f"Đã ghi báo cáo {area} đến ngày {as_of:%d/%m/%Y} vào {out}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import make_server

    server = make_server(Path(args.output), args.port)
    print(f"Đang phục vụ {args.output}/ tại http://localhost:{server.server_address[1]}/ (Ctrl+C để dừng)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ocop", description="Sổ đăng ký sản phẩm OCOP mở")
    content_help = "thư mục dữ liệu (mặc định: thư mục content gần nhất)"
    parser.add_argument("--content", help=content_help)
    common = argparse.ArgumentParser(add_help=False)  # --content also after the command: ocop build --content DIR
    common.add_argument("--content", default=argparse.SUPPRESS, help=content_help)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser = partial(sub.add_parser, parents=[common])
    validate = sub.add_parser("validate", help="kiểm tra hồ sơ; in lỗi dạng tệp:dòng: trường: lỗi")
    validate.add_argument("paths", nargs="*", help="tệp hoặc thư mục (mặc định: toàn bộ sổ)")
    validate.set_defaults(func=_validate)
    build = sub.add_parser("build", help="kiểm tra rồi dựng trang tĩnh")
    build.add_argument("--settings", help="tệp cấu hình Pelican (mặc định: pelicanconf.py cạnh thư mục content)")
    build.add_argument("--output", default="output", help="thư mục ghi trang (mặc định: output)")
    build.add_argument("--timings", action="store_true", help="in thời gian từng bước (cho đo hiệu năng)")
    build.add_argument("--today", help="ngày tính tình trạng hiệu lực (YYYY-MM-DD); mặc định ngày của "
                       "SOURCE_DATE_EPOCH nếu có, không thì hôm nay (giờ Việt Nam)")
    build.set_defaults(func=_build)
    report = sub.add_parser("report", help="số liệu giám sát: theo hạng sao, ngành, tình trạng; sắp hết hạn; thu hồi")
    report.add_argument("--province", help="mã hoặc tên tỉnh/thành (mặc định: toàn quốc)")
    report.add_argument("--as-of", help="xem sổ như vào ngày này (YYYY-MM-DD), mặc định hôm nay (giờ Việt Nam)")
    report.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    report.add_argument("--output", help="tệp ghi ra (với csv/xlsx), mặc định output/bao-cao/bao-cao-ocop-<vùng>-<ngày>.<định dạng>")
    report.set_defaults(func=_report)
    serve = sub.add_parser("serve", help="xem trang đã dựng trên máy (http://localhost:8000/)")
    serve.add_argument("--output", default="output", help="thư mục trang đã dựng (mặc định: output)")
    serve.add_argument("--port", type=int, default=8000, help="cổng (mặc định: 8000)")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    args.content = args.content or str(find_content())
    if args.command != "serve" and not (Path(args.content) / "provinces").is_dir():
        print(f"Không tìm thấy sổ đăng ký (thư mục {args.content}/provinces): hãy chạy lệnh trong thư mục của sổ "
              "đăng ký (bản clone git), hoặc chỉ rõ bằng --content THƯ_MỤC", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except BrokenPipeError:  # `ocop report | head` closed the pipe: nothing more to say
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
