"""Loading the whole register: provinces, then every product, validated in one pass."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import attrgetter
from pathlib import Path

from . import schema
from .checks import check_former_ids, check_record, check_unique_ids, folder_of, make_product, without
from .gcpause import paused_gc
from .cache import Entry, RecordCache, Reused, Snapshot, code_digest, in_background, pack, unpack
from .loader import Loaded, load_bytes, load_file
from .model import Product, area_key, digest_of
from .provinces import Province, Provinces
from .report import Report

UNITS = 34
OLD_PROVINCES = 63
RECORD_SUFFIX = ".yaml"
IGNORED_NAMES = {".gitkeep", "README.md"}


@dataclass
class Register:
    """Every valid record, products in Vietnamese alphabetical order."""

    provinces: Provinces
    products: list[Product]
    writers: list = field(default_factory=list)  # what keeps its caches, when the loader left that to the caller

    @cached_property
    def by_province(self) -> dict[str, list[Product]]:
        """Products of each current unit (by code, every unit present), in register order."""
        groups: dict[str, list[Product]] = {p.code: [] for p in self.provinces}
        for product in self.products:
            groups[product.province.code].append(product)
        return groups

    @cached_property
    def ids(self) -> set[str]:
        """The id of every product."""
        return {p.id for p in self.products}

    @cached_property
    def digest(self) -> str:
        """Key of what shows every product (see model.digest_of)."""
        return digest_of(self.products)

    @cached_property
    def area_keys(self) -> dict[str, str]:
        """Key of what each unit shows of itself and its products (see model.area_key), by code."""
        return {p.code: area_key(p, self.by_province[p.code]) for p in self.provinces}


def shown_path(path: Path | str) -> str:
    """Path as the user should read it: relative to the working folder."""
    folder, name = os.path.split(os.fspath(path))
    try:
        shown = _shown_folder(folder or os.curdir, os.getcwd())
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return os.path.join(shown, name) if shown != os.curdir else name


@lru_cache(maxsize=4096)
def _shown_folder(folder: str, cwd: str) -> str:
    """``os.path.relpath`` of a folder, remembered: a register has a few dozen folders and many files."""
    return os.path.relpath(folder, cwd)


def find_content(start: Path | None = None) -> Path:
    """The nearest ``content/`` folder (with provinces/) at or above *start*; ``content`` if none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "content" / "provinces").is_dir():
            return folder / "content"
        if folder.name == "content" and (folder / "provinces").is_dir():
            return folder
    return Path("content")


def _schema_problems(loaded: Loaded, name: str, add) -> set[str]:
    """Report schema violations (not those the loader already reported); return the offending paths."""
    bad = set()
    for field, message in schema.check(loaded.data, name):
        bad.add(field)
        if any(field == b or field.startswith(b + ".") or b.startswith(field + ".") for b in loaded.broken):
            continue
        if message.startswith("thiếu trường bắt buộc") and field in loaded.lines:
            message = f"trường «{field.rpartition('.')[2]}» đang để trống; hãy điền giá trị"
        add(field, message)
    return bad | loaded.broken


def load_provinces(provinces_dir: Path, report: Report) -> Provinces:
    """Load content/provinces/*.yaml; report a missing or broken unit once, at the folder."""
    units = []
    province_schema = schema.load_schema("province")
    for path in sorted(p for p in provinces_dir.glob("*") if p.name not in IGNORED_NAMES):
        shown = shown_path(path)
        if path.suffix != RECORD_SUFFIX:
            report.add(shown, 1, "", f"tệp tỉnh phải có đuôi {RECORD_SUFFIX}; tệp này bị bỏ qua")
            continue
        loaded = load_file(path, province_schema, report, shown)
        if loaded is None:
            continue
        if not isinstance(loaded.data, dict):
            report.add(shown, 1, "", "tệp phải là một hồ sơ (các dòng «trường: giá trị»)")
            continue

        def add(field, message, loaded=loaded, shown=shown):
            report.add(shown, loaded.line_of(field), field, message)

        if not _schema_problems(loaded, "province", add):
            units.append(Province.from_record(loaded.data))
    provinces = Provinces(units)
    former = {f.code for p in units for f in p.former}
    if len(units) != UNITS or len(former) != OLD_PROVINCES:
        report.add(shown_path(provinces_dir), 1, "",
                   f"cần đủ {UNITS} tệp tỉnh/thành hợp lệ gồm {OLD_PROVINCES} tỉnh cũ; đang có {len(units)} "
                   f"đơn vị, {len(former)} tỉnh cũ. Sửa các tệp tỉnh trước; chưa kiểm tra mã tỉnh của sản phẩm")
    return provinces


def product_files(paths: list[Path]) -> list[Path]:
    """Every file named or found under the given paths (any suffix: wrong ones are reported), sorted."""
    return [Path(p) for p in _file_names(paths)]


def _file_names(paths: list[Path]) -> list[str]:
    """What product_files finds, as text (cheaper by far than Path objects for a whole register)."""
    found: set[str] = set()
    for path in paths:
        if not path.is_dir():
            found.add(str(path))
            continue
        pending = [os.fspath(path)]
        while pending:  # os.walk, without a join per file
            folder = pending.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if entry.is_dir():  # a link to a folder is not followed, as os.walk does not
                        if not entry.is_symlink():
                            pending.append(entry.path)
                    elif name not in IGNORED_NAMES:
                        found.add(entry.path)
    return sorted(found)


def load_entry(raw: bytes, path: Path | str) -> Entry:
    """Load and schema-check one product file's bytes; problems are kept without the path (see cache.Entry)."""
    local = Report()
    loaded = load_bytes(raw, path, schema.load_schema("product"), local, "")
    if loaded is not None and not isinstance(loaded.data, dict):
        local.add("", 1, "", "tệp phải là một hồ sơ (các dòng «trường: giá trị»)")
        loaded = None
    if loaded is None:
        return Entry(None, {}, set(), set(), [(p.line, p.field, p.message) for p in local.problems])

    def add(field, message):
        local.add("", loaded.line_of(field), field, message)

    bad = _schema_problems(loaded, "product", add)
    return Entry(loaded.data, loaded.lines, loaded.broken, bad, [(p.line, p.field, p.message) for p in local.problems])


PARALLEL_FROM = 256  # files to parse; fewer are parsed in this process (starting workers costs more)
FEW_MISSES = 64  # files missing from the snapshot that are parsed without reading the record cache
_KNOWN: RecordCache | None = None  # the cache, inherited by forked workers so they skip bytes already known


def _parse(path: str) -> tuple[str, bytes | None]:
    """Digest of a file's bytes and its packed entry (None when the cache already holds those bytes)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    key = RecordCache.key(raw)
    if _KNOWN is not None and _KNOWN.has(key):
        return key, None
    return key, pack(load_entry(raw, path))


def _cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _parse_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, str, bytes | None]]:
    return [(i, *_parse(path)) for i, path in chunk]


def _parse_all(todo: list[tuple[int, str]], cache: RecordCache | None):
    """Yield (index, digest, packed entry or None) of each file in *todo*, on every core when there are many."""
    global _KNOWN
    workers = _cores()
    _KNOWN = cache
    try:
        if workers < 2 or len(todo) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
            for i, path in todo:
                yield (i, *_parse(path))
            return
        size = max(16, -(-len(todo) // (workers * 16)))
        chunks = [todo[n:n + size] for n in range(0, len(todo), size)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for result in pool.imap_unordered(_parse_chunk, chunks):
                yield from result
    finally:
        _KNOWN = None


def _is_record_name(name: str) -> bool:
    """True if *name* has the record suffix after a stem (what ``Path(name).suffix == RECORD_SUFFIX`` says)."""
    return name.endswith(RECORD_SUFFIX) and len(name) > len(RECORD_SUFFIX)


def _read_entries(paths: list[str], cache: RecordCache, progress=None,
                  snapshot: Snapshot | None = None) -> list[tuple | None]:
    """For each file: None if missing, () if not a record, else (stat, digest, entry), the entry being the
    *snapshot*'s product (Reused) when it holds the file's bytes; parses only what is new."""
    found: list[tuple | None] = []
    misses: list[int] = []
    for i, path in enumerate(paths):
        try:
            stat = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            found.append(None)
            continue
        if not _is_record_name(os.path.basename(path)):
            found.append(())
            continue
        unchanged = snapshot.unchanged(path, stat) if snapshot is not None else None
        if unchanged is not None:  # neither the file nor the record cache is read
            found.append((stat, *unchanged))
            continue
        found.append((stat, None, None))
        misses.append(i)
    # A few files the snapshot lacks (an edit) are simply parsed; the record cache, a large file, is read (and
    # written again) only for many, or when there is no snapshot (a new day or new code: the snapshot is of no use,
    # the record cache still is).
    known = cache if snapshot is None or not snapshot.held or len(misses) > FEW_MISSES else None
    todo: list[tuple[int, str]] = []
    for i in misses:
        stat, path = found[i][0], paths[i]
        key = known.known_digest(path, stat) if known else None
        reused = snapshot.get(path, key, stat) if snapshot is not None and key else None
        entry = reused or (cache.get(key) if key else None)
        found[i] = (stat, key, entry)
        if entry is None:
            todo.append((i, path))
    done = len(paths) - len(todo)
    for i, key, blob in _parse_all(todo, known):
        reused = snapshot.get(paths[i], key, found[i][0]) if snapshot is not None else None
        if reused is not None:  # the same bytes as last time, its times changed (touched, checked out again)
            found[i] = (found[i][0], key, reused)
            done += 1
            continue
        entry = cache.get(key) if blob is None else unpack(blob)
        if blob is not None:
            cache.put(key, blob)
        if entry is None:  # known bytes whose entry could not be read back: load them here
            blob = pack(load_entry(Path(paths[i]).read_bytes(), paths[i]))
            entry = unpack(blob)
            cache.put(key, blob)
        found[i] = (found[i][0], key, entry)
        done += 1
        if progress:
            progress(done, len(paths))
    return found


def load_products(files: list[Path] | list[str], provinces: Provinces, products_dir: Path, report: Report,
                  other_ids: dict[str, tuple[str, int]] | None = None,
                  cache: RecordCache | None = None, progress=None, snapshot: Snapshot | None = None) -> list[Product]:
    """Load and check product files; every problem goes to *report*, fully valid products are returned.

    *other_ids* are ids of records not being checked now (id -> (shown path, line)), so a new file
    cannot take an id already in the register. *cache* skips parsing files whose bytes were seen before.
    Files are parsed on every core when there are many; problems are reported in the order of *files*.
    """
    cache = cache or RecordCache(None)
    complete = len(provinces) == UNITS
    products: list[Product] = []
    ids: list[tuple[str, str, int]] = []
    formers: list[tuple[str, str, str, int]] = []
    paths = [os.fspath(f) for f in files]
    with paused_gc():
        found = _read_entries(paths, cache, progress, snapshot if complete else None)
        for path, record in zip(paths, found):
            before = len(report)
            if record is None:
                report.add(shown_path(path), 1, "", "không tìm thấy tệp")
                continue
            if record and isinstance(record[2], Reused):  # checked by the last run, bytes unchanged
                stat, key, entry = record
                cache.remember(path, stat, key)
                product = entry.product
                product.province = provinces.by_code[product.province.code]  # this run's objects
                products.append(product)
                ids.append((product.id, path, entry.id_line))
                if entry.former_line:
                    formers += [(old, product.id, path, entry.former_line) for old in product.former_ids]
                continue
            shown = shown_path(path)
            if not record:
                name = os.path.basename(path)
                report.add(shown, 1, "", f"hồ sơ sản phẩm phải có đuôi {RECORD_SUFFIX} (chữ thường); "
                                         f"đổi tên thành «{name.split('.')[0]}{RECORD_SUFFIX}» (tệp đuôi khác không được đọc)")
                continue
            stat, key, entry = record
            cache.remember(path, stat, key)
            for line, field, message in entry.problems:
                report.add(shown, line, field, message)
            if entry.data is None:
                continue
            loaded = Loaded(path, entry.data, entry.lines, entry.broken)

            def add(field, message, loaded=loaded, shown=shown):
                report.add(shown, loaded.line_of(field), field, message)

            if isinstance(loaded.data.get("id"), str) and "id" not in entry.bad:
                ids.append((loaded.data["id"], path, loaded.line_of("id")))
            check_record(loaded, without(loaded.data, entry.bad), provinces if complete else None, add,
                         folder_of(path, products_dir))
            if len(report) == before and complete:
                product = make_product(loaded, provinces, key)
                products.append(product)
                formers += [(old, product.id, path, loaded.line_of("former_ids")) for old in product.former_ids]
                if snapshot is not None:
                    snapshot.put(path, key, product, loaded.line_of("id"),
                                 loaded.line_of("former_ids") if product.former_ids else 0, stat)
        clashing = check_unique_ids(ids, report, other_ids or {}, shown_path)
        if clashing:
            products = [p for p in products if p.id not in clashing]
        check_former_ids(formers, {ident for ident, _, _ in ids}, report, shown_path)
        products.sort(key=attrgetter("order"))
    return products


def register_ids(products_dir: Path, exclude: set[Path], cache: RecordCache | None = None) -> dict[str, tuple[str, int]]:
    """Ids of every record under *products_dir* except *exclude* (id -> (shown path, line)), without checking
    them: from *cache* for files loaded before, the others parsed on every core."""
    paths = [os.fspath(p) for p in product_files([products_dir])
             if _is_record_name(p.name) and p.resolve() not in exclude]
    cache = cache or RecordCache(None)
    ids = {}
    with paused_gc():
        for path, record in zip(paths, _read_entries(paths, cache)):
            if not record:
                continue
            stat, key, entry = record
            cache.remember(path, stat, key)
            if isinstance(entry.data, dict) and isinstance(entry.data.get("id"), str):
                ids.setdefault(entry.data["id"], (shown_path(path), entry.lines.get("id", 1)))
    return ids


def load_register(content_dir: Path, report: Report | None = None, cache: bool = False,
                  progress=None, as_of: dt.date | None = None, keep_later: bool = False) -> tuple[Register, Report]:
    """Load and validate everything under *content_dir* (provinces/ and products/).

    With *cache*, files whose bytes were loaded before are not parsed again, and valid records whose bytes,
    provinces, code and checking day are those of the last run are not checked again (``.cache/ocop/`` beside
    content/); with *as_of* too, every product's status on that day is worked out before they are kept, so the
    next run finds it worked out. They are kept by a forked process, or with *keep_later* by whoever runs the
    register's *writers* (a build: its first forked process, so that one fewer copies the memory).
    """
    report = report if report is not None else Report()
    provinces = load_provinces(content_dir / "provinces", report)
    products_dir = content_dir / "products"
    records = RecordCache.open(content_dir) if cache else None
    snapshot = Snapshot.open(content_dir, _snapshot_stamp(provinces)) if cache else None
    products = load_products(_file_names([products_dir]), provinces, products_dir, report, cache=records,
                             progress=progress, snapshot=snapshot)
    if records is not None:
        if as_of is not None:
            for product in products:
                product.status_on(as_of)
        writers = [w for w in (records.writer(), snapshot.writer()) if w is not None]
        if keep_later:
            return Register(provinces, products, writers), report
        in_background(*writers)
    return Register(provinces, products), report


def _snapshot_stamp(provinces: Provinces) -> str:
    """What every product of a Snapshot depends on besides its file: the code, the provinces, and today (the
    checks compare dates with it)."""
    units = repr(list(provinces)).encode("utf-8")
    return f"{code_digest(everything=True)}|{hashlib.sha1(units).hexdigest()}|{dt.date.today()}"
