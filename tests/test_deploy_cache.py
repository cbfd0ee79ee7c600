"""The deploy's cache carried between deploys (joinedup.builder.carry): a merge rebuilds only
what changed and publishes what a build from nothing would; a tampered cache is refused.

Each deploy runs the commands of .github/workflows/deploy.yml's build job, read from it, on a
fresh machine: a clean clone, ``cache restore`` of what the last deploy saved, ``build
--publish``, ``cache save``, and what it does to the site before it is uploaded."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import BUILD_EPOCH, REPO, make_example_site
from content_fixtures import commit_all
from test_hostile import snapshot

KEY = "a3f1" * 16
WHO = {"name": "Pat Merger", "email": "pat@example.org"}


def run(root: Path, *args: str, key: str | None = KEY) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "JOINEDUP_SITEURL": "https://movement.example.org"}
    env.pop("JOINEDUP_CACHE_KEY", None)
    env.pop("GITHUB_REF_NAME", None)
    if key is not None:
        env["JOINEDUP_CACHE_KEY"] = key
    result = subprocess.run([sys.executable, str(REPO / "tasks.py"), "--root", str(root), *args],
                            capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def clone(origin: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(origin), str(where)], check=True, capture_output=True)
    return where


def deploy_commands() -> list[list[str]]:
    """The build job's commands in deploy.yml, in order (not the install: the tests run installed)."""
    workflow = yaml.safe_load((REPO / ".github/workflows/deploy.yml").read_text())
    commands = [shlex.split(step["run"]) for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    return [words for words in commands if words[:3] != ["python", "-m", "pip"]]


def deploy(origin: Path, where: Path, carried: Path) -> tuple[Path, str, float]:
    """A deploy in a clean clone at ``where``, carrying its cache in ``carried`` (empty at first).
    Returns the clone, what restore said, and when the build started."""
    root = clone(origin, where)
    said, started = "", 0.0
    for words in deploy_commands():
        words = [str(carried) if word == "~/joinedup-carried" else word for word in words]
        if words[:2] == ["python", "tasks.py"]:
            started = time.time() if words[2] == "build" else started
            done = run(root, *words[2:])
            said += done.stdout + done.stderr if words[2:4] == ["cache", "restore"] else ""
        else:
            subprocess.run(words, cwd=root, check=True)
    assert started, "deploy.yml builds the site"
    return root, said, started


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """The forge's repository: the tests' example site, on branch main."""
    site = make_example_site(tmp_path_factory.mktemp("forge") / "movement")
    subprocess.run(["git", "-C", str(site.root), "branch", "-M", "main"], check=True)
    return site.root


@pytest.fixture(scope="module")
def merged(origin, tmp_path_factory):
    """Two deploys: the first from nothing, then a merged pull request editing one profile,
    deployed from the first's cache; and a third clone built from nothing at the merge."""
    work = tmp_path_factory.mktemp("deploys")
    carried = work / "carried"
    first, said_first, _ = deploy(origin, work / "first", carried)
    first_pack = {name: (carried / name).read_bytes() for name in os.listdir(carried)}
    profile = origin / "volunteers" / "ana-lopez.yaml"
    profile.write_text(profile.read_text().replace("headline: ", "headline: Now editing films for tenants. ", 1))
    commit_all(origin, "Ana's new headline", date="2026-11-10T12:00:00", **WHO)
    second, said_second, started = deploy(origin, work / "second", carried)
    fresh, _, _ = deploy(origin, work / "fresh", work / "carried-by-nobody")
    return {"work": work, "carried": carried, "first_pack": first_pack, "said_first": said_first,
            "said_second": said_second, "second": second, "started": started, "fresh": fresh}


def test_a_deploy_from_the_last_deploys_cache_publishes_what_a_build_from_nothing_does(merged):
    assert "No cache to restore" in merged["said_first"]
    assert "Restored " in merged["said_second"] and "JU610" not in merged["said_second"]
    carried_site, fresh_site = snapshot(merged["second"] / "output"), snapshot(merged["fresh"] / "output")
    assert carried_site == fresh_site
    # The build's record of its pages is carried for the next deploy, not published.
    assert ".joinedup-pages.json" not in carried_site and "people/ana-lopez/index.html" in carried_site
    assert "Now editing films for tenants." in (merged["second"] / "output/people/ana-lopez/index.html").read_text()


def test_a_deploy_from_the_cache_renders_only_the_pages_that_changed(merged):
    output, started = merged["second"] / "output", merged["started"]
    # Pages showing Ana were written by this build; another person's page is the one restored.
    assert os.stat(output / "people/ana-lopez/index.html").st_mtime >= started
    others = [path for path in (output / "people").glob("*/index.html") if "ana-lopez" not in str(path)]
    kept = [path for path in others if os.stat(path).st_mtime < started]
    assert len(others) > 10 and len(kept) > len(others) * 0.8


def _restore_into_a_new_clone(origin: Path, where: Path, carried: Path, key: str = KEY) -> tuple[Path, str]:
    root = clone(origin, where)
    restored = run(root, "cache", "restore", str(carried), key=key)
    return root, restored.stdout + restored.stderr


def _refused(said: str, root: Path) -> None:
    assert "JU610" in said and "is not used" in said and "built from nothing" in said
    assert not (root / "output").exists()
    from joinedup.core.buildcache import cache_dir

    assert not cache_dir(root).exists()


def test_a_cache_with_a_flipped_byte_is_refused_and_the_build_from_nothing_publishes(merged, origin, tmp_path):
    carried = tmp_path / "carried"
    shutil.copytree(merged["carried"], carried)
    archive = carried / "joinedup-cache.tar"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    root, said = _restore_into_a_new_clone(origin, tmp_path / "clone", carried)
    _refused(said, root)
    assert "not the one signed" in said
    run(root, "build", "--publish")
    built = snapshot(root / "output")
    del built[".joinedup-pages.json"]  # the build's record, which the deploy does not publish
    assert built == snapshot(merged["fresh"] / "output")


def test_a_cache_file_replaced_by_another_versions_is_refused(merged, origin, tmp_path):
    carried = tmp_path / "carried"
    shutil.copytree(merged["carried"], carried)
    # The archive of the first deploy beside the signature of the second: each signed, not together.
    (carried / "joinedup-cache.tar").write_bytes(merged["first_pack"]["joinedup-cache.tar"])
    root, said = _restore_into_a_new_clone(origin, tmp_path / "clone", carried)
    _refused(said, root)
    # A signature claiming another version of Joined Up, re-signed without the key: refused too.
    signature = json.loads((merged["carried"] / "joinedup-cache.json").read_text())
    (carried / "joinedup-cache.tar").write_bytes((merged["carried"] / "joinedup-cache.tar").read_bytes())
    (carried / "joinedup-cache.json").write_text(json.dumps({**signature, "library": "older"}))
    root, said = _restore_into_a_new_clone(origin, tmp_path / "clone-2", carried)
    _refused(said, root)
    assert "does not match" in said


def test_a_garbled_signature_is_refused_not_a_crash(merged, origin, tmp_path):
    for number, text in enumerate(['{"mac": "\u00e9"}', "[" * 4000, "null"]):
        carried = tmp_path / f"carried-{number}"
        shutil.copytree(merged["carried"], carried)
        signature = json.loads((merged["carried"] / "joinedup-cache.json").read_text())
        garbled = json.dumps({**signature, "mac": "\u00e9" * 64}) if number == 0 else text
        (carried / "joinedup-cache.json").write_text(garbled)
        root, said = _restore_into_a_new_clone(origin, tmp_path / f"clone-{number}", carried)
        _refused(said, root)
        assert "Traceback" not in said


def test_a_cache_with_a_planted_link_is_refused(merged, origin, tmp_path):
    carried = tmp_path / "carried"
    shutil.copytree(merged["carried"], carried)
    with tarfile.open(carried / "joinedup-cache.tar", "a") as archive:
        link = tarfile.TarInfo("output/people/index.html")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    root, said = _restore_into_a_new_clone(origin, tmp_path / "clone", carried)
    _refused(said, root)


def test_a_signed_cache_holding_a_link_or_a_path_out_is_still_refused(merged, origin, tmp_path):
    # Signed with the key (as a deploy's own build could never pack it): the archive's members
    # are checked all the same, and nothing is written outside the folders being restored.
    from joinedup.builder import carry
    from joinedup.core.buildcache import library_salt

    root = clone(origin, tmp_path / "clone")
    for member in ("symlink", "../escape", "hard"):
        carried = tmp_path / f"carried-{member.strip('./')}"
        carried.mkdir()
        with tarfile.open(carried / "joinedup-cache.tar", "w") as archive:
            info = tarfile.TarInfo("output/index.html")
            info.size = 5
            archive.addfile(info, io.BytesIO(b"hello"))
            bad = tarfile.TarInfo("output/" + member if member != "../escape" else "cache/../../escape")
            if member == "symlink":
                bad.type, bad.linkname = tarfile.SYMTYPE, "/etc/passwd"
            elif member == "hard":
                bad.type, bad.linkname = tarfile.LNKTYPE, "output/index.html"
            else:
                bad.size = 5
            archive.addfile(bad, io.BytesIO(b"owned") if bad.isreg() else None)
        data = (carried / "joinedup-cache.tar").read_bytes()
        fields = {"format": carry.FORMAT, "library": library_salt(),
                  "branch": "main", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "commit": ""}
        (carried / "joinedup-cache.json").write_text(json.dumps({**fields, "mac": carry._signed(KEY.encode(), fields)}))
        said = run(root, "cache", "restore", str(carried))
        _refused(said.stdout + said.stderr, root)
        assert not (tmp_path / "escape").exists() and not (root.parent / "escape").exists()


def test_another_branchs_cache_or_another_key_is_refused_and_no_key_restores_nothing(merged, origin, tmp_path):
    root = clone(origin, tmp_path / "clone")
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-b", "preview"], check=True)
    said = run(root, "cache", "restore", str(merged["carried"]))
    _refused(said.stdout + said.stderr, root)
    assert "branch 'main'" in said.stderr
    root, said = _restore_into_a_new_clone(origin, tmp_path / "clone-2", merged["carried"], key="b" * 64)
    _refused(said, root)
    root = clone(origin, tmp_path / "clone-3")
    said = run(root, "cache", "restore", str(merged["carried"]), key=None)
    assert "JOINEDUP_CACHE_KEY is not set" in said.stdout and not (root / "output").exists()
    assert "JOINEDUP_CACHE_KEY is not set" in run(root, "cache", "save", str(tmp_path / "x"), key=None).stdout
    assert not (tmp_path / "x").exists()
