"""Reading the register: on several cores or one, from the record cache or not, the result is the same."""

import multiprocessing
import pickle
import shutil

import pytest

import ocop.register as register_module
from conftest import FIXTURE, valid_record, write_record
from ocop.register import load_register


def outcome(register, report):
    """What a read gives: every product (id, data, province label, digest) and every problem, in order."""
    return ([(p.id, p.data, p.province_label, p.digest) for p in register.products],
            [(p.path, p.line, p.field, p.message) for p in report.problems])


@pytest.fixture
def messy(tmp_path):
    """The fixture register plus 40 valid records and one of each kind of broken file."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    for i in range(40):
        write_record(content, valid_record(id=f"68-san-pham-{i:02d}", name=f"Sản phẩm số {40 - i}"))
    write_record(content, "id: [unclosed\n", name="68-cu-phap.yaml")
    write_record(content, valid_record(id="68-sai-sao", stars=9))
    write_record(content, valid_record(id="96-sai-thu-muc", province="96", province_at_recognition="96"))
    write_record(content, valid_record(id="68-san-pham-07"), name="68-trung-id.yaml")
    write_record(content, valid_record(id="68-duoi-sai"), name="68-duoi-sai.yml")
    (content / "products/68-lam-dong/68-khong-utf8.yaml").write_bytes("name: Cà phê".encode("cp1258"))
    return content


def test_parallel_read_gives_the_serial_register_and_problems(messy, monkeypatch):
    serial = outcome(*load_register(messy))
    assert len(serial[0]) == 4 + 39  # 68-san-pham-07 lost its id to a clash
    assert [(path.rpartition("/")[2], line, field) for path, line, field, _ in serial[1]] == [
        ("68-cu-phap.yaml", 2, ""), ("68-duoi-sai.yml", 1, ""), ("68-khong-utf8.yaml", 1, ""),
        ("68-sai-sao.yaml", 7, "stars"), ("68-trung-id.yaml", 1, "id"), ("96-sai-thu-muc.yaml", 3, "province"),
        ("68-san-pham-07.yaml", 1, "id"), ("68-trung-id.yaml", 1, "id")]
    pools = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: pools.append(method) or real(method))
    monkeypatch.setattr(register_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(register_module, "_cores", lambda: 2)
    assert outcome(*load_register(messy, cache=True)) == serial  # nothing cached: parsed by workers
    assert pools == ["fork"]
    assert outcome(*load_register(messy, cache=True)) == serial  # everything from the cache, lines included
    assert pools == ["fork"]


def test_damaged_cache_is_ignored(messy, tmp_path):
    expected = outcome(*load_register(messy))
    load_register(messy, cache=True)
    [cache_file] = (tmp_path / ".cache" / "ocop").glob("records-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    assert outcome(*load_register(messy, cache=True)) == expected
    blobs, seen = pickle.loads(cache_file.read_bytes())
    assert len(blobs) == len(seen) == 49
    cache_file.write_bytes(pickle.dumps(({key: b"\x80damaged" for key in blobs}, seen)))
    assert outcome(*load_register(messy, cache=True)) == expected


@pytest.mark.parametrize("cached", [False, True])
def test_records_share_their_field_names_and_short_texts(messy, cached):
    if cached:
        load_register(messy, cache=True)
    products = load_register(messy, cache=cached)[0].products
    first, second = (p.data for p in products if p.id in ("68-san-pham-01", "68-san-pham-02"))
    assert [id(key) for key in first if key in second] == [id(key) for key in second if key in first]
    assert first["province"] == second["province"] and first["province"] is second["province"]  # "68": a code
    producer_keys = {id(key) for p in products for key in p.producer}
    assert len(producer_keys) == len({key for p in products for key in p.producer})
