#!/usr/bin/env python3
"""Worst-case Markdown bodies at the size limit: what checking and converting each one costs.

    python benchmarks/bench_markdown_worst.py                  # as check and the build meet them
    python benchmarks/bench_markdown_worst.py --unguarded      # converted even when refused
    python benchmarks/bench_markdown_worst.py --only brackets  # the cases whose name has this

Three sets of bodies, most as large as a proposal may be (256 KiB):

* refused: constructs on which Python-Markdown's work grows with the square of their number
  (or that crash it); ``joinedup.load.complexity`` refuses each (JU018), and the row shows where.
* accepted: for each rule of ``joinedup.load.complexity``, the worst body it still lets through,
  just under its limit: what a build may have to convert.
* accepted, but slow in ``privacy.check_body``: what that module's own patterns still stall on.

Each row gives the guard's verdict and time, then the time of converting the body (Markdown,
then the sanitiser nh3) and of the privacy check of links and HTML (``privacy.check_body``),
each in a child process stopped after ``--timeout`` seconds ("> 60" in the table). A refused
body is converted and checked only with ``--unguarded``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from joinedup.core.markup import BODY_TAGS, _converter, sanitise  # noqa: E402
from joinedup.load import complexity as C  # noqa: E402
from joinedup.load.complexity import check_complexity  # noqa: E402
from joinedup.load.privacy import check_body  # noqa: E402
from joinedup.load.proposals import PROPOSAL_MAX_BYTES  # noqa: E402

SIZE = PROPOSAL_MAX_BYTES - 1024  # the body of a proposal at the size limit, front matter aside


def fill(piece: str, size: int = SIZE, separator: str = "") -> str:
    """``piece`` repeated up to ``size`` characters."""
    return separator.join([piece] * max(1, size // (len(piece) + len(separator))))


def prose(size: int) -> str:
    return fill("Free buses for everyone under twenty-five. ", size)


REFUSED = {
    "unclosed [": lambda: fill("["),
    "unclosed ![": lambda: fill("!["),
    "unclosed [^ (footnote)": lambda: fill("[^"),
    "[[[…]]] nested": lambda: "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "[a]( never closed": lambda: fill("[a]("),
    "[a](< never closed": lambda: fill("[a](<"),
    "<![CDATA[ never closed": lambda: fill("<![CDATA["),
    "<a never closed": lambda: fill("<a "),
    "<https:// never closed": lambda: fill("<https://"),
    "<a@ never closed": lambda: fill("<a@"),
    "*a*a*a… in one paragraph": lambda: fill("*a"),
    "*_*_… in one paragraph": lambda: fill("*_"),
    "`a`a`a… in one paragraph": lambda: fill("`a"),
    "\\[\\[\\[… escapes in one paragraph": lambda: fill("\\["),
    "&&&… in one paragraph": lambda: fill("&"),
    "<span> × n in one paragraph": lambda: fill("<span>"),
    "# a lines without empty lines": lambda: fill("# a\n"),
    "--- lines without empty lines": lambda: fill("---\n"),
    "a / === setext headings without empty lines": lambda: fill("a\n=\n"),
    ": definitions without empty lines": lambda: "a\n" + fill(": b\n", SIZE - 2),
    "~~~a fences never closed": lambda: fill("~~~a\n"),
    "paragraphs 'a' × n": lambda: fill("a\n\n"),
    "list items × n": lambda: fill("- a\n"),
    "table rows × n": lambda: "a|b\n-|-\n" + fill("c|d\n", SIZE - 8),
    "table row with ` × n": lambda: "a|b\n-|-\n" + fill("`|", SIZE - 8),
    "escaped '`', then one never closed, × n": lambda: fill('"\n\\``>'),
    "terms and definitions without empty lines": lambda: "".join(f"T{i}\n: d\n" for i in range(1000)),
    "'## a' headings × n": lambda: fill("## a\n\n"),
    "references to one footnote × n": lambda: fill("x[^1] ", SIZE - 10) + "\n\n[^1]: y",
    "footnotes × n": lambda: " ".join(f"[^{i}]" for i in range(SIZE // 24)) + "\n\n"
                              + "".join(f"[^{i}]: x\n" for i in range(SIZE // 24)),
    "abbreviations × n": lambda: "".join(f"*[A{i}]: x\n" for i in range(SIZE // 32)) + "\n"
                                 + " ".join(f"A{i}" for i in range(SIZE // 32)),
    "a word abbreviated × n": lambda: "*[a]: x\n\n" + fill("a "),
    "- - - - a (nested list)": lambda: "- " * 1000 + "a",
    "> > > > a (nested quote)": lambda: fill("> ") + "a",
    "*a *a *a … c* c* (nested emphasis)": lambda: "*a " * (SIZE // 6) + "b" + " c*" * (SIZE // 6),
    "nested emphasis, with an abbreviation": lambda: "*[b]: x\n\n" + "*a " * 1000 + "b" + " c*" * 1000,
    "<div markdown> × 500 nested": lambda: '<div markdown="1">\n' * 500 + "a\n" + "</div>\n" * 500,
    "<div> × n nested (sanitiser)": lambda: fill("<div>"),
}


# For each rule, bodies made of n repetitions of a construct: the benchmark converts the largest
# n the guard accepts (and that fits the size limit), the worst a build may have to convert.
ACCEPTED = {
    "brackets: unclosed '[' before a long paragraph": lambda n: "[" * n + prose(SIZE - n),
    "brackets: paragraphs of 240 '['": lambda n: fill("[" * 240 + "\n\n", n * 242),
    "brackets: '[a](' before a long paragraph": lambda n: "[a](" * n + prose(SIZE - 4 * n),
    "tags: '<a' before a long paragraph": lambda n: "<a " * n + prose(SIZE - 3 * n),
    "blocks: reference definitions without empty lines": lambda n: fill("[a]: b\n", 7 * n),
    "blocks: lines and footnotes without empty lines": lambda n: fill("a_b\n[^1]: x\n", 12 * n),
    "blocks: '# a' lines over a long paragraph": lambda n: "# a\n" * n + prose(SIZE - 4 * n),
    "fences: '~~~a' lines never closed": lambda n: "~~~a\n" * n + prose(SIZE - 5 * n),
    "marks: '*a*' in a long paragraph": lambda n: "*a* " * n + prose(SIZE - 4 * n),
    "marks: '*a*a*a' in 64 KiB paragraphs": lambda n: fill("*a" * n + prose(65_536 - 2 * n) + "\n\n"),
    "parts: paragraphs": lambda n: fill("a\n\n", 3 * n),
    "parts: list items": lambda n: fill("- a\n", 4 * n),
    "parts: table cells": lambda n: "a|b\n-|-\n" + fill("c|d\n", 4 * n),
    "parts: emphasis in short paragraphs": lambda n: fill("*a* *b* *c*\n\n", 13 * n),
    "parts: code blocks": lambda n: fill("```\na\n```\n\n", 11 * n),
    "headings: the same title": lambda n: fill("## a\n\n", 6 * n),
    "headings: the same title and ids": lambda n: fill("## a\n\n", 6 * C.HEADINGS)
                                                  + "".join(f"b {{: #a_{i}}}\n\n" for i in range(n)),
    "footnotes": lambda n: " ".join(f"[^{i}]" for i in range(n)) + "\n\n"
                           + "".join(f"[^{i}]: x\n\n" for i in range(n)),
    "footnotes: references to one": lambda n: "x[^1] " * n + "\n\n[^1]: y",
    "abbreviations over a long text": lambda n: "".join(f"*[A{i}]: x\n" for i in range(n)) + "\n"
                                                + fill("Buses for A1 and A2 riders.\n", SIZE - 12 * n),
    "nesting: lists": lambda n: "".join("    " * i + "- a\n" for i in range(n)),
    "nesting: quotes": lambda n: "> " * n + "a",
    "nesting: emphasis": lambda n: "*a " * n + "b" + " c*" * n,
    "nesting: strong, then emphasis": lambda n: "**" * n + "b" + "*a*a" * n,
    "nesting: emphasis, with an abbreviation": lambda n: "*[b]: x\n\n" + "*a " * n + "b" + " c*" * n,
    "nesting: divs with markdown": lambda n: '<div markdown="1">\n' * n + "a\n" + "</div>\n" * n,
    "nesting: raw <div>, as deep as allowed": lambda n: ("<div>" * C.HTML_NESTING + "</div>" * C.HTML_NESTING
                                                         + "\n\n") * n,
    "code marks: escaped '`', then one never closed": lambda n: fill('"\n\\``>', 6 * n),
    "code marks: table rows": lambda n: "a|b\n-|-\n" + ("`a" * 200 + "|b\n") * n,
    # n percent of each limit at once: the rules add up.
    "all the rules above at once": lambda n: (
        "# a\n" * (n * C.BLOCK_WORK // SIZE // 100) + "~~~a\n" * (n * C.FENCE_WORK // SIZE // 100)
        + "[" * (n * C.BRACKET_WORK // SIZE // 100) + "<a " * (n * C.TAG_WORK // SIZE // 100)
        + "*a* " * (n * C.PARAGRAPH_WORK // SIZE // 200) + prose(SIZE))[:SIZE],
}


# Accepted, and quick to convert, but slow for the pattern privacy.check_body finds code spans
# with (privacy.py): time that grows with the cube of a run of '`'.
PRIVACY_CHECK = {
    "a run of 1,000 '`'": lambda: "a" + "`" * 1000,
    "a run of 2,000 '`'": lambda: "a" + "`" * 2000,
}


def largest_accepted(make) -> str:
    """``make(n)`` for the largest n that the guard accepts and that fits the size limit."""
    def fits(n: int) -> bool:
        text = make(n)
        return len(text) <= SIZE and not check_complexity(text, "body.md", 1)

    low = 1
    while fits(2 * low):
        low *= 2
    high = 2 * low - 1  # low fits, 2 * low does not
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return make(low)


def convert(text: str) -> None:
    sanitise(_converter(1, body=True).reset().convert(text), body=True)


def check_privacy(text: str) -> None:
    check_body(text, "body.md", 1, tags_kept=BODY_TAGS)


def _timed(work, text: str, results) -> None:
    started = time.perf_counter()
    try:
        work(text)
    except RecursionError:
        results.put(None)
        return
    results.put(time.perf_counter() - started)


def seconds(work, text: str, timeout: float) -> str:
    """How long ``work(text)`` takes, in a child process stopped after ``timeout`` seconds."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_timed, args=(work, text, results))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return f"> {timeout:.0f}"
    taken = results.get()
    return "RecursionError" if taken is None else f"{taken:.2f}"


def row(name: str, text: str, *, unguarded: bool, timeout: float) -> str:
    started = time.perf_counter()
    found = check_complexity(text, "body.md", 1)
    guard_s = time.perf_counter() - started
    verdict = f"{found[0].line}:{found[0].col} {found[0].message[:40]}…" if found else "accepted"
    convert_s = privacy_s = "-"
    if not found or unguarded:
        convert_s, privacy_s = seconds(convert, text, timeout), seconds(check_privacy, text, timeout)
    size = len(text.encode()) // 1024
    return f"| {name} | {size} | {verdict} | {guard_s:.3f} | {convert_s} | {privacy_s} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unguarded", action="store_true", help="convert refused bodies too")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a conversion is stopped")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    options = parser.parse_args()
    header = "| body | KiB | guard | guard s | Markdown + nh3 s | check_body s |\n|---|---:|---|---:|---:|---:|"
    print(f"\nRefused (JU018 at line:col)\n\n{header}")
    for name, make in REFUSED.items():
        if options.only in name:
            print(row(name, make(), unguarded=options.unguarded, timeout=options.timeout), flush=True)
    print(f"\nAccepted: the worst body each rule lets through\n\n{header}")
    for name, make in ACCEPTED.items():
        if options.only in name:
            print(row(name, largest_accepted(make), unguarded=False, timeout=options.timeout), flush=True)
    print(f"\nAccepted, but slow in privacy.check_body\n\n{header}")
    for name, make in PRIVACY_CHECK.items():
        if options.only in name:
            print(row(name, make(), unguarded=False, timeout=options.timeout), flush=True)


if __name__ == "__main__":
    main()
