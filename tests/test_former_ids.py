"""former_ids: the ids a record used before, whose old links redirect; never a live id, never two owners."""

from conftest import valid_record, write_record
from ocop.register import load_register


def problems(content):
    register, report = load_register(content)
    return register, [(p.field, p.message) for p in report.problems]


def test_former_ids_are_accepted(content):
    write_record(content, valid_record(former_ids=["68-ca-phe-cau-dat-cu", "68-cafe-cau-dat"]))
    register, found = problems(content)
    assert found == []
    assert register.products[0].former_ids == ["68-ca-phe-cau-dat-cu", "68-cafe-cau-dat"]


def test_former_id_may_not_be_a_live_id(content):
    write_record(content, valid_record(former_ids=["68-mat-ong"]))
    write_record(content, valid_record(id="68-mat-ong", name="Mật ong"))
    _, found = problems(content)
    assert found == [("former_ids", "mã cũ «68-mat-ong» trùng mã của một hồ sơ đang có; mã cũ phải là mã không còn dùng")]


def test_former_id_may_not_be_the_own_id(content):
    write_record(content, valid_record(former_ids=["68-ca-phe-cau-dat"]))
    _, found = problems(content)
    assert found == [("former_ids", "mã cũ «68-ca-phe-cau-dat» trùng chính mã hiện tại của hồ sơ; "
                                    "mã cũ phải là mã không còn dùng")]


def test_former_id_belongs_to_one_record(content):
    write_record(content, valid_record(former_ids=["68-ca-phe"]))
    write_record(content, valid_record(id="68-ca-phe-moka", name="Cà phê Moka", former_ids=["68-ca-phe"]))
    _, found = problems(content)
    assert found == [("former_ids", "mã cũ «68-ca-phe» đã được hồ sơ «68-ca-phe-cau-dat» khai; mỗi mã cũ chỉ thuộc một hồ sơ")]


def test_former_ids_shape(content):
    write_record(content, valid_record(former_ids=["68 Cà phê", "68-a", "68-a"]))
    _, found = problems(content)
    fields = {f for f, _ in found}
    assert "former_ids.0" in fields and "former_ids" in fields
    assert any("có mục bị lặp" in m for _, m in found)
