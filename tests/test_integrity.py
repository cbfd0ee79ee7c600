"""Integrity of the build: reproducible, atomic even when killed, and its links resolve."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_EPOCH, REPO
from content_fixtures import commit_all, group_text, init_repository, proposal_text
from test_hostile import snapshot

WHO = {"name": "Pat Committer", "email": "pat@example.org"}


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
    # Every file, Pagefind's bundle included: its filter files come out of Pagefind in a random
    # order on every run, and the build puts them in one order and names them after what they
    # hold (joinedup.builder.pagefind.stable_names), so a CDN sees no change where there is none.
    assert first == second
    assert len(first) > 50 and any(name.startswith("pagefind/filter/") for name in first)


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


# Runs tasks.py, counting the calls that change files (opening one to write, renames,
# removals) and killing itself with SIGKILL at the KILL_AT-th; it writes how many there were
# to COUNTED when it ends.
_KILLER = """
import builtins, os, runpy, signal, sys
left = int(os.environ["KILL_AT"])
done = 0
def counted(function):
    def run(*args, **kwargs):
        global done
        done += 1
        if done == left:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return run
for name in ("replace", "rename", "unlink", "remove", "rmdir"):
    setattr(os, name, counted(getattr(os, name)))
plain_open, counted_open = builtins.open, counted(builtins.open)
def open_(file, mode="r", *args, **kwargs):
    return (counted_open if set(mode) & set("wxa+") else plain_open)(file, mode, *args, **kwargs)
builtins.open = open_
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    with plain_open(os.environ["COUNTED"], "w") as handle:
        handle.write(str(done))
"""


def _killable_build(site, output: Path, tmp_path: Path):
    """A function that builds ``site`` into ``output``, killed at its ``kill_at``-th call that changes
    a file (0: never), and the file it writes how many such calls there were to."""
    killer, counted = tmp_path / "killer.py", tmp_path / "counted"
    killer.write_text(_KILLER)

    def build(kill_at: int = 0) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(killer), str(REPO / "tasks.py"), "--root", str(site.root), "build", "--output", str(output)],
            cwd=site.root, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "KILL_AT": str(kill_at),
                                "COUNTED": str(counted)},
            capture_output=True, text=True, timeout=300)

    return build, counted


def test_a_quick_rebuild_killed_at_any_step_leaves_the_previous_or_the_new_site_and_the_next_build_works(site, tmp_path):
    from joinedup.builder.output import finish_publishing
    from test_incremental import site_files

    git_site(site)
    output = site.root / "output"
    build, counted = _killable_build(site, output, tmp_path)

    def edit(bio: str) -> None:
        site.profile("ana-lopez", bio=bio)

    edit("Maps and leaflets.")
    assert build().returncode == 0 and build().returncode == 0
    before, before_files = snapshot(output), site_files(output)
    edit("Maps, leaflets and a zeppelin.")
    done = build()
    assert "Quick rebuild" in done.stderr, done.stderr
    after, steps = site_files(output), int(counted.read_text())
    edit("Maps and leaflets.")
    assert "Quick rebuild" in build().stderr and site_files(output) == before_files
    before = snapshot(output)

    committed = 0
    points = sorted({1, 2, 3, steps // 4, steps // 2, steps * 3 // 4, steps - 3, steps - 1, steps})
    for kill_at in points:
        edit("Maps, leaflets and a zeppelin.")
        killed = build(kill_at)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        if finish_publishing(output):  # what every build does first
            committed += 1
            assert site_files(output) == after, kill_at
        else:  # killed before the commit point, or once the publication was done
            assert snapshot(output) == before or site_files(output) == after, kill_at
        assert build().returncode == 0
        assert site_files(output) == after, kill_at
        edit("Maps and leaflets.")
        assert build().returncode == 0
        assert site_files(output) == before_files
        before = snapshot(output)
    assert 0 < committed < len(points) - 1  # killed before, during and after the publication


def test_a_full_build_killed_at_any_step_leaves_the_previous_site_or_the_new_one(site, tmp_path):
    """The swap of a whole new site has no moment without a site (an atomic exchange of folders)."""
    git_site(site)
    output = site.root / "output"
    build, counted = _killable_build(site, output, tmp_path)

    assert build().returncode == 0
    before = snapshot(output)
    site.write("site.yaml", site.read("site.yaml").replace("name:", "name: New", 1))  # settings: a full build
    done = build()
    assert done.returncode == 0 and "Quick rebuild" not in done.stderr, done.stderr
    after, steps = snapshot(output), int(counted.read_text())
    assert after != before
    site.write("site.yaml", site.read("site.yaml").replace("name: New", "name:", 1))
    assert build().returncode == 0 and snapshot(output) == before

    kills = 0
    for kill_at in sorted({steps // 2, steps * 3 // 4, steps - 4, steps - 3, steps - 2, steps - 1}):
        site.write("site.yaml", site.read("site.yaml").replace("name:", "name: New", 1))
        killed = build(kill_at)  # the count varies by a step or two from one build to the next
        assert killed.returncode in (0, -signal.SIGKILL), killed.stderr
        kills += killed.returncode == -signal.SIGKILL
        assert snapshot(output) in (before, after), kill_at
        assert build().returncode == 0 and snapshot(output) == after, kill_at
        site.write("site.yaml", site.read("site.yaml").replace("name: New", "name:", 1))
        assert build().returncode == 0 and snapshot(output) == before, kill_at
    assert kills >= 4


def test_a_site_renamed_aside_by_a_swap_cut_short_is_put_back_by_the_next_build(site, tmp_path):
    """Where folders cannot be exchanged atomically the old site is renamed aside, then the new
    one in: killed between the two renames, the next build starts from the old site again."""
    from joinedup.builder.output import finish_publishing

    git_site(site)
    output = site.root / "output"
    site.tasks("build", "--output", str(output), check=True)
    before = snapshot(output)
    output.rename(site.root / ".output-swapping-4242")
    finish_publishing(output)
    assert snapshot(output) == before
    assert not (site.root / ".output-swapping-4242").exists()
