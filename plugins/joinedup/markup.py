"""Contributor Markdown to safe HTML.

Markdown is converted first, then the HTML is cleaned by nh3 (a binding to the maintained
``ammonia`` sanitiser) with a short allowlist: no scripts, styles, frames or event
handlers, links http(s)/mailto only and marked ``rel="nofollow ugc"``.
"""

from __future__ import annotations

import base64
import html
import re
from functools import lru_cache

import markdown
from markdown.extensions.toc import TocExtension
import nh3
from markupsafe import Markup

from .i18n import gettext

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
    "th": {"align"},
    "td": {"align"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "sup": {"id"}, "li": {"id"}, "div": {"class"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_TOP_HEADING = re.compile(r"^ {0,3}#(?:[ \t]|$)")
_SETEXT_TOP = re.compile(r"^ {0,3}=+[ \t]*$")


def sanitise(fragment: str, *, body: bool = False) -> Markup:
    """``fragment`` with everything outside the allowlist removed, marked safe for Jinja."""
    return Markup(
        nh3.clean(
            fragment,
            tags=_BODY_TAGS if body else _BIO_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=_URL_SCHEMES,
            link_rel="nofollow ugc",
            strip_comments=True,
        )
    )


def render_bio(text: str) -> Markup:
    """A profile's bio as sanitised HTML: paragraphs, emphasis, lists, links."""
    if not text:
        return Markup("")
    if _PLAIN_BIO.fullmatch(text):
        # One line of words and plain punctuation: Markdown and the sanitiser would give this
        # paragraph (tests compare the two), at a hundredth of the cost; most bios are such.
        return Markup(f"<p>{text}</p>")
    return sanitise(_converter(1, body=False).reset().convert(text))


# A bio Markdown leaves as one plain paragraph: it starts with a letter, holds letters,
# digits, single spaces and punctuation no Markdown or HTML rule reads (no * _ ` [ ] < > & #
# \ ! " and no line break), and does not end in a space.
_PLAIN_BIO = re.compile(r"[^\W\d_](?:[^\W_]|[,.;:?'’()/-]| (?! |$))*")


@lru_cache(maxsize=4)
def _converter(baselevel: int, *, body: bool) -> markdown.Markdown:
    """One Markdown converter per kind, reset between texts: making a new one for each text
    (registering every processor again) was most of the time of converting a short bio."""
    if not body:
        return markdown.Markdown(extensions=[], output_format="html")
    return markdown.Markdown(extensions=["extra", "sane_lists", TocExtension(baselevel=baselevel)],
                             output_format="html")


# Bodies converted in this process, by their Markdown: the page, the feeds and the open data all
# show a body, and a build can start with the previous build's (see reuse_bodies).
_bodies: dict[str, Markup] = {}


def render_body(text: str) -> Markup:
    """:func:`convert_body`, once per distinct text in a process."""
    found = _bodies.get(text)
    if found is None:
        found = _bodies[text] = convert_body(text)
    return found


# Below this many bodies to convert, one process is quicker than starting workers.
PARALLEL_BODIES = 200


def convert_bodies(texts) -> None:
    """Convert the bodies among ``texts`` not yet converted, on every core when there are many
    (a build from nothing at 1,000 proposals: 2 s of Markdown on one core)."""
    import os

    todo = list(dict.fromkeys(text for text in texts if text not in _bodies))
    workers = os.cpu_count() or 1
    if len(todo) < PARALLEL_BODIES or workers < 2:
        for text in todo:
            render_body(text)
        return
    from .buildcache import forked_pool

    with forked_pool(workers) as pool:
        converted = pool.map(_convert_to_str, todo, chunksize=max(1, len(todo) // (workers * 4)))
    _bodies.update(zip(todo, map(Markup, converted)))


def _convert_to_str(text: str) -> str:
    return str(convert_body(text))


def reuse_bodies(converted: dict[str, str]) -> None:
    """Take bodies converted by an earlier build (Markdown → HTML) instead of converting them again."""
    _bodies.update((text, Markup(html_text)) for text, html_text in converted.items())


def converted_bodies(texts) -> dict[str, str]:
    """The HTML of those of ``texts`` already converted, to keep for the next build."""
    return {text: str(_bodies[text]) for text in texts if text in _bodies}


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
