"""The built site in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import FIXTURE, ROOT
from ocop.pelican_plugin import build_site
from ocop.register import load_register

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The fixture register built and served on loopback; yields its base URL."""
    out = tmp_path_factory.mktemp("site")
    register, report = load_register(FIXTURE)
    assert report.ok
    build_site(register, FIXTURE, out, ROOT / "pelicanconf.py", "2026-12-03")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make chromium` (make test does it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


def test_missing_page_gets_the_404_page_content(served, browser):
    page = browser.new_page()
    response = page.goto(served + "404.html")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
