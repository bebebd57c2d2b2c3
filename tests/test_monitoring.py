"""Monitoring figures, `ocop report` (table, CSV, XLSX, --as-of), feeds, and calendars."""

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from icalendar import Calendar

from conftest import FIXTURE
from ocop import feed, feeds, monitoring
from ocop.cli import main
from ocop.register import load_register

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def products():
    register, report = load_register(FIXTURE)
    assert report.ok
    return register.products


def test_figures_on_a_fixed_day(products):
    fig = monitoring.figures(products, D("2027-01-01"))
    assert fig.total == 4
    assert dict(fig.by_stars) == {"3 sao": 2, "4 sao": 1, "5 sao": 1, "Chưa rõ": 0}
    statuses = {key: n for key, _, n in fig.by_status}
    assert statuses == {"active": 1, "expiring-90": 1, "expiring-30": 0, "expired": 1, "revoked": 1,
                        "withdrawn": 0, "unknown": 0}
    assert [r.product.id for r in fig.expiring[90]] == ["68-nho-bong-lai-farm"]
    assert fig.expiring[30] == []
    assert [r.product.id for r in fig.revoked] == ["96-tom-kho-ca-mau"]
    assert [r.product.id for r in fig.expired] == ["68-mut-dau-da-lat"]
    assert fig.per_year == [(2021, 1), (2024, 1), (2025, 1)]


def test_as_of_view_shows_the_register_as_it_stood(products):
    fig = monitoring.figures(products, D("2023-01-01"))
    # Only the 2021 decision existed; Tôm khô (no decision date) is in, its 2023-11-18 revocation not yet.
    assert sorted(r.product.id for r in fig.rows) == ["68-mut-dau-da-lat", "96-tom-kho-ca-mau"]
    assert {r.product.id: r.state.status for r in fig.rows} == {"68-mut-dau-da-lat": "active",
                                                                 "96-tom-kho-ca-mau": "unknown"}
    later = monitoring.figures(products, D("2023-11-18"))
    assert {r.product.id: r.state.status for r in later.rows}["96-tom-kho-ca-mau"] == "revoked"


def test_report_table_for_one_province(capsys, monkeypatch):
    assert main(["--content", str(FIXTURE), "report", "--province", "ca mau", "--as-of", "2027-01-01"]) == 0
    out = capsys.readouterr().out
    assert "== Số liệu Cà Mau đến ngày 01/01/2027" in out
    assert "== Bị thu hồi hoặc loại khỏi danh sách: 1 sản phẩm" in out
    assert "96-tom-kho-ca-mau" in out and "68-nho-bong-lai-farm" not in out


def test_report_csv_and_xlsx(tmp_path):
    out_csv, out_xlsx = tmp_path / "r.csv", tmp_path / "r.xlsx"
    assert main(["--content", str(FIXTURE), "report", "--as-of", "2027-01-01", "--format", "csv",
                 "--output", str(out_csv)]) == 0
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Bảng", "Nhóm", "Mục", "Số sản phẩm"]
    assert ["Số liệu toàn quốc đến ngày 01/01/2027", "Tổng số", "Sản phẩm", "4"] in rows
    assert any(r[:3] == ["Hết hạn trong 90 ngày tới: 1 sản phẩm", "68-nho-bong-lai-farm", "Nho Bồng Lai Farm"]
               for r in rows)
    assert main(["--content", str(FIXTURE), "report", "--as-of", "2027-01-01", "--format", "xlsx",
                 "--output", str(out_xlsx)]) == 0
    from openpyxl import load_workbook
    book = load_workbook(out_xlsx)
    assert book.sheetnames == ["Số liệu", "Hết hạn trong 30 ngày", "Hết hạn trong 90 ngày", "Hết hạn trong 180 ngày",
                               "Thu hồi, loại", "Đã hết hạn"]
    assert book.worksheets[0]["A1"].value == "Số liệu toàn quốc đến ngày 01/01/2027"
    first = book.worksheets[0]
    assert [c.value for c in first[2]] == ["Nhóm", "Mục", "Số sản phẩm"]
    assert [c.value for c in first[3]] == ["Tổng số", "Sản phẩm", 4]


@pytest.mark.parametrize("args, message", [
    (["--province", "Atlantis"], "không có tỉnh/thành «Atlantis»"),
    (["--as-of", "2023-02-30"], "ngày «2023-02-30» không hợp lệ"),
])
def test_report_bad_arguments(capsys, args, message):
    assert main(["--content", str(FIXTURE), "report", *args]) == 2
    assert message in capsys.readouterr().err


def test_feeds_and_calendar(products):
    items = feeds.notices(products, D("2027-01-01"))
    assert [n.uid for n in items] == ["68-nho-bong-lai-farm/expires/2027-03-13", "96-tom-kho-ca-mau/revoked"]
    atom = feeds.atom("OCOP", "https://x.vn", "https://x.vn/giam-sat/canh-bao.atom", items, D("2027-01-01"))
    root = ET.fromstring(atom)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.find("a:title", ns).text for e in root.findall("a:entry", ns)] == [
        "Nho Bồng Lai Farm: hết hạn ngày 13/03/2027", "Tôm khô Cà Mau: bị thu hồi"]
    assert root.find("a:updated", ns).text.startswith("2027-03-13")
    cal = Calendar.from_ical(feeds.icalendar("OCOP", "https://x.vn", items))
    events = cal.walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [D("2023-11-18"), D("2027-03-13")]
    alarms = events[1].walk("VALARM")
    assert alarms[0].decoded("trigger") == dt.timedelta(days=-30)


def test_calendar_is_what_the_library_writes_for_the_whole_calendar(products):
    """Put together from each event's bytes, the file is byte for byte icalendar's own Calendar.to_ical()."""
    items = feeds.notices(products, D("2027-01-01"))
    whole = Calendar()
    whole.add("prodid", "-//Sổ đăng ký OCOP mở//vi")
    whole.add("version", "2.0")
    whole.add("x-wr-calname", "OCOP Cà Mau, Lâm Đồng: hết hạn sắp tới và thu hồi")
    for item in sorted(items, key=lambda n: n.day):
        whole.add_component(feeds.vevent(item, "https://x.vn"))
    assert feeds.icalendar("OCOP Cà Mau, Lâm Đồng: hết hạn sắp tới và thu hồi", "https://x.vn", items) == whole.to_ical()


def test_atom_is_what_elementtree_writes_for_the_whole_feed():
    """Put together from each entry's text, an Atom document is what ElementTree writes for the whole tree, even
    with text and links that need escaping or are empty."""
    odd = ['Tôm & "cá" <khô>', "", "dòng\nmới\ttab", "]]> &amp;"]
    entries = [feed.Entry(f"tag:x,2025:{n}", text, "2025-01-01T00:00:00+00:00", f"https://x.vn/?a=1&b={text}",
                          f"<p>{text}</p>", text) for n, text in enumerate(odd)]
    text = feed.document("Tiêu đề <&>", "", "https://x.vn/a.atom", "https://x.vn/", "2025-01-01", entries)
    root = ET.fromstring(text)
    assert [e.findtext("{http://www.w3.org/2005/Atom}title") or "" for e in root][-4:] == odd
    ET.register_namespace("", "http://www.w3.org/2005/Atom")
    ET.indent(root)
    assert text == '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    empty = feed.document("T", "S", "https://x.vn/a.atom", "https://x.vn/", "2025-01-01", [])
    root = ET.fromstring(empty)
    ET.indent(root)
    assert empty == '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def test_empty_feed_is_dated_by_the_as_of_day():
    atom = feeds.atom("OCOP", "https://x.vn", "https://x.vn/a.atom", [], D("2027-01-01"))
    assert ET.fromstring(atom).find("{http://www.w3.org/2005/Atom}updated").text == "2027-01-01T00:00:00+00:00"


def test_report_is_as_of_the_builds_day_by_default(capsys, monkeypatch):
    """Without --as-of, the day a build would use: SOURCE_DATE_EPOCH's (else today's) date in Vietnam, not UTC's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798747200")  # 2026-12-31T20:00:00Z: 1 January 2027, 03:00 in Vietnam
    assert main(["--content", str(FIXTURE), "report", "--province", "ca mau"]) == 0
    assert "== Số liệu Cà Mau đến ngày 01/01/2027" in capsys.readouterr().out


def test_report_for_a_former_province_names_its_unit(capsys):
    assert main(["--content", str(FIXTURE), "report", "--province", "Bac Lieu", "--as-of", "2027-01-01"]) == 0
    out, err = capsys.readouterr()
    assert "Bạc Liêu nay thuộc Cà Mau: báo cáo của Cà Mau." in err
    assert "== Số liệu Cà Mau đến ngày 01/01/2027" in out


def test_report_file_goes_under_output_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--content", str(FIXTURE), "report", "--as-of", "2027-01-01", "--format", "csv"]) == 0
    assert (tmp_path / "output/bao-cao/bao-cao-ocop-toan-quoc-2027-01-01.csv").exists()


def test_no_register_here_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    assert "Không tìm thấy sổ đăng ký" in capsys.readouterr().err


@pytest.mark.parametrize("day", ["2025-06-01", "2027-01-01", "2030-01-01"])
def test_national_table_of_provinces_counts_what_each_province_page_shows(products, day):
    rows = monitoring.by_province(monitoring.figures(products, D(day)))
    for code in {p.province.code for p in products}:
        own = monitoring.figures([p for p in products if p.province.code == code], D(day))
        assert rows.get(code, monitoring.AreaCounts()) == (own.total, own.by_stars[2][1], len(own.expiring[90]),
                                                           len(own.expired), len(own.revoked))
