"""sitemap.xml (sitemaps.org 0.9): every page of the site, with the day it last changed when known.

A sitemap file may list 50,000 addresses (search engines refuse a longer one): a site with
more pages publishes ``sitemap.xml`` as a sitemap index naming ``sitemap-1.xml``,
``sitemap-2.xml``... of 50,000 addresses each, so robots still find every page from the one
address they look at.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape
from typing import Iterable

SITEMAP = "sitemap.xml"
# The protocol's limit: at most 50,000 addresses (and 50 MB) a file; ours are under 200 bytes each.
MOST_PER_FILE = 50_000
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: Iterable[tuple[str, dt.date | None]], site_url: str,
            most: int = MOST_PER_FILE) -> dict[str, str]:
    """``{file name: text}``: the sitemap of ``pages`` (``(url, last changed or None)``; urls
    relative to the site root), in one file of at most ``most`` addresses, or an index and parts.

    Search engines want absolute addresses: with an empty ``site_url`` (a local build) the
    addresses are root-relative; publishconf.py sets the public one.
    """
    # Written as text line by line, not built as an ElementTree: every build writes it whole.
    base = site_url.rstrip("/")
    lines = []
    for url, changed in sorted(dict(pages).items()):
        lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
        lines.append(f"<url><loc>{escape(f'{base}/{url}')}</loc>{lastmod}</url>")
    parts = [lines[start:start + most] for start in range(0, len(lines), most)] or [[]]
    if len(parts) == 1:
        return {SITEMAP: _file("urlset", parts[0])}
    files = {f"sitemap-{number}.xml": _file("urlset", part) for number, part in enumerate(parts, 1)}
    index = [f"<sitemap><loc>{escape(f'{base}/{name}')}</loc></sitemap>" for name in files]
    return {SITEMAP: _file("sitemapindex", index), **files}


def _file(root: str, lines: list[str]) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<{root} xmlns="{_NS}">' + "".join(lines) + f"</{root}>\n"
