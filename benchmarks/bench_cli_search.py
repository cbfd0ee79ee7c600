#!/usr/bin/env python3
"""Figures for the Whoosh side of search: index build, size, and search/match latency.

    python benchmarks/bench_cli_search.py benchmarks/repos/10k [--rebuild] [--queries 200]

Prints, for the repository given (made by benchmarks/generate.py):

* index build time and size (with --rebuild: from nothing, timed here; otherwise the index
  there is reused and only its size is shown);
* the cost of bringing an up-to-date index up to date (what every CLI call pays first);
* search and match latency, p50/p95 over N mixed queries run in one process, as `search` and
  `match` run them once the index is open: filters only, words and filters, and needs (a word's
  first use after an index change reads its posting lists: "words-1st"; later uses are cached);
* the same for a few whole `python tasks.py search` processes (interpreter start included);
* one profile edited: the next call's update (re-index one document, rebuild document sets).
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "plugins"))

from joinedup.load.taxonomy import load_taxonomy  # noqa: E402
from joinedup.match.matching import Need  # noqa: E402
from joinedup.match.search import Filters, default_index_dir, open_index  # noqa: E402

TODAY = dt.date(2026, 11, 23)
WORDS = ["lopez", "campaign", "film", "maps", "grace", "leeds", "housing survey", "tenants", "design posters", "omar"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def queries(taxonomy, count: int, seed: int = 7):
    """``count`` mixed queries: a third filters only, a third words and filters, a third needs."""
    chooser = random.Random(seed)
    skills, regions = list(taxonomy.skills), list(taxonomy.regions)
    made = []
    for number in range(count):
        kind = number % 3
        if kind == 2:
            made.append(("match", Need(
                skills=tuple(chooser.sample(skills, chooser.choice([1, 1, 2, 3]))),
                region=chooser.choice([None, None, *regions]), remote=chooser.random() < 0.5,
                hours=chooser.choice([0, 2, 4, 8]), until=chooser.choice([None, TODAY + dt.timedelta(days=60)]))))
            continue
        filters = Filters(
            skills=tuple(chooser.sample(skills, chooser.choice([0, 1, 1, 2]))),
            region=chooser.choice([None, None, *regions]), remote=chooser.random() < 0.4,
            min_hours=chooser.choice([0, 0, 2, 4]), available_on=chooser.choice([None, TODAY]))
        made.append(("search", (chooser.choice(WORDS) if kind == 1 else "", filters)))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rebuild", action="store_true", help="delete the index and time building it")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--processes", type=int, default=10, help="whole CLI runs to time")
    args = parser.parse_args()
    root = args.repo.resolve()
    taxonomy, _ = load_taxonomy(root)
    folder = default_index_dir(root)
    print(f"== {root.name}: {sum(1 for _ in (root / 'volunteers').glob('*.yaml'))} profiles")

    if args.rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    index = open_index(root, taxonomy, TODAY)
    opened = time.perf_counter() - started
    if index.update.rebuilt:
        print(f"index build: {opened:.1f} s ({index.update.rebuilt})")
    index.close()
    print(f"index size: {folder_size(folder) / 1e6:.1f} MB (Whoosh segments, file list, document sets)")

    refresh = []
    for _ in range(10):
        started = time.perf_counter()
        index = open_index(root, taxonomy, TODAY)
        refresh.append(time.perf_counter() - started)
        index.close()
    print(f"open an up-to-date index (stat every profile, read git HEAD, open Whoosh): "
          f"p50 {percentile(refresh, 0.5) * 1000:.0f} ms")

    mixed = queries(taxonomy, args.queries)
    timings: dict[str, list[float]] = {"search": [], "words": [], "match": [], "words-1st": []}
    for cached in folder.glob("words-*"):
        shutil.rmtree(cached)
    seen: set[str] = set()
    with open_index(root, taxonomy, TODAY) as index:
        for kind, query in mixed:
            started = time.perf_counter()
            if kind == "match":
                index.match(query, 10)
            else:
                index.search(query[0], query[1], 20)
            elapsed = time.perf_counter() - started
            if kind == "search" and query[0]:
                timings["words" if query[0] in seen else "words-1st"].append(elapsed)
                seen.add(query[0])
            else:
                timings[kind].append(elapsed)
    everything = [t for values in timings.values() for t in values]
    for name, values in [("all", everything), *timings.items()]:
        print(f"query {name:7} n={len(values):3}  p50 {percentile(values, 0.5) * 1000:6.1f} ms  "
              f"p95 {percentile(values, 0.95) * 1000:6.1f} ms  max {max(values) * 1000:6.1f} ms")

    whole = []
    tasks = HERE.parent / "tasks.py"
    for number in range(args.processes):
        kind, query = mixed[number * 3 % len(mixed)]
        words, filters = query if kind == "search" else ("", Filters(skills=query.skills))
        command = [sys.executable, str(tasks), "--root", str(root), "search", *words.split(), "--json"]
        for skill in filters.skills:
            command += ["--skill", skill]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1795392000"})
        whole.append(time.perf_counter() - started)
    print(f"whole `tasks.py search` process n={len(whole)}: p50 {percentile(whole, 0.5) * 1000:.0f} ms  "
          f"p95 {percentile(whole, 0.95) * 1000:.0f} ms")

    profile = sorted((root / "volunteers").glob("*.yaml"))[len(mixed)]
    original = profile.read_text(encoding="utf-8")
    try:
        profile.write_text(original.replace("headline: ", "headline: Edited "), encoding="utf-8")
        started = time.perf_counter()
        with open_index(root, taxonomy, TODAY) as index:
            updated = time.perf_counter() - started
            assert len(index.update.indexed) == 1, index.update
            started = time.perf_counter()
            index.search("", Filters(), 20)
            first = time.perf_counter() - started
        print(f"after editing one profile: update and reopen {updated * 1000:.0f} ms, first query {first * 1000:.0f} ms")
    finally:
        profile.write_text(original, encoding="utf-8")
        open_index(root, taxonomy, TODAY).close()
    print(f"spread: {statistics.pstdev(everything) * 1000:.1f} ms standard deviation over all queries")


if __name__ == "__main__":
    main()
