"""The build: DESIGN.md §3's pipeline, one function per step, for ``tasks.py build`` and ``serve``.

:func:`build` reads as the pipeline: load, validate and model the repository (steps 1-3), plan
and render the pages (4), index them for the browser (5), publish (6). A rebuild is the same
code with a smaller plan: pages whose inputs did not change stay in the last site
(joinedup.builder.output), and when only what some profiles show changed, :mod:`joinedup.builder.quick`
renders the pages showing those people again from what the last build recorded.

Rendering runs Pelican with the ``joinedup_pelican`` plugin (Pelican is imported only then,
so this module stays cheap to import). The build hands the plugin its state, a
:class:`BuildState`, through one hook: the context variable behind :func:`current_build`,
set by :func:`handed_to_plugin` for the duration of ``Pelican.run()`` and reset after. A
context variable rather than a key in Pelican's settings: the settings are copied into every
template's context and fingerprinted as the site's inputs, and live objects (the model, a
database, a child process) have no place there; nothing of a build outlives it. Plain
``pelican content`` (no tasks.py) still works: the plugin then loads the repository and hands
itself a state of its own (joinedup_pelican.load_site).

The library never prints: :func:`build` returns a :class:`BuildResult` for the command line to
report, and raises :class:`~joinedup.core.problems.ProblemsFound` for every failure a user can act
on, the content's errors, a line Pelican logs as an error, a tool that failed, alike.
"""

from __future__ import annotations

import contextvars
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from joinedup.builder.output import (files_under, finish_publishing, merge, read_manifest, staging_folder, swap_in,
                                     write_manifest)
from joinedup.builder.pagefind import BUNDLE, BrowserIndex, build_tool_failed
from joinedup.core import problems as P
from joinedup.core.markup import ConvertedBodies, bodies_in_use, use_bodies

log = logging.getLogger(__name__)

SETTINGS_FILES = {False: "pelicanconf.py", True: "publishconf.py"}


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did, for the command line to say."""

    pages: int                        # HTML pages of the published site
    seconds: float
    warnings: tuple[P.Problem, ...] = ()
    # A full build: whether Pagefind indexed the site ("indexed", in pagefind_seconds) or the
    # last bundle was kept ("reused"). A quick rebuild leaves the bundle alone: "".
    pagefind: str = ""
    pagefind_seconds: float = 0.0
    # A quick rebuild: how many profiles were edited (0: nothing changed since the last build)
    # and how many pages showing them were rendered again. None: a full build.
    edited: int | None = None
    rerendered: int = 0

    def lines(self) -> list[str]:
        """What the build says about itself but for the pages it built: each warning, then what a
        quick rebuild rendered again (or that nothing changed), or whether Pagefind indexed the
        site or kept the last index."""
        from joinedup.core.i18n import format_seconds, gettext as _

        said = [item.format_text() for item in self.warnings]
        if self.edited:
            said.append(_("Quick rebuild: %(changed)d edited profile(s); %(rendered)d pages showing them rendered "
                          "again.") % {"changed": self.edited, "rendered": self.rerendered})
        elif self.edited == 0:
            said.append(_("Nothing changed since the last build."))
        elif self.pagefind == "indexed":
            said.append(_("Pagefind indexed the site in %(seconds)s s.")
                        % {"seconds": format_seconds(self.pagefind_seconds)})
        else:
            said.append(_("Pagefind index reused: no indexed page changed."))
        return said


@dataclass(frozen=True, slots=True)
class BuildState:
    """Everything one build hands the Pelican plugin, and nothing else (see the module's docstring).

    ``repository``: the loaded, validated model; ``previous_output``: the last site, when this
    build updates it in place (pages whose inputs did not change stay there, not rendered);
    ``recorder``: a :class:`joinedup.builder.quick.Recorder` keeping what the next quick rebuild needs,
    or None; ``browser_index``: the :class:`joinedup.builder.pagefind.BrowserIndex` the directory
    generator starts once the pages it reads are written, or None; ``progress``: called with
    (pages rendered, pages to render), or None; ``bodies``: the proposal and group bodies this
    build converted (:class:`joinedup.core.markup.ConvertedBodies`, started with those the last
    build kept). ``loaded_by_plugin``: the plugin made this state itself (plain ``pelican content``).
    """

    repository: object
    previous_output: Path | None = None
    recorder: object | None = None
    browser_index: BrowserIndex | None = None
    progress: Callable[[int, int], None] | None = None
    bodies: ConvertedBodies = field(default_factory=ConvertedBodies, compare=False)
    loaded_by_plugin: bool = field(default=False, compare=False)


_CURRENT: contextvars.ContextVar[BuildState | None] = contextvars.ContextVar("joinedup_build", default=None)


def current_build() -> BuildState | None:
    """The state of the build running now, or None outside one."""
    return _CURRENT.get()


@contextmanager
def handed_to_plugin(state: BuildState | None):
    """Make ``state`` the current build's for the duration of the block (a ``Pelican.run()``),
    and its bodies those the library's Markdown conversion keeps (joinedup.core.markup)."""
    token = _CURRENT.set(state)
    try:
        with bodies_in_use(state.bodies if state is not None else None):
            yield state
    finally:
        _CURRENT.reset(token)


def hand_over(state: BuildState | None) -> None:
    """Make ``state`` current until the next hand-over: for the plugin under plain ``pelican``,
    which has no block around its run (it hands over None when the run is finalized)."""
    _CURRENT.set(state)
    use_bodies(state.bodies if state is not None else None)


def build(root: Path, output_path: Path, *, publish: bool = False, progress=None, last: bool = False,
          quick_failed: Callable[[str], None] | None = None) -> BuildResult:
    """Build the repository at ``root`` into ``output_path`` (steps 1-6 of DESIGN.md §3).

    ``publish`` uses publishconf.py instead of pelicanconf.py; ``progress(done, total)`` hears
    how rendering goes; ``last``: the process ends after this build (what it made is then
    frozen, not collected); ``quick_failed(error)`` hears that the quick rebuild failed, a
    fault of ours, before the full build runs instead. Returns what was built. Raises
    ProblemsFound, with every problem, when the content has errors or a tool failed: then
    ``output_path`` is left as it was.
    """
    from joinedup.builder import quick
    from joinedup.core.buildcache import collector_paused
    from joinedup.core.dates import build_date

    started = time.perf_counter()
    root = Path(root)
    settings_file = SETTINGS_FILES[publish]
    day = build_date()
    # A publication of the last build cut short after its commit is completed first (output.publish).
    finish_publishing(Path(output_path))
    pooled = take_from_pools(root, day)
    with quick.SiteCheck(Path(output_path)) as site_check:
        # Taken before anything is read: an edit made during this build makes the next one full.
        key, profiles, head = quick.world(root, output_path, settings_file, day, pooled.digest)
        quickly = rebuild_quickly(root, output_path, settings_file, key, profiles, head, day, site_check, quick_failed)
        if quickly is not None:
            pages, edited, rerendered = quickly
            return BuildResult(pages, time.perf_counter() - started, pooled.fetch_problems, edited=edited,
                               rerendered=rerendered)

        with collector_paused(then_freeze=last):
            repository, warnings = load(root, day, pooled)                           # 1-3
            recorder = recorder_for(root, output_path, settings_file, key, head, repository)
            try:
                with staged(output_path, site_check) as stage:
                    state = BuildState(repository, stage.previous_output, recorder, stage.browser_index, progress)
                    render(state, stage.folder, settings_file)                       # 4
                    indexed = index(stage.browser_index)                             # 5
                    pages = publish_site(stage, output_path, indexed)                # 6
            except BaseException:
                if recorder is not None:
                    recorder.abandon()
                raise
            if recorder is not None:
                recorder.save(repository, pages)
        return BuildResult(pages, time.perf_counter() - started, warnings, "indexed" if indexed else "reused",
                           stage.browser_index.seconds)


def rebuild_quickly(root: Path, output_path: Path, settings_file: str, key: str, profiles: dict, head: str, day,
                    site_check, quick_failed=None) -> tuple[int, int, int] | None:
    """When only what some profiles show changed since the last build (a headline, a bio): render
    the pages showing them again from what that build recorded (joinedup.builder.quick), without loading
    the rest. Returns (pages of the site, profiles edited, pages rendered again), or None when
    the full build must run."""
    from joinedup.builder import quick

    try:
        return quick.rebuild(root, output_path, settings_file, key, profiles, head, day, site_check)
    except quick.Refused as reason:
        log.debug("full build: %s", reason)
    except Exception as error:  # a fault of ours, not of the content: the full build is always right
        if quick_failed is not None:
            from joinedup.load.settings import use_site_language

            use_site_language(root)
            quick_failed(f"{type(error).__name__}: {error}")
    return None


def take_from_pools(root: Path, day):
    """What the other sites ``site.yaml`` names as pools give this build (joinedup.load.pools),
    fetched again now; nothing when it names none, or when its settings or taxonomies have errors
    (the load then reports them)."""
    from joinedup.core.i18n import activate
    from joinedup.load.pools import NOTHING, take
    from joinedup.load.settings import load_settings
    from joinedup.load.taxonomy import load_taxonomy

    settings, problems = load_settings(root)
    if not settings.pools or P.has_errors(problems):
        return NOTHING
    activate(settings.language)
    taxonomy, problems = load_taxonomy(root)
    if P.has_errors(problems):
        return NOTHING
    return take(root, settings.pools, taxonomy, day)


def load(root: Path, day, pooled=None) -> tuple[object, tuple[P.Problem, ...]]:
    """Steps 1-3: load every file, validate it, and build the model (joinedup.load.repository),
    with what the pools gave (``pooled``, a joinedup.load.pools.Taken).

    Returns the model and the warnings found. Raises ProblemsFound, with every problem, when
    any is an error: nothing is written then."""
    from dataclasses import replace

    from joinedup.load.repository import load_repository

    repository, problems = load_repository(root, history=True, build_date=day)
    if P.has_errors(problems):
        raise P.ProblemsFound(problems)
    warnings = tuple(item for item in problems if not item.is_error)
    if pooled is not None and pooled.digest:
        repository = replace(repository, pooled=pooled)
        warnings += pooled.problems
    return repository, warnings


def recorder_for(root: Path, output_path: Path, settings_file: str, key: str, head: str, repository):
    """A joinedup.builder.quick.Recorder for this build, or None on a directory too big to record
    (quick.RECORD_UP_TO), whose last state is then forgotten."""
    from joinedup.builder import quick

    if len(repository.directory.volunteers) <= quick.RECORD_UP_TO:
        return quick.Recorder(root, output_path, settings_file, key, head)
    quick.forget(root)
    return None


@dataclass(frozen=True, slots=True)
class Stage:
    """The staging folder a build renders into, beside the output, and what it updates."""

    folder: Path
    last: dict                        # the last site's manifest ({} when there is none to update)
    previous_output: Path | None      # the last site, when this build updates it in place
    browser_index: BrowserIndex


@contextmanager
def staged(output_path: Path, site_check):
    """A :class:`Stage` for a build into ``output_path``, updating the last site there when
    ``site_check`` (a joinedup.builder.quick.SiteCheck) finds it is the one the last build
    wrote; on failure Pagefind is stopped and the staging folder removed."""
    last = read_manifest(output_path) if site_check.problem() is None else {}
    folder = staging_folder(output_path)
    browser_index = BrowserIndex(folder, output_path, last)
    try:
        yield Stage(folder, last, output_path if last.get("files") else None, browser_index)
    except BaseException:
        browser_index.cancel()
        shutil.rmtree(folder, ignore_errors=True)
        raise


def render(state: BuildState, staging: Path, settings_file: str) -> None:
    """Step 4: Pelican with our plugin renders the site into ``staging`` from the model in
    ``state`` (not reloaded). The directory generator plans the pages (joinedup.render.pages) and renders
    those whose inputs changed; it starts Pagefind (step 5) as soon as the pages it reads are
    written. Raises ProblemsFound when the plugin is not loaded or Pelican logged an error."""
    from jinja2 import TemplateError
    from pelican import Pelican
    from pelican.log import console as pelican_console
    from pelican.settings import read_settings

    from joinedup.core.i18n import gettext as _

    root = Path(state.repository.root)
    os.chdir(root)
    settings = read_settings(str(root / settings_file), override={"OUTPUT_PATH": str(staging)})
    pelican_log = logging.getLogger("pelican")
    pelican_log.setLevel(logging.WARNING)
    errors = PelicanErrors(root, Path(settings["PATH"]))
    pelican_log.addHandler(errors)
    try:
        site = Pelican(settings)
        if "joinedup_pelican" not in site.settings["PLUGINS"]:
            raise build_tool_failed(_("the joinedup_pelican plugin did not load; is the package installed?"),
                                    _("List joinedup_pelican in PLUGINS, and its folder in PLUGIN_PATHS."),
                                    settings_file)
        # Pelican's own summary ("Processed 0 articles … 3 pages") counts only what Pelican
        # renders itself; the build says what it built in its own words.
        quiet, pelican_console.quiet = pelican_console.quiet, True
        try:
            with handed_to_plugin(state):
                site.run()
        except TemplateError as error:
            raise P.ProblemsFound([template_problem(error, root)]) from None
        finally:
            pelican_console.quiet = quiet
    finally:
        pelican_log.removeHandler(errors)
    if errors.problems:
        raise P.ProblemsFound(errors.problems)


def index(browser_index: BrowserIndex) -> bool:
    """Step 5: wait for Pagefind (joinedup.builder.pagefind). True when it indexed the site, False when
    the last bundle is kept. Raises ProblemsFound when it failed."""
    return browser_index.finish()


def publish_site(stage: Stage, output_path: Path, indexed: bool) -> int:
    """Step 6: put the staged site in place; returns its number of HTML pages.

    Nothing kept from the last site (the theme, settings or day changed): the staging folder is
    a whole site and is swapped in, which beats moving 100,000 files one by one. Otherwise the
    staged files are merged into the last site (joinedup.builder.output.merge)."""
    staging = stage.folder
    manifest = read_manifest(staging)
    # Kept pages linked into staging for Pagefind stay kept: they are already in place.
    staged_files = files_under(staging) - stage.browser_index.linked
    kept = (set(manifest.get("pages", ())) | set(manifest.get("facets", ()))) - staged_files
    # Pagefind's bundle is one whole, replaced whole when Pagefind ran: not listed file by file.
    files = {name for name in staged_files if not name.startswith(BUNDLE)} | kept
    staged_files = files - kept
    write_manifest(staging, {**manifest, "files": sorted(files)})
    if stage.previous_output is not None and kept:
        merge(staging, output_path, staged_files, files, set(stage.last["files"]),
              BUNDLE.rstrip("/") if indexed else None)
    else:
        swap_in(staging, output_path)
    return sum(1 for name in files if name.endswith(".html"))


class PelicanErrors(logging.Handler):
    """Pelican logs a file it cannot read and carries on; our build stops instead, with a
    Problem (JU301) for each error it logged."""

    def __init__(self, root: Path, content: Path):
        super().__init__(logging.ERROR)
        self.root, self.content = root, content
        self.problems: list[P.Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(pelican_problem(record, self.root, self.content))


def pelican_problem(record: logging.LogRecord, root: Path, content: Path) -> P.Problem:
    """The Problem for an error Pelican logged. Its file is the first of the record's arguments
    that names one: a path relative to the content folder (``Could not process %s``) or a
    content object with its ``source_path`` (``Skipping %s: …``); else the content folder."""
    from joinedup.core.i18n import gettext as _

    where = "content"
    for argument in record.args if isinstance(record.args, tuple) else ():
        source = getattr(argument, "source_path", argument)
        if isinstance(source, (str, os.PathLike)) and os.path.isfile(content / source):
            relative = os.path.relpath(content / source, root)
            if not relative.startswith(".."):
                where = Path(relative).as_posix()
                break
    return P.problem(P.CONTENT_ERROR, where, 0, 0, record.getMessage().splitlines()[0],
                     _("Fix the file named; Pelican could not process it."))


def template_problem(error: Exception, root: Path) -> P.Problem:
    """A template the build could not render (a syntax error, or a name no page provides,
    joinedup.render.rendering.NamedUndefined) as a Problem at the template's line: Jinja puts
    the template's own lines in the traceback, or on a syntax error itself."""
    import traceback

    from joinedup.core.i18n import gettext as _

    path, line = getattr(error, "filename", None), getattr(error, "lineno", None) or 0
    if not path:
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".html")]
        if frames:
            path, line = frames[-1].filename, frames[-1].lineno or 0
    try:
        path = Path(path).resolve().relative_to(Path(root).resolve()).as_posix() if path else "themes"
    except ValueError:
        path = Path(path).name
    return P.problem(P.TEMPLATE_ERROR, path, line, 0,
                     _("The template cannot be rendered: %(error)s.") % {"error": str(error).rstrip(".")},
                     _("Fix this line of the template: a name no page provides (a typo, or a global added in "
                       "one place only) or a syntax error. Nothing was published."))