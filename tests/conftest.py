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
# Fixture sites never read the repository's content: a fork replaces it (``init`` swaps data/,
# the pages and site.yaml for its own, and removes the examples). Their settings, taxonomies,
# pages and example content are the tests' own, frozen in tests/fixture_site/; only the
# project's code (settings modules, theme, profile schema) comes from the repository.
FIXTURE = REPO / "tests" / "fixture_site"
SKELETON = {name: REPO / name for name in ("pelicanconf.py", "publishconf.py", "themes", "volunteers/schema.json")}
SKELETON.update({name: FIXTURE / name for name in ("site.yaml", "data", "content/pages")})
# The example content: 30-odd profiles, proposals in every status, groups with needs.
EXAMPLES = ("volunteers", "content/proposals", "content/groups")


class SiteRepo:
    """A Joined Up repository made in a temporary folder, with the tests' taxonomies and the project's theme."""

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
        from joinedup.core.buildcache import cache_dir

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
    """An empty site repository (the tests' taxonomies, settings and pages, the theme; no profiles)."""
    return make_site(tmp_path / "site")


def make_site(root: Path) -> SiteRepo:
    """An empty site repository at ``root``, for fixtures that outlive one test."""
    for name, source in SKELETON.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return SiteRepo(root)


def make_example_site(root: Path) -> SiteRepo:
    """The tests' example site at ``root`` (tests/fixture_site: profiles, proposals, groups),
    committed to a git repository of its own so that pages show a revision history."""
    from content_fixtures import commit_all, init_repository

    site = make_site(root)
    for name in EXAMPLES:
        shutil.copytree(FIXTURE / name, root / name, dirs_exist_ok=True)
    init_repository(root)
    commit_all(root, "The example site", name="Joined Up", email="examples@joinedup.example",
               date="2026-11-01T12:00:00")
    return site


# What upstream ships besides its code. In a copy of upstream it is the tests' example content,
# whatever this repository's is: this repository may be a fork that init made French, with
# profiles of its own (on which init refuses to run).
UPSTREAM_CONTENT = {"content", "data", "volunteers", "site.yaml", "examples.sha256"}
UPSTREAM_LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "output", ".output-*", ".cache", "__pycache__", "tests",
                                           "benchmarks", "docs", "*.png", ".hypothesis", ".pytest_cache")


def make_upstream_copy(root: Path) -> Path:
    """This repository's code with the example content as upstream ships it (tests/fixture_site),
    its maintainers in CODEOWNERS and the manifest of its examples recorded as upstream records
    it: what a movement gets by forking, for tests that run ``init``."""
    def left_out(folder, names):
        top = Path(folder) == REPO
        return set(UPSTREAM_LEFT_OUT(folder, names)) | (UPSTREAM_CONTENT & set(names) if top else set())

    shutil.copytree(REPO, root, ignore=left_out)
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    shutil.copy2(REPO / "volunteers/schema.json", root / "volunteers/schema.json")
    (root / ".github/CODEOWNERS").write_text("# Maintainers review every pull request.\n* @joinedup-maintainer\n")
    recorded = subprocess.run([sys.executable, str(root / "tasks.py"), "init", "--record-examples"], cwd=root,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    return root


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory) -> SiteRepo:
    """The tests' example site (make_example_site), made once per test session; do not change it."""
    return make_example_site(tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="session")
def example_site(example_repo) -> Path:
    """The tests' example site built once per test session; returns its output folder."""
    output = example_repo.root.parent / "output"
    example_repo.tasks("build", "--output", str(output), check=True)
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
