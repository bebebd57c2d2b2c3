"""An incremental build gives exactly the bytes of a full build, after an edit, an addition and a deletion."""

import shutil

from conftest import FIXTURE, ROOT, valid_record, write_record
from ocop.output import STATE, Output
from ocop.pelican_plugin import build_site
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
    build(content, full)
    assert tree(incremental) == tree(full)
    after = tree(full)
    assert "san-pham/96-tom-kho-ca-mau/index.html" not in after
    assert "xac-minh/96-tom-kho-ca-mau/index.html" not in after
    assert "api/v1/products/96-tom-kho-ca-mau.json" not in after
    assert "san-pham/68-ca-phe-cau-dat/index.html" in after
    assert 'aria-label="4 sao"' in after["san-pham/68-nho-bong-lai-farm/index.html"].decode()


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
    """The cache trusts a file only while its modification time and size are unchanged."""
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
