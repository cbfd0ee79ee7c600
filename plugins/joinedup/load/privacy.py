"""Privacy and link-safety rules for contributor text (DESIGN.md §8).

Everything on the site is public, so the checker refuses what people most often publish
by mistake: phone numbers, full postcodes and street addresses, and e-mail addresses
outside a profile's ``contact.email``. The same rules read every published text: profiles,
proposals and groups (front matter and body), and the author names and messages of the
commits shown as revision history (:func:`private_matches`). Links in Markdown must be
http(s).

Text is normalised before it is matched (:func:`normalise`): NFKC, invisible and
bidirectional controls removed, dashes and look-alike signs mapped, bracketed "at" and
"dot" turned into '@' and '.'; matching ignores case. So "０２０–７９４６ 0958",
"ana＠example.org" and "ana [at] example [dot] org" are what they look like. Only the
capitalised English street rule reads case: in lower case, "on 3 Sundays a Month Walk"
and "3 days a week walk" cannot be told from an address, so lower-case addresses are
matched only with unambiguous street words ("221b baker street", "12 rue de la paix").
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from joinedup.core import problems as P
from joinedup.core.i18n import N_, gettext as _
from joinedup.core.problems import Problem, problem
from joinedup.load.schema import named

# --- Normalisation ------------------------------------------------------------------------

# Removed before matching: C0 and C1 controls (but tab and line feed), every format character
# (Unicode category Cf: soft hyphen, zero-width space, joiners, word joiner, bidirectional
# marks, embeddings, overrides and isolates, BOM, tags) and the other characters that show
# nothing (fillers, variation selectors).
_INVISIBLE = [
    *range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0),
    0x00AD, 0x034F, *range(0x0600, 0x0606), 0x061C, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x115F, 0x1160,
    0x17B4, 0x17B5, *range(0x180B, 0x1810), *range(0x200B, 0x2010), *range(0x202A, 0x202F),
    *range(0x2060, 0x2065), *range(0x2066, 0x2070), 0x3164, *range(0xFE00, 0xFE10), 0xFEFF, 0xFFA0,
    *range(0xFFF9, 0xFFFC), 0x110BD, 0x110CD, *range(0x13430, 0x13440), *range(0x1BCA0, 0x1BCA4),
    *range(0x1D173, 0x1D17B), 0xE0001, *range(0xE0020, 0xE0080), *range(0xE0100, 0xE01F0),
]
_DASHES = [0x058A, 0x05BE, 0x1806, *range(0x2010, 0x2016), 0x2043, 0x2212, 0x2E17, 0x2E1A, 0x2E3A, 0x2E3B,
           0x2E40, 0x301C, 0x3030, 0x30A0, 0xFE31, 0xFE32, 0xFE58, 0xFE63, 0xFF0D]
_LOOK_ALIKES = str.maketrans({
    **dict.fromkeys(_INVISIBLE), **dict.fromkeys(_DASHES, "-"),
    0x2028: " ", 0x2029: " ", 0x3002: ".", 0xFF61: ".", 0xFE6B: "@", 0xFF20: "@",
})
# Controls an ASCII text can hold: the only thing normalisation changes in most texts.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# "ana [at] example [dot] org", "ana (at) example (dot) org", "ana <at> example.org",
# "ana @ example.org": written to fool robots, they fool nobody else.
_BRACKETED = re.compile(r"\s*[\[({<]\s*(at|dot)\s*[\])}>]\s*", re.IGNORECASE)
_BRACKET = re.compile(r"[\[({<]\s*(?:at|dot)\s*[\])}>]", re.IGNORECASE)  # the same, found fast (no \s* first)
_SPACED_AT = re.compile(r"(?<=\w)\s*@\s*(?=\w)")
_SPELLED_SIGN = {"at": "@", "dot": "."}


def normalise(text: str) -> str:
    """``text`` as the privacy rules read it: NFKC, with invisible characters and controls
    (but tab and line feed) removed, dashes made '-', look-alike '@' and '.' made ASCII and
    bracketed "at"/"dot" made '@' and '.'. Keeps every line feed, so lines keep their numbers."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_LOOK_ALIKES)).translate(_LOOK_ALIKES)
    elif _ASCII_CONTROL.search(text):
        text = text.translate(_LOOK_ALIKES)
    if "@ " in text or " @" in text:
        text = _SPACED_AT.sub("@", text)
    if ("(" in text or "[" in text or "<" in text or "{" in text) and _BRACKET.search(text):
        text = _BRACKETED.sub(lambda m: _SPELLED_SIGN[m.group(1).lower()], text)
    return text


# --- The rules ----------------------------------------------------------------------------

_URL = re.compile(r"(?:https?|mailto|ftp|javascript|data|vbscript):[^\s)>\]]*|www\.[^\s)>\]]+", re.IGNORECASE)
# Where a Markdown link points ("](/img/2026-05-01-flyer.png)") is not published text.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_DIGIT = re.compile(r"\d")
# A run of digits with the separators phone numbers are written with: spaces, dots, hyphens,
# slashes and brackets ("(020) 7946 0958", "0171/1234567", "+33 (0)6 12 34 56 78"). It is a
# phone number when it holds 9 to 15 digits (the ITU's E.164 maximum)...
_PHONE = re.compile(r"(?<![\w/.])\+?\(?\d(?:[ .\-/()]{0,3}\d){6,18}(?![\w/])")
_PHONE_DIGITS = range(9, 16)
# ... and is not an amount: "€1 200 000 000", "1 200 000 000 euros".
_CURRENCY_BEFORE = re.compile(r"[€£$¥]\s?$")
_CURRENCY_AFTER = re.compile(r"\s?(?:[€£$¥]|(?:euros?|pounds?|dollars?|eur|gbp|usd)\b)", re.IGNORECASE)
# UK: "LS6 2AB", "sw1a1aa", "SW1A-1AA".
_POSTCODE_UK = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)(?:\s{1,2}|-)?[0-9][A-Z]{2}\b", re.IGNORECASE)
_POSTCODE_ELSEWHERE = re.compile(
    r"\b\d{5}-\d{4}\b"  # US ZIP+4: 20500-0003
    r"|\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b"  # US state and ZIP: DC 20500
    r"|\b(?:[A-Z]-?)?\d{5}\s+[A-ZÀ-Ý][\w'’-]+"  # France, Germany and others: 75011 Paris, D-10115 Berlin
)
_STREET_WORDS = (r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Terrace|Place|"
                 r"Gardens|Grove|Court|Square|Row|Hill|Mews|Walk|Parade|Boulevard|Blvd")
# English, capitalised: "12 Hyde Park Road", "221B Baker Street".
_STREET_CAPITALISED = re.compile(
    rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Z][\w'’-]*\s+){{1,3}}(?:{_STREET_WORDS})\b\.?"
)
# Words that, after a number, make a quantity rather than a house number: "24 hour street
# lighting", "30 major road schemes", "a 4 lane road".
_QUANTITY_WORDS = (r"a|an|the|of|in|on|at|to|for|per|by|and|or|more|less|fewer|new|other|extra|major|main|minor|"
                   r"local|big|small|safe|school|bus|cycle|lane|lanes|hours?|h|days?|weeks?|months?|years?|"
                   r"minutes?|mins?|miles?|km|kms|metres?|meters?|m|mph|kph|percent|people|times|million|billion|"
                   r"thousand|hundred|pounds?|euros?")
# English in any case, with a street word that is seldom anything else and the end of the
# address after it: "221b baker street", "12 old kent road, london", "3 abbey road in leeds".
_STREET_LOWER_CASE = re.compile(
    rf"\b\d{{1,4}}[a-z]?,?(?:\s+(?!(?:{_QUANTITY_WORDS})\b)[^\W\d_][\w'’-]*){{1,2}}"
    r"\s+(?:street|st|road|rd|avenue|ave|lane|boulevard|blvd|crescent|terrace|mews)\b\.?"
    r"(?=\s*(?:[,;:!?)\]]|\.(?:\s|$)|$)|\s+(?:in|near)\b)",
    re.IGNORECASE,
)
# French: 12 rue de Rivoli, 3 bis avenue Foch.
_STREET_FRENCH = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|allée|chemin|impasse|quai|"
    r"route|cours|square)\s+[\w'’-]+",
    re.IGNORECASE,
)
# German: Hauptstraße 5, hauptstr. 5 (Am Weinberg 3 is left alone: too like ordinary words).
# Looked for only in lines that hold one of the street words (a quick test).
_GERMAN_STREET_WORDS = ("straße", "strasse", "str.", "weg", "allee", "platz", "gasse", "damm", "ufer")
_STREET_GERMAN = re.compile(
    r"\b[^\W\d_][\w-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer)\s+\d{1,4}[a-z]?\b", re.IGNORECASE
)
# Starts only where a word starts: tried at every letter of a long word, it read the word again each time.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# An address spelled out without brackets (normalise() makes "[at]" and "(dot)" '@' and '.'):
# "sam at example dot org", "sam (at) example dot co dot uk".
_SPELLED_EMAIL = re.compile(
    r"[\w.+-]+(?:\s+at\s+|@)[\w-]+(?:(?:\s+dot\s+|\.)[\w-]+)*\s+dot\s+"
    r"(?:com|org|net|edu|gov|info|io|co|uk|fr|de|es|it|nl|eu)\b",
    re.IGNORECASE,
)
# What the spelled-out form needs: "at" between spaces, and "dot".
_AT_WORD = re.compile(r"\sat\s", re.IGNORECASE)
_DOT_WORD = re.compile(r"\sdot\s", re.IGNORECASE)
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
# The opening run whole (not a part of a longer run), so a long run of '`' is not tried again at each length.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\1).)+?(?<!`)\1(?!`)")
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
        lines = text.split("\n") if is_markdown else ()
        for offset, line_text in enumerate(normalise(text).split("\n")):
            if not is_markdown and not _might_be_private(line_text, email_ok):
                continue  # most lines: no digit, no '@', no 'at' standing alone
            matches = list(_private_in_line(line_text, email_ok))
            if not (matches or is_markdown):
                continue  # most dates and numbers: nothing private, and no message to word
            line, col = locate(where, offset)
            field = field or named(where)  # 'place', item 2 of 'goals': never a path like goals[1]
            found.extend(_problems(matches, path, line, col, field[:1].upper() + field[1:]))
            if is_markdown:
                found.extend(check_links(lines[offset], path, line, col, field, tags_kept=tags_kept))
    return found


def check_body_privacy(text: str, path: str, first_line: int) -> list[Problem]:
    """Phone numbers, postcodes, street addresses and e-mail addresses in a Markdown body,
    each at its line. Code blocks are published too, so they are read like the rest."""
    found: list[Problem] = []
    for offset, line_text in enumerate(normalise(text).split("\n")):
        if _might_be_private(line_text, False):
            found.extend(_problems(_private_in_line(line_text, False), path, first_line + offset, 1, _("The text")))
    return found


class PrivateMatch(NamedTuple):
    """Something private found in a text: its code (JU200-JU202), what it is, and the words."""

    code: P.Code
    what: str  # "a phone number", "a full postcode", "a street address", "an e-mail address"
    text: str


def private_matches(text: str, *, email_ok: bool = False) -> list[PrivateMatch]:
    """What ``text`` holds that must not be published, after :func:`normalise`, line by line.

    ``email_ok`` allows e-mail addresses (a profile's ``contact.email``).
    """
    found = []
    for line_text in normalise(text).split("\n"):
        if _might_be_private(line_text, email_ok):
            found.extend(_private_in_line(line_text, email_ok))
    return found


def _might_be_private(text: str, email_ok: bool) -> bool:
    """False when no rule can match the normalised ``text``: each needs a digit, an '@' or
    a spelled-out 'at'."""
    if _DIGIT.search(text):
        return True
    return not email_ok and ("@" in text or _AT_WORD.search(text) is not None)


_ADDRESSES = ((_POSTCODE_UK, N_("a full postcode")), (_POSTCODE_ELSEWHERE, N_("a full postcode")),
              (_STREET_CAPITALISED, N_("a street address")), (_STREET_LOWER_CASE, N_("a street address")),
              (_STREET_FRENCH, N_("a street address")), (_STREET_GERMAN, N_("a street address")))


def _private_in_line(text: str, email_ok: bool) -> Iterator[PrivateMatch]:
    """The private matches in one normalised line."""
    # Cheap tests first (this runs on every line of every file): each pattern below needs a
    # character that most lines do not have.
    without_urls = _URL.sub(" ", text) if ":" in text or "www." in text or "WWW." in text else text
    if "](" in without_urls:
        without_urls = _LINK_TARGET.sub("]", without_urls)
    if not email_ok:
        if "@" in text:
            for match in _EMAIL.finditer(text):
                yield PrivateMatch(P.EMAIL_OUTSIDE_CONTACT, N_("an e-mail address"), match.group(0))
            without_urls = _EMAIL.sub(" ", without_urls)
        if _DOT_WORD.search(without_urls):
            for match in _SPELLED_EMAIL.finditer(without_urls):
                yield PrivateMatch(P.EMAIL_OUTSIDE_CONTACT, N_("an e-mail address"), match.group(0))
            without_urls = _SPELLED_EMAIL.sub(" ", without_urls)
    if not _DIGIT.search(text):
        return  # every postcode, street address and phone number pattern holds a digit
    lower = without_urls.lower()
    german = any(word in lower for word in _GERMAN_STREET_WORDS)
    for pattern, what in _ADDRESSES:
        if pattern is _STREET_GERMAN and not german:
            continue
        found: list[str] = []
        without_urls = pattern.sub(lambda match: found.append(match.group(0).strip()) or " ", without_urls)
        for words in found:
            yield PrivateMatch(P.POSTAL_ADDRESS, what, words)
    without_dates = _ISO_DATE.sub(" ", without_urls)
    for match in _PHONE.finditer(without_dates):
        if sum(c.isdigit() for c in match.group(0)) not in _PHONE_DIGITS:
            continue
        if (_CURRENCY_BEFORE.search(without_dates, max(match.start() - 2, 0), match.start())
                or _CURRENCY_AFTER.match(without_dates, match.end())):
            continue
        yield PrivateMatch(P.PHONE_NUMBER, N_("a phone number"), match.group(0).strip())


_HINTS = {
    P.EMAIL_OUTSIDE_CONTACT.id: N_("Put an address only under a profile's 'contact: email:': there it is never "
                                   "shown as plain text, so it is not harvested by spammers."),
    P.POSTAL_ADDRESS.id: N_("Give only a town or neighbourhood (or the first half of a postcode, like 'LS6'): "
                            "everything in the file is public."),
    P.PHONE_NUMBER.id: N_("Remove it: everything in the file is public. Groups contact you through "
                          "'contact:' (e-mail, website or social handle)."),
}


def _problems(matches: Iterable[PrivateMatch], path: str, line: int, col: int, subject: str) -> list[Problem]:
    """A problem at (line, col) for each private match of one line (:func:`_private_in_line`);
    ``subject`` names where it is ("'headline'", "The text")."""
    found = []
    for match in matches:
        if match.code is P.EMAIL_OUTSIDE_CONTACT:
            message = _("%(subject)s contains an e-mail address ('%(text)s').") % {"subject": subject,
                                                                                   "text": match.text}
        else:
            message = _("%(subject)s looks like it contains %(what)s ('%(text)s').") % {
                "subject": subject, "what": _(match.what), "text": match.text}
        found.append(problem(match.code, path, line, col, message, _(_HINTS[match.code.id])))
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
                _("%(field)s links to '%(target)s'; only https://, http:// and mailto: links are allowed.")
                % {"field": field[:1].upper() + field[1:], "target": target[:60]},
                _("Use a full web address starting with https://."),
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
                _("The text contains a <%(name)s> element; scripts, frames, forms and embedded "
                  "objects are never published.") % {"name": name},
                _("Remove it. To point readers to a video, a form or a map, link to it: "
                  "[watch the film](https://example.org/film)."),
            ))
            reported_tag = True
        elif name not in tags_kept and not reported_tag:
            found.append(problem(
                P.RAW_HTML, path, line, offset + match.start() + 1,
                _("The text contains HTML ('<%(name)s>') that is removed when published.") % {"name": name},
                _("Use Markdown instead: **bold**, *emphasis*, ## headings, [text](https://example.org)."),
            ))
            reported_tag = True
    for match in _EVENT_HANDLER.finditer(visible):
        found.append(problem(
            P.DANGEROUS_HTML, path, line, offset + match.start(1) + 1,
            _("The text contains an event handler ('%(name)s='); scripts never run on the site.")
            % {"name": match.group(1)},
            _("Remove the attribute; write plain Markdown."),
        ))
    if not reported_tag:
        for match in _STYLE_ATTRIBUTE.finditer(visible):
            found.append(problem(
                P.RAW_HTML, path, line, offset + match.start(1) + 1,
                _("The text sets a 'style' attribute, which is removed when published."),
                _("Use Markdown for emphasis and headings; the site's stylesheet does the rest."),
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
                _("The text links to '%(target)s'; only https://, http:// and mailto: links are allowed.")
                % {"target": target[:60]},
                _("Use a full web address starting with https://."),
            ))
    return found
