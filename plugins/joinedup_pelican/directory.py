"""Render the volunteer directory and the browse pages from the model, through the theme's templates.

Profiles, skill, region, theme, status and listing pages are not Pelican content objects:
the page plan comes from ``joinedup.pages`` and each page is rendered with the theme's
Jinja environment, in parallel on every core for large directories. Feeds, open data and
the sitemap are written here too, from the library's text.
"""

from __future__ import annotations

import multiprocessing
import os

from pelican.generators import Generator

from joinedup.exports import open_data
from joinedup.feeds import FeedSite, proposal_feeds
from joinedup.pages import check_collisions, plan_agenda, plan_directory
from joinedup.presentation import theme_globals
from joinedup.sitemap import SITEMAP, sitemap


# Below this many pages one process is faster than starting workers.
PARALLEL_FROM = 400
_shared: dict = {}


class DirectoryGenerator(Generator):
    """Adds the directory and the agenda to the shared context; writes their pages, feeds and data."""

    def generate_context(self):
        # Loaded and validated for this run by the plugin's get_generators hook, or by tasks.py.
        repository = self.settings["JOINEDUP_REPOSITORY"]
        self.repository = repository
        page_size = self.settings.get("JOINEDUP_PAGE_SIZE", 30)
        self.pages = plan_directory(repository.directory, page_size, repository.agenda)
        self.pages += plan_agenda(repository.agenda, repository.taxonomy, page_size)
        self.content = self.context.get("pages", []) + self.context.get("hidden_pages", []) + self.context.get("articles", [])
        taken = {content.save_as: f"the page '{content.source_path}'" for content in self.content}
        check_collisions(self.pages, taken)
        self.context.update(theme_globals(repository, self.settings))

    def generate_output(self, writer):
        _shared.update(env=self.env, pages=self.pages, output=self.output_path, context=self.context)
        workers = os.cpu_count() or 1
        if len(self.pages) < PARALLEL_FROM or workers < 2:
            for index in range(len(self.pages)):
                _render(index)
        else:
            # fork: workers inherit the environment, the model and the plan without pickling.
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pool.map(_render_range, _ranges(len(self.pages), workers * 4))
        self.write_files()

    def write_files(self):
        """Feeds, open data and the sitemap: text from the library, written as they are."""
        repository = self.repository
        agenda, directory = repository.agenda, repository.directory
        site_url = self.settings.get("SITEURL", "")
        site = FeedSite(self.settings.get("SITENAME", ""), site_url, self.settings.get("FORGE_URL", ""))
        files = proposal_feeds(agenda, directory, site, repository.build_date)
        files.update(open_data(agenda, directory, site_url))
        files[SITEMAP] = sitemap(self._sitemap_pages(), site_url)
        for relative, text in files.items():
            target = os.path.join(self.output_path, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)

    def _sitemap_pages(self):
        agenda = self.repository.agenda
        changed = {f"proposals/{p.slug}/": agenda.last_changed(p) for p in agenda.proposals.values()}
        pages = [("", None)]
        pages += [(page.url, changed.get(page.url)) for page in self.pages]
        pages += [(content.url, changed.get(content.url)) for content in self.content]
        return pages


def _ranges(total: int, parts: int):
    size = max(1, -(-total // parts))
    return [(start, min(total, start + size)) for start in range(0, total, size)]


def _render_range(bounds):
    for index in range(*bounds):
        _render(index)


def _render(index: int) -> None:
    page = _shared["pages"][index]
    template = _shared["env"].get_template(page.template)
    html = template.render({**_shared["context"], **page.context, "page_url": page.url, "output_file": page.save_as})
    target = os.path.join(_shared["output"], page.save_as)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(html)
