#!/usr/bin/env python3
"""Time `check` and `build` on synthetic repositories, and plain Pelican on as many pages.

    python benchmarks/build.py 1000 10000

For each size N: generates benchmarks/repos/<N>k with generate.py (once), then prints wall-clock seconds
(best of --runs) for `tasks.py check`, `tasks.py build`, a rebuild after editing one profile,
and, with --pelican, plain Pelican rendering N Markdown pages through the same theme (our
overhead is measured against it, DESIGN.md §9).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TASKS = HERE.parent / "tasks.py"


def timed(command, cwd) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1795392000"})
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def best(command, cwd, runs):
    return min(timed(command, cwd) for _ in range(runs))


def plain_pelican_repo(count: int, target: Path) -> Path:
    """N Markdown articles of about a profile's size, for plain Pelican to render."""
    if target.exists():
        return target
    articles = target / "content" / "proposals"
    articles.mkdir(parents=True)
    for number in range(count):
        (articles / f"article-{number}.md").write_text(
            f"Title: Article {number}\nDate: 2026-01-01\n\nSome *Markdown* text for article {number}.\n"
        )
    (target / "pelicanconf.py").write_text(
        "PATH='content'\nARTICLE_PATHS=['proposals']\nTIMEZONE='UTC'\nDEFAULT_LANG='en'\nSITENAME='x'\n"
        "FEED_ALL_ATOM=None\nCATEGORY_FEED_ATOM=None\nAUTHOR_FEED_ATOM=None\nAUTHOR_FEED_RSS=None\n"
        "TRANSLATION_FEED_ATOM=None\nDEFAULT_PAGINATION=False\n"
    )
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pelican", action="store_true", help="also time plain Pelican on N pages")
    args = parser.parse_args(argv)
    print("| profiles | check (s) | build (s) | rebuild after 1 edit (s) | pages | plain Pelican, same N (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        repo = HERE / "repos" / (f"{size // 1000}k" if size >= 1000 else str(size))
        if not (repo / "volunteers").is_dir() or len(os.listdir(repo / "volunteers")) != size + 1:
            generate(size, repo, 5, dt.date(2026, 11, 23))
        check = best([sys.executable, TASKS, "--root", repo, "check"], repo, args.runs)
        output = repo / "output"
        shutil.rmtree(output, ignore_errors=True)
        full = best([sys.executable, TASKS, "--root", repo, "build", "--output", output], repo, args.runs)
        victim = sorted((repo / "volunteers").glob("*.yaml"))[0]
        victim.write_text(victim.read_text().replace("headline: ", "headline: Edited ", 1))
        rebuild = best([sys.executable, TASKS, "--root", repo, "build", "--output", output], repo, 1)
        pages = sum(1 for _ in output.rglob("*.html"))
        plain = "-"
        if args.pelican:
            plain_repo = plain_pelican_repo(size, HERE / "repos" / f"plain-{size}")
            plain = f"{best([sys.executable, '-m', 'pelican', 'content', '-s', 'pelicanconf.py', '-o', 'output'], plain_repo, 1):.1f}"
        print(f"| {size:,} | {check:.2f} | {full:.1f} | {rebuild:.1f} | {pages:,} | {plain} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak memory of a child process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
