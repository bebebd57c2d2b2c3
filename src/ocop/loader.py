"""Strict YAML loading: one document, typed by the schema, with the line of every field.

PyYAML's own resolver follows YAML 1.1, which silently turns ``NO`` into False, ``0101234567``
into an octal number, ``10:30`` into 630 and ``2023-02-30`` into a crash. Here the parser only
builds a node tree (``yaml.compose`` with no implicit resolvers), so every scalar stays the text
that was typed; the schema then says which fields are numbers. Duplicate keys and any explicit
tag other than the standard ones (``!!python/...`` above all) are errors; nothing is executed.
All text is normalised to NFC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .report import Report
from .vntext import nfc

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")


class _NodeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A loader whose resolver tags every plain scalar as text (libyaml's C parser when PyYAML has it)."""


_NodeLoader.yaml_implicit_resolvers = {}


@dataclass
class Loaded:
    """A loaded document: the data, and the line of each field path ('a.b.0')."""

    path: Path
    data: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, field_path: str) -> int:
        """Line of *field_path*, or of its nearest parent that has one."""
        while field_path:
            if field_path in self.lines:
                return self.lines[field_path]
            field_path = field_path.rpartition(".")[0]
        return self.lines.get("", 1)


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a BOM is allowed) as NFC text."""
    return nfc(path.read_bytes().decode("utf-8-sig"))


def load_file(path: Path, schema: dict, report: Report, display: str | None = None) -> Loaded | None:
    """Load one YAML file typed by *schema*; problems go to *report*. None if unreadable."""
    shown = display or str(path)
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        report.add(shown, 1, "", f"tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại với mã hóa UTF-8")
        return None
    return load_text(text, path, schema, report, shown)


def load_text(text: str, path: Path, schema: dict, report: Report, display: str | None = None) -> Loaded | None:
    """Load YAML *text* (as if read from *path*) typed by *schema*."""
    shown = display or str(path)
    try:
        node = yaml.compose(nfc(text), Loader=_NodeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        report.add(shown, line, "", f"lỗi cú pháp YAML: {exc.problem or exc}")
        return None
    except yaml.YAMLError as exc:
        report.add(shown, 1, "", f"lỗi cú pháp YAML: {exc}")
        return None
    loaded = Loaded(path, None, {"": 1})
    if node is None:
        report.add(shown, 1, "", "tệp rỗng")
        return None
    builder = _Builder(loaded, schema, report, shown)
    loaded.data = builder.build(node, schema, "")
    return loaded


class _Builder:
    """Turns a node tree into Python values following the schema."""

    def __init__(self, loaded: Loaded, root_schema: dict, report: Report, shown: str):
        self.loaded = loaded
        self.root = root_schema
        self.report = report
        self.shown = shown

    def _resolve(self, schema: dict | None) -> dict:
        while schema and "$ref" in schema:
            ref = schema["$ref"]
            schema = self.root
            for part in ref.lstrip("#/").split("/"):
                schema = schema[part]
        return schema or {}

    def build(self, node: yaml.Node, schema: dict | None, where: str) -> Any:
        schema = self._resolve(schema)
        self.loaded.lines.setdefault(where, node.start_mark.line + 1)
        if node.tag not in (_STR, _SEQ, _MAP):
            self.report.add(self.shown, node.start_mark.line + 1, where,
                            f"thẻ YAML «{node.tag.replace('tag:yaml.org,2002:', '!!')}» không được chấp nhận; chỉ ghi giá trị thường")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, schema, where)
        if isinstance(node, yaml.SequenceNode):
            items = schema.get("items")
            return [self.build(child, items, f"{where}.{i}" if where else str(i))
                    for i, child in enumerate(node.value)]
        return self._scalar(node, schema)

    def _mapping(self, node: yaml.MappingNode, schema: dict, where: str) -> dict:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        props = schema.get("properties", {})
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.report.add(self.shown, line, where, "tên trường phải là chữ thường")
                continue
            key = key_node.value
            path = f"{where}.{key}" if where else key
            if key in first_line:
                self.report.add(self.shown, line, path,
                                f"trường «{key}» bị lặp (dòng {line}, đã có ở dòng {first_line[key]}); chỉ giữ một")
                continue
            first_line[key] = line
            self.loaded.lines[path] = line
            value = self.build(value_node, props.get(key), path)
            if value is not None:
                out[key] = value
        return out

    def _scalar(self, node: yaml.ScalarNode, schema: dict) -> Any:
        text = node.value
        plain = not node.style  # None from the Python parser, "" from libyaml
        if plain and text in _NULLS:
            return None
        kind = schema.get("type")
        if plain and kind == "integer" and _INT.match(text):
            return int(text)
        if plain and kind == "number" and _NUMBER.match(text):
            return float(text) if "." in text else int(text)
        if plain and kind == "boolean" and text in ("true", "false"):
            return text == "true"
        return text
