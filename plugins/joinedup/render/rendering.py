"""One way to render a planned page: one environment factory and one :func:`render_page`.

The full build (the directory generator, joinedup_pelican.directory) and a rebuild of a few
pages (joinedup.builder.quick) both make the theme's environment with :func:`page_environment`
and render each page with :func:`render_page`: the same loaders, options, filters, tests,
translations and undefined-name rule, so the same page gives the same bytes in both.

A template that prints, loops over or calls a top-level name that no path provides fails
(:class:`NamedUndefined`) instead of rendering as empty text: a global added to one path and
not the other is a build error, not a blank on the page. An optional name tested with
``{% if name %}`` or ``is defined``, and a missing attribute of an object (Pelican's content
objects have many optional ones), stay lenient as Jinja's default.
"""

from __future__ import annotations

import os
import re
from typing import Callable, Mapping

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, Undefined
from jinja2.ext import Extension
from jinja2.utils import missing

UNINDENT = "joinedup.render.rendering.Unindent"


class Unindent(Extension):
    """Templates are indented for their readers, not for the pages: the indentation before a
    line's first tag or template tag is dropped when a template is compiled, so it costs no
    time per page and no byte on it (about 430 bytes of every profile page: 43 MB at 100,000
    profiles). A line of text keeps its indentation (it may continue a sentence), and so does
    every line inside ``{% trans %}``, whose text is the message translated, and ``<pre>`` and
    ``<textarea>``, whose white space shows."""

    _KEPT_OPEN = re.compile(r"{%-?\s*trans\b|<(pre|textarea)\b")
    _KEPT_CLOSE = re.compile(r"{%-?\s*endtrans\b|</(pre|textarea)>")

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        lines, kept = [], 0
        for line in source.split("\n"):
            stripped = line.lstrip(" \t")
            if not kept and stripped[:1] in ("<", "{") and stripped != line:
                # After a line ending in a tag, trim_blocks eats the line break: one space stays
                # where the indentation separated two words ("Tamsin Penrose" and her headline).
                before = lines[-1].rstrip() if lines else ""
                line = (" " if before.endswith(("%}", "#}")) and not before.endswith("-%}") else "") + stripped
            kept += len(self._KEPT_OPEN.findall(line)) - len(self._KEPT_CLOSE.findall(line))
            kept = max(kept, 0)
            lines.append(line)
        return "\n".join(lines)


class NamedUndefined(Undefined):
    """Jinja's default undefined, but a missing top-level name fails when it is printed,
    iterated or measured (an attribute missing from an object still renders as nothing)."""

    __slots__ = ()

    def _is_a_missing_name(self) -> bool:
        return self._undefined_obj is missing and self._undefined_hint is None

    def __str__(self) -> str:
        if self._is_a_missing_name():
            self._fail_with_undefined_error()
        return ""

    def __iter__(self):
        if self._is_a_missing_name():
            self._fail_with_undefined_error()
        yield from ()

    def __len__(self) -> int:
        if self._is_a_missing_name():
            self._fail_with_undefined_error()
        return 0


def page_environment(templates: list[str], theme: str, simple: str, settings: Mapping, language: str,
                     host_filters: Mapping[str, Callable], host_tests: Mapping[str, Callable]) -> Environment:
    """The theme's Jinja environment for planned pages, as Pelican lays out its loaders.

    ``templates``: the template folders searched first (THEME_TEMPLATES_OVERRIDES, then the
    theme's); ``simple``: Pelican's simple theme's templates (implicit and ``!simple``
    inheritance); ``settings``: JINJA_ENVIRONMENT, JINJA_FILTERS, JINJA_GLOBALS, JINJA_TESTS;
    ``language``: of the templates' ``_`` (core.i18n); ``host_filters`` and ``host_tests``:
    what Pelican adds (``strftime``, ``plugin_enabled``), or stand-ins where Pelican is not
    loaded. Refuses (TypeError) a JINJA_ENVIRONMENT naming its own ``undefined``: every path
    renders with :class:`NamedUndefined`.
    """
    from joinedup.core.i18n import install_template_gettext

    options = with_unindent(settings.get("JINJA_ENVIRONMENT", {}))
    if "undefined" in options:
        raise TypeError("JINJA_ENVIRONMENT may not set 'undefined': pages render with NamedUndefined")
    simple_loader = FileSystemLoader(simple)
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(list(templates)), simple_loader,
                             PrefixLoader({"!simple": simple_loader,
                                           "!theme": FileSystemLoader(os.path.join(theme, "templates"))})]),
        undefined=NamedUndefined,
        **options,
    )
    env.filters.update(host_filters)
    env.filters.update(settings.get("JINJA_FILTERS", {}))
    env.globals.update(settings.get("JINJA_GLOBALS", {}))
    env.tests.update(host_tests)
    env.tests.update(settings.get("JINJA_TESTS", {}))
    install_template_gettext(env, language)
    return env


def with_unindent(options: Mapping) -> dict:
    """JINJA_ENVIRONMENT's options with :class:`Unindent` among the extensions (Pelican's
    environment gets them from joinedup_pelican's ``initialized`` signal, so every page is made alike)."""
    extensions = list(options.get("extensions", ()))
    if UNINDENT not in extensions and Unindent not in extensions:
        extensions.append(UNINDENT)
    return {**options, "extensions": extensions}


def render_page(env: Environment, site_context: Mapping, template: str, context: Mapping, url: str,
                save_as: str) -> str:
    """The HTML of one planned page (joinedup.render.pages.PlannedPage's template, context, url and
    save_as) over ``site_context`` (Pelican's context and the template globals)."""
    return env.get_template(template).render({**site_context, **context, "page_url": url, "output_file": save_as})


class CannotUpdate(Exception):
    """A writer cannot update its file for a few changed records (the file is missing, or not
    what that writer writes): the file must be written whole, by a full build."""
