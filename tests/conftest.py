"""Shared fixtures: a real site repository in tmp_path, and the CLI run the way users run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))

# A fixed build date, so "available now" and other relative dates do not drift.
BUILD_EPOCH = "1795392000"  # 2026-11-23 00:00 UTC
SKELETON = ("pelicanconf.py", "publishconf.py", "site.yaml", "data", "themes", "content/pages", "volunteers/schema.json")


class SiteRepo:
    """A Joined Up repository made in a temporary folder, with the project's taxonomies and theme."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def profile(self, id: str, **changes) -> Path:
        """Write a valid profile, with top-level keys replaced by ``changes`` (None removes one)."""
        return self.write(f"volunteers/{id}.yaml", profile_text(**changes))

    def tasks(self, *args: str, check: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run ``python tasks.py --root <this repo> ARGS`` in a subprocess."""
        environment = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **(env or {})}
        result = subprocess.run(
            [sys.executable, str(REPO / "tasks.py"), "--root", str(self.root), *args],
            capture_output=True, text=True, env=environment, cwd=self.root, timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tasks.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    @property
    def cache(self) -> Path:
        """The folder, outside the repository, where builds of this repository keep their caches."""
        from joinedup.buildcache import cache_dir

        return cache_dir(self.root)


PROFILE_FIELDS = {
    "name": "Ana López",
    "github": "ana-lopez",
    "headline": "Video editor for campaign films",
    "skills": "\n  - id: video-editing\n    level: expert\n  - social-media",
    "location": "\n  place: Leeds\n  region: yorkshire",
    "remote": "true",
    "availability": "\n  hours_per_week: 6\n  when: [evenings]\n  from: 2026-01-01\n  until: 2027-03-01",
    "languages": "[en, es]",
    "contact": "\n  email: ana@example.org",
    "publish": "true",
}


def profile_text(**changes) -> str:
    """The text of a valid profile; each keyword replaces a top-level key's YAML (None drops it)."""
    fields = {**PROFILE_FIELDS, **changes}
    lines = ["# yaml-language-server: $schema=schema.json"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key}:{'' if str(value).startswith(chr(10)) else ' '}{value}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session", autouse=True)
def cache_home(tmp_path_factory) -> Path:
    """Builds keep their caches outside the repository, in the user's cache directory: the
    tests' caches go to a temporary folder instead (inherited by every tasks.py they run)."""
    folder = tmp_path_factory.mktemp("joinedup-cache")
    os.environ["JOINEDUP_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture
def site(tmp_path: Path) -> SiteRepo:
    """An empty site repository (taxonomies, theme, settings, pages; no profiles)."""
    return make_site(tmp_path / "site")


def make_site(root: Path) -> SiteRepo:
    """An empty site repository at ``root``, for fixtures that outlive one test."""
    for name in SKELETON:
        source = REPO / name
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return SiteRepo(root)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The bundled example site, built once per test session; returns its output folder."""
    output = tmp_path_factory.mktemp("example") / "output"
    result = subprocess.run(
        [sys.executable, str(REPO / "tasks.py"), "build", "--output", str(output)],
        capture_output=True, text=True, cwd=REPO, timeout=600,
        env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (tests reset what they change)."""
    from chromium import Chromium, chromium_for_tests

    with Chromium(chromium_for_tests()) as chromium:
        yield chromium


@pytest.fixture(scope="session")
def served(example_site):
    """The built example site on 127.0.0.1."""
    from chromium import StaticServer

    with StaticServer(example_site) as server:
        yield server
