"""Groups: the community-of-practice card, its needs, and what the group page shows."""

from __future__ import annotations

import datetime as dt

import pytest

from content_fixtures import group_text, proposal_text
from joinedup.load.repository import load_repository
from test_history import visible_text

TODAY = dt.date(2026, 11, 23)

NEEDS = """
  - skill: video-editing
    hours_per_week: 4
    remote: true
    until: 2027-03-31
    note: Cut short testimonies.
  - skill: door-knocking
    hours_per_week: 3
    region: yorkshire
  - skill: graphic-design
    hours_per_week: 2
    remote: true
    until: 2026-10-31"""


@pytest.fixture
def repo(site):
    site.profile("ana-lopez")
    site.profile("bethan-price", name="Bethan Price", github="bethan-price")
    return site


def problems_of(site):
    return load_repository(site.root, build_date=TODAY)[1]


def only(found, code):
    matching = [p for p in found if p.code == code]
    assert len(matching) == 1, [p.format_text() for p in found]
    return matching[0]


def test_valid_group_loads_its_card_and_needs(repo):
    repo.write("content/groups/better-buses.md", group_text(needs=NEEDS.replace("2026-10-31", "2027-01-31"),
                                                            members="[bethan-price]"))
    repository, found = load_repository(repo.root, build_date=TODAY)
    assert found == []
    group = repository.agenda.groups["better-buses"]
    assert group.people == ("ana-lopez", "bethan-price")
    assert [(n.skill, n.hours_per_week, n.remote, n.region) for n in group.needs] == [
        ("video-editing", 4, True, ""), ("door-knocking", 3, False, "yorkshire"), ("graphic-design", 2, True, "")]
    assert group.needs[0].until == dt.date(2027, 3, 31)


def test_past_review_date_is_a_warning_at_its_line(repo):
    repo.write("content/groups/better-buses.md", group_text(review="2026-06-30"))
    problem = only(problems_of(repo), "JU412")
    assert (problem.path, problem.line, problem.col, problem.severity) == (
        "content/groups/better-buses.md", 10, 1, "warning")
    assert problem.message == "The group's review date, 2026-06-30, has passed."
    result = repo.tasks("check")
    assert result.returncode == 0  # a warning alone does not fail check
    assert "content/groups/better-buses.md:10:1: JU412 (warning) The group's review date" in result.stdout


def test_expired_need_is_a_warning_and_is_listed_only_as_ended(repo):
    repo.write("content/groups/better-buses.md", group_text(needs=NEEDS))
    problem = only(problems_of(repo), "JU413")
    assert (problem.line, problem.severity) == (23, "warning")
    assert problem.message == "Need 3 (graphic-design) ended on 2026-10-31; it is off the needs board and its page lists it as ended."
    result = repo.tasks("build", "--output", str(repo.root / "out"))
    assert result.returncode == 0, result.stderr
    text = visible_text(repo.read("out/groups/better-buses/index.html"))
    wanted = text[text.index("Help wanted"):text.index("About the group")]
    assert "Video editing 4 h/week · remote · until 31 March 2027 Cut short testimonies." in wanted
    assert "Door-knocking 3 h/week · Yorkshire and the Humber" in wanted
    still_open, ended = wanted.split("Filled or ended")
    assert "Graphic design" not in still_open
    assert "ended Graphic design 2 h/week · remote · until 31 October 2026" in ended


def test_unknown_core_team_member_skill_and_region_are_refused_with_lines(repo):
    needs = "\n  - skill: vidoe-editing\n    hours_per_week: 4\n    region: yorkshre"
    repo.write("content/groups/better-buses.md", group_text(core_team="[ana-lopez, bethan-pryce]", needs=needs))
    found = problems_of(repo)
    person = only(found, "JU403")
    assert (person.line, person.col) == (9, 24)
    assert person.message == ("Unknown core team member 'bethan-pryce': there is no volunteers/bethan-pryce.yaml. "
                              "Did you mean 'bethan-price'?")
    skill = only(found, "JU101")
    assert (skill.line, skill.message) == (12, "Unknown skill 'vidoe-editing'. Did you mean 'video-editing' "
                                               "(Video editing)?")
    region = only(found, "JU102")
    assert (region.line, region.message) == (14, "Unknown region 'yorkshre'. Did you mean 'yorkshire' "
                                                 "(Yorkshire and the Humber)?")


def test_need_without_remote_or_region_is_refused(repo):
    repo.write("content/groups/better-buses.md", group_text(needs="\n  - skill: video-editing\n    hours_per_week: 4"))
    problem = only(problems_of(repo), "JU104")
    assert (problem.line, problem.col) == (12, 5)
    assert problem.message.startswith("Need 1 says neither 'remote: true' nor a 'region'")


def test_missing_card_field_is_refused_at_the_top_of_the_front_matter(repo):
    repo.write("content/groups/better-buses.md", group_text(vision=None))
    problem = only(problems_of(repo), "JU104")
    assert (problem.line, problem.message) == (2, "The required key 'vision' is missing.")


def test_group_page_lists_card_members_proposals_and_open_needs(repo):
    repo.write("content/groups/better-buses.md", group_text(
        members="[bethan-price]", needs=NEEDS, expected_outcomes="\n  - A public map of bus gaps.",
        measures_of_success="\n  - Five councils receive the map.", how_it_works="A call every fortnight.",
        assumptions="\n  - Councils listen to residents."))
    repo.write("content/proposals/free-buses.md", proposal_text(group="better-buses"))
    repo.write("content/proposals/other.md", proposal_text(title="Unrelated"))
    result = repo.tasks("build", "--output", str(repo.root / "out"))
    assert result.returncode == 0, result.stderr
    page = repo.read("out/groups/better-buses/index.html")
    text = visible_text(page)
    for words in ("Sponsor The transport working party", "Vision Nobody is cut off because they do not drive.",
                  "Goals Map missing evening services in ten towns.", "Expected outcomes A public map of bus gaps.",
                  "Measures of success Five councils receive the map.", "How it works A call every fortnight.",
                  "Assumptions Councils listen to residents.", "Review Next review 1 March 2027"):
        assert words in text
    start = text.index("Members Core team")
    members = text[start:text.index("Proposals", start)]
    assert "Core team Ana López" in members and "Bethan Price" in members
    assert '<a href="/proposals/free-buses/">Free buses for everyone under 25</a>' in page
    assert "Unrelated" not in text
    listing = visible_text(repo.read("out/groups/index.html"))
    assert "Better Buses Collective" in listing and "Needs help: 2" in listing
    home = visible_text(repo.read("out/index.html"))
    assert "Groups that need help Better Buses Collective" in home


def test_group_page_shows_people_who_could_help_with_reasons_and_a_prefiltered_search(example_site):
    html = (example_site / "groups/better-buses/index.html").read_text(encoding="utf-8")
    helpers = html[html.index('id="helpers-heading"'):]
    assert "People who could help" in helpers
    # Changed with issue 21 item 6: Callum Fraser and Zara Ahmed offer GIS and mapping but are the
    # group's core team, so they are not offered to it (nor people with only a skill of the same
    # group, nor those whose availability ended); the link keeps the need's hours.
    first, second = helpers.split('<section class="need"')[1:3]
    assert "callum-fraser" not in first and "zara-ahmed" not in first
    assert "Nobody in the directory offers this yet." in first
    assert 'href="/search/?skill=gis-mapping&amp;remote=yes&amp;hours=3"' in first
    assert '<a href="/people/tamsin-penrose/">Tamsin Penrose</a>' in second
    assert '<li class="reason-met">Graphic design' in second and "remote ✓" in second
