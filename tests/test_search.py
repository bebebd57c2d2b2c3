"""Search index building in Python: text handling, the lunr.py index, shards, manifest, result store."""

import datetime as dt
import gzip
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from lunr.index import Index
from lunr.query import Query

from conftest import FIXTURE, ROOT, valid_record, write_record
from ocop import search
from ocop.register import load_register
from ocop.vntext import fold
from search_cases import CASES, case_entries, case_facets, check

VECTORS = json.loads((ROOT / "tests" / "fixtures" / "search_vectors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, folded", VECTORS["fold"])
def test_fold_vectors(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text, expected", VECTORS["terms"])
def test_terms_vectors(text, expected):
    assert [list(pair) for pair in search.terms(text)] == expected


def test_no_stop_words_stemmer_or_trimmer():
    words = "an me do my may in to no so i a tây sấy máy Đồng Đặc Đức Phổ hà"
    assert search.tokens(words) == fold(words).split()


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) == "Mn"


def _reference_pieces(text: str) -> list[str]:
    """The rule for words, scanned character by character (what search.py did before it used a regex)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if not _is_word_char(text[i]):
            i += 1
            continue
        j = i
        while True:
            while j < n and _is_word_char(text[j]):
                j += 1
            if j + 1 < n and text[j] in "/.-" and _is_word_char(text[j + 1]):
                j += 1
                continue
            break
        out.append(text[i:j])
        i = j
    return out


def test_word_characters_are_letters_digits_and_nonspacing_marks():
    for start in range(0, 0x110000, 0x1000):
        chars = [chr(c) for c in range(start, start + 0x1000) if not 0xD800 <= c < 0xE000]
        assert search._pieces(" ".join(chars)) == [ch for ch in chars if _is_word_char(ch)], hex(start)


def test_pieces_equal_the_character_scan():
    rng = random.Random(5)
    alphabet = "aZđ9ắ\u0301\u0323\u0670_/.- +,\u00a0\u2013\u0660\u00bd\u2160"  # marks, '_', dashes, other digits
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert search._pieces(text) == _reference_pieces(text), text


def test_decision_numbers_are_indexed_whole_and_in_parts():
    assert search._index_terms("123/QĐ-UBND") == (("123/qd-ubnd", "123/qđ-ubnd"), ("123", "123"), ("qd", "qđ"),
                                                  ("ubnd", "ubnd"))


@pytest.fixture(scope="module")
def case_index(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cases") / "search"
    search.write_index(case_entries(), case_facets(), out)
    return out


def _load(out: Path) -> tuple[dict, list[dict]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest, [json.loads((out / "s" / f"{name}.json").read_text(encoding="utf-8"))
                      for _, name, _ in manifest["shards"]]


def _lookup(shards: list[dict], folded: str, exact: str, prefix: bool) -> dict[int, list]:
    """search-engine.js's lookup() with lunr.py: ref -> [score, strict] for one word."""
    scores: dict[int, list] = {}
    for shard in shards:
        positions = [i for i, t in enumerate(shard["t"]) if (t.startswith(folded) if prefix else t == folded)]
        if not positions:
            continue
        index = Index.load(search.decode_terms(shard, positions))
        q = index.create_query()
        q.term(folded, use_pipeline=False, wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE)
        masks: dict[tuple[str, int], int] = {}
        for i in positions:
            for row in shard["p"][i]:
                if len(row) == 4:
                    ref = 0
                    for delta, mask in zip(row[1], row[3]):
                        ref += delta
                        masks[(shard["t"][i], ref)] = masks.get((shard["t"][i], ref), 0) | mask

        def strict(term, ref):
            written = shard["s"].get(term, [])
            same = [w.startswith(exact) if prefix else w == exact for w in written]
            if len(written) <= 1:
                return any(same)
            return any(ok and masks.get((term, ref), 0) >> i & 1 for i, ok in enumerate(same))

        for match in index.query(q):
            ref, terms = int(match["ref"]), list(match["match_data"].metadata)
            whole = not prefix or folded in terms
            scores[ref] = [match["score"] * (2 if whole else 1),
                           exact == folded or any(strict(t, ref) for t in terms)]
    return scores


def _py_search(out: Path, query: str) -> tuple[list[str], list[str], bool]:
    """The browser's ranking (search-engine.js) redone with lunr.py over the shards: main, partial, complete."""
    manifest, shards = _load(out)
    found = search.terms(query)
    typing = bool(re.search(r"\w$", query))
    words = []  # the word being typed matches the words it starts (these indexes are far below the limits)
    for i, (folded, exact) in enumerate(found):
        typed = typing and i == len(found) - 1
        if typed and len(folded) < 2 and len(found) > 1:
            continue
        if all(w[:2] != (folded, exact) for w in words):
            words.append((folded, exact, typed))
    if sum(len(w[0]) for w in words) < 2:
        return [], [], False
    hits: dict[int, list] = {}
    for word in words:
        for ref, (score, strict) in _lookup(shards, *word).items():
            hit = hits.setdefault(ref, [0, 0, 0.0])
            hit[0] += 1
            hit[1] += strict
            hit[2] += score
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], -kv[1][1], -kv[1][2], kv[0]))
    best = ranked[0][1][:2] if ranked else [0, 0]
    store = [row for name in manifest["store"]
             for row in json.loads((out / "r" / f"{name}.json").read_text(encoding="utf-8"))]
    main = [store[ref]["u"] for ref, hit in ranked if hit[:2] == best]
    near = [store[ref]["u"] for ref, hit in ranked if hit[:2] != best]
    return main, near, best[0] == len(words)


@pytest.mark.parametrize("case, query, expected", CASES, ids=[f"{c}-{q}" for c, q, _ in CASES])
def test_cases_in_python(case_index, case, query, expected):
    check(query, expected, *_py_search(case_index, query))


def test_index_keeps_vietnamese_terms(case_index):
    _, shards = _load(case_index)
    terms = {t for shard in shards for t in shard["t"]}
    for term in ["dong", "dac", "duc", "pho", "an", "me", "ong", "mat", "nghe", "123/qd-ubnd", "0912345678"]:
        assert term in terms, term
    assert not {"ng", "c", "ph", "h"} & terms  # what lunr.js's trimmer leaves of Đồng, Đặc, Phổ, hà


def _assert_shards_are_lunr_index(out: Path, entries: list) -> None:
    """The shards in *out*, decoded, are the stock lunr.py index of *entries* losslessly split."""
    manifest, _ = _load(out)
    whole = search.build_lunr(sorted(entries, key=lambda e: e.order or (e.key,)))
    postings, vectors = {}, {}
    starts = [first for first, _, _ in manifest["shards"]]
    assert starts == sorted(starts, key=lambda s: s.encode("utf-16-be"))
    for number, (first, name, gz) in enumerate(manifest["shards"]):
        raw = (out / "s" / f"{name}.json").read_bytes()
        assert gz == len(gzip.compress(raw, 6))
        assert raw.decode("utf-8") == search._dumps(json.loads(raw))  # assembled from parts: still plain JSON
        decoded = search.decode_shard(json.loads(raw))
        assert decoded["version"] == "2.3.9"
        field_vectors = dict(decoded["fieldVectors"])
        for term, posting in decoded["invertedIndex"]:
            # Every term sits in the shard a browser looks up: the last one starting at or before it.
            assert max(i for i, s in enumerate(starts) if s.encode("utf-16-be") <= term.encode("utf-16-be")) == number
            postings[term] = {f: set(docs) for f, docs in posting.items() if f != "_index" and docs}
            for field, docs in posting.items():
                if field == "_index":
                    continue
                for ref in docs:
                    vector = dict(zip(*[iter(field_vectors[f"{field}/{ref}"])] * 2))
                    vectors[(term, field, ref)] = vector[posting["_index"]]
    expected_vectors = {}
    index_of = {term: p["_index"] for term, p in whole["invertedIndex"]}
    for field_ref, vector in whole["fieldVectors"]:
        field, ref = field_ref.split("/")
        pairs = dict(zip(vector[::2], vector[1::2]))
        for term, index in index_of.items():
            if index in pairs:
                expected_vectors[(term, field, ref)] = pairs[index]
    assert postings == {t: {f: set(d) for f, d in p.items() if f != "_index" and d} for t, p in whole["invertedIndex"]}
    assert vectors == expected_vectors


def test_shards_are_lunr_index_losslessly_split(case_index):
    _assert_shards_are_lunr_index(case_index, case_entries())


def _varied_entries(count: int, seed: int) -> list:
    """Entries with repeated words, empty and missing fields, words spelled several ways, codes with '/'."""
    rng = random.Random(seed)
    words = ["cá", "cà", "ca", "Cá", "kho", "phê", "mật", "ong", "Đồng", "dong", "sản", "san", "sạn", "tháp",
             "123/QĐ-UBND", "0912 345 678", "TP.HCM", "a"]

    def text(most: int) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(0, most)))

    entries = []
    for n in range(count):
        texts = {"name": [text(8)], "producer": [text(3), ""], "place": [text(2), text(2), text(1)],
                 "code": [text(2)]}
        if n % 3:
            texts["group"] = [text(2)]
        if n % 7 == 0:
            del texts["producer"]
        entries.append(search.Entry(key=f"{n:03}", url=str(n), texts=texts, show={"n": str(n)}, facets={}))
    entries.append(search.Entry(key="999", url="999", texts={}, show={"n": "empty"}, facets={}))
    return entries


@pytest.mark.parametrize("boosts", [None, {"name": 3, "producer": 1.5, "place": 1, "group": 4, "code": 2}])
def test_weights_equal_stock_lunr_builder(tmp_path, monkeypatch, boosts):
    if boosts:
        monkeypatch.setattr(search, "FIELDS", boosts)
    entries = _varied_entries(80, seed=3)
    search.write_index(entries, [], tmp_path)
    _assert_shards_are_lunr_index(tmp_path, entries)


def test_index_from_the_search_cache_is_the_index_from_nothing(tmp_path, monkeypatch):
    """The index kept between builds, brought up to date, gives the files of an index made from nothing; an edit
    works out only the edited document's texts (as they were, to take them out, and as they are); a damaged
    cache is ignored."""
    entries = _varied_entries(300, seed=5)
    fresh, _ = search.index_files(entries, [])
    assert search.index_files(entries, [], tmp_path)[0] == fresh  # nothing kept yet: all worked out, then kept
    [kept] = tmp_path.glob("search-*.pickle")
    made = []
    real = search._field_terms
    monkeypatch.setattr(search, "_field_terms", lambda texts: made.append(texts) or real(texts))
    assert search.index_files(entries, [], tmp_path)[0] == fresh and made == []
    before = {tuple(entries[7].texts.get(name, ())) for name in search.FIELDS}
    entries[7].texts["name"] = ["Chè Thái Nguyên sửa lại"]
    edited = search.index_files(entries, [], tmp_path)[0]
    assert ("Chè Thái Nguyên sửa lại",) in made
    assert set(made) <= before | {tuple(entries[7].texts.get(name, ())) for name in search.FIELDS}
    monkeypatch.setattr(search, "_field_terms", real)
    assert edited == search.index_files(entries, [])[0]
    kept.write_bytes(kept.read_bytes()[:-9] + b"damaged!!")
    assert search.index_files(entries, [], tmp_path)[0] == edited


def test_index_brought_up_to_date_build_after_build_is_the_index_from_nothing(tmp_path):
    """Random edits, additions and deletions, some moving every document after them, some only a word: after
    each, the kept index brought up to date gives the bytes of an index made from nothing."""
    rng = random.Random(17)
    entries = _varied_entries(160, seed=9)
    spare = _varied_entries(60, seed=10)
    facets = [search.Facet("x", "X", [("a", "A"), ("b", "B")])]
    for entry in entries + spare:
        entry.facets = {"x": rng.choice("ab")}
    added = 0
    for step in range(40):
        move = rng.choice(["edit", "edit", "word", "add", "delete", "rename"])
        at = rng.randrange(len(entries))
        old = entries[at]
        if move in ("edit", "word"):
            texts = {name: list(texts) for name, texts in old.texts.items()}
            if move == "word":  # a word added to the name: longer names, shifted averages
                texts["name"] = [(texts.get("name") or [""])[0] + rng.choice([" cá", " Sạn", " mới"])]
            else:
                texts = spare[rng.randrange(len(spare))].texts
            entries[at] = search.Entry(old.key, old.url, texts, old.show, {"x": rng.choice("ab")})
        elif move == "add":
            added += 1
            source = spare[rng.randrange(len(spare))]
            entries.insert(at, search.Entry(f"{at:03}-{added}", f"new{added}", source.texts, {"n": "mới"},
                                            source.facets))
        elif move == "delete":
            entries.pop(at)
        else:  # a new key: the document moves in the order
            entries[at] = search.Entry(f"z{step}", old.url, old.texts, old.show, old.facets)
        kept = search.index_files(entries, facets, tmp_path)[0]
        assert kept == search.index_files(entries, facets)[0], (step, move)


def test_products_unchanged_since_the_search_cache_are_not_made_into_entries_again(tmp_path, monkeypatch):
    """The register's index from the cache (entries of unchanged products, spelling counts with only the texts
    that came or went counted) is the index from nothing, after an edit, an addition and a deletion."""
    from ocop.synthetic import generate

    generate(tmp_path / "content", 120, ROOT / "content" / "provinces", seed=11)
    register, report = load_register(tmp_path / "content")
    products, provinces, day = list(register.products), register.provinces, dt.date(2026, 12, 3)
    assert search.register_index_files(products, provinces, day, tmp_path) == search.register_index_files(
        products, provinces, day)
    made = []
    real = search.product_entry
    monkeypatch.setattr(search, "product_entry", lambda p, *rest: made.append(p.id) or real(p, *rest))
    assert search.register_index_files(products, provinces, day, tmp_path) == search.register_index_files(
        products, provinces, day)
    assert len(made) == len(products)  # the second call: no cache, every product made
    made.clear()
    edited = products[5]
    edited.data = {**edited.data, "name": edited.name + " Đặc Biệt", "producer": {"name": "HTX Mới Toanh"}}
    del edited.__dict__["digest"]  # its digest is worked out again from its data
    edited.source = ""
    products = products[:40] + products[41:] + [products[40]]  # a deletion and an addition: every ref moves
    products.pop(0)
    kept = search.register_index_files(products, provinces, day, tmp_path)
    assert made == [edited.id]
    assert kept == search.register_index_files(products, provinces, day)
    made.clear()
    assert search.register_index_files(products, provinces, day, tmp_path) == kept


def test_documents_share_the_shape_of_a_term_they_use_alike():
    entries = [search.Entry(key=k, url=k, texts={"name": [n]}, show={"n": n}, facets={})
               for k, n in [("1", "Chè xanh Thái"), ("2", "Chè đen Hà"), ("3", "Chè")]]
    names = [fields[0].shapes for fields in search.index_documents(entries).fields]
    assert names[0][0] == ("che", (1, 3, ("chè",))) and names[0][0][1] is names[1][0][1]  # same word, same field length
    assert names[2][0] == ("che", (1, 1, ("chè",)))
    assert not search._SHAPES  # the copies are kept by the documents, not by the module


def test_spellings_of_folded_words():
    entries = [search.Entry(key=k, url=k, texts={"name": [n]}, show={"n": n}, facets={})
               for k, n in [("1", "Cà phê"), ("2", "Cá kho cá"), ("3", "Ca cao cà")]]
    indexed = search.index_documents(entries)
    assert indexed.fields[1][0].pairs == (("ca", "cá"), ("kho", "kho"), ("ca", "cá"))
    assert indexed.spellings == {"ca": ["cà", "cá", "ca"], "phe": ["phê"]}  # kho, cao: spelled as folded
    state, _ = search.index_state(entries)
    assert state.spellings == indexed.spellings
    [[field, deltas, _, masks]] = state.rows("ca")  # refs 0, 1, 2 in the name field
    assert (field, deltas, masks) == (0, [0, 1, 1], [0b001, 0b010, 0b101])
    assert [len(row) for row in state.rows("kho")] == [3]  # one spelling: no masks


def test_cá_finds_cá_before_cà(tmp_path):
    entries = [search.Entry(key=k, url=k, texts={"name": [n]}, show={"n": n}, facets={})
               for k, n in [("1", "Cà phê"), ("2", "Cá kho"), ("3", "Ca cao"), ("4", "Cà ri cá")]]
    search.write_index(entries, [], tmp_path)
    main, near, _ = _py_search(tmp_path, "cá ")
    assert sorted(main) == ["2", "4"] and sorted(near) == ["1", "3"]
    main, near, _ = _py_search(tmp_path, "cà ")
    assert sorted(main) == ["1", "4"] and sorted(near) == ["2", "3"]
    main, near, _ = _py_search(tmp_path, "ca ")
    assert set(main) == {"1", "2", "3", "4"} and near == []


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory) -> tuple[Path, list]:
    register, report = load_register(FIXTURE)
    out = tmp_path_factory.mktemp("fixture") / "search"
    written = search.write_register_index(register.products, register.provinces, dt.date(2026, 12, 3), out)
    assert written.documents == 4
    return out, register


def test_manifest_facets_and_store(fixture_index):
    out, register = fixture_index
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["lunr"] == "2.3.9" and manifest["count"] == 4
    assert [f[0] for f in manifest["facets"]] == ["tinh", "sao", "nganh", "trang-thai"]
    store = [row for name in manifest["store"] for row in json.loads((out / "r" / f"{name}.json").read_text("utf-8"))]
    # Documents are numbered in name order; one character per document and facet gives its values.
    assert [row["n"] for row in store] == ["Đặc sản Đà Lạt mứt dâu", "Muối ớt Bạc Liêu", "Nho Bồng Lai Farm",
                                           "Tôm khô Cà Mau"]
    facets = manifest["facets"]
    by_url = {row["u"]: [facets[f][2][ord(column[ref]) - 48][0] if column[ref] != "/" else None
                         for f, column in enumerate(manifest["values"])] for ref, row in enumerate(store)}
    assert by_url["san-pham/96-muoi-ot-bac-lieu/"] == ["ca-mau", "5", "thuc-pham", "con-hieu-luc"]
    assert by_url["san-pham/96-tom-kho-ca-mau/"] == ["ca-mau", "3", "chua-ro", "thu-hoi"]
    assert by_url["san-pham/68-mut-dau-da-lat/"] == ["lam-dong", "4", "thuc-pham", "het-han"]
    muoi = next(row for row in store if row["u"] == "san-pham/96-muoi-ot-bac-lieu/")
    assert muoi == {"u": "san-pham/96-muoi-ot-bac-lieu/", "n": "Muối ớt Bạc Liêu", "p": "Công ty TNHH Muối Đông Hải",
                    "l": "Bạc Liêu (nay thuộc Cà Mau)"}


def test_former_province_commune_group_and_codes_are_searchable(fixture_index):
    out, _ = fixture_index
    for query, url in [("Bac Lieu", "san-pham/96-muoi-ot-bac-lieu/"), ("Đắk Nông", "san-pham/68-mut-dau-da-lat/"),
                       ("hiep thanh", "san-pham/68-nho-bong-lai-farm/"), ("3763/QĐ-UBND", "san-pham/96-tom-kho-ca-mau/"),
                       ("0263 3123 456", "san-pham/68-nho-bong-lai-farm/"), ("thuc pham", "san-pham/68-nho-bong-lai-farm/"),
                       ("0300588569", "san-pham/68-nho-bong-lai-farm/")]:
        main, _, complete = _py_search(out, query)
        assert url in main and complete, query


def test_empty_register_has_an_empty_index(tmp_path):
    written = search.write_index([], search.product_facets([]), tmp_path / "search")
    manifest = json.loads((tmp_path / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert (written.documents, written.shards, manifest["shards"], manifest["count"]) == (0, 0, [], 0)


def test_write_index_replaces_the_folder(tmp_path):
    out = tmp_path / "search"
    search.write_index(case_entries(), case_facets(), out)
    stale = out / "s" / "stale.json"
    stale.write_text("{}")
    search.write_index(case_entries(), case_facets(), out)
    assert not stale.exists() and (out / "manifest.json").exists()


def test_synthetic_register_is_valid_and_deterministic(tmp_path):
    from ocop.synthetic import generate

    generate(tmp_path / "a", 60, ROOT / "content" / "provinces", seed=7)
    generate(tmp_path / "b", 60, ROOT / "content" / "provinces", seed=7)
    register, report = load_register(tmp_path / "a")
    assert report.lines() == [] and len(register.products) == 60 and len(register.provinces) == 34
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.yaml"))
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    with pytest.raises(FileExistsError):
        generate(tmp_path / "a", 1, ROOT / "content" / "provinces")


def test_product_entry_fields(content):
    write_record(content, valid_record(district="huyện Lạc Dương"))
    register, report = load_register(content)
    assert report.ok
    entry = search.product_entry(register.products[0], register.provinces, dt.date(2026, 1, 1))
    assert entry.texts["place"] == ["xã Xuân Trường", "huyện Lạc Dương", "Lâm Đồng"]
    assert entry.texts["code"] == ["1234/QĐ-UBND", "", "0263 3123 456", "0300588569"]
    assert entry.facets == {"tinh": "lam-dong", "sao": "4", "nganh": "thuc-pham", "trang-thai": "con-hieu-luc"}
