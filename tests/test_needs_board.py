"""The needs board, its feeds, the agenda's calendars and the groups' and needs' open data,
on a fixture site of the test's own with a real git history."""

from __future__ import annotations

import datetime as dt
import json
import re

import feedparser
import icalendar
import jsonschema
import pytest

from content_fixtures import commit_all, group_text, init_repository, proposal_text

# The build date of conftest.BUILD_EPOCH is 2026-11-23; the day after, for the second build.
NEXT_DAY_EPOCH = str(1795392000 + 86400)
AUTHOR = {"name": "Test Runner", "email": "runner@example.org"}
NEEDS = """
  - skill: video-editing
    hours_per_week: 4
    remote: true
    note: Cut the campaign film.
  - skill: graphic-design
    hours_per_week: 2
    remote: true
    until: 2026-11-23
  - skill: gis-mapping
    hours_per_week: 3
    region: yorkshire
    until: 2026-11-22
  - skill: public-speaking
    hours_per_week: 2
    remote: true
    status: filled
  - skill: data-analysis
    hours_per_week: 3
    region: london"""


def _build(site, name: str, epoch: str | None = None):
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else None
    result = site.tasks("build", "--output", str(site.root / name), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return site.root / name


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two groups and two proposals asking for help, built on 2026-11-23 (``out``) and on
    2026-11-24 (``next``)."""
    from conftest import make_site

    site = make_site(tmp_path_factory.mktemp("needs") / "site")
    site.profile("ana-lopez", contact="\n  email: ana@example.org")  # video-editing, remote, 6 h, yorkshire
    site.profile("ben-ode", name="Ben Ode", github="ben-ode", skills="\n  - video-editing", remote="false",
                 location="\n  place: Camden\n  region: london", contact="\n  email: ben@example.org")
    site.profile("cleo-ray", name="Cleo Ray", github="cleo-ray", skills="\n  - graphic-design",
                 contact="\n  email: cleo@example.org")
    site.profile("dee-cut", name="Dee Cut", github="dee-cut", contact="\n  email: dee@example.org")  # like Ana
    site.write("content/groups/better-buses.md", group_text(
        themes="[transport]", discussion="https://forum.example.org/buses",
        contact="\n  email: buses-private@example.org", needs=NEEDS))
    site.write("content/proposals/free-buses.md", proposal_text(
        status="consultation", consultation_closes="2026-12-05", needs="[video-editing]"))
    site.write("content/proposals/old-idea.md", proposal_text(
        title="An idea withdrawn", status="withdrawn", themes="[housing]", needs="[photography]"))
    init_repository(site.root)
    commit_all(site.root, "First groups", **AUTHOR, date="2026-10-01T12:00:00")
    site.write("content/groups/open-lab.md", group_text(
        name="Open Lab", themes="[housing]", discussion="https://forum.example.org/lab", review="2027-02-01",
        needs="\n  - skill: data-analysis\n    hours_per_week: 2\n    remote: true"))
    commit_all(site.root, "A newer group", **AUTHOR, date="2026-11-10T12:00:00")
    out, later = _build(site, "out"), _build(site, "next", NEXT_DAY_EPOCH)
    return site, out, later


def _cards(html: str) -> list[str]:
    """Each need card's text on a page, tags dropped and spaces squeezed."""
    cards = re.findall(r'<li class="card need-card">(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", card).split()) for card in cards]


def test_the_board_lists_every_open_need_scarcest_then_newest_first(built):
    site, out, _ = built
    cards = _cards((out / "needs/index.html").read_text())
    assert [card.split(" Asked by")[0] for card in cards] == [
        "Data analysis 2 h/week · remote",                       # nobody could fill it; newest file
        "Data analysis 3 h/week · London",                       # nobody could fill it
        "Graphic design 2 h/week · remote · until 23 November 2026",  # one person; ends soonest
        "Video editing 4 h/week · remote",                       # one person
        "Video editing No hours or place given",                 # the proposal: two people, its author left out
    ]
    assert "Asked by the group Open Lab" in cards[0] and "Nobody could fill it yet" in cards[0]
    # Ana López and Dee Cut both fit the group's video need; Ana is its core team, so only Dee is
    # counted (as match leaves her out). The proposal is Ana's too (its author): Ben and Dee.
    assert "1 person could fill it" in cards[3] and "Cut the campaign film." in cards[3]
    assert "Asked by the proposal Free buses for everyone under 25" in cards[4] and "2 people could fill it" in cards[4]
    page = (out / "needs/index.html").read_text()
    assert 'href="/groups/open-lab/"' in page and 'href="/proposals/free-buses/"' in page
    assert "video-editing" not in re.sub(r'(href|class)="[^"]*"', "", page)  # labels, never raw ids
    # Not on the board: the filled need, the need that ended yesterday, the withdrawn proposal's.
    assert "Public speaking" not in page and "GIS" not in page and "Photography" not in page
    assert 'href="/needs/" aria-current="page"' in page
    assert 'href="/needs/"' in (out / "people/index.html").read_text()  # in the site's navigation


def test_a_need_leaves_the_board_the_day_after_its_until(built):
    _, out, later = built
    assert "Graphic design" in (out / "needs/index.html").read_text()
    page = (later / "needs/index.html").read_text()
    assert len(_cards(page)) == 4 and "Graphic design" not in page
    group = (later / "groups/better-buses/index.html").read_text()
    closed = group.split("Filled or ended")[1]
    assert re.search(r"badge-ended\">ended</span> Graphic design", closed)


def test_the_group_page_shows_filled_and_ended_needs_apart_from_the_open_ones(built):
    _, out, _ = built
    page = (out / "groups/better-buses/index.html").read_text()
    open_part, closed = page.split("Filled or ended")
    assert "Needs help: 3" in open_part
    assert re.search(r"badge-now\">filled</span> Public speaking", closed)
    assert re.search(r"badge-ended\">ended</span> GIS and mapping", closed)
    assert "Public speaking" not in open_part


def test_skill_and_region_pages_list_their_open_needs_beside_the_people(built):
    _, out, _ = built
    skill = (out / "skills/video-editing/index.html").read_text()
    needs = skill.split('id="needs-heading"')[1].split('id="people-heading"')[0]
    assert [card.split(" Asked by")[0] for card in _cards(needs)] == [
        "Video editing 4 h/week · remote", "Video editing No hours or place given"]
    assert 'href="/feeds/needs/skills/video-editing.atom.xml"' in skill
    assert "Ana López" in skill.split('id="people-heading"')[1]
    region = (out / "regions/london/index.html").read_text()
    assert [card.split(" Asked by")[0] for card in _cards(region)] == ["Data analysis 3 h/week · London"]
    assert "Nobody is asking for this skill right now." in (out / "skills/python/index.html").read_text()


def _feed(path):
    feed = feedparser.parse(path.read_text())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_needs_feeds_are_valid_atom_with_ids_that_survive_another_build_date(built):
    _, out, later = built
    every = _feed(out / "feeds/needs.atom.xml")
    assert every.feed.title == "Joined Up: needs"
    assert len(every.entries) == 5
    newest = every.entries[0]
    assert newest.title == "Data analysis for Open Lab" and newest.link == "/groups/open-lab/"
    assert newest.updated.startswith("2026-11-10")
    assert newest.id.startswith("urn:uuid:")
    assert {tag.term for tag in newest.tags} == {"skill:data-analysis", "remote"}
    skill = _feed(out / "feeds/needs/skills/video-editing.atom.xml")
    assert sorted(entry.title for entry in skill.entries) == [
        "Video editing for Better Buses Collective", "Video editing for Free buses for everyone under 25"]
    assert [entry.title for entry in _feed(out / "feeds/needs/regions/london.atom.xml").entries] == [
        "Data analysis for Better Buses Collective"]
    assert _feed(out / "feeds/needs/regions/wales.atom.xml").entries == []

    before = {entry.title: (entry.id, entry.updated) for entry in every.entries}
    after = {entry.title: (entry.id, entry.updated) for entry in _feed(later / "feeds/needs.atom.xml").entries}
    assert len(after) == 4 and all(before[title] == after[title] for title in after)
    assert len({entry.id for entry in every.entries}) == 5
    page = (out / "skills/video-editing/index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml"' in page and "feeds/needs/skills/video-editing" in page


def test_agenda_calendars_hold_closing_and_review_dates_as_all_day_events(built):
    _, out, later = built
    calendar = icalendar.Calendar.from_ical((out / "calendar/agenda.ics").read_bytes())
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == ["Consultation closes: Free buses for everyone under 25",
                              "Review of Better Buses Collective", "Review of Open Lab"]
    closes = events["Consultation closes: Free buses for everyone under 25"]
    assert closes.decoded("DTSTART") == dt.date(2026, 12, 5) and closes.decoded("DTEND") == dt.date(2026, 12, 6)
    assert "VALUE=DATE" in closes.to_ical().decode()
    assert closes.decoded("DTSTAMP") == dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
    transport = icalendar.Calendar.from_ical((out / "calendar/themes/transport.ics").read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in transport.walk("VEVENT")) == [
        "Consultation closes: Free buses for everyone under 25", "Review of Better Buses Collective"]
    next_day = icalendar.Calendar.from_ical((later / "calendar/agenda.ics").read_bytes())
    assert sorted(str(e["UID"]) for e in next_day.walk("VEVENT")) == sorted(str(e["UID"]) for e in events.values())
    assert 'href="/calendar/agenda.ics"' in (out / "proposals/index.html").read_text()
    assert 'href="/calendar/themes/transport.ics"' in (out / "themes/transport/index.html").read_text()


def test_groups_and_needs_data_validate_against_their_published_schemas_and_hold_nothing_private(built):
    site, out, _ = built
    for name in ("groups", "needs", "pool"):
        schema = json.loads((out / f"schema/{name}.json").read_text())
        document = json.loads((out / f"data/{name}.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(document)
        assert document["version"] == 1
        text = (out / f"data/{name}.json").read_text()
        assert "@example.org" not in text and "ana-lopez\"" not in text.replace('"id":"ana-lopez"', "")
    # The people other sites draw on (docs/federation.md): what matching reads, no bio, no contact.
    people = json.loads((out / "data/pool.json").read_text())["people"]
    assert people and all(set(person) == {"id", "name", "headline", "place", "region", "remote", "hours_per_week",
                                          "from", "until", "skills", "updated"} for person in people)
    needs = json.loads((out / "data/needs.json").read_text())["needs"]
    assert [(n["id"], n["could_fill"]) for n in needs] == [
        ("content/groups/open-lab.md#data-analysis@remote", 0),
        ("content/groups/better-buses.md#data-analysis@london", 0),
        ("content/groups/better-buses.md#graphic-design@remote", 1),
        ("content/groups/better-buses.md#video-editing@remote", 1),
        ("content/proposals/free-buses.md#video-editing", 2),
    ]
    groups = json.loads((out / "data/groups.json").read_text())["groups"]
    buses = next(group for group in groups if group["slug"] == "better-buses")
    assert [(n["skill"], n["state"]) for n in buses["needs"]] == [
        ("video-editing", "open"), ("graphic-design", "open"), ("gis-mapping", "ended"),
        ("public-speaking", "filled"), ("data-analysis", "open")]
    assert buses["core_team"] == [{"id": "ana-lopez", "name": "Ana López", "url": "/people/ana-lopez/"}]
    assert "email" not in json.dumps(buses)


def test_a_need_status_other_than_open_or_filled_is_refused_at_its_line(site):
    site.profile("ana-lopez")
    site.write("content/groups/better-buses.md", group_text(
        discussion="https://forum.example.org/buses",
        needs="\n  - skill: video-editing\n    hours_per_week: 4\n    remote: true\n    status: done"))
    result = site.tasks("check")
    assert result.returncode == 1
    assert re.search(r"content/groups/better-buses\.md:\d+:\d+: .*'done'.*open, filled", result.stdout), result.stdout
