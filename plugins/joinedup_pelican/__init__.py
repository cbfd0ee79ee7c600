"""Joined Up's Pelican plugin: a thin shell around the ``joinedup`` library.

Every signal the project uses is connected in :func:`register`, here and nowhere else.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from joinedup.problems import ProblemsFound, has_errors
from joinedup.repository import load_repository

from .directory import DirectoryGenerator
from .reader import ContentReader

log = logging.getLogger(__name__)


def load_site(pelican):
    """Load and validate the whole repository once, before any generator reads a file.

    ``tasks.py build`` has already done it and passes the result in JOINEDUP_REPOSITORY;
    plain ``pelican content`` gets it here. Errors stop the build before anything is written.
    """
    settings = pelican.settings
    if settings.get("JOINEDUP_REPOSITORY") is not None:
        return
    root = Path(settings.get("JOINEDUP_ROOT") or Path(settings["PATH"]).parent)
    repository, problems = load_repository(root, history=True)
    for item in problems:
        log.warning("%s", item.format_text())
    if has_errors(problems):
        raise ProblemsFound(problems)
    settings["JOINEDUP_REPOSITORY"] = repository


def use_content_reader(readers):
    """Proposals and groups are read from the model; other Markdown as Pelican reads it."""
    for extension in ContentReader.file_extensions:
        readers.reader_classes[extension] = ContentReader


def get_generators(pelican):
    return DirectoryGenerator


def register():
    signals.initialized.connect(load_site)
    signals.readers_init.connect(use_content_reader)
    signals.get_generators.connect(get_generators)
