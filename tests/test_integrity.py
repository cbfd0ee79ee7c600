"""Integrity of the build: reproducible, atomic even when killed, and its links resolve."""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_EPOCH, REPO
from content_fixtures import commit_all, group_text, init_repository, proposal_text
from test_hostile import snapshot

WHO = {"name": "Pat Committer", "email": "pat@example.org"}
# Pagefind 1.5 writes each filter's values in Rust HashMap order, which is seeded at random
# in every process: the same values and pages come out in another order, so the filter
# files, their hashed names and the two files that name them differ between builds.
PAGEFIND_UNORDERED = re.compile(r"^pagefind/(filter/.*\.pf_filter|pagefind\.[^/]*\.pf_meta|pagefind-entry\.json)$")


def git_site(site):
    init_repository(site.root)
    site.profile("ana-lopez")
    site.profile("bethan-price", name="Bethan Price", github="bethan-price", remote="false")
    site.write("content/proposals/free-buses.md", proposal_text())
    site.write("content/groups/better-buses.md", group_text(
        needs="\n  - skill: video-editing\n    hours_per_week: 2\n    remote: true"))
    commit_all(site.root, "A small site", date="2026-10-01T12:00:00", **WHO)
    return site


def test_two_builds_of_one_commit_in_different_folders_are_byte_identical(site, tmp_path):
    git_site(site)
    clone = tmp_path / "elsewhere" / "another-clone"
    subprocess.run(["git", "clone", "-q", str(site.root), str(clone)], check=True, capture_output=True)
    outputs = []
    for root in (site.root, clone):
        output = tmp_path / f"out-{len(outputs)}"
        result = subprocess.run([sys.executable, str(REPO / "tasks.py"), "--root", str(root), "build", "--output",
                                 str(output)], capture_output=True, text=True, cwd=root, timeout=300,
                                env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})
        assert result.returncode == 0, result.stderr
        outputs.append(snapshot(output))
    first, second = outputs
    exact = {name: digest for name, digest in first.items() if not PAGEFIND_UNORDERED.match(name)}
    assert exact == {name: digest for name, digest in second.items() if not PAGEFIND_UNORDERED.match(name)}
    assert len(exact) > 50 and any(name.startswith("pagefind/fragment/") for name in exact)
    # The unordered files hold the same bytes in another order, and no more.
    assert _filter_contents(tmp_path / "out-0") == _filter_contents(tmp_path / "out-1")


def _filter_contents(output: Path) -> list[list[int]]:
    return sorted(sorted(gzip.decompress(path.read_bytes())) for path in (output / "pagefind" / "filter").iterdir())


def test_a_build_killed_half_way_leaves_the_previous_site_and_the_next_build_works(site):
    git_site(site)
    output = site.root / "output"
    site.tasks("build", "--output", str(output), check=True)
    before = snapshot(output)
    site.profile("cara-new", name="Cara New", github="cara-new")
    build = subprocess.Popen(
        [sys.executable, str(REPO / "tasks.py"), "--root", str(site.root), "build", "--output", str(output)],
        cwd=site.root, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # Half-way: pages are being written into the staging folder beside the output.
        deadline = time.monotonic() + 120
        while not any(site.root.glob(".output-building-*/people/*/index.html")):
            assert build.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no page was ever written"
            time.sleep(0.01)
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    assert build.returncode == -signal.SIGKILL
    assert snapshot(output) == before
    assert not (output / "people" / "cara-new").exists()
    site.tasks("build", "--output", str(output), check=True)
    assert (output / "people" / "cara-new" / "index.html").is_file()
