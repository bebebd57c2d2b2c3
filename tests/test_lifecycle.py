"""Certificate lifecycle on fixed dates: every transition, the 36-month default, history, as-of."""

import datetime as dt

import pytest

from conftest import valid_record, write_record
from ocop.lifecycle import add_months, state_on, status_change, timeline
from ocop.register import load_register

D = dt.date.fromisoformat


def state(record, day):
    return state_on(timeline(record), status_change(record), D(day))


@pytest.mark.parametrize("start, months, end", [
    ("2024-03-13", 36, "2027-03-13"), ("2024-02-29", 36, "2027-02-28"), ("2023-10-31", 4, "2024-02-29"),
    ("2023-12-15", 1, "2024-01-15"),
])
def test_add_months(start, months, end):
    assert add_months(D(start), months) == D(end)


def test_default_expiry_is_36_months_after_the_decision():
    record = valid_record(certification={"decision": "1/QĐ-UBND", "decided_on": "2024-03-13"})
    assert timeline(record)[-1].expires_on == D("2027-03-13")
    assert timeline(record)[-1].expiry_derived


@pytest.mark.parametrize("day, status, days_left", [
    ("2024-03-12", None, None),            # not yet recognised
    ("2024-03-13", "active", 1095),
    ("2026-12-12", "active", 91),
    ("2026-12-13", "expiring-90", 90),
    ("2027-02-10", "expiring-90", 31),
    ("2027-02-12", "expiring-30", 29),
    ("2027-03-13", "expiring-30", 0),       # valid through its expiry day
    ("2027-03-14", "expired", -1),
])
def test_active_expiring_expired(day, status, days_left):
    record = valid_record(certification={"decision": "1/QĐ-UBND", "decided_on": "2024-03-13", "expires_on": "2027-03-13"})
    result = state(record, day)
    if status is None:
        assert result is None
    else:
        assert (result.status, result.days_left) == (status, days_left)


def test_revoked_from_its_decision_day():
    record = valid_record(status="revoked", status_change={"decision": "9/QĐ-UBND", "decided_on": "2025-05-01",
                                                           "reason": "Vi phạm quy chế"})
    assert state(record, "2025-04-30").status == "active"
    assert state(record, "2025-05-01").status == "revoked"
    assert state(record, "2030-01-01").status == "revoked"


def test_undated_withdrawal_applies_at_once():
    record = valid_record(status="withdrawn", status_change={"reason": "hết hạn 36 tháng, không đánh giá lại"})
    assert state(record, "2024-06-01").status == "withdrawn"


def test_upgrade_keeps_the_history():
    record = valid_record(
        stars=4, score={"a": 30, "b": 20, "c": 25},
        certification={"decision": "20/QĐ-UBND", "decided_on": "2025-09-01", "kind": "upgrade"},
        history=[{"decision": "10/QĐ-UBND", "decided_on": "2023-05-01", "kind": "first", "stars": 3}])
    assert state(record, "2024-01-01").stars == 3
    assert state(record, "2024-01-01").decision.number == "10/QĐ-UBND"
    assert state(record, "2025-09-01").stars == 4
    assert state(record, "2025-09-01").status == "active"
    assert [d.stars for d in timeline(record)] == [3, 4]


def test_only_a_year_known():
    record = valid_record(certification={"year": 2020})
    assert state(record, "2022-01-01").status == "unknown"
    assert state(record, "2024-12-31").status == "unknown"
    assert state(record, "2025-01-01").status == "expired"   # a 2020 batch is decided by early 2021: +36 months
    assert state(record, "2019-12-31") is None


def test_recorded_expiry_reported_by_a_source():
    record = valid_record(status="expired", certification={"year": 2021})
    assert state(record, "2023-01-01").status == "expired"


def test_history_checks(content):
    bad = valid_record(
        stars=4, certification={"decision": "20/QĐ-UBND", "decided_on": "2025-09-01", "kind": "upgrade"},
        history=[{"decision": "10/QĐ-UBND", "decided_on": "2026-05-01", "stars": 5}])
    write_record(content, bad)
    _, report = load_register(content)
    assert sorted((p.field, p.message) for p in report.problems) == [
        ("certification.kind", "nâng hạng phải lên hạng cao hơn quyết định trước (5 sao → 4 sao)"),
        ("history.0.decided_on", "quyết định trước (2026-05-01) phải sớm hơn quyết định hiện hành (2025-09-01)"),
    ]


def test_history_item_star_band(content):
    bad = valid_record(history=[{"decided_on": "2020-01-01", "stars": 3, "score": {"total": 75}}])
    write_record(content, bad)
    _, report = load_register(content)
    assert [(p.field, p.message) for p in report.problems] == [
        ("history.0.score", "tổng điểm 75 không khớp hạng 3 sao (hạng 3 sao cần 50–69 điểm)")]
