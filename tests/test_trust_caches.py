"""A pull request can commit any file, `.cache/` included: nothing committed may run code.

Each test plants one of the payloads an attacker used (a pickled cache, the quick-rebuild
state, a Jinja bytecode file, a Whoosh table of contents) in a real git repository, runs the
commands a maintainer and the deploy workflow run, and checks that the payload never ran
and that `check` and the build refuse the committed cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import REPO, SiteRepo, make_site
from content_fixtures import commit_all, git, init_repository
from joinedup.core.buildcache import cache_dir

AUTHOR = {"name": "Mina Okoye", "email": "mina@example.org", "date": "2026-11-01T10:00:00"}


class Payload:
    """Pickles as a call to os.system: it runs `touch <marker>` when anything unpickles it."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch '{self.marker}'",)


def pickled(marker: Path) -> bytes:
    return pickle.dumps(Payload(marker), protocol=2)


@pytest.fixture
def repo(tmp_path) -> SiteRepo:
    """A site in git, with the project's .gitignore, two profiles and a proposal with a need
    (Bo's: Ana, not its author, is offered it)."""
    site = make_site(tmp_path / "site")
    shutil.copy(REPO / ".gitignore", site.root / ".gitignore")
    site.profile("ana-lopez")
    site.profile("bo-chen", name="Bo Chen", github="bo-chen", skills="[copywriting]")
    site.write("content/proposals/free-buses.md", """
        ---
        title: Free buses for everyone under 25
        summary: Make every local bus journey free for people under 25.
        date: 2026-10-01
        status: draft
        themes: [transport]
        authors: [bo-chen]
        needs: [video-editing]
        ---
        Buses for all.
        """)
    init_repository(site.root)
    commit_all(site.root, "Start", **AUTHOR)
    git(site.root, "branch", "base")
    return site


def plant(site: SiteRepo, relative: str, data: bytes) -> None:
    """Commit ``data`` at ``relative`` although .gitignore ignores it (git add -f)."""
    path = site.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    git(site.root, "add", "-f", relative)
    git(site.root, "commit", "-q", "-m", f"Add {relative}", **AUTHOR)


def quick_state(marker: Path, path: Path) -> None:
    """The quick-rebuild state's database, its pickled ``meta`` rows replaced by the payload."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [(key, pickled(marker)) for key in ("version", "world")])
    db.close()


def jinja_bytecode(site: SiteRepo, marker: Path) -> dict[str, bytes]:
    """Jinja's bytecode file for every template of the theme, under the names Jinja looks up
    (a hash of the template's name and file), each with the payload as its checksum."""
    from jinja2.bccache import bc_magic

    files = {}
    templates = site.root / "themes/joinedup/templates"
    for template in templates.rglob("*.html"):
        name = template.relative_to(templates).as_posix()
        for filename in (str(template), os.path.realpath(template), None):
            key = hashlib.sha1(name.encode("utf-8"))
            if filename is not None:
                key.update(f"|{filename}".encode("utf-8"))
            files[f".cache/jinja/__jinja2_{key.hexdigest()}.cache"] = bc_magic + pickled(marker)
    return files


def whoosh_index(site: SiteRepo, marker: Path, tmp_path: Path) -> dict[str, bytes]:
    """A real search index of this directory (built by `search` in a copy of the repository),
    its table of contents holding the payload where Whoosh keeps the pickled schema."""
    from whoosh.fields import Schema
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    class SchemaPayload(Schema):  # Whoosh writes only a Schema; it pickles as the payload
        __reduce__ = Payload(marker).__reduce__

    copy = tmp_path / "copy"
    shutil.copytree(site.root, copy, ignore=shutil.ignore_patterns(".git"))
    SiteRepo(copy).tasks("search", "video", check=True)
    built = cache_dir(copy) / "search-index"
    files = {f".cache/search-index/{p.relative_to(built).as_posix()}": p.read_bytes()
             for p in built.rglob("*") if p.is_file()}
    storage = FileStorage(str(built))
    for toc in sorted(built.glob("_MAIN_*.toc")):
        generation = int(toc.stem.rsplit("_", 1)[1])
        toc.unlink()
        TOC(SchemaPayload(), [], generation).write(storage, "MAIN")
        files[f".cache/search-index/{toc.name}"] = toc.read_bytes()
    assert any(name.endswith(".toc") for name in files)
    return files


def commands_run_nothing(site: SiteRepo, marker: Path) -> list:
    """Run what a maintainer and the workflows run on the branch; the payload must not have run."""
    results = [site.tasks("check"), site.tasks("check", "--changed-since", "base"),
               site.tasks("build"), site.tasks("build", "--publish"),
               site.tasks("search", "video"), site.tasks("match", "free-buses")]
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr
    assert not marker.exists(), "a committed cache file ran code"
    return results


@pytest.mark.parametrize("attack", ["profiles-pickle", "quick-state", "jinja-bytecode", "whoosh-toc"])
def test_a_committed_cache_runs_nothing_and_check_and_build_refuse_it(repo, tmp_path, attack):
    marker = tmp_path / "payload-ran"
    if attack == "profiles-pickle":
        files = {".cache/profiles.pickle": pickled(marker), ".cache/content-checks.pickle": pickled(marker)}
    elif attack == "quick-state":
        quick_state(marker, tmp_path / "state.sqlite")
        files = {".cache/quick-2.sqlite": (tmp_path / "state.sqlite").read_bytes()}
    elif attack == "jinja-bytecode":
        files = jinja_bytecode(repo, marker)
    else:
        files = whoosh_index(repo, marker, tmp_path)
    for relative, data in files.items():
        plant(repo, relative, data)

    check, changed, build, publish, search, match = commands_run_nothing(repo, marker)
    planted = sorted(files)[0]
    for result in (check, changed):
        assert result.returncode == 1
        assert f"{planted}:0:0: JU016" in result.stdout, result.stdout
        assert "git rm --cached" in result.stdout
    for result in (build, publish):
        assert result.returncode != 0 and "JU016" in result.stdout + result.stderr
        assert not (repo.root / "output/index.html").exists()  # nothing published
    assert search.returncode == 0 and "Ana López" in search.stdout
    assert match.returncode == 0 and "Ana López" in match.stdout


def test_caches_live_outside_the_repository_and_a_branch_checkout_leaves_them_alone(repo):
    repo.tasks("build", check=True)
    repo.tasks("search", "video", check=True)
    cache = repo.cache
    assert not (repo.root / ".cache").exists()
    assert not cache.is_relative_to(repo.root)
    kept = {p.name for p in cache.iterdir()}
    assert {"profiles.pickle", "search-index", "jinja"} <= kept
    assert any(name.startswith("quick-") for name in kept)
    # Another branch that commits a .cache/ of its own does not touch the maintainer's cache.
    before = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file() and p.suffix == ".pickle"}
    git(repo.root, "checkout", "-q", "-b", "planted")
    plant(repo, ".cache/profiles.pickle", b"not a pickle")
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize("disguise", ["a-file-named-like-pathspec-magic", "a-nested-gitignore-deleted"])
def test_a_pull_request_cannot_hide_a_committed_ignored_file_from_its_check(repo, disguise):
    """check --changed-since asks git about the pull request's files only: a file whose name
    git reads as pathspec magic (":!x") must not stop that question, and a deleted .gitignore
    that made a tracked file ignored must be seen."""
    if disguise == "a-file-named-like-pathspec-magic":
        plant(repo, ".cache/profiles.pickle", b"not reviewed")
        repo.write(":!x", "hello\n")
        git(repo.root, "add", ":(literal):!x")
        git(repo.root, "commit", "-q", "-m", "A name", **AUTHOR)
        planted = ".cache/profiles.pickle"
    else:
        # The project's .gitignore ignores *.pyc; a folder's own .gitignore lets one in.
        (repo.root / "notes").mkdir()
        repo.write("notes/.gitignore", "!keep.pyc\n")
        repo.write("notes/keep.pyc", "tracked\n")
        git(repo.root, "add", "notes")
        git(repo.root, "commit", "-q", "-m", "Notes", **AUTHOR)
        git(repo.root, "branch", "-f", "base")
        git(repo.root, "rm", "-q", "notes/.gitignore")
        git(repo.root, "commit", "-q", "-m", "Tidy", **AUTHOR)
        planted = "notes/keep.pyc"
    result = repo.tasks("check", "--changed-since", "base")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{planted}:0:0: JU016" in result.stdout, result.stdout


@pytest.mark.parametrize("name", ["profiles.pickle", "content-checks.pickle", "bodies.pickle"])
def test_a_tampered_cache_outside_the_repository_runs_nothing_and_is_rebuilt(repo, tmp_path, name):
    """Defence in depth: even in the cache folder, a pickle that names anything but the
    library's own data classes and plain values is refused, and the build works without it."""
    marker = tmp_path / "payload-ran"
    repo.tasks("build", check=True)
    (repo.cache / name).write_bytes(pickled(marker))
    quick_state(marker, repo.cache / "quick-2.sqlite.tmp")
    os.replace(repo.cache / "quick-2.sqlite.tmp", repo.cache / "quick-2.sqlite")
    repo.profile("ana-lopez", headline="Film editor")  # a quick-rebuild edit: the state is read
    result = repo.tasks("build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not marker.exists()
    assert "Film editor" in repo.read("output/people/ana-lopez/index.html")
    assert repo.tasks("check").returncode == 0 and not marker.exists()


def test_the_cache_folder_is_never_inside_the_repository(repo, monkeypatch):
    monkeypatch.setenv("JOINEDUP_CACHE_DIR", str(repo.root / ".cache"))
    assert not cache_dir(repo.root).is_relative_to(repo.root)
    monkeypatch.delenv("JOINEDUP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo.root))
    assert not cache_dir(repo.root).is_relative_to(repo.root)
    # Two clones get two folders; the same clone always the same.
    assert cache_dir(repo.root) == cache_dir(str(repo.root) + "/.")
    assert cache_dir(repo.root) != cache_dir(repo.root.parent / "other")


def test_a_committed_publication_journal_moves_nothing_into_the_site(repo):
    """A build first finishes a publication cut short (joinedup.builder.output.publish): a
    journal and a staging folder committed beside the output must not make it move files of the
    pull request's choosing into the site. The journal lives in the cache folder instead."""
    output = repo.root / "output"
    assert repo.tasks("build", "--output", str(output)).returncode == 0
    before = sorted(path.relative_to(output).as_posix() for path in output.rglob("*"))
    staging = repo.root / ".output-planted"
    plant(repo, ".output-planted/evil.html", b"<script>alert(1)</script>")
    plant(repo, ".output-planted/.joinedup-pages.json", b"{}")
    plan = {"staging": str(staging), "staged": [["evil.html", "evil.html"]], "whole": None, "gone": ["index.html"]}
    plant(repo, ".output-publishing.json", json.dumps(plan).encode())
    repo.tasks("build", "--output", str(output))
    assert not (output / "evil.html").exists()
    assert (output / "index.html").exists()
    assert sorted(path.relative_to(output).as_posix() for path in output.rglob("*")) == before
