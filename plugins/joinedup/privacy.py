"""Privacy and link-safety rules for contributor text (DESIGN.md §8).

Everything in a profile is published, so the checker refuses what people most often
publish by mistake: phone numbers, full postcodes and street addresses, and e-mail
addresses outside ``contact.email``. Links in Markdown must be http(s).
"""

from __future__ import annotations

import html
import re
from typing import Any, Callable, Iterator

from . import problems as P
from .problems import Problem, problem
from .schema import dotted

_URL = re.compile(r"(?:https?|mailto|ftp|javascript|data|vbscript):[^\s)>\]]*|www\.[^\s)>\]]+", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_DIGIT = re.compile(r"\d")
# A run of digits with the separators phone numbers are written with: spaces, dots, hyphens,
# slashes and brackets ("(020) 7946 0958", "0171/1234567", "+33 (0)6 12 34 56 78"). It is a
# phone number when it holds 9 to 15 digits (the ITU's E.164 maximum).
_PHONE = re.compile(r"(?<![\w/.])\+?\(?\d(?:[ .\-/()]{0,3}\d){6,18}(?![\w/])")
_PHONE_DIGITS = range(9, 16)
_POSTCODE_UK = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)\s?[0-9][A-Z]{2}\b", re.IGNORECASE)  # LS6 2AB
_POSTCODE_ELSEWHERE = re.compile(
    r"\b\d{5}-\d{4}\b"  # US ZIP+4: 20500-0003
    r"|\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b"  # US state and ZIP: DC 20500
    r"|\b(?:[A-Z]-?)?\d{5}\s+[A-ZÀ-Ý][\w'’-]+"  # France, Germany and others: 75011 Paris, D-10115 Berlin
)
_STREET = re.compile(
    r"\b\d{1,4}[a-zA-Z]?,?\s+(?:[A-Z][\w'’-]*\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Terrace|Place|"
    r"Gardens|Grove|Court|Square|Row|Hill|Mews|Walk|Parade|Boulevard|Blvd)\b\.?"
    # French: 12 rue de Rivoli, 3 bis avenue Foch
    r"|\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|place|allée|chemin|impasse|quai|"
    r"route|cours|square)\s+[\w'’-]+"
    # German: Hauptstraße 5, Hauptstr. 5, Am Weinberg 3 is left alone (too like ordinary words)
    r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer)\s+\d{1,4}[a-z]?\b",
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# An address spelled out to fool robots fools nobody else: "sam [at] example [dot] org",
# "sam (at) example.org", "sam at example dot org".
_SPELLED_EMAIL = re.compile(
    r"[\w.+-]+\s*[\[({]\s*at\s*[\])}]\s*[\w-]+(?:(?:\s*[\[({]\s*dot\s*[\])}]\s*|\.)[\w-]+)+"
    r"|[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:com|org|net|edu|gov|info|io|co|uk|fr|de|es|it|nl|eu)\b",
    re.IGNORECASE,
)
# What the spelled-out form needs: "at" between spaces or brackets.
_AT_WORD = re.compile(r"[\s\[({]at[\s\])}]", re.IGNORECASE)
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
_HTML_URL = re.compile(r"""(?:href|src)\s*=\s*["']?\s*([^"'\s>]+)""", re.IGNORECASE)
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)")
# An HTML tag, but not an autolink such as <https://example.org> (whose name ends in a colon).
_OPEN_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9-]*)(?![A-Za-z0-9+.-]*:)")
_DANGEROUS_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
     "base", "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript"}
)
_EVENT_HANDLER = re.compile(r"<[A-Za-z][^>]*?[\s/\"'](on[a-z]+)\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"<[A-Za-z][^>]*?[\s/\"'](style)\s*=", re.IGNORECASE)
_FENCE_LINE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")

TextLocator = Callable[[tuple, int], tuple[int, int]]


def strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text value in ``value`` with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, path + (index,))


def check_text(
    data: dict,
    path: str,
    locate: TextLocator,
    *,
    email_allowed: set[tuple] = frozenset(),
    markdown: set[tuple] = frozenset(),
    exempt: set[tuple] = frozenset(),
    tags_kept: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Privacy and link problems in every text value of ``data``.

    ``locate(path, line_offset)`` gives the file position of a line within a value.
    ``email_allowed`` are the paths where an e-mail address belongs; ``markdown`` are the
    paths whose links and HTML are checked (``tags_kept`` is the HTML their sanitiser keeps);
    ``exempt`` paths are skipped (URLs, handles).
    """
    found: list[Problem] = []
    for where, text in strings(data):
        if where in exempt:
            continue
        email_ok, is_markdown = where in email_allowed, where in markdown
        field = None
        for offset, line_text in enumerate(text.split("\n")):
            if not is_markdown and not _might_be_private(line_text, email_ok):
                continue  # most lines: no digit, no '@', no 'at' standing alone
            line, col = locate(where, offset)
            field = field or dotted(where)
            found.extend(_check_line(line_text, path, line, col, field, email_ok))
            if is_markdown:
                found.extend(check_links(line_text, path, line, col, field, tags_kept=tags_kept))
    return found


def _might_be_private(text: str, email_ok: bool) -> bool:
    """False when no rule of _check_line can match ``text``: each needs a digit, an '@' or
    a spelled-out 'at'."""
    if _DIGIT.search(text):
        return True
    return not email_ok and ("@" in text or _AT_WORD.search(text) is not None)


def _check_line(text: str, path: str, line: int, col: int, field: str, email_ok: bool) -> list[Problem]:
    found: list[Problem] = []
    # Cheap tests first (this runs on every line of every file): each pattern below needs a
    # character that most lines of a profile do not have.
    lower = text.lower()
    without_urls = _URL.sub(" ", text) if ":" in text or "www." in lower else text
    if not email_ok:
        for pattern in (_EMAIL, _SPELLED_EMAIL):
            if ("@" not in lower) if pattern is _EMAIL else _AT_WORD.search(text) is None:
                continue
            for match in pattern.finditer(without_urls if pattern is _SPELLED_EMAIL else text):
                found.append(
                    problem(
                        P.EMAIL_OUTSIDE_CONTACT,
                        path, line, col,
                        f"'{field}' contains an e-mail address ('{match.group(0)}').",
                        "Put your address in 'contact: email:' only: there it is never shown as plain "
                        "text, so it is not harvested by spammers.",
                    )
                )
            without_urls = pattern.sub(" ", without_urls)
    if not _DIGIT.search(text):
        return found  # every postcode, street address and phone number pattern holds a digit
    for pattern, what in ((_POSTCODE_UK, "a full postcode"), (_POSTCODE_ELSEWHERE, "a full postcode"),
                          (_STREET, "a street address")):
        for match in pattern.finditer(without_urls):
            found.append(
                problem(
                    P.POSTAL_ADDRESS,
                    path, line, col,
                    f"'{field}' looks like it contains {what} ('{match.group(0).strip()}').",
                    "Give only a town or neighbourhood (or the first half of a postcode, like 'LS6'): "
                    "everything in the file is public.",
                )
            )
        without_urls = pattern.sub(" ", without_urls)
    for match in _PHONE.finditer(_ISO_DATE.sub(" ", without_urls)):
        if sum(c.isdigit() for c in match.group(0)) not in _PHONE_DIGITS:
            continue
        found.append(
            problem(
                P.PHONE_NUMBER,
                path, line, col,
                f"'{field}' looks like it contains a phone number ('{match.group(0).strip()}').",
                "Remove it: everything in the file is public. Groups contact you through "
                "'contact:' (e-mail, website or social handle).",
            )
        )
    return found


def unsafe_link_targets(text: str, *, relative_ok: bool = False) -> list[str]:
    """The link targets in one line of Markdown or HTML that are not http(s), mailto or '#'.

    With ``relative_ok``, links without a scheme (``/proposals/x/``, ``../x/``) are allowed.
    """
    targets = [m.group(1) for m in _MD_LINK.finditer(text)]
    targets += [m.group(1) for m in _AUTOLINK.finditer(text)]
    targets += [m.group(1) for m in _HTML_URL.finditer(text)]
    targets += [m.group(1) for m in _REFERENCE_LINK.finditer(text)]
    unsafe = []
    for target in targets:
        # Browsers decode character references and drop tabs and newlines in a URL:
        # "jav&#x09;ascript:" and "&#106;avascript:" are javascript: links.
        compact = re.sub(r"[\s\x00-\x1f]", "", html.unescape(target)).lower()
        if compact.startswith(_SAFE_SCHEMES) or compact.startswith("#"):
            continue
        if relative_ok and not _SCHEME.match(compact):
            continue
        unsafe.append(target)
    return unsafe


def check_links(text: str, path: str, line: int, col: int, field: str, *, tags_kept=frozenset()) -> list[Problem]:
    """Problems with links and HTML in one line of a Markdown field (a bio): links must be
    http(s) or mailto; scripts, frames and event handlers are errors, other HTML outside
    ``tags_kept`` a warning (see :func:`check_body`)."""
    found: list[Problem] = []
    for target in unsafe_link_targets(text):
        found.append(
            problem(
                P.UNSAFE_LINK,
                path, line, col,
                f"'{field}' links to '{target[:60]}'; only https://, http:// and mailto: links are allowed.",
                "Use a full web address starting with https://.",
            )
        )
    found += _html_problems(text, path, line, col - 1, tags_kept)
    return found


def _html_problems(visible: str, path: str, line: int, offset: int, tags_kept) -> list[Problem]:
    """Dangerous elements and event handlers (errors), other HTML the sanitiser removes (a warning).

    ``offset`` is added to a match's position in ``visible`` to give its column.
    """
    found: list[Problem] = []
    reported_tag = False
    for match in _OPEN_TAG.finditer(visible):
        name = match.group(1).lower()
        if name in _DANGEROUS_ELEMENTS:
            found.append(problem(
                P.DANGEROUS_HTML, path, line, offset + match.start() + 1,
                f"The text contains a <{name}> element; scripts, frames, forms and embedded "
                "objects are never published.",
                "Remove it. To point readers to a video, a form or a map, link to it: "
                "[watch the film](https://example.org/film).",
            ))
            reported_tag = True
        elif name not in tags_kept and not reported_tag:
            found.append(problem(
                P.RAW_HTML, path, line, offset + match.start() + 1,
                f"The text contains HTML ('<{name}>') that is removed when published.",
                "Use Markdown instead: **bold**, *emphasis*, ## headings, [text](https://example.org).",
            ))
            reported_tag = True
    for match in _EVENT_HANDLER.finditer(visible):
        found.append(problem(
            P.DANGEROUS_HTML, path, line, offset + match.start(1) + 1,
            f"The text contains an event handler ('{match.group(1)}='); scripts never run on the site.",
            "Remove the attribute; write plain Markdown.",
        ))
    if not reported_tag:
        for match in _STYLE_ATTRIBUTE.finditer(visible):
            found.append(problem(
                P.RAW_HTML, path, line, offset + match.start(1) + 1,
                "The text sets a 'style' attribute, which is removed when published.",
                "Use Markdown for emphasis and headings; the site's stylesheet does the rest.",
            ))
    return found


def check_body(text: str, path: str, first_line: int, *, tags_kept=frozenset()) -> list[Problem]:
    """Problems in a Markdown body, each at its line: what the sanitiser will remove.

    Scripts, frames, forms, embedded objects and event handlers are errors (JU409), links
    other than http(s)/mailto are errors (JU203), other HTML outside ``tags_kept`` is a
    warning (JU204). Code (fenced blocks and `spans`) is shown as text, so it is skipped.
    The published HTML is sanitised whatever this finds.
    """
    found: list[Problem] = []
    in_fence = ""
    for offset, line_text in enumerate(text.split("\n")):
        line = first_line + offset
        fence = _FENCE_LINE.match(line_text)
        if fence:
            if not in_fence:
                in_fence = fence.group(1)
            elif fence.group(1) == in_fence:
                in_fence = ""
            continue
        if in_fence or line_text.startswith(("    ", "\t")):
            continue
        visible = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line_text)
        found += _html_problems(visible, path, line, 0, tags_kept)
        for target in unsafe_link_targets(visible, relative_ok=True):
            found.append(problem(
                P.UNSAFE_LINK, path, line, visible.find(target) + 1,
                f"The text links to '{target[:60]}'; only https://, http:// and mailto: links are allowed.",
                "Use a full web address starting with https://.",
            ))
    return found
