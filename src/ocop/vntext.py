"""Vietnamese text: NFC normalisation, diacritic folding, slugs and collation.

One place for every rule about Vietnamese letters, so loading, search, slugs and
sorting can never disagree.
"""

from __future__ import annotations

import unicodedata

from slugify import slugify as _slugify

# Look-alike letters typed by old fonts and keyboards, mapped to the Vietnamese letter.
_HOMOGLYPHS = str.maketrans({"\u00d0": "\u0110"})  # Ð (Icelandic eth) -> Đ

# Marks that make a separate letter of the alphabet (ă â ê ô ơ ư) ...
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# ... and the five tone marks, in dictionary order after the level tone.
_TONE_ORDER = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# The Vietnamese alphabet, with f j w z placed where Latin puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC with look-alike letters replaced."""
    if "\u00d0" in text:  # translate() walks every character: only when there is something to replace
        text = text.translate(_HOMOGLYPHS)
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case *text* and strip every diacritic, with đ/Đ -> d ("Đặc sản" -> "dac san").

    Diacritics are the nonspacing marks (category Mn) of the NFD form, exactly what the browser's twin
    ``theme/static/js/vntext.js`` strips with ``/\\p{Mn}/u``; ``tests/fixtures/search_vectors.json`` holds
    the cases both must agree on.
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def slugify(text: str) -> str:
    """URL slug of *text*: folded Vietnamese, ASCII, hyphen-separated ("Đắk Lắk" -> "dak-lak")."""
    return _slugify(fold(text))


def _char_keys(ch: str) -> tuple[int, int, int]:
    """(primary, tone, case) of one NFC character: its base letter with letter mark, its tone, upper or lower."""
    base, tone = ch, 0
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1:
        base = decomposed[0]
        for mark in decomposed[1:]:
            if mark in _LETTER_MARKS:
                base = unicodedata.normalize("NFC", base + mark)
            elif mark in _TONE_ORDER:
                tone = _TONE_ORDER[mark]
    lower = base.lower()
    if lower in _RANK:
        primary = 1000 + _RANK[lower]
    elif lower.isspace():
        primary = 0
    else:
        primary = 2000 + ord(lower) if lower.isalpha() else 1 + ord(lower) % 999
    return primary, tone, 0 if base == lower else 1


_CHAR_KEYS: dict[str, tuple[str, str, str]] = {}


def sort_key(text: str) -> str:
    """Collation key in Vietnamese dictionary order.

    Letters compare first (a < ă < â < b ... d < đ ... o < ô < ơ ... u < ư), then tones
    (level, huyền, hỏi, ngã, sắc, nặng), then case. Spaces sort before letters so that
    names compare syllable by syllable. Keys of characters are computed once and remembered.

    The key is one string, compared in C: the letters, then the tones, then the cases, each character of
    them one number (plus 1), the three parts separated by U+0000. It orders exactly as the tuple of the three
    number sequences would, and no key is the beginning of another, so ``key + "\\0" + more`` sorts by key first.
    """
    keys = [_CHAR_KEYS.get(ch) or _remember(ch) for ch in nfc(text)]
    letters, tones, cases = zip(*keys) if keys else ((), (), ())
    return "\0".join(("".join(letters), "".join(tones), "".join(cases)))


def _remember(ch: str) -> tuple[str, str, str]:
    key = _CHAR_KEYS[ch] = tuple(chr(min(value + 1, 0x10FFFF)) for value in _char_keys(ch))
    return key
