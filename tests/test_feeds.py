"""Atom feeds, sitemap and open data of a site with a real git history."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from content_fixtures import make_history_site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The history site (see content_fixtures.make_history_site), built once for this module."""

    root = tmp_path_factory.mktemp("feeds")
    site = _site_in(root)
    shas = make_history_site(site)
    result = site.tasks("build", "--output", str(site.root / "out"))
    assert result.returncode == 0, result.stderr
    return site, shas


def _site_in(root):
    from conftest import make_site

    return make_site(root / "site")


def parse(site, relative):
    feed = feedparser.parse(site.read(relative))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_feed_of_all_proposals_is_valid_atom_with_one_entry_per_proposal(built):
    site, _ = built
    feed = parse(site, "out/feeds/proposals.atom.xml")
    assert feed.feed.title == "Joined Up: proposals"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["A bus network for everyone", "Public control of every bus network",
                      "Free buses for everyone under 25"]  # most recently changed first
    free = feed.entries[2]
    assert free.link == "/proposals/free-buses/"
    assert free.id.startswith("urn:uuid:")
    assert free.updated == "2026-10-05T18:30:00+01:00"
    assert free.published.startswith("2026-10-01")
    assert free.summary == "Make every local bus journey free for people under 25."
    assert [a.name for a in free.authors] == ["Ana López"]
    assert {t.term for t in free.tags} == {"transport", "status:consultation"}
    assert "<p>Some text.</p>" in free.content[0].value
    assert feed.feed.updated == "2026-10-20T09:15:00+00:00"


def test_theme_feed_holds_only_that_themes_proposals(built):
    site, _ = built
    transport = parse(site, "out/feeds/themes/transport.atom.xml")
    assert len(transport.entries) == 3
    housing = parse(site, "out/feeds/themes/housing.atom.xml")
    assert housing.entries == []
    page = site.read("out/themes/transport/index.html")
    assert 'href="/feeds/themes/transport.atom.xml"' in page


def test_status_changes_feed_has_an_entry_per_change_with_its_author(built):
    site, shas = built
    feed = parse(site, "out/feeds/status-changes.atom.xml")
    changes = [(entry.title, entry.updated) for entry in feed.entries]
    assert changes == [
        ("A bus network for everyone: Synthesis", "2026-10-20T09:15:00+00:00"),
        ("Public control of every bus network: Synthesis", "2026-10-20T09:15:00+00:00"),
        ("Free buses for everyone under 25: Open for consultation", "2026-10-05T18:30:00+01:00"),
        ("Free buses for everyone under 25: Draft", "2026-09-01T10:00:00+01:00"),
    ]
    assert feed.entries[2].summary == ("Open for consultation since 5 October 2026, in a change by Olu Briggs: "
                                       "Open the free buses consultation")
    assert len({entry.id for entry in feed.entries}) == 4


def test_sitemap_lists_every_kind_of_page_once(built):
    site, _ = built
    root = ET.fromstring(site.read("out/sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
               for u in root.findall("s:url", ns)}
    assert entries["/proposals/free-buses/"] == "2026-10-05"
    for url in ("/", "/proposals/", "/themes/", "/themes/transport/", "/status/consultation/", "/groups/",
                "/groups/better-buses/", "/people/ana-lopez/", "/skills/", "/about/"):
        assert url in entries, url
    html_pages = {f"/{p.parent.relative_to(site.root / 'out').as_posix()}/".replace("/./", "/")
                  for p in (site.root / "out").rglob("index.html")}
    # A listing broadest support first is its own address's proposals again: left out, not lost.
    reordered = {page for page in html_pages if "/by-breadth/" in page}
    assert "/themes/transport/by-breadth/" in reordered
    assert html_pages - reordered == set(entries)


def test_a_site_of_more_pages_than_a_sitemap_holds_publishes_an_index_of_sitemaps():
    """Search engines read at most 50,000 addresses a sitemap file: a bigger site's sitemap.xml
    is an index naming parts of at most that many, which list every page once."""
    from joinedup.render.sitemap import MOST_PER_FILE, sitemap

    pages = [(f"people/person-{number}/", None) for number in range(MOST_PER_FILE + 2)] + [("", None)]
    files = sitemap(pages, "https://national.example.org")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    named = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert named == ["https://national.example.org/sitemap-1.xml", "https://national.example.org/sitemap-2.xml"]
    listed = []
    for address in named:
        part = ET.fromstring(files[address.rsplit("/", 1)[1]])
        locs = [loc.text for loc in part.findall("s:url/s:loc", ns)]
        assert 0 < len(locs) <= MOST_PER_FILE
        listed += locs
    assert len(listed) == len(set(listed)) == len(pages)
    assert "https://national.example.org/people/person-50001/" in listed
    # A site within the limit keeps one plain sitemap.
    assert list(sitemap(pages[:10], "")) == ["sitemap.xml"]


def test_open_data_holds_what_the_pages_publish_and_no_email(built):
    site, shas = built
    proposals = json.loads(site.read("out/data/proposals.json"))["proposals"]
    free = next(p for p in proposals if p["slug"] == "free-buses")
    assert free["status"] == "consultation" and free["consultation_closes"] == "2026-12-05"
    assert free["endorsers"] == [{"id": "bethan-price", "name": "Bethan Price", "url": "/people/bethan-price/"}]
    assert free["merged_into"] == ["a-bus-network"]
    assert free["group"] == {"id": "better-buses", "name": "Better Buses Collective", "url": "/groups/better-buses/"}
    assert [(r["author"], r["commit"], r["status"]) for r in free["revisions"]] == [
        ("Olu Briggs", shas["consultation"], "consultation"), ("Mina Okoye", shas["draft"], "draft")]

    people = json.loads(site.read("out/data/people.json"))["people"]
    ana = next(p for p in people if p["id"] == "ana-lopez")
    assert ana["proposals_written"] == ["a-bus-network", "bus-franchising", "free-buses"]
    assert ana["endorses"] == ["a-bus-network"]
    assert "github" not in ana and "email" not in ana["contact"]

    rows = list(csv.DictReader(io.StringIO(site.read("out/data/people.csv"))))
    assert [row["id"] for row in rows] == ["ana-lopez", "bethan-price"]
    assert rows[0]["skills"] == "video-editing (expert); social-media"
    assert rows[1]["endorses"] == "free-buses"
    for name in ("proposals.json", "people.json", "people.csv"):
        text = site.read(f"out/data/{name}")
        assert "ana@example.org" not in text and "secret.example.org" not in text


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(site):
    site.profile("ana-lopez", headline="'=SUM(A1:A9)'")
    result = site.tasks("build", "--output", str(site.root / "out"))
    assert result.returncode == 0, result.stderr
    row = next(csv.DictReader(io.StringIO(site.read("out/data/people.csv"))))
    assert row["headline"] == "'=SUM(A1:A9)"


def test_open_data_leaves_out_the_forge_login_no_page_shows(site):
    site.profile("ana-lopez", github="ana-forge-login")
    result = site.tasks("build", "--output", str(site.root / "out"))
    assert result.returncode == 0, result.stderr
    assert "ana-forge-login" not in site.read("out/people/ana-lopez/index.html")
    for name in ("people.json", "people.csv", "proposals.json"):
        assert "ana-forge-login" not in site.read(f"out/data/{name}")
    assert "Ana López" in site.read("out/data/people.csv")
