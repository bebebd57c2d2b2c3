"""A cache of loaded records, keyed by each file's bytes, so an unchanged register is not parsed again.

An entry holds what loading and schema validation found in one file: the typed data, the line of each
field, and the problems. Cross-record checks always run again. The cache lives in ``.cache/ocop/`` beside
``content/``; its name carries a digest of the code and schema that produced it, so any change to either
starts a fresh cache. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

_SOURCES = ("loader.py", "schema.py", "vntext.py", "taxcode.py", "schema/product.schema.json")


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
    lines: dict[str, int]
    broken: set[str]
    bad: set[str]
    problems: list[tuple[int, str, str]]  # (line, field, message); the path is added when replayed


@dataclass
class RecordCache:
    """Entries by file digest; only the entries used in this run are saved back."""

    path: Path | None
    entries: dict[str, Entry] = field(default_factory=dict)
    used: dict[str, Entry] = field(default_factory=dict)
    hits: int = 0
    seen: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # file -> (mtime_ns, size, digest)
    now: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    @classmethod
    def open(cls, content_dir: Path | None) -> "RecordCache":
        """The cache for *content_dir* (None: a cache that is never saved)."""
        if content_dir is None:
            return cls(None)
        path = content_dir.resolve().parent / ".cache" / "ocop" / f"records-{code_digest()}.pickle"
        try:
            with path.open("rb") as handle:
                entries, seen = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            entries, seen = {}, {}
        return cls(path, entries if isinstance(entries, dict) else {}, seen=seen if isinstance(seen, dict) else {})

    def known_digest(self, path: Path, stat) -> str | None:
        """The digest of *path* if its modification time and size are those of the last run (no need to read it)."""
        hit = self.seen.get(str(path))
        if hit and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size and hit[2] in self.entries:
            self.now[str(path)] = hit
            return hit[2]
        return None

    def remember(self, path: Path, stat, key: str) -> None:
        self.now[str(path)] = (stat.st_mtime_ns, stat.st_size, key)

    @staticmethod
    def key(raw: bytes) -> str:
        return hashlib.sha1(raw).hexdigest()

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            self.used[key] = entry
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self.used[key] = entry

    def save(self) -> None:
        """Write the entries used in this run, atomically; a cache that cannot be written is simply skipped."""
        if self.path is None or (self.used.keys() == self.entries.keys() and self.now == self.seen):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".records.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.used, self.now), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            for old in self.path.parent.glob("records-*.pickle"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
