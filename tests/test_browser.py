"""The built site in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

# Fixtures `served` (the fixture register built and served) and `browser` live in conftest.py.


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
