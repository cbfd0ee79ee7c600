"""Insights for organisers (/insights/, data/insights.json, ``tasks.py insights``): supply and
demand per skill, needs nobody can fill, people and needs per region, availability over the
coming weeks, endorsements per theme. The three agree, and are right for a small movement
whose figures are worked out by hand below."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from content_fixtures import group_text, proposal_text

# The fixtures' build date (conftest.BUILD_EPOCH) is Monday 2026-11-23: week 1 is 23-29
# November, week 2 30 November - 6 December, week 3 from 7 December.
NEEDS = """
  - skill: video-editing
    hours_per_week: 4
    remote: true
    until: 2027-01-31
  - skill: video-editing
    hours_per_week: 8
    region: wales
  - skill: video-editing
    hours_per_week: 2
    remote: true
    until: 2026-11-22
  - skill: gis-mapping
    hours_per_week: 2
    remote: true
  - skill: photography
    hours_per_week: 2
    region: yorkshire"""


def movement(site):
    """Three people with video editing (Ana, remote, all twelve weeks; Bo, remote, until the
    end of week 2; Cy in Wales, from the second day on), Dee with photography in Yorkshire
    whose availability ended; a group asking for video editing twice (remote; in Wales, 8 h)
    and once more with a need ended the day before the build, for GIS mapping (nobody has it)
    and photography in Yorkshire (Dee is not available); a proposal in consultation asking for
    video editing, endorsed by Ana and Bo (transport and climate), and a withdrawn one asking
    for GIS mapping, endorsed by Ana (transport)."""
    site.profile("ana-lopez")
    site.profile("bo-li", name="Bo Li", github="bo-li", skills="\n  - video-editing",
                 location="\n  place: Hackney\n  region: london",
                 availability="\n  hours_per_week: 4\n  until: 2026-12-06", endorses="[free-films]")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", skills="\n  - video-editing", remote="false",
                 location="\n  place: Cardiff\n  region: wales", availability="\n  hours_per_week: 10\n  from: 2026-11-24")
    site.profile("dee-khan", name="Dee Khan", github="dee-khan", skills="\n  - photography", remote="false",
                 availability="\n  hours_per_week: 5\n  until: 2026-11-01")
    site.profile("ana-lopez", endorses="[free-films, old-maps]")
    site.write("content/groups/video-collective.md", group_text(name="Video Collective", needs=NEEDS))
    site.write("content/proposals/free-films.md", proposal_text(
        title="Free films for every campaign", status="consultation", themes="[transport, climate]",
        needs="[video-editing]", consultation_closes="2027-01-15"))
    site.write("content/proposals/old-maps.md", proposal_text(
        title="Old maps", status="withdrawn", themes="[transport]", needs="[gis-mapping]"))
    return site


@pytest.fixture
def built(site):
    movement(site)
    site.tasks("build", "--output", str(site.root / "output"), check=True)
    return site


# What the movement above gives, worked out by hand.
SKILLS = {"Video editing": (3, 3, 0), "GIS and mapping": (0, 1, 1), "Photography": (1, 1, 1)}
WEEKS = [2, 3] + [2] * 10
THEMES = {"Transport": (2, 3, 2), "Climate": (1, 2, 2), "Housing": (0, 0, 0)}


def test_insights_json_has_the_figures_worked_out_by_hand(built):
    data = json.loads(built.read("output/data/insights.json"))
    assert data["version"] == 1 and data["build_date"] == "2026-11-23"
    assert (data["people"], data["remote_people"], data["open_needs"], data["unfilled_needs"]) == (4, 2, 5, 2)
    skills = {s["label"]: (s["people"], s["open_needs"], s["unfilled_needs"]) for s in data["skills"]}
    assert skills == {**{label: figures for label, figures in skills.items() if label not in SKILLS}, **SKILLS}
    assert all(figures[1] == 0 for label, figures in skills.items() if label not in SKILLS)
    # Skills with a gap come first.
    assert [s["label"] for s in data["skills"][:2]] == ["GIS and mapping", "Photography"]
    assert [(u["skills"][0]["label"], u["asked_by"]["name"]) for u in data["unfilled"]] == [
        ("GIS and mapping", "Video Collective"), ("Photography", "Video Collective")]
    assert data["unfilled"][1]["region"] == {"id": "yorkshire", "label": "Yorkshire and the Humber"}
    regions = {r["id"]: (r["people"], r["open_needs"]) for r in data["regions"]}
    assert regions["wales"] == (1, 1) and regions["yorkshire"] == (2, 1) and regions["london"] == (1, 0)
    assert [w["people"] for w in data["availability"]] == WEEKS
    assert data["availability"][1] == {"week": 2, "from": "2026-11-30", "until": "2026-12-06", "people": 3}
    themes = {t["label"]: (t["proposals"], t["endorsements"], t["endorsers"]) for t in data["themes"]}
    assert {label: themes[label] for label in THEMES} == THEMES


def test_page_json_and_command_line_show_the_same_figures(built):
    data = json.loads(built.read("output/data/insights.json"))
    printed = built.tasks("insights", "--json", check=True)
    assert json.loads(printed.stdout) == data

    page = Tables(built.read("output/insights/index.html"))
    assert page.rows("Supply and demand by skill") == [
        [s["label"], str(s["people"]), str(s["open_needs"]), str(s["unfilled_needs"])] for s in data["skills"]]
    assert page.rows("People and open needs by region") == [
        [r["label"], str(r["people"]), str(r["open_needs"])] for r in data["regions"]]
    assert [row[1] for row in page.rows("People available over the coming weeks")] == [
        str(w["people"]) for w in data["availability"]]
    assert page.rows("Endorsements by theme") == [
        [t["label"], str(t["proposals"]), str(t["endorsements"]), str(t["endorsers"])] for t in data["themes"]]

    text = built.tasks("insights", check=True).stdout
    for skill in data["skills"]:
        figures = [str(skill[key]) for key in ("people", "open_needs", "unfilled_needs")]
        assert re.search(rf"^{re.escape(skill['label'])}\s+" + r"\s+".join(figures) + "$", text, re.M), text
    assert "gis-mapping" not in text  # labels, never ids


def test_each_chart_has_a_title_a_description_and_bars_for_the_figures_of_its_table(built):
    html = built.read("output/insights/index.html")
    charts = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
    assert len(charts) == 4
    for chart in charts:
        title, desc = re.search(r'aria-labelledby="([\w-]+) ([\w-]+)"', chart).groups()
        assert re.search(rf'<title id="{title}">[^<]+</title>', chart)
        assert re.search(rf'<desc id="{desc}">[^<]+</desc>', chart)
        assert "style=" not in chart and "<script" not in chart
    skills = next(chart for chart in charts if "Supply and demand by skill" in chart)
    # Each skill's label, then the people and the needs written after their bars.
    assert re.search(r">Video editing</text>.*?>3 people</text>.*?>3 open needs</text>", skills, re.S)
    assert re.search(r">GIS and mapping</text>.*?>0 people</text>.*?>1 open need \(1 unfilled\)</text>", skills, re.S)
    assert skills.count('class="bar-gap"') == 2  # the two skills with a need nobody can fill
    weeks = next(chart for chart in charts if "coming weeks" in chart)
    assert re.findall(r">(\d+) (?:person|people)</text>", weeks) == [str(n) for n in WEEKS]
    assert "style=" not in html.split("<main", 1)[1]


def test_a_need_that_someone_can_fill_leaves_the_gaps(site):
    movement(site)
    site.profile("eve-gis", name="Eve Park", github="eve-gis", skills="\n  - gis-mapping",
                 availability="\n  hours_per_week: 1")  # too few hours: still a gap
    before = json.loads(site.tasks("insights", "--json", check=True).stdout)
    site.profile("eve-gis", name="Eve Park", github="eve-gis", skills="\n  - gis-mapping",
                 availability="\n  hours_per_week: 2")
    after = json.loads(site.tasks("insights", "--json", check=True).stdout)
    assert [u["skills"][0]["id"] for u in before["unfilled"]] == ["gis-mapping", "photography"]
    assert [u["skills"][0]["id"] for u in after["unfilled"]] == ["photography"]


@pytest.mark.parametrize("window, weeks", [
    ("until: 2026-11-29", [1, 0, 0]),        # the last day of week 1: week 1 only
    ("until: 2026-11-28", [0, 0, 0]),        # a day short of week 1
    ("from: 2026-11-30", [0, 1, 1]),         # the first day of week 2
    ("from: 2026-11-23\n  until: 2026-12-06", [1, 1, 0]),
    ("from: 2026-11-24\n  until: 2026-12-13", [0, 1, 1]),
])
def test_a_person_counts_for_the_weeks_their_availability_covers_whole(site, window, weeks):
    site.profile("ana-lopez", availability=f"\n  hours_per_week: 6\n  {window}")
    data = json.loads(site.tasks("insights", "--json", "--weeks", "3", check=True).stdout)
    assert [w["people"] for w in data["availability"]] == weeks
    assert [w["from"] for w in data["availability"]] == ["2026-11-23", "2026-11-30", "2026-12-07"]


class Tables(HTMLParser):
    """The rows of each table of a page, by caption: every cell's text."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = None
        self._in = None
        self._row: list[str] | None = None
        self._body = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td"):
            self._in = tag
            if tag != "caption" and self._row is not None:
                self._row.append("")
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self._row = []

    def handle_endtag(self, tag):
        if tag in ("caption", "th", "td"):
            self._in = None
        elif tag == "tr" and self._row is not None:
            self.tables.setdefault(self._caption, []).append(self._row)
            self._row = None
        elif tag == "tbody":
            self._body = False

    def handle_data(self, data):
        if self._in == "caption":
            self._caption = data.strip()
        elif self._in and self._row is not None:
            self._row[-1] += data.strip()

    def rows(self, caption: str) -> list[list[str]]:
        return self.tables[caption]


def test_the_needs_nobody_can_fill_are_those_the_needs_board_counts_nobody_for(built):
    insights = json.loads(built.read("output/data/insights.json"))
    board = json.loads(built.read("output/data/needs.json"))["needs"]
    assert insights["open_needs"] == len(board)
    assert [(u["asked_by"]["url"], [s["id"] for s in u["skills"]]) for u in insights["unfilled"]] == [
        (need["asked_by"]["url"], need["skills"]) for need in board if need["could_fill"] == 0]
