"""Build ``content/products/`` from the table of real, published OCOP products (real_products.csv).

The table is as messy as its sources: stars such as ``4 (công nhận lại)`` or ``tiềm năng 5 sao (92 điểm)``,
years such as ``2022 (đợt 1; công bố 07/2023)``, decisions written as sentences. Each small function below
turns one column into record fields and never invents a value: what the source does not say is left out,
and every value that was not already in canonical form is kept verbatim under ``as_published``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import yaml

from ..model import GROUPS
from ..register import load_provinces
from ..report import Report
from ..vntext import fold, nfc, slugify
from ..yamlwrite import dump, write_atomic

MAX_ID = 70
KEY_ORDER = ("id", "former_ids", "name", "province", "province_at_recognition", "district", "commune", "address",
             "group", "subgroup", "product_set", "stars", "proposed_stars", "score", "producer", "certification", "history",
             "status", "status_change", "sources", "as_published")
AS_PUBLISHED_ORDER = ("ref", "stars", "year", "decision", "status", "group", "producer_kind", "note")

# Names of the 26 product sets of Decision 148/QĐ-TTg (column bo_san_pham of product_groups_148.csv).
PRODUCT_SETS = (
    "Rau, củ, quả, hạt tươi", "Thịt, thủy sản, trứng, sữa tươi", "Gạo, ngũ cốc, hạt sơ chế khác",
    "Mật ong, mật khác và nông sản thực phẩm khác", "Đồ ăn nhanh", "Chế biến từ gạo, ngũ cốc",
    "Chế biến từ rau, củ, quả, hạt", "Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong",
    "Tương, nước mắm, gia vị dạng lỏng khác", "Gia vị khác", "Chè tươi, chè chế biến",
    "Sản phẩm trà từ thực vật khác", "Sản phẩm cà phê, ca cao", "Rượu trắng", "Đồ uống có cồn khác",
    "Nước khoáng thiên nhiên, nước uống tinh khiết đóng chai", "Đồ uống không cồn khác",
    "Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền", "Mỹ phẩm có thành phần từ thảo dược",
    "Tinh dầu và thảo dược khác", "Thủ công mỹ nghệ gia dụng, trang trí", "Vải, may mặc", "Hoa", "Cây cảnh",
    "Động vật cảnh", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
)

# Group text as written in sources -> group code; matched on the start of the folded text.
GROUP_PREFIXES = (
    ("thuc pham", "thuc-pham"), ("do uong", "do-uong"), ("duoc lieu", "duoc-lieu"),
    ("hang thu cong my nghe", "thu-cong-my-nghe"), ("thu cong my nghe", "thu-cong-my-nghe"),
    ("sinh vat canh", "sinh-vat-canh"), ("dich vu du lich", "du-lich"),
)
CANONICAL_GROUPS = frozenset({label.lower() for label in GROUPS.values()} | {"hàng thủ công mỹ nghệ"})

PRODUCER_KINDS = {"doanh nghiệp": "doanh-nghiep", "htx": "htx", "hợp tác xã": "htx", "tổ hợp tác": "to-hop-tac",
                  "tht": "to-hop-tac", "hộ kinh doanh": "ho-kinh-doanh", "hộ kinh doanh/cơ sở": "ho-kinh-doanh",
                  "cơ sở": "ho-kinh-doanh"}
CANONICAL_PRODUCER_KINDS = frozenset({"doanh nghiệp", "HTX", "tổ hợp tác", "hộ kinh doanh"})
# Start of a producer's name (lower case, with diacritics) -> kind, tried in order.
PRODUCER_NAME_PREFIXES = (
    ("htx ", "htx"), ("hợp tác xã", "htx"), ("công ty", "doanh-nghiep"), ("doanh nghiệp", "doanh-nghiep"),
    ("tổ hợp tác", "to-hop-tac"), ("tht ", "to-hop-tac"), ("hộ kinh doanh", "ho-kinh-doanh"),
    ("cơ sở", "ho-kinh-doanh"), ("hộ ", "ho-kinh-doanh"),
)

# Star qualifiers, tried in order: a proposal is never a recognition.
PROPOSAL_MARKERS = ("đề xuất", "đề nghị", "trình", "tiềm năng")
KIND_MARKERS = (("nâng hạng", "upgrade"), ("đánh giá lại", "re-evaluation"), ("công nhận lại", "re-evaluation"),
                ("tái công nhận", "re-evaluation"), ("lần đầu", "first"))

_VN_UPPER = "A-ZÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA) if chr(c).isupper())
_NAME = rf"[{_VN_UPPER}]\w*(?: [{_VN_UPPER}]\w*)*"
_AUTHORITY = rf"(?:UBND (?:tỉnh|TP|thành phố|huyện|thị xã|quận) {_NAME}|Bộ [A-ZĐ][A-ZĐ&]*)"
_NUMBER = r"\d+/QĐ-[A-ZĐ0-9&]+(?:-[A-ZĐ0-9&]+)*"
_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
_MENTION = re.compile(
    rf"(?P<ref>\btheo\s+)?"
    rf"(?:(?:(?:QĐ|Quyết định)\s+(?:số\s+)?)?(?P<number>{_NUMBER})"
    rf"|(?<![\w/])(?:QĐ|Quyết định)(?:\s+số\s+(?P<short>\d+)\b(?!/))?(?:\s+(?P<auth1>{_AUTHORITY}))?)"
    rf"(?:\s*\((?P<auth2>{_AUTHORITY})[^)]*\))?"
    rf"(?:\s+ngày\s+(?P<date>{_DATE}))?"
    rf"(?:\s*\((?P<auth3>{_AUTHORITY})[^)]*\))?"
)
_PLACE_NOTE = re.compile(rf"^(?:thôn|ấp|khóm|xóm|bản|làng|khu phố|tổ dân phố|tổ) [{_VN_UPPER}0-9]\S*(?: [{_VN_UPPER}0-9]\S*)*$")
_URL = re.compile(r"https?://[^\s;]+")
_GITHUB_REF = re.compile(r"^github\s+([\w.-]+/[\w.-]+):\s*(\S+)")


def read_rows(path: Path) -> list[dict]:
    """Rows of the CSV, every cell NFC-normalised and stripped."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: nfc((v or "").strip()) for k, v in row.items()} for row in csv.DictReader(handle)]


def _number(text: str) -> int | float:
    """``95,64`` -> 95.64, ``94`` -> 94."""
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def parse_score(text: str) -> dict | None:
    """The one score stated in *text*: ``A31/B24/C38`` -> a/b/c, ``94 điểm`` -> total; a range -> None."""
    num = r"(\d+(?:[.,]\d+)?)"
    parts = re.search(rf"A\s*{num}\s*/\s*B\s*{num}\s*/\s*C\s*{num}", text)
    if parts:
        return {"a": _number(parts[1]), "b": _number(parts[2]), "c": _number(parts[3])}
    if re.search(rf"\d\s*[-–]\s*{num}\s*điểm", text):
        return None
    totals = {_number(t) for t in re.findall(rf"{num}(?:\s*/\s*100)?\s*điểm", text)}
    return {"total": totals.pop()} if len(totals) == 1 else None


def parse_stars(raw: str) -> dict:
    """Star fields of a stars cell: ``stars``/``kind`` for a recognition, ``proposed_stars``/``score`` for a proposal."""
    if not raw:
        return {}
    if re.fullmatch(r"[345]", raw):
        return {"stars": int(raw)}
    potential = re.fullmatch(r"tiềm năng ([45]) sao(?:\s*\((.*)\))?", raw)
    level = re.fullmatch(r"([345])\s*\((.*)\)", raw)
    if not (potential or level):
        raise ValueError(f"hạng sao không đọc được: {raw!r}")
    stars, qualifier = int((potential or level)[1]), ((potential or level)[2] or "")
    if potential or any(marker in qualifier.lower() for marker in PROPOSAL_MARKERS):
        score = parse_score(qualifier)
        return {"proposed_stars": stars, **({"score": score} if score else {})}
    for marker, kind in KIND_MARKERS:
        if marker in qualifier.lower():
            return {"stars": stars, "kind": kind}
    raise ValueError(f"hạng sao không đọc được: {raw!r}")


def note_stars(note: str) -> dict:
    """Star levels a collector's note states: ``4 sao, tiềm năng 5 sao`` -> stars 4, proposed_stars 5."""
    found = {}
    current = re.match(r"([345]) sao\b", note)
    if current:
        found["stars"] = int(current[1])
    proposed = re.search(r"(?:tiềm năng|proposed for) ([45]) sao\b", note)
    if proposed:
        found["proposed_stars"] = int(proposed[1])
    return found


def parse_year(raw: str) -> tuple[int | None, str | None]:
    """(year, batch) of a year cell: ``2022 (đợt 1; công bố 07/2023)`` -> (2022, "đợt 1"); a proposal -> (None, None)."""
    match = re.match(r"(\d{4})\b(.*)", raw)
    if not match or "đề nghị" in match[2]:
        return None, None
    batch = re.search(r"đợt\s*(\d+)", match[2], re.IGNORECASE)
    return int(match[1]), (f"đợt {batch[1]}" if batch else None)


def batch_in_text(text: str, year: int | None) -> str | None:
    """``đợt N`` of *year* named in free text (``đợt 2 năm 2020``, ``năm 2024 (đợt 3)``, ``2025 đợt 1``)."""
    if year is None:
        return None
    patterns = (r"đợt\s*(?P<n>\d+)\s*năm\s*(?P<y>\d{4})", r"năm\s*(?P<y>\d{4})\s*\(đợt\s*(?P<n>\d+)\)",
                r"(?P<y>\d{4})\s*đợt\s*(?P<n>\d+)")
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if int(match["y"]) == year:
                return f"đợt {match['n']}"
    return None


def _iso(date_text: str) -> str:
    """``23/12/2019`` -> ``2019-12-23`` (raises on an impossible date)."""
    day, month, year = (int(p) for p in date_text.split("/"))
    return dt.date(year, month, day).isoformat()


def decision_mentions(text: str) -> list[dict]:
    """Every decision the text refers to (number, date, authority), skipping ``theo …`` references to rules."""
    mentions = []
    for match in _MENTION.finditer(text):
        if match["ref"]:
            continue
        mention = {"decision": match["number"], "decided_on": _iso(match["date"]) if match["date"] else None,
                   "authority": match["auth1"] or match["auth2"] or match["auth3"]}
        if any(mention.values()) or match["short"]:
            mentions.append({k: v for k, v in mention.items() if v})
    return mentions


def leading_authority(text: str) -> str | None:
    """Authority named as the subject at the start of the text (``UBND TP Đà Nẵng, công bố …``)."""
    match = re.match(_AUTHORITY, text)
    return match[0] if match else None


def parse_decision(text: str) -> dict:
    """Recognition decision in a decision cell: ``decision``, ``decided_on``, ``authority`` (what it states)."""
    found: dict = {}
    for mention in decision_mentions(text):
        for key, value in mention.items():
            found.setdefault(key, value)
    authority = found.get("authority") or leading_authority(text)
    ordered = {"decision": found.get("decision"), "decided_on": found.get("decided_on"), "authority": authority}
    return {k: v for k, v in ordered.items() if v}


def is_status_change_text(text: str) -> bool:
    """True when a decision cell records a revocation or withdrawal rather than a recognition."""
    return text.lower().startswith("thu hồi") or "khỏi danh sách" in text.lower()


def parse_status_change(text: str) -> dict:
    """Number and date of the revocation/withdrawal decision: the first one the text names."""
    mentions = decision_mentions(text)
    first = mentions[0] if mentions else {}
    return {k: first[k] for k in ("decision", "decided_on") if k in first}


def parse_status(raw: str) -> tuple[str, str | None]:
    """(status, reason) of a status cell: ``loại khỏi danh sách (X)`` -> ("withdrawn", "X")."""
    text = raw.lower()
    if not text:
        return "active", None
    for start, status in (("thu hồi", "revoked"), ("hết hạn", "expired"), ("loại khỏi danh sách", "withdrawn")):
        if text.startswith(start):
            reason = re.search(r"\((.+)\)\s*$", raw)
            return status, (reason[1] if reason else None)
    raise ValueError(f"tình trạng không đọc được: {raw!r}")


def product_set_of(name: str) -> int | None:
    """Number (1–26) of the Decision 148 product set called *name*."""
    for number, set_name in enumerate(PRODUCT_SETS, start=1):
        if fold(set_name) == fold(name):
            return number
    return None


def map_group(raw: str) -> dict:
    """Group fields of a group cell: ``thực phẩm (gia vị)`` -> group thuc-pham, subgroup "Gia vị"."""
    folded = fold(raw)
    for prefix, group in GROUP_PREFIXES:
        if folded.startswith(prefix):
            break
    else:
        return {}
    rest = raw[len(prefix):].strip()
    fields: dict = {"group": group}
    sub = re.fullmatch(r"\((.+)\)", rest)
    if sub:
        fields["subgroup"] = sub[1][:1].upper() + sub[1][1:]
    product_set = re.fullmatch(r"/\s*bộ\s+(.+)", rest)
    if product_set and product_set_of(product_set[1]):
        fields["product_set"] = product_set_of(product_set[1])
    return fields


def map_producer_kind(entity_type: str, entity: str = "") -> str | None:
    """Producer kind from the stated type, else from how the producer's name starts."""
    if entity_type:
        return PRODUCER_KINDS.get(entity_type.lower())
    name = entity.lower()
    for prefix, kind in PRODUCER_NAME_PREFIXES:
        if name.startswith(prefix):
            return kind
    return None


def is_placeholder(entity: str) -> bool:
    """True for a collector's stand-in such as ``(một HTX ở huyện Nam Đàn - tên không nêu)``, not a name."""
    return entity.startswith("(") and entity.endswith(")")


def build_producer(entity: str, entity_type: str) -> dict:
    """``producer`` of a row: its name (unless a stand-in) and kind."""
    producer = {}
    if entity and not is_placeholder(entity):
        producer["name"] = entity
    kind = map_producer_kind(entity_type, "" if is_placeholder(entity) else entity)
    if kind:
        producer["kind"] = kind
    return producer


def parse_note(note: str) -> dict:
    """What a note says: ``address``, ``reason``, ``urls`` and the ``note`` kept verbatim otherwise."""
    if not note:
        return {}
    address = re.fullmatch(r"address:\s*(.+)", note)
    if address:
        return {"address": address[1]}
    if _PLACE_NOTE.match(note):
        return {"address": note}
    reason = re.fullmatch(r"reason:\s*(.+)", note)
    if reason:
        return {"reason": reason[1]}
    urls = [u.rstrip(".,)") for u in _URL.findall(note)]
    return {"note": note, **({"urls": urls} if urls else {})}


def parse_sources(source_url: str) -> list[str]:
    """Web addresses in a source cell (``a ; b``); ``github owner/repo: path`` becomes its GitHub address."""
    sources = []
    for part in (p.strip() for p in source_url.split(" ; ")):
        github = _GITHUB_REF.match(part)
        if re.fullmatch(r"https?://\S+", part):
            sources.append(part)
        elif github:
            sources.append(f"https://github.com/{github[1]}/blob/HEAD/{github[2]}")
        elif part:
            raise ValueError(f"nguồn không phải địa chỉ web: {part!r}")
    return sources


def province_at_recognition(row: dict) -> str:
    """Code of the province at recognition: the 63-unit code, or the new unit for a post-merger row."""
    if row["province_code_63"]:
        return row["province_code_63"]
    if "sau sáp nhập" in row["province_at_time"]:
        return row["province_code_34"]
    raise ValueError(f"{row['id']}: thiếu mã tỉnh khi công nhận")


def star_fields(row: dict, notes: dict) -> dict:
    """stars, proposed_stars, score and certification kind from the stars cell and the note."""
    fields = parse_stars(row["stars"])
    from_note = note_stars(notes.get("note", ""))
    if "stars" not in fields and "proposed_stars" not in fields and "stars" in from_note:
        fields["stars"] = from_note["stars"]
    proposed = from_note.get("proposed_stars")
    if "proposed_stars" not in fields and proposed and proposed > fields.get("stars", 0):
        fields["proposed_stars"] = proposed
    return fields


def certification_fields(row: dict, kind: str | None) -> dict:
    """``certification`` of a row: the recognition decision, year, batch, authority and kind."""
    year, batch = parse_year(row["year"])
    decision = {} if is_status_change_text(row["decision"]) else parse_decision(row["decision"])
    batch = batch or batch_in_text(row["decision"], year)
    cert = {"decision": decision.get("decision"), "decided_on": decision.get("decided_on"), "year": year,
            "batch": batch, "authority": decision.get("authority"), "kind": kind}
    return {k: v for k, v in cert.items() if v is not None}


def status_fields(row: dict, notes: dict) -> tuple[str, dict]:
    """(status, status_change) of a row; reasons come from the status cell and ``reason:`` notes."""
    status, reason = parse_status(row["status"])
    if status == "active":
        return status, {}
    change = parse_status_change(row["decision"]) if is_status_change_text(row["decision"]) else {}
    reasons = [r for r in (reason, notes.get("reason")) if r]
    if reasons:
        change["reason"] = "; ".join(reasons)
    return status, change


def as_published_fields(row: dict, notes: dict) -> dict:
    """Raw values kept for comparison: the ref always, other cells when not already canonical."""
    entity = row["entity"]
    note = notes.get("note")
    if is_placeholder(entity):
        note = "; ".join(n for n in (note, f"entity: {entity}") if n)
    raw = {
        "ref": row["id"],
        "stars": row["stars"] if row["stars"] and not row["stars"].isdigit() else None,
        "year": row["year"] if row["year"] and not re.fullmatch(r"\d{4}", row["year"]) else None,
        "decision": row["decision"] or None,
        "status": row["status"] or None,
        "group": row["group"] if row["group"] and row["group"].lower() not in CANONICAL_GROUPS else None,
        "producer_kind": (row["entity_type"] if row["entity_type"]
                          and row["entity_type"] not in CANONICAL_PRODUCER_KINDS else None),
        "note": note,
    }
    return {k: raw[k] for k in AS_PUBLISHED_ORDER if raw[k]}


def build_record(row: dict, record_id: str) -> dict:
    """The product record of one CSV row, keys in register order, empty fields left out."""
    notes = parse_note(row["note"])
    if notes.get("reason") and not row["status"]:
        notes = {"note": row["note"]}
    stars = star_fields(row, notes)
    status, change = status_fields(row, notes)
    sources = parse_sources(row["source_url"])
    sources += [u for u in notes.get("urls", []) if u not in sources]
    record = {
        "id": record_id, "name": row["product_name"], "province": row["province_code_34"],
        "province_at_recognition": province_at_recognition(row), "district": row["district"],
        "commune": row["commune"], "address": notes.get("address"), **map_group(row["group"]),
        "stars": stars.get("stars"), "proposed_stars": stars.get("proposed_stars"), "score": stars.get("score"),
        "producer": build_producer(row["entity"], row["entity_type"]),
        "certification": certification_fields(row, stars.get("kind")), "status": status, "status_change": change,
        "sources": sources, "as_published": as_published_fields(row, notes),
    }
    return {k: record[k] for k in KEY_ORDER if record.get(k) not in (None, "", {}, [])}


def base_id(province_code: str, name: str) -> str:
    """``<province>-<slug of name>``, the slug cut at a hyphen so the id stays within MAX_ID characters."""
    slug = slugify(name)
    room = MAX_ID - len(province_code) - 1
    if len(slug) > room:
        cut = slug[:room + 1].rfind("-")
        slug = slug[:cut] if cut > 0 else slug[:room]
    return f"{province_code}-{slug}" if slug else ""


def product_groups(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped by product (same current unit, same name ignoring case and diacritics), oldest first.

    A product re-recognised after 36 months appears once per recognition in the sources.
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["province_code_34"], fold(row["product_name"])), []).append(row)
    return [sorted(g, key=lambda r: (parse_year(r["year"])[0] or 0, r["id"])) for g in groups.values()]


def earlier_recognitions(note: str) -> list[dict]:
    """Earlier recognitions a note mentions: ``also 4 sao 2021``, ``also among 4-sao list of 2021`` -> history."""
    found = re.search(r"also (?:among )?([345])[ -]sao(?: list of)? (\d{4})", note)
    return [{"year": int(found[2]), "stars": int(found[1])}] if found else []


def history_entry(record: dict) -> dict:
    """The decision of an older record, as an item of a newer record's ``history``."""
    cert = record.get("certification", {})
    keys = ("decision", "decided_on", "year", "batch", "authority", "kind", "expires_on")
    entry = {k: cert[k] for k in keys if k in cert}
    for key in ("stars", "score"):
        if key in record:
            entry[key] = record[key]
    return entry


def merge_records(records: list[dict]) -> dict:
    """One record for a product from its records oldest first: the newest is current, earlier ones history."""
    merged = dict(records[-1])
    for older in reversed(records[:-1]):  # facts only an older source gave are kept
        for key in ("district", "commune", "address", "group", "subgroup", "product_set"):
            if key in older and key not in merged:
                merged[key] = older[key]
        producer = {**older.get("producer", {}), **merged.get("producer", {})}
        if producer:
            merged["producer"] = producer
    history = [history_entry(r) for r in records[:-1]]
    notes = [h for h in earlier_recognitions(merged.get("as_published", {}).get("note", ""))
             if not any(e.get("year") == h["year"] for e in history)]
    history = sorted(history + notes, key=lambda h: (h.get("decided_on") or "", h.get("year") or 0))
    if not history:
        return merged
    merged["history"] = history
    cert = dict(merged.get("certification", {}))
    before, now = history[-1].get("stars"), merged.get("stars")
    if "kind" not in cert and before and now:
        cert["kind"] = "re-evaluation" if now == before else "upgrade" if now > before else "downgrade"
    merged["certification"] = cert
    merged["sources"] = list(dict.fromkeys(u for r in records for u in r["sources"]))
    published: dict[str, str] = {}
    for record in records:
        for key, value in record.get("as_published", {}).items():
            published.setdefault(key, [])
            published[key].append((record["as_published"]["ref"], value))
    merged["as_published"] = {
        key: ", ".join(v for _, v in values) if key == "ref" else
        (values[0][1] if len({v for _, v in values}) == 1 else " | ".join(f"{ref}: {v}" for ref, v in values))
        for key, values in published.items()}
    return {k: merged[k] for k in KEY_ORDER if k in merged}


def choose_id(row: dict, taken: set[str], known: dict[str, str]) -> str:
    """Id for *row*: the id already given to its ref, else the base id, else base id + ``-<ref>``."""
    if row["id"] in known:
        return known[row["id"]]
    base = base_id(row["province_code_34"], row["product_name"])
    suffixed = f"{base}-{row['id'].lower()}" if base else f"{row['province_code_34']}-{row['id'].lower()}"
    for candidate in (base, suffixed):
        if candidate and candidate not in taken:
            return candidate
    raise ValueError(f"{row['id']}: id «{suffixed}» đã được dùng")


def existing_records(products_dir: Path) -> dict[Path, tuple[str, str | None, list[str]]]:
    """Each product file already written: path -> (id, as_published.ref, former_ids)."""
    found = {}
    for path in sorted(products_dir.rglob("*.yaml")) if products_dir.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        if isinstance(data, dict) and data.get("id"):
            ref = (data.get("as_published") or {}).get("ref")
            former = data.get("former_ids")
            found[path] = (str(data["id"]), str(ref) if ref else None,
                           [str(f) for f in former] if isinstance(former, list) else [])
    return found


def _refs(ref: str | None) -> list[str]:
    """The CSV ids a record was made from (``RP0053, RP0065``)."""
    return [r.strip() for r in ref.split(",")] if ref else []


def write_all(csv_path: Path, content_dir: Path) -> int:
    """Write one record per CSV row into content_dir/products/<province folder>/<id>.yaml; returns how many."""
    report = Report()
    provinces = load_provinces(content_dir / "provinces", report)
    if not report.ok:
        raise ValueError("\n".join(str(p) for p in report.problems))
    products_dir = content_dir / "products"
    existing = existing_records(products_dir)
    known = {r: ident for ident, ref, _ in existing.values() for r in _refs(ref)}
    ids_of: dict[str, list[str]] = {}  # a source row -> every record made of it (two, until merged into one)
    paths_of: dict[str, list[Path]] = {}
    for path, (ident, ref, _) in existing.items():
        for r in _refs(ref):
            ids_of.setdefault(r, []).append(ident)
            paths_of.setdefault(r, []).append(path)
    formers = {ident: former for ident, _, former in existing.values()}
    taken = {ident for ident, _, _ in existing.values()}
    groups = product_groups(read_rows(csv_path))
    used: set[str] = set()  # ids given in this run: two groups never share one
    for group in groups:
        first = group[0]
        unit = provinces.by_code.get(first["province_code_34"])
        if unit is None:
            raise ValueError(f"{first['id']}: mã tỉnh «{first['province_code_34']}» không có trong content/provinces")
        record_id = next((known[r["id"]] for r in group if r["id"] in known and known[r["id"]] not in used), None)
        record_id = record_id or choose_id(first, taken | used, {})
        used.add(record_id)
        taken.add(record_id)
        path = products_dir / unit.folder / f"{record_id}.yaml"
        record = merge_records([build_record(row, record_id) for row in group])
        # Ids its rows had as records of their own (now merged into this one) keep their addresses: former_ids
        former = [*formers.get(record_id, []), *(i for r in group for i in ids_of.get(r["id"], []))]
        former = sorted({f for f in former if f != record_id})
        if former:
            record = {k: (former if k == "former_ids" else record[k]) for k in KEY_ORDER
                      if k in record or k == "former_ids"}
        write_atomic(path, dump(record))
        for old in {old for row in group for old in paths_of.get(row["id"], [])} - {path}:
            if old.exists():
                old.unlink()
    return len(groups)
