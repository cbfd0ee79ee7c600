"""sitemap.xml (sitemaps.org 0.9): every page of the site, with the day it last changed when known."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Iterable

SITEMAP = "sitemap.xml"
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: Iterable[tuple[str, dt.date | None]], site_url: str) -> str:
    """The sitemap of ``pages`` (``(url, last changed or None)``; urls relative to the site root).

    Search engines want absolute addresses: with an empty ``site_url`` (a local build) the
    addresses are root-relative; publishconf.py sets the public one.
    """
    root = ET.Element(f"{{{_NS}}}urlset")
    base = site_url.rstrip("/")
    for url, changed in sorted(dict(pages).items()):
        entry = ET.SubElement(root, f"{{{_NS}}}url")
        ET.SubElement(entry, f"{{{_NS}}}loc").text = f"{base}/{url}"
        if changed:
            ET.SubElement(entry, f"{{{_NS}}}lastmod").text = changed.isoformat()
    ET.register_namespace("", _NS)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
