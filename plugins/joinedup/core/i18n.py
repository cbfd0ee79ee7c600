"""The interface's languages: gettext catalogues for the theme and the labels, dates for the language.

Catalogues are ``locale/<lang>/LC_MESSAGES/messages.po`` beside this file, compiled in
memory when first used (no binary .mo in git, no compile step to forget). Message ids are
the English text, so English needs no catalogue. :func:`activate` chooses the language for
the build; :func:`gettext`, :class:`Labels`, :func:`format_day` and :func:`format_number`
follow it.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Mapping

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
_state = {"language": "en"}
# CLDR locale for each interface language's dates and numbers ("1 March 2027", not "March 1").
LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def translations(language: str) -> _gettext.NullTranslations:
    """The translations for ``language`` (English, or a language without a catalogue: none)."""
    path = catalogue_path(language)
    if language == "en" or not path.is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def activate(language: str) -> None:
    """Use ``language`` for :func:`gettext` and :func:`format_day` from now on (in this process)."""
    _state["language"] = language


def gettext(message: str) -> str:
    return translations(_state["language"]).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_state["language"]).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` translated as meant in ``context`` (a word with other meanings elsewhere: "delete")."""
    return translations(_state["language"]).pgettext(context, message)


def format_day(day: dt.date | None) -> str:
    """``2027-03-01`` as the language writes it: ``1 March 2027``, ``1 mars 2027``."""
    if not day:
        return ""
    return _format_day(day, _state["language"])


@lru_cache(maxsize=8192)
def _format_day(day: dt.date, language: str) -> str:
    # Kept: a directory's pages show the same few hundred dates again and again.
    from babel.dates import format_date

    text = format_date(day, format="long", locale=LOCALES.get(language, language))
    if language == "fr" and day.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]  # French writes the first of a month as an ordinal: 1er mars 2027
    return text


def format_day_month(day: dt.date) -> str:
    """``2027-03-01`` without its year, as the language writes it: ``1 March``, ``1er mars``."""
    return _format_day_month(day, _state["language"])


@lru_cache(maxsize=512)
def _format_day_month(day: dt.date, language: str) -> str:
    from babel.dates import format_skeleton

    text = format_skeleton("MMMMd", day, locale=LOCALES.get(language, language))
    if language == "fr" and day.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


def format_number(value) -> str:
    return _format_number(value, _state["language"])


@lru_cache(maxsize=8192)
def _format_number(value, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=LOCALES.get(language, language))


def format_seconds(seconds: float) -> str:
    """A duration to a tenth of a second, as the active language writes it: ``2.5``, ``2,5``."""
    text = f"{seconds:.1f}"
    language = _state["language"]
    if language == "en":
        return text
    from babel.numbers import get_decimal_symbol

    return text.replace(".", get_decimal_symbol(LOCALES.get(language, language)))


def install_template_gettext(environment, language: str) -> None:
    """Jinja's i18n extension's ``_``, ``gettext`` and ``ngettext``, for ``language``, but memoised.

    They behave as the extension's "newstyle" callables (the text is Markup, variables are
    escaped and filled in with ``%``), without the extension's context call on every use:
    a directory's pages call them over half a million times.
    """
    from markupsafe import Markup

    catalogue = translations(language)
    plain: dict[str, Markup] = {}

    def gettext(message: str, /, **variables) -> Markup:
        if variables:
            return Markup(catalogue.gettext(message)) % variables
        found = plain.get(message)
        if found is None:
            found = plain[message] = Markup(catalogue.gettext(message)) % {}
        return found

    def ngettext(singular: str, plural: str, count: int, /, **variables) -> Markup:
        variables.setdefault("num", count)
        return Markup(catalogue.ngettext(singular, plural, count)) % variables

    environment.install_gettext_translations(catalogue, newstyle=True)
    environment.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def extract_schema_texts(fileobj, keywords, comment_tags, options):
    """A Babel extractor for the library's JSON Schemas: each ``description`` (the checker's
    hint for that key) and ``x-why-closed``, so the catalogue translates them."""
    import json

    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "x-why-closed") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.load(fileobj))
    for text in dict.fromkeys(found):
        yield 0, "gettext", text, []


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue where it is defined; it is translated where it is shown."""
    return message


class Labels(Mapping):
    """Words for ids (``{"draft": "Draft"}``), read in the active language at each lookup.

    Tables like the proposal statuses are built at import, before the build chooses its
    language, so they hold the English message ids and translate when read.
    """

    def __init__(self, english: dict[str, str]):
        self._english = dict(english)

    def __getitem__(self, key: str) -> str:
        return gettext(self._english[key])

    def __iter__(self):
        return iter(self._english)

    def __len__(self) -> int:
        return len(self._english)


def language_name(code: str) -> str:
    """An ISO 639-1 code as the interface language names it: ``de`` → ``German``, ``allemand``."""
    return _language_names(_state["language"]).get(code, code)


@lru_cache(maxsize=4)
def _language_names(language: str):
    # Kept: Babel would parse the locale again for every person's page that asks.
    from babel import Locale

    return Locale.parse(LOCALES.get(language, language)).languages


def active_language() -> str:
    return _state["language"]


def month_names() -> dict[int, str]:
    """Month number → the name dates use in the active language (``3`` → ``March``, ``mars``)."""
    from babel.dates import get_month_names

    return dict(get_month_names("wide", context="format", locale=LOCALES.get(_state["language"], _state["language"])))
