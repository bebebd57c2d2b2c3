"""The HTML pieces every page repeats (stars, status badge, validity, status notes), made in Python."""

import datetime as dt

from conftest import FIXTURE, valid_record, write_record
from ocop import badges
from ocop.register import load_register

DAY = dt.date(2026, 12, 4)


def product(content, **changes):
    write_record(content, valid_record(**changes))
    register, report = load_register(content)
    assert report.ok, report.lines()
    return register.products[0]


def test_stars():
    assert badges.stars(4) == '<span class="stars" role="img" aria-label="4 sao">★★★★☆</span>'
    assert badges.stars(None) == '<span class="stars unknown">Chưa rõ hạng sao</span>'


def test_badge_validity_and_notes_of_an_active_product(content):
    p = product(content)
    assert badges.status_badge(p, DAY) == ('<span class="status status-active" data-status="active" '
                                           'data-expires="2027-03-13">Còn hiệu lực</span>')
    assert badges.valid_until(p) == "13/03/2027"
    notes = badges.bad_status_notes(p).split("\n")
    assert notes[0] == ('<p class="warn warn-expired">Giấy chứng nhận đã hết hạn từ ngày 13/03/2027: sản phẩm không '
                        'còn được dùng nhãn OCOP cho đến khi được đánh giá lại.</p>')
    assert notes[1] == ('<p class="warn warn-revoked">Giấy chứng nhận đã bị thu hồi: sản phẩm không còn được dùng '
                        'nhãn OCOP.</p>')
    assert notes[3] == ('<p class="warn warn-expiring-30 warn-expiring-90">Giấy chứng nhận sắp hết hạn (ngày '
                        '13/03/2027): cần đánh giá lại để giữ hạng sao.</p>')
    assert len(notes) == 5


def test_a_revoked_product_with_a_derived_expiry(content):
    p = product(content, certification={"decision": "1234/QĐ-UBND", "decided_on": "2024-03-13", "kind": "first"},
                status="revoked", status_change={"decision": "9/QĐ-UBND", "decided_on": "2025-05-01"})
    assert badges.status_badge(p, DAY) == (
        '<span class="status status-revoked" data-status="revoked" data-final="revoked" data-final-from="2025-05-01" '
        'data-expires="2027-03-13">Bị thu hồi</span>')
    assert badges.valid_until(p) == "13/03/2027 (36 tháng từ ngày quyết định)"
    assert ('<p class="warn warn-revoked">Giấy chứng nhận đã bị thu hồi theo quyết định 9/QĐ-UBND ngày '
            '01/05/2025: sản phẩm không còn được dùng nhãn OCOP.</p>') in badges.bad_status_notes(p)
    assert ('<p class="warn warn-withdrawn">Sản phẩm đã bị loại khỏi danh sách OCOP từ ngày 01/05/2025: không còn '
            'được dùng nhãn OCOP.</p>') in badges.bad_status_notes(p)


def test_a_product_known_only_by_its_year(content):
    p = product(content, certification={"decision": "1234/QĐ-UBND", "year": 2023})
    assert badges.status_badge(p, DAY) == ('<span class="status status-unknown" data-status="unknown" '
                                           'data-expires-by="2027-12-31">Chưa rõ hiệu lực</span>')
    assert badges.valid_until(p) == "Chưa rõ ngày (muộn nhất 31/12/2027, tính từ năm đánh giá 2023)"
    assert ("Giấy chứng nhận đã hết hạn (muộn nhất ngày 31/12/2027, tính từ năm đánh giá 2023): "
            in badges.bad_status_notes(p))
    p = product(content, certification={"decision": "1234/QĐ-UBND"})
    assert badges.valid_until(p) == "Chưa rõ"


def test_every_real_record_has_a_badge_the_browser_can_read():
    register, _ = load_register(FIXTURE.parent.parent.parent / "content")
    for p in register.products:
        badge = badges.status_badge(p, DAY)
        assert badge.startswith(f'<span class="status status-{p.status_on(DAY)}" data-status="{p.status_on(DAY)}"')
