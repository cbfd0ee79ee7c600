"""The accessibility checks of test_accessibility.py (axe-core's WCAG 2.2 A/AA rules in Chromium,
light and dark, desktop and phone; the Nu HTML Checker), on one page of each kind a site built.

The pull-request check runs this on the fork's own built pages, so a profile or a proposal whose
content breaks a page fails there (check.yml sets JOINEDUP_BUILT_SITE=output). Without that
variable it checks the tests' example site, built by the session's fixture. Each kind is found in
the output: a fixed page (the home page, a listing, search, join, 404) or the first page of its
shape that its listing links to (a person, a proposal, a skill…). A kind every site has must be
there; a person, a proposal and a group only once the site has one (a new fork may have none).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest

import checkers
from chromium import StaticServer
from test_accessibility import HEADING, MODES, axe_browser, emulate, unavailable  # noqa: F401 (a fixture)

BUILT_SITE = "JOINEDUP_BUILT_SITE"
# Each kind of page: its file in the output, or (the listing, the folder) for the first page of
# that folder the listing links to.
KINDS: dict[str, str | tuple[str, str]] = {
    "home": "index.html",
    "people": "people/index.html",
    "person": ("people/index.html", "people"),
    "proposals": "proposals/index.html",
    "proposals by breadth": "proposals/by-breadth/index.html",
    "proposal": ("proposals/index.html", "proposals"),
    "groups": "groups/index.html",
    "group": ("groups/index.html", "groups"),
    "needs": "needs/index.html",
    "skills": "skills/index.html",
    "skill": ("skills/index.html", "skills"),
    "skill group": ("skills/index.html", "skill-groups"),
    "regions": "regions/index.html",
    "region": ("regions/index.html", "regions"),
    "themes": "themes/index.html",
    "theme": ("themes/index.html", "themes"),
    "statuses": "status/index.html",
    "status": ("status/index.html", "status"),
    "search": "search/index.html",
    "join": "join/index.html",
    "insights": "insights/index.html",
    "breadth": "insights/breadth/index.html",
    "not found": "404.html",
}
# Kinds that exist only once the site has such content.
CONTENT = {"person", "proposal", "group"}


def pages_of_each_kind(output: Path) -> dict[str, str | None]:
    """The page (relative to ``output``) checked for each kind; None where the site has none."""
    found: dict[str, str | None] = {}
    for kind, where in KINDS.items():
        if isinstance(where, str):
            found[kind] = where if (output / where).is_file() else None
            continue
        listing, folder = where
        text = (output / listing).read_text(encoding="utf-8") if (output / listing).is_file() else ""
        # The first item, not the listing in its other order (render.pages.BY_BREADTH).
        first = re.search(rf'href="(?:https?://[^"/]+)?/{re.escape(folder)}/(?!by-breadth/)([^/"?#]+)/"', text)
        found[kind] = f"{folder}/{first.group(1)}/index.html" if first else None
    return found


def heading(page: Path) -> str:
    """The text of the page's first h1, as the browser gives it (HEADING)."""
    h1 = page.read_text(encoding="utf-8").split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1)).split())


@pytest.fixture(scope="module")
def built(request) -> Path:
    """The built site to check: JOINEDUP_BUILT_SITE, or the tests' example site."""
    if os.environ.get(BUILT_SITE):
        output = Path(os.environ[BUILT_SITE]).resolve()
        assert (output / "index.html").is_file(), f"{BUILT_SITE}={os.environ[BUILT_SITE]}: no built site there"
        return output
    return request.getfixturevalue("example_site")


@pytest.fixture(scope="module")
def built_served(built):
    with StaticServer(built) as server:
        yield server


def test_the_built_site_has_a_page_of_every_kind(built):
    found = pages_of_each_kind(built)
    assert [kind for kind, page in found.items() if page is None and kind not in CONTENT] == []
    for kind, page in found.items():
        assert page is None or (built / page).is_file(), f"the {kind} page {page} is linked to but missing"
    if not os.environ.get(BUILT_SITE):
        # The example site has every kind: the first of each listing.
        assert {kind: page.removesuffix("index.html") for kind, page in found.items()} == {
            "home": "", "people": "people/", "person": "people/aisha-rahman/", "proposals": "proposals/",
            "proposals by breadth": "proposals/by-breadth/",
            "proposal": "proposals/a-bus-network-for-everyone/", "groups": "groups/",
            "group": "groups/better-buses/", "needs": "needs/", "skills": "skills/", "skill": "skills/community-organising/",
            "skill group": "skill-groups/organising/", "regions": "regions/", "region": "regions/north-east/",
            "themes": "themes/", "theme": "themes/housing/", "statuses": "status/", "status": "status/draft/",
            "search": "search/", "join": "join/", "insights": "insights/", "breadth": "insights/breadth/",
            "not found": "404.html"}


@pytest.mark.parametrize("kind", KINDS)
def test_one_page_of_each_kind_has_no_wcag_22_aa_violations_light_and_dark(axe_browser, built, built_served,
                                                                             kind):
    found = pages_of_each_kind(built)
    page = found[kind]
    if page is None:
        assert kind in CONTENT, f"the site has no {kind} page"
        pytest.skip(f"the site has no {kind} page yet")
    path = "/" + page.removesuffix("index.html")
    ready = "true"
    if kind == "search" and found["person"]:
        # The search page with results: the first word of a person's name, which finds them.
        word = heading(built / found["person"]).split()[0]
        path += f"?q={quote(word)}"
        ready = ("!document.getElementById('search-form').hasAttribute('aria-busy')"
                 " && document.getElementById('search-results').children.length > 0")
    emulate(axe_browser, *MODES[0])
    axe_browser.goto(built_served.url + path)
    axe_browser.wait_for(ready)
    assert axe_browser.evaluate(HEADING) == heading(built / page), f"{path} is not the {kind} page"
    failures = []
    for scheme, width, height in MODES:
        emulate(axe_browser, scheme, width, height)
        failures += checkers.describe_violations(f"{kind} {path} ({scheme}, {width} px)",
                                                 checkers.run_axe(axe_browser))
    assert failures == [], "\n".join(failures)


def test_one_page_of_each_kind_is_valid_html(built):
    pages = [built / page for page in pages_of_each_kind(built).values() if page]
    try:
        errors = checkers.run_vnu(built, pages)
    except checkers.Unavailable as missing:
        unavailable(str(missing))
    assert len(pages) >= len(KINDS) - len(CONTENT)
    assert errors == [], "\n".join(errors)
