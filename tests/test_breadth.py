"""Breadth of support: endorsers counted by region and by group, ranked by how widely they spread."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import feedparser
import pytest

from conftest import profile_text
from content_fixtures import group_text, proposal_text
from joinedup.load.repository import load_repository
from joinedup.match.breadth import by_breadth, inverse_simpson, supports

TODAY = dt.date(2026, 11, 23)
REGIONS = ("north-east", "north-west", "yorkshire", "east-midlands", "west-midlands", "east-of-england",
           "london", "south-east")


def endorser(site, id: str, region: str, endorses: str) -> None:
    site.write(f"volunteers/{id}.yaml", profile_text(
        name=id.replace("-", " ").title(), github=id, location=f"\n  place: Somewhere\n  region: {region}",
        endorses=f"[{endorses}]"))


def make_echo_and_spread(site) -> None:
    """'echo' has 40 endorsers, all in Yorkshire and one group; 'spread' has 20, five in each
    of four groups, across eight regions (2 or 3 in each). 'quiet' has none."""
    site.profile("ana-lopez")
    site.write("content/proposals/echo.md", proposal_text(title="Echo chamber proposal"))
    site.write("content/proposals/spread.md", proposal_text(title="Widely supported proposal"))
    site.write("content/proposals/quiet.md", proposal_text(title="Quiet proposal"))
    for n in range(40):
        endorser(site, f"echo-{n:02d}", "yorkshire", "echo")
    for n in range(20):
        endorser(site, f"spread-{n:02d}", REGIONS[n % 8], "spread")
    site.write("content/groups/friends.md", group_text(
        name="Circle of friends", core_team="[ana-lopez]",
        members="[" + ", ".join(f"echo-{n:02d}" for n in range(40)) + "]"))
    for g in range(4):
        site.write(f"content/groups/spread-{g}.md", group_text(
            name=f"Group {g}", core_team="[" + ", ".join(f"spread-{n:02d}" for n in range(g * 5, g * 5 + 5)) + "]"))


def test_inverse_simpson_is_the_number_of_equal_parts():
    assert inverse_simpson([5, 5, 5, 5]) == 4
    assert inverse_simpson([40]) == 1
    assert inverse_simpson([3, 1]) == pytest.approx(1.6)  # 16 / (9 + 1)
    assert inverse_simpson([]) == 0


def test_forty_endorsers_from_one_region_rank_below_twenty_across_eight(site):
    make_echo_and_spread(site)
    repository, found = load_repository(site.root, build_date=TODAY)
    assert [p for p in found if p.severity == "error"] == []
    agenda, directory = repository.agenda, repository.directory
    support = supports(agenda, directory)
    echo, spread, quiet = support["echo"], support["spread"], support["quiet"]
    assert (echo.endorsers, len(echo.regions), len(echo.groups), echo.score) == (40, 1, 1, 1.0)
    assert (spread.endorsers, len(spread.regions), len(spread.groups)) == (20, 8, 4)
    # 20 people over 8 regions as 3,3,3,3,2,2,2,2: 20² / (4·3² + 4·2²) = 400 / 52; four groups of five: 4.
    assert spread.effective_regions == pytest.approx(400 / 52)
    assert spread.effective_groups == pytest.approx(4)
    assert spread.score == pytest.approx((400 / 52 * 4) ** 0.5)
    assert quiet == type(quiet)(0)
    # A plain count would put echo first.
    assert [p.slug for p in by_breadth(agenda.ordered(), support)] == ["spread", "echo", "quiet"]
    assert [label.label for label, _ in spread.regions[:4]] == sorted(
        ["North East England", "North West England", "Yorkshire and the Humber", "East Midlands"])


def test_a_person_in_two_groups_splits_their_share_and_people_in_no_group_do_not_count(site):
    site.profile("ana-lopez", endorses="[buses]")
    site.write("content/proposals/buses.md", proposal_text())
    endorser(site, "bo", "london", "buses")
    endorser(site, "cy", "london", "buses")
    site.write("content/groups/one.md", group_text(name="One", core_team="[ana-lopez]", members="[bo]"))
    site.write("content/groups/two.md", group_text(name="Two", core_team="[ana-lopez]"))
    repository, _ = load_repository(site.root, build_date=TODAY)
    buses = supports(repository.agenda, repository.directory)["buses"]
    # ana: ½ One, ½ Two; bo: 1 One; cy: no group. Weights 1.5 and 0.5: 4 / 2.5.
    assert [(g.name, n) for g, n in buses.groups] == [("One", 2), ("Two", 1)]
    assert buses.ungrouped == 1
    assert buses.effective_groups == pytest.approx(1.6)
    assert [(r.id, n) for r, n in buses.regions] == [("london", 2), ("yorkshire", 1)]


def test_ties_are_broken_by_endorsements_then_title(site):
    site.profile("ana-lopez", endorses="[b-two, a-one, c-three]")
    endorser(site, "bo", "yorkshire", "c-three")
    for slug, title in (("a-one", "Zebra crossings"), ("b-two", "Allotments"), ("c-three", "Cycle lanes")):
        site.write(f"content/proposals/{slug}.md", proposal_text(title=title))
    repository, _ = load_repository(site.root, build_date=TODAY)
    support = supports(repository.agenda, repository.directory)
    assert {support[s].score for s in support} == {1.0}
    assert [p.slug for p in by_breadth(repository.agenda.ordered(), support)] == ["c-three", "b-two", "a-one"]


def text_of(html: str) -> str:
    """The visible words, every run of spaces (no-break ones too) made one space."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import make_site

    site = make_site(tmp_path_factory.mktemp("breadth") / "site")
    make_echo_and_spread(site)
    output = site.root.parent / "output"
    site.tasks("build", "--output", str(output), check=True)
    return output


def test_the_proposal_page_says_how_many_people_regions_and_groups_with_the_breakdown(built):
    html = (built / "proposals/spread/index.html").read_text()
    text = text_of(html)
    assert "Endorsed by 20 people in 8 regions and 4 groups" in text
    assert "breadth score 5.5" in text
    assert 'href="/regions/london/">London</a></th><td class="number">2</td>' in html
    assert 'href="/groups/spread-0/">Group 0</a></th><td class="number">5</td>' in html
    assert '<a href="/insights/breadth/">How is this counted?</a>' in html
    echo = text_of((built / "proposals/echo/index.html").read_text())
    assert "Endorsed by 40 people in 1 region and 1 group" in echo
    assert "Endorsed by 0 people" in text_of((built / "proposals/quiet/index.html").read_text())


def test_the_broadest_first_listing_and_feed_put_twenty_across_eight_regions_above_forty_in_one(built):
    def order(page: str) -> list[str]:
        return re.findall(r'class="card-title"><a href="/proposals/([a-z0-9-]+)/"', (built / page).read_text())

    assert order("proposals/index.html") != ["spread", "echo", "quiet"]  # most recently changed first
    assert order("proposals/by-breadth/index.html") == ["spread", "echo", "quiet"]
    assert order("themes/transport/by-breadth/index.html") == ["spread", "echo", "quiet"]
    assert order("status/draft/by-breadth/index.html") == ["spread", "echo", "quiet"]
    listing = (built / "proposals/by-breadth/index.html").read_text()
    assert '<a href="/proposals/by-breadth/" aria-current="page">broadest support</a>' in listing
    assert '<a href="/proposals/">recently changed</a>' in listing
    assert '<a href="/proposals/by-breadth/">broadest support</a>' in (built / "proposals/index.html").read_text()
    assert "8 regions, 4 groups · breadth 5.5" in text_of(listing)
    feed = feedparser.parse((built / "feeds/proposals-by-breadth.atom.xml").read_bytes())
    assert not feed.bozo
    assert [entry.link.rstrip("/").rpartition("/")[2] for entry in feed.entries] == ["spread", "echo", "quiet"]


def test_how_is_this_counted_is_a_page_of_the_site_whose_example_the_formula_works_out(built):
    """The worked example's second proposal spreads its endorsers as 'spread' does here (3, 3, 3,
    3, 2, 2, 2, 2 across eight regions, four groups of five): the page must give it the score
    the site gives that real proposal, and put it above forty endorsers in one circle."""
    html = (built / "insights/breadth/index.html").read_text()
    text = text_of(html)
    assert "How breadth of support is counted" in text
    rows = re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', html)
    figures = {name: [text_of(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells)] for name, cells in rows}
    assert figures["Echo"] == ["40", "40", "40", "1", "1", "1"]
    assert figures["Spread"] == ["20", "3 + 3 + 3 + 3 + 2 + 2 + 2 + 2", "5 + 5 + 5 + 5", "7.69", "4", "5.5"]
    real = text_of((built / "proposals/spread/index.html").read_text())
    assert f"breadth score {figures['Spread'][-1]}." in real
    assert "/proposals/by-breadth/" in html
    listing = (built / "proposals/by-breadth/index.html").read_text()
    assert '<a href="/insights/breadth/">How is this counted?</a>' in listing


def test_the_broadest_first_listing_is_paginated_like_the_other(site):
    from joinedup.render.pages import plan_agenda

    site.profile("ana-lopez", endorses="[p-04]")
    endorser(site, "bo", "london", "p-04")
    for n in range(5):
        site.write(f"content/proposals/p-{n:02d}.md", proposal_text(title=f"Proposal {n}"))
    repository, _ = load_repository(site.root, build_date=TODAY)
    pages = {page.url: page for page in plan_agenda(repository.agenda, repository.taxonomy, 2,
                                                    directory=repository.directory)}
    recent = [u for u in pages if u.startswith("proposals/") and "by-breadth" not in u]
    broadest = [u for u in pages if u.startswith("proposals/by-breadth/")]
    assert broadest == ["proposals/by-breadth/", "proposals/by-breadth/page/2/", "proposals/by-breadth/page/3/"]
    assert len(recent) == len(broadest)
    assert pages["proposals/by-breadth/"].context["proposals"][0].slug == "p-04"
    assert pages["proposals/by-breadth/page/2/"].context["sorting"] == {
        "recent": "proposals/", "breadth": "proposals/by-breadth/", "active": "breadth"}


def test_a_proposal_cannot_take_the_listings_address(site):
    site.profile("ana-lopez")
    site.write("content/proposals/by-breadth.md", proposal_text())
    _, found = load_repository(site.root, build_date=TODAY)
    assert [(p.path, p.code) for p in found] == [("content/proposals/by-breadth.md", "JU015")]


def test_the_french_site_says_it_in_french_with_french_numbers(tmp_path):
    from conftest import make_site

    site = make_site(tmp_path / "site")
    site.write("site.yaml", site.read("site.yaml").replace("language: en", "language: fr"))
    make_echo_and_spread(site)
    output = tmp_path / "output"
    site.tasks("build", "--output", str(output), check=True)
    page = text_of((output / "proposals/spread/index.html").read_text())
    assert "Soutenue par 20 personnes dans 8 régions et 4 groupes" in page
    assert "indice d'étendue 5,5" in page and "Comment est-ce calculé ?" in page
    echo = text_of((output / "proposals/echo/index.html").read_text())
    assert "Soutenue par 40 personnes dans 1 région et 1 groupe" in echo
    listing = text_of((output / "proposals/by-breadth/index.html").read_text())
    assert "Trier : modifiées récemment | soutien le plus large" in listing
    assert "8 régions, 4 groupes · étendue 5,5" in listing
    counted = text_of((output / "insights/breadth/index.html").read_text())
    assert "Comment l'étendue du soutien est calculée" in counted and "7,69" in counted
