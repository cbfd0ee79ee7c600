"""Revision history from a real git repository made in tmp_path: what readers see, and what they never see."""

from __future__ import annotations

import hashlib
import html as html_module
import os
import re
import stat
import subprocess

from content_fixtures import MINA, OLU, PAT, commit_all, git, init_repository, make_history_site, proposal_text
from joinedup.load.history import NOT_A_REPOSITORY, SHALLOW, read_history


def visible_text(page: str) -> str:
    """The words a reader sees: tags removed, entities decoded, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(?:a|span|time|strong|em)\b[^>]*>", "", page)  # inline: no space around them
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def build(site):
    result = site.tasks("build", "--output", str(site.root / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_history_is_read_per_file_with_name_date_message_and_status(site):
    shas = make_history_site(site)
    history, problems = read_history(site.root)
    assert problems == [] and history.state == "complete"
    revisions = history.of("content/proposals/free-buses.md")
    assert [(r.commit, r.author, r.message, r.status) for r in revisions] == [
        (shas["consultation"], "Olu Briggs", "Open the free buses consultation", "consultation"),
        (shas["draft"], "Mina Okoye", "Propose free buses for under-25s", "draft"),
    ]
    assert revisions[0].date.isoformat() == "2026-10-05T18:30:00+01:00"
    assert [r.commit for r in history.of("content/proposals/a-bus-network.md")] == [shas["synthesis"]]
    assert [r.commit for r in history.of("content/groups/better-buses.md")] == [shas["draft"]]


def test_history_of_every_file_takes_two_git_processes_whatever_the_number_of_files(site, tmp_path):
    site.profile("ana-lopez")
    init_repository(site.root)
    for round in range(3):
        for number in range(8):
            site.write(f"content/proposals/plan-{number}.md", proposal_text(title=f"Plan {number}.{round}"))
        commit_all(site.root, f"Round {round}", name="Mina Okoye", email="m@example.org",
                   date=f"2026-10-0{round + 1}T10:00:00Z")
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "git-counting"
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> "{calls}"\nexec git "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)

    history, _ = read_history(site.root, git=str(wrapper))

    assert len(history.revisions) == 8
    assert all(len(history.of(f"content/proposals/plan-{n}.md")) == 3 for n in range(8))
    assert calls.read_text().split() == ["rev-parse", "-c"]  # one rev-parse, one log

    # The history of a commit is kept (in the cache folder): the next build at the same commit runs no log.
    again, _ = read_history(site.root, git=str(wrapper))
    assert again.revisions == history.revisions
    assert calls.read_text().split() == ["rev-parse", "-c", "rev-parse"]
    site.write("content/proposals/plan-0.md", proposal_text(title="Plan 0.3"))
    commit_all(site.root, "Round 3", name="Mina Okoye", email="m@example.org", date="2026-10-04T10:00:00Z")
    newer, _ = read_history(site.root, git=str(wrapper))
    assert [r.message for r in newer.of("content/proposals/plan-0.md")] == ["Round 3", "Round 2", "Round 1", "Round 0"]


def test_site_in_a_subfolder_of_a_repository_gets_paths_relative_to_the_site(site, tmp_path):
    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text())
    init_repository(site.root.parent)
    sha = commit_all(site.root.parent, "Add the site", date="2026-10-01T10:00:00Z", **MINA)
    history, _ = read_history(site.root)
    assert [r.commit for r in history.of("content/proposals/free-buses.md")] == [sha]


def test_proposal_page_shows_status_endorsers_history_and_synthesis_links_both_ways(site):
    shas = make_history_site(site)
    build(site)
    page = site.read("out/proposals/free-buses/index.html")
    text = visible_text(page)

    assert "Open for consultation Closes in 12 days (5 December 2026)" in text
    assert "Endorsed by 1 person" in text
    assert '<a href="/people/bethan-price/">Bethan Price</a>' in page
    assert 'Written by <a href="/people/ana-lopez/">Ana López</a>' in re.sub(r"\s+", " ", re.sub(r"</?d[td]>", "", page))

    history = text[text.index("Revision history"):]
    assert history.index("5 October 2026 · Olu Briggs · status Open for consultation "
                         "Open the free buses consultation") < history.index(
        "1 September 2026 · Mina Okoye · status Draft Propose free buses for under-25s")
    anchor = hashlib.sha256(b"content/proposals/free-buses.md").hexdigest()
    assert (f'href="https://github.com/joinedup-example/joinedup/commit/{shas["consultation"]}#diff-{anchor}"'
            in page)

    # The merged proposal points to the synthesis, and the synthesis back to both.
    assert 'Merged into <a href="/proposals/a-bus-network/">A bus network for everyone</a>' in page
    synthesis = site.read("out/proposals/a-bus-network/index.html")
    assert '<a href="/proposals/free-buses/">Free buses for everyone under 25</a>' in synthesis
    assert '<a href="/proposals/bus-franchising/">Public control of every bus network</a>' in synthesis
    assert "This synthesis merges" in visible_text(synthesis)

    assert ('<a href="https://github.com/joinedup-example/joinedup/edit/main/content/proposals/free-buses.md">'
            "Suggest a change</a>") in page
    assert '<meta property="og:title" content="Free buses for everyone under 25">' in page
    assert '<meta property="og:description" content="Make every local bus journey free for people under 25.">' in page


def test_commit_email_addresses_never_reach_the_published_site(site):
    make_history_site(site)
    build(site)
    for path in (site.root / "out").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"secret.example.org" not in content, path
    # The names are published, so the check above is not vacuous.
    page = site.read("out/proposals/free-buses/index.html")
    assert MINA["name"] in page and OLU["name"] in page
    assert PAT["name"] in site.read("out/proposals/a-bus-network/index.html")


def test_person_page_lists_what_the_person_wrote_and_endorses(site):
    make_history_site(site)
    build(site)
    text = visible_text(site.read("out/people/ana-lopez/index.html"))
    wrote = text[text.index("Wrote"):text.index("Endorses")]
    assert "Free buses for everyone under 25 Open for consultation" in wrote
    assert "A bus network for everyone Synthesis" in text[text.index("Endorses"):]


def test_site_built_outside_a_git_repository_still_builds_and_says_so(site):
    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text())
    result = build(site)
    assert "JU414 (warning) Revision history is not shown" in result.stderr
    text = visible_text(site.read("out/proposals/free-buses/index.html"))
    assert f"Revision history {NOT_A_REPOSITORY}" in text


def test_site_built_from_a_shallow_clone_says_so_and_shows_only_the_commits_it_has(site, tmp_path):
    make_history_site(site)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{site.root}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    history, problems = read_history(clone)
    assert history.state == "shallow"
    assert [p.code for p in problems] == ["JU414"]
    # Depth 2 holds the last two commits; the older of the two is the shallow boundary,
    # whose diff wrongly shows every file as new, so it is left out.
    assert history.of("content/proposals/free-buses.md") == ()
    assert [r.author for r in history.of("content/proposals/a-bus-network.md")] == ["Pat Quinn"]

    from conftest import BUILD_EPOCH, REPO

    output = tmp_path / "out"
    result = subprocess.run(
        [os.sys.executable, str(REPO / "tasks.py"), "--root", str(clone), "build", "--output", str(output)],
        capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    text = visible_text((output / "proposals/a-bus-network/index.html").read_text(encoding="utf-8"))
    assert f"Revision history {SHALLOW}" in text
    assert "20 October 2026 · Pat Quinn" in text
    assert "Mina Okoye" not in visible_text((output / "proposals/free-buses/index.html").read_text(encoding="utf-8"))


def test_a_repository_without_commits_has_an_empty_complete_history(site):
    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text())
    init_repository(site.root)
    history, problems = read_history(site.root)
    assert (history.state, problems, dict(history.revisions)) == ("complete", [], {})
