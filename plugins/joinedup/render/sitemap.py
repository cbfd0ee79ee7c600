"""sitemap.xml (sitemaps.org 0.9): every page of the site, with the day it last changed when known."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape
from typing import Iterable

SITEMAP = "sitemap.xml"
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: Iterable[tuple[str, dt.date | None]], site_url: str) -> str:
    """The sitemap of ``pages`` (``(url, last changed or None)``; urls relative to the site root).

    Search engines want absolute addresses: with an empty ``site_url`` (a local build) the
    addresses are root-relative; publishconf.py sets the public one.
    """
    # Written as text line by line, not built as an ElementTree: every build writes it whole.
    base = site_url.rstrip("/")
    lines = ['<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="' + _NS + '">']
    for url, changed in sorted(dict(pages).items()):
        lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
        lines.append(f"<url><loc>{escape(f'{base}/{url}')}</loc>{lastmod}</url>")
    return "".join(lines) + "</urlset>\n"
