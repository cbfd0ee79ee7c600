"""The example site (the tests' own, tests/fixture_site) shows proposals and groups the way the issue asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import feedparser

from conftest import BUILD_EPOCH
from joinedup.core.model import STATUSES
from test_history import visible_text


def test_example_has_proposals_in_every_status_and_theme_and_a_synthesis(example_repo, example_site):
    proposals = json.loads((example_site / "data/proposals.json").read_text(encoding="utf-8"))["proposals"]
    assert len(proposals) >= 8
    assert {p["status"] for p in proposals} == set(STATUSES)
    themes = {theme for p in proposals for theme in p["themes"]}
    taxonomy = (example_repo.root / "data/themes.yaml").read_text().splitlines()
    taxonomy_themes = {line.split("id: ")[1].strip() for line in taxonomy if "- id: " in line}
    assert themes == taxonomy_themes
    syntheses = [p for p in proposals if len(p["synthesises"]) >= 2]
    assert syntheses, "one synthesis merges two proposals"
    merged = {p["slug"]: p for p in proposals}
    for slug in syntheses[0]["synthesises"]:
        assert syntheses[0]["slug"] in merged[slug]["merged_into"]
    assert sum(p["endorsement_count"] for p in proposals) >= 12


def test_example_home_shows_open_consultations_recent_changes_and_groups_needing_help(example_site):
    page = (example_site / "index.html").read_text(encoding="utf-8")
    text = visible_text(page)
    open_part = text[text.index("Open for consultation"):text.index("Recently changed")]
    assert "Rent rises capped at inflation for every tenancy" in open_part
    assert "Closes in 25 days (18 December 2026)" in open_part
    recent = page[page.index('id="recent-heading"'):page.index('id="help-heading"')]
    assert recent.count('<li><a href="/proposals/') == 6
    help_part = text[text.index("Groups that need help"):]
    assert help_part.count("h/week") >= 4


def test_example_has_at_least_four_groups_with_open_needs(example_site):
    listing = visible_text((example_site / "groups/index.html").read_text(encoding="utf-8"))
    assert listing.count("Needs help:") >= 4


def test_example_browse_pages_and_feeds_exist(example_site):
    for page in ("proposals/index.html", "themes/index.html", "themes/housing/index.html", "status/index.html",
                 "status/not-adopted/index.html", "groups/index.html", "sitemap.xml"):
        assert (example_site / page).is_file(), page
    for feed in ("feeds/proposals.atom.xml", "feeds/themes/transport.atom.xml"):
        parsed = feedparser.parse((example_site / feed).read_text(encoding="utf-8"))
        assert not parsed.bozo and parsed.entries, feed
    # Status changes come from git history, which a clone may lack (shallow, or not committed
    # yet); its entries are tested on a repository made in tmp_path (test_feeds.py).
    assert not feedparser.parse((example_site / "feeds/status-changes.atom.xml").read_text(encoding="utf-8")).bozo


def test_check_on_the_example_exits_0(example_repo):
    result = example_repo.tasks("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_pelican_builds_proposals_and_groups(example_repo, tmp_path):
    output = tmp_path / "pelican-output"
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output)],
        capture_output=True, text=True, cwd=example_repo.root, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = (output / "proposals/rent-controls-for-tenancies/index.html").read_text(encoding="utf-8")
    assert "<h1>Rent rises capped at inflation for every tenancy</h1>" in page
    assert (output / "groups/renters-rights-network/index.html").is_file()
    assert (output / "feeds/proposals.atom.xml").is_file()
