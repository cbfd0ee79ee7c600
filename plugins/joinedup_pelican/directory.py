"""Render the volunteer directory from the model, straight through the theme's templates.

Profiles, skill, region and listing pages are not Pelican content objects: the page plan
comes from ``joinedup.pages`` and each page is rendered with the theme's Jinja environment,
in parallel on every core for large directories.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

from pelican.generators import Generator

from joinedup.facets import write_facets
from joinedup.presentation import theme_globals
from joinedup.pages import check_collisions, plan_directory
from joinedup.problems import ProblemsFound, has_errors
from joinedup.repository import load_repository

log = logging.getLogger(__name__)

# Below this many pages one process is faster than starting workers.
PARALLEL_FROM = 400
_shared: dict = {}


class DirectoryGenerator(Generator):
    """Adds the directory to the shared context and writes its pages."""

    def generate_context(self):
        repository = self.settings.get("JOINEDUP_REPOSITORY")
        if repository is None:
            # Plain `pelican content`: load and validate here. `tasks.py build` has already
            # done it and passes the result in, so the work is not done twice.
            root = Path(self.settings.get("JOINEDUP_ROOT") or Path(self.path).parent)
            repository, problems = load_repository(root)
            for item in problems:
                log.warning("%s", item.format_text())
            if has_errors(problems):
                raise ProblemsFound(problems)
        self.repository = repository
        self.pages = plan_directory(repository.directory, self.settings.get("JOINEDUP_PAGE_SIZE", 30))
        taken = {
            content.save_as: f"the page '{content.source_path}'"
            for content in self.context.get("pages", []) + self.context.get("articles", [])
        }
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
        write_facets(self.repository.directory, Path(self.output_path))


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
