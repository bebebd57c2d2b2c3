"""Strict YAML loading: one document, typed by the schema, with the line of every field.

PyYAML's own resolver follows YAML 1.1, which silently turns ``NO`` into False, ``0101234567``
into an octal number, ``10:30`` into 630 and ``2023-02-30`` into a crash. Here the parser only
builds a node tree (``yaml.compose`` with no implicit resolvers), so every scalar stays the text
that was typed; the schema then says which fields are numbers. Duplicate keys and any explicit
tag other than the standard ones (``!!python/...`` above all) are errors; nothing is executed.
All text is normalised to NFC.
"""

from __future__ import annotations

import codecs
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


_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
_TAG_SET = frozenset(_TAGS.values())


class _NodeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A loader whose resolver tags every plain scalar as text (libyaml's C parser when PyYAML has it).

    With no implicit and no path resolvers, PyYAML's resolver would give each node its kind's standard tag
    after several calls per node; these methods give it directly.
    """

    yaml_implicit_resolvers: dict = {}

    def resolve(self, kind, value, implicit):
        return _TAGS[kind]

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


MAX_BYTES = 256 * 1024  # a record is a few KB; anything this big is a mistake or an attack
MAX_DEPTH = 12

# PyYAML's messages (English) for the syntax errors editors actually make, in plain Vietnamese.
_SYNTAX = (
    ("found character '\\t'", "có ký tự Tab; YAML chỉ dùng dấu cách để thụt lề"),
    ("mapping values are not allowed", "dấu «:» không đúng chỗ; nếu giá trị có «: » thì đặt cả giá trị trong ngoặc kép"),
    ("did not find expected ',' or ']'", "danh sách [...] thiếu dấu «]» hoặc «,»"),
    ("did not find expected ',' or '}'", "nhóm {...} thiếu dấu «}» hoặc «,»"),
    ("but found another document", "tệp chỉ được chứa một hồ sơ; bỏ dòng «---» thừa"),
    ("could not find expected ':'", "thiếu dấu «:» sau tên trường"),
    ("special characters are not allowed", "có ký tự điều khiển không hợp lệ (ví dụ NUL); hãy xóa ký tự đó"),
    ("unacceptable character", "có ký tự điều khiển không hợp lệ; hãy xóa ký tự đó"),
    ("found undefined alias", "không dùng bí danh YAML (*tên) trong hồ sơ"),
    ("did not find expected key", "thụt lề không đều: các trường cùng cấp phải thẳng cột"),
    ("expected <block end>", "thụt lề không đều: các trường cùng cấp phải thẳng cột"),
    ("found unexpected end of stream", "thiếu dấu đóng ngoặc kép hoặc ngoặc"),
    ("found unknown escape character", "trong ngoặc kép, dấu «\\» phải viết «\\\\» (hoặc dùng ngoặc đơn)"),
    ("did not find expected node content", "thiếu giá trị sau dấu «-» hoặc «:»"),
    ("did not find expected '-' indicator", "thụt lề danh sách không đều"),
    ("found a tab character", "có ký tự Tab; YAML chỉ dùng dấu cách để thụt lề"),
    ("found character that cannot start any token",
     "có ký tự không được đứng đầu giá trị (thường là Tab; YAML chỉ dùng dấu cách để thụt lề)"),
)


def _syntax_message(problem: str) -> str:
    for english, vietnamese in _SYNTAX:
        if english in problem:
            return f"lỗi cú pháp YAML: {vietnamese}"
    return "lỗi cú pháp YAML: " + " ".join(problem.split())


@dataclass
class Loaded:
    """A loaded document: the data, and the line of each field path ('a.b.0')."""

    path: Path | str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # field paths the loader already reported

    @property
    def ok(self) -> bool:
        return not self.broken

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
    return load_bytes(path.read_bytes(), path, schema, report, display)


def load_bytes(raw: bytes, path: Path | str, schema: dict, report: Report, display: str | None = None
               ) -> Loaded | None:
    """Load the bytes of a YAML file (as read from *path*) typed by *schema*."""
    shown = display or str(path)
    if len(raw) > MAX_BYTES:
        report.add(shown, 1, "", f"tệp quá lớn ({len(raw) // 1024} KB, tối đa {MAX_BYTES // 1024} KB cho một hồ sơ)")
        return None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[1:4:2] == b"\0\0" or raw[0:3:2] == b"\0\0":
        report.add(shown, 1, "", "tệp lưu bằng mã UTF-16 (Unicode của Notepad/Excel); hãy lưu lại với mã hóa UTF-8")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.add(shown, line, "", "tệp không phải UTF-8 (có thể lưu bằng mã Windows-1258/VNI); "
                                    "hãy lưu lại với mã hóa UTF-8")
        return None
    return load_text(text, path, schema, report, shown)


_QUOTE_OPENS = re.compile(r"[ \t]*(?:- )?(?:[^\s#:'\"-][^:#]*?[ \t]*:[ \t]+)?(['\"])(.*)$")


def _closes(rest: str, quote: str) -> bool:
    """True if *rest* (what follows an opening *quote*) holds its closing quote."""
    if quote == "'":
        return "'" in rest.replace("''", "")
    return re.search(r'(?<!\\)"', rest) is not None


def _unclosed(quote: str) -> str:
    return f"lỗi cú pháp YAML: ngoặc «{quote}» mở ở dòng này chưa được đóng; thêm «{quote}» ở cuối giá trị"


def _likely_cause(text: str, line: int, exc: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """(line, message) of what most likely broke the YAML when PyYAML's own account misleads: a quote left open
    (YAML reads on into the next lines, and trips where the next quote closes it), or a line indented deeper than
    the field above it (YAML reads it as more of that field's value)."""
    lines = text.splitlines()
    if exc.context and "quoted scalar" in exc.context and exc.context_mark:  # open up to the end of the file
        mark = exc.context_mark
        quote = lines[mark.line][mark.column] if mark.line < len(lines) and mark.column < len(lines[mark.line]) else '"'
        return mark.line + 1, _unclosed(quote)
    opened = None
    for number, content in enumerate(lines[:line], 1):
        if opened is None:
            start = _QUOTE_OPENS.match(content)
            if start and not _closes(start.group(2), start.group(1)):
                opened = (number, start.group(1))
        elif _closes(content, opened[1]):
            if number == line and number > opened[0]:
                return opened[0], _unclosed(opened[1])
            opened = None
    if exc.problem and "mapping values are not allowed" in exc.problem and 2 <= line <= len(lines):
        here = lines[line - 1]
        above = next((a for a in reversed(lines[: line - 1]) if a.strip() and not a.lstrip().startswith("#")), "")
        indent = len(here) - len(here.lstrip(" "))
        if _KEY_LINE.match(here) and above and indent > len(above) - len(above.lstrip(" ")) and \
                _KEY_LINE.match(above) and above[_KEY_LINE.match(above).end():].strip():
            return line, ("lỗi cú pháp YAML: dòng này thụt vào sâu hơn trường phía trên; các trường cùng cấp "
                          "phải thẳng cột")
    return None


_KEY_LINE = re.compile(r"([ \t]*)(?:- )?([^\s#:'\"-][^:#]*?)[ \t]*:(?:[ \t]|$)")


def field_at(text: str, line: int) -> str:
    """The field that *line* of YAML *text* writes (``producer.name``), found from the keys and indentation of the
    lines above it (a tab counts as one column); "" when the line holds no key. For a file YAML cannot parse."""
    lines = text.splitlines()
    found = _KEY_LINE.match(lines[line - 1]) if 1 <= line <= len(lines) else None
    if not found:
        return ""
    path, indent = [found.group(2)], len(found.group(1))
    for above in reversed(lines[: line - 1]):
        parent = _KEY_LINE.match(above)
        if parent and len(parent.group(1)) < indent and not above[parent.end():].strip(" \t"):
            path.insert(0, parent.group(2))
            indent = len(parent.group(1))
        if indent == 0:
            break
    return ".".join(path)


def load_text(text: str, path: Path | str, schema: dict, report: Report, display: str | None = None
              ) -> Loaded | None:
    """Load YAML *text* (as if read from *path*) typed by *schema*."""
    shown = display or str(path)
    try:
        node = yaml.compose(nfc(text), Loader=_NodeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = _syntax_message(exc.problem or str(exc))
        hint = _likely_cause(text, line, exc)
        if hint:
            line, message = hint
        report.add(shown, line, field_at(text, line), message)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: its position, not a mark
        line = nfc(text)[: exc.position].count("\n") + 1
        report.add(shown, line, field_at(nfc(text), line), _syntax_message(str(exc)))
        return None
    except yaml.YAMLError as exc:
        report.add(shown, 1, "", _syntax_message(str(exc)))
        return None
    except RecursionError:
        report.add(shown, 1, "", f"cấu trúc lồng quá sâu (tối đa {MAX_DEPTH} cấp)")
        return None
    loaded = Loaded(path, None, {"": 1})
    if node is None:
        report.add(shown, 1, "", "tệp rỗng")
        return None
    builder = _Builder(loaded, schema, report, shown)
    loaded.data = builder.build(node, schema, "", 0)
    return loaded


class _Builder:
    """Turns a node tree into Python values following the schema."""

    def __init__(self, loaded: Loaded, root_schema: dict, report: Report, shown: str):
        self.loaded = loaded
        self.root = root_schema
        self.report = report
        self.shown = shown
        self.seen: set[int] = set()
        self.lines = loaded.lines

    def problem(self, node: yaml.Node, where: str, message: str) -> None:
        self.loaded.broken.add(where)
        self.report.add(self.shown, node.start_mark.line + 1, where, message)

    def _resolve(self, schema: dict | None) -> dict:
        while schema and "$ref" in schema:
            ref = schema["$ref"]
            schema = self.root
            for part in ref.lstrip("#/").split("/"):
                schema = schema[part]
        return schema or {}

    def build(self, node: yaml.Node, schema: dict | None, where: str, depth: int) -> Any:
        if schema is None or "$ref" in schema:
            schema = self._resolve(schema)
        if where not in self.lines:
            self.lines[where] = node.start_mark.line + 1
        if node.tag not in _TAG_SET:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(node, where, f"thẻ YAML «{tag}» không được chấp nhận; chỉ ghi giá trị thường")
            return None
        ident = id(node)
        if ident in self.seen:  # the composer shares the node of an anchor with every alias to it
            self.problem(node, where, "không dùng neo/bí danh YAML (&tên, *tên) trong hồ sơ; hãy ghi thẳng giá trị")
            return None
        self.seen.add(ident)
        if depth > MAX_DEPTH:
            self.problem(node, where, f"cấu trúc lồng quá sâu (tối đa {MAX_DEPTH} cấp)")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, schema)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, schema, where, depth)
        items = schema.get("items")
        prefix = f"{where}." if where else ""
        return [self.build(child, items, f"{prefix}{i}", depth + 1) for i, child in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, schema: dict, where: str, depth: int) -> dict:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        props = schema.get("properties", {})
        prefix = f"{where}." if where else ""
        lines, build = self.lines, self.build
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, where, "tên trường phải là chữ (ví dụ name:), không phải danh sách hay nhóm")
                continue
            key = key_node.value
            path = prefix + key
            if key in first_line:
                self.problem(key_node, path,
                             f"trường «{key}» bị lặp (dòng {line}, đã có ở dòng {first_line[key]}); chỉ giữ một")
                continue
            first_line[key] = line
            lines[path] = line
            value = build(value_node, props.get(key), path, depth + 1)
            if value is not None:
                out[key] = value
        return out

    @staticmethod
    def _scalar(node: yaml.ScalarNode, schema: dict) -> Any:
        text = node.value.strip()
        if not text:
            return None
        if node.style:  # quoted or block: always text ("" from libyaml, None from the Python parser when plain)
            return text
        if text in _NULLS:
            return None
        kind = schema.get("type")
        if kind == "integer" and _INT.match(text):
            return int(text)
        if kind == "number" and _NUMBER.match(text):
            return float(text) if "." in text else int(text)
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        return text
