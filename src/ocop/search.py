"""Client-side search: Vietnamese search terms, a lunr.py index cut into term-range shards, a result store.

Everything the browser needs is written under ``search/`` of the site:

* ``manifest.json`` — shard boundaries, store chunk names, facet labels and the facet of every document
  (as runs over document numbers, which are sorted by province, group, stars and status);
* ``s/<hash>.json`` — the shards: one lunr.py index (lunr.js 2.3.9 format) re-encoded compactly and cut by
  ranges of folded terms. ``theme/static/js/search-engine.js`` turns a shard back into the lunr 2.3.9
  serialisation and loads it with ``lunr.Index.load``; only the shards that the typed words need are fetched;
* ``r/<hash>.json`` — the result store (name, producer, link) in chunks of ``STORE_CHUNK`` documents.

Text handling is ``terms()``: NFC, lower case, phone numbers joined, words split, each word folded with
``vntext.fold``. Its JavaScript twin is ``terms()`` in ``theme/static/js/vntext.js``; both are checked against
``tests/fixtures/search_vectors.json``. No stop words, no stemmer, no trimmer.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import json
import re
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lunr import __TARGET_JS_VERSION__ as LUNR_JS_VERSION
from lunr.builder import Builder

from .model import GROUPS, STATUS_LABELS, Product
from .provinces import Provinces
from .vntext import fold, nfc, sort_key

# Indexed fields and their boosts. Every field holds folded words; "exact" also holds the words as spelled
# (lower case, diacritics) when the folded word stands for several spellings (ca: cá, cà, ca).
FIELDS = {"name": 6, "producer": 2, "place": 2, "group": 1, "code": 1, "exact": 3}
STORE_CHUNK = 32  # documents per result-store file
SHARD_TARGET = 6000  # bytes of JSON per shard before compression (one word's postings are never split)

# Values of the status filter in URLs (?trang-thai=het-han), from the register's status keys.
STATUS_SLUGS = {"active": "con-hieu-luc", "expired": "het-han", "revoked": "thu-hoi", "withdrawn": "bi-loai"}
UNKNOWN = "chua-ro"

_fold = functools.lru_cache(maxsize=1 << 17)(fold)
_PHONE_RUN = re.compile(r"\+?[0-9]+(?:[ .\-][0-9]+)*")
_CONNECTORS = "/.-"


# --- Text -------------------------------------------------------------------------------------------------

def _join_phone(match: re.Match) -> str:
    """'0912 345 678', '091-234-5678', '+84 912 345 678' -> '0912345678'; other numbers unchanged."""
    raw = match.group(0)
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.startswith("+") and digits.startswith("84"):
        digits = "0" + digits[2:]
    separated = raw.startswith("+") or any(ch in " .-" for ch in raw)
    if separated and digits.startswith("0") and 6 <= len(digits) <= 11:
        return digits
    return raw


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) == "Mn"


def _pieces(text: str) -> list[str]:
    """Words of *text*: runs of letters, digits and marks; '/', '.', '-' between two such runs join them."""
    out, i, n = [], 0, len(text)
    while i < n:
        if not _is_word_char(text[i]):
            i += 1
            continue
        j = i
        while True:
            while j < n and _is_word_char(text[j]):
                j += 1
            if j + 1 < n and text[j] in _CONNECTORS and _is_word_char(text[j + 1]):
                j += 1
                continue
            break
        out.append(text[i:j])
        i = j
    return out


def terms(text: str) -> list[tuple[str, str]]:
    """Search terms of *text* as (folded, exact) pairs, the same in Python and in the browser.

    *exact* is the word in lower case NFC with its diacritics; *folded* is ``fold(exact)``. A word with a
    '/' is kept whole (decision numbers: "123/QĐ-UBND" -> "123/qd-ubnd"); other words split at '.' and '-'
    ("TP.HCM" -> "tp", "hcm"). Phone numbers typed with spaces, dots, dashes or +84 become their digits.
    """
    lowered = _PHONE_RUN.sub(_join_phone, nfc(text).lower())
    out = []
    for piece in _pieces(lowered):
        parts = [piece] if "/" in piece else re.split(r"[.\-]", piece)
        for part in parts:
            folded = _fold(part)
            if folded:
                out.append((folded, part))
    return out


def tokens(text: str) -> list[str]:
    """Folded search terms of *text* ("Đặc sản Đồng Tháp" -> ["dac", "san", "dong", "thap"])."""
    return [folded for folded, _ in terms(text)]


@functools.lru_cache(maxsize=1 << 16)
def _index_terms(text: str) -> tuple[tuple[str, str], ...]:
    """Terms of *text* as indexed: a word with '/' also gives its parts ("123/QĐ-UBND" -> 123, qd, ubnd)."""
    out = []
    for folded, exact in terms(text):
        out.append((folded, exact))
        if "/" in folded:
            out.extend((f, e) for f, e in zip(re.split(r"[/.\-]", folded), re.split(r"[/.\-]", exact)) if f)
    return tuple(out)


# --- Entries ----------------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One searchable document: texts per field, what a result shows, and its facet values."""

    key: str
    url: str
    texts: dict[str, list[str]]
    show: dict[str, object]
    facets: dict[str, str]
    order: tuple = field(default=())


@dataclass
class Facet:
    """A filter: URL parameter, Vietnamese label, and its values as (key, label) in display order."""

    param: str
    label: str
    values: list[tuple[str, str]]


def product_facets(provinces: Provinces) -> list[Facet]:
    """The four filters of the product search: province, stars, group, status."""
    units = sorted(provinces, key=lambda p: sort_key(p.name))
    return [
        Facet("tinh", "Tỉnh/thành", [(p.slug, p.name) for p in units]),
        Facet("sao", "Hạng sao", [("5", "5 sao"), ("4", "4 sao"), ("3", "3 sao"), (UNKNOWN, "Chưa rõ hạng")]),
        Facet("nganh", "Ngành", [*GROUPS.items(), (UNKNOWN, "Chưa rõ ngành")]),
        Facet("trang-thai", "Tình trạng", [(STATUS_SLUGS[k], v) for k, v in STATUS_LABELS.items()]),
    ]


def product_entry(product: Product, provinces: Provinces, today: dt.date) -> Entry:
    """What the search knows about *product*."""
    unit = product.province
    place = [product.commune or "", product.district or "", unit.name]
    at_recognition = product.province_at_recognition
    if at_recognition not in provinces.by_code or product.before_merger:  # as the product page names it
        former = provinces.former_name(at_recognition)
        if former and former != unit.name:
            place.append(former)
    cert, change, producer = product.certification, product.status_change, product.producer
    codes = [cert.get("decision") or "", change.get("decision") or "", producer.get("phone") or "",
             producer.get("tax_code") or ""]
    show = {"n": product.name}
    if producer.get("name"):
        show["p"] = producer["name"]
    if product.province_label != unit.name:
        show["l"] = product.province_label
    group_texts = [product.group_label if product.group else "", product.data.get("subgroup") or ""]
    status = product.status_on(today)
    group_rank = list(GROUPS).index(product.group) if product.group in GROUPS else len(GROUPS)
    return Entry(
        key=product.id, url=product.url,
        texts={"name": [product.name], "producer": [producer.get("name") or ""], "place": place,
               "group": group_texts, "code": codes},
        show=show,
        facets={"tinh": unit.slug, "sao": str(product.stars) if product.stars else UNKNOWN,
                "nganh": product.group or UNKNOWN, "trang-thai": STATUS_SLUGS[status]},
        order=(unit.code, group_rank, -(product.stars or 0), list(STATUS_SLUGS).index(status), product.sort,
               product.id))


# --- Index ------------------------------------------------------------------------------------------------

def _utf16(text: str) -> bytes:
    """Sort key equal to JavaScript's string order (UTF-16 code units)."""
    return text.encode("utf-16-be")


class _TermBuilder(Builder):
    """lunr.py's Builder for documents whose fields are ready-made lists of terms.

    ``Builder.add`` would run lunr's tokenizer over each list again, deep-copying an empty metadata dict for
    every word (most of the indexing time at 20,000 products). This ``add`` records the same term
    frequencies, field lengths and postings directly; weights (BM25), field boosts and serialisation stay
    lunr.py's own code. ``tests/test_search.py`` checks the index equals the stock builder's.
    """

    def add(self, doc, attributes=None):
        doc_ref = str(doc[self._ref])
        self._documents[doc_ref] = attributes or {}
        self.document_count += 1
        for field_name in self._fields:
            words = doc[field_name]
            field_ref = f"{field_name}/{doc_ref}"
            frequencies: dict[str, int] = defaultdict(int)
            self.field_term_frequencies[field_ref] = frequencies
            self.field_lengths[field_ref] = len(words)
            for term in words:
                frequencies[term] += 1
                posting = self.inverted_index.get(term)
                if posting is None:
                    posting = {name: {} for name in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    self.inverted_index[term] = posting
                posting[field_name].setdefault(doc_ref, {})


def _builder(cls=_TermBuilder) -> Builder:
    builder = cls()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("ref")
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    return builder


def index_documents(entries: list[Entry]) -> tuple[list[dict[str, list[str]]], dict[str, str]]:
    """The terms lunr indexes for each entry, per field (document ref = position in *entries*), and spellings.

    Every field is indexed folded. A folded word written several ways in the register (ca: cá, cà, ca) is
    also indexed as spelled, in the field "exact". For a folded word written one way only, the returned
    dict gives that spelling (mat -> mật) when it differs from the folded form: with both, the browser
    tells whether a document has the word as the person typed it ("số" is not "sở").
    """
    per_doc: list[dict[str, list[str]]] = []
    spellings: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        fields: dict[str, list[str]] = {}
        exact: list[str] = []
        for name in FIELDS:
            if name == "exact":
                continue
            found = [pair for text in entry.texts.get(name, []) if text for pair in _index_terms(text)]
            fields[name] = [f for f, _ in found]
            for folded, word in found:
                spellings[folded].add(word)
                if word != folded:
                    exact.append(word)
        fields["exact"] = exact
        per_doc.append(fields)
    ambiguous = {f for f, words in spellings.items() if len(words) > 1}
    for fields in per_doc:
        fields["exact"] = [w for w in fields["exact"] if _fold(w) in ambiguous]
    single = {f: next(iter(words)) for f, words in spellings.items() if len(words) == 1 and f not in words}
    return per_doc, single


def build_lunr(entries: list[Entry], builder_class=_TermBuilder) -> dict:
    """One lunr.py index of *entries* (document ref = position in *entries*), serialised (lunr.js 2.3.9).

    Fields get our terms as ready-made lists; lunr's pipelines are emptied, so no stop-word filter,
    stemmer or trimmer ever touches a Vietnamese syllable.
    """
    return _serialised(index_documents(entries)[0], builder_class)


def _serialised(per_doc: list[dict[str, list[str]]], builder_class=_TermBuilder) -> dict:
    builder = _builder(builder_class)
    for ref, fields in enumerate(per_doc):
        builder.add({"ref": str(ref), **fields})
    return builder.build().serialize()


def _postings(serialised: dict) -> dict[str, list[list]]:
    """term -> [[field number, [ref deltas], [weights x 1000]], ...] from a serialised lunr index."""
    fields = serialised["fields"]
    number = {name: i for i, name in enumerate(fields)}
    by_term: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for field_ref, vector in serialised["fieldVectors"]:
        name, ref = field_ref.split("/", 1)
        field_number, ref = number[name], int(ref)
        for k in range(0, len(vector), 2):
            by_term[vector[k]].append((field_number, ref, round(vector[k + 1] * 1000)))
    out = {}
    for term, posting in serialised["invertedIndex"]:
        rows: dict[int, list] = {}
        for field_number, ref, weight in sorted(by_term[posting["_index"]]):
            row = rows.get(field_number)
            if row is None:
                rows[field_number] = row = [field_number, [ref], [weight], ref]
            else:
                row[1].append(ref - row[3])
                row[2].append(weight)
                row[3] = ref
        out[term] = [row[:3] for row in rows.values()]
    return out


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _shards(postings: dict[str, list[list]], fields: list[str], single: dict[str, str],
            target: int) -> list[tuple[str, dict]]:
    """Cut the terms, in folded order, into shards of about *target* bytes: [(first folded term, shard)].

    A shard: "t" its terms in JavaScript order, "p" their postings, "x" the one spelling of its folded terms
    written one way only (when not the folded form itself), "f" the fields, "v" the lunr.js version.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for term in postings:
        groups[_fold(term)].append(term)
    shards, current, first, size = [], [], None, 0
    for folded in sorted(groups, key=_utf16):
        words = groups[folded]
        if current and size >= target:
            shards.append((first, current))
            current, first, size = [], None, 0
        first = folded if first is None else first
        current.extend(words)
        size += sum(len(_dumps(postings[w])) + len(w) + 4 for w in words)
    if current:
        shards.append((first, current))
    out = []
    for first_term, words in shards:
        words = sorted(words, key=_utf16)  # lunr.TokenSet.Builder needs its words in JavaScript order
        spelled = {w: single[w] for w in words if w in single}
        out.append((first_term, {"v": LUNR_JS_VERSION, "f": fields, "t": words, "p": [postings[w] for w in words],
                                 "x": spelled}))
    return out


def decode_shard(shard: dict) -> dict:
    """A shard back in lunr.js 2.3.9's serialisation (what ``search-engine.js`` does in the browser)."""
    fields = shard["f"]
    inverted, vectors = [], defaultdict(list)
    for index, (term, rows) in enumerate(zip(shard["t"], shard["p"])):
        posting = {"_index": index, **{name: {} for name in fields}}
        for number, deltas, weights in rows:
            ref = 0
            for delta, weight in zip(deltas, weights):
                ref += delta
                posting[fields[number]][str(ref)] = {}
                vectors[f"{fields[number]}/{ref}"].extend([index, weight / 1000])
        inverted.append([term, posting])
    return {"version": shard["v"], "fields": fields, "fieldVectors": [[k, v] for k, v in vectors.items()],
            "invertedIndex": inverted, "pipeline": []}


def _runs(entries: list[Entry], facets: list[Facet]) -> list[int]:
    """Facet values of every document as runs: [documents since the previous run, value per facet, ...]."""
    numbers = [{key: i for i, (key, _) in enumerate(f.values)} for f in facets]
    out, last, previous = [], None, 0
    for ref, entry in enumerate(entries):
        row = tuple(numbers[i].get(entry.facets.get(f.param), -1) for i, f in enumerate(facets))
        if row != last:
            out.extend([ref - previous, *row])
            last, previous = row, ref
    return out


@dataclass
class Written:
    """What ``write_index`` wrote, for logs and benchmarks."""

    documents: int
    shards: int
    store_files: int
    bytes: int
    gzip_bytes: int


def _hashed(folder: Path, text: str) -> tuple[str, int, int]:
    data = text.encode("utf-8")
    name = hashlib.sha256(data).hexdigest()[:10]
    (folder / f"{name}.json").write_bytes(data)
    return name, len(data), len(gzip.compress(data, 6))


def write_index(entries: list[Entry], facets: list[Facet], out_dir: Path) -> Written:
    """Write ``manifest.json``, shards and result store for *entries* into *out_dir* (replaced)."""
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "s").mkdir(parents=True)
    (out_dir / "r").mkdir()
    entries = sorted(entries, key=lambda e: e.order or (e.key,))
    per_doc, single = index_documents(entries)
    serialised = _serialised(per_doc)
    postings = _postings(serialised)
    total, total_gz = 0, 0
    shard_rows = []
    for first, shard in _shards(postings, serialised["fields"], single, SHARD_TARGET):
        name, size, gz = _hashed(out_dir / "s", _dumps(shard))
        shard_rows.append([first, name, gz])
        total, total_gz = total + size, total_gz + gz
    store_files = []
    for start in range(0, len(entries), STORE_CHUNK):
        rows = [{"u": e.url, **e.show} for e in entries[start:start + STORE_CHUNK]]
        name, size, gz = _hashed(out_dir / "r", _dumps(rows))
        store_files.append(name)
        total, total_gz = total + size, total_gz + gz
    manifest = {
        "lunr": LUNR_JS_VERSION, "count": len(entries), "fields": serialised["fields"],
        "shards": shard_rows, "chunk": STORE_CHUNK, "store": store_files,
        "facets": [[f.param, f.label, [list(v) for v in f.values]] for f in facets],
        "runs": _runs(entries, facets),
    }
    text = _dumps(manifest)
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    total += len(text.encode("utf-8"))
    total_gz += len(gzip.compress(text.encode("utf-8"), 6))
    return Written(len(entries), len(shard_rows), len(store_files), total, total_gz)


def write_register_index(products: Iterable[Product], provinces: Provinces, today: dt.date, out_dir: Path) -> Written:
    """The product search of the site (``output/search/``)."""
    entries = [product_entry(p, provinces, today) for p in products]
    return write_index(entries, product_facets(provinces), out_dir)


