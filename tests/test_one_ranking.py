"""One ranking everywhere: the search page (real headless Chromium, from the facet files) and
`search` (the real Whoosh index) list the same people, in the same order, with the same scores
and reasons, for the organiser queries of benchmarks/ranking_table.py, on the tests' example site."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from ranking_table import QUERIES, browser_results, compare, same  # noqa: E402


def test_browser_and_cli_rank_the_same_people_in_the_same_order_with_the_same_reasons(browser, served, example_repo,
                                                                                      example_site):
    today = json.loads((example_site / "search/facets/index.json").read_text())["today"]

    def search(flags):
        return example_repo.tasks("search", *flags, "--json", check=True).stdout

    found = compare(browser, served.url, search, today, limit=20)
    assert sum(1 for *_rest, browser_rows, _cli in found if browser_rows) >= 8, "queries that find somebody"
    for what, address, flags, browser_rows, cli_rows in found:
        assert same(browser_rows, cli_rows), (what, address, flags, browser_rows, cli_rows)


def test_search_page_puts_an_ended_availability_last_with_its_reason_and_shows_the_badges(browser, served):
    rows = browser_results(browser, f"{served.url}/search/?skill=video-editing", 20)
    scores = [float(score) for _id, score, _reasons in rows]
    assert scores == sorted(scores, reverse=True) and len(rows) >= 3
    ended = [row for row in rows if any(reason.startswith("availability ended") for reason in row[2])]
    assert ended and rows[-len(ended):] == ended
    meta = browser.evaluate("[...document.querySelectorAll('#search-results .person-card .meta')]"
                            ".map(p => [...p.querySelectorAll('.badge')].map(b => b.className).join(' ')"
                            " + '|' + p.textContent)")
    assert all("badge-now" in line or "badge-later" in line or "badge-ended" in line for line in meta)
    assert any("badge-remote" in line for line in meta) and all("h/week" in line for line in meta)


def test_hours_can_ask_for_four_and_a_needs_link_keeps_its_hours_and_dates(browser, served):
    rows = browser_results(browser, f"{served.url}/search/?skill=video-editing&hours=4&until=2027-03-31", 20)
    assert rows and all(any(" of 4 hours" in reason for reason in reasons) for _id, _score, reasons in rows)
    assert browser.evaluate("document.getElementById('search-hours').value") == "4"
    assert browser.evaluate("document.getElementById('search-until').value") == "2027-03-31"
