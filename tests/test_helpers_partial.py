"""The "People who could help" partial, rendered from the theme with the model (no Pelican needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import escape

from joinedup.load.repository import load_repository
from joinedup.match.matching import Need
from joinedup.render.globals import theme_globals

THEME = Path(__file__).resolve().parent.parent / "themes/joinedup/templates"


def render(repository, needs) -> str:
    environment = Environment(loader=FileSystemLoader(str(THEME)), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    environment.install_null_translations(newstyle=True)
    names = theme_globals(repository, {"JOINEDUP_HELPERS": 2})
    environment.globals.update(names, SITEURL="")
    # The page plan gives a proposal's or group's page the matches of its needs, as here.
    helping = names["people_who_could_help"](needs)
    return environment.from_string('{% include "partials/helpers.html" %}').render(helping=helping)


def test_each_need_lists_its_best_helpers_with_reasons_and_links_to_a_prefiltered_search(site):
    site.profile("ana-lopez", github="ana")
    site.profile("cy-jones", name="Cy <Jones>", github="cy", skills="[video-editing]", remote="false")
    site.profile("dee-west", name="Dee West", github="dee", skills="[{id: video-editing, level: beginner}]",
                 remote="false")
    site.profile("bo-chen", name="Bo Chen", github="bo", skills="[copywriting]",
                 location="\n  place: Cardiff\n  region: wales")
    repository, _ = load_repository(site.root, build_date=dt.date(2026, 11, 23))
    html = render(repository, [Need(("video-editing",), None, True, 4), Need(("copywriting",), "wales")])
    assert html.count("<h3") == 2
    assert "Video editing · remote · 4 h/week</h3>" in html
    assert "Copywriting · in Wales</h3>" in html
    first = html.split('<section class="need"')[1]
    assert first.index('href="/people/ana-lopez/"') < first.index('href="/people/cy-jones/"')
    assert "dee-west" not in first, "the limit is 2 helpers a need"
    assert '<li class="reason-met">Video editing (expert) ✓</li>' in first
    assert '<li class="reason-met">Video editing ✓</li>' in first
    assert '<li class="reason-unmet">not remote ✗</li>' in first
    assert '<li class="reason-met">4 of 4 hours ✓</li>' in first
    # Changed with issue 21 item 6: the link keeps the hours (and the dates, below).
    assert 'href="/search/?skill=video-editing&amp;remote=yes&amp;hours=4"' in first
    assert str(escape("Cy <Jones>")) in first and "Cy <Jones>" not in first
    second = html.split('<section class="need"')[2]
    assert 'href="/search/?skill=copywriting&amp;region=wales"' in second
    assert "bo-chen" in second and "ana-lopez" not in second, "a skill of the same group is no match"


def test_no_needs_render_nothing_and_an_unmet_need_says_so(site):
    site.profile("ana-lopez", github="ana")
    repository, _ = load_repository(site.root, build_date=dt.date(2026, 11, 23))
    assert render(repository, []).strip() == ""
    html = render(repository, [Need(("bookkeeping",))])
    assert "Nobody in the directory offers this yet." in html
    assert 'href="/search/?skill=bookkeeping"' in html


def test_search_everyone_for_a_need_keeps_its_hours_and_dates(site):
    site.profile("ana-lopez", github="ana")
    repository, _ = load_repository(site.root, build_date=dt.date(2026, 11, 23))
    html = render(repository, [Need(("video-editing",), None, True, 4, dt.date(2026, 12, 1), dt.date(2027, 3, 31))])
    assert 'href="/search/?skill=video-editing&amp;remote=yes&amp;hours=4&amp;from=2026-12-01&amp;until=2027-03-31"' in html
