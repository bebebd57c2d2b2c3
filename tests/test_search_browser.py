"""Search on the built site, in a real headless Chromium: lunr.js 2.3.9 over the shards our build wrote.

The site is the fixture register plus three products that exercise search (a product recognised under a
former province, shared and near decision numbers, cá vs cà). Cases B12-B16 run on B12_docs.json indexed
through the same pipeline and served next to the site under cases/.
"""

import json
import shutil
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import FIXTURE, ROOT, build, serve, valid_record, write_record
from ocop import search
from search_cases import CASES, case_entries, case_facets, check

VECTORS = json.loads((ROOT / "tests" / "fixtures" / "search_vectors.json").read_text(encoding="utf-8"))

EXTRA = [
    valid_record(id="96-tom-kho-ganh-hao", name="Tôm khô Gành Hào", province="96", province_at_recognition="95",
                 commune="xã Gành Hào", district="huyện Đông Hải",
                 producer={"name": "HTX Thủy sản Gành Hào", "kind": "htx", "phone": "0912 345 678"},
                 certification={"decision": "123/QĐ-UBND", "decided_on": "2024-05-02", "authority": "UBND tỉnh Bạc Liêu"},
                 sources=["https://example.gov.vn/ocop/tom-kho-ganh-hao"]),
    valid_record(id="96-ca-kho-song-doc", name="Cá khô Sông Đốc", province="96", province_at_recognition="96",
                 commune="thị trấn Sông Đốc", stars=3, score=None,
                 producer={"name": "Cơ sở Hải Đăng", "kind": "ho-kinh-doanh"},
                 certification={"decision": "88/QĐ-UBND", "decided_on": "2025-09-01"},
                 sources=["https://example.gov.vn/ocop/ca-kho"]),
    valid_record(),  # Cà phê Cầu Đất, decision 1234/QĐ-UBND like Nho Bồng Lai Farm
]
TOTAL = 7


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURE, content, dirs_exist_ok=True)
    for record in EXTRA:
        write_record(content, record, folder="96-ca-mau" if record["province"] == "96" else "68-lam-dong")
    out = build(content, tmp_path_factory.mktemp("site"))
    search.write_index(case_entries(), case_facets(), out / "cases")
    with serve(out) as url:
        yield url


@pytest.fixture
def page(site, browser):
    """A phone-sized page on the search page; fails the test on any script error."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(r.url))
    page.goto(site + "tim-kiem/")
    yield page
    context.close()
    assert errors == []


def wait(page, query):
    """Wait until the results show *query*; return the result names in order."""
    page.wait_for_function(
        "q => { const box = document.getElementById('ket-qua'); return box.dataset.q === q && box.dataset.state === 'done' }",
        arg=query)
    return page.locator("#ket-qua li > a").all_inner_texts()


def main_results(page):
    return page.locator("#ket-qua .results > li > a").all_inner_texts()


def type_query(page, query, delay=30):
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially(query, delay=delay)
    return wait(page, query)


def test_fold_and_terms_vectors_agree_with_python(page):
    got = page.evaluate("""async (vectors) => {
        const text = await import('../theme/js/vntext.js');
        return { fold: vectors.fold.map(([s]) => text.fold(s)), terms: vectors.terms.map(([s]) => text.terms(s)) };
    }""", VECTORS)
    assert got["fold"] == [expected for _, expected in VECTORS["fold"]]
    assert got["terms"] == [expected for _, expected in VECTORS["terms"]]


@pytest.fixture(scope="module")
def case_results(site, browser):
    """Every case query run by search-engine.js + lunr.js on the B12 documents: {query: (main, near, complete)}."""
    page = browser.new_page()
    page.goto(site + "tim-kiem/")
    page.wait_for_function("() => window.lunr && lunr.version === '2.3.9'")
    results = page.evaluate("""async (queries) => {
        const { Engine } = await import('../theme/js/search-engine.js');
        const engine = new Engine('../cases/');
        const out = {};
        for (const q of queries) {
            const result = await engine.search(q);
            const refined = engine.refine(result, {});
            const urls = async (hits) => (await engine.docs(hits.map((h) => h.ref))).map((row) => row.u);
            // lunr.js's own scores of the hits agree with those read from the postings, and keep the order.
            const ranked = engine.rank(result, result.hits);
            for (const hit of ranked) {
                if (Math.abs(hit.score - hit.postingsScore) > 1e-6 * Math.max(1, hit.score)) throw new Error(q + ': ' + JSON.stringify(hit));
            }
            if (ranked.map((h) => h.ref).join() !== result.hits.map((h) => h.ref).join()) throw new Error(q + ': order');
            out[q] = [await urls(refined.main), await urls(refined.near), refined.complete];
        }
        return out;
    }""", [q for _, q, _ in CASES])
    page.close()
    return results


@pytest.mark.parametrize("case, query, expected", CASES, ids=[f"{c}-{q}" for c, q, _ in CASES])
def test_cases_with_lunr_js(case_results, case, query, expected):
    check(query, expected, *case_results[query])


def test_typed_without_diacritics_and_highlighted_as_written(page):
    assert type_query(page, "dac san")[0] == "Đặc sản Đà Lạt mứt dâu"
    assert page.locator("#ket-qua .results li").first.locator("mark").all_inner_texts() == ["Đặc", "sản"]
    assert main_results(page) == ["Đặc sản Đà Lạt mứt dâu"]
    assert type_query(page, "nho bong lai")[0] == "Nho Bồng Lai Farm"


def test_đ_and_upper_case(page):
    assert main_results(page) == [] and type_query(page, "duc trong")[0] == "Nho Bồng Lai Farm"
    assert main_results(page) == ["Nho Bồng Lai Farm"]
    type_query(page, "DAK NONG")
    assert main_results(page) == ["Đặc sản Đà Lạt mứt dâu"]  # producer HTX Đắk Nông Xanh, former province Đắk Nông


def test_former_province_name_finds_products_now_under_the_new_unit(page):
    type_query(page, "Bac Lieu")
    assert set(main_results(page)) == {"Muối ớt Bạc Liêu", "Tôm khô Gành Hào"}
    item = page.locator("#ket-qua .results li", has_text="Tôm khô Gành Hào")
    assert "Bạc Liêu (nay thuộc Cà Mau)" in item.inner_text()


def test_decision_number_matches_exactly(page):
    type_query(page, "123/QĐ-UBND")
    assert main_results(page) == ["Tôm khô Gành Hào"]
    assert page.locator("#ket-qua .results-near li").count() == 0
    type_query(page, "1234/QĐ-UBND")
    assert set(main_results(page)) == {"Nho Bồng Lai Farm", "Cà phê Cầu Đất"}
    type_query(page, "3763/qd-ubnd")  # the revocation decision, typed without đ
    assert main_results(page) == ["Tôm khô Cà Mau"]


def test_phone_numbers_as_people_type_them(page):
    for typed in ["+84 912 345 678", "0912.345.678", "0912 345"]:
        type_query(page, typed)
        assert main_results(page) == ["Tôm khô Gành Hào"], typed


def test_exact_diacritics_rank_first(page):
    type_query(page, "cá")
    assert main_results(page) == ["Cá khô Sông Đốc"]  # cà (Cà phê, Cà Mau) only among near results
    type_query(page, "cà phê")
    assert main_results(page)[0] == "Cà phê Cầu Đất"


SPECIAL = [":", "~", "^", "+", "-", "*", "*:*", "name:*", "+*", "-nho", "nho~1", "nho^10", "ten:nho", "\\", '"',
           "<script>alert(1)</script>", "((", "%", "?&=#", "🍯", "x" * 500, "*" * 50, "  ", "a", "Đ", "+84", "HTX:"]


def test_special_characters_never_throw_nor_match_everything(page):
    for typed in SPECIAL:
        type_query(page, typed, delay=0)
        assert len(main_results(page)) < TOTAL, typed
        assert page.locator("#ket-qua").get_attribute("data-state") == "done", typed
        if typed.strip() and not search.tokens(typed):
            assert page.locator("#ket-qua .summary").inner_text() == "Gõ ít nhất 2 chữ cái để tìm.", typed
    assert type_query(page, "nho")[0] == "Nho Bồng Lai Farm"  # the box still works
    assert page.evaluate("document.title").startswith("Tìm sản phẩm OCOP")


def option_texts(page, name):
    return page.locator(f"select[name='{name}'] option").all_inner_texts()


def test_filters_with_counts_in_the_url(page, site):
    type_query(page, "kho")
    assert set(main_results(page)) == {"Tôm khô Cà Mau", "Tôm khô Gành Hào", "Cá khô Sông Đốc"}
    assert "Cà Mau (3)" in option_texts(page, "tinh") and "Lâm Đồng (0)" in option_texts(page, "tinh")
    assert {"4 sao (1)", "3 sao (2)"} <= set(option_texts(page, "sao"))
    assert page.locator("select[name='tinh'] option[value='lam-dong']").is_disabled()
    page.select_option("select[name='sao']", "3")
    wait(page, "kho")
    assert set(main_results(page)) == {"Tôm khô Cà Mau", "Cá khô Sông Đốc"}
    assert "Cà Mau (2)" in option_texts(page, "tinh")
    assert {"4 sao (1)", "3 sao (2)"} <= set(option_texts(page, "sao"))  # a facet's own filter is not applied to it
    assert {"Còn hiệu lực (1)", "Bị thu hồi (1)"} <= set(option_texts(page, "trang-thai"))
    page.select_option("select[name='trang-thai']", "thu-hoi")
    wait(page, "kho")
    assert main_results(page) == ["Tôm khô Cà Mau"]
    assert parse_qs(urlparse(page.url).query) == {"q": ["kho"], "sao": ["3"], "trang-thai": ["thu-hoi"]}
    assert "(đã lọc)" in page.locator("#ket-qua .summary").inner_text()


def test_shared_url_restores_the_same_results(page, site, browser):
    url = site + "tim-kiem/?q=kho&sao=3"
    other = browser.new_page()
    other.goto(url)
    wait(other, "kho")
    assert set(main_results(other)) == {"Tôm khô Cà Mau", "Cá khô Sông Đốc"}
    assert other.locator("#q").input_value() == "kho"
    assert other.locator("select[name='sao']").input_value() == "3"
    other.close()


def test_back_and_forward(page, site):
    type_query(page, "kho")
    page.keyboard.press("Enter")
    page.select_option("select[name='sao']", "4")
    wait(page, "kho")
    assert main_results(page) == ["Tôm khô Gành Hào"]
    page.go_back()
    page.wait_for_function("() => !location.search.includes('sao=')")
    wait(page, "kho")
    assert len(main_results(page)) == 3 and page.locator("select[name='sao']").input_value() == ""
    page.go_back()
    page.wait_for_function("() => location.search === ''")
    assert page.locator("#q").input_value() == ""
    page.go_forward()
    wait(page, "kho")
    assert len(main_results(page)) == 3
    page.go_forward()
    wait(page, "kho")
    assert main_results(page) == ["Tôm khô Gành Hào"] and page.locator("select[name='sao']").input_value() == "4"


def test_result_shows_facts_and_links_to_the_product_page(page):
    type_query(page, "gành hào")
    item = page.locator("#ket-qua .results li").first
    text = item.inner_text()
    for fact in ["Tôm khô Gành Hào", "Bạc Liêu (nay thuộc Cà Mau)", "HTX Thủy sản Gành Hào", "Còn hiệu lực"]:
        assert fact in text
    assert item.get_by_role("img", name="4 sao").is_visible()
    item.locator("a").click()
    page.wait_for_url("**/san-pham/96-tom-kho-ganh-hao/")
    assert page.locator("h1").inner_text() == "Tôm khô Gành Hào"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_search_box_on_every_page(page, site):
    page.goto(site + "san-pham/68-nho-bong-lai-farm/")
    box = page.get_by_role("searchbox", name="Tìm sản phẩm OCOP")
    box.fill("tom kho")
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=tom+kho")
    wait(page, "tom kho")
    assert set(main_results(page)) == {"Tôm khô Cà Mau", "Tôm khô Gành Hào"}


def test_without_javascript_the_register_can_be_browsed(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "tim-kiem/?q=nho")
    assert "tắt JavaScript" in page.locator("main").inner_text()
    assert page.locator("#ket-qua").is_hidden() and page.locator(".filters").is_hidden()
    page.get_by_role("link", name="Sản phẩm 3 sao").click()
    page.wait_for_url("**/sao/3/")
    assert "Tôm khô Cà Mau" in page.locator("main").inner_text()
    page.get_by_role("link", name="Tỉnh/thành").first.click()
    page.get_by_role("link", name="Cà Mau").first.click()
    assert "Tôm khô Gành Hào" in page.locator("main").inner_text()
    page.get_by_role("link", name="Ngành").first.click()
    assert page.get_by_role("link", name="Thực phẩm").is_visible()
    context.close()
