"""Reading the register: on several cores or one, from the record cache or not, the result is the same."""

import multiprocessing
import os
import pickle
import shutil

import pytest

import ocop.register as register_module
from conftest import FIXTURE, valid_record, write_record
from ocop.cache import read_pickle, write_pickle
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
    fork = multiprocessing.get_context("fork")  # one object: the pools of the read are made by it
    real = fork.Pool
    monkeypatch.setattr(fork, "Pool", lambda *args, **kwargs: pools.append("fork") or real(*args, **kwargs))
    monkeypatch.setattr(register_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(register_module, "_cores", lambda: 2)
    assert outcome(*load_register(messy, cache=True)) == serial  # nothing cached: parsed by workers
    assert pools == ["fork"]
    saved()
    monkeypatch.setattr(register_module, "FEW_MISSES", 0)  # the invalid files, not in the snapshot: from the cache
    assert outcome(*load_register(messy, cache=True)) == serial  # everything from the caches, lines included
    assert pools == ["fork"]
    monkeypatch.setattr(register_module, "FEW_MISSES", 64)  # a few files: parsed again, the record cache unread
    assert outcome(*load_register(messy, cache=True)) == serial
    assert pools == ["fork", "fork"]


def test_damaged_cache_is_ignored(messy, tmp_path):
    expected = outcome(*load_register(messy))
    load_register(messy, cache=True)
    saved()  # the caches are written by a forked process
    [cache_file] = (tmp_path / ".cache" / "ocop").glob("records-*.pickle")
    good = cache_file.read_bytes()
    products = tmp_path / ".cache" / "ocop" / "products"
    shutil.rmtree(products)  # without the snapshot every record comes from the record cache
    cache_file.write_bytes(b"not a pickle")
    assert outcome(*load_register(messy, cache=True)) == expected
    saved()
    blobs, seen = read_pickle(cache_file, None)
    assert len(blobs) == len(seen) == 49
    shutil.rmtree(products)
    write_pickle(cache_file, ({key: b"\x80damaged" for key in blobs}, seen))
    assert outcome(*load_register(messy, cache=True)) == expected
    saved()
    # With the snapshot, the record cache is neither read nor written: the few files the snapshot lacks (invalid
    # ones) are parsed again.
    cache_file.write_bytes(b"not a pickle")
    assert outcome(*load_register(messy, cache=True)) == expected
    saved()
    assert cache_file.read_bytes() == b"not a pickle"
    write_pickle(cache_file, (blobs, seen))
    files = {read_pickle(path, None)[1].rpartition("/")[2]: path
             for path in (tmp_path / ".cache" / "ocop" / "products").glob("*.pickle")}  # one per folder of records
    assert sorted(files) == ["68-lam-dong", "96-ca-mau"]
    snapshot = files["68-lam-dong"]
    stamp, folder, held = read_pickle(snapshot, None)
    assert len(held) == 42  # every valid record there, the two sharing an id too
    for damaged in (b"not a pickle", pickle.dumps((stamp, folder, held))[:-3], (stamp, folder, ["no"]),
                    (stamp, folder + "-other", held)):
        if isinstance(damaged, bytes):
            snapshot.write_bytes(damaged)
        else:
            write_pickle(snapshot, damaged)
        assert outcome(*load_register(messy, cache=True)) == expected
        saved()
    # Damage that still unpickles (a name changed, same length) is caught by the digest the file starts with.
    saved()
    assert b"S\xe1\xba\xa3n ph\xe1\xba\xa9m s\xe1\xbb\x91 12" in snapshot.read_bytes()
    for cached in (snapshot, cache_file):
        cached.write_bytes(cached.read_bytes().replace("Sản phẩm số 12".encode(), "SẢN PHẨM SỐ 12".encode()))
    assert outcome(*load_register(messy, cache=True)) == expected
    cache_file.write_bytes(good.replace("Sản phẩm số 12".encode(), "SẢN PHẨM SỐ 12".encode()))
    assert outcome(*load_register(messy, cache=True)) == expected
    # A cache that cannot be replaced (a folder in its place) is skipped, and no temporary file is left behind.
    saved()
    snapshot.unlink()
    snapshot.mkdir()
    assert outcome(*load_register(messy, cache=True)) == expected
    saved()
    assert list((tmp_path / ".cache" / "ocop").rglob(".*.tmp")) == []


@pytest.mark.parametrize("cached", [False, True])
def test_records_share_their_field_names_and_short_texts(messy, cached):
    if cached:
        load_register(messy, cache=True)
        saved()  # the second read takes them from the snapshot
    products = load_register(messy, cache=cached)[0].products
    first, second = (p.data for p in products if p.id in ("68-san-pham-01", "68-san-pham-02"))
    assert [id(key) for key in first if key in second] == [id(key) for key in second if key in first]
    assert first["province"] == second["province"] and first["province"] is second["province"]  # "68": a code
    producer_keys = {id(key) for p in products for key in p.producer}
    folders = {p.path.parent for p in products} if cached else {None}  # a snapshot file per folder of records
    assert len(producer_keys) <= len(folders) * len({key for p in products for key in p.producer})


def saved():
    """Wait for the caches saved in forked processes."""
    for child in multiprocessing.active_children():
        child.join()


def test_unchanged_valid_records_are_reused_from_the_snapshot(messy, monkeypatch):
    """A second read takes valid, unchanged records from the snapshot: not unpacked, checked or made again; the
    register and problems are those of a read from nothing. An edited file is checked again, errors included."""
    expected = outcome(*load_register(messy))
    load_register(messy, cache=True)
    saved()
    made = []
    real = register_module.make_product
    monkeypatch.setattr(register_module, "make_product", lambda loaded, *a: made.append(loaded.data["id"]) or real(loaded, *a))
    register, report = load_register(messy, cache=True)
    assert outcome(register, report) == expected and made == []
    assert all(p.province is register.provinces.by_code[p.province.code] for p in register.products)
    assert [p.province_label for p in register.products[:2]] == [p[2] for p in expected[0][:2]]
    saved()
    kept = {path: path.stat().st_ino for path in (messy.parent / ".cache/ocop/products").glob("*.pickle")}
    edited = messy / "products/68-lam-dong/68-san-pham-03.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("name: ", "nmae: ", 1), encoding="utf-8")
    broken = outcome(*load_register(messy, cache=True))
    saved()  # only the file of the edited folder is written again
    assert sorted(read_pickle(path, None)[1].rpartition("/")[2] for path in kept
                  if path.stat().st_ino != kept[path]) == ["68-lam-dong"]
    assert made == []  # invalid now: reported, not made; the others reused
    assert broken == outcome(*load_register(messy))
    assert ("68-san-pham-03.yaml", "nmae") in [(path.rpartition("/")[2], field) for path, _, field, _ in broken[1]]
    # A file whose times changed but not its bytes (touched, checked out again) is read, not checked again.
    touched = messy / "products/68-lam-dong/68-san-pham-04.yaml"
    saved()
    made.clear()
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    assert outcome(*load_register(messy, cache=True)) == broken and made == []


def test_snapshot_is_dropped_when_the_provinces_change(messy, monkeypatch):
    load_register(messy, cache=True)
    saved()
    units = messy / "provinces" / "68-lam-dong.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("full_name: Tỉnh Lâm Đồng", "full_name: Tỉnh Lâm Đồng (mới)"), encoding="utf-8")
    made = []
    real = register_module.make_product
    monkeypatch.setattr(register_module, "make_product", lambda loaded, *a: made.append(1) or real(loaded, *a))
    fresh = outcome(*load_register(messy))
    every = len(made)  # what a read from nothing makes
    made.clear()
    register, report = load_register(messy, cache=True)
    assert len(made) == every > 40 and outcome(register, report) == fresh
    assert {p.province.full_name for p in register.products if p.province.code == "68"} == {"Tỉnh Lâm Đồng (mới)"}
