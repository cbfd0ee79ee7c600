"""Joined Up's Pelican plugin: a thin shell around the ``joinedup`` library.

Every signal the project uses is connected in :func:`register`, here and nowhere else.
"""

from __future__ import annotations

from pelican import signals

from .directory import DirectoryGenerator


def get_generators(pelican):
    return DirectoryGenerator


def register():
    signals.get_generators.connect(get_generators)
