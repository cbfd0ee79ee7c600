"""WCAG 2.2 A/AA with axe-core in real Chromium, the Nu HTML Checker, and the keyboard, on the example site.

test_built_site.py runs the same axe rules and Nu checks on one page of each kind of any built
site: the pull-request check runs it on the fork's own pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import checkers
from chromium import missing_tool

SEARCH_READY = ("document.getElementById('search-status').textContent.startsWith({!r})"
                " && !document.getElementById('search-form').hasAttribute('aria-busy')")
# One page of every template, the search page with words and filters applied: where it is, the
# start of its heading (so a test that landed on another page, a 404 say, fails), and when it is ready.
PAGES = {
    "home": ("/", "Joined Up", "true"),
    "directory": ("/people/", "People", "true"),
    # Kwame could help with needs: his page has "Where you could help" (with reasons not met).
    # (Ana's has none: the needs she could fill are her own group's and proposals'.)
    "profile": ("/people/kwame-mensah/", "Kwame Mensah", "document.querySelectorAll('.could-help-list li').length > 0"),
    "skills": ("/skills/", "Skills", "true"),
    "skill": ("/skills/video-editing/", "Video editing", "true"),
    "skill group": ("/skill-groups/video/", "Video and photography", "true"),
    "regions": ("/regions/", "Regions", "true"),
    "region": ("/regions/london/", "London", "true"),
    "proposals": ("/proposals/", "Proposals", "true"),
    "proposals by breadth": ("/proposals/by-breadth/", "Proposals", "true"),
    "proposal": ("/proposals/rent-controls-for-tenancies/", "Rent rises capped at inflation for every tenancy", "true"),
    "synthesis": ("/proposals/a-bus-network-for-everyone/", "A bus network for everyone", "true"),
    "themes": ("/themes/", "Themes", "true"),
    "theme": ("/themes/transport/", "Transport", "true"),
    "statuses": ("/status/", "Proposals by status", "true"),
    "status": ("/status/consultation/", "Open for consultation", "true"),
    "groups": ("/groups/", "Groups", "true"),
    "needs": ("/needs/", "Needs", "true"),
    "group": ("/groups/better-buses/", "Better Buses Collective", "true"),
    "search with filters": ("/search/?q=campaign&skill=video-editing&remote=yes", "Search",
                            SEARCH_READY.format("2 results")),
    "proposal search": ("/search/?type=proposal&status=consultation", "Search", SEARCH_READY.format("2 results")),
    "insights": ("/insights/", "Insights", "true"),
    "breadth": ("/insights/breadth/", "How breadth of support is counted", "true"),
    "privacy": ("/privacy/", "Privacy", "true"),
    "not found": ("/404.html", "Page not found", "true"),
}
HEADING = "document.querySelector('h1').textContent.split(/\\s+/).join(' ').trim()"
# How each page is checked: the desktop in the light scheme, a phone in the dark one.
MODES = (("light", 1280, 900), ("dark", 360, 780))


def unavailable(reason: str):
    """A checker (axe-core from npm, the Nu HTML Checker on Java) cannot be had: fail, unless
    skipping was asked for (chromium.missing_tool)."""
    missing_tool(reason)


@pytest.fixture(scope="module")
def axe_browser(browser):
    """The session's Chromium with axe-core loaded into every document it opens."""
    try:
        source = checkers.axe_source()
    except checkers.Unavailable as missing:
        unavailable(str(missing))
    script = browser.send("Page.addScriptToEvaluateOnNewDocument", source=source)["identifier"]
    yield browser
    browser.send("Page.removeScriptToEvaluateOnNewDocument", identifier=script)
    browser.send("Emulation.clearDeviceMetricsOverride")
    browser.send("Emulation.setEmulatedMedia", features=[])


def emulate(browser, scheme: str, width: int, height: int) -> None:
    browser.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                 mobile=width < 600)
    browser.send("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])


@pytest.mark.parametrize("name", PAGES)
def test_every_template_has_no_wcag_22_aa_violations_light_and_dark(axe_browser, served, name):
    path, heading, ready = PAGES[name]
    emulate(axe_browser, *MODES[0])
    axe_browser.goto(served.url + path)
    axe_browser.wait_for(ready)
    assert axe_browser.evaluate(HEADING).startswith(heading), f"{path} is not the {name} page"
    failures = []
    for scheme, width, height in MODES:
        emulate(axe_browser, scheme, width, height)
        assert axe_browser.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        violations = checkers.run_axe(axe_browser)
        failures += checkers.describe_violations(f"{name} {path} ({scheme}, {width} px)", violations)
    assert failures == [], "\n".join(failures)


def test_every_page_of_the_example_site_is_valid_html(example_site: Path):
    try:
        errors = checkers.run_vnu(example_site)
    except checkers.Unavailable as missing:
        unavailable(str(missing))
    assert len(list(example_site.rglob("*.html"))) > 100
    assert errors == [], "\n".join(errors)


# --- the keyboard ---------------------------------------------------------------------------

FOCUSABLE = """[...document.querySelectorAll('a[href], input, select, button, summary')]
  .filter(e => e.checkVisibility() && !e.disabled && !(e.type === 'radio' && !e.checked))"""
# Each control numbered in the order of the page, with what a person would call it.
NUMBERED = f"{FOCUSABLE}.forEach((e, i) => e.dataset.tabStop = i)"
DESCRIBE = """(e => e === document.body || !e ? 'body' : (e.dataset.tabStop ?? '?') + ' '
  + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[' + e.name + '=' + e.value + ']' : '')
  + (['A', 'SUMMARY', 'BUTTON'].includes(e.tagName) ? ' ' + e.textContent.trim() : ''))"""
FOCUS_STYLE = """(e => { const s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; })"""


def tab(browser, shift: bool = False) -> None:
    modifiers = 8 if shift else 0
    browser.send("Input.dispatchKeyEvent", type="rawKeyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9,
                 modifiers=modifiers)
    browser.send("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9,
                 modifiers=modifiers)


def test_tabbing_through_the_search_page_reaches_every_control_with_a_visible_focus(browser, served):
    browser.events.clear()
    emulate(browser, "light", 1280, 900)
    browser.goto(f"{served.url}/search/?q=campaign")
    browser.wait_for(SEARCH_READY.format("14 results"))
    # Every group of skills opened, so every checkbox is there to be reached.
    browser.evaluate("document.querySelectorAll('.facet-group').forEach(d => d.open = true)")
    browser.evaluate(NUMBERED)
    expected = browser.evaluate(f"{FOCUSABLE}.map({DESCRIBE})")
    assert len(expected) > 60 and any(stop.endswith("input#search-q[q=campaign]") for stop in expected)
    reached, unfocused = [], []
    tab(browser)
    assert browser.evaluate(f"{DESCRIBE}(document.activeElement)") == "0 a Skip to content"
    assert browser.evaluate("document.activeElement.getBoundingClientRect().left >= 0"), "the skip link shows"
    for _ in range(len(expected) + 20):
        here = browser.evaluate(f"{DESCRIBE}(document.activeElement)")
        if reached and here == reached[-1] and "[type=date]" in browser.evaluate(
                "'[type=' + document.activeElement.type + ']'"):
            tab(browser)  # a date field's day, month and year are Tab stops of one control
            continue
        if here == "body" or here in reached:
            break
        reached.append(here)
        if not browser.evaluate(f"{FOCUS_STYLE}(document.activeElement)"):
            unfocused.append(here)
        tab(browser)
    assert reached == expected, "Tab visits every control once, in the order of the page"
    assert unfocused == [], "no visible focus on these"

    # Filters without a mouse: Shift+Tab back to "Can help remotely", tick it with Space.
    remote = "input[name=remote][value=yes]"
    browser.evaluate("document.getElementById('search-q').focus()")
    for _ in range(10):
        if browser.evaluate(f"document.activeElement.matches({remote!r})"):
            break
        tab(browser)
    browser.press(" ", "Space", 32)
    browser.wait_for("location.search === '?q=campaign&remote=yes'")
    assert browser.evaluate(f"document.querySelector({remote!r}).checked")
    assert browser.problems() == []


def test_show_e_mail_address_on_a_profile_reveals_a_mailto_link_to_the_persons_address(browser, served):
    browser.events.clear()
    emulate(browser, "light", 1280, 900)
    browser.goto(f"{served.url}/people/ana-lopez/")
    assert browser.evaluate(HEADING) == "Ana López"
    assert "ana.lopez@example.org" not in browser.evaluate("document.documentElement.outerHTML")
    assert browser.evaluate("document.querySelector('main .email button').textContent") == "Show e-mail address"
    browser.click("main .email button")
    revealed = browser.wait_for("document.activeElement.matches('main .email a')"
                                " && [document.activeElement.href, document.activeElement.textContent]")
    assert revealed == ["mailto:ana.lopez@example.org", "ana.lopez@example.org"]
    assert browser.problems() == []


# --- titles, language, dates ----------------------------------------------------------------


def page_titles(folder: Path) -> dict[str, str]:
    found = {}
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found[page.relative_to(folder).as_posix()] = html.unescape(re.search(r"<title>(.*?)</title>", text).group(1))
    return found


def test_every_page_title_is_unique_and_starts_with_what_the_page_is(example_site: Path):
    titles = page_titles(example_site)
    seen = {}
    for page, title in titles.items():
        seen.setdefault(title, []).append(page)
    assert {title: pages for title, pages in seen.items() if len(pages) > 1} == {}
    for page, title in titles.items():
        h1 = (example_site / page).read_text(encoding="utf-8").split("<h1", 1)[1].split(">", 1)[1]
        h1 = " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1.split("</h1>")[0])).split())
        assert title.startswith(h1), (page, title, h1)
    assert titles["404.html"].startswith("Page not found")


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def test_every_date_shown_is_in_a_time_element_with_its_iso_date(example_site: Path):
    time_element = re.compile(r"<time datetime=\"(\d{4}-\d\d-\d\d)[^\"]*\">([^<]*)</time>")
    dates = 0
    for page in example_site.rglob("*.html"):
        body = page.read_text(encoding="utf-8").split("<body", 1)[1]
        visible = re.sub(r"<[^>]+>", " ", time_element.sub("", body))
        loose = re.search(rf"\b(\d{{1,2}} ({MONTHS}) \d{{4}}|\d{{4}}-\d\d-\d\d)\b", visible)
        assert loose is None, (page, loose and loose.group(0))
        for iso, shown in time_element.findall(body):
            dates += 1
            year, month, day = iso.split("-")
            assert shown in (iso, f"{int(day)} {MONTHS.split('|')[int(month) - 1]} {year}"), (page, iso, shown)
    assert dates > 200


def test_the_page_language_and_the_not_found_page_follow_the_settings(site):
    site.profile("ana-lopez")
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text() + '\nDEFAULT_LANG = "cy"\nSITENAME = "Ymuno"\n')
    site.tasks("build", check=True)
    pages = list((site.root / "output").rglob("*.html"))
    assert len(pages) > 10
    assert {page.read_text(encoding="utf-8").split("<html", 1)[1].split(">", 1)[0] for page in pages} == {
        ' lang="cy"'}
    not_found = site.read("output/404.html")
    assert "<title>Page not found · Ymuno</title>" in not_found
    assert 'href="/search/"' in not_found


def test_a_printed_proposal_keeps_its_text_and_history_and_drops_navigation_and_controls(browser, served):
    emulate(browser, "light", 1280, 900)
    browser.goto(f"{served.url}/proposals/rent-controls-for-tenancies/")
    shown = "[...document.querySelectorAll({!r})].some(e => e.checkVisibility())"
    screen = {selector: browser.evaluate(shown.format(selector))
              for selector in ("nav[aria-label=Main]", ".site-footer", ".page-actions", ".helpers", "h1", ".revisions")}
    browser.send("Emulation.setEmulatedMedia", media="print")
    try:
        printed = {selector: browser.evaluate(shown.format(selector)) for selector in screen}
        link = "document.querySelector('.proposal-body a[href^=http]')"
        href, after = browser.evaluate(f"[{link}.href, getComputedStyle({link}, '::after').content]")
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")
    assert all(screen.values()), screen
    assert printed == {"nav[aria-label=Main]": False, ".site-footer": False, ".page-actions": False,
                       ".helpers": False, "h1": True, ".revisions": True}
    assert after == f'" ({href})"', "a printed link shows where it goes"


def test_timed_escapes_the_text_and_marks_up_only_real_dates():
    from joinedup.render.labels import timed

    assert str(timed("<b>until 2027-02-28</b>, not 2027-02-30, from 1 March 2027")) == (
        '&lt;b&gt;until <time datetime="2027-02-28">2027-02-28</time>&lt;/b&gt;, not 2027-02-30, '
        'from <time datetime="2027-03-01">1 March 2027</time>')
