"""The command line as a volunteer or maintainer uses it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import yaml

from conftest import BUILD_EPOCH, REPO


def test_every_command_has_help_with_an_example(site):
    for command in (["check"], ["build"], ["serve"], ["new", "profile"]):
        result = site.tasks(*command, "--help")
        assert result.returncode == 0
        assert "Example" in result.stdout, command


def test_new_profile_from_flags_writes_a_valid_file_with_the_schema_line(site):
    result = site.tasks(
        "new", "profile", "--id", "ana-lopez", "--name", 'Ana "Film" López', "--github", "ana-lopez",
        "--headline", "Video editor: films for campaigns", "--skill", "video-editing", "--skill", "social-media",
        "--place", "Leeds", "--region", "yorkshire", "--remote", "--hours", "4", "--language", "en",
        "--email", "ana@example.org", "--yes",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = (site.root / "volunteers/ana-lopez.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=schema.json\n")
    data = yaml.safe_load(text)
    assert data["name"] == 'Ana "Film" López'
    assert data["headline"] == "Video editor: films for campaigns"
    assert data["skills"] == ["video-editing", "social-media"]
    assert data["publish"] is True
    assert site.tasks("check").returncode == 0


def test_new_profile_answers_prompts(site):
    answers = "\n".join(["Bo Li", "", "bo-li", "Designer", "graphic-design, ux-design", "Cardiff", "wales",
                         "n", "3", "en, cy", "y"]) + "\n"
    result = subprocess.run(
        [sys.executable, str(REPO / "tasks.py"), "--root", str(site.root), "new", "profile"],
        input=answers, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = yaml.safe_load((site.root / "volunteers/bo-li.yaml").read_text())
    assert data["skills"] == ["graphic-design", "ux-design"]
    assert data["remote"] is False and data["languages"] == ["en", "cy"]


def test_new_profile_with_an_unknown_skill_writes_nothing_and_says_why(site):
    result = site.tasks(
        "new", "profile", "--id", "ana-lopez", "--name", "Ana", "--github", "ana", "--headline", "Editor",
        "--skill", "vidoe-editing", "--place", "Leeds", "--region", "yorkshire", "--remote", "--hours", "4",
        "--language", "en", "--yes",
    )
    assert result.returncode == 1
    assert "--skill: 'vidoe-editing' is not in the list. Did you mean 'video-editing' (Video editing)?" in result.stderr
    assert not (site.root / "volunteers/ana-lopez.yaml").exists()


def test_new_profile_refuses_to_overwrite(site):
    site.profile("ana-lopez")
    before = (site.root / "volunteers/ana-lopez.yaml").read_text()
    result = site.tasks("new", "profile", "--id", "ana-lopez", "--name", "Ana", "--yes")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert (site.root / "volunteers/ana-lopez.yaml").read_text() == before


def test_check_changed_since_looks_only_at_files_changed_on_the_branch(site):
    def git(*args):
        subprocess.run(["git", *args], cwd=site.root, check=True, capture_output=True,
                       env={"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                            "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(site.root), "PATH": "/usr/bin:/bin"})

    site.write("volunteers/old-broken.yaml", "name: [broken\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-q", "-b", "my-change")
    site.profile("ana-lopez", skills="\n  - vidoe-editing")
    git("add", "-A")
    git("commit", "-qm", "add ana")
    result = site.tasks("check", "--changed-since", "main")
    assert result.returncode == 1
    assert "volunteers/ana-lopez.yaml" in result.stdout
    assert "old-broken" not in result.stdout


def test_check_changed_since_an_unknown_ref_is_a_clear_error(site):
    result = site.tasks("check", "--changed-since", "no-such-ref")
    assert result.returncode == 1
    assert "cannot list files changed since 'no-such-ref'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_built_site_publishes_the_profile_schema(site):
    site.profile("ana-lopez")
    site.tasks("build", check=True)
    assert (site.root / "output/schema/volunteer.json").read_text() == (site.root / "volunteers/schema.json").read_text()


def test_serve_serves_the_site_and_rebuilds_when_a_profile_changes(site):
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site.profile("ana-lopez")
    server = subprocess.Popen(
        [sys.executable, str(REPO / "tasks.py"), "--root", str(site.root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )

    def page_when(predicate, deadline=90):
        # Polls until the page shows what the user expects; a bound, not a speed requirement.
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/people/ana-lopez/", timeout=5).read().decode()
                if predicate(html):
                    return html
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("the served page never showed the expected change")

    try:
        page_when(lambda html: "Video editor for campaign films" in html)
        site.profile("ana-lopez", headline="Now also a photographer")
        page_when(lambda html: "Now also a photographer" in html)
        # The site is written into the repository it serves, not where the command was started.
        assert "Now also a photographer" in site.read("output/people/ana-lopez/index.html")
        # A commit changes no file the build reads but what git says: Ana's file, committed long
        # ago, is now "not confirmed since" then. And site.yaml is read too.
        from content_fixtures import commit_all, init_repository

        init_repository(site.root)
        commit_all(site.root, "Ana", name="Ana López", email="ana@example.org", date="2024-01-10T12:00:00")
        page_when(lambda html: "Not confirmed since" in html and "10 January 2024" in html)
        site.write("site.yaml", site.read("site.yaml").replace("name: ", "name: Renamed ", 1))
        page_when(lambda html: "Renamed " in html)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _build_on_a_terminal(site) -> str:
    """Run ``build`` with stdout on a pseudo-terminal, as a person would; returns what it showed."""
    screen, terminal = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    process = subprocess.Popen(
        [sys.executable, str(REPO / "tasks.py"), "--root", str(site.root), "build", "--output", str(site.root / "output")],
        stdout=terminal, stderr=subprocess.DEVNULL, env={**environment, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(screen, 4096)
        except OSError:  # the build closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(screen)
    assert process.wait(timeout=300) == 0
    return shown.decode("utf-8", "replace")


def test_build_shows_a_progress_bar_on_a_terminal_and_nothing_in_a_pipe(site):
    site.profile("ana-lopez")
    site.profile("bo-li", github="bo-li", name="Bo Li")
    assert "Rendering pages" in _build_on_a_terminal(site)
    (site.root / "volunteers/bo-li.yaml").unlink()
    piped = site.tasks("build", "--output", str(site.root / "output"), check=True)
    assert "Rendering" not in piped.stdout + piped.stderr
