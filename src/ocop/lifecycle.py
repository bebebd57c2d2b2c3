"""Certificate lifecycle: a record's decisions over time and its status on any day.

A certificate lasts 36 months from its decision. The status on a day is, in order: not yet recognised
(no decision by then); revoked / withdrawn / expired as recorded (from the day of that decision, or always
when its date is unknown); expired after the expiry date; expiring within 30 or 90 days; active. When no
expiry date is known but the evaluation year is, the certificate has surely expired after 31 December of
year + 4 (a batch of year Y is decided in Y or early Y+1); before that its validity is unknown.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

VALIDITY_MONTHS = 36
MERGER_DAY = dt.date(2025, 7, 1)  # 63 provinces became 34 units
STATUSES = {
    "active": "Còn hiệu lực",
    "expiring-90": "Sắp hết hạn (31–90 ngày)",
    "expiring-30": "Sắp hết hạn (≤ 30 ngày)",
    "expired": "Hết hạn",
    "revoked": "Bị thu hồi",
    "withdrawn": "Bị loại khỏi danh sách",
    "unknown": "Chưa rõ hiệu lực",
}
FINAL = ("revoked", "withdrawn")
CERTIFICATION_KINDS = {"first": "Lần đầu", "re-evaluation": "Đánh giá lại", "upgrade": "Nâng hạng",
                       "downgrade": "Hạ hạng"}


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* plus *months*, clamped to the month's last day (2024-02-29 + 12 -> 2025-02-28)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Decision(NamedTuple):
    """One recognition decision (first, re-evaluation, upgrade or downgrade). A tuple: every product keeps its
    decisions in the Snapshot, read back at every build."""

    number: str | None
    decided_on: dt.date | None
    year: int | None
    batch: str | None
    authority: str | None
    kind: str | None
    stars: int | None
    score: dict
    recorded_expiry: dt.date | None
    expires_on: dt.date | None  # as recorded, else 36 months after the decision (see from_data)

    @classmethod
    def from_data(cls, data: dict, stars: int | None = None, score: dict | None = None) -> "Decision":
        decided_on, recorded = _date(data.get("decided_on")), _date(data.get("expires_on"))
        # Worked out once, when the record is loaded: it is read for every product at every build (its status).
        expiry = recorded or (add_months(decided_on, VALIDITY_MONTHS) if decided_on else None)
        return cls(data.get("decision"), decided_on, data.get("year"), data.get("batch"), data.get("authority"),
                   data.get("kind"), data.get("stars", stars), data.get("score", score or {}), recorded, expiry)

    @property
    def expiry_derived(self) -> bool:
        return self.recorded_expiry is None and self.decided_on is not None

    @property
    def expires_by(self) -> dt.date | None:
        """Latest day it can still be valid: the expiry, else 31/12 of evaluation year + 4."""
        if self.expires_on:
            return self.expires_on
        return dt.date(self.year + 4, 12, 31) if self.year else None

    @property
    def effective_from(self) -> dt.date | None:
        """Day from which it counts: the decision date, else 1 January of its year, else unknown."""
        return self.decided_on or (dt.date(self.year, 1, 1) if self.year else None)

    @property
    def kind_label(self) -> str:
        return CERTIFICATION_KINDS.get(self.kind, "")


class StatusChange(NamedTuple):
    """A revocation, withdrawal or reported expiry."""

    status: str
    number: str | None
    decided_on: dt.date | None
    reason: str | None


class State(NamedTuple):
    """What the register says of a product on one day (a tuple: one per product and day a build asks about)."""

    status: str
    decision: Decision
    days_left: int | None

    @property
    def stars(self) -> int | None:
        return self.decision.stars

    @property
    def label(self) -> str:
        return STATUSES[self.status]


def timeline(data: dict) -> tuple[Decision, ...]:
    """Every decision of a record, oldest first; the current one (top-level stars/score) last."""
    past = tuple(Decision.from_data(item) for item in data.get("history", []))
    current = Decision.from_data(data.get("certification", {}), data.get("stars"), data.get("score"))
    return past + (current,)


def status_change(data: dict) -> StatusChange | None:
    """The recorded revocation / withdrawal / reported expiry, if any."""
    if data["status"] == "active":
        return None
    change = data.get("status_change", {})
    return StatusChange(data["status"], change.get("decision"), _date(change.get("decided_on")), change.get("reason"))


def state_on(decisions: tuple[Decision, ...], change: StatusChange | None, day: dt.date) -> State | None:
    """The state on *day*, or None if the product was not yet recognised then."""
    effective = [d for d in decisions if d.effective_from is None or d.effective_from <= day]
    if not effective:
        return None
    current = effective[-1]
    if change and (change.decided_on is None or change.decided_on <= day):
        return State(change.status, current, None)
    expiry = current.expires_on
    if expiry is None:
        bound = current.expires_by
        return State("expired" if bound and day > bound else "unknown", current, None)
    days_left = (expiry - day).days
    if days_left < 0:
        status = "expired"
    elif days_left <= 30:
        status = "expiring-30"
    elif days_left <= 90:
        status = "expiring-90"
    else:
        status = "active"
    return State(status, current, days_left)
