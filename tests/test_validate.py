"""Validation: one valid record, and each negative case changes exactly one thing."""

import copy

import pytest

from conftest import VALID, valid_record, write_record
from ocop import taxcode
from ocop.register import load_register


def problems_of(content):
    register, report = load_register(content)
    return register, [(p.field, p.message) for p in report.problems], report


def test_the_valid_record_is_valid(content):
    write_record(content, valid_record())
    register, problems, _ = problems_of(content)
    assert problems == []
    assert [p.name for p in register.products] == ["Cà phê Cầu Đất"]


def nested(key, **changes):
    value = copy.deepcopy(VALID[key])
    for k, v in changes.items():
        if v is None:
            value.pop(k, None)
        else:
            value[k] = v
    return {key: value}


CASES = [
    # (changes to the valid record, field, words the message must contain)
    (dict(name=None), "name", "thiếu trường bắt buộc «name»"),
    (dict(sources=None), "sources", "thiếu trường bắt buộc «sources»"),
    (dict(stars=6), "stars", "hạng sao phải là 3, 4 hoặc 5"),
    (dict(stars="bốn"), "stars", "phải là số nguyên"),
    (dict(group="thuc pham"), "group", "chọn một trong"),
    (dict(province="6"), "province", "2 chữ số"),
    (dict(province="99"), "province", "không phải một trong 34"),
    (dict(province_at_recognition="99"), "province_at_recognition", "không phải mã tỉnh"),
    (dict(province_at_recognition="95"), "province", "nay thuộc Cà Mau"),
    (dict(sources=["NO"]), "sources.0", "địa chỉ web"),
    (dict(sources=[]), "sources", "ít nhất 1"),
    (dict(colour="đỏ"), "colour", "không có trong mẫu hồ sơ"),
    (dict(status="hết hạn"), "status", "chọn một trong"),
    (dict(score={"a": 40, "b": 25, "c": 30}), "score", "không khớp hạng 4 sao"),
    (dict(score={"a": 30, "b": 20}), "score", "đủ cả ba phần"),
    (dict(score={"a": 30, "b": 20, "c": 25, "total": 70}), "score.total", "khác A+B+C"),
    (nested("producer", tax_code="0300588568"), "producer.tax_code", "chữ số kiểm tra"),
    (nested("producer", tax_code="12345"), "producer.tax_code", "10 chữ số"),
    (nested("producer", kind="công ty"), "producer.kind", "chọn một trong"),
    (nested("producer", phone="gọi 0912"), "producer.phone", "số điện thoại"),
    (nested("certification", decision="QĐ 1234 UBND"), "certification.decision", "1234/QĐ-UBND"),
    (nested("certification", decided_on="2023-02-30"), "certification.decided_on", "2023-02-30"),
    (nested("certification", decided_on="13/03/2024"), "certification.decided_on", "YYYY-MM-DD"),
    (nested("certification", expires_on="2024-03-01"), "certification.expires_on", "phải sau ngày quyết định"),
    (nested("certification", kind="lần đầu"), "certification.kind", "chọn một trong"),
    (dict(status_change={"reason": "x"}), "status_change", "đang hiệu lực"),
]


@pytest.mark.parametrize("changes, field, words", CASES, ids=[c[1] + ":" + c[2][:20] for c in CASES])
def test_one_defect_one_problem(content, changes, field, words):
    write_record(content, valid_record(**changes))
    register, problems, _ = problems_of(content)
    assert len(problems) == 1, problems
    assert problems[0][0] == field
    assert words in problems[0][1]
    assert register.products == []


def test_problem_names_file_and_line(content):
    path = write_record(content, valid_record(stars=7))
    _, _, report = problems_of(content)
    problem = report.problems[0]
    assert problem.path.endswith("content/products/68-lam-dong/68-ca-phe-cau-dat.yaml")
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1] == "stars: 7"


def test_duplicate_ids_across_files(content):
    write_record(content, valid_record())
    write_record(content, valid_record(), folder="68-lam-dong", name="68-ca-phe-cau-dat-2.yaml")
    _, problems, report = problems_of(content)
    fields = sorted(f for f, _ in problems)
    assert fields == ["id", "id"]  # file name differs from id, and id used twice
    assert any("đã dùng cho" in m for _, m in problems)


def test_file_must_be_in_its_province_folder(content):
    write_record(content, valid_record(), folder="96-ca-mau")
    _, problems, _ = problems_of(content)
    assert problems == [("province", "hồ sơ của Lâm Đồng phải nằm trong thư mục content/products/68-lam-dong/, "
                                     "không phải «96-ca-mau»")]


def test_file_name_must_be_the_id(content):
    write_record(content, valid_record(), name="ca-phe.yaml")
    _, problems, _ = problems_of(content)
    assert problems == [("id", "tên tệp phải là «68-ca-phe-cau-dat.yaml» (trùng với id), đang là «ca-phe.yaml»")]


def test_all_problems_collected_in_one_pass(content):
    write_record(content, valid_record(stars=9, group="x"))
    write_record(content, valid_record(id="68-b", name="B"))
    write_record(content, "id: 68-c\nname: C\nname: D\n", name="68-c.yaml")
    register, problems, _ = problems_of(content)
    assert [p.id for p in register.products] == ["68-b"]
    assert len(problems) >= 3


def test_merged_province_resolves_to_current_unit(tmp_path, content):
    record = valid_record(id="96-muoi", name="Muối", province="96", province_at_recognition="95")
    write_record(content, record, folder="96-ca-mau")
    register, problems, _ = problems_of(content)
    assert problems == []
    assert register.products[0].province_label == "Bạc Liêu (nay thuộc Cà Mau)"


@pytest.mark.parametrize("code, ok", [
    ("0300588569", True), ("0100109106", True), ("0100109106-001", True), ("001234567890", True),
    ("0300588568", False), ("0100109106-000", False), ("0100109106-01", False), ("12345", False),
    ("123456789012", False), ("0101234567", False),
])
def test_tax_codes(code, ok):
    assert (taxcode.problem(code) is None) == ok
