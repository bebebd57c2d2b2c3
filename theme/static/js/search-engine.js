// Search engine of the register, without DOM: loads the manifest, fetches only the index shards the typed
// words need (each a lunr.py index, queried with lunr.js 2.3.9), ranks, filters and counts.
// Index format and build: src/ocop/search.py. Text handling: ./vntext.js (twin of the Python side).
import { fold, terms } from "./vntext.js";

export const MIN_CHARS = 2;          // a one-letter word being typed is not searched yet
const MAX_WORDS = 8;
const PREFIX_MAX_SHARDS = 6;          // a word being typed matches as a prefix only if its words fit in
const PREFIX_MAX_BYTES = 40000;       //   so many shards and compressed bytes; otherwise as a whole word
const WHOLE_WORD_BOOST = 4;           // "dong" typed: đồng, đông rank above đóng gói's "dong..." prefixes
const EXACT_BOOST = 12;               // "cá" typed: cá ranks above cà, ca (folded to the same word)

const cache = (map, key, make) => {
  let value = map.get(key);
  if (value === undefined) {
    value = make().catch((error) => { map.delete(key); throw error; }); // a failed fetch is retried later
    map.set(key, value);
  }
  return value;
};

/** The lunr 2.3.9 serialisation of a compact shard (Python twin: search.decode_shard). */
export function decodeShard(shard) {
  const fields = shard.f;
  const invertedIndex = [];
  const vectors = new Map();
  shard.t.forEach((term, index) => {
    const posting = { _index: index };
    for (const name of fields) posting[name] = {};
    for (const [number, deltas, weights] of shard.p[index]) {
      const name = fields[number];
      const postingField = posting[name];
      let ref = 0;
      for (let k = 0; k < deltas.length; k += 1) {
        ref += deltas[k];
        postingField[ref] = {};
        const key = name + "/" + ref;
        let vector = vectors.get(key);
        if (vector === undefined) vectors.set(key, (vector = []));
        vector.push(index, weights[k] / 1000);
      }
    }
    invertedIndex.push([term, posting]);
  });
  return { version: shard.v, fields, fieldVectors: Array.from(vectors), invertedIndex, pipeline: [] };
}

export class Engine {
  /** base: URL of the folder holding manifest.json (ends with "/"). */
  constructor(base, fetcher = (url) => fetch(url)) {
    this.base = new URL(base, location.href);
    this.fetcher = fetcher;
    this.shards = new Map();   // shard number -> Promise<lunr.Index>
    this.words = new Map();    // word key -> Promise<Map<ref, score>>
    this.store = new Map();    // chunk number -> Promise<rows>
    this.manifest = null;
  }

  async json(path) {
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
    // Facet value of every document, expanded from runs [start delta, value per facet, ...].
    const width = this.facets.length + 1;
    this.values = this.facets.map(() => new Int16Array(manifest.count));
    const runs = manifest.runs;
    for (let r = 0, start = 0; r < runs.length; r += width) {
      start += runs[r];
      const end = r + width < runs.length ? start + runs[r + width] : manifest.count;
      for (let f = 0; f < this.facets.length; f += 1) this.values[f].fill(runs[r + 1 + f], start, end);
    }
    return this;
  }

  /** Which words of query to look up, and how: [{folded, exact, prefix, shards}] (empty if too short). */
  plan(query) {
    const found = terms(query);
    const typing = /[\p{L}\p{N}\p{Mn}]$/u.test(query);
    const words = [];
    const seen = new Set();
    found.forEach(([folded, exact], i) => {
      const last = i === found.length - 1;
      const prefix = last && typing;
      if (prefix && folded.length < MIN_CHARS && found.length > 1) return; // "nuoc m": wait for the next letter
      const key = folded + "\u0000" + exact;
      if (seen.has(key) || words.length >= MAX_WORDS) return;
      seen.add(key);
      words.push({ folded, exact, prefix });
    });
    if (words.reduce((n, w) => n + w.folded.length, 0) < MIN_CHARS) return [];
    for (const word of words) {
      word.shards = this.shardsFor(word.folded, word.prefix);
      if (word.prefix && word.shards === null) {
        word.prefix = false;                        // too many words start so: match it as a whole word
        word.shards = this.shardsFor(word.folded, false);
      }
    }
    return words;
  }

  shardsFor(folded, prefix) {
    const starts = this.starts;
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
    return cache(this.shards, number, async () => {
      const data = await this.json(`s/${this.manifest.shards[number][1]}.json`);
      return { index: lunr.Index.load(decodeShard(data)), spelled: data.x };
    });
  }

  /**
   * Map ref -> [score, strict] for one word, from every shard it needs (lunr.js matches and scores).
   * strict: the document has the word as typed, diacritics included ("số" typed: sở is not strict).
   */
  lookup(word) {
    const key = [word.folded, word.exact, word.prefix].join("\u0000");
    return cache(this.words, key, async () => {
      const shards = await Promise.all(word.shards.map((n) => this.shard(n)));
      const scores = new Map();
      const { TRAILING, NONE } = lunr.Query.wildcard;
      const plain = word.exact === word.folded;
      const same = (spelling) => spelling !== undefined
        && (word.prefix ? spelling.startsWith(word.exact) : spelling === word.exact);
      // A matched term is the spelling itself, or a folded word whose one spelling the shard lists.
      const strict = (term, spelled) => same(fold(term) !== term ? term : spelled[term]);
      for (const { index, spelled } of shards) {
        const results = index.query((q) => {
          q.term(word.folded, { usePipeline: false, boost: WHOLE_WORD_BOOST });
          if (word.prefix) q.term(word.folded, { usePipeline: false, wildcard: TRAILING, boost: 1 });
          if (word.exact !== word.folded) {
            q.term(word.exact, { usePipeline: false, boost: EXACT_BOOST, fields: ["exact"],
                                 wildcard: word.prefix ? TRAILING : NONE });
          }
        });
        for (const { ref, score, matchData } of results) {
          const exact = plain || Object.keys(matchData.metadata).some((term) => strict(term, spelled));
          const prior = scores.get(+ref);
          if (prior === undefined) scores.set(+ref, [score, exact]);
          else { prior[0] += score; prior[1] = prior[1] || exact; }
        }
      }
      return scores;
    });
  }

  /**
   * Ranked hits of query: [{ref, cov, strict, score}]: most words matched first, then most words matched as
   * typed (diacritics included), then lunr's score. best: [cov, strict] of the first hit.
   */
  async search(query) {
    await this.ready();
    const words = this.plan(query);
    if (!words.length) return { query, words, hits: [], best: [0, 0] };
    const maps = await Promise.all(words.map((w) => this.lookup(w)));
    const acc = new Map();
    for (const scores of maps) {
      for (const [ref, [score, exact]] of scores) {
        const hit = acc.get(ref);
        if (hit === undefined) acc.set(ref, { ref, cov: 1, strict: exact ? 1 : 0, score });
        else { hit.cov += 1; hit.strict += exact ? 1 : 0; hit.score += score; }
      }
    }
    const hits = Array.from(acc.values());
    hits.sort((a, b) => b.cov - a.cov || b.strict - a.strict || b.score - a.score || a.ref - b.ref);
    return { query, words, hits, best: hits.length ? [hits[0].cov, hits[0].strict] : [0, 0] };
  }

  /** Facet value numbers of a document. */
  facetsOf(ref) {
    return this.values.map((column) => column[ref]);
  }

  /** Hits passing filters ({param: value key}); with skip, that facet's filter is ignored. */
  passes(ref, selected, skip = -1) {
    for (let f = 0; f < selected.length; f += 1) {
      if (f !== skip && selected[f] >= 0 && this.values[f][ref] !== selected[f]) return false;
    }
    return true;
  }

  /** Filter values as numbers per facet (-1: no filter), from {param: key}. */
  selection(filters) {
    return this.facets.map((facet) => facet.values.findIndex(([key]) => key === filters[facet.param]));
  }

  /**
   * The result of a search under filters: main hits (every word matched, as typed when any document has them
   * so; else the most words any document matched), then the near misses, and counts per facet value over
   * the main hits (each facet counted with the other facets' filters applied).
   */
  refine(result, filters) {
    const selected = this.selection(filters);
    const main = [], near = [];
    const counts = this.facets.map((facet) => new Array(facet.values.length).fill(0));
    for (const hit of result.hits) {
      const isMain = hit.cov === result.best[0] && hit.strict === result.best[1];
      if (isMain) {
        for (let f = 0; f < this.facets.length; f += 1) {
          const value = this.values[f][hit.ref];
          if (value >= 0 && this.passes(hit.ref, selected, f)) counts[f][value] += 1;
        }
      }
      if (this.passes(hit.ref, selected)) (isMain ? main : near).push(hit);
    }
    return { main, near, counts, selected, complete: result.best[0] === result.words.length };
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
