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
    (dict(colour="đỏ"), "colour", "không có trong mẫu hồ sơ (các trường hợp lệ: "),  # nothing close: no guess
    (dict(stras=4), "stras", "trường «stras» không có trong mẫu hồ sơ; có phải «stars»?"),
    (nested("producer", nmae="HTX"), "producer.nmae", "có phải «name»?"),
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


def test_duplicate_ids_across_files(content, monkeypatch):
    monkeypatch.chdir(content.parent)
    write_record(content, valid_record())
    write_record(content, valid_record(), folder="68-lam-dong", name="68-ca-phe-cau-dat-2.yaml")
    _, problems, report = problems_of(content)
    assert sorted(problems) == [
        ("id", "id «68-ca-phe-cau-dat» cũng được dùng ở content/products/68-lam-dong/68-ca-phe-cau-dat-2.yaml:1; "
               "mỗi sản phẩm một id riêng, không bao giờ dùng lại"),
        ("id", "id «68-ca-phe-cau-dat» cũng được dùng ở content/products/68-lam-dong/68-ca-phe-cau-dat.yaml:1; "
               "mỗi sản phẩm một id riêng, không bao giờ dùng lại"),
        ("id", "tên tệp phải là «68-ca-phe-cau-dat.yaml» (trùng với id), đang là «68-ca-phe-cau-dat-2.yaml»"),
    ]


def test_file_must_be_in_its_province_folder(content):
    write_record(content, valid_record(), folder="96-ca-mau")
    _, problems, _ = problems_of(content)
    assert problems == [("province", "hồ sơ của Lâm Đồng phải nằm trong thư mục content/products/68-lam-dong/, "
                                     "không phải «96-ca-mau»")]


def test_file_directly_under_products_or_in_a_subfolder_is_told_its_folder(content):
    write_record(content, valid_record(), folder="")
    write_record(content, valid_record(id="68-b", name="B"), folder="68-lam-dong/cu")
    write_record(content, valid_record(id="99-c", name="C", province="99"), folder="")
    _, problems, _ = problems_of(content)
    assert sorted(problems) == [
        ("province", "hồ sơ của Lâm Đồng phải nằm trong thư mục content/products/68-lam-dong/, "
                     "không phải ngay trong content/products/"),
        ("province", "hồ sơ của Lâm Đồng phải nằm trong thư mục content/products/68-lam-dong/, "
                     "không phải «68-lam-dong/cu»"),
        ("province", "hồ sơ phải nằm trong thư mục của tỉnh, ví dụ content/products/68-lam-dong/"),
        ("province", "mã «99» không phải một trong 34 đơn vị cấp tỉnh hiện hành"),
    ]


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


def test_every_problem_of_a_file_at_once(content, monkeypatch):
    """A schema error does not hide the cross-field errors of the same file."""
    monkeypatch.chdir(content.parent)
    record = valid_record(stars="4", province_at_recognition="95", score={"a": 40, "b": 25, "c": 30},
                          certification={"decided_on": "2024-03-13", "expires_on": "2023-01-01"})
    write_record(content, record, folder="96-ca-mau", name="sai-ten.yaml")
    _, problems, _ = problems_of(content)
    assert sorted(f for f, _ in problems) == ["certification.expires_on", "id", "province", "province", "stars"]
    assert ("stars", "phải là số nguyên: bỏ dấu ngoặc kép (viết 4, không phải \"4\")") in problems


@pytest.mark.parametrize("text, field, words", [
    ('name: "   "', "name", "đang để trống"),
    ("name:", "name", "đang để trống"),
    ("certification: {decided_on: 2099-01-01}", "certification.decided_on", "ở tương lai"),
    ("status: revoked", "status", "cần có status_change"),
    ('sources: ["https://..."]', "sources.0", "địa chỉ web"),
    ("description: &a [*a]", "description.0", "neo/bí danh"),
    ("description: !custom x", "description", "thẻ YAML «!custom»"),
])
def test_more_defects(content, text, field, words):
    base = dump_valid_without(text.split(":")[0])
    write_record(content, base + text + "\n", name="68-ca-phe-cau-dat.yaml")
    _, problems, _ = problems_of(content)
    assert [f for f, _ in problems] == [field], problems
    assert words in problems[0][1]


def dump_valid_without(key):
    from ocop.yamlwrite import dump
    return dump(valid_record(**{key: None}))


def test_alias_bomb_is_refused_quickly(content):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    write_record(content, dump_valid_without("description") + "description:\n" +
                 "\n".join("  " + line for line in lines) + "\n", name="68-ca-phe-cau-dat.yaml")
    _, problems, _ = problems_of(content)
    assert problems and all("neo/bí danh" in m or "không có trong mẫu" in m or "phải là" in m for _, m in problems)


def test_deep_nesting_is_an_error_not_a_crash(content):
    write_record(content, dump_valid_without("description") + "description: " + "[" * 20000 + "\n",
                 name="68-ca-phe-cau-dat.yaml")
    _, problems, _ = problems_of(content)
    assert len(problems) == 1 and problems[0][1].startswith(("lỗi cú pháp", "cấu trúc lồng quá sâu"))


@pytest.mark.parametrize("name", ["68-ca-phe-cau-dat.YAML", "68-ca-phe-cau-dat.yml", "68-ca-phe-cau-dat.yaml.txt"])
def test_wrong_file_suffix_is_reported(content, name):
    write_record(content, valid_record(), name=name)
    register, problems, _ = problems_of(content)
    assert register.products == []
    assert len(problems) == 1 and "phải có đuôi .yaml" in problems[0][1]


def test_too_big_file(content):
    write_record(content, dump_valid_without("description") + "description: " + "x" * 300_000 + "\n",
                 name="68-ca-phe-cau-dat.yaml")
    _, problems, _ = problems_of(content)
    assert [m for _, m in problems] == ["tệp quá lớn (293 KB, tối đa 256 KB cho một hồ sơ)"]


def test_missing_province_file_is_reported_once(content):
    write_record(content, valid_record())
    (content / "provinces" / "96-ca-mau.yaml").unlink()
    register, problems, report = problems_of(content)
    assert register.products == []
    assert len(problems) == 1
    assert "cần đủ 34 tệp tỉnh/thành hợp lệ" in problems[0][1] and "đang có 33 đơn vị" in problems[0][1]


def test_invalid_record_is_not_counted_valid(content):
    write_record(content, dump_valid_without("name") + "name: A\nname: B\n", name="68-ca-phe-cau-dat.yaml")
    register, problems, _ = problems_of(content)
    assert register.products == [] and len(problems) == 1


@pytest.mark.parametrize("changes, field, words", CASES, ids=[c[1] + ":" + c[2][:20] for c in CASES])
def test_fast_and_detailed_validators_agree(changes, field, words):
    """The compiled fast path never passes a record that the detailed validator rejects by schema."""
    from ocop.schema import _fast, _validator
    import fastjsonschema
    record = valid_record(**changes)
    detailed = list(_validator("product").iter_errors(record))
    try:
        _fast("product")(record)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    assert fast_ok == (not detailed)
