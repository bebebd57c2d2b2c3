"""A cache of loaded records, keyed by each file's bytes, so an unchanged register is not parsed again.

An entry holds what loading and schema validation found in one file: the typed data, the line of each
field, and the problems. Cross-record checks always run again. The cache lives in ``.cache/ocop/`` beside
``content/``; its name carries a digest of the code and schema that produced it, so any change to either
starts a fresh cache. Deleting the folder is always safe.
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import multiprocessing
import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Callable, NamedTuple

_SOURCES = ("loader.py", "schema.py", "vntext.py", "taxcode.py", "register.py", "cache.py", "schema/product.schema.json")


def code_digest(everything: bool = False) -> str:
    """Digest of the code and schema that turn a file into an entry (with *everything*: the whole package)."""
    digest = hashlib.sha256()
    package = resources.files("ocop")
    if everything:
        names = sorted(str(p.relative_to(Path(str(package)))) for p in Path(str(package)).rglob("*")
                       if p.suffix in (".py", ".json") and "__pycache__" not in p.parts)
    else:
        names = _SOURCES
    for name in names:
        digest.update(name.encode() + package.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Entry:
    """What one file's bytes load to: data, field lines, loader-broken paths, schema-bad paths, problems."""

    data: object
    lines: Mapping[str, int]
    broken: set[str]
    bad: set[str]
    problems: list[tuple[int, str, str]]  # (line, field, message); the path is added when replayed


@dataclass
class RecordCache:
    """Entries by file digest, each kept pickled so that saving rewrites only what changed.

    *seen* tells which digest each file had at the last run, with its modification and change times and size:
    a file whose times and size are unchanged is not read again (the change time cannot be set back, as git's
    index also relies on). The file is read only when a build first needs it (a register whose records all come
    from the Snapshot never does); once read, the entries of this run's files are saved back.
    """

    path: Path | None
    _loaded: tuple[dict, dict] | None = None  # (blobs, seen) as read
    used: dict[str, bytes] = field(default_factory=dict)  # digest -> pickled Entry, made or read in this run
    hits: int = 0
    now: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)  # file -> (mtime, ctime, size, digest)

    @classmethod
    def open(cls, content_dir: Path | None) -> "RecordCache":
        """The cache for *content_dir* (None: a cache that is never saved); its file is read when first needed."""
        if content_dir is None:
            return cls(None, ({}, {}))
        return cls(content_dir.resolve().parent / ".cache" / "ocop" / f"records-{code_digest()}.pickle")

    def _read(self) -> tuple[dict, dict]:
        if self._loaded is None:
            loaded = read_pickle(self.path, None) if self.path is not None else None
            blobs, seen = loaded if isinstance(loaded, tuple) and len(loaded) == 2 else ({}, {})
            self._loaded = (blobs if isinstance(blobs, dict) else {}, seen if isinstance(seen, dict) else {})
        return self._loaded

    @property
    def blobs(self) -> dict[str, bytes]:
        """digest -> pickled Entry, as the last run saved them."""
        return self._read()[0]

    @property
    def seen(self) -> dict[str, tuple[int, int, int, str]]:
        """file -> (mtime, ctime, size, digest), as the last run saved them."""
        return self._read()[1]

    def known_digest(self, path: str, stat) -> str | None:
        """The digest of *path* if its times and size are those of the last run (no need to read it)."""
        hit = self.seen.get(path)
        if hit and hit[:3] == (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size) and hit[3] in self.blobs:
            return hit[3]
        return None

    def remember(self, path: str, stat, key: str) -> None:
        self.now[path] = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, key)

    @staticmethod
    def key(raw: bytes) -> str:
        return hashlib.sha1(raw).hexdigest()

    def has(self, key: str) -> bool:
        return key in self.blobs

    def get(self, key: str) -> Entry | None:
        """The entry of *key*, or None if unknown or unreadable (then the file is simply loaded again)."""
        blob = self.blobs.get(key)
        entry = unpack(blob) if blob is not None else None
        if entry is not None:
            self.hits += 1
            self.used[key] = blob
        return entry

    def put(self, key: str, blob: bytes) -> None:
        """Keep the packed entry of a file loaded in this run."""
        self.used[key] = blob

    def save(self, background: bool = False) -> None:
        """Write the entries used in this run, atomically; a cache that cannot be written is simply skipped.
        With *background*, in a forked process (see in_background)."""
        writer = self.writer()
        if writer is not None:
            in_background(writer) if background else writer()

    def writer(self) -> Callable[[], None] | None:
        """What writes the entries of this run's files, or None when the file was never read: this run's records
        all came from the Snapshot but a few (an edit), which the next run finds there too. What the file holds
        is still right; the edited files are parsed again, should the Snapshot ever not have them."""
        if self.path is None or self._loaded is None:
            return None
        return partial(self._write, dict(self.used), dict(self.now))

    def _write(self, made: dict[str, bytes], now: dict) -> None:
        blobs, seen = self._read()
        used = {}
        for _, _, _, key in now.values():  # this run's files, made now or kept from before
            blob = made.get(key) or blobs.get(key)
            if blob is not None:
                used[key] = blob
        if used.keys() == blobs.keys() and now == seen:
            return
        if write_pickle(self.path, (used, now)):
            remove_others(self.path, "records-*.pickle")


def in_background(*writers: Callable[[], None]) -> None:
    """Run the *writers* (cache files) one after another in a forked process, so the build goes on meanwhile;
    Python waits for it before exiting (it is not a daemon). Without fork, they run here."""
    def write() -> None:
        gc.disable()  # pickling makes no cycles; a collection would walk (and copy) every inherited page
        for writer in writers:
            writer()
    if "fork" in multiprocessing.get_all_start_methods():
        multiprocessing.get_context("fork").Process(target=write, daemon=False).start()
    else:
        write()


CHECK = hashlib.sha1  # a cache file starts with the digest of the rest: damage that still unpickles is caught
CHECK_SIZE = CHECK().digest_size


def read_checked(path: Path) -> memoryview | None:
    """The bytes written to *path* by ``write_checked``; None when missing, unreadable or not the bytes written."""
    try:
        data = memoryview(path.read_bytes())
    except OSError:
        return None
    body = data[CHECK_SIZE:]
    return body if len(data) > CHECK_SIZE and CHECK(body).digest() == data[:CHECK_SIZE] else None


def write_checked(path: Path, *chunks: bytes) -> bool:
    """``write_atomic`` of the *chunks* behind their digest, for ``read_checked``."""
    digest = CHECK()
    for chunk in chunks:
        digest.update(chunk)
    return write_atomic(path, digest.digest(), *chunks)


def read_pickle(path: Path, default):
    """What ``write_pickle`` put in *path*, or *default* when it is missing, damaged or unreadable (a cache is
    never trusted blindly)."""
    data = read_checked(path)
    if data is None:
        return default
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - any damage to a cache file only means doing its work again
        return default


def write_pickle(path: Path, value) -> bool:
    return write_checked(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def write_atomic(path: Path, *chunks: bytes) -> bool:
    """Replace *path* by the *chunks* in one step (a reader never sees half a file); False if it cannot be written
    (then nothing is left behind)."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(chunks)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return False


def remove_others(path: Path, pattern: str) -> None:
    """Remove the files beside *path* matching *pattern* other than *path* (caches of older code)."""
    for old in path.parent.glob(pattern):
        if old != path:
            old.unlink(missing_ok=True)


class Reused(NamedTuple):
    """A product taken from the Snapshot, with the lines of its id and former ids (for messages across records)."""

    product: Any
    id_line: int
    former_line: int


@dataclass
class Snapshot:
    """The products the last run loaded and checked, by file, with the lines of their id and former ids: a file
    whose bytes are the same is not unpacked, checked or made again.

    One pickle per folder of records (a provincial unit's products share their field names within it) in
    ``.cache/ocop/products/``, valid only for the same *stamp*: the code, the provinces and the day the checks
    compared dates with. A run rewrites only the folders whose records changed. Only fully valid records are
    kept; the checks across records (unique ids, former ids) always run again. Deleting it is always safe.
    """

    folder: Path | None
    stamp: str
    # folder of records -> file -> (digest, product, id line, former_ids line, (mtime, ctime, size)): as read, and
    # as this run has them
    held: dict[str, dict[str, tuple]] = field(default_factory=dict)
    now: dict[str, dict[str, tuple]] = field(default_factory=dict)
    present: set[Path] = field(default_factory=set)  # every pickle there, of any stamp

    @classmethod
    def open(cls, content_dir: Path | None, stamp: str) -> "Snapshot":
        if content_dir is None:
            return cls(None, stamp)
        snapshot = cls(content_dir.resolve().parent / ".cache" / "ocop" / "products", stamp)
        snapshot.present = set(snapshot.folder.glob("*.pickle"))
        for path in sorted(snapshot.present):
            loaded = read_pickle(path, None)
            if isinstance(loaded, tuple) and len(loaded) == 3 and loaded[0] == stamp and isinstance(loaded[2], dict) \
                    and path == snapshot.file(loaded[1]):
                snapshot.held[loaded[1]] = loaded[2]
        return snapshot

    def file(self, folder: str) -> Path:
        """The pickle of the records in *folder*."""
        return self.folder / f"{hashlib.sha1(folder.encode()).hexdigest()[:16]}.pickle"

    def unchanged(self, path: str, stat) -> "tuple[str, Reused] | None":
        """(digest, product) of *path* if its times and size are those it had last time (its bytes, then, too)."""
        folder = path[:path.rfind("/")]
        hit = self.held.get(folder, {}).get(path)
        if hit is None or hit[4] != (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size):
            return None
        self._now(folder)[path] = hit
        return hit[0], Reused(*hit[1:4])

    def get(self, path: str, key: str | None, stat) -> "Reused | None":
        """The product of *path* if its bytes had digest *key* last time (its times or size changed)."""
        folder = path[:path.rfind("/")]
        hit = self.held.get(folder, {}).get(path)
        if hit is None or hit[0] != key:
            return None
        self._now(folder)[path] = (*hit[:4], (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size))
        return Reused(*hit[1:4])

    def put(self, path: str, key: str, product, id_line: int, former_line: int, stat) -> None:
        self._now(path[:path.rfind("/")])[path] = (key, product, id_line, former_line,
                                                  (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size))

    def _now(self, folder: str) -> dict[str, tuple]:
        group = self.now.get(folder)
        if group is None:
            group = self.now[folder] = {}
        return group

    def save(self, background: bool = True) -> None:
        """Write the folders whose products differ from the last run's and remove the pickles of no folder
        (atomically; never fatal), in a forked process unless *background* is False (see in_background). A run
        that starts before they are written finds fewer products to reuse."""
        writer = self.writer()
        if writer is not None:
            in_background(writer) if background else writer()

    def writer(self) -> Callable[[], None] | None:
        """What writes this run's products, or None when they are the last run's."""
        if self.folder is None:
            return None
        changed = {name: group for name, group in self.now.items()
                   if group.keys() != self.held.get(name, {}).keys()
                   or any(entry is not self.held[name][path] for path, entry in group.items())}
        gone = self.present - {self.file(name) for name in self.now}
        return partial(self._write, changed, gone) if changed or gone else None

    def _write(self, changed: dict[str, dict[str, tuple]], gone: set[Path]) -> None:
        for name, group in changed.items():
            write_pickle(self.file(name), (self.stamp, name, group))
        for path in gone:
            path.unlink(missing_ok=True)


class PieceStore:
    """Pieces of bytes by key (a product's lines of the export files), kept between builds.

    The pieces lie one after another in a ``.bin`` file, new ones appended; ``<name>-<code digest>.pickle``
    indexes them: (bin file name, its size, {key: (offset, lengths, CRC-32 of the pieces)}), replaced atomically.
    Once more than half the file is pieces no longer used, the used ones are copied into a fresh file. So a build
    after one edit reads the file, appends that edit's pieces and rewrites only the index. An index naming a
    missing or shorter file is ignored, and pieces whose bytes no longer match their CRC are made again;
    deleting the folder is always safe.
    """

    def __init__(self, folder: Path | None, code: str, name: str = "pieces"):
        self.folder, self.code, self.name = folder, code, name  # stores of different names share a folder
        self.index = folder / f"{name}-{code}.pickle" if folder else None
        self.bin_name: str | None = None
        self.data = memoryview(b"")
        self.entries: dict[str, tuple[int, tuple[int, ...], int]] = {}
        self.used: dict[str, tuple[int, tuple[int, ...], int]] = {}
        self.new: dict[str, tuple[bytes, ...]] = {}
        loaded = read_pickle(self.index, None) if self.index else None
        if isinstance(loaded, tuple) and len(loaded) == 3 and isinstance(loaded[2], dict):
            name, size, entries = loaded
            data = _mapped(folder / name)
            if len(data) >= size:
                self.bin_name, self.data, self.entries = name, data, entries

    def get(self, key: str) -> tuple[memoryview, ...] | None:
        hit = self.entries.get(key)
        if hit is None:
            return None
        offset, lengths, crc = hit
        if zlib.crc32(self.data[offset:offset + sum(lengths)]) != crc:  # damaged: made again by the caller
            return None
        self.used[key] = hit
        out = []
        for length in lengths:
            out.append(self.data[offset:offset + length])
            offset += length
        return tuple(out)

    def put(self, key: str, pieces: tuple[bytes, ...]) -> None:
        self.new[key] = pieces

    def save(self) -> None:
        """Append the new pieces (or copy the used ones into a fresh file) and replace the index."""
        if self.index is None or (not self.new and self.used.keys() == self.entries.keys()):
            return
        live = sum(sum(lengths) for _, lengths, _ in self.used.values())
        entries = dict(self.used)
        try:
            if self.bin_name is None or len(self.data) - live > live:
                name = f"{self.name}-{self.code}-{os.urandom(4).hex()}.bin"
                chunks = [self.data[o:o + sum(lengths)] for o, lengths, _ in self.used.values()]
                offset = 0
                for key, (o, lengths, crc) in self.used.items():
                    entries[key] = (offset, lengths, crc)
                    offset += sum(lengths)
                for key, pieces in self.new.items():
                    entries[key] = (offset, tuple(map(len, pieces)), _crc(pieces))
                    offset += sum(map(len, pieces))
                    chunks.extend(pieces)
                if not write_atomic(self.folder / name, *chunks):
                    return
            else:
                name = self.bin_name
                blob = b"".join(piece for pieces in self.new.values() for piece in pieces)
                fd = os.open(self.folder / name, os.O_WRONLY | os.O_APPEND)
                try:  # one appending write: another build appending at the same time cannot come in between
                    written = os.write(fd, blob)
                    offset = os.lseek(fd, 0, os.SEEK_CUR)
                finally:
                    os.close(fd)
                if written != len(blob):
                    return
                start = offset - len(blob)
                for key, pieces in self.new.items():
                    entries[key] = (start, tuple(map(len, pieces)), _crc(pieces))
                    start += sum(map(len, pieces))
        except OSError:
            return
        if write_pickle(self.index, (name, offset, entries)):
            remove_others(self.index, f"{self.name}-*.pickle")
            remove_others(self.folder / name, f"{self.name}-*.bin")


def _mapped(path: Path) -> memoryview:
    """The bytes of *path*, mapped rather than read (at national scale a store of pieces is 100 MB, and a build
    reads each piece once); empty when it cannot be. The file is only ever appended to or replaced, never cut."""
    try:
        with open(path, "rb") as handle:
            if not os.fstat(handle.fileno()).st_size:
                return memoryview(b"")
            return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):
        return memoryview(b"")


def _crc(pieces: tuple[bytes, ...]) -> int:
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    return crc


class PackedLines(Mapping):
    """The line of each field, unpickled only when asked: a valid record needs no line but that of its id."""

    __slots__ = ("_blob", "_id_line", "_lines")

    def __init__(self, blob: bytes, id_line: int | None):
        self._blob, self._id_line, self._lines = blob, id_line, None

    def _all(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = pickle.loads(self._blob)
        return self._lines

    def __contains__(self, key) -> bool:
        return (key == "id" and self._id_line is not None) or key in self._all()

    def __getitem__(self, key: str) -> int:
        if key == "id" and self._id_line is not None:
            return self._id_line
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def pack(entry: Entry) -> bytes:
    """*entry* as bytes: a plain tuple (quicker to unpickle than an object), its lines pickled apart."""
    lines = pickle.dumps(dict(entry.lines), protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.dumps((entry.data, entry.lines.get("id"), lines, entry.broken, entry.bad, entry.problems),
                        protocol=pickle.HIGHEST_PROTOCOL)


def unpack(blob: bytes) -> Entry | None:
    """The entry in *blob*; None if it cannot be read as one."""
    try:
        data, id_line, lines, broken, bad, problems = pickle.loads(blob)
    except Exception:  # noqa: BLE001 - any damage to a cache file only means loading the record again
        return None
    return Entry(shared(data), PackedLines(lines, id_line), broken, bad, problems)


SHARED_LENGTH = 16  # texts this short (codes, kinds, dates) recur across records


def shared(value):
    """*value* with its field names and short texts interned: every record names the same two dozen fields and
    repeats a few codes, kinds and dates, which unpickled would be new strings in each record."""
    if isinstance(value, dict):
        return {sys.intern(k) if type(k) is str else k: shared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shared(v) for v in value]
    if type(value) is str and len(value) <= SHARED_LENGTH:
        return sys.intern(value)
    return value
