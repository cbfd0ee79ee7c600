"""The movement's content as plain, immutable objects.

Built once by the loaders from validated files; templates and the CLI receive these and
never raw YAML. Nothing here reads files or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

LEVELS = ("beginner", "intermediate", "expert")
WHEN_LABELS = {
    "weekday-daytime": "weekday daytime",
    "evenings": "evenings",
    "weekends": "weekends",
    "flexible": "flexible",
}


@dataclass(frozen=True)
class SkillGroup:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    group: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Region:
    id: str
    label: str


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class SkillLevel:
    """A skill a volunteer offers; ``level`` is '' when they did not say."""

    skill: str
    level: str = ""


@dataclass(frozen=True)
class Contact:
    email: str = ""
    website: str = ""
    mastodon: str = ""
    bluesky: str = ""

    def __bool__(self) -> bool:
        return bool(self.email or self.website or self.mastodon or self.bluesky)


@dataclass(frozen=True)
class Availability:
    hours_per_week: int
    when: tuple[str, ...] = ()
    start: dt.date | None = None
    until: dt.date | None = None

    def status(self, today: dt.date) -> str:
        """'now', 'later' (starts after today) or 'ended' (ended before today)."""
        if self.start and self.start > today:
            return "later"
        if self.until and self.until < today:
            return "ended"
        return "now"

    def is_available_on(self, day: dt.date) -> bool:
        return self.status(day) == "now"


@dataclass(frozen=True)
class Volunteer:
    """One person's public profile, from ``volunteers/<id>.yaml``."""

    id: str
    path: str
    name: str
    github: str
    headline: str
    skills: tuple[SkillLevel, ...]
    place: str
    region: str
    remote: bool
    availability: Availability
    languages: tuple[str, ...]
    bio: str = ""
    themes: tuple[str, ...] = ()
    contact: Contact = field(default_factory=Contact)
    endorses: tuple[str, ...] = ()

    @property
    def skill_ids(self) -> tuple[str, ...]:
        return tuple(s.skill for s in self.skills)


@dataclass(frozen=True)
class Taxonomy:
    """Skills (with their groups and aliases), regions and themes of one movement."""

    skill_groups: Mapping[str, SkillGroup]
    skills: Mapping[str, Skill]
    regions: Mapping[str, Region]
    themes: Mapping[str, Theme]
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def canonical_skill(self, word: str) -> str | None:
        """The skill id for an id or alias (any case, spaces or hyphens), or None."""
        key = word.strip().lower().replace(" ", "-").replace("_", "-")
        if key in self.skills:
            return key
        return self.aliases.get(key)

    def skills_in_group(self, group: str) -> tuple[Skill, ...]:
        return tuple(s for s in self.skills.values() if s.group == group)


@dataclass(frozen=True)
class Directory:
    """Everything the site publishes about volunteers, with the indexes pages need."""

    taxonomy: Taxonomy
    volunteers: Mapping[str, Volunteer]
    by_skill: Mapping[str, tuple[str, ...]]
    by_region: Mapping[str, tuple[str, ...]]
    build_date: dt.date

    def people(self, ids) -> list[Volunteer]:
        return [self.volunteers[i] for i in ids]

    def sorted_volunteers(self) -> list[Volunteer]:
        """Volunteers in the order the directory lists them: by name, then id."""
        return sorted(self.volunteers.values(), key=_volunteer_order)


def _volunteer_order(volunteer: Volunteer) -> tuple[str, str]:
    return (volunteer.name.casefold(), volunteer.id)


def build_directory(taxonomy: Taxonomy, volunteers: list[Volunteer], build_date: dt.date) -> Directory:
    """Index volunteers by skill and by region, each list in directory order."""
    ordered = sorted(volunteers, key=_volunteer_order)
    by_skill: dict[str, list[str]] = {skill: [] for skill in taxonomy.skills}
    by_region: dict[str, list[str]] = {region: [] for region in taxonomy.regions}
    for volunteer in ordered:
        for skill in volunteer.skill_ids:
            by_skill.setdefault(skill, []).append(volunteer.id)
        by_region.setdefault(volunteer.region, []).append(volunteer.id)
    return Directory(
        taxonomy=taxonomy,
        volunteers=MappingProxyType({v.id: v for v in ordered}),
        by_skill=MappingProxyType({k: tuple(v) for k, v in by_skill.items()}),
        by_region=MappingProxyType({k: tuple(v) for k, v in by_region.items()}),
        build_date=build_date,
    )
