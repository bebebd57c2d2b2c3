"""Writing the site's files incrementally and on every core.

Each file is a Job: where it goes, a key (a digest of everything it depends on, or None for "always make
it") and a function that makes its bytes. A build remembers the keys it wrote in ``.ocop-build.json`` in the
output folder. The next build skips a job whose key and build key are unchanged and whose file is still there,
writes only bytes that differ, and removes files the previous build wrote that this one no longer makes. So a
build after an edit does the work of that edit, and its output is the same as a full build's.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import mmap
import multiprocessing
import os
import traceback
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NamedTuple, Protocol

try:
    import fcntl
except ImportError:  # not a POSIX system: builds into one folder are not kept apart
    fcntl = None

STATE = ".ocop-build.json"
PARALLEL_FROM = 400  # below this many jobs, starting workers costs more than it saves
CROWDED = 64  # a folder that held this many files of the last build is listed, not asked about file by file


class Job(NamedTuple):
    """One file to make (a tuple: a build plans some 60,000 of them at national scale)."""

    output: str
    key: str | None
    make: Callable[[], bytes]


class Planned(Protocol):
    """What Output.run needs of a job: where it goes and its key (a Job, or a site.Page with a *make* for all)."""

    output: str
    key: str | None


@dataclass
class Stats:
    made: int = 0
    skipped: int = 0
    written: int = 0
    removed: int = 0


def write_if_changed(path: Path | str, data: bytes | list[bytes]) -> bool:
    """Write *data* (bytes, or the chunks of a file too big to join) to *path* unless the file already holds exactly
    these bytes; True if written. Of a file of chunks, only what follows the first chunk that differs is written
    (an edit changes one product's rows of the national tables, 100 MB at national scale). Text paths and os calls:
    a build writes some 60,000 files."""
    chunks = data if isinstance(data, list) else [data]
    path = os.fspath(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        folder = os.path.dirname(path)
        try:  # one mkdir, no isdir() check after it: most new files are the only file of a new folder
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        size = None
    if size is not None:
        same, offset = _held(path, chunks, size)
        if same == len(chunks) and offset == size:
            return False
        if same:
            with open(path, "r+b") as handle:
                handle.seek(offset)
                handle.writelines(chunks[same:])
                handle.truncate()
            return True
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        if len(chunks) == 1:
            _write_all(fd, chunks[0])
        else:
            with open(fd, "wb", closefd=False) as handle:
                handle.writelines(chunks)
    finally:
        os.close(fd)
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _held(path: str, chunks: list[bytes], size: int) -> tuple[int, int]:
    """How many of the *chunks* the file at *path* (of *size* bytes) begins with, and their length in bytes."""
    if len(chunks) == 1:
        with open(path, "rb") as handle:
            return (1, size) if size == len(chunks[0]) and handle.read() == chunks[0] else (0, 0)
    if not size:  # nothing to map: held are the empty chunks it begins with
        return next((count for count, chunk in enumerate(chunks) if len(chunk)), len(chunks)), 0
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as held:
        offset = 0  # slices of the map are bytes: compared by memcmp (a memoryview compares byte by byte)
        for first, last, joined in _groups(chunks):  # a megabyte at a time, then chunk by chunk where it differs
            end = offset + len(joined)
            if end <= size and held[offset:end] == joined:
                offset = end
                continue
            for count in range(first, last):
                end = offset + len(chunks[count])
                if end > size or held[offset:end] != bytes(chunks[count]):
                    return count, offset
                offset = end
        return len(chunks), offset


GROUP = 1 << 20  # bytes of chunks joined to be compared or hashed at once (tens of thousands of small pieces)


def _groups(chunks: list[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """The *chunks* in runs of about GROUP bytes: (first, last + 1, the run joined)."""
    first, size = 0, 0
    for count, chunk in enumerate(chunks):
        size += len(chunk)
        if size >= GROUP:
            yield first, count + 1, b"".join(chunks[first:count + 1])
            first, size = count + 1, 0
    if first < len(chunks):
        yield first, len(chunks), b"".join(chunks[first:])


def release_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's malloc_trim): a process forked next starts smaller."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class Written(NamedTuple):
    """A file of a bundle that another process wrote: its SHA-256, and whether its bytes changed."""

    sha256: str
    wrote: bool


def write_files(folder: Path, files: dict[str, bytes | list[bytes]], digests: dict[str, str] | None = None
                ) -> dict[str, Written]:
    """Write each of *files* (name: bytes, or chunks) into *folder* unless it already holds them (run in a
    Background process, the data exports are written beside the pages); their SHA-256 from *digests* when known."""
    written = {}
    for name, data in files.items():
        chunks = data if isinstance(data, list) else [data]
        digest = (digests or {}).get(name) or sha256_of(chunks)
        written[name] = Written(digest, write_if_changed(folder / name, chunks))
    return written


def sha256_of(chunks: list[bytes]) -> str:
    """SHA-256 (hex) of the file made of *chunks*."""
    digest = hashlib.sha256()
    for _, _, joined in _groups(chunks):
        digest.update(joined)
    return digest.hexdigest()


_JOBS: list = []  # set before the workers fork, so they inherit the jobs instead of receiving them
_MAKE: Callable[[Any], bytes] | None = None
_ROOT = "."


def _run(indices: range) -> list[tuple[int, bool]]:
    make = _MAKE or (lambda job: job.make())
    return [(i, write_if_changed(f"{_ROOT}/{_JOBS[i].output}", make(_JOBS[i]))) for i in indices]


def make_jobs(root: Path, jobs: list[Job]) -> list[tuple[int, bool]]:
    """Make and write planned *jobs* here (in a forked process, say): what Output.count takes."""
    return [(i, write_if_changed(f"{os.fspath(root)}/{job.output}", job.make())) for i, job in enumerate(jobs)]


@dataclass
class Output:
    """One build's writing into *root*; *build_key* digests what every file depends on (code, theme, settings)."""

    root: Path
    build_key: str
    progress: Callable[[str, int, int], None] | None = None
    previous: dict[str, str | None] = field(default_factory=dict)
    done: dict[str, str | None] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        try:
            state = json.loads((self.root / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        self.previous = state.get("files", {}) if state.get("build") == self.build_key else {}
        self.previous_files = set(state.get("files", {}))
        self._bundles: dict[str, dict[str, str | None]] | None = None
        self._listed: dict[str, set[str] | None] = {}
        self._root_fd = -1

    def _there(self, output: str) -> bool:
        """True if the file *output* (relative to the root) exists. A folder that held many of the last build's
        files is listed once instead of asking for each file; so is a folder of many folders that each held one
        file (``san-pham/<id>/index.html``): such a file counts as there while its folder is (only deleting the
        file and keeping its folder goes unseen; deleted folders, or the whole output, are made again)."""
        folder, _, name = output.rpartition("/")
        if folder in self._crowded:
            return name in self._listing(folder, files=True)
        parent, _, leaf = folder.rpartition("/")
        if parent in self._crowded_pages:
            return leaf in self._listing(parent, files=False)
        return os.access(output, os.F_OK, dir_fd=self._root_fd)

    def _listing(self, folder: str, files: bool) -> set[str]:
        """Names of the files (or of the folders) in *folder*, listed once per plan."""
        names = self._listed.get(folder)
        if names is None:
            try:
                names = {entry.name for entry in os.scandir(self.root / folder)
                         if (entry.is_file() if files else entry.is_dir())}
            except OSError:
                names = set()
            self._listed[folder] = names
        return names

    @cached_property
    def _files_in(self) -> dict[str, int]:
        """How many of the last build's files each folder held."""
        counts: dict[str, int] = {}
        for output in self.previous:
            parent = output.rpartition("/")[0]
            counts[parent] = counts.get(parent, 0) + 1
        return counts

    @cached_property
    def _crowded(self) -> set[str]:
        """Folders that held CROWDED files or more of the last build."""
        return {parent for parent, n in self._files_in.items() if n >= CROWDED}

    @cached_property
    def _crowded_pages(self) -> set[str]:
        """Folders holding CROWDED folders or more that each held one file of the last build (products' pages)."""
        counts: dict[str, int] = {}
        for folder, n in self._files_in.items():
            if n == 1 and folder:
                parent = folder.rpartition("/")[0]
                counts[parent] = counts.get(parent, 0) + 1
        return {parent for parent, n in counts.items() if n >= CROWDED}

    @staticmethod
    def is_ours(root: Path) -> bool:
        """True if *root* is missing, empty, or was written by a build of ours."""
        return not root.is_dir() or not any(root.iterdir()) or (root / STATE).exists() or (root / "sitemap.xml").exists()

    def plan(self, jobs: list) -> list:
        """The *jobs* that need making: those whose key or file changed; the others are counted as skipped. Every
        job becomes one of this build's files (see finish)."""
        todo = []
        previous, done, there = self.previous, self.done, self._there
        skipped = 0
        self._listed = {}  # folders are listed afresh by each plan: earlier runs of this build wrote files
        try:
            self._root_fd = os.open(self.root, os.O_RDONLY)
        except OSError:  # no output folder yet: nothing to skip
            self._root_fd, previous = -1, {}
        try:
            for job in jobs:  # a hundred thousand jobs at national scale: text paths, no pathlib
                output, key = job.output, job.key
                if key is not None and previous.get(output) == key and there(output):
                    skipped += 1
                else:
                    todo.append(job)
                done[output] = key
        finally:
            if self._root_fd >= 0:
                os.close(self._root_fd)
            self._root_fd = -1
        self.stats.skipped += skipped
        return todo

    def run(self, jobs: list, stage: str = "", workers: int | None = None, parallel_from: int = PARALLEL_FROM,
            make: Callable[[Any], bytes] | None = None) -> None:
        """Make and write every job that needs it (see plan and make)."""
        self.make(self.plan(jobs), stage, workers, parallel_from, make)

    def make(self, todo: list, stage: str = "", workers: int | None = None, parallel_from: int = PARALLEL_FROM,
             make: Callable[[Any], bytes] | None = None, heavy: int = 0) -> None:
        """Make and write the jobs *todo* (planned), on *workers* processes (default: every core) once there are
        *parallel_from* of them (fewer for heavy jobs). A job is a Job, or anything Planned when *make* gives its
        bytes. The first *heavy* jobs (workbooks) are given to the workers one by one, before the others."""
        workers = workers or os.cpu_count() or 1
        global _JOBS, _ROOT, _MAKE
        _JOBS, _ROOT, _MAKE = todo, os.fspath(self.root), make
        if workers > 1 and len(todo) >= parallel_from and "fork" in multiprocessing.get_all_start_methods():
            size = -(-(len(todo) - heavy) // (workers * 16)) or 1
            chunks = [range(i, i + 1) for i in range(heavy)]
            chunks += [range(i, min(i + size, len(todo))) for i in range(heavy, len(todo), size)]
            thawed = gc.get_freeze_count() == 0
            release_memory()
            gc.freeze()  # workers' collections then never write to (and so copy) the pages of what they inherit
            try:
                with multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable) as pool:
                    finished = 0
                    for result in pool.imap_unordered(_run, chunks):
                        self.count(result)
                        finished += len(result)
                        self._tell(stage, finished, len(todo))
            finally:
                if thawed:
                    gc.unfreeze()
        else:
            for start in range(0, len(todo), 200):
                self.count(_run(range(start, min(start + 200, len(todo)))))
                self._tell(stage, min(start + 200, len(todo)), len(todo))
        _JOBS, _MAKE = [], None

    def run_bundle(self, folder: str, key: str, make: Callable[[], dict[str, bytes | list[bytes] | Written]],
                   besides: frozenset[str] = frozenset()) -> None:
        """Files made together by one computation (the data exports): skipped together when *key* is unchanged.
        *make* gives each file's bytes, or how another process wrote it (see write_files). Files under *folder*
        that jobs of this build make (*besides*, or already made) are not the bundle's."""
        before = self._bundle(folder, besides)
        if self.bundle_fresh(folder, key, besides):
            self.done.update(before)
            self.stats.skipped += len(before)
            return
        for name, data in make().items():
            self.done[f"{folder}/{name}"] = key
            wrote = data.wrote if isinstance(data, Written) else write_if_changed(self.root / folder / name, data)
            self.count([(0, wrote)])

    def _bundle(self, folder: str, besides: frozenset[str] = frozenset()) -> dict[str, str | None]:
        if self._bundles is None:  # the last build's files by their top folder, sorted out once
            self._bundles = {}
            for name, k in self.previous.items():
                self._bundles.setdefault(name.partition("/")[0], {})[name] = k
        top, _, below = folder.partition("/")
        return {name: k for name, k in self._bundles.get(top, {}).items()
                if (not below or name.startswith(folder + "/")) and name not in self.done and name not in besides}

    def bundle_fresh(self, folder: str, key: str, besides: frozenset[str] = frozenset()) -> bool:
        """True if the bundle in *folder* was made with *key* by the last build and is all still there."""
        before = self._bundle(folder, besides)
        return bool(before) and all(k == key and (self.root / name).exists() for name, k in before.items())

    def count(self, result: list[tuple[int, bool]]) -> None:
        """Count files made (and whether written) by make, or by make_jobs in another process."""
        self.stats.made += len(result)
        self.stats.written += sum(1 for _, wrote in result if wrote)

    def _tell(self, stage: str, done: int, total: int) -> None:
        if self.progress and stage:
            self.progress(stage, done, total)

    def finish(self) -> Stats:
        """Remove what the previous build wrote and this one did not; remember this build's files."""
        for stale in sorted(self.previous_files - self.done.keys()):
            path = self.root / stale
            if path.is_file():
                path.unlink()
                self.stats.removed += 1
                _remove_empty_parents(path.parent, self.root)
        if self.previous and self.previous == self.done:  # read from a state file of this build key: the same
            return self.stats
        state = {"build": self.build_key, "files": dict(sorted(self.done.items()))}
        # One compact line: with an indent json.dumps runs its pure-Python encoder over 100,000 entries.
        write_if_changed(self.root / STATE, json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        return self.stats


@contextmanager
def locked(root: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder *root* (made if missing) for one build: a second build into it waits until the
    first is done (calling *waiting* once), instead of finding its half-written files. A lock on the folder
    itself (flock), released by the system even if the build is killed."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting:
                    waiting()
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class Background:
    """*make* run in a forked process while this one goes on (the search index beside the pages and exports);
    ``result()`` waits for its value. Without fork, ``result()`` simply calls *make*."""

    def __init__(self, make: Callable[[], object], trim: bool = True):
        """*trim*: give the freed heap back to the system first (a long computation's process starts smaller)."""
        self.make, self.process = make, None
        if "fork" in multiprocessing.get_all_start_methods():
            if trim:
                release_memory()
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_send_result, args=(make, send), daemon=True)
            self.process.start()
            send.close()

    def result(self):
        if self.process is None:
            return self.make()
        try:
            ok, value = self.receive.recv()
        except EOFError:
            ok, value = False, "the process ended without a result"
        self.process.join()
        if not ok:
            raise RuntimeError(f"background computation failed:\n{value}")
        return value


def _send_result(make: Callable[[], object], send) -> None:
    try:
        value = (True, make())
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        value = (False, traceback.format_exc())
    send.send(value)
