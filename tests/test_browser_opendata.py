"""Stable links and the JSON-LD of a hostile name, in a real headless Chromium."""

import json

import pytest

from conftest import serving
from gitrepo import GitRegister
from test_opendata import HONEY, HONEY_NEW, NASTY, NASTY_ID, build, make_history


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    repo = GitRegister(tmp_path_factory.mktemp("repo"))
    make_history(repo)
    out = build(repo.content, tmp_path_factory.mktemp("site"))
    with serving(out) as base:
        yield base


@pytest.mark.parametrize("old", [HONEY, "68-mat-ong-cu"])
def test_old_url_lands_on_the_renamed_product(served, browser, old):
    page = browser.new_page()
    page.goto(f"{served}san-pham/{old}/?nguon=thu#lich-su")
    page.wait_for_url(f"**/san-pham/{HONEY_NEW}/?nguon=thu#lich-su")
    assert page.locator("h1").inner_text() == "Mật ong bạc hà"


def test_script_in_a_name_is_inert_and_the_json_ld_reads_back(served, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{served}san-pham/{NASTY_ID}/")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("script:not([src])").count() == 1  # only the JSON-LD; status.js is a file
    text = page.locator('script[type="application/ld+json"]').text_content()
    assert json.loads(text)["name"] == NASTY
    assert page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent).name") == NASTY
    assert page.locator("h1").text_content() == NASTY
    assert errors == []
