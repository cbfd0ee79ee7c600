#!/usr/bin/env python3
"""How long reading proposals' revision history takes: 1k proposals × 20 commits each.

Generates a git repository with ``git fast-import`` (seconds, not the minutes 20k
``git commit`` calls would take), then times ``joinedup.load.history.read_history`` (one
``git log`` pass for every file), best of three runs. For comparison it also times the
alternative the design rules out, one ``git log`` process per file, on a sample of files
and extrapolates to all of them.

    python benchmarks/history.py                       # 1000 proposals × 20 commits
    python benchmarks/history.py --proposals 200 --commits 5 --keep /tmp/history-repo
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "plugins"))

from joinedup.load.history import read_history  # noqa: E402

STATUSES = ("draft", "consultation", "synthesis", "adopted")
AUTHORS = [("Ana López", "ana"), ("Bethan Price", "bethan"), ("Callum Fraser", "callum"), ("Zara Ahmed", "zara"),
           ("Priya Sharma", "priya"), ("Mohammed Iqbal", "mohammed"), ("Grace Okafor", "grace")]


def proposal(number: int, revision: int, commits: int) -> bytes:
    status = STATUSES[min(revision * len(STATUSES) // commits, len(STATUSES) - 1)]
    lines = [
        "---",
        f"title: Proposal number {number}",
        f"summary: What proposal {number} would change, in revision {revision}.",
        "date: 2026-01-01",
        f"status: {status}",
        "themes: [housing]",
        "authors: [ana-lopez]",
        "---",
        "",
        f"## Revision {revision}",
        "",
        *(f"Paragraph {p} of proposal {number}, as revised in round {revision}." for p in range(12)),
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def generate(root: Path, proposals: int, commits: int) -> None:
    """A repository where each proposal is changed by ``commits`` commits, interleaved like real work."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE)
    stamp = 1_767_225_600  # 2026-01-01
    for revision in range(commits):
        for number in range(proposals):
            stamp += 37
            name, login = AUTHORS[(number + revision) % len(AUTHORS)]
            message = f"Revise proposal {number} (round {revision})".encode("utf-8")
            content = proposal(number, revision, commits)
            who = f"{name} <{login}@example.org> {stamp} +0000".encode("utf-8")
            importer.stdin.write(b"commit refs/heads/main\nauthor " + who + b"\ncommitter " + who + b"\n")
            importer.stdin.write(f"data {len(message)}\n".encode() + message + b"\n")
            importer.stdin.write(f"M 100644 inline content/proposals/proposal-{number:04d}.md\n".encode())
            importer.stdin.write(f"data {len(content)}\n".encode() + content + b"\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=20, help="commits per proposal")
    parser.add_argument("--sample", type=int, default=25, help="files timed one process each, for comparison")
    parser.add_argument("--keep", type=Path, help="generate the repository here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="joinedup-history-") as scratch:
        root = args.keep or Path(scratch) / "repo"
        if not (root / ".git").exists():
            started = time.perf_counter()
            generate(root, args.proposals, args.commits)
            print(f"generated {args.proposals} proposals × {args.commits} commits "
                  f"({args.proposals * args.commits} commits) in {time.perf_counter() - started:.1f} s")

        seconds, (history, problems) = best_of(3, lambda: read_history(root))
        revisions = sum(len(items) for items in history.revisions.values())
        changes = sum(1 for items in history.revisions.values() for r in items if r.status)
        print(f"read_history, one git log pass: {seconds:.2f} s (best of 3) for {len(history.revisions)} files, "
              f"{revisions} revisions, {changes} status changes; state {history.state}, {len(problems)} problem(s)")

        sample = sorted(history.revisions)[: args.sample]

        def one_process_per_file():
            for path in sample:
                subprocess.run(["git", "log", "--format=%H%x1f%aI%x1f%an%x1f%s", "--", path], cwd=root,
                               capture_output=True, check=True)

        per_file, _ = best_of(1, one_process_per_file)
        estimate = per_file / len(sample) * len(history.revisions)
        print(f"one git log per file instead: {per_file / len(sample) * 1000:.0f} ms a file, "
              f"about {estimate:.0f} s for all {len(history.revisions)} files (from {len(sample)} timed)")


if __name__ == "__main__":
    main()
