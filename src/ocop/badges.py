"""The HTML pieces every product page, verification page and list repeats: stars, the status badge (whose data
attributes ``theme/static/js/status.js`` reads), the validity and the status notes.

Made in Python rather than as Jinja2 macros: a macro call costs more than the piece, and a national build shows
each of 20,000 products in two pages and three lists. The templates call them as globals (``stars(n)``,
``status_badge(product)`` ...); every value is escaped as the templates' autoescape would.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from .lifecycle import STATUSES

_STARS = {n: Markup(f'<span class="stars" role="img" aria-label="{n} sao">{"★" * n}{"☆" * (5 - n)}</span>')
          for n in (1, 2, 3, 4, 5)}
_NO_STARS = Markup('<span class="stars unknown">Chưa rõ hạng sao</span>')


def stars(n: int | None) -> Markup:
    """The stars of a rating, or «Chưa rõ hạng sao»."""
    if not n:
        return _NO_STARS
    return _STARS.get(n) or Markup(f'<span class="stars" role="img" aria-label="{escape(n)} sao">'
                                   f'{escape("★" * n)}{escape("☆" * (5 - n))}</span>')


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def status_badge(product, today: dt.date) -> Markup:
    """The status on *today*, with the dates the browser recomputes it from."""
    status = product.status_on(today)
    parts = [f'<span class="status status-{escape(status)}" data-status="{escape(status)}"']
    change = product.change
    if change:
        parts.append(f' data-final="{escape(change.status)}"')
        if change.decided_on:
            parts.append(f' data-final-from="{escape(change.decided_on)}"')
    if product.expires_on:
        parts.append(f' data-expires="{escape(product.expires_on)}"')
    elif product.current.expires_by:
        parts.append(f' data-expires-by="{escape(product.current.expires_by)}"')
    parts.append(f">{escape(STATUSES[status])}</span>")
    return Markup("".join(parts))


def valid_until(product) -> Markup:
    """Valid until: the expiry (and whether it is 36 months from the decision), the latest possible day, or «Chưa rõ»."""
    current = product.current
    if product.expires_on:
        derived = " (36 tháng từ ngày quyết định)" if current.expiry_derived else ""
        return Markup(f"{escape(_day(product.expires_on))}{derived}")
    if current.expires_by:
        return Markup(f"Chưa rõ ngày (muộn nhất {escape(_day(current.expires_by))}, tính từ năm đánh giá "
                      f"{escape(current.year)})")
    return Markup("Chưa rõ")


def bad_status_notes(product) -> Markup:
    """The notes of every status that forbids or endangers the label; the page's stylesheet shows the one of its
    status (the browser's, when it differs from the build's)."""
    expires_on, current, change = product.expires_on, product.current, product.change
    if expires_on:
        expired = f" từ ngày {escape(_day(expires_on))}"
    elif current.expires_by:
        expired = (f" (muộn nhất ngày {escape(_day(current.expires_by))}, tính từ năm đánh giá "
                   f"{escape(current.year)})")
    else:
        expired = ""
    revoked = f" theo quyết định {escape(change.number)}" if change and change.number else ""
    since = f" ngày {escape(_day(change.decided_on))}" if change and change.decided_on else ""
    withdrawn = f" từ ngày {escape(_day(change.decided_on))}" if change and change.decided_on else ""
    expiring = f" (ngày {escape(_day(expires_on))})" if expires_on else ""
    return Markup(
        f'<p class="warn warn-expired">Giấy chứng nhận đã hết hạn{expired}: sản phẩm không còn được dùng nhãn OCOP '
        f"cho đến khi được đánh giá lại.</p>\n"
        f'<p class="warn warn-revoked">Giấy chứng nhận đã bị thu hồi{revoked}{since}: sản phẩm không còn được dùng '
        f"nhãn OCOP.</p>\n"
        f'<p class="warn warn-withdrawn">Sản phẩm đã bị loại khỏi danh sách OCOP{withdrawn}: không còn được dùng '
        f"nhãn OCOP.</p>\n"
        f'<p class="warn warn-expiring-30 warn-expiring-90">Giấy chứng nhận sắp hết hạn{expiring}: cần đánh giá lại '
        f"để giữ hạng sao.</p>\n"
        f'<p class="note warn-unknown">Chưa rõ thời hạn giấy chứng nhận: nguồn công bố không ghi ngày quyết định.</p>')
