"""Client-side search: Vietnamese search terms, one lunr.py index cut into term-range shards, a result store.

Every product becomes an ``Entry`` (texts per field, what a result shows, its facet values). Its texts become
folded terms (``terms()``), worked out once per distinct field text; ``_postings`` weighs every term in
every field of every document as lunr.py's Builder does (BM25, field boosts, same floating-point steps), without
building lunr's own structures: ``tests/test_search.py`` checks the shards equal the stock Builder's index.
``write_index`` writes under ``search/`` of the site:

* ``s/<hash>.json`` — shards: the sorted terms cut into ranges of about 6 KB; for each term and field, the
  documents (as gaps) and their weights, and for words written several ways (ca: cá, cà, ca) which
  spellings each document uses (bit masks over the spellings listed in "s"). ``decode_terms`` turns any
  terms of a shard back into lunr.js 2.3.9's serialisation, which ``lunr.Index.load`` reads;
* ``r/<hash>.json`` — the result store: link, name, producer, province label; ``STORE_CHUNK`` per file;
* ``manifest.json`` — first term, file and compressed size of every shard, the store files, facet labels
  and one character per document and facet. Documents are numbered in Vietnamese name order, so the
  results for a product name share store files.

The browser (``theme/static/js/search-engine.js``) fetches only the shards the typed words need and the store
files of the results it shows. Text handling: ``terms()`` here and its twin in ``theme/static/js/vntext.js``,
both checked against ``tests/fixtures/search_vectors.json``. No stop words, no stemmer, no trimmer.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import shutil
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Iterable, NamedTuple

from lunr import __TARGET_JS_VERSION__ as LUNR_JS_VERSION
from lunr.builder import Builder

from .gcpause import paused_gc
from .lifecycle import STATUSES as STATUS_LABELS
from .model import GROUPS, Product
from .provinces import Provinces
from . import search_state
from .search_state import SearchState, dumps as _dumps, utf16 as _utf16
from .vntext import fold, nfc, sort_key

# Indexed fields (folded words) and their boosts.
FIELDS = {"name": 6, "producer": 2, "place": 2, "group": 1, "code": 1}
MAX_SPELLINGS = 30  # spellings kept per folded word (a bit each in a 32-bit mask)
STORE_CHUNK = 32  # documents per result-store file
SHARD_TARGET = 6000  # bytes of JSON per shard before compression (one word's postings are never split)

# Values of the status filter in URLs (?trang-thai=het-han), from the register's status keys.
STATUS_SLUGS = {"active": "con-hieu-luc", "expiring-90": "sap-het-han-90", "expiring-30": "sap-het-han-30",
                "expired": "het-han", "revoked": "thu-hoi", "withdrawn": "bi-loai", "unknown": "chua-ro-hieu-luc"}
UNKNOWN = "chua-ro"

_fold = functools.lru_cache(maxsize=1 << 17)(fold)
_PHONE_RUN = re.compile(r"\+?[0-9]+(?:[ .\-][0-9]+)*")
_NOT_DIGIT = re.compile(r"[^0-9]")
_CONNECTOR = re.compile(r"[/.\-]")
_DOT_OR_DASH = re.compile(r"[.\-]")


# --- Text -------------------------------------------------------------------------------------------------

def _join_phone(match: re.Match) -> str:
    """'0912 345 678', '091-234-5678', '+84 912 345 678' -> '0912345678'; other numbers unchanged."""
    raw = match.group(0)
    digits = _NOT_DIGIT.sub("", raw)
    if raw.startswith("+") and digits.startswith("84"):
        digits = "0" + digits[2:]
    separated = raw.startswith("+") or any(ch in " .-" for ch in raw)
    if separated and digits.startswith("0") and 6 <= len(digits) <= 11:
        return digits
    return raw


@functools.lru_cache(maxsize=64)
def _piece_pattern(marks: str) -> re.Pattern:
    """Regex of a word in a text without '_': a run of letters and digits (re's ``\\w``, which is
    ``str.isalnum`` and '_') and of the nonspacing *marks*; '/', '.' or '-' between two runs joins them."""
    return re.compile(f"[\\w{marks}]+(?:[/.\\-][\\w{marks}]+)*")


_NOT_WORD_OR_ASCII = re.compile(r"[^\w\x00-\x7f]")  # where nonspacing marks (category Mn) can be


def _pieces(text: str) -> list[str]:
    """Words of *text*: runs of letters, digits and marks; '/', '.', '-' between two such runs join them."""
    marks = {ch for ch in _NOT_WORD_OR_ASCII.findall(text) if unicodedata.category(ch) == "Mn"}
    return _piece_pattern("".join(sorted(marks))).findall(text.replace("_", " "))


def terms(text: str) -> list[tuple[str, str]]:
    """Search terms of *text* as (folded, exact) pairs, the same in Python and in the browser.

    *exact* is the word in lower case NFC with its diacritics; *folded* is ``fold(exact)``. A word with a
    '/' is kept whole (decision numbers: "123/QĐ-UBND" -> "123/qd-ubnd"); other words split at '.' and '-'
    ("TP.HCM" -> "tp", "hcm"). Phone numbers typed with spaces, dots, dashes or +84 become their digits.
    """
    lowered = _PHONE_RUN.sub(_join_phone, nfc(text).lower())
    out = []
    for piece in _pieces(lowered):
        parts = [piece] if "/" in piece else _DOT_OR_DASH.split(piece)
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
            out.extend((f, e) for f, e in zip(_CONNECTOR.split(folded), _CONNECTOR.split(exact)) if f)
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
    order: str = ""  # sort key (Product.order); documents without one go by key


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
    return Entry(
        key=product.id, url=product.url,
        texts={"name": [product.name], "producer": [producer.get("name") or ""], "place": place,
               "group": group_texts, "code": codes},
        show=show,
        facets={"tinh": unit.slug, "sao": str(product.stars) if product.stars else UNKNOWN,
                "nganh": product.group or UNKNOWN, "trang-thai": STATUS_SLUGS[status]},
        order=product.order)


# --- Index ------------------------------------------------------------------------------------------------

class _FieldTerms(NamedTuple):
    """The terms of one field's texts, worked out once for all documents with the same texts.

    ``shapes``: per distinct term, (term, (frequency, field length, its spellings as they occur)); the inner
    tuple is shared by every document with these texts, so the postings keep a reference, not a copy.
    """

    pairs: tuple[tuple[str, str], ...]  # (folded, spelled) of every term in order; lunr indexes the folded
    shapes: tuple[tuple[str, tuple[int, int, tuple[str, ...]]], ...]


def _field_terms(texts: tuple[str, ...]) -> _FieldTerms:
    """Terms of a field's texts."""
    pairs = tuple(chain.from_iterable(_index_terms(text) for text in texts if text))
    spelled: dict[str, list[str]] = {}
    for folded, word in pairs:
        if folded in spelled:
            spelled[folded].append(word)
        else:
            spelled[folded] = [word]
    length = len(pairs)
    return _FieldTerms(pairs, tuple((f, _shared((len(words), length, tuple(words)))) for f, words in spelled.items()))


_SHAPES: dict[tuple, tuple] = {}  # while indexing, one copy of each (term, shape) and shape: most recur in many fields


def _shared(value: tuple) -> tuple:
    """The copy of *value* already made while indexing, if any."""
    return _SHAPES.setdefault(value, value)


@dataclass
class Indexed:
    """What goes into the index: the terms of every document's fields and how each folded word is spelled."""

    fields: list[tuple[_FieldTerms, ...]]  # per document (ref = position): terms per field, in FIELDS order
    spellings: dict[str, list[str]]  # folded word -> its spellings, most used first, when any differs from it


def index_documents(entries: list[Entry]) -> Indexed:
    """Terms of every entry, folded, with the spellings behind them (so "số" typed does not rank "sở" first)."""
    names = list(FIELDS)
    terms_of = functools.lru_cache(maxsize=None)(_field_terms)
    try:
        per_doc = [tuple(terms_of(tuple(entry.texts.get(name, ()))) for name in names) for entry in entries]
    finally:
        _SHAPES.clear()
    counts = Counter(chain.from_iterable(terms_.pairs for fields in per_doc for terms_ in fields))
    by_folded: dict[str, list[str]] = defaultdict(list)
    for folded, word in counts:
        by_folded[folded].append(word)
    spellings = {f: sorted(ws, key=lambda w: (-counts[(f, w)], _utf16(w)))[:MAX_SPELLINGS]
                 for f, ws in by_folded.items() if len(ws) > 1 or ws[0] != f}
    return Indexed(per_doc, spellings)


def build_lunr(entries: list[Entry]) -> dict:
    """The stock lunr.py index of *entries* (document ref = position), serialised: the reference for the tests.

    Fields get our folded terms as ready-made lists; lunr's pipelines are emptied, so no stop-word filter,
    stemmer or trimmer ever touches a Vietnamese syllable. The site's index (``_postings``) weighs terms
    itself, without lunr.py's Builder; ``tests/test_search.py`` checks both agree.
    """
    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("ref")
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    for ref, fields in enumerate(index_documents(entries).fields):
        builder.add({"ref": str(ref), **{name: [f for f, _ in terms_.pairs] for name, terms_ in zip(FIELDS, fields)}})
    return builder.build().serialize()




def decode_terms(shard: dict, positions: Iterable[int] | None = None) -> dict:
    """Terms of a shard (all, or those at *positions*) in lunr.js 2.3.9's serialisation.

    The browser does the same (``toLunr`` in ``search-engine.js``) for the terms a typed word needs.
    """
    fields = shard["f"]
    inverted, vectors = [], defaultdict(list)
    for index, position in enumerate(range(len(shard["t"])) if positions is None else positions):
        posting = {"_index": index, **{name: {} for name in fields}}
        for row in shard["p"][position]:
            number, deltas, weights = row[:3]
            ref = 0
            for delta, weight in zip(deltas, weights):
                ref += delta
                posting[fields[number]][str(ref)] = {}
                vectors[f"{fields[number]}/{ref}"].extend([index, weight / 1000])
        inverted.append([shard["t"][position], posting])
    return {"version": shard["v"], "fields": fields, "fieldVectors": [[k, v] for k, v in vectors.items()],
            "invertedIndex": inverted, "pipeline": []}


decode_shard = decode_terms


@dataclass
class Written:
    """What ``write_index`` wrote, for logs and benchmarks."""

    documents: int
    shards: int
    store_files: int
    bytes: int
    gzip_bytes: int


def index_state(entries: list[Entry], facets: list[Facet] = (), state: SearchState | None = None
                ) -> tuple[SearchState, set[str]]:
    """The index *state* (a new one when none is given) brought up to the *entries* and *facets*, and the terms
    it encoded again. Documents are in Vietnamese name order (entries without one, by key)."""
    entries = sorted(entries, key=lambda e: e.order or e.key)
    keys = search_state.doc_keys(entries)
    state = (state or SearchState(FIELDS, MAX_SPELLINGS)).suits(list(facets))
    new = {key: entry for key, entry in zip(keys, entries) if key not in state.docs}
    return state, _update(state, keys, new, list(facets))


def _update(state: SearchState, keys: list[str], new: dict[str, Entry], facets: list[Facet]) -> set[str]:
    try:
        return state.update(keys, new, facets, functools.lru_cache(maxsize=None)(_field_terms))
    finally:
        _SHAPES.clear()


def _files(state: SearchState, facets: list[Facet], dirty: set[str]) -> tuple[dict[str, bytes], Written]:
    files, shards, stores, total, total_gz = state.files(facets, dirty, SHARD_TARGET, STORE_CHUNK, LUNR_JS_VERSION)
    return files, Written(len(state.keys), shards, stores, total, total_gz)


@paused_gc()
def index_files(entries: list[Entry], facets: list[Facet], cache: Path | None = None
                ) -> tuple[dict[str, bytes], Written]:
    """The files of the search (``manifest.json``, shards ``s/``, result store ``r/``) by path, and their figures.

    With a *cache* folder, the index kept there by the last call is brought up to date instead of made whole
    (see search_state), then kept there again."""
    state = SearchState.load(cache, "", FIELDS, MAX_SPELLINGS)
    state, dirty = index_state(entries, facets, state)
    out = _files(state, facets, dirty)
    state.save(cache, "")
    return out


def write_index(entries: list[Entry], facets: list[Facet], out_dir: Path) -> Written:
    """Write the search files for *entries* into *out_dir* (replaced)."""
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    files, written = index_files(entries, facets)
    for name, data in files.items():
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_bytes(data)
    return written


def register_entries(products: Iterable[Product], provinces: Provinces, today: dt.date) -> list[Entry]:
    """Search entries of the register's products."""
    return [product_entry(p, provinces, today) for p in products]


@paused_gc()
def register_index_files(products: Iterable[Product], provinces: Provinces, today: dt.date,
                         cache: Path | None = None, later: bool = False) -> dict[str, bytes]:
    """The files of the product search of the site (under ``output/search/``) by path. With a *cache* folder, the
    last build's index is brought up to date (only products whose digest or status changed are made into
    entries; see search_state) and kept there again; *later*: by a process nothing waits for."""
    stamp = hashlib.sha1(f"{list(provinces)!r}|{today}".encode()).hexdigest()
    facets = product_facets(provinces)
    state = SearchState.load(cache, stamp, FIELDS, MAX_SPELLINGS).suits(facets)
    keys, new = [], {}
    for product in sorted(products, key=lambda p: p.order):  # the index order (the register's already)
        key = f"{product.digest}|{product.status_on(today)}"
        keys.append(key)
        if key not in state.docs:
            new[key] = product_entry(product, provinces, today)
    files = _files(state, facets, _update(state, keys, new, facets))[0]
    (state.save_later if later else state.save)(cache, stamp)
    return files


def write_register_index(products: Iterable[Product], provinces: Provinces, today: dt.date, out_dir: Path) -> Written:
    """The product search of the site (``output/search/``)."""
    return write_index(register_entries(products, provinces, today), product_facets(provinces), out_dir)


