"""The search index kept between builds and brought up to date with what changed.

The site's search (``search.py``) is one lunr.py index, BM25 weights of every term in every field of every
document, cut into shards. Worked out whole, at national scale that is more than a second of one core, even
after an edit of one record. ``SearchState`` keeps what the last build worked out: the documents by position,
each field's postings (term -> positions and shapes), the field lengths, how often each spelling occurs, each
term's encoded postings, the shards and result-store files made of them. ``update`` brings it to a new list of
documents:

* the postings of documents that went are taken out and those of documents that came put in; when documents
  moved (one added or removed before them) every position is renumbered;
* a term is encoded again when its postings, its document frequency or its spellings changed, or one of its
  weights did: BM25 depends on the number of documents and each field's average length, and after rounding to
  three decimals most weights survive a small change of either;
* a shard is made again when one of its terms was encoded again or its cut moved, a store file when one of its
  documents changed.

A state made from nothing (an empty one updated to the documents) gives the files of the whole index; one
updated build after build gives the same bytes (``tests/test_search.py``, with lunr.py's own index as reference).
Kept in ``.cache/ocop/search-<code>.pickle`` (checked like every cache file); deleting it is always safe.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import math
import os
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from .cache import code_digest, read_pickle, remove_others, write_pickle

if TYPE_CHECKING:  # search.py imports this module
    from .search import Entry, Facet, _FieldTerms

# lunr.py 0.8.0's BM25 parameters (Builder._k1, Builder._b).
K1, B = 1.2, 0.75

dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # compact JSON, UTF-8 kept


class Shard(NamedTuple):
    """A file of the index: its terms (its documents, for a store file), bytes, name (a digest of them) and
    compressed size."""

    words: tuple[str, ...]
    data: bytes
    name: str
    gzip_size: int


def utf16(text: str) -> bytes:
    """Sort key equal to JavaScript's string order (UTF-16 code units)."""
    return text.encode("utf-16-be")


def doc_keys(entries: list["Entry"]) -> list[str]:
    """What identifies each document: a digest of its entry (the register's index names a product's document by its
    digest and status instead); the same content twice gets a number after its key."""
    keys = [hashlib.sha1(repr((entry.key, entry.url, entry.texts, entry.show, entry.facets, entry.order))
                         .encode()).hexdigest() for entry in entries]
    if len(set(keys)) < len(keys):
        seen: dict[str, int] = {}
        for i, key in enumerate(keys):
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                keys[i] = f"{key}#{seen[key]}"
    return keys


def _made(words: tuple[str, ...], text: str) -> Shard:
    """A file of *text*, named by its digest (so browsers may cache it forever)."""
    data = text.encode("utf-8")
    return Shard(words, data, hashlib.sha256(data).hexdigest()[:10], len(gzip.compress(data, 6)))


class SearchState:
    """Everything the index's files are made of, for the documents of the last update (see the module)."""

    def __init__(self, fields: dict[str, float], spellings_kept: int):
        self.fields, self.boosts, self.spellings_kept = list(fields), list(fields.values()), spellings_kept
        self.keys: list[str] = []  # documents by position
        # document -> its texts per field (a Python literal), its row of the result store (JSON), one character per
        # facet (see _facet_chars): what the files need of it, in few objects (quick to read back)
        self.docs: dict[str, tuple[str, str, str]] = {}
        self.facets: str = dumps([])  # the facets the characters are of (see suits)
        self.columns: list[dict[str, list]] = [{} for _ in self.fields]  # term -> [positions, shapes]
        self.lengths = [0] * len(self.fields)
        self.frequency: dict[str, int] = {}  # term -> fields of documents having it (lunr's idf counts those)
        self.counts: dict[tuple[str, str], int] = {}  # (folded, spelled) -> occurrences
        self.spellings: dict[str, list[str]] = {}
        self.encoded: dict[str, str] = {}  # term -> its postings as JSON
        self.basis: tuple = (0, tuple(0 for _ in self.fields))  # (documents, average field lengths) of the weights
        self.terms: list[str] = []  # in JavaScript order
        self.order: list[bytes] = []  # their UTF-16 keys
        self.shards: dict[str, Shard] = {}  # by first term
        self.store: dict[tuple[str, ...], Shard] = {}  # by the documents of the file

    # --- kept between builds ---------------------------------------------------------------------------

    @staticmethod
    def path(folder: Path) -> Path:
        return folder / f"search-{code_digest(everything=True)}.pickle"

    @classmethod
    def load(cls, folder: Path | None, stamp: str, fields: dict[str, float], spellings_kept: int) -> "SearchState":
        """The state kept in *folder* for the same *stamp* (what every entry depends on besides its product), or
        an empty one."""
        if folder is not None:
            kept = read_pickle(cls.path(folder), None)
            if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp and isinstance(kept[1], cls) \
                    and kept[1].fields == list(fields) and kept[1].boosts == list(fields.values()):
                return kept[1]
        return cls(fields, spellings_kept)

    def save(self, folder: Path | None, stamp: str) -> None:
        """Keep this state in *folder* (atomically; a state that cannot be written is skipped)."""
        if folder is not None and write_pickle(self.path(folder), (stamp, self)):
            remove_others(self.path(folder), "search-*.pickle")

    def save_later(self, folder: Path | None, stamp: str) -> None:
        """``save`` in a process of its own that nothing waits for (the build need not wait for its cache)."""
        if folder is None:
            return
        try:
            pid = os.fork()
        except (AttributeError, OSError):
            self.save(folder, stamp)
            return
        if pid == 0:  # the writer: never returns into the caller's code
            try:
                os.setsid()
                self.save(folder, stamp)
            finally:
                os._exit(0)

    # --- bringing it up to date -------------------------------------------------------------------------

    def suits(self, facets: list["Facet"]) -> "SearchState":
        """This state, or an empty one when it was made for other *facets* (its documents' characters are theirs)."""
        signature = dumps([[f.param, [key for key, _ in f.values]] for f in facets])
        if signature == self.facets:
            return self
        state = SearchState(dict(zip(self.fields, self.boosts)), self.spellings_kept)
        state.facets = signature
        return state

    def update(self, keys: list[str], new: dict[str, "Entry"], facets: list["Facet"],
               field_terms: Callable[[tuple[str, ...]], "_FieldTerms"]) -> set[str]:
        """Bring the state (one that ``suits`` the *facets*) to the documents *keys* (in index order), the entries
        of those it does not hold in *new*; *field_terms* gives the terms of a field's texts. Returns the terms
        encoded again (``files`` makes again the shards holding them)."""
        numbers = [(f.param, {key: i for i, (key, _) in enumerate(f.values)}) for f in facets]
        if keys == self.keys:
            return set()
        if not self.keys:
            return self._build(keys, new, numbers, field_terms)
        was = {key: i for i, key in enumerate(self.keys)}
        now = set(keys)
        dirty: set[str] = set()  # terms to encode again
        folded: set[str] = set()  # words whose spellings may have changed
        for i, key in enumerate(self.keys):
            if key not in now:
                texts = ast.literal_eval(self.docs.pop(key)[0])
                self._take_out(i, [field_terms(tuple(t)) for t in texts], dirty, folded)
        moves = [-1] * len(self.keys)
        moved = False
        for j, key in enumerate(keys):
            i = was.get(key)
            if i is not None:
                moves[i] = j
                moved = moved or i != j
        if moved:
            self._renumber(moves, dirty)
        for j, key in enumerate(keys):
            if key not in was:
                self._put_in(j, [field_terms(tuple(t)) for t in self._keep(key, new[key], numbers)], dirty, folded)
        self.keys = keys
        self._spell(folded, dirty)
        self._reweigh(dirty)
        self._encode(dirty)
        return dirty

    def _keep(self, key: str, entry: "Entry", numbers: list) -> list:
        """Keep what the files need of a new document (see *docs*); its texts per field."""
        texts = [entry.texts.get(name, ()) for name in self.fields]
        self.docs[key] = (repr(texts), dumps({"u": entry.url, **entry.show}), _facet_chars(entry.facets, numbers))
        return texts

    def _build(self, keys: list[str], new: dict[str, "Entry"], numbers: list,
               field_terms: Callable[[tuple[str, ...]], "_FieldTerms"]) -> set[str]:
        """The state of *keys* made from nothing: postings appended in document order, everything encoded."""
        columns, lengths, pairs = self.columns, self.lengths, []
        for ref, key in enumerate(keys):
            for number, texts in enumerate(self._keep(key, new[key], numbers)):
                terms_ = field_terms(tuple(texts))
                column = columns[number]
                lengths[number] += len(terms_.pairs)
                pairs.append(terms_.pairs)
                for term, shape in terms_.shapes:
                    entry = column.get(term)
                    if entry is None:
                        column[term] = [[ref], [shape]]
                    else:
                        entry[0].append(ref)
                        entry[1].append(shape)
        frequency = self.frequency
        for column in columns:
            for term, (refs, _) in column.items():
                frequency[term] = frequency.get(term, 0) + len(refs)
        self.counts = dict(Counter(chain.from_iterable(pairs)))
        self.keys = keys
        dirty = set(frequency)
        self._spell({word for word, _ in self.counts}, set())
        count = len(keys)
        self.basis = (count, tuple(total / count if count else 0 for total in lengths))
        self._encode(dirty)
        return dirty

    def _take_out(self, ref: int, fields: list, dirty: set, folded: set) -> None:
        for number, terms_ in enumerate(fields):
            column = self.columns[number]
            self.lengths[number] -= len(terms_.pairs)
            for term, _ in terms_.shapes:
                refs, shapes = column[term]
                at = bisect_left(refs, ref)
                del refs[at], shapes[at]
                if not refs:
                    del column[term]
                self.frequency[term] -= 1
                dirty.add(term)
            self._count(terms_.pairs, -1, folded)

    def _put_in(self, ref: int, fields: list, dirty: set, folded: set) -> None:
        for number, terms_ in enumerate(fields):
            column = self.columns[number]
            self.lengths[number] += len(terms_.pairs)
            for term, shape in terms_.shapes:
                entry = column.get(term)
                if entry is None:
                    column[term] = [[ref], [shape]]
                elif entry[0][-1] < ref:  # documents come in order: at the end, mostly
                    entry[0].append(ref)
                    entry[1].append(shape)
                else:
                    at = bisect_left(entry[0], ref)
                    entry[0].insert(at, ref)
                    entry[1].insert(at, shape)
                self.frequency[term] = self.frequency.get(term, 0) + 1
                dirty.add(term)
            self._count(terms_.pairs, 1, folded)

    def _count(self, pairs, sign: int, folded: set) -> None:
        counts = self.counts
        for pair in pairs:
            n = counts.get(pair, 0) + sign
            if n:
                counts[pair] = n
            else:
                del counts[pair]
            folded.add(pair[0])

    def _renumber(self, moves: list[int], dirty: set) -> None:
        """Give every posting its document's new position (documents keep their order among themselves)."""
        for column in self.columns:
            for term, entry in column.items():
                refs = entry[0]
                renumbered = [moves[r] for r in refs]
                if renumbered != refs:
                    entry[0] = renumbered
                    dirty.add(term)

    def _spell(self, folded: set, dirty: set) -> None:
        """The spellings of the *folded* words, most used first (at most spellings_kept), when any differs."""
        if not folded:
            return
        variants: dict[str, list[str]] = {word: [] for word in folded}
        for word, spelled in self.counts:
            if word in variants:
                variants[word].append(spelled)
        for word, spelled in variants.items():
            if len(spelled) > 1 or (spelled and spelled[0] != word):
                ranked = sorted(spelled, key=lambda w: (-self.counts[(word, w)], utf16(w)))[:self.spellings_kept]
            else:
                ranked = None
            if self.spellings.get(word) != ranked:
                if ranked is None:
                    del self.spellings[word]
                else:
                    self.spellings[word] = ranked
                dirty.add(word)

    def _weigher(self, basis: tuple) -> Callable[[int, int, int, int], int]:
        """lunr.py's weight (``Builder._create_field_vectors``: BM25 with field boosts, rounded to three decimals),
        with the same floating-point operations in the same order, for *basis* (documents, average lengths)."""
        count, averages = basis
        boosts = self.boosts

        @lru_cache(maxsize=None)
        def weight(number: int, documents: int, tf: int, length: int) -> int:
            x = (count - documents + 0.5) / (documents + 0.5)
            idf = math.log(1 + abs(x))
            score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / averages[number])) + tf)
            score *= boosts[number]
            return int(round(score, 3) * 1000 + 0.5)
        return weight

    def _reweigh(self, dirty: set) -> None:
        """Add to *dirty* the terms one of whose weights the new document count or average lengths changed."""
        count = len(self.keys)
        basis = (count, tuple(total / count if count else 0 for total in self.lengths))
        old, self.basis = self.basis, basis
        if old == basis:
            return
        before, after = self._weigher(old), self._weigher(basis)
        frequency = self.frequency
        for number, column in enumerate(self.columns):
            if count == old[0] and basis[1][number] == old[1][number]:
                continue
            changed: dict[tuple, bool] = {}
            for term, (_, shapes) in column.items():
                if term in dirty:
                    continue
                documents = frequency[term]
                for shape in shapes:
                    key = (documents, shape[0], shape[1])
                    moved = changed.get(key)
                    if moved is None:
                        moved = changed[key] = before(number, *key) != after(number, *key)
                    if moved:
                        dirty.add(term)
                        break

    def rows(self, term: str, weight: Callable[[int, int, int, int], int] | None = None) -> list[list]:
        """The term's postings: [[field number, [position gaps], [weights x 1000], [spelling masks]?], ...].

        A term's document frequency counts every field it occurs in, as lunr's ``idf`` does; the masks (which of
        the term's spellings each document uses) are there only for terms spelled several ways."""
        weight = weight or self._weigher(self.basis)
        documents = self.frequency[term]
        written = self.spellings.get(term, ())
        where = {w: i for i, w in enumerate(written)} if len(written) > 1 else None
        rows = []
        for number, column in enumerate(self.columns):
            entry = column.get(term)
            if entry is None:
                continue
            refs, shapes = entry
            deltas = [refs[0]] + [b - a for a, b in zip(refs, refs[1:])]
            row = [number, deltas, [weight(number, documents, tf, length) for tf, length, _ in shapes]]
            if where is not None:
                row.append([_mask(words, where) for _, _, words in shapes])
            rows.append(row)
        return rows

    def _encode(self, dirty: set) -> None:
        """Encode the *dirty* terms' postings again (a term no document has any more goes)."""
        weight = self._weigher(self.basis)
        came = []
        for term in dirty:
            if self.frequency.get(term, 0) <= 0:
                self.frequency.pop(term, None)
                if self.encoded.pop(term, None) is not None:
                    at = bisect_left(self.order, utf16(term))
                    del self.terms[at], self.order[at]
                continue
            if term not in self.encoded:
                came.append(term)
            self.encoded[term] = dumps(self.rows(term, weight))
        if len(came) > 64:  # many new terms (an index from nothing): sorted once
            self.order, self.terms = map(list, zip(*sorted((utf16(t), t) for t in self.encoded))) if self.encoded \
                else ([], [])
        else:
            for term in came:
                key = utf16(term)
                at = bisect_left(self.order, key)
                self.terms.insert(at, term)
                self.order.insert(at, key)

    # --- the files ---------------------------------------------------------------------------------------

    def files(self, facets: list["Facet"], dirty: set[str], target: int, chunk: int, lunr_version: str
              ) -> tuple[dict[str, bytes], int, int, int, int]:
        """The index's files for the documents of the last update (which encoded the *dirty* terms again), by
        path: shards of about *target* bytes of JSON (one word's postings are never split), result-store files
        of *chunk* documents, the manifest; with the number of shards and store files, their bytes and gzip
        bytes. Shards and store files whose content is the last build's are not made again."""
        head = f'{{"v":{dumps(lunr_version)},"f":{dumps(self.fields)},"t":'
        files: dict[str, bytes] = {}
        total = total_gz = 0
        cuts: list[list[str]] = []
        current: list[str] = []
        size = 0
        encoded = self.encoded
        for term in self.terms:
            if current and size >= target:
                cuts.append(current)
                current, size = [], 0
            current.append(term)
            size += len(encoded[term]) + len(term) + 4
        if current:
            cuts.append(current)
        shard_rows, shards = [], {}
        for words in map(tuple, cuts):
            shard = self.shards.get(words[0])
            if shard is None or shard.words != words or not dirty.isdisjoint(words):
                shard = _made(words, f'{head}{dumps(words)},"p":[{",".join(encoded[w] for w in words)}],'
                                     f'"s":{dumps({w: self.spellings[w] for w in words if w in self.spellings})}}}')
            shards[words[0]] = shard
            files[f"s/{shard.name}.json"] = shard.data
            shard_rows.append([words[0], shard.name, shard.gzip_size])
            total, total_gz = total + len(shard.data), total_gz + shard.gzip_size
        store_names, store = [], {}
        for start in range(0, len(self.keys), chunk):
            keys = tuple(self.keys[start:start + chunk])
            made = self.store.get(keys)
            if made is None:
                made = _made(keys, f'[{",".join(self.docs[key][1] for key in keys)}]')
            store[keys] = made
            files[f"r/{made.name}.json"] = made.data
            store_names.append(made.name)
            total, total_gz = total + len(made.data), total_gz + made.gzip_size
        self.shards, self.store = shards, store
        chars = [self.docs[key][2] for key in self.keys]
        manifest = {
            "lunr": lunr_version, "count": len(self.keys), "fields": self.fields,
            "shards": shard_rows, "chunk": chunk, "store": store_names,
            "facets": [[f.param, f.label, [list(v) for v in f.values]] for f in facets],
            "values": ["".join(column) for column in zip(*chars)] if chars else ["" for _ in facets],
        }
        data = dumps(manifest).encode("utf-8")
        files["manifest.json"] = data
        return (files, len(shard_rows), len(store_names), total + len(data),
                total_gz + len(gzip.compress(data, 6)))


def _facet_chars(values: dict[str, str], numbers: list[tuple[str, dict[str, int]]]) -> str:
    """A document's facet *values* as one character per facet: 48 + the value's number among the facet's
    (*numbers*: per facet, its parameter and the number of each value), "/" for none; the manifest's "values"
    are these, one string per facet."""
    return "".join(chr(48 + number.get(values.get(param), -1)) for param, number in numbers)


def _mask(words: tuple[str, ...], where: dict[str, int]) -> int:
    """Bit mask of the spellings *words* among the listed ones (their positions in *where*)."""
    mask = 0
    for word in words:
        if word in where:
            mask |= 1 << where[word]
    return mask
