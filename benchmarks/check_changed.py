#!/usr/bin/env python3
"""Time `check --changed-since` as the pull-request robot runs it, on synthetic repositories.

    python benchmarks/check_changed.py 10000 100000 [--runs 3]

For each size N it uses benchmarks/repos/<N>k (made by generate.py if missing), adds once on
its main branch a proposal endorsed by 200 people, then times whole `tasks.py check
--changed-since main` processes for four pull requests, each on a throwaway branch:

- edit one profile (the common case);
- add one new profile;
- delete the proposal (its 200 endorsers are re-checked);
- remove a skill from data/skills.yaml (everyone using it is re-checked).

Each is timed with no cache (a fresh CI checkout) and with the cache a previous full
`check` leaves, and the full `check` is timed for comparison. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "plugins"))
# Builds keep their caches outside the repository; the benchmarks keep them beside the
# generated repositories (same disk, so "from nothing" can set them aside with a rename).
os.environ["JOINEDUP_CACHE_DIR"] = str(HERE / "repos" / ".cache")

from joinedup.core.buildcache import cache_dir  # noqa: E402
from generate import generate  # noqa: E402

TASKS = HERE.parent / "tasks.py"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000", "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.org",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.org"}
PROPOSAL = "content/proposals/bench-proposal.md"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=ENV).stdout


def check(repo: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(TASKS), "--root", str(repo), "check", *args],
                            capture_output=True, text=True, env=ENV)
    return time.perf_counter() - started, result


def prepare(repo: Path) -> list[Path]:
    """Commit the endorsed proposal on main once; return the profiles, sorted."""
    profiles = sorted((repo / "volunteers").glob("*.yaml"))
    if not (repo / PROPOSAL).exists():
        (repo / PROPOSAL).parent.mkdir(parents=True, exist_ok=True)
        (repo / PROPOSAL).write_text(
            "---\ntitle: A benchmark proposal\nsummary: Endorsed by two hundred people.\ndate: 2026-10-01\n"
            "status: consultation\nthemes: [transport]\nauthors: [" + profiles[0].stem + "]\n---\nText.\n")
        for path in profiles[1:201]:
            text = path.read_text()
            path.write_text(text.replace("publish: true", "endorses: [bench-proposal]\npublish: true"))
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "A proposal with 200 endorsers")
    return profiles


def scenarios(repo: Path, profiles: list[Path]):
    """(name, change) pairs; each change edits the working tree of a fresh branch."""
    def edit_one():
        path = profiles[len(profiles) // 2]
        path.write_text(re.sub(r"hours_per_week: \d+", "hours_per_week: 7", path.read_text(), count=1))

    def add_one():
        (repo / "volunteers/zz-new-volunteer.yaml").write_text(
            "# yaml-language-server: $schema=schema.json\nname: New Volunteer\ngithub: zz-new-volunteer\n"
            "headline: Someone new\nskills: [copywriting]\nlocation:\n  place: Leeds\n  region: yorkshire\n"
            "remote: true\navailability:\n  hours_per_week: 2\nlanguages: [en]\npublish: true\n")

    def delete_proposal():
        (repo / PROPOSAL).unlink()

    def remove_skill():
        skills = repo / "data/skills.yaml"
        text = skills.read_text()
        skills.write_text(re.sub(r"\n  - id: bookkeeping\n(    .*\n)*", "\n", text, count=1))

    return [("edit one profile", edit_one), ("add one profile", add_one),
            ("delete a proposal with 200 endorsers", delete_proposal),
            ("remove a skill from data/skills.yaml", remove_skill)]


def users_of(repo: Path, skill: str) -> int:
    return sum(1 for p in (repo / "volunteers").glob("*.yaml") if re.search(rf"\b{skill}\b", p.read_text()))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print("| profiles | pull request | files checked | no cache (CI) | with cache | full check |")
    print("|---:|---|---:|---:|---:|---:|")
    for size in args.sizes:
        repo = HERE / "repos" / f"{size // 1000}k"
        if not (repo / ".git").exists():
            generate(size, repo, 5, dt.date(2026, 11, 23))
        git(repo, "checkout", "-q", "main")
        profiles = prepare(repo)
        shutil.rmtree(cache_dir(repo), ignore_errors=True)
        full, _ = check(repo)
        for name, change in scenarios(repo, profiles):
            git(repo, "checkout", "-q", "-B", "bench-pr", "main")
            change()
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", name)
            cold = []
            for _ in range(args.runs):
                shutil.rmtree(cache_dir(repo), ignore_errors=True)
                seconds, result = check(repo, "--changed-since", "main")
                cold.append(seconds)
            check(repo)  # leaves the cache a developer's clone would have
            warm = [check(repo, "--changed-since", "main")[0] for _ in range(args.runs)]
            checked = re.search(r"Checking (\d+|every) file", result.stderr)
            print(f"| {size:,} | {name} | {checked.group(1) if checked else '?'} | "
                  f"{statistics.median(cold):.2f} s | {statistics.median(warm):.2f} s | {full:.2f} s |", flush=True)
            git(repo, "checkout", "-q", "-f", "main")
            git(repo, "branch", "-q", "-D", "bench-pr")
        print(f"<!-- {size}: bookkeeping is used by {users_of(repo, 'bookkeeping')} profiles -->")


if __name__ == "__main__":
    main()
