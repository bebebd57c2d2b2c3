"""The built site in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

# Fixtures `served` (the fixture register built and served) and `browser` live in conftest.py.
from conftest import FIXTURE, build, serving


def test_home_to_province_to_product(served, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served)
    assert page.locator("h1").inner_text() == "Sản phẩm OCOP Việt Nam"
    page.get_by_role("link", name="Cà Mau").first.click()
    page.wait_for_url("**/tinh/ca-mau/")
    assert page.locator("h1").inner_text() == "Tỉnh Cà Mau"
    page.get_by_role("link", name="Muối ớt Bạc Liêu").click()
    page.wait_for_url("**/san-pham/96-muoi-ot-bac-lieu/")
    assert page.locator("h1").inner_text() == "Muối ớt Bạc Liêu"
    assert page.get_by_role("img", name="5 sao").is_visible()
    assert page.locator(".headline .stars").inner_text() == "★★★★★"
    assert "Bạc Liêu (nay thuộc Cà Mau)" in page.locator("article").inner_text()
    # The stylesheet loaded: the status badge is styled, not plain text.
    assert page.locator(".status").evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    # Nothing wider than the phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []


def test_missing_page_gets_the_404_page(served, browser):
    page = browser.new_page()
    response = page.goto(served + "khong-co-trang-nay/")
    assert response.status == 404
    assert page.locator("h1:visible").inner_text() == "Không tìm thấy trang"


def test_unknown_verification_code_gets_a_clear_page(served, browser):
    page = browser.new_page()
    response = page.goto(served + "xac-minh/ma-gia-mao/")
    assert response.status == 404
    assert page.locator("h1:visible").inner_text() == "Mã xác minh không có trong sổ đăng ký"
    assert "ma-gia-mao" in page.locator("#verify-unknown").inner_text()
    assert "chưa được công nhận OCOP" in page.locator("#verify-unknown").inner_text()
    assert not page.get_by_text("Nếu bạn đến đây từ mã QR").is_visible()  # the static hint gives way to the precise one


def test_unknown_verification_code_warns_without_javascript(served, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    assert page.goto(served + "xac-minh/ma-gia-mao/").status == 404
    hint = page.get_by_text("Nếu bạn đến đây từ mã QR")
    assert hint.is_visible() and "Hãy thận trọng với nhãn OCOP" in hint.inner_text()
    context.close()


@pytest.fixture(scope="module")
def served_in_the_past(tmp_path_factory):
    """The fixture register built as of 2023-06-01 (before Mứt dâu's 2024-01-17 expiry)."""
    out = build(FIXTURE, tmp_path_factory.mktemp("old-site"), "2023-06-01")
    with serving(out) as base:
        yield base, out


def test_page_built_in_the_past_turns_expired_by_itself(served_in_the_past, browser):
    base, out = served_in_the_past
    html = (out / "san-pham/68-mut-dau-da-lat/index.html").read_text(encoding="utf-8")
    assert 'data-status="active"' in html  # as built on 2023-06-01
    page = browser.new_page()
    page.clock.set_fixed_time("2024-01-18T09:00:00")
    page.goto(base + "san-pham/68-mut-dau-da-lat/")
    badge = page.locator(".headline .status")
    assert badge.inner_text() == "Hết hạn"
    assert "status-expired" in badge.get_attribute("class")
    assert page.locator(".warn-expired").is_visible()
    assert "17/01/2024" in page.locator(".warn-expired").inner_text()


@pytest.mark.parametrize("day, label", [
    ("2023-06-01", "Còn hiệu lực"), ("2023-11-01", "Sắp hết hạn (31–90 ngày)"),
    ("2024-01-01", "Sắp hết hạn (≤ 30 ngày)"), ("2024-01-17", "Sắp hết hạn (≤ 30 ngày)"), ("2024-01-18", "Hết hạn"),
])
def test_browser_status_follows_the_same_rules_as_the_build(served_in_the_past, browser, day, label):
    base, _ = served_in_the_past
    page = browser.new_page()
    page.clock.set_fixed_time(f"{day}T12:00:00")
    page.goto(base + "xac-minh/68-mut-dau-da-lat/")
    assert page.locator(".big-status .status").inner_text() == label


def test_verification_page_and_qr(served, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served + "xac-minh/96-tom-kho-ca-mau/")
    assert page.locator("h1").inner_text() == "Tôm khô Cà Mau"
    assert page.locator(".big-status .status").inner_text() == "Bị thu hồi"
    assert page.locator(".warn-revoked").is_visible()
    assert "3763/QĐ-UBND" in page.locator(".warn-revoked").inner_text()
    # The code a phone camera sees on screen opens this page.
    qr = page.get_by_role("img", name="Mã QR dẫn tới trang xác minh này")
    image = Image.open(io.BytesIO(qr.screenshot()))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        "https://ocop-register.github.io/xac-minh/96-tom-kho-ca-mau/"]
    assert qr.bounding_box()["height"] == 200 and errors == []  # drawn in the box the page kept for it


def test_qr_downloads_are_made_in_the_browser(served, browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(served + "xac-minh/96-tom-kho-ca-mau/")
    with page.expect_download() as got:
        page.get_by_role("link", name="PNG").click()
    png = Image.open(io.BytesIO(got.value.path().read_bytes()))
    assert got.value.suggested_filename == "qr-96-tom-kho-ca-mau.png"
    assert png.width == png.height and png.width % 8 == 0  # 8 pixels per module, quiet zone included
    assert set(png.convert("L").getdata()) == {0, 255}  # sharp black and white, no blur from scaling
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [
        "https://ocop-register.github.io/xac-minh/96-tom-kho-ca-mau/"]
    with page.expect_download() as got:
        page.get_by_role("link", name="SVG (in ấn)").click()
    assert got.value.suggested_filename == "qr-96-tom-kho-ca-mau.svg"
    svg = got.value.path().read_text(encoding="utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg == page.evaluate("""import('../../theme/js/qr.js').then(m => m.qrSvg(
        'https://ocop-register.github.io/xac-minh/96-tom-kho-ca-mau/', 'Mã QR dẫn tới trang xác minh này'))""")
    context.close()


@pytest.mark.parametrize("url", [
    "https://ocop-register.github.io/xac-minh/68-nho-bong-lai-farm/",
    "http://localhost:8000/xac-minh/96-tom-kho-ca-mau/",  # a local build's address
    "https://ocop.example.gov.vn/xac-minh/01-" + "ten-san-pham-rat-dai-" * 6 + "ha-noi/",  # a larger version
])
def test_qr_code_drawn_in_the_browser_decodes_to_the_verification_url(served, browser, url):
    """qr.js's SVG, drawn from its path (8 pixels per module) as a printer would, scans as *url*, error correction M;
    its title is escaped."""
    page = browser.new_page()
    page.goto(served + "xac-minh/")
    code = page.evaluate("url => import('../theme/js/qr.js').then(m => m.qrSvg(url, 'Mã QR <của> trang'))", url)
    assert code.startswith("<svg") and "<title>Mã QR &lt;của&gt; trang</title>" in code
    side = int(re.search(r'viewBox="0 0 (\d+) ', code).group(1))
    drawn, x, y = Image.new("L", (side * 8, side * 8), 255), 0, 0
    for command, dx, dy in re.findall(r"([Mmh])(-?[\d.]+) ?(-?[\d.]+)?", re.search(' d="([^"]+)"', code).group(1)):
        if command == "h":  # a stroke of width 1 along the row: one module per unit
            ImageDraw.Draw(drawn).rectangle([x * 8, (y - 0.5) * 8, (x + float(dx)) * 8 - 1, (y + 0.5) * 8 - 1], fill=0)
        x, y = (0, 0) if command == "M" else (x, y)
        x, y = x + float(dx), y + (float(dy) if dy else 0)
    found = zxingcpp.read_barcodes(drawn)
    assert [r.text for r in found] == [url] and found[0].ec_level == "M"
    # The same markup as Chromium draws it on screen scans too.
    page.set_content(f"<body style='margin:0'>{code}</body>")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(page.locator("svg").screenshot())))] == [url]


def test_without_javascript_the_qr_box_says_how_to_see_the_code(served, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "xac-minh/96-tom-kho-ca-mau/")
    hint = page.locator(".qr-code p")  # inside <noscript>, which Playwright's text search skips
    assert hint.is_visible() and "hãy bật JavaScript để xem và tải mã" in hint.inner_text()
    assert page.locator(".qr-code").bounding_box()["height"] == 200  # the box the code takes with JavaScript
    assert "https://ocop-register.github.io/xac-minh/96-tom-kho-ca-mau/" in page.locator("figcaption").inner_text()
    assert not page.get_by_role("link", name="PNG").is_visible()
    context.close()


def test_monitoring_page_charts_have_text(served, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served + "giam-sat/")
    chart = page.get_by_role("img", name="Số sản phẩm theo hạng sao")
    assert chart.is_visible()
    assert "5 sao: 1" in chart.locator("desc").text_content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
