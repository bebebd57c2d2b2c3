"""Problems found while loading and validating, collected as values in one report per run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file: where it is, which field, and what is wrong (in Vietnamese)."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field or WHOLE_FILE}: {self.message}"


WHOLE_FILE = "(cả tệp)"  # shown where a problem is of the file itself (its name, its encoding), not of one field


@dataclass
class Report:
    """All problems of one validation run, in the order found."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path | str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(str(path), int(line), field_name, message))

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __len__(self) -> int:
        return len(self.problems)

    def lines(self) -> list[str]:
        return [str(p) for p in sorted(self.problems)]
