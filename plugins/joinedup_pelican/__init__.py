"""Joined Up's Pelican plugin: a thin shell around the ``joinedup`` library.

Every signal the project uses is connected in :func:`register`, here and nowhere else.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from pelican import signals

from joinedup.builder.pipeline import BuildState, current_build, hand_over, take_from_pools
from joinedup.core.buildcache import load_memo, save_memo
from joinedup.core.i18n import activate, install_template_gettext
from joinedup.core.problems import ProblemsFound, has_errors
from joinedup.load.repository import load_repository
from joinedup.render.rendering import NamedUndefined

from .directory import DirectoryGenerator

log = logging.getLogger(__name__)


def load_site(pelican):
    """The state of this run (joinedup.builder.pipeline.BuildState), loaded before any generator reads a file.

    ``tasks.py build`` has already loaded and validated the repository and hands its state over
    for the run (joinedup.builder.pipeline.handed_to_plugin). Plain ``pelican content`` has none: the
    repository is loaded here, again on every run of ``pelican --autoreload``, and this state
    is current until the run is finalized. Errors stop the build before anything is written.
    """
    state = current_build()
    if state is not None and not state.loaded_by_plugin:
        return state
    settings = pelican.settings
    root = Path(settings.get("JOINEDUP_ROOT") or Path(settings["PATH"]).parent)
    repository, problems = load_repository(root, history=True)
    pooled = take_from_pools(root, repository.build_date)
    if pooled.digest:
        repository = replace(repository, pooled=pooled)
        problems += pooled.problems
    for item in problems:
        log.warning("%s", item.format_text())
    if has_errors(problems):
        raise ProblemsFound(problems)
    state = BuildState(repository, loaded_by_plugin=True)
    hand_over(state)
    return state


def get_generators(pelican):
    """Sent at the start of every run, before generators (and their readers) exist."""
    state = load_site(pelican)
    state.bodies.take(load_memo(state.repository.root, BODIES))
    return DirectoryGenerator


def forget_site(pelican):
    """Sent at the end of a run: a state this plugin made for plain ``pelican`` ends with it."""
    state = current_build()
    if state is not None and state.loaded_by_plugin:
        hand_over(None)


def accent_in_stylesheet(pelican):
    """Sent at the end of a run, once the theme's files are copied into the site: the
    movement's accent goes at the end of the theme's stylesheet (joinedup.render.accent)."""
    from joinedup.render.accent import add_accent

    add_accent(Path(pelican.output_path) / pelican.settings["THEME_STATIC_DIR"],
               pelican.settings.get("JOINEDUP_ACCENT", ""))


def use_language(generator):
    """Every generator's templates and the library's labels speak the site's language
    (DEFAULT_LANG), and follow the planned pages' rule for names no path provides: Pelican's
    own pages (content/pages, the home page, 404) fail on one as the planned pages do
    (joinedup.render.rendering.NamedUndefined), instead of printing nothing."""
    language = generator.settings.get("DEFAULT_LANG", "en")
    activate(language)
    generator.env.undefined = NamedUndefined
    install_template_gettext(generator.env, language)


# Proposal and group bodies as HTML, kept in the cache folder (buildcache.cache_dir) so a rebuild converts only the changed ones.
BODIES = "bodies"


def keep_bodies(generators):
    """Sent once every generator has read its content: keep this build's bodies for the next."""
    state = current_build()
    agenda = state.repository.agenda
    if agenda is not None:
        items = (*agenda.proposals.values(), *agenda.groups.values())
        save_memo(state.repository.root, BODIES, state.bodies.kept(item.body for item in items))


def site_settings(pelican):
    """Templates compiled without their indentation (joinedup.render.rendering.Unindent), and
    ``SITEPATH``, the path of SITEURL ('' or '/repo' on a project's GitHub Pages): the links
    between the site's own pages start with it, not with the whole address, which every page
    would otherwise repeat dozens of times (benchmarks/README.md, output size). What must be
    absolute (feeds, the sitemap, open data, og:url, the address an "I can help" issue quotes)
    keeps SITEURL."""
    from urllib.parse import urlsplit

    pelican.settings["SITEPATH"] = urlsplit(pelican.settings.get("SITEURL") or "").path.rstrip("/")
    from joinedup.render.rendering import with_unindent

    pelican.settings["JINJA_ENVIRONMENT"] = with_unindent(pelican.settings.get("JINJA_ENVIRONMENT", {}))


def register():
    signals.initialized.connect(site_settings)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(use_language)
    signals.all_generators_finalized.connect(keep_bodies)
    signals.finalized.connect(accent_in_stylesheet)
    signals.finalized.connect(forget_site)
