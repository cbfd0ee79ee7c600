"""The same organiser queries on the search page (headless Chromium) and through `search` (the
Whoosh index): the top people of each, side by side, with their scores and reasons.

    python benchmarks/ranking_table.py ROOT OUTPUT [--out table.md]

ROOT is the repository (for `python tasks.py search`), OUTPUT its built site. The script
fails (exit 1) if the two disagree on any query. tests/test_one_ranking.py runs the same
comparison on the tests' own example site.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

# (what an organiser asks, the search page's address parameters)
QUERIES = [
    ("video editing, remote, 4 h a week, this month",
     [("skill", "video-editing"), ("remote", "yes"), ("hours", "4"), ("availability", "now"), ("until", "2026-11-30")]),
    ("video editing, anyone", [("skill", "video-editing")]),
    ("door-knocking in Yorkshire", [("skill", "door-knocking"), ("region", "yorkshire")]),
    ("Arabic translation, remote, 2 h a week", [("skill", "translation-ar"), ("remote", "yes"), ("hours", "2")]),
    ("a rare skill: GIS mapping", [("skill", "gis-mapping")]),
    ("Welsh translation in Wales", [("skill", "translation-cy"), ("region", "wales")]),
    ("community organising, at least 6 h, until March", [("skill", "community-organising"), ("hours", "6"),
                                                           ("until", "2027-03-31")]),
    ("copywriting and social media", [("skill", "copywriting"), ("skill", "social-media")]),
    ("the word 'campaign', available now", [("q", "campaign"), ("availability", "now")]),
    ("anyone in London, remote", [("region", "london"), ("remote", "yes")]),
    # Free words, no filter: each whole but the last, which may be the start of a longer word.
    ("the words 'local camp'", [("q", "local camp")]),
]
TOP = 5


def cli_flags(params: list[tuple[str, str]], today: str) -> list[str]:
    """The `search` arguments asking what the page's ``params`` ask."""
    flags: list[str] = []
    for key, value in params:
        if key == "q":
            flags.insert(0, value)
        elif key == "skill":
            flags += ["--skill", value]
        elif key == "region":
            flags += ["--region", value]
        elif key == "remote":
            flags.append("--remote")
        elif key == "hours":
            flags += ["--min-hours", value]
        elif key == "availability" and value == "now":
            flags += ["--available-on", today]
        elif key == "until":
            flags += ["--until", value]
        else:
            raise ValueError(f"no flag for {key}={value}")
    return flags


def cli_results(stdout: str) -> list[tuple[str, str, list[str]]]:
    """The rows of ``search --json``'s output."""
    return [(item["id"], f"{item['score']:.1f}", item["reasons"]) for item in json.loads(stdout)]


def run_search(root: Path):
    """A function running ``python tasks.py search FLAGS --json`` in ``root``, returning its output."""
    def run(flags: list[str]) -> str:
        return subprocess.run([sys.executable, str(root / "tasks.py"), "search", *flags, "--json"], cwd=root,
                              capture_output=True, text=True, check=True).stdout
    return run


STATUS = "document.getElementById('search-status').textContent"
ROWS = ("[...document.querySelectorAll('#search-results li.person-card')].map(li => [li.dataset.person, "
        "li.dataset.score, [...li.querySelectorAll('.reasons li')].map(r => r.textContent)])")


def browser_results(page, url: str, limit: int) -> list[tuple[str, str, list[str]]]:
    page.goto(url)
    page.wait_for(f"!document.getElementById('search-form').hasAttribute('aria-busy') && "
                  f"/\\d|Nobody|Personne/.test({STATUS})")
    return [tuple(row) for row in page.evaluate(ROWS)][:limit]


def compare(page, site_url: str, search, today: str, queries=QUERIES, limit: int = TOP):
    """For each query: (what, address, flags, browser rows, CLI rows); ``search(flags)`` runs
    ``search`` with ``--json`` added and returns its output."""
    found = []
    for what, params in queries:
        address = f"/search/?{urlencode(params)}"
        flags = cli_flags(params, today)
        found.append((what, address, flags, browser_results(page, site_url + address, limit),
                      cli_results(search([*flags, "--limit", str(limit)]))))
    return found


def same(browser, cli) -> bool:
    return [list(row) for row in browser] == [list(row) for row in cli]


def table(found) -> str:
    lines = ["| # | query | browser (`/search/?…`) and CLI (`search …`) | top 5: id · score · reasons | same |",
             "|---|---|---|---|---|"]
    for number, (what, address, flags, browser, cli) in enumerate(found, 1):
        people = "<br>".join(f"{n}. {person} · {score} · {', '.join(reasons)}"
                             for n, (person, score, reasons) in enumerate(browser, 1)) or "nobody"
        command = " ".join(f'"{flag}"' if " " in flag else flag for flag in flags)
        lines.append(f"| {number} | {what} | `{address}`<br>`search {command}` | {people} | "
                     f"{'yes' if same(browser, cli) else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    from chromium import Chromium, StaticServer, find_chromium

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    index = json.loads((args.output / "search/facets/index.json").read_text())
    with StaticServer(args.output) as server, Chromium(find_chromium()) as page:
        found = compare(page, server.url, run_search(args.root.resolve()), index["today"])
    text = table(found)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0 if all(same(browser, cli) for _w, _a, _f, browser, cli in found) else 1


if __name__ == "__main__":
    sys.exit(main())
