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
import gzip
import hashlib
import json
import math
import re
import shutil
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from lunr import __TARGET_JS_VERSION__ as LUNR_JS_VERSION
from lunr.builder import Builder

from .cache import code_digest, read_pickle, remove_others, write_pickle
from .gcpause import paused_gc
from .lifecycle import STATUSES as STATUS_LABELS
from .model import GROUPS, Product
from .provinces import Provinces
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
    # Its texts per field and their terms, when a SearchCache made it (its texts then never change).
    indexed: tuple | None = field(default=None, compare=False, repr=False)


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

def _utf16(text: str) -> bytes:
    """Sort key equal to JavaScript's string order (UTF-16 code units)."""
    return text.encode("utf-16-be")


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
    return _FieldTerms(pairs, tuple(_shared((f, _shared((len(words), length, tuple(words)))))
                                    for f, words in spelled.items()))


class SearchCache:
    """What indexing worked out before, so a build after one edit works out only what that edit changed.

    Kept in *folder* in two files (checked like every cache file; the code's digest in their names):
    ``search-<code>.pickle`` holds each product's entry with the terms of its texts (by the product's digest and
    status, for the *stamp* of the provinces and the day), the terms of every field text (place, group and producer
    texts repeat across products) and how often each spelling occurs, so that only the texts that came or went are
    counted again; it is written again only once more than 1% of what a build needed was not in it.
    ``search-sizes-<code>.pickle`` holds the compressed size of the files by name (their names are digests of
    their bytes), written again whenever a build made a file it did not know.
    """

    def __init__(self, folder: Path | None = None, stamp: str = ""):
        code = code_digest(everything=True)
        self.path = folder / f"search-{code}.pickle" if folder else None
        self.sizes_path = folder / f"search-sizes-{code}.pickle" if folder else None
        self.stamp = stamp
        self.terms: dict[tuple[str, ...], _FieldTerms] = {}
        self.docs: dict[str, Entry] = {}
        self.uses: Counter = Counter()  # field texts -> how many fields had them, when *counts* were counted
        self.counts: Counter = Counter()  # (folded, spelled) -> occurrences in those texts
        known = read_pickle(self.path, None) if self.path else None
        if isinstance(known, tuple) and len(known) == 5 and known[0] == stamp and all(
                isinstance(part, dict) for part in known[1:]):
            _, self.terms, self.docs, self.uses, self.counts = known
        sizes = read_pickle(self.sizes_path, None) if self.sizes_path else None
        self.sizes: dict[str, int] = sizes if isinstance(sizes, dict) else {}
        self.used_terms: set[tuple[str, ...]] = set()
        self.used_docs: dict[str, Entry] = {}
        self.used_sizes: dict[str, int] = {}
        self.misses = self.size_misses = 0
        self.counted: tuple[Counter, Counter] | None = None

    def entry(self, key: str, make: Callable[[], Entry]) -> Entry:
        """The entry of a document whose inputs have digest *key*: the one made before, or *make*'s."""
        hit = self.docs.get(key)
        if hit is None:
            hit = make()
            names = list(FIELDS)
            texts = tuple(tuple(hit.texts.get(name, ())) for name in names)
            hit.indexed = (texts, tuple(map(self.field_terms, texts)))
            self.misses += 1
        self.used_docs[key] = hit
        return hit

    def field_terms(self, texts: tuple[str, ...]) -> _FieldTerms:
        hit = self.terms.get(texts)
        if hit is None:
            hit = self.terms[texts] = _field_terms(texts)
            self.misses += 1
        return hit

    def pair_counts(self, texts: list[tuple[str, ...]]) -> Counter:
        """How often each (folded, spelled) pair occurs in the field *texts* (one per field of each document):
        the counts kept from the last build, with the texts that came counted in and those that went counted out."""
        uses = Counter(texts)
        if self.uses:
            counts = self.counts.copy()
            for text in {text for text, _ in uses.items() ^ self.uses.items()}:  # the texts used more or less
                times = uses.get(text, 0) - self.uses.get(text, 0)
                for pair in self.field_terms(text).pairs:
                    counts[pair] += times
            for pair in [pair for pair, n in counts.items() if n <= 0]:
                del counts[pair]
        else:
            counts = Counter(chain.from_iterable(self.field_terms(text).pairs for text in texts))
        self.counted = (uses, counts)
        return counts

    def gzip_size(self, name: str, data: bytes) -> int:
        size = self.sizes.get(name)
        if size is None:
            size = self.sizes[name] = len(gzip.compress(data, 6))
            self.size_misses += 1
        self.used_sizes[name] = size
        return size

    def save(self) -> None:
        """Keep what this build used: the entries and terms when too much of them was worked out anew, the sizes
        when any was."""
        if self.path is None:
            return
        if self.misses > (len(self.used_terms) + len(self.used_docs)) // 100 and self.counted is not None:
            kept = (self.stamp, {texts: self.terms[texts] for texts in self.used_terms}, self.used_docs, *self.counted)
            if write_pickle(self.path, kept):
                remove_others(self.path, "search-[0-9a-f]*.pickle")
        if self.size_misses and write_pickle(self.sizes_path, self.used_sizes):
            remove_others(self.sizes_path, "search-sizes-*.pickle")


_SHAPES: dict[tuple, tuple] = {}  # while indexing, one copy of each (term, shape) and shape: most recur in many fields


def _shared(value: tuple) -> tuple:
    """The copy of *value* already made while indexing, if any."""
    return _SHAPES.setdefault(value, value)


@dataclass
class Indexed:
    """What goes into the index: the terms of every document's fields and how each folded word is spelled."""

    fields: list[tuple[_FieldTerms, ...]]  # per document (ref = position): terms per field, in FIELDS order
    spellings: dict[str, list[str]]  # folded word -> its spellings, most used first, when any differs from it


def index_documents(entries: list[Entry], cache: SearchCache | None = None) -> Indexed:
    """Terms of every entry, folded, with the spellings behind them (so "số" typed does not rank "sở" first)."""
    names = list(FIELDS)
    cache = cache or SearchCache()
    keys, per_doc = [], []
    try:
        for entry in entries:
            if entry.indexed is None:
                texts = tuple(tuple(entry.texts.get(name, ())) for name in names)
                keys.append(texts)
                per_doc.append(tuple(map(cache.field_terms, texts)))
            else:
                keys.append(entry.indexed[0])
                per_doc.append(entry.indexed[1])
        every = list(chain.from_iterable(keys))
        cache.used_terms.update(every)
        counts = cache.pair_counts(every)
    finally:
        _SHAPES.clear()
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


def _mask(words: tuple[str, ...], where: dict[str, int]) -> int:
    """Bit mask of the spellings *words* among the listed ones (their positions in *where*)."""
    mask = 0
    for word in words:
        if word in where:
            mask |= 1 << where[word]
    return mask


# lunr.py 0.8.0's BM25 parameters (Builder._k1, Builder._b).
_K1, _B = 1.2, 0.75


def _postings(indexed: Indexed) -> dict[str, list[list]]:
    """term -> [[field number, [ref deltas], [weights x 1000], [spelling masks]?], ...].

    The weights are lunr.py's (``Builder._create_field_vectors``: BM25 with field boosts, rounded to three
    decimals), worked out with the same floating-point operations in the same order. A term's document
    frequency counts every field it occurs in, as lunr's ``idf`` does. The masks (which of the term's
    spellings each document uses) are there only for terms spelled several ways.
    """
    boosts = list(FIELDS.values())
    count = len(indexed.fields)
    # Per field, term -> ([refs], [shapes]) in document order.
    columns: list[dict[str, tuple[list[int], list[tuple]]]] = [{} for _ in boosts]
    lengths = [0] * len(boosts)
    for ref, fields in enumerate(indexed.fields):
        for number, terms_ in enumerate(fields):
            column = columns[number]
            lengths[number] += len(terms_.pairs)
            for term, shape in terms_.shapes:
                entry = column.get(term)
                if entry is None:
                    column[term] = entry = ([], [])
                entry[0].append(ref)
                entry[1].append(shape)
    averages = [total / count if count else 0 for total in lengths]
    frequency: dict[str, int] = defaultdict(int)
    for column in columns:
        for term, (refs, _) in column.items():
            frequency[term] += len(refs)

    @functools.cache
    def weight(number: int, documents: int, tf: int, length: int) -> int:
        x = (count - documents + 0.5) / (documents + 0.5)
        idf = math.log(1 + abs(x))
        score = idf * ((_K1 + 1) * tf) / (_K1 * (1 - _B + _B * (length / averages[number])) + tf)
        score *= boosts[number]
        return int(round(score, 3) * 1000 + 0.5)

    out: dict[str, list[list]] = {}
    for term, documents in frequency.items():
        written = indexed.spellings.get(term, ())
        where = {w: i for i, w in enumerate(written)} if len(written) > 1 else None
        rows = []
        for number, column in enumerate(columns):
            entry = column.get(term)
            if entry is None:
                continue
            refs, shapes = entry
            deltas = [refs[0]] + [b - a for a, b in zip(refs, refs[1:])]
            row = [number, deltas, [weight(number, documents, tf, length) for tf, length, _ in shapes]]
            if where is not None:
                row.append([_mask(words, where) for _, _, words in shapes])
            rows.append(row)
        out[term] = rows
    return out


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # compact JSON, UTF-8 kept


def _shards(postings: dict[str, list[list]], fields: list[str], spellings: dict[str, list[str]],
            target: int) -> list[tuple[str, str]]:
    """Cut the terms, in order, into shards of about *target* bytes: [(first term, shard as JSON)].

    A shard: "t" its terms in JavaScript order, "p" their postings, "s" the spellings of those spelled with
    diacritics or several ways, "f" the fields, "v" the lunr.js version. Each term's postings are encoded
    once, both to measure them and to write them.
    """
    shards, current, size = [], [], 0
    encoded = {}
    for term in sorted(postings, key=_utf16):
        if current and size >= target:
            shards.append(current)
            current, size = [], 0
        current.append(term)
        encoded[term] = text = _dumps(postings[term])
        size += len(text) + len(term) + 4
    if current:
        shards.append(current)
    head = f'{{"v":{_dumps(LUNR_JS_VERSION)},"f":{_dumps(fields)},"t":'
    return [(words[0], f'{head}{_dumps(words)},"p":[{",".join(encoded[w] for w in words)}],'
                       f'"s":{_dumps({w: spellings[w] for w in words if w in spellings})}}}')
            for words in shards]


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


def _facet_columns(entries: list[Entry], facets: list[Facet]) -> list[str]:
    """Facet values of every document, one string per facet: character 48 + value number ("/" = none)."""
    numbers = [{key: i for i, (key, _) in enumerate(f.values)} for f in facets]
    return ["".join(chr(48 + numbers[i].get(entry.facets.get(f.param), -1)) for entry in entries)
            for i, f in enumerate(facets)]


@dataclass
class Written:
    """What ``write_index`` wrote, for logs and benchmarks."""

    documents: int
    shards: int
    store_files: int
    bytes: int
    gzip_bytes: int


def _hashed(files: dict[str, bytes], folder: str, text: str, cache: SearchCache) -> tuple[str, int, int]:
    """Add *text* under a name made of its digest (so browsers may cache it forever); (name, bytes, gzip bytes)."""
    data = text.encode("utf-8")
    name = hashlib.sha256(data).hexdigest()[:10]
    files[f"{folder}/{name}.json"] = data
    return name, len(data), cache.gzip_size(name, data)


@paused_gc()
def index_files(entries: list[Entry], facets: list[Facet], cache: Path | SearchCache | None = None
                ) -> tuple[dict[str, bytes], Written]:
    """The files of the search (``manifest.json``, shards ``s/``, result store ``r/``) by path, and their figures;
    what it worked out is kept in the *cache* (a folder or a SearchCache) for the next build."""
    files: dict[str, bytes] = {}
    kept = cache if isinstance(cache, SearchCache) else SearchCache(cache)
    entries = sorted(entries, key=lambda e: e.order or e.key)
    indexed = index_documents(entries, kept)
    fields = list(FIELDS)
    postings = _postings(indexed)
    total, total_gz = 0, 0
    shard_rows = []
    for first, shard in _shards(postings, fields, indexed.spellings, SHARD_TARGET):
        name, size, gz = _hashed(files, "s", shard, kept)
        shard_rows.append([first, name, gz])
        total, total_gz = total + size, total_gz + gz
    store_files = []
    for start in range(0, len(entries), STORE_CHUNK):
        rows = [{"u": e.url, **e.show} for e in entries[start:start + STORE_CHUNK]]
        name, size, gz = _hashed(files, "r", _dumps(rows), kept)
        store_files.append(name)
        total, total_gz = total + size, total_gz + gz
    manifest = {
        "lunr": LUNR_JS_VERSION, "count": len(entries), "fields": fields,
        "shards": shard_rows, "chunk": STORE_CHUNK, "store": store_files,
        "facets": [[f.param, f.label, [list(v) for v in f.values]] for f in facets],
        "values": _facet_columns(entries, facets),
    }
    data = _dumps(manifest).encode("utf-8")
    files["manifest.json"] = data
    total += len(data)
    total_gz += len(gzip.compress(data, 6))
    kept.save()
    return files, Written(len(entries), len(shard_rows), len(store_files), total, total_gz)


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


def register_entries(products: Iterable[Product], provinces: Provinces, today: dt.date,
                     cache: SearchCache | None = None) -> list[Entry]:
    """Search entries of the register's products (from *cache* for products unchanged since it was kept)."""
    if cache is None:
        return [product_entry(p, provinces, today) for p in products]
    return [cache.entry(f"{p.digest}|{p.status_on(today)}", functools.partial(product_entry, p, provinces, today))
            for p in products]


@paused_gc()
def register_index_files(products: Iterable[Product], provinces: Provinces, today: dt.date,
                         cache: Path | None = None) -> dict[str, bytes]:
    """The files of the product search of the site (under ``output/search/``) by path; what indexing works out
    is kept in the *cache* folder (see SearchCache)."""
    stamp = hashlib.sha1(f"{list(provinces)!r}|{today}".encode()).hexdigest()
    kept = SearchCache(cache, stamp)
    return index_files(register_entries(products, provinces, today, kept), product_facets(provinces), kept)[0]


def write_register_index(products: Iterable[Product], provinces: Provinces, today: dt.date, out_dir: Path) -> Written:
    """The product search of the site (``output/search/``)."""
    return write_index(register_entries(products, provinces, today), product_facets(provinces), out_dir)


