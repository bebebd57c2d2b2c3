"""Writing records as YAML: stable field order, readable Vietnamese, atomic replace."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Dumper(yaml.SafeDumper):
    """Safe dumper that never emits aliases (records are read by people)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _plain_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_dates(v) for v in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def dump(record: dict) -> str:
    """YAML text of *record*, keys in the given order, dates unquoted, text unescaped."""
    return yaml.dump(_plain_dates(record), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=110, default_flow_style=False)


def write_atomic(path: Path, text: str) -> None:
    """Write *text* to *path* so that a reader sees either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
