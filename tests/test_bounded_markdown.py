"""Bounded work per file: Markdown that would stall or crash the build is refused at its line (JU018).

Python-Markdown's work grows with the square of some constructs (``joinedup.load.complexity``): each
body below would take the build minutes to hours, or crash it. ``check`` refuses each in seconds,
at the line where the construct is, and the build publishes nothing. How long each took before,
and the worst body the rules still let through, are measured by
``benchmarks/bench_markdown_worst.py`` (figures in ``benchmarks/README.md``), not here.
"""

from __future__ import annotations

import json
import random
import time

import pytest

from conftest import profile_text
from content_fixtures import group_text, proposal_text
from joinedup.core.markup import render_body
from joinedup.load.groups import GROUP_MAX_BYTES as GROUP_BYTES
from joinedup.load.proposals import PROPOSAL_MAX_BYTES
from joinedup.load.repository import load_repository

BODY = PROPOSAL_MAX_BYTES - 2048  # a body as large as a proposal may hold, front matter aside
INTRO = "Why we want this.\n\n"


def fill(piece: str, size: int = BODY) -> str:
    return piece * (size // len(piece))


def prose(size: int) -> str:
    return fill("Free buses for everyone under twenty-five. ", size)


# Each construct, what the message says, and whether it is reported where the construct starts
# (True) or where its count goes over the limit, further down (False).
CONSTRUCTS = {
    "unclosed-brackets": (fill("["), "'[' (or '(' of links) in this paragraph are never closed", True),
    "unclosed-images": (fill("!["), "'[' (or '(' of links) in this paragraph are never closed", True),
    "unclosed-link-addresses": (fill("[a]("), "'[' (or '(' of links) in this paragraph are never closed", True),
    "brackets-inside-brackets": ("[" * (BODY // 2) + "]" * (BODY // 2), "has '[' inside '[' inside '['", True),
    "unclosed-tags": (fill("<a "), "look like the start of an HTML tag that is never closed", True),
    "unclosed-autolinks": (fill("<https://"), "look like the start of an HTML tag that is never closed", True),
    "headings-without-empty-lines": (fill("# a\n"), "no empty line between them", True),
    "rules-without-empty-lines": (fill("---\n"), "no empty line between them", True),
    "definitions-without-empty-lines": ("a\n" + fill(": b\n"), "no empty line between them", True),
    "code-blocks-never-closed": (fill("~~~a\n"), "This code block (opened with ``` or ~~~) is never closed", True),
    "emphasis-in-one-paragraph": (fill("*a"), "long and has very many formatting marks", True),
    "code-spans-in-one-paragraph": (fill("`a"), "long and has very many formatting marks", True),
    "escapes-in-one-paragraph": (fill("\\["), "long and has very many formatting marks", True),
    "nested-emphasis": ("*a " * (BODY // 6) + "b" + " c*" * (BODY // 6), "long and has very many formatting marks",
                        True),
    "paragraphs": (fill("a\n\n"), "more than 15,000 parts", False),
    "list-items": (fill("- a\n"), "more than 15,000 parts", False),
    "table-rows": ("a|b\n-|-\n" + fill("c|d\n"), "more than 15,000 parts", False),
    "table-row-with-code": ("a|b\n-|-\n" + "`a" * 4000 + "|b\n", "long and has many '`' marks", True),
    "code-never-closed": (fill('"\n\\``>', 24_000), "long and has many '`' marks", True),
    "terms-without-empty-lines": ("".join(f"Term {n}\n: what it means\n" for n in range(40)),
                                  "terms and their definitions (': ') follow one another", False),
    "headings": (fill("## a\n\n", 6 * 600), "more than 500 headings", False),
    "ids": (fill("Text {: #a}\n\n", 14 * 600), "more than 500 ids", False),
    "footnotes": (" ".join(f"[^{n}]" for n in range(600)), "refers to footnotes more than 500 times", False),
    "references-to-one-footnote": (fill("x[^1] ", 6 * 600), "refers to footnotes more than 500 times", False),
    "abbreviations": ("\n\n".join(f"*[A{n}]: x" for n in range(300)), "more than 200 abbreviations", False),
    "abbreviations-and-nested-emphasis": ("*[b]: x\n\n" + "*a " * 500 + "b" + " c*" * 500,
                                          "The text defines abbreviations", False),
    "nested-lists": ("- " * 1000 + "a", "lists or quotes ('>') go more than 32 levels deep", True),
    "nested-numbered-lists": ("1. " * 1000 + "a", "lists or quotes ('>') go more than 32 levels deep", True),
    "nested-quotes": (fill("> ") + "a", "lists or quotes ('>') go more than 32 levels deep", True),
    "nested-html": ("<div>" * 500 + "a", "HTML elements go more than 100 levels deep", False),
    "markdown-in-html": ('<div markdown="1">\n' * 50 + "a\n", "HTML elements with a 'markdown' attribute", False),
}


def first_line_of_construct(text: str) -> int:
    return text[: text.index(INTRO) + len(INTRO)].count("\n") + 1


@pytest.fixture(scope="module")
def pathological(tmp_path_factory):
    """A site whose every proposal holds one construct (and one group, to show groups are checked too)."""
    from conftest import make_site

    site = make_site(tmp_path_factory.mktemp("bounded") / "site")
    site.profile("ana-lopez")
    for name, (construct, _, _) in CONSTRUCTS.items():
        site.write(f"content/proposals/{name}.md", proposal_text(body=INTRO) + construct)
    site.write("content/groups/crowded-group.md", group_text(body=INTRO) + fill("# a\n", GROUP_BYTES - 2048))
    return site


@pytest.fixture(scope="module")
def checked(pathological):
    started = time.monotonic()
    result = pathological.tasks("check", "--format", "json")
    return result, time.monotonic() - started


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_check_refuses_the_construct_at_its_line_with_what_to_change(name, pathological, checked):
    result, _ = checked
    path = f"content/proposals/{name}.md"
    mine = [p for p in json.loads(result.stdout) if p["path"] == path and p["code"] == "JU018"]
    assert mine and {p["severity"] for p in mine} == {"error"}
    _, words, at_start = CONSTRUCTS[name]
    text = pathological.read(path)
    start = first_line_of_construct(text)
    saying = [p for p in mine if words in p["message"]]
    assert saying, [p["message"] for p in mine]
    if at_start:
        assert saying[0]["line"] == start
    else:
        assert start <= saying[0]["line"] <= text.count("\n") + 1
    assert saying[0]["hint"]


def test_check_of_every_construct_at_the_size_limit_answers_quickly_without_a_traceback(checked):
    result, seconds = checked
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert seconds < 60  # converting any one of these bodies takes from a minute to hours
    assert "content/groups/crowded-group.md" in {p["path"] for p in json.loads(result.stdout)}


def test_check_prints_the_problem_as_a_line_a_contributor_can_act_on(site):
    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text(body=INTRO + "See [the map" * 2000 + "\n"))
    result = site.tasks("check")
    assert result.returncode == 1
    assert ("content/proposals/free-buses.md:12:5: JU018 2,000 '[' (or '(' of links) in this paragraph are never "
            "closed, the first one here: the site cannot convert it in reasonable time.\n"
            "    hint: Close each '[' with ']' and each '(' of a link with ')': a link is written "
            "[text](https://example.org). For a bracket that is only text, write '\\[' instead.") in result.stdout


def refused_build(site) -> str:
    """What a build prints that must fail without a traceback and publish nothing."""
    output = site.root / "out"
    result = site.tasks("build", "--output", str(output))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert not output.exists()
    return result.stdout


def test_build_with_a_construct_fails_without_a_traceback_and_publishes_nothing(pathological):
    assert "content/proposals/unclosed-brackets.md:12:1: JU018" in refused_build(pathological)


def test_bio_with_lists_nested_hundreds_deep_is_refused_at_its_line_instead_of_crashing_the_build(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(bio="'" + "- " * 500 + "a'"))
    site.profile("bethan-price", name="Bethan Price", github="bethan-price")
    printed = refused_build(site)
    assert "volunteers/ana-lopez.yaml:22:6: JU018 Here lists or quotes ('>') go more than 32 levels deep" in printed


def long_ordinary_body(size: int) -> str:
    """What a long proposal holds: sections, paragraphs with emphasis and links, lists, tables,
    code, footnotes, definitions and an abbreviation."""
    chance = random.Random(7)
    words = "the council should fund free buses for young people in every town so nobody is cut off".split()

    def sentence() -> str:
        picked = [chance.choice(words) for _ in range(chance.randint(8, 20))]
        picked[0] = f"*{picked[0]}*" if chance.random() < 0.3 else picked[0]
        picked[-1] = f"[{picked[-1]}](https://example.org/{picked[-1]})" if chance.random() < 0.2 else picked[-1]
        return " ".join(picked).capitalize() + "."

    parts = ["*[TfL]: Transport for London", "## Contents\n\n- [Costs](#costs)\n- [Timing](#timing)"]
    while sum(map(len, parts)) < size:
        kind = chance.random()
        if kind < 0.1:
            parts.append(f"## {' '.join(chance.sample(words, 3)).capitalize()}")
        elif kind < 0.2:
            parts.append("\n".join(f"- **{chance.choice(words)}**: {sentence()}" for _ in range(6)))
        elif kind < 0.25:
            parts.append("| town | buses | cost |\n|---|---:|---:|\n" + "\n".join(
                f"| {chance.choice(words)} | {chance.randint(1, 99)} | £{chance.randint(1, 9)}m |" for _ in range(10)))
        elif kind < 0.27:
            parts.append("```\nfare = 0 if age < 25 else full_fare\n```")
        elif kind < 0.29:
            parts.append(f"Fares[^{len(parts)}] and TfL.\n\n[^{len(parts)}]: {sentence()}")
        elif kind < 0.3:
            parts.append(f"Fare cap\n:   {sentence()}")
        else:
            parts.append(" ".join(sentence() for _ in range(chance.randint(3, 7))))
    return "\n\n".join(parts) + "\n"


def test_a_long_ordinary_proposal_at_the_size_limit_is_accepted_and_converted(site):
    site.profile("ana-lopez")
    body = long_ordinary_body(BODY)
    site.write("content/proposals/free-buses.md", proposal_text(body="") + body)
    repository, problems = load_repository(site.root)
    assert problems == []
    html = render_body(repository.agenda.proposals["free-buses"].body)
    assert html.count("<table>") > 10 and '<abbr title="Transport for London">TfL</abbr>' in html


def test_emphasis_nested_two_thousand_deep_is_published_not_a_crash(site):
    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text(body="## Why\n\n" + "*a " * 2000 + "b" + " c*" * 2000))
    repository, problems = load_repository(site.root)
    assert problems == []
    assert str(render_body(repository.agenda.proposals["free-buses"].body)).count("<em>") == 2000


# --- The site's own pages (content/pages) come through pull requests too ----------------------

def test_a_page_of_the_site_is_bounded_like_a_proposal_body(site):
    site.profile("ana-lopez")
    site.write("content/pages/evil.md", "Title: Evil\nSummary: a page\n\nIntro.\n\n" + "[" * 20_000 + "\n")
    started = time.monotonic()
    result = site.tasks("check")
    assert time.monotonic() - started < 60  # unbounded, Pelican's own Markdown takes longer on this page
    assert result.returncode == 1
    assert "content/pages/evil.md:6:1: JU018 " in result.stdout
    assert "content/pages/evil.md:6:1: JU018 " in refused_build(site)


def test_a_page_in_restructuredtext_cannot_put_a_file_of_the_machine_on_the_site(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4242\n", encoding="utf-8")
    site.profile("ana-lopez")
    site.write("content/pages/evil.rst", f"Evil\n####\n\n.. include:: {secret}\n")
    printed = refused_build(site)
    assert ("content/pages/evil.rst:0:0: JU012 'evil.rst' is not a Markdown page; only .md files are read from "
            "content/pages/.") in printed
    assert "TOP-SECRET" not in printed


def test_the_pages_of_a_new_site_pass_the_checks_of_pages(site):
    site.profile("ana-lopez")
    pages = sorted(path.name for path in (site.root / "content/pages").glob("*.md"))
    assert pages  # the fixture site has its about and privacy pages
    result = site.tasks("check")
    assert result.returncode == 0, result.stdout
