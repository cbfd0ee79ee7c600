"""Pelican reads proposals and groups through the library's model.

Proposals (content/proposals) become Pelican articles and groups (content/groups) hidden
pages, so ``pelican content`` builds them and other Pelican plugins see them. Their front
matter and body were already read, validated and linked by ``joinedup.repository``; this
reader hands Pelican that model instead of parsing the files a second time. Any other
Markdown (content/pages) is read by Pelican's own Markdown reader.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime

from joinedup.markup import render_body
from joinedup.model import Group, Proposal


class ContentReader(MarkdownReader):
    """Pelican's Markdown reader, except for proposals and groups, which come from the model."""

    def read(self, source_path):
        repository = self.settings.get("JOINEDUP_REPOSITORY")
        if repository is None or repository.agenda is None:
            return super().read(source_path)
        try:
            relative = Path(source_path).resolve().relative_to(repository.root).as_posix()
        except ValueError:
            return super().read(source_path)
        if getattr(self, "_by_path", None) is None:
            agenda = repository.agenda
            self._by_path = {item.path: item for item in (*agenda.proposals.values(), *agenda.groups.values())}
        item = self._by_path.get(relative)
        if isinstance(item, Proposal):
            proposal = item
            return render_body(proposal.body), {
                "title": proposal.title,
                "date": _datetime(proposal.date),
                "slug": proposal.slug,
                "template": "proposal",
                "proposal": proposal,
            }
        if isinstance(item, Group):
            group = item
            return render_body(group.body), {
                "title": group.name,
                "date": _datetime(repository.build_date),
                "slug": group.slug,
                "template": "group",
                "status": "hidden",  # written, but not listed in the menu of pages
                "url": f"groups/{group.slug}/",
                "save_as": f"groups/{group.slug}/index.html",
                "group": group,
            }
        if relative.startswith(("content/proposals/", "content/groups/")):
            raise ValueError(f"{relative} was not loaded by joinedup; run 'python tasks.py check {relative}'")
        return super().read(source_path)


def _datetime(day: dt.date) -> SafeDatetime:
    return SafeDatetime(day.year, day.month, day.day)
