#!/usr/bin/env python3
"""Benchmark the client-side search on synthetic registers (not part of `make test`).

Usage: scripts/bench_search.py [--sizes 1000 20000] [--stress] [--repeat 3] [--work DIR] [--json FILE] [--reuse]

For each size: generate a synthetic register (scripts/generate_synthetic.py), build the whole site, then in
headless Chromium with the CPU slowed down 4x (CDP Emulation.setCPUThrottlingRate) measure, per query:
  * cold: open tim-kiem/?q=... with an empty cache; time from navigation to the first result shown, and the
    bytes (gzip -6 of every file fetched; raw in brackets) downloaded before it;
  * typed: open tim-kiem/ with an empty cache and type the query at phone speed; bytes until its results,
    and the time each keystroke after the first result takes to update the results;
and the build: index seconds against the whole build (validate + Pelican + index).
--stress adds 100,000 products, for which only the search files are built (with the pages of a register
without products): the product pages change nothing the search fetches or runs. Registers and sites are kept
in --work between runs; --reuse keeps the pages of an earlier build and rewrites only the search files.
"""

from __future__ import annotations

import _venv  # noqa: F401  (first: runs the script with the project's Python)

import argparse
import datetime as dt
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from ocop import search  # noqa: E402
from ocop.pelican_plugin import build_site  # noqa: E402
from ocop.register import load_register  # noqa: E402
from ocop.synthetic import generate  # noqa: E402

TODAY = dt.date(2026, 1, 1)
QUERIES = ["nuoc mam", "mat ong", "ca phe", "bac lieu", "dak lak", "duong thot not", "gao st25", "htx nong nghiep",
           "Mật ong rừng", "tra"]
KEY_DELAY_MS = 120  # a quick thumb on a phone keyboard


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def prepare(size: int, work: Path, reuse: bool = False, search_only: bool = False) -> tuple[Path, Path, dict]:
    """Generate (once) and build the register of *size* products; the build and index figures."""
    content = work / f"register-{size}"
    if not (content / "products").is_dir():
        started = time.perf_counter()
        generate(content, size, ROOT / "content" / "provinces")
        print(f"  generated {size} products in {time.perf_counter() - started:.1f} s", flush=True)
    out = work / f"site-{size}"
    started = time.perf_counter()
    register, report = load_register(content)
    assert report.ok, report.lines()[:5]
    if search_only:  # the pages of a register without products, then this register's search files
        shell = work / "provinces-only"
        if not shell.is_dir():
            shutil.copytree(content / "provinces", shell / "provinces")
            (shell / "products").mkdir()
        empty, _ = load_register(shell)
        build_site(empty, shell, out, ROOT / "pelicanconf.py", TODAY)
    elif reuse and (out / "sitemap.xml").exists():  # only the search files and scripts are rewritten
        shutil.copytree(ROOT / "theme" / "static" / "js", out / "theme" / "js", dirs_exist_ok=True)
    else:
        build_site(register, content, out, ROOT / "pelicanconf.py", TODAY)
    total = time.perf_counter() - started
    started = time.perf_counter()
    written = search.write_register_index(register.products, register.provinces, TODAY, out / "search")
    index_s = time.perf_counter() - started
    if reuse or search_only:
        total = None  # not a whole build
    sample = register.products[len(register.products) // 2]
    extra = [sample.certification.get("decision"), sample.producer.get("phone")]
    figures = {"products": size, "build_s": total and round(total, 1), "index_s": round(index_s, 1),
               "index_share": total and round(index_s / total, 3), "shards": written.shards,
               "store_files": written.store_files, "index_all_gzip_kb": round(written.gzip_bytes / 1024),
               "manifest_gzip_kb": round(gzip_size(out / "search" / "manifest.json") / 1024, 1),
               "queries": [q for q in extra if q]}
    return content, out, figures


def file_of(out: Path, url: str) -> Path | None:
    path = urlparse(url).path
    target = out / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def measure(browser, base: str, out: Path, query: str, typed: bool) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    done = ("q => { const b = document.getElementById('ket-qua');"
            " return b.dataset.q === q && b.dataset.state === 'done' }")
    if typed:
        page.goto(base + "tim-kiem/")
        page.wait_for_load_state("load")
        page.locator("#q").press_sequentially(query, delay=KEY_DELAY_MS)
    else:
        page.goto(base + "tim-kiem/?q=" + quote(query))
    page.wait_for_function(done, arg=query, timeout=60000)
    first = float(page.locator("#ket-qua").get_attribute("data-first-result-at") or "nan")
    count = int(page.locator("#ket-qua").get_attribute("data-count") or 0)
    timings = page.evaluate("window.ocopSearchTimings")
    files = [f for f in (file_of(out, u) for u in fetched) if f]
    context.close()
    row = {"query": query, "results": count, "requests": len(fetched),
           "gzip_kb": round(sum(gzip_size(f) for f in files) / 1024, 1),
           "raw_kb": round(sum(f.stat().st_size for f in files) / 1024, 1)}
    if typed:
        # Every keystroke after the first one shown: those answered from what is loaded, and those that
        # had to fetch a shard or result-store file first.
        row["keys_local"] = [round(t["ms"], 1) for t in timings[1:] if not t["fetched"]]
        row["keys_fetch"] = [round(t["ms"], 1) for t in timings[1:] if t["fetched"]]
    else:
        row["first_result_ms"] = None if first != first else round(first)  # NaN: nothing found
    return row


def baseline(browser, base: str, repeat: int) -> float:
    """DOMContentLoaded of a page without search (404.html), same conditions: how slow this machine is now."""
    times = []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(base + "404.html")
        page.wait_for_load_state("load")
        times.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
        context.close()
    return round(statistics.median(times))


def cold(browser, base: str, out: Path, query: str, repeat: int) -> dict:
    """Cold load measured *repeat* times (the machine is shared): median time, bytes of the first run."""
    runs = [measure(browser, base, out, query, typed=False) for _ in range(repeat)]
    row = dict(runs[0])
    times = [r["first_result_ms"] for r in runs if r["first_result_ms"] is not None]
    row["first_result_ms"] = round(statistics.median(times)) if times else None
    row["first_result_runs"] = times
    return row


def stats(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.0f}/{max(values):.0f}"


def bench(size: int, work: Path, browser, reuse: bool = False, repeat: int = 3, search_only: bool = False) -> dict:
    print(f"\n== {size} products{' (search files only)' if search_only else ''} ==", flush=True)
    content, out, figures = prepare(size, work, reuse, search_only)
    share = f"{figures['index_share']:.0%}" if figures["build_s"] else "pages not built here"
    print(f"  build {figures['build_s']} s, search index {figures['index_s']} s "
          f"({share}); {figures['shards']} shards + {figures['store_files']} store files = "
          f"{figures['index_all_gzip_kb']} KB gzip in all; manifest {figures['manifest_gzip_kb']} KB gzip", flush=True)
    queries = QUERIES + figures.pop("queries")
    figures["cold"], figures["typed"] = [], []
    with serve(out) as base:
        measure(browser, base, out, "nuoc", False)  # the server's first answers, the browser's first start
        before = baseline(browser, base, repeat)
        for query in queries:
            figures["cold"].append(cold(browser, base, out, query, repeat))
            figures["typed"].append(measure(browser, base, out, query, typed=True))
        figures["baseline_dcl_ms"] = [before, baseline(browser, base, repeat)]
    print(f"  a page without search (404.html) reaches DOMContentLoaded at {figures['baseline_dcl_ms'][0]} ms "
          f"before and {figures['baseline_dcl_ms'][1]} ms after these measurements (CPU 4x): the machine's speed")
    print(f"  {'query':<18}{'results':>8} | {'cold: KB gzip (raw)':>20}{'1st result':>12} | "
          f"{'typed: KB gzip':>14}{'key ms, loaded':>16}{'key ms, fetching':>18}   (median/max)")
    for c, t in zip(figures["cold"], figures["typed"]):
        print(f"  {c['query'][:17]:<18}{c['results']:>8} | {c['gzip_kb']:>9} ({c['raw_kb']:>6}){c['first_result_ms']:>9} ms"
              f" | {t['gzip_kb']:>14}{stats(t['keys_local']):>16}{stats(t['keys_fetch']):>18}")
    cold_kb = [r["gzip_kb"] for r in figures["cold"]]
    typed_kb = [r["gzip_kb"] for r in figures["typed"]]
    first = [r["first_result_ms"] for r in figures["cold"] if r["first_result_ms"] is not None]
    local = [k for r in figures["typed"] for k in r["keys_local"]]
    fetching = [k for r in figures["typed"] for k in r["keys_fetch"]]
    figures["summary"] = {
        "bytes_to_first_result_gzip_kb": {"median": statistics.median(cold_kb), "max": max(cold_kb)},
        "typed_bytes_gzip_kb": {"median": statistics.median(typed_kb), "max": max(typed_kb)},
        "first_result_ms_cpu4x": {"median": statistics.median(first), "max": max(first)},
        "keystroke_ms_cpu4x_loaded": {"median": statistics.median(local) if local else None,
                                      "p90": sorted(local)[int(0.9 * (len(local) - 1))] if local else None,
                                      "max": max(local) if local else None, "count": len(local)},
        "keystroke_ms_cpu4x_fetching": {"median": statistics.median(fetching) if fetching else None,
                                        "max": max(fetching) if fetching else None, "count": len(fetching)},
    }
    s = figures["summary"]
    print(f"  SUMMARY {size} products: bytes to first result {s['bytes_to_first_result_gzip_kb']['median']:.1f} KB gzip "
          f"median, {s['bytes_to_first_result_gzip_kb']['max']:.1f} KB max (typed queries: "
          f"{s['typed_bytes_gzip_kb']['max']:.1f} KB max); first result {s['first_result_ms_cpu4x']['median']} ms "
          f"median, {s['first_result_ms_cpu4x']['max']} ms max (CPU 4x); further keystroke {stats(local)} ms "
          f"median/max when loaded (p90 {s['keystroke_ms_cpu4x_loaded']['p90']}), {stats(fetching)} ms when a file "
          f"is fetched; index {figures['index_s']} s of {figures['build_s'] or '?'} s build", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--stress", action="store_true",
                        help="also 100,000 products (search files only: the product pages change nothing searched)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ocop-search-bench",
                        help="registers and sites are kept here between runs")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per query (median reported)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an earlier build's pages, rewrite only search files and scripts (build time then wrong)")
    args = parser.parse_args()
    sizes = args.sizes + ([100000] if args.stress else [])
    args.work.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes:
            results.append(bench(size, args.work, browser, args.reuse, args.repeat, search_only=size >= 100000))
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
