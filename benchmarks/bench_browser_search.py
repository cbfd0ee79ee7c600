#!/usr/bin/env python3
"""Figures for the browser's search, in headless Chromium over a built site served on 127.0.0.1.

    python benchmarks/bench_browser_search.py benchmarks/repos/10k/output [--split]

Three designs are measured, each with a fresh browser (empty cache) so the first query is cold:

* ``kept``: the site's search page as built: filters alone answered from search/facets/,
  words from Pagefind's single index (with Pagefind's own filters);
* ``pagefind-only``: every query, filters alone included, through Pagefind's single index;
* ``split``: (with --split) one Pagefind index per region, built here into pagefind-regions/,
  words searched in one region's index, or in all of them merged (Pagefind's mergeIndex).

For each query: time from the change to rendered results (ms, measured in the page) and bytes
fetched over the network (encoded, as sent). The page's own load is reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "plugins"))

from chromium import Chromium, StaticServer, find_chromium  # noqa: E402
from joinedup.render.facets import decode  # noqa: E402

# (label, words, filters): the organiser's question first.
KEPT_QUERIES = [
    ("filters: video-editing, remote, 3+ h/week, available now", "",
     {"skill": ["video-editing"], "remote": ["yes"], "hours": ["3-5"], "availability": ["now"]}),
    ("filters: translation-cy in wales", "", {"skill": ["translation-cy"], "region": ["wales"]}),
    ("words: lopez", "lopez", {}),
    ("words + filter: campaign, graphic-design", "campaign", {"skill": ["graphic-design"]}),
    ("words: maps leeds", "maps leeds", {}),
    ("filters: python, remote", "", {"skill": ["python"], "remote": ["yes"]}),
]

RUN_FORM = """
(async () => {
  const form = document.getElementById('search-form');
  const status = document.getElementById('search-status');
  const wanted = %s;
  document.getElementById('search-q').value = wanted.q;
  for (const field of form.elements) {
    if (field.type === 'checkbox') field.checked = (wanted.filters[field.name] || []).includes(field.value);
    if (field.type === 'radio') field.checked = field.value === (wanted.filters[field.name] || [''])[0];
    if (field.tagName === 'SELECT') field.value = (wanted.filters[field.name] || [''])[0];
  }
  const started = performance.now();
  form.dispatchEvent(new Event('change'));
  await new Promise((done) => {
    const check = () => (!form.hasAttribute('aria-busy') ? done() : setTimeout(check, 1));
    check();
  });
  return {ms: performance.now() - started, status: status.textContent,
          shown: document.querySelectorAll('#search-results li').length};
})()
"""

RUN_PAGEFIND = """
(async () => {
  const started = performance.now();
  if (!window.bench) {
    window.bench = await import(%(bundle)s + 'pagefind.js');
    await window.bench.options({baseUrl: '/'});
    for (const other of %(merge)s) await window.bench.mergeIndex(other);
  }
  const search = await window.bench.search(%(words)s, {filters: %(filters)s});
  const data = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  return {ms: performance.now() - started, status: search.results.length + ' results', shown: data.length};
})()
"""


def measure(browser: Chromium, expression: str) -> tuple[dict, int]:
    start = len(browser.events)
    outcome = browser.evaluate(expression)
    browser.pump(0.2)
    fetched, _ = browser.traffic(start)
    return outcome, fetched


def report(design: str, label: str, order: str, outcome: dict, fetched: int) -> None:
    print(f"{design:14} {order:6} {outcome['ms']:8.0f} ms {fetched / 1024:8.1f} KB  {label}  ({outcome['status']})")


def kept(server: StaticServer, executable: str) -> None:
    with Chromium(executable) as browser:
        browser.goto(f"{server.url}/search/")
        browser.pump(0.5)
        page_bytes, _ = browser.traffic(0)
        print(f"{'kept':14} page   {'':>8}    {page_bytes / 1024:8.1f} KB  /search/ page load (HTML, CSS, JS)")
        for number, (label, words, filters) in enumerate(KEPT_QUERIES):
            outcome, fetched = measure(browser, RUN_FORM % json.dumps({"q": words, "filters": filters}))
            report("kept", label, "first" if number == 0 else "later", outcome, fetched)
    # Words first in a cold browser: Pagefind's start-up cost.
    with Chromium(executable) as browser:
        browser.goto(f"{server.url}/search/")
        browser.pump(0.5)
        label, words, filters = KEPT_QUERIES[2]
        outcome, fetched = measure(browser, RUN_FORM % json.dumps({"q": words, "filters": filters}))
        report("kept", label, "first", outcome, fetched)


def pagefind_only(server: StaticServer, executable: str) -> None:
    with Chromium(executable) as browser:
        browser.goto(f"{server.url}/search/")
        browser.pump(0.5)
        for number, (label, words, filters) in enumerate(KEPT_QUERIES):
            pagefind_filters = {k: ({"all": v} if k == "skill" else {"any": v}) for k, v in filters.items()}
            if "hours" in filters:
                pagefind_filters["hours"] = {"any": ["3-5", "6-10", "11-20", "21+"]}
            expression = RUN_PAGEFIND % {"bundle": json.dumps("/pagefind/"), "merge": "[]",
                                         "words": json.dumps(words or None), "filters": json.dumps(pagefind_filters)}
            outcome, fetched = measure(browser, expression)
            report("pagefind-only", label, "first" if number == 0 else "later", outcome, fetched)


def build_split(site: Path) -> list[str]:
    """One Pagefind index per region under site/pagefind-regions/<region>/; returns the regions."""
    facets = site / "search/facets"
    manifest = json.loads((facets / "index.json").read_text())
    ids = [card[0] for shard in sorted((facets / "cards").glob("*.json"), key=lambda p: int(p.stem))
           for card in json.loads(shard.read_text())]
    target = site / "pagefind-regions"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    sizes = 0
    for region in manifest["values"]["region"]:
        numbers = decode((facets / f"region/{region}.bin").read_bytes(), manifest["count"])
        with tempfile.TemporaryDirectory() as tree:
            for number in numbers:
                page = Path(tree) / "people" / ids[number]
                page.mkdir(parents=True)
                os.link(site / "people" / ids[number] / "index.html", page / "index.html")
            subprocess.run([sys.executable, "-m", "pagefind", "--site", tree, "--output-path",
                            str(target / region), "--quiet"], check=True)
        sizes += sum(p.stat().st_size for p in (target / region).rglob("*") if p.is_file())
    print(f"{'split':14} build  {time.perf_counter() - started:8.1f} s  {sizes / 1e6:8.1f} MB  "
          f"{len(manifest['values']['region'])} region indexes")
    return manifest["values"]["region"]


def split(server: StaticServer, executable: str, regions: list[str]) -> None:
    cases = [("words: lopez, in london (one region's index)", "lopez", "london", []),
             ("words: lopez, all regions merged", "lopez", regions[0],
              [f"/pagefind-regions/{r}/" for r in regions[1:]])]
    for label, words, region, merge in cases:
        with Chromium(executable) as browser:
            browser.goto(f"{server.url}/search/")
            browser.pump(0.5)
            for order in ("first", "later"):
                expression = RUN_PAGEFIND % {"bundle": json.dumps(f"/pagefind-regions/{region}/"),
                                             "merge": json.dumps(merge), "words": json.dumps(words),
                                             "filters": "{}"}
                if order == "later":
                    expression = expression.replace(json.dumps(words), json.dumps("campaign"))
                outcome, fetched = measure(browser, expression)
                report("split", label if order == "first" else label.replace("lopez", "campaign"), order,
                       outcome, fetched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site (python tasks.py build --output DIR)")
    parser.add_argument("--split", action="store_true", help="also build and measure per-region Pagefind indexes")
    parser.add_argument("--skip-pagefind-only", action="store_true")
    args = parser.parse_args()
    executable = find_chromium()
    if executable is None:
        sys.exit("no Chromium found (set CHROMIUM=/path/to/chromium)")
    site = args.site.resolve()
    size = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    facets = sum(p.stat().st_size for p in (site / "search/facets").rglob("*") if p.is_file())
    print(f"== {site}: Pagefind bundle {size / 1e6:.1f} MB, facet files {facets / 1e6:.1f} MB")
    regions = build_split(site) if args.split else []
    with StaticServer(site) as server:
        kept(server, executable)
        if not args.skip_pagefind_only:
            pagefind_only(server, executable)
        if regions:
            split(server, executable, regions)


if __name__ == "__main__":
    main()
