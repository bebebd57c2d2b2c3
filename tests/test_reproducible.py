"""Reproducible output: two builds of the same commit (same as-of date) are byte-identical, file for file."""

import hashlib
import subprocess
import zipfile
from pathlib import Path

import pytest
from frictionless import validate as validate_package

from conftest import ROOT
from gitrepo import GitRegister
from test_opendata import build, check_api, make_history


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_identical(one: Path, two: Path) -> int:
    first, second = tree(one), tree(two)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    return len(first)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitRegister:
    repo = GitRegister(tmp_path_factory.mktemp("repo"))
    make_history(repo)
    return repo


def test_two_builds_of_one_commit_are_identical(repo, tmp_path):
    count = assert_identical(build(repo.content, tmp_path / "one"), build(repo.content, tmp_path / "two"))
    assert count > 30


def test_source_date_epoch_sets_the_as_of_date_and_file_times(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z, 07:00 in Vietnam
    one = build(repo.content, tmp_path / "one", today=None)
    two = build(repo.content, tmp_path / "two", today=None)
    assert_identical(one, two)
    assert "Tình trạng hiệu lực tính đến ngày 01/01/2026." in (one / "index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(one / "data" / "xlsx" / "68-lam-dong.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert "2026-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()


def test_the_real_register_builds_identically_and_its_exports_validate(tmp_path):
    content = ROOT / "content"
    one, two = build(content, tmp_path / "one"), build(content, tmp_path / "two")
    assert_identical(one, two)
    report = validate_package(str(one / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert [task.stats["rows"] for task in report.tasks][:3] == [235] * 3
    assert check_api(one / "api" / "v1") == 1 + 235 + 34


def test_source_date_epoch_after_a_plain_build_keeps_the_checksums_true(repo, tmp_path, monkeypatch):
    """SOURCE_DATE_EPOCH at the last commit's time leaves the build's date alone but redates every workbook
    (each carries its own unit's last change otherwise): SHA256SUMS must follow them, as in a fresh build."""
    out = build(repo.content, tmp_path / "site")
    head_time = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=repo.root, check=True,
                               capture_output=True, text=True).stdout.strip()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", head_time)
    build(repo.content, out)
    data = out / "data"
    sums = dict(reversed(line.split("  ")) for line in (data / "SHA256SUMS").read_text().splitlines())
    wrong = [name for name, digest in sums.items() if hashlib.sha256((data / name).read_bytes()).hexdigest() != digest]
    assert wrong == []
    assert_identical(out, build(repo.content, tmp_path / "fresh"))
