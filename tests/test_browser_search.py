"""The search page in real headless Chromium, over the built example site served on 127.0.0.1."""

from __future__ import annotations

import os

import pytest

from chromium import Chromium, StaticServer, find_chromium

NAMES = "[...document.querySelectorAll('#search-results h3')].map(e => e.textContent)"
STATUS = "document.getElementById('search-status').textContent"


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        message = "Chromium is not installed (.ci/run installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; browser tests must run in CI")
        pytest.skip(message)
    with Chromium(executable) as chromium:
        yield chromium


@pytest.fixture(scope="session")
def served(example_site):
    with StaticServer(example_site) as server:
        yield server


@pytest.fixture
def page(browser, served):
    browser.events.clear()
    yield browser
    assert browser.problems() == []


def results_settle(page, expected_count_text: str):
    page.wait_for(f"{STATUS}.startsWith({expected_count_text!r}) && !document.getElementById('search-form')"
                  ".hasAttribute('aria-busy')")
    return page.evaluate(NAMES)


def test_typing_words_then_ticking_a_skill_narrows_to_the_expected_people(page, served):
    page.goto(f"{served.url}/search/")
    page.evaluate("document.getElementById('search-q').focus()")
    page.type_text("campaign")
    everyone = results_settle(page, "10 results.")
    assert {"Ana López", "Liam Doherty", "Emma Clarke"} <= set(everyone)
    assert everyone == sorted(everyone), "word matches come in directory order"
    # Keyboard only: open the skill group with Enter, then tick the skill with Space.
    checkbox = "document.querySelector('input[name=skill][value=video-editing]')"
    assert page.evaluate(f"{checkbox}.closest('details').open") is False
    page.evaluate(f"{checkbox}.closest('details').querySelector('summary').focus()")
    page.press("Enter", "Enter", 13, "\r")
    page.wait_for(f"{checkbox}.closest('details').open")
    page.evaluate(f"{checkbox}.focus()")
    assert page.evaluate(f"document.activeElement === {checkbox}")
    page.press(" ", "Space", 32)
    assert sorted(results_settle(page, "2 results")) == ["Ana López", "Liam Doherty"]
    assert page.evaluate("location.search") == "?q=campaign&skill=video-editing"
    links = page.evaluate("[...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href'))")
    assert sorted(links) == ["/people/ana-lopez/", "/people/liam-doherty/"]


def test_words_are_completed_as_typed_and_accents_do_not_matter(page, served):
    page.goto(f"{served.url}/search/?q=Lop")
    assert results_settle(page, "1 result.") == ["Ana López"]
    page.goto(f"{served.url}/search/?q=lopez%20video")
    assert results_settle(page, "1 result.") == ["Ana López"]


def test_words_found_only_in_the_full_text_go_to_pagefind(page, served):
    start = len(page.events)
    page.goto(f"{served.url}/search/?q=portfolio")
    assert results_settle(page, "1 result in the full text.") == ["Ana López"]
    _, urls = page.traffic(start)
    assert any("/pagefind/" in url for url in urls)


def test_reloading_a_shared_url_restores_the_words_and_filters(page, served):
    page.goto(f"{served.url}/search/?q=campaign&skill=video-editing")
    assert sorted(results_settle(page, "2 results")) == ["Ana López", "Liam Doherty"]
    assert page.evaluate("document.getElementById('search-q').value") == "campaign"
    assert page.evaluate("document.querySelector('input[name=skill][value=video-editing]').checked") is True
    assert page.evaluate("document.querySelectorAll('input[type=checkbox]:checked').length") == 1
    assert page.evaluate("document.querySelector('input[name=hours]:checked').value") == ""
    assert page.evaluate("document.querySelector('input[name=skill][value=video-editing]').closest('details').open")


def test_filters_without_words_come_from_the_facet_files_not_pagefind(page, served):
    start = len(page.events)
    page.goto(f"{served.url}/search/?skill=video-editing&remote=yes")
    assert results_settle(page, "2 results") == ["Ana López", "Liam Doherty"]
    _, urls = page.traffic(start)
    assert any("/search/facets/skill/video-editing.bin" in url for url in urls)
    assert not any("/pagefind/" in url for url in urls)
    assert page.evaluate("document.querySelector('select[name=region]').value") == ""


def test_filters_combine_any_of_one_kind_and_all_of_skills(page, served):
    page.goto(f"{served.url}/search/?region=wales")
    wales = results_settle(page, "")
    assert wales and "Rhys Jones" in wales
    page.goto(f"{served.url}/search/?skill=video-editing&skill=photography")
    assert results_settle(page, "2 results") == ["João Silva", "Liam Doherty"]
    page.goto(f"{served.url}/search/?skill=video-editing&region=wales")
    assert results_settle(page, "Nobody matches") == []


def test_hours_are_at_least_the_band_chosen_with_or_without_words(page, served):
    page.goto(f"{served.url}/search/?skill=video-editing&hours=6-10")
    assert results_settle(page, "3 results") == ["Ana López", "João Silva", "Liam Doherty"]
    assert page.evaluate("document.querySelector('input[name=hours]:checked').value") == "6-10"
    page.goto(f"{served.url}/search/?q=portfolio&hours=6-10")
    assert results_settle(page, "1 result in the full text") == ["Ana López"]
    page.goto(f"{served.url}/search/?q=portfolio&hours=11-20")
    assert results_settle(page, "Nobody matches") == []


def test_the_search_page_without_javascript_points_to_the_browse_pages(example_site):
    html = (example_site / "search/index.html").read_text(encoding="utf-8")
    noscript = html.split("<noscript>")[1].split("</noscript>")[0]
    for link in ('href="/skills/"', 'href="/regions/"', 'href="/people/"'):
        assert link in noscript
    form_tag = html.split("<form")[1].split(">")[0]
    assert 'id="search-form"' in form_tag and " hidden\n" in form_tag, "the controls need JavaScript"
    assert '<a href="/search/"' in (example_site / "index.html").read_text(encoding="utf-8")
