"""Which directory pages the site has, at which URL, with what on them.

The plan is computed from the model alone (no Pelican, no templates): the Pelican plugin
renders each planned page with the theme. URLs are directories (``people/ana/``), and
pagination lives under a ``page/N/`` segment that no id can take, so no two pages ever
share a file (Pelican's default patterns collide for names ending in digits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from . import problems as P
from .model import Directory, Volunteer
from .problems import Problem, ProblemsFound, problem


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    base_url: str
    total: int

    def url(self, number: int) -> str:
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None

    @property
    def pages(self) -> list[tuple[int, str]]:
        return [(n, self.url(n)) for n in range(1, self.count + 1)]


@dataclass(frozen=True)
class PlannedPage:
    """One output page: its URL (a directory, ``''`` for the home page), template and context."""

    url: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def save_as(self) -> str:
        return f"{self.url}index.html"


def paginate(url: str, template: str, people: Sequence[Volunteer], per_page: int, **context) -> list[PlannedPage]:
    """The pages of a listing: ``url``, ``url/page/2/``… with ``per_page`` people each."""
    count = max(1, math.ceil(len(people) / per_page))
    planned = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, url, len(people))
        chunk = people[(number - 1) * per_page : number * per_page]
        planned.append(PlannedPage(pagination.url(number), template, {**context, "people": chunk, "pagination": pagination}))
    return planned


def plan_directory(directory: Directory, per_page: int = 30) -> list[PlannedPage]:
    """Every directory page: the people index, one per person, skill, skill group and region.

    Raises ProblemsFound (JU300) if two pages would be written to the same file.
    """
    taxonomy = directory.taxonomy
    everyone = directory.sorted_volunteers()
    planned: list[PlannedPage] = []
    planned += paginate("people/", "people.html", everyone, per_page, title="People")
    for volunteer in everyone:
        planned.append(PlannedPage(f"people/{volunteer.id}/", "person.html", {"person": volunteer}))

    skill_counts = {skill: len(directory.by_skill.get(skill, ())) for skill in taxonomy.skills}
    planned.append(PlannedPage("skills/", "skills.html", {"skill_counts": skill_counts}))
    for skill in taxonomy.skills.values():
        people = directory.people(directory.by_skill.get(skill.id, ()))
        planned += paginate(f"skills/{skill.id}/", "skill.html", people, per_page, skill=skill)
    for group in taxonomy.skill_groups.values():
        skills = taxonomy.skills_in_group(group.id)
        ids = sorted({v for s in skills for v in directory.by_skill.get(s.id, ())})
        people = sorted(directory.people(ids), key=lambda v: (v.name.casefold(), v.id))
        planned += paginate(
            f"skill-groups/{group.id}/", "skill_group.html", people, per_page,
            group=group, skills=skills, skill_counts=skill_counts,
        )

    region_counts = {region: len(directory.by_region.get(region, ())) for region in taxonomy.regions}
    planned.append(PlannedPage("regions/", "regions.html", {"region_counts": region_counts}))
    for region in taxonomy.regions.values():
        people = directory.people(directory.by_region.get(region.id, ()))
        planned += paginate(f"regions/{region.id}/", "region.html", people, per_page, region=region)

    planned.append(PlannedPage("search/", "search.html", {"title": "Search"}))

    check_collisions(planned)
    return planned


def check_collisions(planned: Sequence[PlannedPage], taken: dict[str, str] | None = None) -> None:
    """Raise ProblemsFound if two planned pages (or a page and ``taken``) share an output file."""
    seen: dict[str, str] = dict(taken or {})
    found: list[Problem] = []
    for page in planned:
        what = _describe(page)
        if page.save_as in seen:
            found.append(
                problem(
                    P.URL_COLLISION,
                    page.save_as, 0, 0,
                    f"{what} and {seen[page.save_as]} would both be written to '{page.save_as}'.",
                    "Rename one of the two files so their ids differ.",
                )
            )
        else:
            seen[page.save_as] = what
    if found:
        raise ProblemsFound(found)


def _describe(page: PlannedPage) -> str:
    for key in ("person", "skill", "region", "group"):
        if key in page.context:
            return f"the page of {key} '{page.context[key].id}'"
    return f"the page '{page.url}'"
