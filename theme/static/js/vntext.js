// Vietnamese search text, the browser twin of ocop.vntext.fold and ocop.search.terms (Python).
// Both are checked against tests/fixtures/search_vectors.json: change one, change the other.

const HOMOGLYPHS = /\u00d0/g; // Ð (Icelandic eth) typed for Đ
const MARKS = /\p{Mn}/gu;
const WORD = /^[\p{L}\p{N}\p{Mn}]$/u;
const PHONE_RUN = /\+?[0-9]+(?:[ .\-][0-9]+)*/g;
const CONNECTORS = "/.-";

/** NFC with look-alike letters replaced (Python: vntext.nfc). */
export function nfc(text) {
  return String(text).replace(HOMOGLYPHS, "\u0110").normalize("NFC");
}

/** Lower case, no diacritics, đ -> d: "Đặc sản" -> "dac san" (Python: vntext.fold). */
export function fold(text) {
  return nfc(text).toLowerCase().normalize("NFD").replace(MARKS, "").replace(/đ/g, "d");
}

function joinPhone(raw) {
  let digits = raw.replace(/[^0-9]/g, "");
  if (raw.startsWith("+") && digits.startsWith("84")) digits = "0" + digits.slice(2);
  const separated = raw.startsWith("+") || /[ .\-]/.test(raw);
  return separated && digits.startsWith("0") && digits.length >= 6 && digits.length <= 11 ? digits : raw;
}

function pieces(text) {
  const chars = Array.from(text); // code points, as Python iterates a str
  const isWord = (ch) => ch !== undefined && WORD.test(ch);
  const out = [];
  let i = 0;
  while (i < chars.length) {
    if (!isWord(chars[i])) { i += 1; continue; }
    let j = i;
    for (;;) {
      while (j < chars.length && isWord(chars[j])) j += 1;
      if (j + 1 < chars.length && CONNECTORS.includes(chars[j]) && isWord(chars[j + 1])) { j += 1; continue; }
      break;
    }
    out.push(chars.slice(i, j).join(""));
    i = j;
  }
  return out;
}

/** Search terms of text as [folded, exact] pairs (Python: search.terms). */
export function terms(text) {
  const lowered = nfc(text).toLowerCase().replace(PHONE_RUN, joinPhone);
  const out = [];
  for (const piece of pieces(lowered)) {
    for (const part of piece.includes("/") ? [piece] : piece.split(/[.\-]/)) {
      const folded = fold(part);
      if (folded) out.push([folded, part]);
    }
  }
  return out;
}

/** Folded terms only (Python: search.tokens). */
export function tokens(text) {
  return terms(text).map(([folded]) => folded);
}
