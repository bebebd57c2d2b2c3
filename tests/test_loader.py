"""The strict loader: YAML 1.1 surprises never change a value; bad YAML is an error with its line."""

import unicodedata
from pathlib import Path

import pytest

from ocop.loader import load_file, load_text
from ocop.report import Report
from ocop.schema import load_schema

SCHEMA = load_schema("product")
CASES = Path(__file__).parent / "fixtures" / "cases"


def load(text: str):
    report = Report()
    loaded = load_text(text, Path("x.yaml"), SCHEMA, report)
    return loaded, report


@pytest.mark.parametrize("yaml_text, path, expected", [
    # YAML 1.1 booleans stay the text typed (B01).
    ("sources: [JP, KR, NO, DE]", ("sources",), ["JP", "KR", "NO", "DE"]),
    ("name: ON", ("name",), "ON"),
    ("name: off", ("name",), "off"),
    ("name: Yes", ("name",), "Yes"),
    ("name: y", ("name",), "y"),
    # Leading zeros, octal, plus sign, base 60 (B02).
    ("producer: {tax_code: 0101234567}", ("producer", "tax_code"), "0101234567"),
    ("producer: {phone: 02363123456}", ("producer", "phone"), "02363123456"),
    ("producer: {phone: +84912345678}", ("producer", "phone"), "+84912345678"),
    ("province: 02", ("province",), "02"),
    ("province: 08", ("province",), "08"),
    ("commune: 00022", ("commune",), "00022"),
    ("name: 10:30", ("name",), "10:30"),
    ("name: 0x1F", ("name",), "0x1F"),
    ("name: 1e3", ("name",), "1e3"),
    ("name: 12345", ("name",), "12345"),
    ("name: .inf", ("name",), ".inf"),
    # Numbers only where the schema wants numbers.
    ("stars: 4", ("stars",), 4),
    ("score: {a: 31.5}", ("score", "a"), 31.5),
    ("stars: '4'", ("stars",), "4"),
    ("stars: 04", ("stars",), "04"),
    # Dates stay ISO text, validated by the schema's date format (B04).
    ("certification: {decided_on: 2023-05-12}", ("certification", "decided_on"), "2023-05-12"),
    ("certification: {decided_on: 2023-02-30}", ("certification", "decided_on"), "2023-02-30"),
    ("certification: {decided_on: 2023-05-12 08:00:00}", ("certification", "decided_on"), "2023-05-12 08:00:00"),
    # NFC on input.
    ("name: " + unicodedata.normalize("NFD", "Đồng Tháp"), ("name",), "Đồng Tháp"),
])
def test_scalars_keep_the_text_typed(yaml_text, path, expected):
    loaded, report = load(yaml_text)
    assert report.ok, report.lines()
    value = loaded.data
    for key in path:
        value = value[key]
    assert value == expected
    assert type(value) is type(expected)


def test_empty_value_means_absent():
    loaded, report = load("name: Mứt me\ndescription:\n")
    assert report.ok
    assert loaded.data == {"name": "Mứt me"}


def test_duplicate_keys_name_both_lines():
    loaded, report = load("id: dt-2023-002\nname: Hạt sen sấy\nstars: 3\nname: Trà tim sen\nstars: 4\n")
    assert report.lines() == [
        "x.yaml:4: name: trường «name» bị lặp (dòng 4, đã có ở dòng 2); chỉ giữ một",
        "x.yaml:5: stars: trường «stars» bị lặp (dòng 5, đã có ở dòng 3); chỉ giữ một",
    ]
    assert loaded.data["name"] == "Hạt sen sấy"


def test_duplicate_keys_in_nested_mapping():
    _, report = load("producer:\n  name: A\n  name: B\n")
    assert [p.line for p in report.problems] == [3]
    assert report.problems[0].field == "producer.name"


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!custom", "!!binary"])
def test_tags_are_refused_and_nothing_runs(tmp_path, monkeypatch, tag):
    monkeypatch.chdir(tmp_path)
    _, report = load(f'id: xx-0000-000\nname: {tag} ["touch ocop_b06_owned"]\n')
    assert not (tmp_path / "ocop_b06_owned").exists()
    assert len(report) == 1
    problem = report.problems[0]
    assert (problem.line, problem.field) == (2, "name")
    assert "thẻ YAML" in problem.message


def test_explicit_str_tag_is_allowed():
    loaded, report = load("name: !!str 0123\n")
    assert report.ok and loaded.data["name"] == "0123"


def test_syntax_error_names_the_line():
    _, report = load("id: a\nname: [unclosed\nstars: 3\n")
    assert len(report) == 1 and report.problems[0].line >= 2
    assert "cú pháp YAML" in report.problems[0].message


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes("\ufeffname: Mật ong\n".encode("utf-8"))
    report = Report()
    loaded = load_file(path, SCHEMA, report)
    assert report.ok and loaded.data == {"name": "Mật ong"}


def test_non_utf8_file_is_a_clear_error(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(b"name: " + CASES.joinpath("B25_cp1258.csv").read_bytes().splitlines()[1])
    report = Report()
    assert load_file(path, SCHEMA, report) is None
    assert "UTF-8" in report.problems[0].message and report.problems[0].line == 1


def test_lines_of_fields():
    loaded, _ = load("id: a\nproducer:\n  name: B\n  phone: '1'\nsources:\n  - https://a.vn\n")
    assert loaded.line_of("producer.phone") == 4
    assert loaded.line_of("sources.0") == 6
    assert loaded.line_of("producer.missing") == 2


def load_case(name: str, tmp_path=None):
    report = Report()
    loaded = load_file(CASES / name, {}, report, name)
    return loaded, report


def test_case_b01_booleans_stay_text():
    loaded, report = load_case("B01.yaml")
    assert report.ok
    assert loaded.data["thi_truong_xuat_khau"] == ["JP", "KR", "NO", "DE"]
    assert (loaded.data["ky_hieu_lo"], loaded.data["ghi_chu_bao_quan"], loaded.data["co_chung_nhan_vietgap"]) == ("ON", "off", "Yes")


def test_case_b02_identifiers_are_the_exact_string_typed():
    loaded, report = load_case("B02.yaml")
    assert report.ok
    assert loaded.data == {
        "dien_thoai_ban": "02363123456", "dien_thoai_di_dong": "0345671234", "dien_thoai_khac": "0912345678",
        "dien_thoai_quoc_te": "+84912345678", "ma_so_thue": "0101234567", "ma_so_thue_chi_nhanh": "0101234567-001",
        "ma_tinh": "02", "ma_tinh_khac": "08", "ma_xa": "00022"}


def test_case_b04_dates_are_one_type_and_sortable():
    loaded, report = load_case("B04.yaml")
    assert report.ok
    dates = [row["ngay_cap"] for row in loaded.data]
    assert all(isinstance(d, str) for d in dates)
    assert sorted(dates)[0] == "12/05/2023"  # sorting never crashes; the schema rejects non-ISO forms


def test_case_b04b_impossible_date_is_an_error_for_that_field_only(tmp_path):
    from ocop.schema import check
    loaded, report = load_case("B04b.yaml")
    assert report.ok and loaded.data["ngay_cap"] == "2023-02-30"
    assert loaded.line_of("ngay_cap") == 5
    record = {"certification": {"decided_on": loaded.data["ngay_cap"]}}
    problems = [(f, m) for f, m in check(record) if f.startswith("certification")]
    assert problems == [("certification.decided_on",
                         "ngày «2023-02-30» không hợp lệ; ghi một ngày có thật theo dạng YYYY-MM-DD, ví dụ 2024-03-13")]


def test_case_b05_duplicate_keys():
    _, report = load_case("B05.yaml")
    assert [(p.line, p.field) for p in report.problems] == [(6, "ten"), (7, "hang_sao")]
    assert "đã có ở dòng 3" in report.problems[0].message


def test_case_b06_python_tag(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, report = load_case("B06.yaml")
    assert [(p.line, p.field) for p in report.problems] == [(4, "ten")]
    assert not (tmp_path / "ocop_b06_owned").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_named_as_such(tmp_path, encoding):
    """Notepad's and Excel's «Unicode» is UTF-16, with or without a BOM: said so, not guessed as Windows-1258."""
    path = tmp_path / "r.yaml"
    path.write_bytes("name: Mật ong\n".encode(encoding))
    report = Report()
    assert load_file(path, SCHEMA, report) is None
    assert [(p.line, p.field, p.message) for p in report.problems] == [
        (1, "", "tệp lưu bằng mã UTF-16 (Unicode của Notepad/Excel); hãy lưu lại với mã hóa UTF-8")]
    assert str(report.problems[0]).startswith(f"{path}:1: (cả tệp): tệp lưu bằng mã UTF-16")
