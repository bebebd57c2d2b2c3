"""Per-province Atom feeds and iCalendar files of upcoming expiries and status changes.

Each notice's VEVENT and Atom entry are serialised once and shared by the national and provincial files; kept in
a ``PieceStore`` keyed by the notice's inputs, so after an edit only the edited record's notices are made again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import feed
from .cache import PieceStore
from .lifecycle import STATUSES
from .model import Product

if TYPE_CHECKING:
    from icalendar import Event

HORIZON_DAYS = 180
WARNING_DAYS = 30  # the issuer must notify the producer at least 30 days before expiry


@dataclass(frozen=True)
class Notice:
    """One feed entry: an upcoming expiry or a status change."""

    uid: str
    day: dt.date
    title: str
    text: str
    product: Product


def notices(products: list[Product], today: dt.date) -> list[Notice]:
    """Expiries in the next 180 days and every dated revocation/withdrawal/expiry, newest first."""
    items = []
    for product in products:
        state = product.state_on(today)
        if state is None:
            continue
        if product.change:
            day = product.change.decided_on or product.decided_on
            if day:
                reason = f" Lý do: {product.change.reason}." if product.change.reason else ""
                items.append(Notice(f"{product.id}/{product.change.status}", day,
                                    f"{product.name}: {STATUSES[product.change.status].lower()}",
                                    f"{product.name} ({product.province_label}) {STATUSES[product.change.status].lower()}"
                                    f"{' theo ' + product.change.number if product.change.number else ''}.{reason}",
                                    product))
        elif state.days_left is not None and 0 <= state.days_left <= HORIZON_DAYS:
            expiry = state.decision.expires_on
            items.append(Notice(f"{product.id}/expires/{expiry}", expiry,
                                f"{product.name}: hết hạn ngày {expiry:%d/%m/%Y}",
                                f"Giấy chứng nhận OCOP của {product.name} ({product.province_label}) theo quyết định "
                                f"{state.decision.number or 'chưa rõ số'} hết hạn ngày {expiry:%d/%m/%Y}; "
                                "cần đánh giá lại để giữ hạng sao.", product))
    return sorted(items, key=lambda n: (n.day, n.uid), reverse=True)


def _icalendar():
    """The icalendar package, imported when a feed is made (not by every build: 30 ms)."""
    import icalendar

    return icalendar


def vevent(item: Notice, site_url: str) -> "Event":
    """The notice's all-day event, an expiry with an alarm 30 days before."""
    event = _icalendar().Event()
    event.add("uid", f"{item.uid}@ocop-register")
    event.add("dtstamp", dt.datetime.combine(item.day, dt.time(), tzinfo=dt.timezone.utc))
    event.add("dtstart", item.day)
    event.add("dtend", item.day + dt.timedelta(days=1))
    event.add("summary", item.title)
    event.add("description", item.text)
    event.add("url", f"{site_url}/{item.product.url}")
    if "/expires/" in item.uid:
        alarm = _icalendar().Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Còn {WARNING_DAYS} ngày: {item.title}")
        alarm.add("trigger", dt.timedelta(days=-WARNING_DAYS))
        event.add_component(alarm)
    return event


def entry(item: Notice, site_url: str) -> bytes:
    """The notice's Atom entry."""
    host = urlsplit(site_url).hostname or "ocop-register.invalid"
    return feed.entry_xml(feed.Entry(f"tag:{host},{item.day.year}:{item.uid}", item.title,
                                     f"{item.day.isoformat()}T00:00:00+00:00", f"{site_url}/{item.product.url}",
                                     html.escape(item.text))).encode()


Pieces = dict[str, tuple[bytes, bytes]]  # notice uid -> (VEVENT, Atom entry)


def serialised(items: list[Notice], site_url: str, store: PieceStore | None = None) -> Pieces:
    """The VEVENT and Atom entry of each notice, taken from *store* when it holds them for the same inputs, else
    made and put there; the store is saved."""
    store = store or PieceStore(None, "")
    context = f"|{site_url}|{_icalendar().__version__}".encode()
    pieces = {}
    for item in items:
        key = hashlib.sha1(f"{item.uid}|{item.day}|{item.title}|{item.text}|{item.product.url}".encode()
                           + context).hexdigest()
        got = store.get(key)
        if got is None:
            got = (vevent(item, site_url).to_ical(), entry(item, site_url))
            store.put(key, got)
        pieces[item.uid] = got
    store.save()
    return pieces


def atom(title: str, site_url: str, feed_url: str, items: list[Notice], today: dt.date,
         pieces: Pieces | None = None) -> bytes:
    """An Atom feed of *items*, dated by its newest entry (else the as-of day), so the bytes are reproducible.
    Entries come from *pieces* (all of *items*') when given."""
    pieces = pieces or serialised(items, site_url)
    newest = max((n.day for n in items), default=today)
    head, tail = feed.frame(title, "Giấy chứng nhận sắp hết hạn (180 ngày tới) và quyết định thu hồi, loại khỏi danh sách.",
                            feed_url, f"{site_url}/", f"{newest.isoformat()}T00:00:00+00:00")
    return b"".join([head.encode(), *(pieces[n.uid][1] for n in items), tail.encode()])


def icalendar(title: str, site_url: str, items: list[Notice], pieces: Pieces | None = None) -> bytes:
    """An iCalendar file of *items* by day: what ``Calendar.to_ical()`` gives with each notice's event added,
    the events taken from *pieces* (all of *items*') when given."""
    pieces = pieces or serialised(items, site_url)
    cal = _icalendar().Calendar()
    cal.add("prodid", "-//Sổ đăng ký OCOP mở//vi")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical().removesuffix(end)
    return b"".join([head, *(pieces[n.uid][0] for n in sorted(items, key=lambda n: (n.day, n.uid))), end])
