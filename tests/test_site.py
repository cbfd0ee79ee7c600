"""The built site as a reader sees it, and the build's promises: atomic, collision-free, safe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from conftest import BUILD_EPOCH, REPO, profile_text
from joinedup.core.markup import render_bio

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")


# Elements inside a line of text: no space is read around them ("(<time>1 May 2026</time>)").
INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "time"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The words a reader sees on the page, whitespace folded."""
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def plain_env():
    # The site repository in tmp_path has no plugins/ of its own: use the project's.
    return {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONPATH": str(REPO / "plugins")}


def build(site, *extra, output="output"):
    return site.tasks("build", "--output", str(site.root / output), *extra)


# --- what a reader sees -------------------------------------------------------------------


def test_profile_page_shows_skills_region_availability_and_remote(site):
    site.profile("ana-lopez")
    build(site, output="output").check_returncode()
    page = visible_text(site.read("output/people/ana-lopez/index.html"))
    assert "Ana López" in page
    assert "Video editor for campaign films" in page
    assert "Video editing expert" in page and "Social media" in page
    assert "Leeds, Yorkshire and the Humber" in page
    assert "Available now, until 1 March 2027" in page
    assert "Can help remotely" in page
    html = site.read("output/people/ana-lopez/index.html")
    assert 'href="/skills/video-editing/"' in html and 'href="/regions/yorkshire/"' in html


def test_availability_markers_follow_the_build_date(site):
    site.profile("ana-lopez", availability="\n  hours_per_week: 4\n  from: 2026-12-01")
    site.profile("bo-li", github="bo-li", availability="\n  hours_per_week: 4\n  until: 2026-11-22")
    build(site).check_returncode()
    assert "Available from 1 December 2026" in visible_text(site.read("output/people/ana-lopez/index.html"))
    assert "Availability ended 22 November 2026" in visible_text(site.read("output/people/bo-li/index.html"))
    later = site.tasks("build", "--output", str(site.root / "later"), env={"SOURCE_DATE_EPOCH": "1796601600"})
    later.check_returncode()  # 2026-12-07
    assert "Available now" in visible_text(site.read("later/people/ana-lopez/index.html"))


def test_skill_and_region_pages_count_the_people(site):
    site.profile("ana-lopez")
    site.profile("bo-li", github="bo-li", skills="\n  - video-editing")
    site.profile("cy-ng", github="cy-ng", skills="\n  - copywriting",
                 location="\n  place: Cardiff\n  region: wales")
    build(site).check_returncode()
    skill = visible_text(site.read("output/skills/video-editing/index.html"))
    assert "2 people offer this skill." in skill
    assert "Ana López" in skill and "cy-ng" not in skill
    overview = site.read("output/skills/index.html")
    assert re.search(r'href="/skills/video-editing/">Video editing</a> <span class="count"[^>]*>2<', overview)
    assert re.search(r'href="/skills/copywriting/">Copywriting</a> <span class="count"[^>]*>1<', overview)
    assert "1 person in Wales." in visible_text(site.read("output/regions/wales/index.html"))
    group = visible_text(site.read("output/skill-groups/video/index.html"))
    assert "2 people offer a skill in this group." in group


def test_directory_is_paginated_and_every_page_links_the_others(site):
    # A hundred rows a page (JOINEDUP_ROWS_PER_PAGE).
    for number in range(105):
        site.profile(f"person-{number}", name=f"Person {number:03d}", github=f"person-{number}")
    build(site).check_returncode()
    first = visible_text(site.read("output/people/index.html"))
    second = site.read("output/people/page/2/index.html")
    assert "105 people are willing to help." in first and "Page 1 of 2" in first
    assert "Person 000" in first and "Person 099" in first and "Person 100" not in first
    assert "Person 100" in visible_text(second) and "Person 104" in visible_text(second)
    assert 'rel="prev" href="/people/"' in second


def test_long_listings_link_the_first_last_and_nearby_pages_not_every_page():
    from joinedup.render.pages import Pagination

    numbers = lambda page: [link and link[0] for link in page.pages]  # noqa: E731
    assert numbers(Pagination(10, 417, "people/", 10_000)) == [1, None, 8, 9, 10, 11, 12, None, 417]
    assert numbers(Pagination(1, 417, "people/", 10_000)) == [1, 2, 3, None, 417]
    assert numbers(Pagination(4, 6, "people/", 140)) == [1, 2, 3, 4, 5, 6]
    assert Pagination(417, 417, "people/", 10_000).pages[-1] == (417, "people/page/417/")


def test_ids_ending_in_digits_and_their_paginated_listings_never_collide(site):
    # Pelican's default patterns write "x 1" page 2 and "x 12" to the same file; ours do not.
    site.profile("sam-patel-1", name="Sam Patel", github="sam-one")
    site.profile("sam-patel-12", name="Sam Patel", github="sam-twelve")
    for number in range(100):
        site.profile(f"page-{number}", name=f"Editor {number}", github=f"editor-{number}")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Sam Patel" in site.read("output/people/sam-patel-1/index.html")
    assert "Sam Patel" in site.read("output/people/sam-patel-12/index.html")
    assert "Editor 9" in site.read("output/people/page-9/index.html")
    assert (site.root / "output/people/page/2/index.html").exists()
    assert (site.root / "output/skills/video-editing/page/2/index.html").exists()


def test_a_page_whose_url_takes_a_directory_page_is_a_collision(site):
    site.profile("ana-lopez")
    site.write("content/pages/people.md", "Title: People\nSlug: people\n\nA page that would overwrite the directory.\n")
    (site.root / "output").mkdir()
    result = build(site)
    assert result.returncode == 1
    assert "JU300" in result.stdout and "people/index.html" in result.stdout
    assert list((site.root / "output").iterdir()) == []


# --- nothing unsafe reaches the page ------------------------------------------------------


def test_email_address_never_appears_in_plain_text(site):
    site.profile("ana-lopez", contact="\n  email: ana@example.org\n  mastodon: \"@ana@example.social\"")
    build(site).check_returncode()
    for page in (site.root / "output").rglob("*.html"):
        assert not EMAIL.search(page.read_text()), page
    text = visible_text(site.read("output/people/ana-lopez/index.html"))
    assert "ana [at] example [dot] org" in text


def test_bio_markdown_is_rendered_and_links_are_marked_ugc(site):
    site.profile("ana-lopez", bio="|\n  I **edit** films. See [my work](https://example.org/films).")
    build(site).check_returncode()
    html = site.read("output/people/ana-lopez/index.html")
    assert "<strong>edit</strong>" in html
    assert '<a href="https://example.org/films" rel="nofollow ugc">my work</a>' in html


def test_html_in_a_bio_is_removed_and_names_are_escaped(site):
    site.profile("ana-lopez", name="'<img src=x onerror=alert(1)>'", bio="|\n  Hello <b>there</b>")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "JU204" in result.stderr  # a warning, shown but not fatal
    html = site.read("output/people/ana-lopez/index.html")
    assert "<b>" not in html and "Hello there" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # Scripts, frames and handlers are refused by the checker (JU409); the sanitiser would
    # remove them anyway.
    bio = str(render_bio('Hello <script>alert(1)</script><iframe src="https://example.org"></iframe> '
                         '<b onclick="x()">there</b>'))
    assert "<script" not in bio and "<iframe" not in bio and "onclick" not in bio


# --- atomic publish -----------------------------------------------------------------------


def test_build_with_errors_exits_1_prints_every_problem_and_keeps_the_old_site(site):
    site.profile("ana-lopez")
    build(site).check_returncode()
    before = {p: p.read_bytes() for p in (site.root / "output").rglob("*") if p.is_file()}
    site.write("volunteers/ana-lopez.yaml", profile_text(headline="Changed", skills="\n  - vidoe-editing"))
    site.write("volunteers/bo-li.yaml", "name: [broken\n")
    result = build(site)
    assert result.returncode == 1
    assert "volunteers/ana-lopez.yaml:6:5: JU101" in result.stdout
    assert "volunteers/bo-li.yaml:1:7: JU001" in result.stdout  # at the '[' that is never closed
    assert "output is unchanged" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    after = {p: p.read_bytes() for p in (site.root / "output").rglob("*") if p.is_file()}
    assert after == before
    # .output-old-* is the replaced site, removed in the background; caches live outside the repository.
    left = sorted(p.name for p in site.root.iterdir() if not p.name.startswith(".output-old"))
    assert left == sorted(["content", "data", "output", "pelicanconf.py", "publishconf.py", "site.yaml", "themes", "volunteers"])


def test_successful_build_replaces_the_whole_output(site):
    site.profile("ana-lopez")
    site.profile("bo-li", github="bo-li")
    build(site).check_returncode()
    (site.root / "volunteers/bo-li.yaml").unlink()
    build(site).check_returncode()
    assert not (site.root / "output/people/bo-li").exists()
    assert (site.root / "output/people/ana-lopez/index.html").exists()


def test_rebuild_after_edits_shows_every_change_and_only_the_changes(site):
    site.profile("ana-lopez")
    site.profile("bo-li", github="bo-li", name="Bo Li")
    build(site).check_returncode()
    untouched = (site.root / "output/people/bo-li/index.html").stat().st_ino
    site.profile("ana-lopez", headline="Now a photographer too")
    build(site).check_returncode()
    assert "Now a photographer too" in site.read("output/people/ana-lopez/index.html")
    assert "Now a photographer too" in site.read("output/people/index.html")
    assert (site.root / "output/people/bo-li/index.html").stat().st_ino == untouched  # linked, not re-rendered
    # A taxonomy change reaches every page that shows it.
    skills = site.read("data/skills.yaml").replace("label: Video editing", "label: Film editing")
    site.write("data/skills.yaml", skills)
    build(site).check_returncode()
    assert "Film editing" in site.read("output/people/ana-lopez/index.html")
    assert "Film editing" in site.read("output/skills/video-editing/index.html")
    # So does a change of the theme.
    template = site.read("themes/joinedup/templates/person.html").replace("Edit this profile", "Change this profile")
    site.write("themes/joinedup/templates/person.html", template)
    build(site).check_returncode()
    assert "Change this profile" in site.read("output/people/bo-li/index.html")


def test_plain_pelican_still_builds_the_site(site):
    site.profile("ana-lopez")
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "plain"],
        cwd=site.root, capture_output=True, text=True, env=plain_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ana López" in (site.root / "plain/people/ana-lopez/index.html").read_text()


def test_plain_pelican_refuses_to_build_broken_content(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(publish=None))
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "plain"],
        cwd=site.root, capture_output=True, text=True, env=plain_env(),
    )
    assert result.returncode != 0
    assert not (site.root / "plain/people/ana-lopez").exists()


# --- the bundled example ------------------------------------------------------------------


def test_example_site_checks_clean(example_repo):
    result = example_repo.tasks("check")
    assert (result.returncode, result.stdout) == (0, "")


def test_example_site_builds_with_a_page_per_person_and_skill(example_repo, example_site: Path):
    people = sorted(p.stem for p in (example_repo.root / "volunteers").glob("*.yaml"))
    assert len(people) >= 30
    for person in people:
        assert (example_site / "people" / person / "index.html").exists(), person
    home = visible_text((example_site / "index.html").read_text())
    assert f"{len(people)} people" in home


def test_every_page_has_one_h1_a_skip_link_and_a_main_landmark(example_site: Path):
    for page in example_site.rglob("*.html"):
        html = page.read_text()
        assert html.count("<h1") == 1, page
        assert '<a class="skip-link" href="#main">' in html, page
        assert '<main id="main"' in html, page


def test_internal_links_of_the_example_site_all_resolve(example_site: Path):
    """Every href and src that stays on the site names a file, and every #fragment an id on it
    (the same check the pull-request workflow runs over the pages it builds)."""
    from joinedup.builder.links import broken_links

    broken, followed = broken_links(example_site)
    assert broken == []
    assert followed > 1000


def test_a_link_to_a_missing_page_or_fragment_is_reported_with_its_page(tmp_path: Path):
    from joinedup.builder.links import BrokenLink, main

    (tmp_path / "people/ana").mkdir(parents=True)
    (tmp_path / "people/ana/index.html").write_text('<h1 id="top">Ana</h1><a href="#top">up</a>')
    (tmp_path / "index.html").write_text(
        '<a href="/people/ana/">Ana</a> <a href="/people/ana/#top">top</a> <a href="/people/bea/">Bea</a> '
        '<a href="people/ana/index.html#bio">bio</a> <a href="https://elsewhere.example/">out</a>')
    from joinedup.builder.links import broken_links

    assert broken_links(tmp_path) == (
        [BrokenLink("index.html", "/people/bea/"), BrokenLink("index.html", "people/ana/index.html#bio")], 5)
    assert main([str(tmp_path)]) == 1
