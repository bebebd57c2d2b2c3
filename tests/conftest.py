"""Shared test helpers: a valid-record factory and throw-away content trees."""

from __future__ import annotations

import copy
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from ocop.yamlwrite import dump

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "register"

VALID = {
    "id": "68-ca-phe-cau-dat",
    "name": "Cà phê Cầu Đất",
    "province": "68",
    "province_at_recognition": "68",
    "commune": "xã Xuân Trường",
    "group": "thuc-pham",
    "stars": 4,
    "score": {"a": 30, "b": 20, "c": 25},
    "producer": {"name": "HTX Cà phê Cầu Đất", "kind": "htx", "tax_code": "0300588569", "phone": "0263 3123 456"},
    "certification": {"decision": "1234/QĐ-UBND", "decided_on": "2024-03-13", "authority": "UBND tỉnh Lâm Đồng",
                      "kind": "first", "expires_on": "2027-03-13"},
    "status": "active",
    "sources": ["https://example.gov.vn/ocop/ca-phe"],
}


def valid_record(**changes) -> dict:
    """A copy of one valid record with top-level fields replaced (None deletes a field)."""
    record = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


@pytest.fixture
def content(tmp_path) -> Path:
    """An empty register (the fixture's two provinces, no products) in a temporary folder."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE / "provinces", root / "provinces")
    (root / "products").mkdir()
    return root


def write_record(content: Path, record: dict | str, folder: str = "68-lam-dong", name: str | None = None) -> Path:
    """Write a record (dict or raw YAML text) into the content tree; returns its path."""
    text = dump(record) if isinstance(record, dict) else record
    file_name = name or (f"{record['id']}.yaml" if isinstance(record, dict) else "record.yaml")
    path = content / "products" / folder / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- Built sites in a real browser (Debian's /usr/bin/chromium driven by Playwright) ----------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TODAY = "2026-12-03"


@contextmanager
def serving(directory: Path):
    """Serve a built site on loopback (with its 404 page); yields the base URL."""
    from ocop.serve import make_server

    server = make_server(directory, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


serve = serving


def build(content_dir: Path, out: Path, today: str = TODAY) -> Path:
    """Validate and build the register in *content_dir* into *out* (as of *today*)."""
    from ocop.pelican_plugin import build_site
    from ocop.register import load_register

    register, report = load_register(content_dir)
    assert report.ok, report.lines()
    build_site(register, content_dir, out, ROOT / "pelicanconf.py", today, cache_dir=out.with_name(out.name + "-cache"))
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The fixture register built and served on loopback; yields its base URL."""
    with serving(build(FIXTURE, tmp_path_factory.mktemp("site"))) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make chromium` (make test does it)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
