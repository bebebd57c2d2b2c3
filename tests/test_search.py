"""Search index building in Python: text handling, the lunr.py index, shards, manifest, result store."""

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest
from lunr.builder import Builder
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


def test_decision_numbers_are_indexed_whole_and_in_parts():
    assert search._index_terms("123/QĐ-UBND") == (("123/qd-ubnd", "123/qđ-ubnd"), ("123", "123"), ("qd", "qđ"),
                                                  ("ubnd", "ubnd"))


@pytest.fixture(scope="module")
def case_index(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cases") / "search"
    search.write_index(case_entries(), case_facets(), out)
    return out


def _load(out: Path) -> tuple[dict, list[tuple[Index, dict]]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shards = [json.loads((out / "s" / f"{name}.json").read_text(encoding="utf-8")) for _, name, _ in manifest["shards"]]
    return manifest, [(Index.load(search.decode_shard(s)), s["x"]) for s in shards]


def _py_search(out: Path, query: str) -> tuple[list[str], list[str], bool]:
    """The browser's ranking (search-engine.js) redone with lunr.py over every shard: main, partial, complete."""
    manifest, indexes = _load(out)
    found = search.terms(query)
    typing = bool(re.search(r"\w$", query))
    words = []
    for i, (folded, exact) in enumerate(found):
        prefix = typing and i == len(found) - 1
        if prefix and len(folded) < 2 and len(found) > 1:
            continue
        if (folded, exact, prefix) not in words:
            words.append((folded, exact, prefix))
    if sum(len(w[0]) for w in words) < 2:
        return [], [], False
    hits: dict[int, list] = {}
    for folded, exact, prefix in words:
        scores: dict[int, list] = {}

        def same(spelling):
            return spelling is not None and (spelling.startswith(exact) if prefix else spelling == exact)

        for index, spelled in indexes:
            q = index.create_query()
            q.term(folded, use_pipeline=False, boost=4)
            if prefix:
                q.term(folded, use_pipeline=False, wildcard=Query.WILDCARD_TRAILING)
            if exact != folded:
                q.term(exact, use_pipeline=False, boost=12, fields=["exact"],
                       wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE)
            for match in index.query(q):
                strict = exact == folded or any(same(t if fold(t) != t else spelled.get(t))
                                                for t in match["match_data"].metadata)
                row = scores.setdefault(int(match["ref"]), [0.0, False])
                row[0] += match["score"]
                row[1] = row[1] or strict
        for ref, (score, strict) in scores.items():
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
    _, indexes = _load(case_index)
    terms = {t for index, _ in indexes for t in index.inverted_index}
    for term in ["dong", "dac", "duc", "pho", "an", "me", "ong", "mat", "nghe", "123/qd-ubnd", "0912345678"]:
        assert term in terms, term
    assert not {"ng", "c", "ph", "h"} & terms  # what lunr.js's trimmer leaves of Đồng, Đặc, Phổ, hà


def test_term_builder_equals_lunr_builder():
    entries = case_entries()
    assert search.build_lunr(entries) == search.build_lunr(entries, Builder)


def test_shards_are_lunr_index_losslessly_split(case_index):
    manifest, _ = _load(case_index)
    entries = sorted(case_entries(), key=lambda e: e.key)
    whole = search.build_lunr(entries)
    postings, vectors = {}, {}
    starts = [first for first, _, _ in manifest["shards"]]
    assert starts == sorted(starts, key=lambda s: s.encode("utf-16-be"))
    for number, (first, name, gz) in enumerate(manifest["shards"]):
        raw = (case_index / "s" / f"{name}.json").read_bytes()
        assert gz == len(gzip.compress(raw, 6))
        decoded = search.decode_shard(json.loads(raw))
        assert decoded["version"] == "2.3.9"
        for term, posting in decoded["invertedIndex"]:
            # Every term sits in the shard a browser looks up: the last one starting at or before its folded form.
            assert max(i for i, s in enumerate(starts) if s.encode("utf-16-be") <= fold(term).encode("utf-16-be")) \
                == number
            postings[term] = {f: set(docs) for f, docs in posting.items() if f != "_index" and docs}
            for field, docs in posting.items():
                if field == "_index":
                    continue
                for ref in docs:
                    vector = dict(zip(*[iter(dict(decoded["fieldVectors"])[f"{field}/{ref}"])] * 2))
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


def test_spellings_rank_cá_above_cà():
    entries = [search.Entry(key=k, url=k, texts={"name": [n]}, show={"n": n}, facets={})
               for k, n in [("1", "Cà phê"), ("2", "Cá kho"), ("3", "Ca cao")]]
    terms, single = search.index_documents(entries)
    assert [t["exact"] for t in terms] == [["cà"], ["cá"], []]
    assert single == {"phe": "phê"}  # kho, cao: spelled as folded; ca: three spellings
    # A folded word with a single spelling needs no exact term, only its spelling.
    only, single = search.index_documents([search.Entry("1", "1", {"name": ["Đặc sản"]}, {"n": ""}, {})])
    assert only[0]["exact"] == [] and single == {"dac": "đặc", "san": "sản"}


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
    # Documents are numbered by province, then group, stars, status: runs give every document's facets.
    width = len(manifest["facets"]) + 1
    runs, rows, start = manifest["runs"], {}, 0
    for r in range(0, len(runs), width):
        start += runs[r]
        end = start + runs[r + width] if r + width < len(runs) else manifest["count"]
        for ref in range(start, end):
            rows[ref] = [manifest["facets"][f][2][v][0] for f, v in enumerate(runs[r + 1:r + width])]
    by_url = {row["u"]: rows[ref] for ref, row in enumerate(store)}
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
