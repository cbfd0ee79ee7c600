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


# Commit authors of the history site: their e-mail addresses must never reach the output.
MINA = {"name": "Mina Okoye", "email": "mina.private@secret.example.org"}
OLU = {"name": "Olu Briggs", "email": "olu.private@secret.example.org"}
PAT = {"name": "Pat Quinn", "email": "pat.private@secret.example.org"}


def make_history_site(site) -> dict[str, str]:
    """A site in a real git repository whose proposals have a history by three named authors.

    free-buses: drafted by Mina (2026-09-01), opened for consultation by Olu (2026-10-05),
    closing 2026-12-05. bus-franchising and the synthesis a-bus-network that merges both
    are added by Pat (2026-10-20). Bethan endorses free-buses, Ana the synthesis.
    Returns the commit shas by name.
    """
    from conftest import profile_text  # noqa: PLC0415 - conftest is importable in tests

    site.profile("ana-lopez", endorses="[a-bus-network]")
    site.write("volunteers/bethan-price.yaml", profile_text(
        name="Bethan Price", github="bethan-price", endorses="\n  - free-buses"))
    site.write("content/groups/better-buses.md", group_text())
    site.write("content/proposals/free-buses.md", proposal_text(group="better-buses"))
    init_repository(site.root)
    shas = {"draft": commit_all(site.root, "Propose free buses for under-25s", date="2026-09-01T10:00:00+01:00", **MINA)}

    site.write("content/proposals/free-buses.md", proposal_text(
        status="consultation", consultation_closes="2026-12-05", group="better-buses"))
    shas["consultation"] = commit_all(site.root, "Open the free buses consultation",
                                      date="2026-10-05T18:30:00+01:00", **OLU)

    site.write("content/proposals/bus-franchising.md", proposal_text(
        title="Public control of every bus network", summary="Franchise every bus network.", status="synthesis"))
    site.write("content/proposals/a-bus-network.md", proposal_text(
        title="A bus network for everyone", summary="Public buses, free for under-25s.", status="synthesis",
        synthesises="[free-buses, bus-franchising]"))
    shas["synthesis"] = commit_all(site.root, "Merge the two bus proposals", date="2026-10-20T09:15:00+00:00", **PAT)
    return shas
