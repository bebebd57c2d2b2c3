"""Open data of a real build from a real temporary git repository: exports validated against their Frictionless
descriptor, API files against the OpenAPI description, JSON-LD, the Atom feed, redirects and the change history."""

import datetime as dt
import gc
import hashlib
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
import yaml
from frictionless import validate as validate_package
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_openapi

from conftest import ROOT, valid_record, write_record
from gitrepo import GitRegister
from ocop.export import english, json_bytes, record_fields, table_files
from ocop.pelican_plugin import build_site
from ocop.register import load_register

TODAY = "2026-12-03"
A = "68-ca-phe-cau-dat"
HONEY, HONEY_NEW = "68-mat-ong-bac-ha", "68-mat-ong-bac-ha-da-lat"
NASTY_ID = "68-ten-la"
NASTY = 'Trà </script><script>window.pwned = 1</script> <!-- & "Ô long" \u2028 </SCRIPT >'
FORMULA_ID = "68-tra-cong-thuc"


def build(content: Path, out: Path, today: str | None = TODAY) -> Path:
    register, report = load_register(content)
    assert report.ok, report.lines()
    build_site(register, content, out, ROOT / "pelicanconf.py", today)
    return out


def make_history(repo: GitRegister) -> None:
    """add four records, upgrade one, rename one, delete one: the history every test below reads."""
    write_record(repo.content, valid_record())
    write_record(repo.content, valid_record(id=HONEY, name="Mật ong bạc hà", former_ids=["68-mat-ong-cu"]))
    write_record(repo.content, valid_record(id=NASTY_ID, name=NASTY, description="Mô tả </script> & <b>đậm</b>"))
    write_record(repo.content, valid_record(id=FORMULA_ID, name="=1+2 Trà", producer={"name": "=HYPERLINK(\"x\")"}))
    write_record(repo.content, valid_record(id="96-tom-kho", name="Tôm khô", province="96", province_at_recognition="96"),
                 folder="96-ca-mau")
    repo.commit("Nhập năm sản phẩm")
    write_record(repo.content, valid_record(stars=5, score=None, certification={
        "decision": "2361/QĐ-BNNMT", "decided_on": "2025-06-26", "authority": "Bộ Nông nghiệp và Môi trường",
        "kind": "upgrade"}))
    repo.commit("Cà phê Cầu Đất lên 5 sao", author="Trần Thị B")
    products = repo.content / "products" / "68-lam-dong"
    repo.move(products / f"{HONEY}.yaml", products / f"{HONEY_NEW}.yaml")
    write_record(repo.content, valid_record(id=HONEY_NEW, name="Mật ong bạc hà", former_ids=["68-mat-ong-cu"]))
    repo.commit("Đổi mã mật ong")
    (repo.content / "products" / "96-ca-mau" / "96-tom-kho.yaml").unlink()
    repo.commit("Xoá tôm khô (trùng)")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitRegister:
    repo = GitRegister(tmp_path_factory.mktemp("repo"))
    make_history(repo)
    return repo


@pytest.fixture(scope="module")
def site(repo, tmp_path_factory) -> Path:
    return build(repo.content, tmp_path_factory.mktemp("site"))


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# --- data/ -------------------------------------------------------------------------------------------------

def test_every_export_validates_against_the_data_package(site):
    report = validate_package(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    package = read_json(site / "data" / "datapackage.json")
    names = {r["name"] for r in package["resources"]}
    assert names == {f"{t}-{f}" for t in ("products", "certifications", "changes") for f in ("csv", "json", "jsonl")}
    assert [task.stats["rows"] for task in report.tasks] == [4] * 3 + [5] * 3 + [8] * 3


def workbook_rows(data: Path, sheet: str) -> list[tuple]:
    """The header, then the rows of *sheet* of every provincial workbook, in file order."""
    header, rows = None, []
    for path in sorted((data / "xlsx").glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        header, *body = book[sheet].iter_rows(values_only=True)
        rows += body
        book.close()
    return [header, *rows]


def test_json_assembled_from_rows_equals_json_dumps():
    from ocop.export import Column, Table, serialised

    rows = [{"a": "Trà \u2028 \"x\" </script>\n\t\x01 ô", "b": 1.5, "c": [], "d": ["x", 2], "e": None, "f": True,
             "g": {"h": [{"i": []}], "j": {}}, "k": 10**20, "l": float("nan"), "m": -0.0, "n": False},
            {"a": "", "b": 0, "c": ["only"], "d": [[1], []], "e": 1e-7, "f": False, "g": {}, "k": -3, "l": 1e300,
             "m": "", "n": 0}]
    rows[0]["o"], rows[1]["o"] = (1, ["x", (2,)]), {1: "not a text key", "k": float("-inf")}
    table = Table("t", "", "", "", [Column(k, "any", "", "", "", "", lambda r, k=k: r[k]) for k in rows[0]], ["a"],
                  items=rows)
    assert b"".join(table_files(table, [serialised(table, [row]) for row in rows])["t.json"]) == json_bytes(rows)


def test_json_rows_are_written_without_leaving_garbage():
    from ocop.export import _json_element

    gc.collect()
    gc.disable()  # as while the exports are made
    try:
        _json_element({"sources": ["https://a.vn/1"], "score": {"a": 30, "b": [1.5, {}]}})
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_one_workbook_per_provincial_unit(site):
    names = sorted(p.name for p in (site / "data" / "xlsx").iterdir())
    assert len(names) == 34 and "68-lam-dong.xlsx" in names and "96-ca-mau.xlsx" in names
    book = openpyxl.load_workbook(site / "data" / "xlsx" / "96-ca-mau.xlsx", read_only=True)
    assert [len(list(book[s].iter_rows())) for s in ("products", "certifications")] == [1, 1]  # header only
    assert "Cà Mau" in book.properties.title


def test_json_files_are_exactly_json_dumps_of_their_rows(site):
    """Put together from per-product pieces, each JSON file is still json.dumps(rows, indent=1) byte for byte."""
    documents = [site / "data" / f"{table}.json" for table in ("products", "certifications", "changes")]
    documents += [site / "api/v1/index.json", *sorted((site / "api/v1/products").iterdir())[:5]]
    for path in documents:
        raw = path.read_bytes()
        assert raw == (json.dumps(json.loads(raw), ensure_ascii=False, indent=1) + "\n").encode(), path
    lines = (site / "data" / "products.jsonl").read_text(encoding="utf-8")
    assert "\\u2028" in lines and "\u2028" not in lines  # escaped: some readers split lines there


def test_tables_have_the_same_rows_in_every_format(site):
    data = site / "data"
    for table in ("products", "certifications", "changes"):
        from_json = read_json(data / f"{table}.json")
        lines = [json.loads(line) for line in (data / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert lines == from_json
        if table != "changes":  # the workbooks hold products and certifications
            rows = workbook_rows(data, table)
            assert list(rows[0]) == list(from_json[0])
            key = 1 if table == "products" else 2  # id, or (product_id, seq)
            assert sorted(r[:key] for r in rows[1:]) == sorted(tuple(r.values())[:key] for r in from_json)
    products = {row["id"]: row for row in read_json(data / "products.json")}
    assert sorted(products) == [A, HONEY_NEW, NASTY_ID, FORMULA_ID]
    assert products[A]["stars"] == 5 and products[A]["certification_decided_on"] == "2025-06-26"
    assert products[A]["expires_on"] == "2028-06-26" and products[A]["status_as_of"] == "active"
    assert products[HONEY_NEW]["former_ids"] == ["68-mat-ong-cu"]
    assert products[A]["url"] == "https://ocop-register.github.io/san-pham/68-ca-phe-cau-dat/"
    assert products[A]["last_changed"] == "2025-01-02T09:00:00+07:00"


def test_certification_history_follows_the_record(site):
    rows = [r for r in read_json(site / "data" / "certifications.json") if r["product_id"] == A]
    assert [(r["seq"], r["stars"], r["certification_decision"], r["current"]) for r in rows] == [
        (1, 4, "1234/QĐ-UBND", False), (2, 5, "2361/QĐ-BNNMT", True)]
    assert rows[0]["recorded_on"] == "2025-01-01" and rows[0]["superseded_on"] == "2025-01-02"
    honey = [r for r in read_json(site / "data" / "certifications.json") if r["product_id"] == HONEY_NEW]
    assert len(honey) == 1 and honey[0]["recorded_on"] == "2025-01-01"  # followed across the rename


def test_change_table(site):
    rows = read_json(site / "data" / "changes.json")
    assert [r["seq"] for r in rows] == list(range(1, 9))
    upgrade = [r for r in rows if r["message"] == "Cà phê Cầu Đất lên 5 sao"]
    assert len(upgrade) == 1 and upgrade[0]["author"] == "Trần Thị B" and upgrade[0]["action"] == "modified"
    assert upgrade[0]["fields"][:2] == ["stars", "score.a"]
    assert "certification.decision" in upgrade[0]["fields"]
    renamed = [r for r in rows if r["action"] == "renamed"]
    assert [(r["old_id"], r["product_id"]) for r in renamed] == [(HONEY, HONEY_NEW)]
    assert [r["product_id"] for r in rows if r["action"] == "deleted"] == ["96-tom-kho"]


def test_checksums_and_sizes(site):
    data = site / "data"
    sums = dict(reversed(line.split("  ")) for line in (data / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert "xlsx/68-lam-dong.xlsx" in sums
    for name, digest in sums.items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name
    for resource in read_json(data / "datapackage.json")["resources"]:
        body = (data / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
        assert resource.get("bytes", len(body)) == len(body)


def test_csv_opens_in_excel_with_vietnamese(site):
    raw = (site / "data" / "products.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,former_ids,name,")
    text = raw.decode("utf-8-sig")
    assert "Cà phê Cầu Đất" in text and "\r\n" in text
    assert '"[""https://example.gov.vn/ocop/ca-phe""]"' in text  # a list is a JSON array in one cell


def test_xlsx_cells_are_typed_and_text_is_never_a_formula(site):
    book = openpyxl.load_workbook(site / "data" / "xlsx" / "68-lam-dong.xlsx")
    assert book.sheetnames == ["products", "certifications", "fields"]
    sheet = book["products"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    formula = rows[FORMULA_ID]
    assert formula[header.index("name")].value == "=1+2 Trà" and formula[header.index("name")].data_type == "s"
    assert formula[header.index("producer_name")].data_type == "s"
    assert rows[A][header.index("certification_decided_on")].value == dt.datetime(2025, 6, 26)
    assert rows[A][header.index("stars")].value == 5
    assert rows[A][header.index("producer_tax_code")].value == "0300588569"
    documented = {(r[0], r[1]) for r in book["fields"].iter_rows(min_row=2, values_only=True)}
    assert ("products", "producer_tax_code") in documented and ("certifications", "recorded_in") in documented
    assert sheet.freeze_panes == "B2" and sheet["A1"].font.b


def test_every_field_has_vietnamese_and_english_titles(site):
    package = read_json(site / "data" / "datapackage.json")
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["sources"]
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["title"] and field["description"] and field["x-title-en"] and field["x-description-en"], field
    paths = {path for path, _, _ in record_fields()}
    objects = {"score", "producer", "certification", "status_change", "as_published"}
    assert set(english()) == paths | objects


# --- api/v1 ------------------------------------------------------------------------------------------------

def response_schema(openapi: dict, rel: str) -> dict:
    """The 200 response schema of the OpenAPI path that serves *rel* (like /products/x.json)."""
    for template, item in openapi["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, rel):
            return item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    raise AssertionError(f"no OpenAPI path serves {rel}")


def check_api(root: Path) -> int:
    """Validate the OpenAPI document, then every API file against it; returns how many files were checked."""
    openapi = read_json(root / "openapi.json")
    validate_openapi(openapi)
    checked = 0
    for path in sorted(root.rglob("*.json")):
        rel = "/" + path.relative_to(root).as_posix()
        if rel == "/openapi.json":
            continue
        schema = {**response_schema(openapi, rel), "components": openapi["components"]}
        OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(read_json(path))
        checked += 1
    return checked


def test_api_files_match_the_openapi_description(site):
    assert check_api(site / "api" / "v1") == 1 + 4 + 34  # index, products, the 34 provinces


def test_openapi_rejects_a_wrong_file(site):
    openapi = read_json(site / "api" / "v1" / "openapi.json")
    document = read_json(site / "api" / "v1" / "products" / f"{A}.json")
    document["record"]["stars"] = 6
    schema = {**response_schema(openapi, f"/products/{A}.json"), "components": openapi["components"]}
    assert not OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).is_valid(document)


def test_api_content(site, repo):
    api = site / "api" / "v1"
    index = read_json(api / "index.json")
    assert index["count"] == 4 and index["commit"] == repo.repo.head.commit.hexsha
    assert index["former_ids"] == {HONEY: HONEY_NEW, "68-mat-ong-cu": HONEY_NEW}
    counts = {p["code"]: p["count"] for p in index["provinces"]}
    assert len(counts) == 34 and counts["68"] == 4 and sum(counts.values()) == 4
    product = read_json(api / "products" / f"{A}.json")
    register, _ = load_register(repo.content)
    assert product["record"] == next(p.data for p in register.products if p.id == A)
    assert [c["action"] for c in product["history"]] == ["modified", "added"]
    assert {"field": "stars", "old": 4, "new": 5} in product["history"][0]["fields"]
    assert read_json(api / "provinces" / "68.json")["count"] == 4
    # the record schema in the API description is the record contract itself
    openapi = read_json(api / "openapi.json")
    record = openapi["components"]["schemas"]["ProductRecord"]
    assert record["properties"]["name"]["title"] == "Tên sản phẩm"
    assert record["properties"]["name"]["x-title-en"] == "Product name"


# --- product pages: JSON-LD, Open Graph, history --------------------------------------------------------------

class Scripts(HTMLParser):
    """The text of every <script> element, as a browser's HTML parser splits them."""

    def __init__(self):
        super().__init__()
        self.scripts, self._in = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in = [dict(attrs).get("type"), ""]

    def handle_data(self, data):
        if self._in is not None:
            self._in[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in is not None:
            self.scripts.append(tuple(self._in))
            self._in = None


def jsonld_of(html: str) -> dict:
    parser = Scripts()
    parser.feed(html)
    parser.scripts = [s for s in parser.scripts if s[0] is not None or s[1]]  # <script src> files carry no text
    assert len(parser.scripts) == 1, parser.scripts
    kind, text = parser.scripts[0]
    assert kind == "application/ld+json"
    return json.loads(text)


def test_jsonld_describes_product_producer_and_certification(site):
    graph = jsonld_of((site / "san-pham" / A / "index.html").read_text(encoding="utf-8"))
    assert graph["@type"] == "Product" and graph["name"] == "Cà phê Cầu Đất"
    assert graph["url"] == f"https://ocop-register.github.io/san-pham/{A}/"
    assert graph["manufacturer"] == {"@type": "Organization", "name": "HTX Cà phê Cầu Đất", "taxID": "0300588569",
                                     "telephone": "0263 3123 456",
                                     "address": {"@type": "PostalAddress", "addressLocality": "xã Xuân Trường",
                                                 "addressRegion": "Lâm Đồng", "addressCountry": "VN"}}
    cert = graph["hasCertification"]
    assert cert["@type"] == "Certification" and cert["certificationIdentification"] == "2361/QĐ-BNNMT"
    assert cert["certificationRating"]["ratingValue"] == 5 and cert["validFrom"] == "2025-06-26"
    assert cert["certificationStatus"] == "https://schema.org/CertificationActive"


def test_script_end_tag_in_a_name_cannot_break_the_page(site):
    html = (site / "san-pham" / NASTY_ID / "index.html").read_text(encoding="utf-8")
    graph = jsonld_of(html)  # exactly one script element, and it parses
    assert graph["name"] == NASTY
    assert html.lower().count("<script") == 2 and "<script>window.pwned" not in html  # JSON-LD + status.js
    assert "\\u003c/script\\u003e\\u003cscript\\u003ewindow.pwned" in html
    assert '<meta property="og:title" content="Trà &lt;/script&gt;&lt;script&gt;window.pwned = 1' in html


def test_open_graph_tags(site):
    html = (site / "san-pham" / A / "index.html").read_text(encoding="utf-8")
    for tag in ['<meta property="og:title" content="Cà phê Cầu Đất">',
                f'<meta property="og:url" content="https://ocop-register.github.io/san-pham/{A}/">',
                f'<link rel="canonical" href="https://ocop-register.github.io/san-pham/{A}/">',
                '<meta property="og:locale" content="vi_VN">']:
        assert tag in html


def test_history_is_shown_on_the_product_page(site, repo):
    html = (site / "san-pham" / A / "index.html").read_text(encoding="utf-8")
    assert "<h2 id=\"lich-su\">Lịch sử thay đổi</h2>" in html
    assert "02/01/2025</time> — Sửa hồ sơ: Cà phê Cầu Đất lên 5 sao" in html
    assert "<li>Hạng sao: 4 → 5</li>" in html and "<li>Phần A: 30 → (trống)</li>" in html
    assert "Trần Thị B" in html
    honey = (site / "san-pham" / HONEY_NEW / "index.html").read_text(encoding="utf-8")
    assert f"Đổi mã hồ sơ (mã cũ <code>{HONEY}</code>)" in honey and "01/01/2025</time> — Thêm hồ sơ" in honey


# --- stable links, feed ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("old", [HONEY, "68-mat-ong-cu"])
def test_old_urls_redirect(site, old):
    html = (site / "san-pham" / old / "index.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="refresh" content="0; url=../{HONEY_NEW}/">' in html
    assert f'<link rel="canonical" href="https://ocop-register.github.io/san-pham/{HONEY_NEW}/">' in html
    assert f'location.replace("../{HONEY_NEW}/"' in html
    assert old not in (site / "sitemap.xml").read_text(encoding="utf-8").replace(HONEY_NEW, "")


def test_a_deleted_record_leaves_a_page_at_its_address(site, repo):
    html = (site / "san-pham" / "96-tom-kho" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Tôm khô</h1>" in html and '<meta name="robots" content="noindex">' in html
    assert "đã bị xoá khỏi sổ đăng ký ngày 04/01/2025" in html and "Xoá tôm khô (trùng)" in html
    # a page of the site like any other: its header, its search box, links that resolve from where it is
    assert '<form class="site-search" role="search" action="../../tim-kiem/"' in html
    assert '<a href="../../data/changes.csv">bảng thay đổi</a>' in html and (site / "data" / "changes.csv").is_file()
    assert read_json(site / "api" / "v1" / "index.json")["removed"] == [
        {"id": "96-tom-kho", "name": "Tôm khô", "removed_on": "2025-01-04", "commit": repo.repo.head.commit.hexsha}]
    assert "96-tom-kho" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_atom_feed_is_well_formed(site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feeds" / "thay-doi.atom.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == [
        "Xoá tôm khô (trùng)", "Đổi mã mật ong", "Cà phê Cầu Đất lên 5 sao", "Nhập năm sản phẩm"]
    assert feed.findtext("a:updated", namespaces=ns) == "2025-01-04T09:00:00+07:00"
    for entry in entries:
        for tag in ("id", "title", "updated", "author/a:name", "content"):
            assert entry.findtext(f"a:{tag}", namespaces=ns), tag
        dt.datetime.fromisoformat(entry.findtext("a:updated", namespaces=ns))
    upgrade = entries[2].findtext("a:content", namespaces=ns)
    assert "Cà phê Cầu Đất</a>: Sửa hồ sơ: Hạng sao" in upgrade
    assert len({e.findtext("a:id", namespaces=ns) for e in entries}) == 4


# --- without git ---------------------------------------------------------------------------------------------

def test_build_without_git_has_empty_history_and_valid_exports(content, tmp_path):
    write_record(content, valid_record())
    site = build(content, tmp_path / "site")
    assert validate_package(str(site / "data" / "datapackage.json")).valid
    assert (site / "data" / "changes.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "seq,product_id,date,commit,author,message,action,old_id,fields"]
    assert not (site / "data" / "changes.json").exists()
    assert [r["recorded_in"] for r in read_json(site / "data" / "certifications.json")] == [None]
    assert check_api(site / "api" / "v1") == 1 + 1 + 34
    assert "Chưa có lịch sử thay đổi" in (site / "san-pham" / A / "index.html").read_text(encoding="utf-8")
    ET.parse(site / "feeds" / "thay-doi.atom.xml")


def test_xlsx_is_dated_from_the_last_commit_of_its_units_products(site):
    """Lâm Đồng's products last changed in the third commit (the honey's new id); the fourth only deleted a Cà Mau
    record, so it does not touch Lâm Đồng's workbook."""
    with zipfile.ZipFile(site / "data" / "xlsx" / "68-lam-dong.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 1, 3, 2, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2025-01-03T02:00:00Z" in core


def test_readme_and_citation_describe_what_is_built(site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table in ("products", "certifications", "changes"):
        assert f"`data/{table}." in readme
    for name in ("xlsx/<unit>.xlsx", "datapackage.json", "SHA256SUMS", "api/v1/index.json", "api/v1/openapi.json",
                 "api/v1/products/<id>.json", "api/v1/provinces/<code>.json", "feeds/thay-doi.atom.xml"):
        assert name in readme, name
        pattern = name.replace("<id>", "*").replace("<code>", "*").replace("<unit>", "*")
        assert [*site.glob(pattern), *site.glob(f"data/{pattern}")], name
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "dataset"
    assert citation["title"] and citation["authors"] and citation["message"]
    assert citation["license"] == read_json(site / "data" / "datapackage.json")["licenses"][0]["name"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "CC BY 4.0" in (ROOT / "LICENSE-DATA.md").read_text(encoding="utf-8")
    # One credit name wherever a citation is suggested: the licence's, the citation file's, the README's example,
    # the data package's and the open-data page's
    credit = "Sổ đăng ký OCOP mở"
    assert f"«{credit}»" in (ROOT / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert citation["title"].startswith(f"{credit} (")
    assert f"> {credit}, bản `data-" in readme
    assert read_json(site / "data" / "datapackage.json")["x-citation"].startswith(f"{credit}, ")
    page = (site / "du-lieu" / "index.html").read_text(encoding="utf-8")
    assert f"<h2>Trích dẫn</h2>\n<p>{credit}, commit <code>" in page


def test_open_data_page_links_every_download(site, repo):
    html = (site / "du-lieu" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="\.\./([^"]+)">', html)
    assert len(links) == 9 + 34 and all((site / link).is_file() for link in links), links
    assert '<a href="../data/xlsx/68-lam-dong.xlsx">Lâm Đồng</a>' in html
    assert f"commit <code>{repo.repo.head.commit.hexsha[:12]}</code>" in html
    assert 'href="../du-lieu/"' in (site / "sao" / "index.html").read_text(encoding="utf-8")


def test_json_documents_are_the_bytes_of_json_dumps():
    """API documents are written by the export's own encoder: the bytes json.dumps(indent=1) writes."""
    import json
    from ocop import export
    rows = [{"id": "a", "name": "Mứt \"dâu\"\n", "stars": None, "n": 3, "x": 1.5, "ok": True, "tags": ["x", {"y": 1}],
             "empty": {}, "nested": {"k": [1, 2]}}, {"id": "b", "name": "", "stars": 5, "n": -1, "x": 0.1, "ok": False,
                                                     "tags": [], "empty": [], "nested": None}]
    for value in ({"a": 1, "products": rows, "z": ["q"]}, {"products": [], "a": 1}, {"products": rows}, rows, {}, [],
                  {"k": {1: "a number key"}, "f": [float("inf"), -0.0, 10**20]}):
        assert export.json_bytes(value) == (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


def test_product_summaries_are_the_bytes_of_json_dumps():
    """index.json and the provinces' documents write their product summaries in one f-string each: the text
    json.dumps(indent=1) writes of the summaries, at any depth."""
    from ocop import api, export
    from ocop.register import load_register
    register, _ = load_register(ROOT / "content")  # the real records: names with quotes, no stars, no group
    day = dt.date(2026, 12, 3)
    products = list(reversed(register.products))  # written sorted by id
    expected = [api.summary(p, day) for p in sorted(products, key=lambda p: p.id)]
    assert any(p.stars is None for p in products) and any(p.group is None for p in products)
    for document in ({"products": api.summaries(products, day, "\n ")}, {"x": {"products": api.summaries(products, day, "\n  ")}},
                     {"products": api.summaries([], day, "\n ")}):
        plain = json.loads(export.json_bytes(document))
        assert export.json_bytes(document) == (json.dumps(plain, ensure_ascii=False, indent=1) + "\n").encode()
    assert json.loads(export.json_bytes({"products": api.summaries(products, day, "\n ")}))["products"] == expected


def test_workbooks_are_dated_in_their_headers_as_a_zip_written_again_would_be():
    """normalised_zip rewrites the zip headers of a workbook in place: the bytes of the same archive written
    again entry by entry with the date, Unix as maker and rw-r--r-- (what it did before, compressing twice)."""
    import io
    import xlsxwriter
    from ocop import export

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("products").write_row(0, 0, ["id", "tên"] * 50)
    book.close()
    when = dt.datetime(2026, 3, 13, 10, 30, 7, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    again = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(again, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 3, 13, 3, 30, 7))
            entry.compress_type, entry.external_attr, entry.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    assert export.normalised_zip(buffer.getvalue(), when) == again.getvalue()
    with zipfile.ZipFile(io.BytesIO(export.normalised_zip(buffer.getvalue(), when))) as archive:
        assert archive.testzip() is None
        assert {i.date_time for i in archive.infolist()} == {(2026, 3, 13, 3, 30, 6)}  # DOS time: even seconds
