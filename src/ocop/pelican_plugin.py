"""Pelican glue: a generator that writes the register's pages with our theme.

The only module that imports Pelican. Loading, validation and page planning live elsewhere;
this module hands them Pelican's settings, writer and Jinja2 environment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from contextlib import suppress
from functools import partial
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from . import badges, opendata, search, site
from .cache import code_digest
from .output import Background, Job, Output, locked, make_jobs, write_files
from .progress import Progress
from .history import read_history
from .lifecycle import STATUSES
from .model import GROUPS
from .gcpause import paused_gc
from .register import load_register
from .release import default_as_of
from .schema import field_titles

log = logging.getLogger(__name__)
FEW_WORKBOOKS = 4  # at most this many workbooks to make (an edit): made with the data tables, not in the pool


class RegisterInvalid(Exception):
    """The register has validation errors; the site is not built."""


class OutputNotOurs(Exception):
    """The output folder holds something other than a previous build; it is never wiped."""


class OcopGenerator(Generator):
    """Builds every register page (products, provinces, groups, stars, home, 404, sitemap)."""

    def generate_context(self) -> None:
        register = self.settings.get("OCOP_REGISTER")
        if register is None:  # run by Pelican itself, not by `ocop build`
            with paused_gc(freeze=True):
                register, report = load_register(Path(self.path), cache=True)
            if not report.ok:
                lines = "\n".join(report.lines())
                raise RegisterInvalid(f"[ocop] {len(report)} lỗi trong dữ liệu, không dựng trang:\n{lines}")
        self.register = register
        today = self.settings.get("OCOP_TODAY") or default_as_of()
        self.today = today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today))
        self.progress = self.settings.get("OCOP_PROGRESS") or Progress()
        with self.progress.stage("Lịch sử git"):
            self.history = read_history(Path(self.path))
        self.site_url = (self.settings.get("PUBLIC_SITEURL") or self.settings.get("SITEURL") or "").rstrip("/")
        self.env.auto_reload = False  # templates do not change during a build: no stat() per page and import
        self.cache = Path(self.settings.get("OCOP_CACHE") or Path(self.path).resolve().parent / ".cache" / "ocop")
        with suppress(OSError):  # compiled templates kept between builds (checked against their source)
            (self.cache / "jinja").mkdir(parents=True, exist_ok=True)
            self.env.bytecode_cache = FileSystemBytecodeCache(str(self.cache / "jinja"))
        self.env.globals.update({
            "stars": badges.stars, "status_badge": partial(badges.status_badge, today=self.today),
            "valid_until": badges.valid_until, "bad_status_notes": badges.bad_status_notes,
            "GROUPS": GROUPS, "STATUSES": STATUSES, "TODAY": self.today,
            "provinces": register.provinces, "FIELD_TITLES": field_titles(), "PUBLIC_SITEURL": self.site_url,
        })

    def build_key(self) -> str:
        """Digest of what every file depends on besides its own inputs: code, templates, settings, as-of day."""
        digest = hashlib.sha256(code_digest(everything=True).encode())
        for template in sorted(Path(self.theme, "templates").rglob("*")):
            if template.is_file():
                digest.update(template.name.encode() + template.read_bytes())
        for name in ("SITEURL", "PUBLIC_SITEURL", "RELATIVE_URLS", "SITENAME"):
            digest.update(f"{name}={self.settings.get(name)!r}".encode())
        digest.update(str(self.today).encode())
        return digest.hexdigest()

    THEME_SETTINGS = ("SITENAME", "SITEURL")  # what the templates read of Pelican's settings (the rest are globals)

    def render(self, page: site.Page, relative: bool) -> bytes:
        """One page through the theme's template, with links relative to it as Pelican's writer makes them. The
        template gets the settings it reads, not all of Pelican's (copied into each of 60,000 contexts)."""
        context = {name: self.context[name] for name in self.THEME_SETTINGS}
        context["output_file"] = page.output
        context.update(page.context())
        if relative and page.output != "404.html":
            context["SITEURL"] = path_to_url(get_relative_path(page.output))
        return self.get_template(page.template.removesuffix(".html")).render(context).encode("utf-8")

    def _make(self, job: Job | site.Page, relative: bool) -> bytes:
        return self.render(job, relative) if isinstance(job, site.Page) else job.make()

    @paused_gc()  # planning makes some 200,000 acyclic objects: no collection walks them (workers collect)
    def generate_output(self, writer) -> None:
        relative = self.settings.get("RELATIVE_URLS", False)
        stage = self.progress.stage
        output = Output(Path(self.output_path), self.build_key(), self.progress)
        for product in self.register.products:  # every product's status, worked out once for every process below
            product.status_on(self.today)
        # Two forked processes work while this one writes the pages, forked one after the other (a page this one
        # writes after that is copied once, not once per process): one writes the loader's caches, makes the search
        # index and, after an edit, its unit's workbook; the other the feeds (they share their notices) and the
        # data tables (CSV, JSON, JSON Lines of every product). When one has nothing to make, the other does all.
        search_key = self.register.digest
        opened = opendata.open_data_jobs(self.register, self.history, self.today, self.site_url, self.cache)
        workbooks = frozenset(job.output for job in opened.workbooks)
        tables_fresh = output.bundle_fresh("data", opened.key, workbooks)
        index_fresh = output.bundle_fresh("search", search_key)
        books = output.plan(opened.workbooks)
        feeds = output.plan(list(site.files(self.register, self.today, self.site_url, self.cache)))
        books, aside = ([], books) if len(books) <= FEW_WORKBOOKS else (books, [])
        writers = list(self.register.writers)
        root = output.root

        def make_index() -> tuple[dict | None, list]:
            for writer in writers:
                writer()
            files = None if index_fresh else search.register_index_files(
                self.register.products, self.register.provinces, self.today, self.cache, later=True)
            return files, make_jobs(root, aside)

        def make_data() -> tuple[dict | None, list]:
            made = make_jobs(root, feeds)
            return None if tables_fresh else write_files(root / "data", *opened.tables()), made

        first = Background(make_index) if writers or aside or not index_fresh else None
        second = Background(make_data) if feeds or not tables_fresh else None
        with stage("Trang HTML, API, XLSX"):
            pages = list(site.pages(self.register, self.today, self.history, self.site_url))
            for template in {p.template for p in pages}:  # compiled here once, not in each worker
                self.get_template(template.removesuffix(".html"))
            urls = [p.url for p in pages if p.template not in site.UNLISTED]
            # One pool of workers for every file (each forked process copies the pages of memory it touches).
            output.make([*books, *output.plan(pages), *output.plan(opened.jobs)], "Tệp",
                        make=partial(self._make, relative=relative), heavy=len(books))
            del pages  # their contexts hold much; the exports after them need the room
        with stage("Dữ liệu mở (CSV, JSON)"):
            index_files, made = first.result() if first else (None, [])
            output.count(made)  # the edit's workbook: SHA256SUMS reads it
            tables, made = second.result() if second else (None, [])
            output.count(made)

            def data() -> dict:
                files = tables if tables is not None else write_files(root / "data", *opened.tables())
                sums = opened.checksums(root, {name: file.sha256 for name, file in files.items()})
                return {**files, "SHA256SUMS": sums}
            output.run_bundle("data", opened.key, data, workbooks)
        with stage("Chỉ mục tìm kiếm"):
            output.run_bundle("search", search_key, lambda: index_files if index_files is not None else
                              search.register_index_files(self.register.products, self.register.provinces,
                                                          self.today, self.cache))
        sitemap = site.sitemap(urls, self.site_url).encode("utf-8")  # absolute, as sitemaps must be
        output.run([Job("sitemap.xml", None, lambda: sitemap)])
        stats = output.finish()
        self.stats = stats
        log.info("[ocop] %d sản phẩm, %d tỉnh/thành: %d tệp làm mới, %d giữ nguyên, %d ghi, %d xóa",
                 len(self.register.products), len(self.register.provinces), stats.made, stats.skipped,
                 stats.written, stats.removed)


def build_site(register, content_dir: Path, output_dir: Path, settings_file: Path,
               today: dt.date | str | None = None, progress: Progress | None = None,
               cache_dir: Path | None = None) -> None:
    """Run Pelican with *settings_file* to write the site of an already validated *register*.

    Pieces kept between builds (export rows, feed entries) go to *cache_dir*, by default ``.cache/ocop/``
    beside the content folder. Builds into the same folder run one after the other (see ``output.locked``)."""
    output_dir = Path(output_dir)
    progress = progress or Progress()
    with locked(output_dir, lambda: progress.say(f"Đang chờ lần dựng khác ghi vào «{output_dir}» xong…")):
        if not Output.is_ours(output_dir):
            raise OutputNotOurs(f"thư mục «{output_dir}» có tệp khác, không phải trang đã dựng; chọn thư mục trống")
        _run_pelican(register, content_dir, output_dir, settings_file, today, progress, cache_dir)


def _run_pelican(register, content_dir: Path, output_dir: Path, settings_file: Path, today, progress: Progress,
                 cache_dir: Path | None) -> None:
    from pelican import Pelican
    from pelican.log import console
    from pelican.settings import read_settings

    override = {"OCOP_REGISTER": register, "PATH": str(Path(content_dir).resolve()),
                "OUTPUT_PATH": str(Path(output_dir).resolve())}
    if today:
        override["OCOP_TODAY"] = today
    override["OCOP_PROGRESS"] = progress
    if cache_dir:
        override["OCOP_CACHE"] = str(cache_dir)
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
