"""Endorsements live in the endorsers' profiles: checked against the proposals, shown on both sides."""

from __future__ import annotations

import datetime as dt

from content_fixtures import proposal_text
from joinedup.load.repository import load_repository

TODAY = dt.date(2026, 11, 23)


def test_endorsement_of_an_unknown_proposal_is_an_error_at_the_line_of_the_item(site):
    site.write("content/proposals/free-buses.md", proposal_text())
    site.profile("ana-lopez", endorses="\n  - free-buses\n  - fre-buses")
    _, found = load_repository(site.root, build_date=TODAY)
    assert [(p.path, p.line, p.col, p.code) for p in found] == [("volunteers/ana-lopez.yaml", 24, 5, "JU404")]
    assert found[0].message == ("You endorse 'fre-buses', which is not a proposal: there is no "
                                "content/proposals/fre-buses.md. Did you mean 'free-buses'?")
    result = site.tasks("check", "volunteers/ana-lopez.yaml")
    assert result.returncode == 1
    assert result.stdout.startswith("volunteers/ana-lopez.yaml:24:5: JU404 You endorse 'fre-buses'")


def test_endorsement_of_a_withdrawn_proposal_is_a_warning_at_its_line(site):
    site.write("content/proposals/digital-id.md", proposal_text(status="withdrawn"))
    site.profile("ana-lopez", endorses="[digital-id]")
    _, found = load_repository(site.root, build_date=TODAY)
    assert [(p.path, p.line, p.col, p.code, p.severity) for p in found] == [
        ("volunteers/ana-lopez.yaml", 22, 12, "JU405", "warning")]
    assert found[0].message == "You endorse 'digital-id', which its authors have withdrawn."


def test_endorsement_of_a_proposal_with_errors_is_not_also_called_unknown(site):
    site.write("content/proposals/free-buses.md", proposal_text(status="approved"))
    site.profile("ana-lopez", endorses="[free-buses]")
    _, found = load_repository(site.root, build_date=TODAY)
    assert [(p.path, p.code) for p in found] == [("content/proposals/free-buses.md", "JU400")]


def test_endorsements_are_counted_and_linked_on_the_proposal_and_listed_on_the_profile(site):
    site.write("content/proposals/free-buses.md", proposal_text())
    site.write("content/proposals/votes-at-16.md", proposal_text(title="Votes at 16", themes="[democracy]"))
    site.profile("ana-lopez", endorses="[votes-at-16, free-buses]")
    site.profile("bethan-price", name="Bethan Price", github="bethan-price", endorses="[free-buses]")
    repository, found = load_repository(site.root, build_date=TODAY)
    assert found == []
    assert repository.agenda.endorsers["free-buses"] == ("ana-lopez", "bethan-price")
    assert repository.agenda.endorsed["ana-lopez"] == ("free-buses", "votes-at-16")

    result = site.tasks("build", "--output", str(site.root / "out"))
    assert result.returncode == 0, result.stderr
    page = site.read("out/proposals/free-buses/index.html")
    assert "Endorsed by 2 people" in page
    assert '<li><a href="/people/ana-lopez/">Ana López</a></li><li><a href="/people/bethan-price/">Bethan Price</a></li>' in page
    profile = site.read("out/people/bethan-price/index.html")
    assert '<a href="/proposals/free-buses/">Free buses for everyone under 25</a>' in profile
    assert "Votes at 16" not in profile


def test_check_of_one_profile_still_resolves_its_endorsements_against_every_proposal(site):
    site.write("content/proposals/digital-id.md", proposal_text(status="withdrawn"))
    site.write("content/proposals/broken.md", proposal_text(status="approved"))
    site.profile("ana-lopez", endorses="[digital-id, no-such-plan]")
    result = site.tasks("check", "volunteers/ana-lopez.yaml")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if not line.startswith("    hint:")]
    assert lines == [
        "volunteers/ana-lopez.yaml:22:12: JU405 (warning) You endorse 'digital-id', which its authors have withdrawn.",
        "volunteers/ana-lopez.yaml:22:24: JU404 You endorse 'no-such-plan', which is not a proposal: there is no "
        "content/proposals/no-such-plan.md.",
    ]


def test_pages_that_show_an_endorsement_carry_it_in_their_context(site):
    """An incremental build re-renders a planned page only when its context changes."""
    from joinedup.render.pages import plan_agenda, plan_directory

    site.write("content/proposals/free-buses.md", proposal_text())
    site.profile("ana-lopez")

    def contexts():
        repository, _ = load_repository(site.root, build_date=TODAY)
        agenda = repository.agenda
        planned = plan_directory(repository.directory, 30, agenda) + plan_agenda(agenda, repository.taxonomy,
                                                                                   directory=repository.directory)
        return {page.url: page.context for page in planned}

    before = contexts()
    assert before["proposals/"]["endorsements"] == {"free-buses": 0}
    assert before["people/ana-lopez/"]["endorsed"] == []
    site.profile("ana-lopez", endorses="[free-buses]")
    after = contexts()
    assert after["proposals/"]["endorsements"] == {"free-buses": 1}
    assert after["themes/transport/"]["endorsements"] == {"free-buses": 1}
    assert [p.slug for p in after["people/ana-lopez/"]["endorsed"]] == ["free-buses"]
    assert [p.slug for p in after["people/ana-lopez/"]["written"]] == ["free-buses"]
