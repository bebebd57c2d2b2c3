"""The real register in content/: 34 provinces and every imported product validate cleanly."""

import re
import datetime as dt
from collections import Counter

import pytest

from conftest import ROOT
from ocop.register import load_register


@pytest.fixture(scope="module")
def register():
    register, report = load_register(ROOT / "content")
    assert report.lines() == []
    return register


def test_34_units_cover_the_63_old_provinces(register):
    assert len(register.provinces) == 34
    old = [f.code for p in register.provinces for f in p.former]
    assert len(old) == len(set(old)) == 63
    assert register.provinces.display("96", "95", None) == "Bạc Liêu (nay thuộc Cà Mau)"
    # "52" was Bình Định's code and is now Gia Lai's: only a decision known to predate 1/7/2025 names Bình Định.
    assert register.provinces.display("52", "52", True) == "Bình Định (nay thuộc Gia Lai)"
    assert register.provinces.display("52", "52", None) == "Gia Lai"
    assert register.provinces.display("52", "52", False) == "Gia Lai"
    assert register.provinces.by_code["46"].name == "Huế"


def test_every_real_product_is_in(register):
    # 238 published rows; three products re-recognised in 2024 appear twice and are one record with history.
    assert len(register.products) == 235
    refs = [r for p in register.products for r in p.as_published["ref"].split(", ")]
    assert len(refs) == len(set(refs)) == 238
    merged = next(p for p in register.products if p.id == "24-my-gao-luc-ngan")
    assert [(d.year, d.stars) for d in merged.decisions] == [(2021, 4), (2024, 4)]
    assert merged.current.kind == "re-evaluation"
    # Each was a record of its own before the merge: its old address redirects to the merged record.
    assert {old: p.id for p in register.products for old in p.former_ids} == {
        f"{ident}-rp00{n}": ident for ident, n in (("24-my-gao-luc-ngan", 65), ("24-vu-sua-tan-yen", 66),
                                                    ("24-mang-luc-truc-tuoi-lam-sinh-ngoc-chau", 67))}
    assert all(p.sources and p.sources[0].startswith("http") for p in register.products)


def test_revoked_withdrawn_and_expired_as_the_sources_say(register):
    status = Counter(p.status_on(dt.date(2026, 12, 3)) for p in register.products)
    recorded = Counter(p.data["status"] for p in register.products)
    assert recorded["revoked"] == 3
    assert recorded["withdrawn"] == 11
    assert recorded["expired"] == 3
    assert status["revoked"] == 3 and status["withdrawn"] == 11
    assert status["expired"] >= 3


def test_ids_are_unique_and_files_named_by_id(register):
    ids = [p.id for p in register.products]
    assert len(ids) == len(set(ids))
    assert all(p.path.stem == p.id for p in register.products)


@pytest.fixture(scope="module")
def real_site(register, tmp_path_factory):
    from ocop.pelican_plugin import build_site
    out = tmp_path_factory.mktemp("real-site")
    build_site(register, ROOT / "content", out, ROOT / "pelicanconf.py", "2026-12-03")
    return out


@pytest.mark.parametrize("status, label", [("revoked", "Bị thu hồi"), ("withdrawn", "Bị loại khỏi danh sách"),
                                           ("expired", "Hết hạn")])
def test_real_revoked_withdrawn_expired_pages_say_so(register, real_site, status, label):
    products = [p for p in register.products if p.data["status"] == status]
    assert products
    for product in products:
        html = (real_site / product.url / "index.html").read_text(encoding="utf-8")
        assert f'<span class="status status-{status}" data-status="{status}"' in html
        assert f">{label}</span>" in html


def test_old_addresses_of_merged_records_redirect_not_deleted(real_site):
    html = (real_site / "san-pham" / "24-my-gao-luc-ngan-rp0065" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../24-my-gao-luc-ngan/">' in html
    assert "đã bị xoá" not in html


def test_verification_page_gives_the_same_valid_until_as_the_product_page(real_site):
    """The page a label's QR code opens says what the product page says, the latest possible day included."""
    valid_until = re.compile(r"<dt>Hiệu lực đến</dt><dd>(.*?)</dd>")
    shown = {}
    for page in sorted(real_site.glob("san-pham/*/index.html")):
        if not (real_site / "xac-minh" / page.parent.name).is_dir():
            continue  # the redirect page of a former id
        product = valid_until.search(page.read_text(encoding="utf-8")).group(1)
        verify = valid_until.search((real_site / "xac-minh" / page.parent.name / "index.html").read_text(encoding="utf-8")).group(1)
        assert verify == product, page.parent.name
        shown[page.parent.name] = verify
    assert any("muộn nhất" in text for text in shown.values()), shown  # the case the two pages once disagreed on
