"""Pelican glue: a generator that writes the register's pages with our theme.

The only module that imports Pelican. Loading, validation and page planning live elsewhere;
this module hands them Pelican's settings, writer and Jinja2 environment.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from . import search, site
from .model import GROUPS, STATUS_LABELS
from .register import load_register

log = logging.getLogger(__name__)


class RegisterInvalid(Exception):
    """The register has validation errors; the site is not built."""


class OutputNotOurs(Exception):
    """The output folder holds something other than a previous build; it is never wiped."""


class OcopGenerator(Generator):
    """Builds every register page (products, provinces, groups, stars, home, 404, sitemap)."""

    def generate_context(self) -> None:
        register = self.settings.get("OCOP_REGISTER")
        if register is None:
            register, report = load_register(Path(self.path))
            if not report.ok:
                lines = "\n".join(report.lines())
                raise RegisterInvalid(f"[ocop] {len(report)} lỗi trong dữ liệu, không dựng trang:\n{lines}")
        self.register = register
        today = self.settings.get("OCOP_TODAY") or dt.date.today()
        self.today = today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today))
        self.env.globals.update({
            "GROUPS": GROUPS, "STATUS_LABELS": STATUS_LABELS, "TODAY": self.today,
            "provinces": register.provinces,
        })

    def generate_output(self, writer) -> None:
        relative = self.settings.get("RELATIVE_URLS", False)
        urls = []
        for page in site.pages(self.register, self.today):
            writer.write_file(page.output, self.get_template(page.template.removesuffix(".html")), self.context,
                              relative_urls=relative and page.output != "404.html", page_url=page.url, **page.context)
            if page.output != "404.html":
                urls.append(page.url)
        sitemap = Path(self.output_path) / "sitemap.xml"
        sitemap.write_text(site.sitemap(urls, self.settings.get("SITEURL", "")), encoding="utf-8")
        started = time.perf_counter()
        index = search.write_register_index(self.register.products, self.register.provinces, self.today,
                                            Path(self.output_path) / "search")
        log.info("[ocop] chỉ mục tìm kiếm: %d phần, %d KB nén, %.1f s", index.shards, index.gzip_bytes // 1024,
                 time.perf_counter() - started)
        log.info("[ocop] %d sản phẩm, %d tỉnh/thành: %d trang", len(self.register.products),
                 len(self.register.provinces), len(urls) + 1)


def build_site(register, content_dir: Path, output_dir: Path, settings_file: Path,
               today: dt.date | str | None = None) -> None:
    """Run Pelican with *settings_file* to write the site of an already validated *register*."""
    from pelican import Pelican
    from pelican.log import console
    from pelican.settings import read_settings

    output_dir = Path(output_dir)
    if output_dir.is_dir() and any(output_dir.iterdir()) and not (output_dir / "sitemap.xml").exists():
        raise OutputNotOurs(f"thư mục «{output_dir}» có tệp khác, không phải trang đã dựng; chọn thư mục trống")
    override = {"OCOP_REGISTER": register, "PATH": str(Path(content_dir).resolve()),
                "OUTPUT_PATH": str(Path(output_dir).resolve())}
    if today:
        override["OCOP_TODAY"] = today
    pelican = Pelican(read_settings(str(settings_file), override=override))
    quiet, console.quiet = console.quiet, True  # its summary counts blog articles, of which we have none
    try:
        pelican.run()
    finally:
        console.quiet = quiet


def _generators(pelican):
    return OcopGenerator


def register() -> None:
    """Pelican plugin entry point."""
    signals.get_generators.connect(_generators)
