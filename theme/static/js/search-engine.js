// Search engine of the register, without DOM: loads the manifest, fetches only the index shards the typed
// words need, lets lunr.js 2.3.9 match and score each word, then ranks, filters and counts.
// Index format and build: src/ocop/search.py. Text handling: ./vntext.js (twin of the Python side).
import { fold, terms } from "./vntext.js";

export const MIN_CHARS = 2;          // a one-letter word being typed is not searched yet
const MAX_WORDS = 8;
const PREFIX_MAX_SHARDS = 6;          // a word matches the words it starts only if they fit in so many
const PREFIX_MAX_BYTES = 40000;       //   shards and compressed bytes, and are in so many documents'
const PREFIX_MAX_POSTINGS = 2500;     //   fields; otherwise it matches as a whole word ("tr", "ng")

const cache = (map, key, make) => {
  let value = map.get(key);
  if (value === undefined) {
    value = make().catch((error) => { map.delete(key); throw error; }); // a failed fetch is retried later
    map.set(key, value);
  }
  return value;
};

/** Positions [from, to) of the terms of a shard equal to folded, or starting with it (terms are sorted). */
export function termRange(terms, folded, prefix) {
  const lowerBound = (key) => {
    let lo = 0, hi = terms.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (terms[mid] < key) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const from = lowerBound(folded);
  if (!prefix) return [from, from < terms.length && terms[from] === folded ? from + 1 : from];
  return [from, lowerBound(folded + "\uffff")];
}

/** Postings (document fields) of the terms in parts [shard, from, to]. */
function postingsIn(parts) {
  let n = 0;
  for (const [shard, from, to] of parts) {
    for (let i = from; i < to; i += 1) for (const row of shard.p[i]) n += row[1].length;
  }
  return n;
}

/**
 * Some terms of compact shards (parts: [shard, from, to]) in lunr.js 2.3.9's serialisation, ready for
 * lunr.Index.load (Python twin: search.decode_terms), with the spellings each document uses. With keep (a
 * Set of refs), only those documents' postings: their scores stay what the whole index would give.
 */
export function toLunr(parts, keep = null) {
  const fields = parts[0][0].f;
  const invertedIndex = [];
  const vectors = new Map();
  const spellings = new Map();  // term -> its spellings (only terms written with diacritics)
  const masks = new Map();      // term -> Map(ref -> bit mask of spellings), terms spelled several ways
  const none = {};
  let index = 0;
  for (const [shard, from, to] of parts) {
    for (let position = from; position < to; position += 1, index += 1) {
      const term = shard.t[position];
      const posting = { _index: index };
      for (const name of fields) posting[name] = {};
      if (shard.s[term]) spellings.set(term, shard.s[term]);
      for (const [number, deltas, weights, used] of shard.p[position]) {
        const name = fields[number];
        const postingField = posting[name];
        let mask = null;
        if (used) { mask = masks.get(term); if (!mask) masks.set(term, (mask = new Map())); }
        let ref = 0;
        for (let k = 0; k < deltas.length; k += 1) {
          ref += deltas[k];
          if (keep !== null && !keep.has(ref)) continue;
          postingField[ref] = none;
          const key = name + "/" + ref;
          const vector = vectors.get(key);
          if (vector === undefined) vectors.set(key, [index, weights[k] / 1000]);
          else vector.push(index, weights[k] / 1000);
          if (mask) mask.set(ref, (mask.get(ref) || 0) | used[k]);
        }
      }
      invertedIndex.push([term, posting]);
    }
  }
  const serialised = { version: parts[0][0].v, fields, fieldVectors: Array.from(vectors), invertedIndex, pipeline: [] };
  return { serialised, spellings, masks };
}

/** Add one word's [score, strict] per document into hits (Map ref -> hit). */
function tally(hits, scores) {
  for (const [ref, [score, exact]] of scores) {
    const hit = hits.get(ref);
    if (hit === undefined) hits.set(ref, { ref, cov: 1, strict: exact ? 1 : 0, score });
    else { hit.cov += 1; hit.strict += exact ? 1 : 0; hit.score += score; }
  }
}

const byRank = (a, b) => b.cov - a.cov || b.strict - a.strict || b.score - a.score || a.ref - b.ref;

export class Engine {
  /** base: URL of the folder holding manifest.json (ends with "/"). */
  constructor(base, fetcher = (url) => fetch(url)) {
    this.base = new URL(base, location.href);
    this.fetcher = fetcher;
    this.shards = new Map();   // shard number -> Promise<shard>
    this.words = new Map();    // word key -> Promise<Map<ref, [score, strict]>>
    this.store = new Map();    // chunk number -> Promise<rows>
    this.manifest = null;
    this.requests = 0;         // files fetched so far
  }

  async json(path) {
    this.requests += 1;
    const response = await this.fetcher(new URL(path, this.base));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  ready() {
    if (!this.loading) {
      this.loading = this.json("manifest.json").then((manifest) => this.load(manifest));
      this.loading.catch(() => { this.loading = null; });
    }
    return this.loading;
  }

  load(manifest) {
    if (globalThis.lunr && lunr.version !== manifest.lunr) {
      console.warn(`lunr.js ${lunr.version} nhưng chỉ mục viết cho ${manifest.lunr}`);
    }
    this.manifest = manifest;
    this.starts = manifest.shards.map((row) => row[0]);
    this.facets = manifest.facets.map(([param, label, values]) => ({ param, label, values }));
    // Facet value of every document: one character per document and facet ("0" = first value, "/" = none).
    this.values = manifest.values.map((column) => {
      const values = new Int8Array(column.length);
      for (let i = 0; i < column.length; i += 1) values[i] = column.charCodeAt(i) - 48;
      return values;
    });
    return this;
  }

  /**
   * Which words of query to look up: [{folded, exact, key, shards, prefix}] (empty if too short). The word
   * being typed (the last, no space after it) also matches the words it starts ("nuoc ma" finds mắm), unless
   * they take too many shards; prepare() may still narrow it to the whole word when they are in too many
   * documents. A one-letter word being typed after others waits for the next letter.
   */
  plan(query) {
    const found = terms(query);
    const typing = /[\p{L}\p{N}\p{Mn}]$/u.test(query);
    const words = [];
    const seen = new Set();
    found.forEach(([folded, exact], i) => {
      const typed = i === found.length - 1 && typing;
      if (typed && folded.length < MIN_CHARS && found.length > 1) return; // "nuoc m": wait for the next letter
      const key = folded + "\u0000" + exact;
      if (seen.has(key) || words.length >= MAX_WORDS) return;
      seen.add(key);
      words.push({ folded, exact, key, prefix: typed });
    });
    if (words.reduce((n, w) => n + w.folded.length, 0) < MIN_CHARS) return [];
    for (const word of words) {
      word.shards = word.prefix ? this.shardsFor(word.folded, true) : null;
      if (word.shards === null) {
        word.prefix = false;                         // typed complete, or too many words start so
        word.shards = this.shardsFor(word.folded, false);
      }
    }
    return words;
  }

  shardsFor(folded, prefix) {
    const starts = this.starts;
    if (!starts.length) return [];                   // an empty register
    let lo = 0, hi = starts.length - 1, first = 0;
    while (lo <= hi) {                               // last shard starting at or before the word
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= folded) { first = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const out = [first];
    if (!prefix) return out;
    let bytes = this.manifest.shards[first][2];
    for (let i = first + 1; i < starts.length && starts[i].startsWith(folded); i += 1) {
      out.push(i);
      bytes += this.manifest.shards[i][2];
      if (out.length > PREFIX_MAX_SHARDS || bytes > PREFIX_MAX_BYTES) return null;
    }
    return out;
  }

  shard(number) {
    return cache(this.shards, number, () => this.json(`s/${this.manifest.shards[number][1]}.json`));
  }

  /** Fetch each word's shards; find its terms (word.parts) and how many document fields have them. */
  async prepare(words) {
    await Promise.all(words.map(async (word) => {
      const shards = await Promise.all(word.shards.map((n) => this.shard(n)));
      const range = (prefix) => shards.map((shard) => [shard, ...termRange(shard.t, word.folded, prefix)])
        .filter(([, from, to]) => to > from);
      word.parts = range(word.prefix);
      word.size = postingsIn(word.parts);
      if (word.prefix && word.size > PREFIX_MAX_POSTINGS) {
        word.prefix = false;
        word.parts = range(false);
        word.size = postingsIn(word.parts);
      }
      word.key += word.prefix ? "*" : "";
    }));
  }

  /**
   * Every document one word matches, as Map ref -> [score, strict], read straight from the postings
   * (cached per word). score is what lunr.js gives for the word (lunr.py's weights summed over the matched
   * terms and fields, divided by the square root of the number of terms the word expands to), doubled
   * when the document has the whole word, not only words it starts; strict: the document has the word as
   * typed, diacritics included ("số" typed: sở is not).
   */
  lookup(word) {
    return cache(this.words, word.key, async () => {
      const sums = new Map(); // ref -> [weight sum, whole, strict]
      const plain = word.exact === word.folded;
      const same = (spelling) => (word.prefix ? spelling.startsWith(word.exact) : spelling === word.exact);
      let expanded = 0;
      for (const [shard, from, to] of word.parts) {
        for (let position = from; position < to; position += 1, expanded += 1) {
          const term = shard.t[position];
          const whole = term === word.folded;
          const written = plain ? undefined : shard.s[term];
          const oneWay = written !== undefined && written.length === 1 && same(written[0]);
          const ways = written !== undefined && written.length > 1 ? written.map(same) : null;
          for (const [, deltas, weights, used] of shard.p[position]) {
            let ref = 0;
            for (let k = 0; k < deltas.length; k += 1) {
              ref += deltas[k];
              let strict = plain || oneWay;
              if (!strict && ways !== null && used) {
                for (let i = 0; i < ways.length; i += 1) if (ways[i] && (used[k] >> i) & 1) { strict = true; break; }
              }
              const sum = sums.get(ref);
              if (sum === undefined) sums.set(ref, [weights[k] / 1000, whole, strict]);
              else { sum[0] += weights[k] / 1000; sum[1] = sum[1] || whole; sum[2] = sum[2] || strict; }
            }
          }
        }
      }
      const norm = Math.sqrt(expanded) || 1;
      const scores = new Map();
      for (const [ref, [weight, whole, strict]] of sums) {
        scores.set(ref, [(whole || !word.prefix ? 2 : 1) * weight / norm, strict]);
      }
      return scores;
    });
  }

  /**
   * lunr.js's score of one word for some documents (Map ref -> score): an index of just the word's terms
   * and these documents' postings, loaded with lunr.Index.load and queried; the whole word doubles.
   */
  lunrScores(word, refs) {
    const scores = new Map();
    if (!word.parts.length) return scores;
    const { serialised } = toLunr(word.parts, new Set(refs));
    const index = lunr.Index.load(serialised);
    const wildcard = word.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE;
    for (const { ref, score, matchData } of index.query((q) => q.term(word.folded, { usePipeline: false, wildcard }))) {
      const whole = !word.prefix || word.folded in matchData.metadata;
      scores.set(+ref, whole ? 2 * score : score);
    }
    return scores;
  }

  /**
   * Ranked hits of query: [{ref, cov: words matched, strict: words matched as typed, score}], most words
   * first, then most words as typed, then score. The documents shown are then scored by lunr.js (rank()).
   */
  async search(query) {
    await this.ready();
    const words = this.plan(query);
    const result = { query, words, hits: [] };
    if (!words.length) return result;
    await this.prepare(words);
    const hits = new Map();
    for (const scores of await Promise.all(words.map((w) => this.lookup(w)))) tally(hits, scores);
    result.hits = Array.from(hits.values()).sort(byRank);
    return result;
  }

  /**
   * The hits to show, in order, scored by lunr.js itself: each word is queried with lunr.js on an index of
   * just these documents; its scores replace the ones read from the postings (they agree: the browser
   * tests check it), and the page is put in lunr.js's order within each group of words matched.
   */
  rank(result, hits) {
    const total = new Map(hits.map((hit) => [hit.ref, 0]));
    for (const word of result.words) {
      for (const [ref, score] of this.lunrScores(word, total.keys())) total.set(ref, total.get(ref) + score);
    }
    return hits.map((hit) => ({ ...hit, postingsScore: hit.score, score: total.get(hit.ref) })).sort(byRank);
  }

  /** Filter values as numbers per facet (-1: no filter), from {param: key}. */
  selection(filters) {
    return this.facets.map((facet) => facet.values.findIndex(([key]) => key === filters[facet.param]));
  }

  /**
   * A search under filters: main hits (every word matched, as typed when some document has them so; else
   * the most words any document matched), the near misses known so far, and counts per facet value over the
   * main hits (each facet counted with the other facets' filters applied).
   */
  refine(result, filters) {
    const selected = this.selection(filters);
    const active = selected.map((v, f) => [f, v]).filter(([, v]) => v >= 0);
    const main = [], near = [];
    const counts = this.facets.map((facet) => new Array(facet.values.length).fill(0));
    const best = result.hits[0] || { cov: 0, strict: 0 };
    for (const hit of result.hits) {
      const ref = hit.ref;
      let failed = -1, failures = 0;                 // facets whose filter this document does not pass
      for (const [f, v] of active) if (this.values[f][ref] !== v) { failed = f; failures += 1; }
      const isMain = hit.cov === best.cov && hit.strict === best.strict;
      if (isMain && failures <= 1) {
        for (let f = 0; f < counts.length; f += 1) {
          const value = this.values[f][ref];
          if (value >= 0 && (failures === 0 || f === failed)) counts[f][value] += 1;
        }
      }
      if (failures === 0) (isMain ? main : near).push(hit);
    }
    return { main, near, counts, selected, complete: best.cov === result.words.length };
  }

  /** Result-store rows ({u, n, p?, l?}) of refs, fetching only the chunks they fall in. */
  async docs(refs) {
    const size = this.manifest.chunk;
    const chunks = await Promise.all(refs.map((ref) => cache(this.store, Math.floor(ref / size),
      () => this.json(`r/${this.manifest.store[Math.floor(ref / size)]}.json`))));
    return refs.map((ref, i) => chunks[i][ref % size]);
  }
}

/** Words of text to highlight: [start, end] ranges whose folded form a query word matches. */
export function matches(text, words) {
  const out = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{Mn}]+/gu)) {
    const folded = fold(m[0]);
    if (words.some((w) => folded === w.folded || (w.prefix && folded.startsWith(w.folded)))) {
      out.push([m.index, m.index + m[0].length]);
    }
  }
  return out;
}
