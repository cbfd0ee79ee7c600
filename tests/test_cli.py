"""The command line as a volunteer or maintainer uses it."""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import REPO


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
    assert "Did you mean 'video-editing'?" in result.stdout
    assert not (site.root / "volunteers/ana-lopez.yaml").exists()


def test_new_profile_refuses_to_overwrite(site):
    site.profile("ana-lopez")
    before = (site.root / "volunteers/ana-lopez.yaml").read_text()
    result = site.tasks("new", "profile", "--id", "ana-lopez", "--name", "Ana", "--yes")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert (site.root / "volunteers/ana-lopez.yaml").read_text() == before
