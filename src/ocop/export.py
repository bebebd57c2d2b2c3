"""Open-data exports under output/data/: three tables in CSV, JSON and JSON Lines, one XLSX workbook per provincial
unit, a Frictionless ``datapackage.json`` describing the tables and SHA-256 checksums of every file.

Tables: ``products`` (one row per product), ``certifications`` (every certification state a record has had,
from git history) and ``changes`` (every change to a record, from git). Columns of the record come from
``schema/product.schema.json`` (types, Vietnamese titles and descriptions) and ``schema/product.en.json``
(English); nothing about a field is written twice. Output is byte-for-byte reproducible: fixed column and row
order, no clock, XLSX properties and zip entries dated from the build's timestamp.

Scale: each product's lines of the products and certifications files are serialised once and kept in a
``PieceStore`` keyed by what they depend on, so after an edit the national files are put together from stored
pieces and only the edited record is serialised again; each workbook is its own output job.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import struct
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes text with
from typing import Any, Callable
from urllib.parse import urlsplit

from . import schema
from .gcpause import paused_gc
from .history import ACTIONS, History, flatten
from .lifecycle import STATUSES as STATUS_LABELS
from .cache import PieceStore
from .model import GROUPS, Product
from .output import sha256_of
from .provinces import Province
from .register import Register

FORMATS = ("csv", "json", "jsonl")
XLSX_FOLDER = "xlsx"  # data/xlsx/<province folder>.xlsx, one workbook per provincial unit
DATA_LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
# Every download, as the site's «Dữ liệu mở» page lists it.
DOWNLOADS = [
    ("data/products.csv", "Sản phẩm: mỗi dòng một sản phẩm, mọi trường của hồ sơ và giá trị tính ra (CSV, mở được bằng Excel)"),
    ("data/certifications.csv", "Lịch sử chứng nhận: mỗi trạng thái chứng nhận hồ sơ từng ghi, theo lịch sử git (CSV)"),
    ("data/changes.csv", "Lịch sử thay đổi: mỗi lần sửa một hồ sơ — khi nào, ai, trường nào (CSV)"),
    (f"data/{XLSX_FOLDER}/", "Tệp Excel theo tỉnh/thành: sản phẩm và lịch sử chứng nhận của tỉnh, kèm trang «fields» "
                             "giải thích từng cột"),
    ("data/products.json", "Bảng sản phẩm dạng JSON (cũng có certifications.json, changes.json và bản .jsonl)"),
    ("data/datapackage.json", "Mô tả gói dữ liệu (Frictionless): mọi tệp, mọi cột, kiểu, giấy phép, nguồn"),
    ("data/SHA256SUMS", "Mã băm SHA-256 của mọi tệp, kiểm tra bằng sha256sum -c SHA256SUMS"),
    ("api/v1/index.json", "API JSON tĩnh: danh sách sản phẩm và tỉnh; từng sản phẩm ở api/v1/products/<mã>.json"),
    ("api/v1/openapi.json", "Mô tả API theo OpenAPI 3.1"),
    ("feeds/thay-doi.atom.xml", "Nguồn tin Atom: các lần sửa sổ gần đây"),
]
_TYPES = {"string": "string", "integer": "integer", "number": "number", "array": "array", "boolean": "boolean"}
_MEDIA = {"csv": "text/csv", "json": "application/json", "jsonl": "application/jsonl"}


@dataclass(frozen=True)
class Column:
    """One column: Table Schema type and constraints, Vietnamese and English title and description."""

    name: str
    type: str
    title: str
    title_en: str
    description: str
    description_en: str
    get: Callable[[Any], Any]
    constraints: dict = field(default_factory=dict)

    def descriptor(self) -> dict:
        out = {"name": self.name, "type": self.type, "title": self.title, "description": self.description,
               "x-title-en": self.title_en, "x-description-en": self.description_en}
        if self.type == "date":
            out["format"] = "default"
        if self.constraints:
            out["constraints"] = self.constraints
        return out


@dataclass
class Table:
    """A table: its columns and the items its rows are made of (rows are dicts by column name, values
    JSON-ready: dates as ISO text). A table split by product gives each product's items (*of*), its products
    in register order or sorted by *order*; another table has all its *items*."""

    name: str
    title: str
    title_en: str
    description: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[dict] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    of: Callable[[Product], list] | None = None
    order: Callable[[Product], Any] | None = None

    def row(self, item: Any) -> dict:
        return {c.name: c.get(item) for c in self.columns}

    def ordered(self, products: list[Product]) -> list[Product]:
        return sorted(products, key=self.order) if self.order else products

    def items_for(self, products: list[Product]) -> list[Any]:
        """The items of these products' rows, in the table's order (every item of a table not split by product)."""
        if self.of is None:
            return self.items
        return [item for product in self.ordered(products) for item in self.of(product)]

    def schema(self, resource_suffix: str) -> dict:
        out: dict[str, Any] = {"fields": [c.descriptor() for c in self.columns], "missingValues": [""],
                               "primaryKey": self.primary_key}
        if self.foreign_keys:
            out["foreignKeys"] = [{"fields": fk["fields"], "reference": {
                "resource": f"{fk['resource']}-{resource_suffix}", "fields": fk["reference"]}} for fk in self.foreign_keys]
        return out


@lru_cache(maxsize=None)
def english() -> dict[str, dict[str, str]]:
    """English title and description of every product field path (schema/product.en.json)."""
    text = resources.files("ocop").joinpath("schema", "product.en.json").read_text("utf-8")
    return json.loads(text)["fields"]


def record_fields(node: dict | None = None, prefix: str = "") -> list[tuple[str, dict, bool]]:
    """(dotted path, sub-schema, required) of every leaf field of the product schema, in schema order."""
    node = node if node is not None else schema.load_schema("product")
    required = set(node.get("required", []))
    out = []
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        if sub.get("type") == "object":
            out.extend(record_fields(sub, path))
        else:
            out.append((path, sub, not prefix and key in required))
    return out


def _column_type(sub: dict) -> str:
    if sub.get("type") == "string" and sub.get("format") == "date":
        return "date"
    return _TYPES[sub.get("type", "string")]


def schema_column(path: str, name: str | None = None, get: Callable[[Any], Any] | None = None,
                  required: bool = False, unique: bool = False) -> Column:
    """A column documented by the product schema's field *path* (its title, description, type, enum, range)."""
    sub = dict(record_fields_by_path()[path])
    constraints: dict[str, Any] = {}
    if required:
        constraints["required"] = True
    if unique:
        constraints["unique"] = True
    if "enum" in sub:
        constraints["enum"] = sub["enum"]
    for key in ("minimum", "maximum"):
        if key in sub:
            constraints[key] = sub[key]
    # A field added to the schema without its English title still exports (with the Vietnamese text);
    # test_opendata fails until product.en.json has it.
    en = english().get(path) or {"title": sub["title"], "description": sub["description"]}
    name = name or path.replace(".", "_")
    return Column(name, _column_type(sub), sub["title"], en["title"], sub["description"], en["description"],
                  get or (lambda data, path=path: flatten(data).get(path)), constraints)


@lru_cache(maxsize=None)
def record_fields_by_path() -> dict[str, dict]:
    return {path: sub for path, sub, _ in record_fields()}


def derived(name: str, type_: str, title: str, title_en: str, description: str, description_en: str,
            get: Callable[[Any], Any], **constraints: Any) -> Column:
    return Column(name, type_, title, title_en, description, description_en, get, constraints)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- the tables --------------------------------------------------------------------------------------------

def product_table(register: Register, history: History, today: dt.date, site_url: str) -> Table:
    """One row per product: every record field, flattened, then what the register derives."""
    columns = []
    flattened: list = [None, {}]  # the product last flattened: once per product, not once per column

    def flat(product: Product) -> dict:
        if flattened[0] is not product:
            flattened[:] = [product, flatten(product.data)]
        return flattened[1]

    for path, _sub, required in record_fields():
        columns.append(schema_column(path, get=lambda p, path=path: flat(p).get(path),
                                     required=required, unique=path == "id"))
    day = today.strftime("%d/%m/%Y")

    def last(product: Product):
        changes = history.changes_of(product.id)
        return changes[0] if changes else None

    columns += [
        derived("province_name", "string", "Tên tỉnh/thành hiện nay", "Province name (current)",
                "Tên đơn vị cấp tỉnh hiện hành ứng với mã province.", "Name of the current provincial unit of province.",
                lambda p: p.province.name, required=True),
        derived("province_label", "string", "Tỉnh/thành (như hiển thị)", "Province as shown",
                "Tên tỉnh như trang web hiển thị, nêu tỉnh cũ khi đã sáp nhập, ví dụ «Bạc Liêu (nay thuộc Cà Mau)».",
                "Province as the site shows it, naming a merged former province, e.g. \"Bạc Liêu (nay thuộc Cà Mau)\".",
                lambda p: p.province_label, required=True),
        derived("group_label", "string", "Tên ngành", "Sector name", "Tên tiếng Việt của ngành.",
                "Vietnamese name of the sector.", lambda p: GROUPS.get(p.group) if p.group else None),
        derived("expires_on", "date", "Hiệu lực đến (đã tính)", "Valid until (computed)",
                "Ngày hết hiệu lực: như hồ sơ ghi, nếu không thì 36 tháng sau ngày quyết định; trống nếu không rõ.",
                "Expiry date: as recorded, else 36 months after the decision date; empty when unknown.",
                lambda p: _iso(p.expires_on)),
        derived("status_as_of", "string", f"Tình trạng tại ngày {day}", f"Status on {today.isoformat()}",
                f"Tình trạng tính tại ngày {day}: như hồ sơ ghi, hoặc hết hạn khi đã qua ngày hết hiệu lực.",
                f"Status on {today.isoformat()}: as recorded, or expired once the expiry date has passed.",
                lambda p: p.status_on(today), required=True, enum=list(STATUS_LABELS)),
        derived("last_changed", "datetime", "Lần sửa gần nhất", "Last changed",
                "Thời điểm (ISO 8601) của lần sửa hồ sơ gần nhất trong lịch sử git; trống nếu không có lịch sử.",
                "Time (ISO 8601) of the record's latest change in the git history; empty without history.",
                lambda p: last(p).date if last(p) else None),
        derived("url", "string", "Trang sản phẩm", "Product page", "Địa chỉ ổn định của trang sản phẩm.",
                "Stable address of the product's page.", lambda p: f"{site_url}/{p.url}", required=True),
    ]
    return Table("products", "Sản phẩm OCOP", "OCOP products",
                 "Mỗi dòng một sản phẩm trong sổ đăng ký: mọi trường của hồ sơ và các giá trị tính ra.",
                 columns, ["id"], of=lambda p: [p])


_CERT_FIELDS = ["stars", "certification.decision", "certification.decided_on", "certification.year",
                "certification.batch", "certification.authority", "certification.kind", "certification.expires_on",
                "status", "status_change.decision", "status_change.decided_on", "status_change.reason"]


@dataclass(frozen=True)
class CertState:
    """One certification state of a product and when the register first recorded it."""

    product_id: str
    seq: int
    values: dict
    recorded_on: str | None
    recorded_in: str | None
    superseded_on: str | None
    current: bool


def certification_states(product: Product, history: History) -> list[CertState]:
    """Every distinct certification state of a live product, oldest first: from each committed version
    of the record (followed across renames), then the record as it is now."""
    seen: list[tuple[dict, str | None, str | None]] = []
    versions = [(c.date, c.commit, data) for c, data in history.versions_of(product.id) if data is not None]
    for date, commit, data in [*versions, (None, None, product.data)]:
        flat = flatten(data)
        values = {f: flat.get(f) for f in _CERT_FIELDS}
        if seen and seen[-1][0] == values:
            continue
        seen.append((values, date, commit))
    states = []
    for i, (values, date, commit) in enumerate(seen):
        nxt = seen[i + 1][1] if i + 1 < len(seen) else None
        states.append(CertState(product.id, i + 1, values, date[:10] if date else None, commit,
                                nxt[:10] if nxt else None, i + 1 == len(seen)))
    return states


def certification_table(history: History) -> Table:
    columns = [
        derived("product_id", "string", "Mã hồ sơ", "Record id", "Mã hồ sơ sản phẩm (cột id của bảng products).",
                "Product record id (column id of the products table).", lambda s: s.product_id, required=True),
        derived("seq", "integer", "Thứ tự", "Sequence", "Thứ tự của trạng thái chứng nhận này trong hồ sơ, từ 1.",
                "Order of this certification state within the record, from 1.", lambda s: s.seq,
                required=True, minimum=1),
    ]
    for path in _CERT_FIELDS:
        columns.append(schema_column(path, get=lambda s, path=path: s.values.get(path), required=path == "status"))
    columns += [
        derived("recorded_on", "date", "Ngày ghi nhận", "Recorded on",
                "Ngày của commit đầu tiên ghi trạng thái này; trống nếu chỉ có trong bản hiện tại chưa commit hoặc không có lịch sử git.",
                "Date of the first commit recording this state; empty when only in the uncommitted record or without git history.",
                lambda s: s.recorded_on),
        derived("recorded_in", "string", "Commit ghi nhận", "Recorded in commit",
                "Mã commit git đầu tiên ghi trạng thái này.", "Git commit that first recorded this state.",
                lambda s: s.recorded_in, pattern="[0-9a-f]{40}"),
        derived("superseded_on", "date", "Ngày bị thay thế", "Superseded on",
                "Ngày trạng thái này được thay bằng trạng thái sau; trống với trạng thái hiện tại.",
                "Date this state was replaced by the next; empty for the current state.", lambda s: s.superseded_on),
        derived("current", "boolean", "Hiện hành", "Current", "true với trạng thái đang ghi trong hồ sơ.",
                "true for the state the record holds now.", lambda s: s.current, required=True),
    ]
    return Table("certifications", "Lịch sử chứng nhận", "Certification history",
                 "Mỗi dòng một trạng thái chứng nhận (hạng sao, quyết định, hiệu lực, tình trạng) mà hồ sơ từng ghi, "
                 "theo lịch sử git, cũ trước mới sau.",
                 columns, ["product_id", "seq"], [{"fields": ["product_id"], "resource": "products", "reference": ["id"]}],
                 of=lambda p: certification_states(p, history), order=lambda p: p.id)


def change_table(history: History) -> Table:
    changes = list(enumerate(history.all_changes(), 1))
    columns = [
        derived("seq", "integer", "Thứ tự", "Sequence", "Thứ tự thay đổi trong toàn sổ, cũ trước mới sau, từ 1.",
                "Order of the change in the whole register, oldest first, from 1.", lambda c: c[0],
                required=True, unique=True, minimum=1),
        derived("product_id", "string", "Mã hồ sơ", "Record id",
                "Mã hồ sơ sau thay đổi (trước khi xoá, với hồ sơ bị xoá).",
                "Record id after the change (before deletion, for a deleted record).", lambda c: c[1].id, required=True),
        derived("date", "datetime", "Thời điểm", "Date", "Thời điểm tác giả thực hiện thay đổi (ISO 8601, có múi giờ).",
                "When the author made the change (ISO 8601 with offset).", lambda c: c[1].date, required=True),
        derived("commit", "string", "Commit", "Commit", "Mã commit git chứa thay đổi.", "Git commit holding the change.",
                lambda c: c[1].commit, required=True, pattern="[0-9a-f]{40}"),
        derived("author", "string", "Người sửa", "Author", "Tên tác giả của commit.", "Name of the commit's author.",
                lambda c: c[1].author),
        derived("message", "string", "Nội dung commit", "Commit message", "Dòng tiêu đề của commit.",
                "Subject line of the commit.", lambda c: c[1].message),
        derived("action", "string", "Loại thay đổi", "Action",
                "added (thêm), modified (sửa), renamed (đổi mã), moved (chuyển thư mục tỉnh), deleted (xoá).",
                "added, modified, renamed (id changed), moved (province folder changed), deleted.",
                lambda c: c[1].action, required=True, enum=list(ACTIONS)),
        derived("old_id", "string", "Mã cũ", "Former id", "Mã hồ sơ trước khi đổi mã.", "Record id before a rename.",
                lambda c: c[1].old_id),
        derived("fields", "array", "Trường thay đổi", "Fields changed",
                "Các trường (đường dẫn dạng certification.decision) có giá trị khác trước.",
                "Fields (dotted paths such as certification.decision) whose value changed.",
                lambda c: c[1].field_names),
    ]
    return Table("changes", "Lịch sử thay đổi", "Change history",
                 "Mỗi dòng một thay đổi của một hồ sơ trong một commit git: khi nào, ai, loại thay đổi, trường nào.",
                 columns, ["seq"], items=changes)


def tables(register: Register, history: History, today: dt.date, site_url: str) -> list[Table]:
    return [product_table(register, history, today, site_url), certification_table(history), change_table(history)]


# --- writing -----------------------------------------------------------------------------------------------

def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_CSV_BUFFER = io.StringIO(newline="")
_CSV = csv.writer(_CSV_BUFFER, lineterminator="\r\n")


def _csv_lines(rows: list[list[Any]]) -> str:
    """RFC 4180 lines (CRLF ends); a writer keeps no state between rows, so lines made apart join up exactly."""
    _CSV_BUFFER.seek(0)
    _CSV_BUFFER.truncate()
    _CSV.writerows(rows)
    return _CSV_BUFFER.getvalue()


_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _jsonl_line(row: dict) -> str:
    """One JSON object on one line; the Unicode line breaks some readers split on are escaped too."""
    line = json.dumps(row, ensure_ascii=False)
    for char, escaped in _LINE_BREAKS.items():
        if char in line:
            line = line.replace(char, escaped)
    return line + "\n"


class Raw(str):
    """JSON text already written (at the indentation of where it goes): _json_value puts it in as it is."""


def _json_value(value: Any, line: str = "\n  ") -> str:
    """*value* as ``json.dumps(rows, ensure_ascii=False, indent=1)`` writes a field of a row (*line*: a new line with
    the indentation of the field's). Scalars by the C encoder's own functions, lists and objects here: with an
    indent, json.dumps runs its pure-Python encoder, slower, and leaving a reference cycle behind at each call
    (garbage that piles up while collection is paused)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is Raw:
        return value
    if kind is int or (kind is float and math.isfinite(value)):
        return kind.__repr__(value)
    if kind is float:
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    inner = line + " "
    if kind is list or kind is tuple:
        brackets, items = "[]", (_json_value(v, inner) for v in value)
    elif kind is dict and all(type(k) is str for k in value):
        brackets, items = "{}", (f"{encode_basestring(k)}: {_json_value(v, inner)}" for k, v in value.items())
    else:
        return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", line)
    return f"{brackets[0]}{inner}{(',' + inner).join(items)}{line}{brackets[1]}" if value else brackets


_FIELD_HEADS: dict[tuple[str, int], str] = {}  # (field name, depth) -> its indented, quoted name and ": "


def _json_element(row: dict, depth: int = 1) -> str:
    """*row* as an element of ``json.dumps(rows, ensure_ascii=False, indent=1)``, *depth* levels in. Texts and
    empty values are written here (most of a table's cells), the rest by _json_value; every row of a table names
    the same fields, quoted once."""
    outer, line = " " * depth, "\n" + " " * (depth + 1)
    heads, parts = _FIELD_HEADS, []
    for key, value in row.items():
        head = heads.get((key, depth))
        if head is None:
            head = heads[key, depth] = f"{line[1:]}{encode_basestring(key)}: "
        kind = type(value)
        if kind is str:
            parts.append(head + encode_basestring(value))
        elif value is None:
            parts.append(head + "null")
        else:
            parts.append(head + _json_value(value, line))
    return f"{outer}{{\n" + ",\n".join(parts) + f"\n{outer}}}"


def serialised(table: Table, items: list[Any]) -> tuple[bytes, bytes, bytes]:
    """The rows of *items* as pieces of the table's files: (CSV lines, JSON array elements joined by ",\\n",
    JSON Lines). Pieces of consecutive rows join into the files (see table_files)."""
    rows = [table.row(item) for item in items]
    return (_csv_lines([[_csv_cell(v) for v in row.values()] for row in rows]).encode("utf-8"),
            ",\n".join(map(_json_element, rows)).encode("utf-8"),
            "".join(map(_jsonl_line, rows)).encode("utf-8"))


def table_files(table: Table, pieces: list[tuple]) -> dict[str, list[bytes]]:
    """The table's CSV (UTF-8 with a BOM, so Excel reads Vietnamese; lists as JSON arrays), JSON array (exactly
    ``json.dumps(rows, ensure_ascii=False, indent=1)``) and JSON Lines, from the pieces of its rows in order.
    Each file is the list of its chunks, never joined: the pieces are written out one after another.
    An empty table has no JSON files: there is no header to read (Frictionless cannot check one)."""
    header = _csv_lines([[c.name for c in table.columns]])
    files = {f"{table.name}.csv": [("\ufeff" + header).encode("utf-8"), *(p[0] for p in pieces)]}
    elements = [p[1] for p in pieces if len(p[1])]
    if elements:
        array = [b",\n"] * (2 * len(elements) + 1)
        array[0], array[1::2], array[-1] = b"[\n", elements, b"\n]\n"
        files[f"{table.name}.json"] = array
        files[f"{table.name}.jsonl"] = [p[2] for p in pieces]
    return files


def json_bytes(value: Any) -> bytes:
    """*value* as ``json.dumps(value, ensure_ascii=False, indent=1)`` and a newline, byte for byte, written by
    _json_value (json.dumps with an indent runs its pure-Python encoder: 20,000 API documents a build)."""
    return (_json_value(value, "\n") + "\n").encode("utf-8")


def _xlsx_cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.type == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


def normalised_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip archive with every entry dated *when*, made on Unix, readable by all (reproducible bytes).

    Its headers are rewritten in place: the compressed data is left as it is, not compressed a second time."""
    stamp = max(when.astimezone(dt.timezone.utc).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    dos_time = (stamp[3] << 11) | (stamp[4] << 5) | (stamp[5] // 2)
    dos_date = ((stamp[0] - 1980) << 9) | (stamp[1] << 5) | stamp[2]
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries, at = len(archive.infolist()), archive.start_dir
        for info in archive.infolist():  # local headers: time, date
            struct.pack_into("<HH", out, info.header_offset + 10, dos_time, dos_date)
    for _ in range(entries):  # central directory: made by (Unix), time, date, attributes
        if out[at:at + 4] != b"PK\x01\x02":
            raise ValueError("zip central directory not where the archive says")
        made = struct.unpack_from("<H", out, at + 4)[0]
        struct.pack_into("<H", out, at + 4, (3 << 8) | (made & 0xFF))
        struct.pack_into("<HH", out, at + 12, dos_time, dos_date)
        struct.pack_into("<I", out, at + 38, 0o644 << 16)
        name, extra, comment = struct.unpack_from("<HHH", out, at + 28)
        at += 46 + name + extra + comment
    return bytes(out)


def xlsx_path(province: Province) -> str:
    """Where a provincial unit's workbook goes under data/: ``xlsx/68-lam-dong.xlsx``."""
    return f"{XLSX_FOLDER}/{province.folder}.xlsx"


@paused_gc()
def xlsx_bytes(sheets: list[Table], products: list[Product], province: Province, when: dt.datetime,
               as_of: dt.date) -> bytes:
    """One unit's workbook: a sheet per table with these products' rows (text stays text, never a formula;
    dates are dates), then a sheet documenting every column. Written with XlsxWriter (twice openpyxl's speed)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold, day = book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd"})
    for table in sheets:
        sheet = book.add_worksheet(table.name)
        sheet.freeze_panes(1, 1)
        sheet.write_row(0, 0, [c.name for c in table.columns], bold)
        # Each value by its type's own writer, text always as text: XlsxWriter's undecorated writers (its own fast
        # path; the public ones only add the parsing of "A1" cell names), a fifth of the time of a national build's
        # workbooks. XlsxWriter is pinned; tests read every workbook back.
        writers = {str: sheet._write_string, int: sheet._write_number, float: sheet._write_number,
                   bool: sheet._write_boolean, dt.date: lambda r, c, value: sheet._write_datetime(r, c, value, day)}
        for n, item in enumerate(table.items_for(products), 1):
            row = table.row(item)
            for i, column in enumerate(table.columns):
                value = _xlsx_cell(column, row[column.name])
                if value is not None:
                    writers.get(type(value), sheet.write)(n, i, value)
    doc = book.add_worksheet("fields")
    doc.write_row(0, 0, ["table", "column", "type", "tiêu đề", "title", "mô tả", "description"], bold)
    n = 0
    for table in sheets:
        for c in table.columns:
            n += 1
            doc.write_row(n, 0, [table.name, c.name, c.type, c.title, c.title_en, c.description, c.description_en])
    book.set_properties({
        "author": "Sổ đăng ký OCOP mở",
        "title": f"Sổ đăng ký sản phẩm OCOP — {province.name} — dữ liệu mở (tình trạng tính đến {as_of.isoformat()})",
        "created": when.astimezone(dt.timezone.utc).replace(tzinfo=None),
    })
    book.close()
    return normalised_zip(buffer.getvalue(), when)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def size_and_sha256(chunks: list[bytes]) -> tuple[int, str]:
    """Length and SHA-256 of the file made of *chunks*."""
    return sum(map(len, chunks)), sha256_of(chunks)


def source_hosts(product: Product) -> list[str]:
    """The publisher (host name) of each page the record cites."""
    return [host for host in (urlsplit(u).hostname for u in product.sources) if host]


def source_list(register: Register, hosts: Counter) -> list[dict]:
    """Attribution: every publisher whose pages the records cite (*hosts*: how many pages), and the province list."""
    out = [{"title": f"{host} ({n} nguồn được dẫn trong cột sources)", "path": f"https://{host}/"}
           for host, n in sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0])) if host]
    for text in sorted({p.source for p in register.provinces}):
        out.append({"title": f"Danh mục đơn vị hành chính cấp tỉnh: {text}"})
    return out


def datapackage(all_tables: list[Table], sums: dict[str, tuple[int, str]], register: Register, hosts: Counter,
                when: dt.datetime, as_of: dt.date, site_url: str, commit: str | None) -> dict:
    """The Frictionless data package describing every table file, with sizes and SHA-256 hashes (*sums*).

    The provincial workbooks are not resources: each is a slice of the products and certifications tables the
    CSV/JSON resources already describe, and as resources they would repeat both schemas 34 times over. Their
    columns are documented in their own «fields» sheet; SHA256SUMS pins them.
    """
    resources_ = []
    for table in all_tables:
        for fmt in FORMATS:
            path = f"{table.name}.{fmt}"
            if path not in sums:
                continue
            resource: dict[str, Any] = {
                "name": f"{table.name}-{fmt}", "type": "table", "path": path, "format": fmt,
                "mediatype": _MEDIA[fmt], "title": f"{table.title} ({fmt.upper()})", "x-title-en": table.title_en,
                "description": table.description, "bytes": sums[path][0], "hash": f"sha256:{sums[path][1]}",
            }
            if fmt == "json":
                # Frictionless streams JSON through ijson and cannot count its bytes (it would report a
                # byte-count error); the SHA-256 hash here and in SHA256SUMS still pins the file.
                del resource["bytes"]
            if fmt == "csv":
                resource["encoding"] = "utf-8"
                resource["x-note"] = "UTF-8 có BOM để Excel đọc đúng tiếng Việt; danh sách ghi dạng mảng JSON."
            else:
                resource["encoding"] = "utf-8"
            resource["schema"] = table.schema(fmt)
            resources_.append(resource)
    return {
        "name": "ocop-register",
        "title": "Sổ đăng ký sản phẩm OCOP mở",
        "x-title-en": "Open register of Vietnam's OCOP products (One Commune One Product)",
        "description": ("Các sản phẩm OCOP (Mỗi xã một sản phẩm) của Việt Nam, tổng hợp từ các nguồn công bố chính thức "
                        "và báo chí; mỗi hồ sơ ghi rõ nguồn. Tình trạng hiệu lực tính đến ngày "
                        f"{as_of.strftime('%d/%m/%Y')}."),
        "homepage": f"{site_url}/",
        "created": when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["OCOP", "Mỗi xã một sản phẩm", "One Commune One Product", "Việt Nam", "nông sản"],
        "licenses": [DATA_LICENSE],
        "x-citation": (f"Sổ đăng ký OCOP mở, dữ liệu tại commit {commit or 'không rõ'}, {site_url}/data/datapackage.json "
                       "(CC BY 4.0), cùng các nguồn ghi trong từng hồ sơ."),
        "x-commit": commit,
        "x-as-of": as_of.isoformat(),
        "x-counts": {"products": len(register.products)},
        "sources": source_list(register, hosts),
        "resources": resources_,
    }


@paused_gc()
def data_files(register: Register, history: History, today: dt.date, site_url: str, when: dt.datetime,
               store: PieceStore | None = None) -> tuple[dict[str, list[bytes]], dict[str, str]]:
    """The files of output/data/ by name (as its chunks, see table_files): the tables and datapackage.json (not the
    workbooks, nor SHA256SUMS: see sha256sums), and their SHA-256 by name. Each product's pieces (its rows in each
    file, the hosts it cites) come from *store* when it holds them for the same inputs."""
    store = store or PieceStore(None, "")
    products, certifications, changes = tables(register, history, today, site_url)
    context = f"|{today}|{site_url}".encode()
    pieces = {}
    for product in register.products:
        key = hashlib.sha1(f"{history.key_of(product)}|".encode() + context).hexdigest()
        got = store.get(key)
        if got is None:
            got = (*serialised(products, [product]), *serialised(certifications, certifications.of(product)),
                   "\n".join(source_hosts(product)).encode())
            store.put(key, got)
        pieces[product.id] = got
    files = table_files(products, [pieces[p.id][:3] for p in products.ordered(register.products)])
    files |= table_files(certifications, [pieces[p.id][3:6] for p in certifications.ordered(register.products)])
    hosts = Counter(host for got in pieces.values() if len(got[6]) for host in bytes(got[6]).decode().split("\n"))
    key = "changes-" + hashlib.sha1("|".join(c.sha for c in history.commits).encode()).hexdigest()
    got = store.get(key)
    if got is None:
        got = serialised(changes, changes.items)
        store.put(key, got)
    files |= table_files(changes, [got])
    store.save()
    sums = {name: size_and_sha256(chunks) for name, chunks in files.items()}
    package = datapackage([products, certifications, changes], sums, register, hosts, when, today, site_url,
                          history.head)
    files["datapackage.json"] = [json_bytes({k: v for k, v in package.items() if v is not None})]
    digests = {name: digest for name, (_, digest) in sums.items()}
    digests["datapackage.json"] = sha256(files["datapackage.json"][0])
    return files, digests


def sha256sums(digests: dict[str, str]) -> bytes:
    """SHA256SUMS (as ``sha256sum`` writes and checks it) of the files named in *digests* (name: SHA-256)."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items())).encode()
