"""Internal links of a built site: every ``href`` and ``src`` that stays on the site names a
file of the output, and every ``#fragment`` an ``id`` on the page it points to.

The pull-request check runs it over the pages it has just built (``python -m joinedup.builder.links
output``), so a profile or proposal that links to a page that does not exist stops the merge
whatever the fork's content is. Links to other sites are not fetched: a check that depends on
someone else's server being up would fail pull requests at random.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
ID = re.compile(r'\sid="([^"]*)"')
# Addresses that leave the site (or carry their content inline), which this check does not follow.
ELSEWHERE = ("http://", "https://", "mailto:", "data:", "//")


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link on ``page`` (relative to the output folder) to ``target``, which is not there."""

    page: str
    target: str


def broken_links(output: Path) -> tuple[list[BrokenLink], int]:
    """The broken internal links of every HTML page under ``output``, sorted, and how many
    internal links were followed."""
    output = Path(output)
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(ID.findall(page.read_text(encoding="utf-8")))
        return ids[page]

    broken, followed = set(), 0
    for page in sorted(output.rglob("*.html")):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            target = target.replace("&amp;", "&")
            if target.startswith(ELSEWHERE):
                continue
            followed += 1
            path, _, fragment = target.split("?")[0].partition("#")
            path = unquote(path)
            if not path:
                destination = page
            else:
                destination = output / path.lstrip("/") if path.startswith("/") else page.parent / path
            if destination.is_dir():
                destination = destination / "index.html"
            relative = page.relative_to(output).as_posix()
            if not destination.is_file():
                broken.add(BrokenLink(relative, target))
            elif fragment and destination.suffix == ".html" and unquote(fragment) not in ids_of(destination):
                broken.add(BrokenLink(relative, target))
    return sorted(broken, key=lambda link: (link.page, link.target)), followed


def main(arguments: list[str]) -> int:
    """``python -m joinedup.builder.links OUTPUT``: print each broken link as ``page: target``; exit 1 if any."""
    if len(arguments) != 1 or not Path(arguments[0]).is_dir():
        print("usage: python -m joinedup.builder.links OUTPUT_FOLDER (a built site)", file=sys.stderr)
        return 2
    broken, followed = broken_links(Path(arguments[0]))
    for link in broken:
        print(f"{link.page}: broken link to {link.target}")
    if not followed:
        print(f"{arguments[0]}: no page with an internal link; is this a built site?", file=sys.stderr)
        return 1
    print(f"{followed} internal links followed, {len(broken)} broken.")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
