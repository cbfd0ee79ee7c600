"""Render the volunteer directory, the proposals, the groups and the browse pages from the model.

Profiles, proposals, groups, skill, region, theme, status and listing pages are not Pelican
content objects: the page plan comes from ``joinedup.render.pages`` and each page is rendered with
the theme's Jinja environment, in parallel on every core for large directories; a page whose
inputs did not change since the last build is not rendered, and stays in the last site
(joinedup.builder.output). Feeds, open data and the sitemap are written here too, from the library's
text. Pelican itself reads and
writes only the other pages (content/pages), the home page and the 404 page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import pelican
from pelican.generators import Generator

import joinedup.render.pages as pages_module
from joinedup.builder.output import is_plain_file, read_manifest, write_manifest
from joinedup.builder.pipeline import current_build
from joinedup.builder.quick import pickle_context
from joinedup.core.buildcache import (KEEP_PER_PROFILE_UP_TO, PageFingerprints, fingerprint_files, forked_pool,
                                       library_salt)
from joinedup.core.markup import convert_bodies, render_body
from joinedup.load.files import read_text
from joinedup.load.profiles import PROFILE_SCHEMA_FILE
from joinedup.match.board import open_needs
from joinedup.match.breadth import supports
from joinedup.match.where_to_help import where_to_help
from joinedup.render.calendars import agenda_calendars
from joinedup.render.exports import groups_and_needs, text_file, write_open_data, write_pool
from joinedup.render.facets import write_facets
from joinedup.render.feeds import FeedSite, needs_feeds, proposal_feeds
from joinedup.match.insights import insights
from joinedup.render.globals import theme_globals
from joinedup.render.insights_data import insights_data
from joinedup.render.pages import (BY_BREADTH, NEEDS_ON_PROFILE, check_collisions, plan_agenda, plan_content,
                                   plan_directory, plan_insights, plan_needs)
from joinedup.render.rendering import page_environment, render_page
from joinedup.render.security import HEADERS_FILE, headers_file, pool_origins
from joinedup.render.sitemap import sitemap

log = logging.getLogger(__name__)

# Below this many pages to render, one process is faster than starting workers.
RENDER_IN_WORKERS_FROM_PAGES = 400
# From this many profiles, the proposal and group bodies are converted in a process of their own.
BODIES_APART_FROM = 2000
# On a big site each renderer process renders pages showing about this many people, then a
# fresh one takes over (see generate_output). 3,500 peaked at 992 MB at 100k with the quick
# state recorded, 2,500 at 956 MB in about the same time (benchmarks/README.md, session 15).
RENDERER_LIFETIME = 2500
# Context of proposal and group pages shown only in sections marked data-pagefind-ignore
# (endorsers, revision history, people who could help, members): not in Pagefind's index.
NOT_INDEXED = frozenset({"endorsers", "revisions", "history_note", "history_state", "helping",
                         "core_team", "other_members"})
SHARED_TEMPLATES = ("partials/person_card.html", "partials/person_row.html", "partials/site_header.html",
                    "partials/site_footer.html")
# Settings that differ on every build without changing a page.
_PER_BUILD_SETTINGS = {"OUTPUT_PATH", "JOINEDUP_ROOT"}
_shared: dict = {}
# Pelican's simple theme, which the theme's templates may extend (as Pelican's own generators allow).
SIMPLE_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(pelican.__file__)), "themes", "simple", "templates")


class DirectoryGenerator(Generator):
    """Adds the directory and the agenda to the shared context; writes their pages, feeds and data."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The planned pages' environment is the one a quick rebuild makes too (joinedup.render.rendering),
        # with what Pelican and plugins added to this generator's (strftime, plugin_enabled...).
        pelican_env = self.env
        self.env = page_environment(self._templates_path, self.theme, SIMPLE_TEMPLATES, self.settings,
                                    self.settings.get("DEFAULT_LANG", "en"), pelican_env.filters, pelican_env.tests)

    def generate_context(self):
        # Loaded and validated for this run by joinedup.builder.pipeline, or by the plugin's get_generators hook.
        self.build_state = current_build()
        repository = self.build_state.repository
        self.repository = repository
        page_size = self.settings.get("JOINEDUP_PAGE_SIZE", 24)
        rows_per_page = self.settings.get("JOINEDUP_ROWS_PER_PAGE", 100)
        names = theme_globals(repository, self.settings)
        # Each proposal's breadth of support: its page, the listings and the feed broadest first.
        self.support = supports(repository.agenda, repository.directory)
        self.names = names
        self.context.update(names)
        helpers, needs_of = names["people_who_could_help"], names["needs_of"]

        def plan_listings() -> list:
            """The directory (with where each person could help: the open needs they match,
            ranked as people are for a need), the needs board, the agenda's listings and the insights."""
            candidates = helpers.candidates()
            # Every open need, the pools' with this site's, with how many (pooled people included)
            # could fill it: the board, the skill and region pages, the feeds, the data.
            self.needs = open_needs(repository.agenda, repository.directory, repository.build_date,
                                    helpers.everyone(), repository.pooled.needs)
            # The organisers' figures, from this site's own open needs: the insights page and data/insights.json.
            self.insights = insights(repository.directory, repository.agenda, repository.build_date,
                                     needs=tuple(need for need in self.needs if not need.home))
            could_help = where_to_help(self.needs, candidates, repository.build_date, NEEDS_ON_PROFILE)
            return (plan_directory(repository.directory, rows_per_page, repository.agenda, self.needs, could_help)
                    + plan_needs(self.needs)
                    + plan_agenda(repository.agenda, repository.taxonomy, page_size, directory=repository.directory,
                                  support=self.support)
                    + plan_insights(self.insights))

        # Bodies are converted here, before the renderers fork, so the feeds, the open data and
        # the next build (bodies, in the cache folder) share each conversion. From BODIES_APART_FROM
        # profiles they are converted in a forked process, while this one matches people to the
        # needs and plans the listings ("where you could help" on every profile); not on a big
        # directory, where a second process beside the model would add to the memory peak.
        agenda = repository.agenda
        items = (*agenda.proposals.values(), *agenda.groups.values())
        texts = [item.body for item in items]
        people = len(repository.directory.volunteers)
        if BODIES_APART_FROM <= people <= KEEP_PER_PROFILE_UP_TO and (os.cpu_count() or 1) > 1:
            _shared["bodies"] = (self.build_state.bodies, texts)
            try:
                with forked_pool(1) as pool:
                    pending = pool.apply_async(_convert_bodies)
                    for item in items:  # ranked now, for plan_content below
                        helpers(needs_of(item))
                    self.pages = plan_listings()
                    self.build_state.bodies.take(pending.get())
            finally:
                del _shared["bodies"]
        else:
            convert_bodies(texts)
            self.pages = plan_listings()
        self.pages += plan_content(repository.agenda, repository.directory, render_body,
                                   lambda item: helpers(needs_of(item)), self.support)
        helpers.keep()
        self.content = self.context.get("pages", []) + self.context.get("hidden_pages", []) + self.context.get("articles", [])
        taken = {content.save_as: f"the page '{content.source_path}'" for content in self.content}
        check_collisions(self.pages, taken)

    def generate_output(self, writer):
        try:
            self._write_output()
        finally:
            _shared.clear()  # what the forked renderers inherited: nothing of this build outlives it

    def _write_output(self):
        # Publish the profile schema, so editors and other tools can validate against it.
        # Read as the load read it (read_text: never through a link); the load refused the build otherwise.
        schema_text, _problems = read_text(self.repository.root, PROFILE_SCHEMA_FILE)
        schema_target = os.path.join(self.output_path, "schema", "volunteer.json")
        os.makedirs(os.path.dirname(schema_target), exist_ok=True)
        with open(schema_target, "w", encoding="utf-8", newline="") as handle:
            handle.write(schema_text or "")

        shared = self._shared_fingerprint()
        digests = self.repository.digests
        hashes = PageFingerprints(shared, ((volunteer, digests[volunteer.path])
                                           for volunteer in self.repository.directory.volunteers.values()
                                           if volunteer.path in digests))
        fingerprints = [hashes.page(page.template, page.context) for page in self.pages]
        # joinedup.builder.pipeline builds into a staging folder; when the last site is to be updated in
        # place (joinedup.builder.output), a page whose fingerprint is unchanged is kept there, not
        # rendered. When what every page depends on changed (theme, settings, code, the day),
        # nothing can be kept: everything is written here, and the folder is swapped in whole.
        build = self.build_state
        previous_output = str(build.previous_output or "")
        shared_digest = hashlib.blake2b(shared.encode(), digest_size=16).hexdigest()
        last = read_manifest(previous_output)
        if last.get("shared") != shared_digest:
            previous_output, last = "", {}
        previous = last.get("pages", {})
        todo = []
        for index, page in enumerate(self.pages):
            if previous.get(page.save_as) == fingerprints[index] and is_plain_file(os.path.join(previous_output, page.save_as)):
                continue
            todo.append(index)
        log.info("directory: %d pages rendered, %d unchanged", len(todo), len(self.pages) - len(todo))
        # joinedup.builder.pipeline passes a joinedup.builder.quick.Recorder: each rendered page's context is kept
        # for the next quick rebuild (pickled where the page is rendered, on every core).
        recorder = build.recorder
        volunteers = self.repository.directory.volunteers
        # Above KEEP_PER_PROFILE_UP_TO people, memory matters more than the seconds an
        # overlap saves (the quick state written beside Pagefind).
        big = len(volunteers) > KEEP_PER_PROFILE_UP_TO
        if recorder is not None:
            recorder.generator(self, self.names, shared, _PER_BUILD_SETTINGS, SIMPLE_TEMPLATES)
            if not recorder.has_kept_pages:
                rendered = set(todo)
                kept = [index for index in range(len(self.pages)) if index not in rendered]
                # A batch at a time, as the renderers' records come: 100,000 pickled contexts
                # held at once were this build's memory peak (benchmarks/README.md, session 15).
                for start in range(0, len(kept), 1000):
                    recorder.add([_record(index, self.pages[index], volunteers) for index in kept[start:start + 1000]])
        _shared.update(env=self.env, pages=self.pages, output=self.output_path, context=self.context,
                       volunteers=volunteers if recorder is not None else None)
        workers = os.cpu_count() or 1
        # tasks.py passes a progress bar on a terminal: progress(pages done, pages to render).
        progress = build.progress or (lambda done, total: None)
        # What Pagefind reads of the proposal and group pages: their context but the sections
        # the templates mark data-pagefind-ignore. When none of these changed, the last Pagefind
        # bundle is kept although the pages themselves were rendered again.
        indexed = {page.save_as: hashes.page(page.template, _indexed_context(page.context))
                   for page in self.pages if page.template in ("proposal.html", "group.html")}
        if len(todo) < RENDER_IN_WORKERS_FROM_PAGES or workers < 2:
            for done, index in enumerate(todo, 1):
                record = _render(index)
                if recorder is not None:
                    recorder.add([record])
                progress(done, len(todo))
        else:
            # fork: workers inherit the environment, the model and the plan without pickling.
            # Frozen first, so the workers' garbage collector never walks (and so copies) the
            # parent's objects, a model's worth of memory in each worker.
            # On a big site each worker renders one chunk of pages showing at most
            # RENDERER_LIFETIME people, then a fresh one takes over: a worker copies the parts of
            # the model it touches (reference counts are writes) and keeps the cards it
            # rendered, so a long-lived one would grow to a model's size.
            done = 0
            # Only on a big site: a worker that lives for the whole build renders each card once
            # (person_card), and a fresh one renders them all again (benchmarks/README.md).
            recycle = big and len(todo) > RENDERER_LIFETIME * workers
            chunks = (_weighed_chunks(todo, self.pages, RENDERER_LIFETIME) if recycle
                      else _chunks(todo, workers * 16))
            for name in {page.template for page in self.pages} | set(SHARED_TEMPLATES):
                self.env.get_template(name)  # compiled once here, inherited by every worker
            with forked_pool(workers, maxtasksperchild=1 if recycle else None) as pool:
                for records in pool.imap_unordered(_render_many, chunks):
                    done += len(records)
                    if recorder is not None:
                        recorder.add(records)
                    progress(done, len(todo))
        facets = self.write_data_files(previous_output)
        # Pagefind (joinedup.builder.pagefind.BrowserIndex, passed by joinedup.builder.pipeline)
        # starts once every page is written: started beside the renderers it saved no time
        # (benchmarks/README.md, "Speed mechanisms and their ablations"). On a big site the
        # quick-rebuild state is written first, so the two never hold memory at once.
        if recorder is not None and big:
            recorder.prepare(self.repository)
        if build.browser_index is not None:
            build.browser_index.start([page.save_as for page in self.pages],
                                      {self.pages[index].save_as for index in todo}, indexed, bool(previous_output))
        if recorder is not None and not big:
            recorder.prepare(self.repository)
        write_manifest(self.output_path, {"pages": {page.save_as: fp for page, fp in zip(self.pages, fingerprints)},
                                          "facets": facets, "shared": shared_digest, "indexed": indexed})

    def _shared_fingerprint(self) -> str:
        """What every directory page depends on besides its own context."""
        theme = Path(self.theme)
        code = Path(pages_module.__file__).parent.parent
        files = [p for p in theme.rglob("*") if p.is_file()]
        root = str(self.repository.root)
        settings = {
            # Paths inside the repository by their relative name: a clone elsewhere builds the same site.
            key: os.path.relpath(value, root) if isinstance(value, str) and value.startswith(root) else value
            for key, value in self.settings.items()
            if key.isupper() and isinstance(value, (str, int, float, bool)) and key not in _PER_BUILD_SETTINGS
        }
        nav = [(p.url, p.title, getattr(p, "menu_title", "")) for p in self.context.get("pages", [])]
        return "|".join([
            fingerprint_files(files, theme),
            # The plugin and the whole library: every package, its catalogues and the versions
            # of the packages that shape its output.
            fingerprint_files([Path(__file__)], code), library_salt(),
            repr(sorted(settings.items())), repr(nav),
            repr(self.repository.taxonomy), self.repository.build_date.isoformat(),
            repr(sorted(self.context.get("stale_profiles", {}).items())),
        ])

    def write_data_files(self, previous_output: str) -> list[str]:
        """Feeds, open data, the sitemap and the facet files; returns the facet files' names."""
        self.write_files()
        # Each profile's last commit, as git was read once for this build (theme_globals).
        dates = self.names["people_who_could_help"].dates
        return write_facets(self.repository.directory, Path(self.output_path), previous_output or None,
                            self.repository.root, self.repository.digests, dates)

    def write_files(self):
        """Feeds, open data and the sitemap: text from the library, written as they are."""
        repository = self.repository
        agenda, directory = repository.agenda, repository.directory
        site_url = self.settings.get("SITEURL", "")
        site = FeedSite(self.settings.get("SITENAME", ""), site_url, self.settings.get("FORGE_URL", ""))
        files = proposal_feeds(agenda, directory, site, repository.build_date, self.support)
        files.update(needs_feeds(self.needs, directory.taxonomy, site, repository.build_date))
        files.update(agenda_calendars(agenda, directory.taxonomy, site.name, site_url, site.forge_url,
                                      repository.build_date))
        files.update(groups_and_needs(agenda, directory, self.needs, site_url, repository.build_date))
        files.update(insights_data(self.insights, directory.taxonomy, site_url))
        files.update(sitemap(self._sitemap_pages(), site_url))
        files[HEADERS_FILE] = headers_file(pool_origins(json.loads(self.settings.get("JOINEDUP_POOLS") or "[]")))
        for relative, text in files.items():
            with text_file(self.output_path, relative) as handle:
                handle.write(text)
        files.clear()
        # The directory's files, written person by person: the biggest texts of the site.
        write_open_data(self.output_path, agenda, directory, site_url, repository.root, repository.digests)
        write_pool(self.output_path, directory, self.names["people_who_could_help"].dates)

    def _sitemap_pages(self):
        agenda = self.repository.agenda
        changed = {f"proposals/{p.slug}/": agenda.last_changed(p) for p in agenda.proposals.values()}
        pages = [("", None)]
        # A listing broadest support first holds the same proposals as its own address: not listed twice.
        pages += [(page.url, changed.get(page.url)) for page in self.pages if BY_BREADTH not in page.url]
        pages += [(content.url, changed.get(content.url)) for content in self.content]
        return pages


def _chunks(indexes: list[int], parts: int) -> list[list[int]]:
    size = max(1, -(-len(indexes) // parts))
    return [indexes[start : start + size] for start in range(0, len(indexes), size)]


def _indexed_context(context: dict) -> dict:
    """What Pagefind reads of a proposal's or group's context (of authors, their names)."""
    kept = {key: value for key, value in context.items() if key not in NOT_INDEXED}
    if "authors" in kept:
        kept["authors"] = [(person.id, person.name) for person in kept["authors"]]
    return kept


def _weighed_chunks(indexes: list[int], pages, budget: int) -> list[list[int]]:
    """``indexes`` in runs showing about ``budget`` people each (a listing shows a page of them)."""
    chunks: list[list[int]] = [[]]
    weight = 0
    for index in indexes:
        shown = len(pages[index].context.get("people") or ()) + 1
        if chunks[-1] and weight + shown > budget:
            chunks.append([])
            weight = 0
        chunks[-1].append(index)
        weight += shown
    return chunks


def _render_many(indexes: list[int]) -> list:
    """Render the pages of ``indexes``; each page's record (see _render)."""
    return [_render(index) for index in indexes]


def _convert_bodies() -> dict[str, str]:
    """In the forked process: the bodies converted, Markdown to HTML, for the build's to take."""
    bodies, texts = _shared["bodies"]
    bodies.convert(texts)
    return bodies.kept(texts)


def _record(index: int, page, volunteers) -> tuple:
    """What joinedup.builder.quick keeps of a page: its index in the plan and its context pickled with
    the people as references (see joinedup.builder.quick.Recorder.add)."""
    return (index, *pickle_context(page.context, volunteers))


def _render(index: int) -> tuple | None:
    """Render the page; with a recorder in this build, return its record (see _record)."""
    page = _shared["pages"][index]
    html = render_page(_shared["env"], _shared["context"], page.template, page.context, page.url, page.save_as)
    target = os.path.join(_shared["output"], page.save_as)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(html)
    volunteers = _shared["volunteers"]
    return _record(index, page, volunteers) if volunteers is not None else None
