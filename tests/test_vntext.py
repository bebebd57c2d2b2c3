import unicodedata

import pytest

from ocop.vntext import fold, nfc, slugify, sort_key


@pytest.mark.parametrize("text, folded", [
    ("Đặc sản sen Đồng Tháp", "dac san sen dong thap"),
    ("ĐỒNG THÁP", "dong thap"),
    (unicodedata.normalize("NFD", "Đồng Tháp"), "dong thap"),
    ("Nước mắm Phú Quốc", "nuoc mam phu quoc"),
    ("đường thốt nốt", "duong thot not"),
    ("ÐỨC", "duc"),  # U+00D0 look-alike
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text, slug", [
    ("Đắk Lắk", "dak-lak"),
    ("Đặc sản sen Đồng Tháp", "dac-san-sen-dong-thap"),
    ("Dừa sáp sợi (VICOSAP)", "dua-sap-soi-vicosap"),
    ("Huế", "hue"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_nfc_joins_decomposed_text_and_replaces_eth():
    nfd = unicodedata.normalize("NFD", "Đặc sản")
    assert len(nfd) > len("Đặc sản")
    assert nfc(nfd) == "Đặc sản"
    assert nfc("\u00d0ức") == "\u0110ức"


def test_sort_key_follows_vietnamese_alphabet_then_tones():
    words = ["Đà Nẵng", "Cà Mau", "An Giang", "Ăn", "Ân", "Bắc Ninh", "Dừa", "ơ", "o", "ô",
             "cạ", "cá", "ca", "cà", "cả", "cã", "Hà Tĩnh", "Hải Phòng", "Hà Nội", "ư", "u"]
    assert sorted(words, key=sort_key) == [
        "An Giang", "Ăn", "Ân", "Bắc Ninh", "ca", "cà", "cả", "cã", "cá", "cạ", "Cà Mau",
        "Dừa", "Đà Nẵng", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "o", "ô", "ơ", "u", "ư"]


def test_sort_key_same_for_nfc_and_nfd():
    assert sort_key("Đồng Tháp") == sort_key(unicodedata.normalize("NFD", "Đồng Tháp"))
