"""Contributor Markdown to safe HTML.

Markdown is converted first, then the HTML is cleaned by nh3 (a binding to the maintained
``ammonia`` sanitiser) with a short allowlist: no scripts, styles, frames or event
handlers, links http(s)/mailto only and marked ``rel="nofollow ugc"``. No ``class`` either, so
that a body cannot dress its text as the site's own notices; and no image from another site:
every reader's browser, feed reader or mail client would fetch it, telling that site who read
the page and when. Images of the site's own files (``/images/map.png``) stay.
"""

from __future__ import annotations

import base64
import html
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Mapping

import markdown
from markdown.extensions.toc import TocExtension
import nh3
from markupsafe import Markup

from joinedup.core import problems as P
from joinedup.core.i18n import gettext
from joinedup.core.problems import Problem, problem

_BIO_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "br", "code", "blockquote"}
_BODY_TAGS = _BIO_TAGS | {
    "h2", "h3", "h4", "h5", "h6", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd", "sup", "sub", "abbr", "del", "ins", "img", "figure", "figcaption", "div", "span",
}
# The elements a bio, and a proposal's or group's body, keep; anything else is removed when published.
BIO_TAGS = frozenset(_BIO_TAGS)
BODY_TAGS = frozenset(_BODY_TAGS)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    # Ids for links to a section or a footnote; the footnotes' own classes are not needed.
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "sup": {"id"}, "li": {"id"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
# An http(s) address, or one that starts with two slashes (browsers read '\\' as '/'), once the
# blanks and control characters browsers ignore are taken out. (Other schemes are not in _URL_SCHEMES.)
_OTHER_SITE = re.compile(r"https?:|[/\\]{2}", re.IGNORECASE)
_IGNORED_IN_ADDRESSES = re.compile(r"[\x00-\x20]")
# nh3 writes '<' and '>' inside attribute values as entities: a '>' ends a tag.
_IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?![^>]*\ssrc=")[^>]*>')
# Images in Markdown as a contributor writes them (for JU207): ![alt](address), ![alt][label],
# ![alt][] and ![alt]; reference definitions; HTML images; the fences of code blocks.
_MARKDOWN_IMAGE = re.compile(r"!\[([^\[\]\n]*)\](?:\(\s*<?([^)\s>]*)|\[([^\[\]\n]*)\])?")
_REFERENCE = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*<?([^\s>]+)", re.MULTILINE)
_HTML_IMAGE = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TOP_HEADING = re.compile(r"^ {0,3}#(?:[ \t]|$)")
_SETEXT_TOP = re.compile(r"^ {0,3}=+[ \t]*$")


def sanitise(fragment: str, *, body: bool = False) -> Markup:
    """``fragment`` with everything outside the allowlist removed, marked safe for Jinja;
    images from other sites (see :func:`on_another_site`) are removed whole."""
    cleaned = nh3.clean(
        fragment,
        tags=_BODY_TAGS if body else _BIO_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_without_remote_images if body else None,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow ugc",
        strip_comments=True,
    )
    return Markup(_IMAGE_WITHOUT_SOURCE.sub("", cleaned) if "<img" in cleaned else cleaned)


def on_another_site(address: str) -> bool:
    """Whether an image's ``address`` (as the browser reads it, entities decoded) is fetched
    from another site: it starts with ``https:``, ``http:`` or ``//``."""
    return _OTHER_SITE.match(_IGNORED_IN_ADDRESSES.sub("", address)) is not None


def _without_remote_images(element: str, attribute: str, value: str) -> str | None:
    return None if element == "img" and attribute == "src" and on_another_site(value) else value


def remote_images(text: str, path: str, first_line: int) -> list[Problem]:
    """A warning (JU207) at each image in a Markdown body that :func:`sanitise` will remove because
    it is on another site: ``![…](https://…)``, ``![…][label]`` with ``[label]: https://…``, and
    ``<img src="https://…">``. Images in code blocks are text, and not reported."""
    if "![" not in text and "<img" not in text.lower():
        return []
    defined = {_label(match.group(1)): match.group(2) for match in _REFERENCE.finditer(text)}
    found, fence = [], ""
    for offset, line in enumerate(text.split("\n")):
        marker = _FENCE.match(line)
        if marker and (not fence or marker.group(1) == fence):
            fence = "" if fence else marker.group(1)
        if marker or fence:
            continue
        images = [(match.start(), match.group(2) or defined.get(_label(match.group(3) or match.group(1)), ""))
                  for match in _MARKDOWN_IMAGE.finditer(line)]
        images += [(match.start(), html.unescape(match.group(1))) for match in _HTML_IMAGE.finditer(line)]
        for col, address in sorted(images):
            if on_another_site(address):
                found.append(problem(
                    P.REMOTE_IMAGE, path, first_line + offset, col + 1,
                    gettext("The image '%(address)s' is on another site: it is not shown, so that site does not learn "
                            "who reads this page.") % {"address": address[:80]},
                    gettext("To show an image, add it to the repository under content/images/ and write "
                            "![what it shows](/images/name.png); or link to it: "
                            "[the chart](https://example.org/chart.png)."),
                ))
    return found


def _label(text: str) -> str:
    return " ".join(text.split()).lower()


def render_bio(text: str) -> Markup:
    """A profile's bio as sanitised HTML: paragraphs, emphasis, lists, links."""
    if not text:
        return Markup("")
    return sanitise(_converter(1, body=False).reset().convert(text))


@lru_cache(maxsize=4)
def _converter(baselevel: int, *, body: bool) -> markdown.Markdown:
    """One Markdown converter per kind, reset between texts: making a new one for each text
    (registering every processor again) was most of the time of converting a short bio."""
    if not body:
        return markdown.Markdown(extensions=[], output_format="html")
    # No '[TOC]' marker: looking for it walks the whole tree by recursion, and a body of emphasis
    # nested a thousand deep would exhaust the stack. Headings still get their ids.
    return markdown.Markdown(extensions=["extra", "sane_lists", TocExtension(baselevel=baselevel, marker="")],
                             output_format="html")


class ConvertedBodies:
    """The bodies one build converted, Markdown to HTML, by their Markdown: the page, the feeds
    and the open data all show a body, and a build starts with those the last one kept (the
    plugin loads and saves them in the cache folder), converting only the changed ones.

    A build makes one (joinedup.builder.pipeline.BuildState.bodies) and drops it when it ends;
    while it runs, :func:`render_body` and :func:`convert_bodies` use it (:func:`bodies_in_use`).
    """

    def __init__(self, kept: Mapping[str, str] | None = None):
        self._html: dict[str, Markup] = {}
        if kept:
            self.take(kept)

    def take(self, kept: Mapping[str, str]) -> None:
        """Take bodies converted by an earlier build (Markdown → HTML) instead of converting them again."""
        self._html.update((text, Markup(html_text)) for text, html_text in kept.items())

    def render(self, text: str) -> Markup:
        """:func:`convert_body`, once per distinct text."""
        found = self._html.get(text)
        if found is None:
            found = self._html[text] = convert_body(text)
        return found

    def convert(self, texts) -> None:
        """Convert the bodies among ``texts`` not yet converted."""
        for text in texts:
            self.render(text)

    def kept(self, texts) -> dict[str, str]:
        """The HTML of those of ``texts`` already converted, to keep for the next build."""
        return {text: str(self._html[text]) for text in texts if text in self._html}


# The bodies of the build running now: set only while it runs, like the build's own state
# (joinedup.builder.pipeline.current_build), which this layer cannot import.
_IN_USE: ContextVar[ConvertedBodies | None] = ContextVar("joinedup_bodies", default=None)


@contextmanager
def bodies_in_use(bodies: ConvertedBodies | None):
    """Make ``bodies`` those :func:`render_body` keeps its conversions in, for the block."""
    token = _IN_USE.set(bodies)
    try:
        yield bodies
    finally:
        _IN_USE.reset(token)


def use_bodies(bodies: ConvertedBodies | None) -> None:
    """Make ``bodies`` those in use until the next call (plain ``pelican``: no block around its run)."""
    _IN_USE.set(bodies)


def render_body(text: str) -> Markup:
    """:func:`convert_body`, once per distinct text in the running build (every time outside one)."""
    bodies = _IN_USE.get()
    return convert_body(text) if bodies is None else bodies.render(text)


def convert_bodies(texts) -> None:
    """Convert ``texts`` ahead, for :func:`render_body` in the running build (outside one: nothing
    to keep them in, nothing done). See :meth:`ConvertedBodies.convert`."""
    bodies = _IN_USE.get()
    if bodies is not None:
        bodies.convert(texts)


def convert_body(text: str) -> Markup:
    """The Markdown body of a proposal or group as sanitised HTML.

    The page's title is its only ``<h1>``: when the body uses ``#`` headings, every level
    moves down one (``#`` → ``<h2>``); otherwise ``##`` stays ``<h2>``. Raw HTML is allowed
    through Markdown and then cut down to the allowlist: no scripts, frames, forms, event
    handlers or ``javascript:`` links survive.
    """
    if not text.strip():
        return Markup("")
    baselevel = 2 if _has_top_heading(text) else 1
    return sanitise(_converter(baselevel, body=True).reset().convert(text), body=True)


def _has_top_heading(text: str) -> bool:
    fence = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = "" if fence and stripped.startswith(fence) else (fence or stripped[:3])
            continue
        if not fence and (_TOP_HEADING.match(line) or _SETEXT_TOP.match(line)):
            return True
    return False


def obscured_email(address: str) -> dict[str, str]:
    """An e-mail address in two forms that harvesting robots do not read as an address.

    ``encoded`` is base64 for the page's script to turn into a mailto link on request;
    ``spoken`` is what readers without JavaScript see ("ana [at] example [dot] org").
    """
    user, _at, domain = address.partition("@")
    at, dot = gettext("[at]"), gettext("[dot]")
    spoken = f"{user} {at} {domain.replace('.', f' {dot} ')}"
    return {
        "encoded": base64.b64encode(address[::-1].encode("utf-8")).decode("ascii"),
        "spoken": html.unescape(spoken),
    }
