#!/usr/bin/env python3
"""Time the build against plain Pelican in the same run, and print the ratios the targets are set in.

    python benchmarks/run.py 10000 --proposals 1000
    python benchmarks/run.py 1000 10000 --runs 3

Every build is what the deploy runs (``build --publish``, for https://national.example.org).
For each size N: generates benchmarks/repos/<N>k with generate.py (once; N/100 proposals unless
--proposals), copies the current theme and settings into it, then measures, one after the other:

* a full build from nothing (no cache, no previous output), alternating with plain Pelican
  (below) when --runs-full is above 1,
* a rebuild after editing one profile's headline, a rebuild after a commit that changed one
  profile's headline (the commits are undone at the end), and a rebuild after no change,
* the size of the site the deploy publishes (without the build's record of its pages): the
  bytes of its files (what a host stores and serves), of the tar the Pages deploy makes of them
  (512-byte headers and blocks: a small file costs 1 KB more) and of that tar zipped, as it is
  uploaded (the size GitHub's deploy-pages compares with Pages' 1 GB),
* ``check`` of everything and of the one edited file, and ``check --changed-since`` after the
  commits that changed one profile (what the robot runs on such a pull request),
* plain Pelican rendering as many Markdown articles as our build wrote HTML pages (the baseline),

each the best of --runs (the full build and Pelican run once unless --runs-full), with the peak
memory of the whole process tree (the sum of every process's proportional set size, sampled
every 0.1 s, so forked workers' shared pages count once). The machine is shared, so compare
the ratios, which are measured minutes apart, not the seconds with another day's.

"From nothing" moves the last output and the cache folder aside (benchmarks/repos/.trash), and
the trash is deleted only when every measurement is done. Deleting them just before a build slowed it
by seconds: ext4 without a journal (the reference machine's disk) does not hand out an inode
freed in the last one to six minutes, and checks every such inode it passes, so creating files
after deleting 30,000 cost 0.3-0.7 ms each instead of 0.05-0.15 ms (``perf`` showed the time
in the kernel's ``recently_deleted``). Our build creates two inodes a page (people/<id>/ and its
index.html) where plain Pelican creates one, so that penalty fell on it twice as hard, and on
both by chance (how many freed inodes a run happened to pass).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import zlib
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "plugins"))
# Builds keep their caches outside the repository; the benchmarks keep them beside the
# generated repositories (same disk, so "from nothing" can set them aside with a rename).
os.environ["JOINEDUP_CACHE_DIR"] = str(HERE / "repos" / ".cache")

from joinedup.builder.output import MANIFEST  # noqa: E402
from joinedup.core.buildcache import cache_dir  # noqa: E402
from generate import default_proposals, generate  # noqa: E402

TASKS = HERE.parent / "tasks.py"
# Python writes its compiled bytecode as it does on a user's machine, even where the shell
# says not to (PYTHONDONTWRITEBYTECODE): compiling the plugin again on every run would add
# a fifth of a second to each rebuild.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENVIRONMENT["SOURCE_DATE_EPOCH"] = "1795392000"
ENVIRONMENT.pop("CI", None)
# Built as the deploy builds (--publish), for a public address as long as a real one.
ENVIRONMENT["JOINEDUP_SITEURL"] = "https://national.example.org"


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Measurement(NamedTuple):
    seconds: float
    mb: float    # peak: the sum of the proportional set sizes of the whole process tree
    said: str    # what the command wrote on stderr (a build says there which path it took)


def measure(command, cwd, environment=None) -> Measurement:
    """Seconds and peak MB (PSS of the whole process tree) of one run of ``command`` (in
    ``environment``, ENVIRONMENT unless given)."""
    started = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], cwd=cwd, env=environment or ENVIRONMENT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_pss_kb(pid) for pid in _tree(process.pid)))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 1) or (process.returncode == 1 and "check" not in map(str, command)):
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{stdout[-2000:]}\n{stderr[-2000:]}")
    return Measurement(elapsed, peak / 1024, stderr)


TRASH = HERE / "repos" / ".trash"


def set_aside(*paths: Path) -> None:
    """Move ``paths`` into TRASH, deleted by empty_trash when the measurements are done."""
    TRASH.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.exists():
            # A free name, even when a killed run left part of TRASH deleted.
            number = len(os.listdir(TRASH))
            while (TRASH / f"{number}-{path.name}").exists():
                number += 1
            path.rename(TRASH / f"{number}-{path.name}")
    # The last run's files are written out now, not by the kernel during the run timed next.
    os.sync()


def empty_trash() -> None:
    if TRASH.exists():
        print("deleting the outputs set aside; wait a few minutes before measuring again "
              "(freshly freed inodes slow file creation: see the docstring)", file=sys.stderr, flush=True)
        shutil.rmtree(TRASH)


class _Counted:
    """A file that keeps nothing: counts the bytes written to it, and what deflate makes of them."""

    def __init__(self):
        self.raw, self.deflated, self._deflate = 0, 0, zlib.compressobj(6, zlib.DEFLATED, -15)

    def write(self, data: bytes) -> int:
        self.raw += len(data)
        self.deflated += len(self._deflate.compress(data))
        return len(data)

    def close(self) -> None:
        self.deflated += len(self._deflate.flush())


def site_megabytes(output: Path) -> tuple[float, float, float]:
    """In MB, what the deploy publishes of ``output`` (all but the build's record of its pages,
    which .github/workflows/deploy.yml removes): the bytes of its files; the tar of them that
    actions/upload-pages-artifact makes (512-byte headers and blocks); and that tar as it is
    uploaded (actions/upload-artifact zips it, deflate level 6: the size deploy-pages compares
    with GitHub Pages' 1 GB)."""
    files, counted = 0, _Counted()
    with tarfile.open(fileobj=counted, mode="w|", format=tarfile.GNU_FORMAT) as archive:
        for parent, folders, names in os.walk(output):
            folders.sort()
            archive.add(parent, arcname=os.path.relpath(parent, output), recursive=False)
            for name in sorted(names):
                path = os.path.join(parent, name)
                if name == MANIFEST and parent == str(output):
                    continue
                files += os.lstat(path).st_size
                archive.add(path, arcname=os.path.relpath(path, output), recursive=False)
    counted.close()
    return files / 1e6, counted.raw / 1e6, counted.deflated / 1e6


def best(command, cwd, runs, before=None) -> tuple[float, float]:
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(measure(command, cwd))
    return min(m.seconds for m in results), max(m.mb for m in results)


def generated_repository(size: int, proposals: int) -> Path:
    """benchmarks/repos/<N>k, generated by generate.py unless it holds ``size`` profiles and
    ``proposals`` proposals already, with the current theme and settings copied in."""
    repo = HERE / "repos" / (f"{size // 1000}k" if size >= 1000 else str(size))
    if (not (repo / "volunteers").is_dir() or len(os.listdir(repo / "volunteers")) != size + 1
            or len(list((repo / "content" / "proposals").glob("*.md"))) != proposals):
        generate(size, repo, 5, dt.date(2026, 11, 23), proposals)
    subprocess.run(["sh", str(HERE / "sync.sh"), str(repo)], check=True)
    # The site is built into the repository (output/), as a fork's is: git must ignore it, as a
    # fork's .gitignore does, or `check --changed-since` counts 100,000 new files.
    exclude = repo / ".git" / "info" / "exclude"
    if "output/" not in (exclude.read_text() if exclude.exists() else "").split():
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with open(exclude, "a") as handle:
            handle.write("\noutput/\n.output-*\n__pycache__/\n")
    return repo


def plain_pelican_repo(count: int, target: Path) -> Path:
    """N Markdown articles of about a proposal's length, for plain Pelican to render."""
    if (target / "pelicanconf.py").exists() and len(list((target / "content" / "proposals").iterdir())) == count:
        return target
    set_aside(target)  # not deleted: freed inodes would slow the Pelican run timed next (see above)
    articles = target / "content" / "proposals"
    articles.mkdir(parents=True)
    paragraph = "Some *Markdown* text with a [link](https://example.org/) and **emphasis**. " * 4
    for number in range(count):
        (articles / f"article-{number}.md").write_text(
            f"Title: Article {number}\nDate: 2026-01-01\nSummary: Article {number} in short.\n\n"
            f"## Why\n\n{paragraph}\n\n## What\n\n{paragraph}\n"
        )
    (target / "pelicanconf.py").write_text(
        "PATH='content'\nARTICLE_PATHS=['proposals']\nTIMEZONE='UTC'\nDEFAULT_LANG='en'\nSITENAME='x'\n"
        "FEED_ALL_ATOM=None\nCATEGORY_FEED_ATOM=None\nAUTHOR_FEED_ATOM=None\nAUTHOR_FEED_RSS=None\n"
        "TRANSLATION_FEED_ATOM=None\nDEFAULT_PAGINATION=False\n"
    )
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+", help="numbers of profiles")
    parser.add_argument("--proposals", type=int, help="proposals in each repository (default N/100, at most 1,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the cheap measurements (rebuilds, check)")
    parser.add_argument("--runs-full", type=int, default=1, help="runs of the full build and of plain Pelican")
    parser.add_argument("--no-pelican", action="store_true", help="skip the plain Pelican baseline")
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        proposals = default_proposals(size) if args.proposals is None else args.proposals
        repo = generated_repository(size, proposals)
        output = repo / "output"
        victim = sorted((repo / "volunteers").glob("*.yaml"))[0]
        original = victim.read_text()

        def from_nothing():
            set_aside(output, cache_dir(repo))
            victim.write_text(original)

        build = [sys.executable, TASKS, "--root", repo, "build", "--publish", "--output", output]
        pelican = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output"]
        # Our full build and plain Pelican alternate (ours, Pelican, ours, Pelican...), so that
        # the machine's speed, which drifts by a third over minutes, falls on both alike.
        fulls, plains, plain_repo = [], [], None
        for run in range(args.runs_full):
            from_nothing()
            fulls.append(measure(build, repo))
            if run == 0:
                pages = sum(1 for _ in output.rglob("*.html"))
                if not args.no_pelican:
                    plain_repo = plain_pelican_repo(pages, HERE / "repos" / f"plain-{pages}")
            if plain_repo is not None:
                set_aside(plain_repo / "output")
                plains.append(measure(pelican, plain_repo))
        full, full_mb = min(m.seconds for m in fulls), max(m.mb for m in fulls)
        print(f"{size:,} profiles: full build {full:.1f} s, peak {full_mb:.0f} MB, {pages:,} pages",
              file=sys.stderr, flush=True)
        edits = iter(range(1_000_000))

        def edit_one():
            victim.write_text(original.replace("headline: ", f"headline: Edited {next(edits)} ", 1))

        site_mb, archive_mb, zipped_mb = site_megabytes(output)
        rebuild, rebuild_mb = best(build, repo, args.runs, edit_one)
        unchanged, _ = best(build, repo, args.runs)
        head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()

        def commit_one():
            edit_one()
            subprocess.run(["git", "-C", repo, "commit", "-qm", "One headline", "--", victim.relative_to(repo)],
                           check=True, env={**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.org",
                                            "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.org"})

        committed, committed_mb = best(build, repo, args.runs, commit_one)
        # What the robot runs on a pull request that changed one profile (.github/workflows/check.yml).
        pr_check, _ = best([sys.executable, TASKS, "--root", repo, "check", "--changed-since", head], repo, args.runs)
        # Back to the generated history; the work tree keeps the synced theme (not --hard).
        subprocess.run(["git", "-C", repo, "reset", "-q", head], check=True)
        victim.write_text(original)
        check, check_mb = best([sys.executable, TASKS, "--root", repo, "check"], repo, args.runs)
        check_one, _ = best([sys.executable, TASKS, "--root", repo, "check", victim.relative_to(repo)], repo, args.runs)
        victim.write_text(original)
        plain = min(m.seconds for m in plains) if plains else None
        rows.append((size, proposals, pages, site_mb, archive_mb, zipped_mb, full, max(full_mb, rebuild_mb, committed_mb, check_mb),
                     rebuild,
                     committed, unchanged, check, check_one, pr_check, plain))
        print(f"{size:,} profiles done", file=sys.stderr, flush=True)

    print("| profiles | proposals | pages | site MB | Pages tar MB | uploaded (zipped) MB | full build (s) | peak MB | rebuild, 1 edit (s) "
          "| rebuild, 1 commit (s) | rebuild, no change (s) | check (s) | check 1 file (s) "
          "| check, pull request of 1 profile (s) | plain Pelican (s) | build ÷ Pelican |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (size, proposals, pages, site_mb, archive_mb, zipped_mb, full, peak, rebuild, committed, unchanged, check, check_one,
         pr_check, plain) in rows:
        ratio = f"{full / plain:.2f}" if plain else "-"
        print(f"| {size:,} | {proposals:,} | {pages:,} | {site_mb:,.0f} | {archive_mb:,.0f} | {zipped_mb:,.0f} | {full:.1f} | {peak:.0f} "
              f"| {rebuild:.1f} | {committed:.1f} | {unchanged:.1f} | {check:.2f} | {check_one:.2f} | {pr_check:.2f} "
              f"| {f'{plain:.1f}' if plain else '-'} | {ratio} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    empty_trash()


if __name__ == "__main__":
    main()
