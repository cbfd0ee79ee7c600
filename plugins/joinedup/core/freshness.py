"""When each profile last changed, from git: one ``git log`` pass for the whole folder.

Outside a git repository (a downloaded archive, a test folder) there are no dates, and
matching treats freshness as unknown rather than failing.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def last_commit_dates(root: Path, folder: str = "volunteers") -> dict[str, dt.date]:
    """``{'volunteers/ana.yaml': date of the last commit that touched it}``; empty outside git.

    Reads the history once, newest first, so the first date seen for a path is its last change.
    Files never committed are absent.
    """
    try:
        return commit_dates(root, folder)
    except (OSError, subprocess.SubprocessError):
        return {}


def commit_dates(root: Path, folder: str, *revisions: str) -> dict[str, dt.date]:
    """What :func:`last_commit_dates` reads, from the commits of ``revisions`` (``A..B``; HEAD's
    whole history when none): each file's newest commit among them. Raises OSError or
    subprocess.SubprocessError when git cannot say."""
    output = subprocess.run(
        ["git", "-c", "core.quotepath=off", "log", "--format=%x00%cs", "--name-only", "--no-renames", "--relative",
         *revisions, "--", folder],
        cwd=root, capture_output=True, text=True, check=True, encoding="utf-8", timeout=300,
    ).stdout
    dates: dict[str, dt.date] = {}
    for entry in output.split("\0")[1:]:
        day, _, names = entry.partition("\n")
        when = dt.date.fromisoformat(day.strip())
        for name in names.split("\n"):
            if name and name not in dates:
                dates[name] = when
    return dates


def head_commit(root: Path) -> str:
    """The commit id of HEAD, or '' outside git (or in a repository with no commit yet)."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
