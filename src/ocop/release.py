"""What a build is of: its as-of date and its timestamp, never the clock when reproducibility asks.

``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/) fixes both. Without it the
as-of date is today (the live site shows today's validity), and file timestamps (XLSX properties, zip entries,
``created`` of the data package) come from the last commit, so two builds of one commit on one day are
byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # no daylight saving time


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as an aware UTC datetime, or None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)


def default_as_of() -> dt.date:
    """The date validity is computed on when none is given: SOURCE_DATE_EPOCH's date in Vietnam, else today."""
    epoch = source_date_epoch()
    return epoch.astimezone(VIETNAM).date() if epoch else dt.datetime.now(VIETNAM).date()


def timestamp(head_date: str | None, as_of: dt.date) -> dt.datetime:
    """Timestamp written into files: SOURCE_DATE_EPOCH, else the last commit's date, else the as-of date (UTC)."""
    epoch = source_date_epoch()
    if epoch:
        return epoch
    if head_date:
        return dt.datetime.fromisoformat(head_date).astimezone(dt.timezone.utc)
    return dt.datetime.combine(as_of, dt.time(0), dt.timezone.utc)
