#!/usr/bin/env python3
"""Build benchmark at national scale: prints every figure of issue 5 (not a test; run it by hand).

Usage: scripts/bench_build.py [--sizes 1000 20000 100000] [--workdir /tmp/ocop-bench] [--no-browser]

For each size N it writes a synthetic register (ocop.synthetic, never into content/), then measures with the
real `ocop build` command: a cold build (no output, no cache), a rebuild with nothing changed, a rebuild after
editing one record, each with wall time, the build's own stage times and peak memory (largest process, the
workers included), and peak memory per 1,000 products (growth must stay linear), with the seconds a fixed
pure-Python loop took just before and after (the machine's own speed, which on a shared host wanders). Then the
weight of a product page (HTML + CSS + JS, gzip); in headless Chromium with 4x CPU slowdown its render-blocking
requests, layout shift and largest contentful paint; and Lighthouse 12.2.3's mobile performance score (pinned in bench/lighthouse/,
installed there with `npm ci`, run with Debian's chromium).
"""

import _venv  # noqa: F401  (first: runs the script with the project's Python)
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run_build(content: Path, out: Path) -> dict:
    """One `ocop build --timings`; wall seconds, CPU seconds (every process), peak RSS (MB) and its stage lines.

    Written data is flushed to disk first, so a build does not pay for the previous one's writes."""
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "ocop"), "--content", str(content), "build", "--timings",
                             "--settings", str(ROOT / "pelicanconf.py"), "--output", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "CI": "1"})
    _, status, usage = os.wait4(proc.pid, 0)
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build failed:\n{stdout}\n{stderr}")
    stages = dict(re.findall(r"\[ocop\] (.+): ([0-9.]+) s", stderr))
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "stages": stages}


def machine_speed() -> float:
    """Seconds of a fixed pure-Python loop: this machine's speed wanders by half within an hour (a shared host),
    so each size's figures are printed with how fast the machine ran just before them."""
    started, total = time.perf_counter(), 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - started


def edit_one(content: Path) -> None:
    path = sorted((content / "products").rglob("*.yaml"))[len(list((content / "products").rglob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^name: (.*)$", r"name: \1 (sửa)", text, count=1, flags=re.M), encoding="utf-8")


def page_weight(out: Path) -> dict:
    page = next((out / "san-pham").iterdir()) / "index.html"
    html = page.read_bytes()
    assets = [out / "theme" / ref.split("/theme/", 1)[1] for ref in re.findall(rb'(?:href|src)="([^"]+\.(?:css|js))"', html)
              for ref in [ref.decode()] if "/theme/" in ref]
    sizes = {"html": len(gzip.compress(html, 9))}
    for asset in assets:
        sizes[asset.name] = len(gzip.compress(asset.read_bytes(), 9))
    return {"page": str(page.relative_to(out)), "gzip_bytes": sizes, "total_kb": sum(sizes.values()) / 1024}


def browser_metrics(out: Path, page_rel: str) -> dict:
    """Render-blocking requests, CLS and LCP of a product page on a 4x slower CPU."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, serving
    from playwright.sync_api import sync_playwright

    with serving(out) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.add_init_script("""
            window.__cls = 0; window.__lcp = 0;
            new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) window.__cls += e.value; }))
              .observe({type: 'layout-shift', buffered: true});
            new PerformanceObserver(l => l.getEntries().forEach(e => { window.__lcp = e.startTime; }))
              .observe({type: 'largest-contentful-paint', buffered: true});
        """)
        page.goto(base + page_rel.removesuffix("index.html"), wait_until="load")
        page.wait_for_timeout(500)
        result = page.evaluate("""() => ({
            blocking: performance.getEntriesByType('resource').filter(r => r.renderBlockingStatus === 'blocking')
                        .map(r => r.name.split('/').pop()),
            cls: window.__cls, lcp_ms: Math.round(window.__lcp),
            fcp_ms: Math.round((performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0)})""")
        browser.close()
    return result


def lighthouse(out: Path, page_rel: str) -> dict:
    """Lighthouse's mobile performance score (0–100) and its metrics for a product page, served on loopback."""
    folder = ROOT / "bench" / "lighthouse"
    if not (folder / "node_modules" / ".bin" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True)
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM, serving

    report = out.parent / "lighthouse.json"
    with serving(out) as base:
        subprocess.run([str(folder / "node_modules" / ".bin" / "lighthouse"), base + page_rel.removesuffix("index.html"),
                        "--only-categories=performance", "--quiet", "--output=json", f"--output-path={report}",
                        "--chrome-flags=--headless=new --no-sandbox"],
                       check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    result = json.loads(report.read_text(encoding="utf-8"))
    metrics = {key: result["audits"][key]["displayValue"].replace("\xa0", " ") for key in (
        "first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
        "speed-index")}
    return {"score": round(result["categories"]["performance"]["score"] * 100), **metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000, 100000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ocop-bench"))
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium and Lighthouse measurements")
    args = parser.parse_args()
    from ocop.synthetic import generate

    # The package's bytecode, as `make` writes it (PYTHONDONTWRITEBYTECODE would make each build compile it).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "ocop")], check=True)
    print(f"máy: {os.cpu_count()} lõi; python {sys.version.split()[0]}")
    for size in args.sizes:
        folder = args.workdir / str(size)
        content, out = folder / "content", folder / "output"
        if not (content / "products").is_dir():
            generate(content, size, ROOT / "content" / "provinces")
        # The last run's output and cache are set aside and deleted after the measurements: on ext4, creating
        # files just after deleting tens of thousands costs far more (recently freed inodes are skipped).
        old = folder / "old"
        shutil.rmtree(old, ignore_errors=True)
        old.mkdir()
        for leftover in (out, folder / ".cache"):
            if leftover.exists():
                leftover.rename(old / leftover.name)
        speed = machine_speed()
        cold = run_build(content, out)
        warm = run_build(content, out)
        edit_one(content)
        edited = run_build(content, out)
        shutil.rmtree(old, ignore_errors=True)
        files = sum(1 for p in out.rglob("*") if p.is_file())
        print(f"\n== {size} sản phẩm: {files} tệp "
              f"(máy: vòng lặp chuẩn {speed:.2f} s trước, {machine_speed():.2f} s sau)")
        for name, fig in (("build lạnh (không output, không cache)", cold), ("build lại, không đổi gì", warm),
                          ("build lại sau khi sửa 1 hồ sơ", edited)):
            stages = ", ".join(f"{k} {float(v):.1f}" for k, v in fig["stages"].items())
            print(f"{name}: {fig['seconds']:.1f} s (CPU {fig['cpu']:.1f} s), bộ nhớ đỉnh {fig['peak_mb']:.0f} MB "
                  f"({fig['peak_mb'] * 1000 / size:.1f} MB / 1.000 sản phẩm)  [{stages}]")
        weight = page_weight(out)
        print(f"trang sản phẩm {weight['page']}: {weight['total_kb']:.1f} KB gzip {weight['gzip_bytes']}")
        if not args.no_browser:
            print(f"Chromium, CPU chậm 4x: {browser_metrics(out, weight['page'])}")
            print(f"Lighthouse 12.2.3 (di động): {lighthouse(out, weight['page'])}")


if __name__ == "__main__":
    main()
