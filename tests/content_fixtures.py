"""Helpers for tests of proposals, groups and history: valid files to break, and real git commits."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

PROPOSAL_FIELDS = {
    "title": "Free buses for everyone under 25",
    "summary": "Make every local bus journey free for people under 25.",
    "date": "2026-10-01",
    "status": "draft",
    "themes": "[transport]",
    "authors": "[ana-lopez]",
}

GROUP_FIELDS = {
    "name": "Better Buses Collective",
    "summary": "Passengers and map-makers making the case for better buses.",
    "sponsor": "The transport working party",
    "vision": "Nobody is cut off because they do not drive.",
    "mission": "We map the gaps in bus networks and write proposals councils can adopt.",
    "goals": "\n  - Map missing evening services in ten towns.",
    "core_team": "[ana-lopez]",
    "review": "2027-03-01",
}


def front_matter(fields: dict, changes: dict) -> str:
    merged = {**fields, **changes}
    lines = ["---"]
    for key, value in merged.items():
        if value is None:
            continue
        lines.append(f"{key}:{'' if str(value).startswith(chr(10)) else ' '}{value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def proposal_text(body: str = "Some text.\n", **changes) -> str:
    """A valid proposal; each keyword replaces a front-matter key's YAML (None drops it)."""
    return front_matter(PROPOSAL_FIELDS, changes) + "\n" + textwrap.dedent(body)


def group_text(body: str = "About the group.\n", **changes) -> str:
    """A valid group; each keyword replaces a front-matter key's YAML (None drops it)."""
    return front_matter(GROUP_FIELDS, changes) + "\n" + textwrap.dedent(body)


def write_raw(root: Path, relative: str, text: str) -> Path:
    """Write ``text`` exactly as given (no dedent), so line numbers are what the test says."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_environment(name: str = "Test Runner", email: str = "runner@example.org", date: str | None = None) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("GIT_")
    }
    environment.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
    )
    if date:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return environment


def git(root: Path, *args: str, **who) -> str:
    """Run git in ``root`` with a clean configuration; ``who`` is name/email/date of the commit."""
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=git_environment(**who), check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def commit_all(root: Path, message: str, *, name: str, email: str, date: str) -> str:
    """Stage everything in ``root`` and commit it as ``name <email>`` on ``date``; returns the sha."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, name=name, email=email, date=date)
    return git(root, "rev-parse", "HEAD").strip()


def init_repository(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
