"""An incremental build gives exactly the bytes of a full build, after an edit, an addition and a deletion."""

import dataclasses
import datetime as dt
import os
import shutil

from conftest import FIXTURE, ROOT, valid_record, write_record
from ocop import export, feeds
from ocop.cache import PieceStore
from ocop.history import History
from ocop.opendata import workbook_jobs
from ocop.output import STATE, Output
from ocop.pelican_plugin import build_site
from ocop.provinces import Provinces
from ocop.register import load_register

TODAY = "2026-12-03"


def build(content, out):
    register, report = load_register(content, cache=True)
    assert report.ok, report.lines()
    build_site(register, content, out, ROOT / "pelicanconf.py", TODAY)


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_incremental_equals_full_after_edit_addition_deletion(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    incremental = tmp_path / "incremental"
    build(content, incremental)
    first = tree(incremental)
    assert "san-pham/96-tom-kho-ca-mau/index.html" in first

    # edit one record, add one, delete one
    edited = content / "products/68-lam-dong/68-nho-bong-lai-farm.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("stars: 3", "stars: 4").replace(
        "score: {a: 30, b: 18, c: 15}", "score: {a: 30, b: 25, c: 20}"), encoding="utf-8")
    write_record(content, valid_record(), folder="68-lam-dong")
    (content / "products/96-ca-mau/96-tom-kho-ca-mau.yaml").unlink()
    build(content, incremental)

    full = tmp_path / "full"
    shutil.rmtree(tmp_path / ".cache")  # a full build from nothing: no record, no export piece kept
    build(content, full)
    assert tree(incremental) == tree(full)
    after = tree(full)
    assert "san-pham/96-tom-kho-ca-mau/index.html" not in after
    assert "xac-minh/96-tom-kho-ca-mau/index.html" not in after
    assert "api/v1/products/96-tom-kho-ca-mau.json" not in after
    assert "san-pham/68-ca-phe-cau-dat/index.html" in after
    assert 'aria-label="4 sao"' in after["san-pham/68-nho-bong-lai-farm/index.html"].decode()


def test_an_edit_serialises_one_record_and_makes_one_workbook_again(tmp_path, monkeypatch):
    """The national tables are put together from stored pieces: only the edited record's are made again, and
    only its provincial unit's workbook; the bytes are those of a build from nothing."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "out"
    build(content, out)
    before = tree(out)
    made = tmp_path / "made"  # a file: the tables are made in a forked process
    real = export.serialised

    def serialised(table, items):
        with made.open("a") as log:
            log.write(f"{table.name} {len(items)}\n")
        return real(table, items)
    monkeypatch.setattr(export, "serialised", serialised)
    edited = content / "products/68-lam-dong/68-nho-bong-lai-farm.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("name: ", "name: Mới ", 1), encoding="utf-8")
    build(content, out)
    after = tree(out)
    assert made.read_text().splitlines() == ["products 1", "certifications 1"]
    changed = {name for name in after if before.get(name) != after[name] and name.startswith("data/")}
    assert {name for name in changed if name.startswith("data/xlsx/")} == {"data/xlsx/68-lam-dong.xlsx"}
    assert {"data/products.csv", "data/products.json", "data/products.jsonl", "data/SHA256SUMS"} <= changed
    shutil.rmtree(tmp_path / ".cache")
    build(content, tmp_path / "full")
    assert tree(tmp_path / "full") == after


def test_an_edit_serialises_only_the_edited_products_notices(tmp_path, monkeypatch):
    """The national and provincial feeds are put together from stored events and entries: after an edit only the
    edited product's notice is serialised again, and the feeds are those of a build from nothing."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "out"
    log = tmp_path / "made"  # a file: the feeds are made by a forked process
    real_vevent, real_entry = feeds.vevent, feeds.entry

    def noting(kind, real):
        def made(item, url):
            with log.open("a") as out:
                out.write(f"{kind} {item.uid}\n")
            return real(item, url)
        return made
    monkeypatch.setattr(feeds, "vevent", noting("event", real_vevent))
    monkeypatch.setattr(feeds, "entry", noting("entry", real_entry))
    build(content, out)
    assert sorted(log.read_text().splitlines()) == [
        "entry 68-nho-bong-lai-farm/expires/2027-03-13", "entry 96-tom-kho-ca-mau/revoked",
        "event 68-nho-bong-lai-farm/expires/2027-03-13", "event 96-tom-kho-ca-mau/revoked"]
    before = tree(out)
    log.unlink()
    edited = content / "products/68-lam-dong/68-nho-bong-lai-farm.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("name: ", "name: Mới ", 1), encoding="utf-8")
    build(content, out)
    after = tree(out)
    assert log.read_text().splitlines() == ["event 68-nho-bong-lai-farm/expires/2027-03-13",
                                            "entry 68-nho-bong-lai-farm/expires/2027-03-13"]
    changed = {name for name in after if before.get(name) != after[name] and name.startswith("giam-sat/")
               and not name.endswith(".html")}
    assert changed == {"giam-sat/canh-bao.atom", "giam-sat/lich-het-han.ics",
                       "giam-sat/lam-dong/canh-bao.atom", "giam-sat/lam-dong/lich-het-han.ics"}
    assert "Mới Nho Bồng Lai Farm" in after["giam-sat/lich-het-han.ics"].decode()
    shutil.rmtree(tmp_path / ".cache")
    build(content, tmp_path / "full")
    assert tree(tmp_path / "full") == after


def test_piece_store_appends_compacts_and_ignores_a_damaged_file(tmp_path):
    def bins():
        return {p.name: p.stat().st_size for p in tmp_path.glob("pieces-*.bin")}

    store = PieceStore(tmp_path, "code")
    store.put("a", (b"1", b"22"))
    store.put("b", (b"333",))
    store.save()
    store = PieceStore(tmp_path, "code")
    assert [bytes(piece) for piece in store.get("a")] == [b"1", b"22"] and store.get("x") is None
    store.put("c", (b"4",))
    store.save()  # appended: the unused "b" is no more than half the file
    assert list(bins().values()) == [7]
    store = PieceStore(tmp_path, "code")
    assert [bytes(piece) for piece in store.get("c")] == [b"4"]
    store.save()  # "a" and "b" unused: the used piece is copied into a fresh file
    assert list(bins().values()) == [1]
    store = PieceStore(tmp_path, "code")
    assert store.get("a") is None and bytes(store.get("c")[0]) == b"4"
    store.put("d", (b"55", b"666"))
    store.save()
    [bin_file] = tmp_path.glob("pieces-*.bin")
    bin_file.write_bytes(bin_file.read_bytes().replace(b"666", b"667"))  # damaged, same size: made again
    store = PieceStore(tmp_path, "code")
    assert store.get("d") is None and bytes(store.get("c")[0]) == b"4"
    next(tmp_path.glob("pieces-*.bin")).write_bytes(b"")  # shorter than the index says: ignored
    assert PieceStore(tmp_path, "code").get("c") is None
    (tmp_path / "pieces-code.pickle").write_bytes(b"not a pickle")
    assert PieceStore(tmp_path, "code").get("c") is None
    assert PieceStore(tmp_path, "other code").get("c") is None


def test_nothing_changed_means_nothing_made_again(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "out"
    build(content, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    build(content, out)
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and "/theme/" not in str(p)}
    assert all(after[p] == before[p] for p in after), [str(p) for p in after if after[p] != before[p]]


def test_output_state_names_every_file_we_wrote(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "out"
    build(content, out)
    assert (out / STATE).exists() and Output.is_ours(out)


def test_record_cache_sees_an_edit_of_the_same_size(tmp_path):
    """The cache trusts a file only while its modification and change times and its size are unchanged."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    path = content / "products/68-lam-dong/68-nho-bong-lai-farm.yaml"
    register, _ = load_register(content, cache=True)
    assert next(p for p in register.products if p.id == "68-nho-bong-lai-farm").stars == 3
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("stars: 3", "stars: 9"), encoding="utf-8")  # same size, invalid
    register, report = load_register(content, cache=True)
    assert [(p.field, p.line) for p in report.problems] == [("stars", 8)]
    assert (tmp_path / ".cache" / "ocop").is_dir()
    # Same size and its modification time put back: the change time still tells.
    before = path.stat()
    path.write_text(text.replace("stars: 3", "stars: 4"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_size == before.st_size
    register, report = load_register(content, cache=True)
    assert [(p.field, p.message) for p in report.problems] == [
        ("score", "tổng điểm 63 không khớp hạng 4 sao (hạng 4 sao cần 70–89 điểm)")]  # the new bytes were read


def test_a_workbook_is_keyed_by_its_unit_too():
    """A unit's name only respelt (same file name) makes its workbook again: its title names the unit."""
    register, _ = load_register(FIXTURE)
    renamed = Provinces([dataclasses.replace(p, name="Cao Băng") if p.code == "04" else p for p in register.provinces])
    keys = [{job.output: job.key for job in workbook_jobs(r, History(), dt.date(2026, 1, 1), "https://x")}
            for r in (register, dataclasses.replace(register, provinces=renamed))]
    assert not any(p.province.code == "04" for p in register.products)
    assert [name for name in keys[0] if keys[0][name] != keys[1][name]] == ["data/xlsx/04-cao-bang.xlsx"]


def test_an_edit_renders_the_list_pages_holding_the_product_not_whole_lists(tmp_path, monkeypatch):
    """List pages are keyed by their own products and the list's figures: renaming one product re-renders the
    page of each list that holds it; the other pages of those lists stay as they are."""
    from ocop import site
    from ocop.pelican_plugin import OcopGenerator

    monkeypatch.setattr(site, "PAGE_SIZE", 1)  # every list of two products has two pages
    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(FIXTURE, content)
    build(content, out)
    rendered = []
    render = OcopGenerator.render
    monkeypatch.setattr(OcopGenerator, "render", lambda self, page, relative: rendered.append(page.output)
                        or render(self, page, relative))
    edited = content / "products/68-lam-dong/68-nho-bong-lai-farm.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("name: Nho Bồng Lai Farm",
                                                                 "name: Nho Bồng Lai Farm xanh"), encoding="utf-8")
    build(content, out)
    lists = sorted(o for o in rendered if o.startswith(("tinh/", "nganh/thuc-pham", "sao/3")))
    # Lâm Đồng: mứt dâu (Đặc sản…) first, nho second; food: three products; 3 stars: nho, tôm khô
    assert lists == ["nganh/thuc-pham/trang-3/index.html", "sao/3/index.html", "tinh/index.html", "tinh/lam-dong/trang-2/index.html"]
    assert "Nho Bồng Lai Farm xanh" in (out / "tinh/lam-dong/trang-2/index.html").read_text(encoding="utf-8")


def test_a_committed_edit_makes_only_its_units_workbook_again(tmp_path):
    """Each commit moves the build's timestamp, but a workbook is dated by its own products' last change: after a
    committed edit only the edited record's unit gets a new workbook, dated by that commit."""
    import openpyxl
    from gitrepo import GitRegister

    repo = GitRegister(tmp_path / "repo")
    (repo.root / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    shutil.copytree(FIXTURE / "products", repo.content / "products", dirs_exist_ok=True)
    repo.commit("Thêm các hồ sơ")
    out = tmp_path / "out"
    build(repo.content, out)
    before = tree(out)
    edited = repo.content / "products/68-lam-dong/68-nho-bong-lai-farm.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("name: ", "name: Mới ", 1), encoding="utf-8")
    repo.commit("Sửa tên sản phẩm")
    build(repo.content, out)
    after = tree(out)
    workbooks = sorted(name for name in after if name.startswith("data/xlsx/"))
    assert len(workbooks) == 34
    assert [name for name in workbooks if before[name] != after[name]] == ["data/xlsx/68-lam-dong.xlsx"]
    created = openpyxl.load_workbook(out / "data/xlsx/68-lam-dong.xlsx", read_only=True).properties.created
    assert created == dt.datetime(2025, 1, 2, 2, 0)  # the second commit, 09:00 in Vietnam
    assert openpyxl.load_workbook(out / "data/xlsx/96-ca-mau.xlsx", read_only=True).properties.created == \
        dt.datetime(2025, 1, 1, 2, 0)


def test_a_second_build_into_the_same_folder_waits_for_the_first(tmp_path):
    """While one build writes into a folder (its files half written, no state file yet), another `ocop build` into
    it waits for it, then builds: it neither refuses the folder as someone else's nor writes alongside."""
    import subprocess
    import sys
    import time

    from ocop.output import locked

    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(FIXTURE, content)
    command = [sys.executable, "-m", "ocop.cli", "--content", str(content), "build", "--output", str(out),
               "--settings", str(ROOT / "pelicanconf.py"), "--today", TODAY]
    with locked(out):  # a first build, half way
        (out / "index.html").write_text("nửa chừng", encoding="utf-8")
        second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        waiting = second.stderr.readline()
        assert "Đang chờ lần dựng khác ghi vào" in waiting, waiting
        time.sleep(0.5)
        assert second.poll() is None and (out / "index.html").read_text(encoding="utf-8") == "nửa chừng"
        (out / STATE).write_text('{"build": "first", "files": {"index.html": null}}', encoding="utf-8")  # done
    stdout, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr
    assert "Đã dựng 4 sản phẩm" in stdout
    full = tmp_path / "full"
    build(content, full)
    assert tree(out) == tree(full)
