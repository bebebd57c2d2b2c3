"""Search cases B12, B13, B15 and B16 (tests/fixtures/cases/*.txt) as data, for Python and browser tests.

The documents are B12_docs.json, indexed through our own pipeline (``ocop.search``) with fields mapped as
ten -> name, chu_the -> producer, tinh -> place, so_qd and dien_thoai -> code.

Each case: the query as typed, then what must hold of the result —
``main``: the documents listed first (every word matched, or the most words any document matched), any order;
``complete``: whether some document matched every word; ``also``: documents listed after the main ones
(partial matches); ``first``: the top result.
"""

from __future__ import annotations

import json
import unicodedata

from conftest import ROOT
from ocop.search import Entry, Facet

CASES_DIR = ROOT / "tests" / "fixtures" / "cases"
ALL = ["HG-001", "DT-002", "QN-003", "LA-004", "NA-005", "BT-006", "HY-007"]


def case_docs() -> list[dict]:
    return json.loads((CASES_DIR / "B12_docs.json").read_text(encoding="utf-8"))["docs"]


def case_entries() -> list[Entry]:
    """B12_docs.json as search entries; the store row's link is the document id."""
    return [Entry(key=d["id"], url=d["id"], texts={"name": [d["ten"]], "producer": [d["chu_the"]],
                                                   "place": [d["tinh"]], "code": [d["so_qd"], d["dien_thoai"]]},
                  show={"n": d["ten"], "p": d["chu_the"]}, facets={"tinh": d["tinh"]})
            for d in case_docs()]


def case_facets() -> list[Facet]:
    return [Facet("tinh", "Tỉnh", [(d["tinh"], d["tinh"]) for d in case_docs()])]


NFD_DONG_THAP = unicodedata.normalize("NFD", "Đồng Tháp")
assert NFD_DONG_THAP == "\u0110o\u0302\u0300ng Tha\u0301p"

CASES = [
    # B12: letters at word edges are kept (no trimmer).
    ("B12", "Đồng", {"main": {"HG-001", "DT-002"}}),
    ("B12", "Đặc sản", {"main": {"DT-002"}}),
    ("B12", "Đức", {"main": {"QN-003"}}),
    ("B12", "Phổ", {"main": {"QN-003"}}),
    ("B12", "hà giang", {"main": {"HG-001"}}),
    # B13: no diacritics, đ, NFD input, case.
    ("B13", "dong thap", {"main": {"DT-002"}, "complete": True, "also": {"HG-001"}}),
    ("B13", "Dong Thap", {"main": {"DT-002"}, "complete": True, "also": {"HG-001"}}),
    ("B13", "dac san", {"main": {"DT-002"}}),
    ("B13", "duc pho", {"main": {"QN-003"}}),
    ("B13", NFD_DONG_THAP, {"main": {"DT-002"}, "complete": True, "also": {"HG-001"}}),
    ("B13", "đồng tháp", {"main": {"DT-002"}, "complete": True, "also": {"HG-001"}}),
    ("B13", "ĐỒNG THÁP", {"main": {"DT-002"}, "complete": True, "also": {"HG-001"}}),
    # B15: characters lunr reads as query syntax are plain text here.
    ("B15", "Số QĐ: 123", {"main": {"HG-001"}, "complete": False}),
    ("B15", "HTX:", {"main": {"HG-001", "LA-004", "HY-007"}}),
    ("B15", "~", {"main": set(), "also": set()}),
    ("B15", "mật^", {"main": {"HG-001"}}),
    ("B15", "ong:sen", {"main": {"HG-001", "DT-002"}, "complete": False}),
    ("B15", "123/QĐ-UBND", {"main": {"HG-001"}, "complete": True, "also": set()}),
    ("B15", "QĐ-UBND", {"main": set(ALL), "complete": True}),
    ("B15", "-ong", {"main": {"HG-001"}}),
    ("B15", "0912 345 678", {"main": {"HG-001"}, "also": set()}),
    ("B15", "091-234-5678", {"main": {"HG-001"}, "also": set()}),
    ("B15", "+84 912 345 678", {"main": {"HG-001"}, "also": set()}),
    # B16: no English stop words, no English stemmer.
    ("B16", "An", {"main": {"LA-004", "NA-005"}}),
    ("B16", "Long An", {"first": "LA-004", "main": {"LA-004"}, "complete": True}),
    ("B16", "Nghệ An", {"first": "NA-005", "main": {"NA-005"}, "complete": True}),
    ("B16", "me", {"main": {"BT-006"}}),
    ("B16", "Mứt me", {"main": {"BT-006"}, "complete": True}),
    ("B16", "mật*", {"main": {"HG-001"}}),
]


def check(query: str, expected: dict, main: list[str], near: list[str], complete: bool) -> None:
    """Assert one case against a ranked result (main list, partial list, whether every word matched)."""
    where = f"{query!r}: main={main} near={near}"
    assert set(main) == expected["main"], where
    if "complete" in expected:
        assert complete == expected["complete"], where
    if "also" in expected:
        assert set(near) == expected["also"], where
    if "first" in expected:
        assert main[0] == expected["first"], where
    assert len(main) == len(set(main)) and not set(main) & set(near), where
