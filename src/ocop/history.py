"""Change history of every product record, read from git in one pass over the log.

One ``git log --raw -M`` over ``content/products/`` lists, per commit, which record files were added,
modified, renamed or deleted, with the blob ids before and after. Only the blobs of those changes are read,
through GitPython's single persistent ``git cat-file --batch`` process, and parsed with our own strict loader;
the field differences come from comparing the two versions. Nothing here runs one git command per file.

When the content folder is not inside a git repository (or git is missing, or the repository has no
commit yet), the history is simply empty.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import schema
from .loader import load_text
from .report import Report

log = logging.getLogger(__name__)

ACTIONS = {
    "added": "Thêm hồ sơ",
    "modified": "Sửa hồ sơ",
    "renamed": "Đổi mã hồ sơ",
    "moved": "Chuyển thư mục (tỉnh)",
    "deleted": "Xoá hồ sơ",
}
_EMPTY_BLOB = "0" * 40


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions of a record (values as in the record, None if absent)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One commit's change to one product record."""

    commit: str
    date: str  # ISO 8601 author date, with its offset
    author: str
    message: str
    action: str  # a key of ACTIONS
    id: str  # the record's id after the change (before it, for a deletion)
    old_id: str | None  # the id before a rename
    path: str  # the file after the change, relative to the repository
    fields: tuple[FieldChange, ...] = ()

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date[:10])

    @property
    def short(self) -> str:
        return self.commit[:10]

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]

    @property
    def field_names(self) -> list[str]:
        return [f.field for f in self.fields]


@dataclass(frozen=True)
class Commit:
    """One commit that touched records, with its changes (for the register's Atom feed)."""

    sha: str
    date: str
    author: str
    message: str
    changes: tuple[Change, ...]


@dataclass
class Lineage:
    """Every version of one record, followed across renames: its changes and the data after each."""

    id: str
    changes: list[Change] = field(default_factory=list)
    versions: list[tuple[Change, dict | None]] = field(default_factory=list)
    former_ids: list[str] = field(default_factory=list)
    deleted: bool = False


@dataclass
class History:
    """The register's history: per-record lineages, renames, and the commits in order."""

    head: str | None = None
    head_date: str | None = None
    lineages: dict[str, Lineage] = field(default_factory=dict)  # by latest id (live or deleted)
    commits: list[Commit] = field(default_factory=list)  # oldest first

    keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # key_of, by product id

    def digest_of(self, product_id: str) -> str:
        """What a record's history page section depends on: the commits that changed it."""
        lineage = self.lineages.get(product_id)
        return "|".join(c.commit for c in lineage.changes) if lineage else ""

    def key_of(self, product) -> str:
        """What a record's own files (page, API document, rows) depend on: its digest and the commits that
        changed it; worked out once per build."""
        key = self.keys.get(product.id)
        if key is None:
            key = self.keys[product.id] = product.digest + self.digest_of(product.id)
        return key

    def changes_of(self, product_id: str) -> list[Change]:
        """Changes of one record, newest first (empty when unknown)."""
        lineage = self.lineages.get(product_id)
        return list(reversed(lineage.changes)) if lineage else []

    def versions_of(self, product_id: str) -> list[tuple[Change, dict | None]]:
        lineage = self.lineages.get(product_id)
        return list(lineage.versions) if lineage else []

    @property
    def renames(self) -> dict[str, str]:
        """Every former id (from git renames) mapped to the record's latest id."""
        return {old: lineage.id for lineage in self.lineages.values() for old in lineage.former_ids
                if old != lineage.id}

    @property
    def deleted(self) -> list[Lineage]:
        return [lin for lin in self.lineages.values() if lin.deleted]

    def last_name(self, product_id: str) -> str | None:
        """The name in the last readable version of a record (for deleted ones)."""
        lineage = self.lineages.get(product_id)
        names = [data["name"] for _c, data in (lineage.versions if lineage else [])
                 if data and isinstance(data.get("name"), str)]
        return names[-1] if names else None

    def all_changes(self) -> list[Change]:
        """Every change of every record, oldest first."""
        return [c for commit in self.commits for c in commit.changes]


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Record as {dotted field: value}; lists are values, not expanded."""
    if not isinstance(data, dict):
        return {prefix: data} if prefix else {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def field_diff(old: dict | None, new: dict | None) -> tuple[FieldChange, ...]:
    """Fields whose value differs between two versions, in the schema's field order."""
    if old is None or new is None:
        return ()
    before, after = flatten(old), flatten(new)
    order = {name: i for i, name in enumerate(schema.field_titles("product"))}
    names = sorted(set(before) | set(after), key=lambda n: (order.get(n, len(order)), n))
    return tuple(FieldChange(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n))


def _parse_record(text: bytes, path: str) -> dict | None:
    """A past version of a record, parsed by our loader; None if it cannot be read."""
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    loaded = load_text(decoded, Path(path), schema.load_schema("product"), Report(), path)
    return loaded.data if loaded is not None and isinstance(loaded.data, dict) else None


def _open_repo(content_dir: Path):
    """(repo, products path relative to its work tree), or None when there is no usable repository."""
    try:
        import git
    except ImportError:  # git executable missing: GitPython refuses to import
        log.warning("[ocop] không có git: bỏ qua lịch sử thay đổi")
        return None
    try:
        repo = git.Repo(content_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    try:
        repo.head.commit
    except ValueError:  # no commit yet
        return None
    products = (Path(content_dir) / "products").resolve()
    try:
        rel = products.relative_to(Path(repo.working_tree_dir).resolve())
    except ValueError:
        return None
    return repo, PurePosixPath(rel.as_posix())


def _log_entries(repo, rel: PurePosixPath):
    """Yield (sha, date, author, subject, [(status, old_blob, new_blob, old_path, new_path)]) oldest first."""
    pathspec = str(rel) if str(rel) != "." else "."
    out = repo.git.log("--reverse", "--format=%x01%H%x1f%aI%x1f%an%x1f%s", "--raw", "--no-abbrev", "-M", "-z",
                       "--", pathspec)
    for chunk in out.split("\x01")[1:]:
        header, _, rest = chunk.partition("\x00")
        sha, date, author, subject = header.split("\x1f", 3)
        tokens = rest.lstrip("\n").split("\x00")
        entries = []
        i = 0
        while i < len(tokens):
            meta = tokens[i]
            if not meta.startswith(":"):
                i += 1
                continue
            _old_mode, _new_mode, old_blob, new_blob, status = meta[1:].split(" ", 4)
            if status[0] in "RC":
                old_path, new_path = tokens[i + 1], tokens[i + 2]
                i += 3
            else:
                old_path = new_path = tokens[i + 1]
                i += 2
            entries.append((status[0], old_blob, new_blob, old_path, new_path))
        yield sha, date, author, subject, entries


def _is_record(path: str) -> bool:
    return path.endswith((".yaml", ".yml"))


def read_history(content_dir: Path) -> History:
    """History of every record under *content_dir*/products from the enclosing git repository."""
    opened = _open_repo(Path(content_dir))
    if opened is None:
        return History()
    repo, rel = opened
    try:
        return _read(repo, rel)
    finally:
        repo.close()  # ends the persistent git cat-file processes


def _read(repo, rel: PurePosixPath) -> History:
    head = repo.head.commit
    history = History(head=head.hexsha, head_date=head.committed_datetime.isoformat())
    active: dict[str, Lineage] = {}  # by current path
    blobs: dict[str, dict | None] = {}

    def record(blob: str, path: str) -> dict | None:
        if blob == _EMPTY_BLOB:
            return None
        if blob not in blobs:
            blobs[blob] = _parse_record(repo.odb.stream(bytes.fromhex(blob)).read(), path)
        return blobs[blob]

    for sha, date, author, subject, entries in _log_entries(repo, rel):
        changes = []
        # Deletions first, so that a record deleted and re-added in the same commit keeps one lineage.
        for status, old_blob, new_blob, old_path, new_path in sorted(entries, key=lambda e: e[0] != "D"):
            if not (_is_record(old_path) or _is_record(new_path)):
                continue
            old_id, new_id = PurePosixPath(old_path).stem, PurePosixPath(new_path).stem
            before, after = record(old_blob, old_path), record(new_blob, new_path)
            if status == "A":
                lineage = history.lineages.get(new_id)
                if lineage is None or not lineage.deleted:
                    lineage = Lineage(new_id)
                lineage.deleted = False
                action, fields = "added", ()
            elif status == "D":
                lineage = active.pop(old_path, None) or Lineage(old_id)
                lineage.deleted = True
                action, fields = "deleted", ()
            else:
                lineage = active.pop(old_path, None) or history.lineages.get(old_id) or Lineage(old_id)
                fields = field_diff(before, after)
                if status == "R" and old_id != new_id:
                    action = "renamed"
                    if old_id not in lineage.former_ids:
                        lineage.former_ids.append(old_id)
                    history.lineages.pop(old_id, None)
                elif status == "R":
                    action = "moved"
                else:
                    action = "modified"
            change = Change(sha, date, author, subject, action, new_id if status != "D" else old_id,
                            old_id if action == "renamed" else None, new_path, fields)
            lineage.id = change.id
            lineage.changes.append(change)
            lineage.versions.append((change, after))
            history.lineages[lineage.id] = lineage
            if status != "D":
                active[new_path] = lineage
            changes.append(change)
        if changes:
            changes.sort(key=lambda c: c.id)
            history.commits.append(Commit(sha, date, author, subject, tuple(changes)))
    return history
