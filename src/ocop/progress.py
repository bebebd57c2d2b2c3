"""Progress of a long build on the terminal: which stage, how many records or files, how long.

On a terminal a live line counts up; elsewhere (CI, pipes) nothing is printed unless timings are asked for,
in which case each stage ends with one line. Stage times are kept for the benchmark.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    stream: TextIO = sys.stderr
    live: bool = False
    timings: bool = False
    times: dict[str, float] = field(default_factory=dict)
    _last: float = 0.0

    @classmethod
    def for_terminal(cls, timings: bool = False) -> "Progress":
        """Live counts when stderr is a terminal and not CI; stage times when asked."""
        live = sys.stderr.isatty() and not os.environ.get("CI")
        return cls(sys.stderr, live, timings)

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Count *done* of *total* in *stage* (at most ten updates a second)."""
        if not self.live:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        self.stream.write(f"\r\x1b[K[ocop] {stage}: {done}/{total}")
        self.stream.flush()

    def say(self, text: str) -> None:
        """A line that is always shown (a build waiting for another)."""
        self.stream.write(("\r\x1b[K" if self.live else "") + f"[ocop] {text}\n")
        self.stream.flush()

    @contextmanager
    def stage(self, name: str):
        """Time a stage; print its end on a terminal or when timings were asked for, with timings also the CPU
        seconds it used on every core (this process and the workers it waited for): near twice the time on two
        cores means both were busy."""
        started, cpu = time.perf_counter(), _cpu_seconds()
        yield
        seconds = time.perf_counter() - started
        self.times[name] = self.times.get(name, 0.0) + seconds
        if self.live or self.timings:
            used = f" (CPU {_cpu_seconds() - cpu:.2f} s)" if self.timings else ""
            self.stream.write(("\r\x1b[K" if self.live else "") + f"[ocop] {name}: {seconds:.2f} s{used}\n")
            self.stream.flush()


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
