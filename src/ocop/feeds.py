"""Per-province Atom feeds and iCalendar files of upcoming expiries and status changes."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

from .feed import Entry, document
from .lifecycle import STATUSES
from .model import Product

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


def atom(title: str, site_url: str, feed_url: str, items: list[Notice], today: dt.date) -> str:
    """An Atom feed of *items*, dated by its newest entry (else the as-of day), so the bytes are reproducible."""
    host = urlsplit(site_url).hostname or "ocop-register.invalid"
    entries = [Entry(f"tag:{host},{n.day.year}:{n.uid}", n.title, f"{n.day.isoformat()}T00:00:00+00:00",
                     f"{site_url}/{n.product.url}", html.escape(n.text)) for n in items]
    newest = max((n.day for n in items), default=today)
    return document(title, "Giấy chứng nhận sắp hết hạn (180 ngày tới) và quyết định thu hồi, loại khỏi danh sách.",
                    feed_url, f"{site_url}/", f"{newest.isoformat()}T00:00:00+00:00", entries)


def icalendar(title: str, site_url: str, items: list[Notice]) -> bytes:
    """An iCalendar file: an all-day event per notice, expiries with an alarm 30 days before."""
    cal = Calendar()
    cal.add("prodid", "-//Sổ đăng ký OCOP mở//vi")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    for item in sorted(items, key=lambda n: (n.day, n.uid)):
        event = Event()
        event.add("uid", f"{item.uid}@ocop-register")
        event.add("dtstamp", dt.datetime.combine(item.day, dt.time(), tzinfo=dt.timezone.utc))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.title)
        event.add("description", item.text)
        event.add("url", f"{site_url}/{item.product.url}")
        if "/expires/" in item.uid:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Còn {WARNING_DAYS} ngày: {item.title}")
            alarm.add("trigger", dt.timedelta(days=-WARNING_DAYS))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
