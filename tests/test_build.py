"""A real Pelican build of the fixture register (two provinces, Đ and NFD-typed names)."""

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT
from ocop.pelican_plugin import build_site
from ocop.register import load_register

TODAY = "2026-12-03"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    register, report = load_register(FIXTURE)
    assert report.ok, report.lines()
    build_site(register, FIXTURE, out, ROOT / "pelicanconf.py", TODAY, cache_dir=out.with_name(out.name + "-cache"))
    assert not (FIXTURE.parent / ".cache").exists()  # tests never write into the repository
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_page_is_written(site):
    for rel in ["index.html", "404.html", "sitemap.xml", "tinh/index.html", "tinh/lam-dong/index.html",
                "tinh/ca-mau/index.html", "nganh/index.html", "nganh/thuc-pham/index.html", "nganh/chua-ro/index.html",
                "sao/index.html", "sao/3/index.html", "sao/4/index.html", "sao/5/index.html",
                "san-pham/68-nho-bong-lai-farm/index.html", "san-pham/68-mut-dau-da-lat/index.html",
                "san-pham/96-muoi-ot-bac-lieu/index.html", "san-pham/96-tom-kho-ca-mau/index.html",
                "theme/css/site.css", "theme/js/status.js", "xac-minh/index.html",
                "xac-minh/68-nho-bong-lai-farm/index.html", "giam-sat/index.html", "giam-sat/ca-mau/index.html",
                "giam-sat/canh-bao.atom", "giam-sat/lich-het-han.ics", "giam-sat/lam-dong/canh-bao.atom",
                "giam-sat/lam-dong/lich-het-han.ics"]:
        assert (site / rel).is_file(), rel


def test_nfd_typed_name_is_shown_in_nfc(site):
    html = read(site, "san-pham/68-mut-dau-da-lat/index.html")
    assert "<h1>Đặc sản Đà Lạt mứt dâu</h1>" in html
    assert unicodedata.normalize("NFD", "Đặc sản") not in html
    assert "Đắk Nông (nay thuộc Lâm Đồng)" in html


def test_product_page_has_all_facts(site):
    html = read(site, "san-pham/68-nho-bong-lai-farm/index.html")
    for text in ["Nho Bồng Lai Farm", 'aria-label="3 sao"', "Còn hiệu lực", "1234/QĐ-UBND ngày 13/03/2024",
                 "UBND huyện Đức Trọng", "13/03/2027", "Hộ kinh doanh Bồng Lai", "0300588569", "xã Hiệp Thạnh",
                 "63/100 (A 30, B 18, C 15)", "https://example.gov.vn/ocop/nho-bong-lai", "<strong>Đức Trọng</strong>"]:
        assert text in html, text


def test_description_markdown_is_sanitised(site):
    html = read(site, "san-pham/68-nho-bong-lai-farm/index.html")
    assert "<script>alert(1)</script>" not in html and "alert(1)" not in html


def test_expiry_36_months_after_decision_and_status(site):
    html = read(site, "san-pham/68-mut-dau-da-lat/index.html")
    assert "17/01/2024 (36 tháng từ ngày quyết định)" in html
    assert "status-expired" in html
    revoked = read(site, "san-pham/96-tom-kho-ca-mau/index.html")
    assert "Bị thu hồi" in revoked and "3763/QĐ-UBND" in revoked


def test_former_province_is_named(site):
    assert "Bạc Liêu (nay thuộc Cà Mau)" in read(site, "san-pham/96-muoi-ot-bac-lieu/index.html")
    province = read(site, "tinh/ca-mau/index.html")
    assert "tỉnh Bạc Liêu (mã 95)" in province
    assert "Muối ớt Bạc Liêu" in province and "Tôm khô Cà Mau" in province


def test_lists_in_vietnamese_order(site):
    html = read(site, "tinh/lam-dong/index.html")
    names = re.findall(r'<li><a href="[^"]*san-pham/[^"]*">([^<]+)</a>', html)
    assert names == ["Đặc sản Đà Lạt mứt dâu", "Nho Bồng Lai Farm"]  # Đ after D, before N
    home = read(site, "index.html")
    assert home.index(">Cà Mau<") < home.index(">Lâm Đồng<")


def test_home_counts(site):
    html = read(site, "index.html")
    assert "<strong>4</strong> sản phẩm" in html
    assert "<strong>2</strong> tỉnh/thành có sản phẩm" in html


def test_sitemap_lists_pages(site):
    xml = read(site, "sitemap.xml")
    assert xml.count("<url>") == len(list(site.rglob("index.html")))
    # absolute addresses under the public address, as sitemaps must be, even in a local (relative-link) build
    assert "<loc>https://ocop-register.github.io/san-pham/68-nho-bong-lai-farm/</loc>" in xml
    assert xml.count("<loc>https://ocop-register.github.io/") == xml.count("<loc>")


def test_relative_links_resolve(site):
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        for href in re.findall(r'href="([^"#:]+)"', read(site, str(page.relative_to(site)))):
            target = (page.parent / href).resolve()
            if href.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(site)} -> {href}"


def test_template_typo_fails_the_build(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    page = theme / "templates" / "product.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ product.name }}</h1>", "{{ product_nmae }}</h1>"),
                    encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text((ROOT / "pelicanconf.py").read_text(encoding="utf-8").replace('THEME = "theme"', f'THEME = "{theme}"'),
                    encoding="utf-8")
    register, _ = load_register(FIXTURE)
    with pytest.raises(Exception, match="product_nmae"):
        build_site(register, FIXTURE, tmp_path / "out", conf, TODAY, cache_dir=tmp_path / "cache")


def test_verification_page_leaves_its_qr_code_to_the_browser(site):
    html = read(site, "xac-minh/68-nho-bong-lai-farm/index.html")
    # The build encodes no code: the page names the address, theme/js/qr.js draws it (tests/test_browser.py).
    assert re.search(r'<figure class="qr" data-name="qr-68-nho-bong-lai-farm" '
                     r'data-url="https://ocop-register.github.io/xac-minh/68-nho-bong-lai-farm/">\s*'
                     r'<div class="qr-code" data-title="Mã QR dẫn tới trang xác minh này"><noscript>', html)
    assert "<svg" not in html and "data:image" not in html
    assert '<script type="module" src="../../theme/js/qr.js"></script>' in html
    assert (site / "theme/js/uqr-0.1.3.js").is_file()
    assert not list(site.glob("xac-minh/*/qr.*"))


def test_list_figures_counted_once_are_the_counts_of_each_list():
    """pages() reads each product once for the figures of all its lists: the same as counts() of each list."""
    import datetime as dt
    from ocop import site
    from ocop.register import load_register

    register, _ = load_register(FIXTURE)
    today = dt.date(2026, 12, 3)
    contexts = {p.output: p.context() for p in site.pages(register, today)
                if p.output in ("index.html", "tinh/lam-dong/index.html", "nganh/thuc-pham/index.html")}
    lam_dong = [p for p in register.products if p.province.code == "68"]
    assert contexts["index.html"]["counts"] == site.counts(register.products, today)
    assert contexts["tinh/lam-dong/index.html"]["counts"] == site.counts(lam_dong, today)
    assert contexts["nganh/thuc-pham/index.html"]["counts"] == site.counts(
        [p for p in register.products if p.group == "thuc-pham"], today)
