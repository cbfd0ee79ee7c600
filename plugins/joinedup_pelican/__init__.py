"""Joined Up's Pelican plugin: a thin shell around the ``joinedup`` library.

Every signal the project uses is connected in :func:`register`, here and nowhere else.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from joinedup.i18n import activate, translations
from joinedup.problems import ProblemsFound, has_errors
from joinedup.repository import load_repository

from .directory import DirectoryGenerator
from .reader import ContentReader

log = logging.getLogger(__name__)


def load_site(pelican):
    """Load and validate the whole repository, before any generator of this run reads a file.

    ``tasks.py build`` has already done it and passes the result in JOINEDUP_REPOSITORY;
    plain ``pelican content`` gets it here, again on every run of ``pelican --autoreload``.
    Errors stop the build before anything is written.
    """
    settings = pelican.settings
    if settings.get("JOINEDUP_REPOSITORY") is not None and not settings.get("_JOINEDUP_LOADED_HERE"):
        return
    root = Path(settings.get("JOINEDUP_ROOT") or Path(settings["PATH"]).parent)
    repository, problems = load_repository(root, history=True)
    for item in problems:
        log.warning("%s", item.format_text())
    if has_errors(problems):
        raise ProblemsFound(problems)
    settings["JOINEDUP_REPOSITORY"] = repository
    settings["_JOINEDUP_LOADED_HERE"] = True


def use_content_reader(readers):
    """Proposals and groups are read from the model; other Markdown as Pelican reads it."""
    for extension in ContentReader.file_extensions:
        readers.reader_classes[extension] = ContentReader


def get_generators(pelican):
    """Sent at the start of every run, before generators (and their readers) exist."""
    load_site(pelican)
    return DirectoryGenerator


def use_language(generator):
    """Every generator's templates and the library's labels speak the site's language (DEFAULT_LANG)."""
    language = generator.settings.get("DEFAULT_LANG", "en")
    activate(language)
    generator.env.install_gettext_translations(translations(language), newstyle=True)


def register():
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(use_language)
    signals.readers_init.connect(use_content_reader)
