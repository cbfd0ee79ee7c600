"""The movement's content as plain, immutable objects.

Built once by the loaders from validated files; templates and the CLI receive these and
never raw YAML. Nothing here reads files or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from joinedup.core.i18n import N_, Labels

LEVELS = ("beginner", "intermediate", "expert")
WHEN_LABELS = Labels({
    "weekday-daytime": N_("weekday daytime"),
    "evenings": N_("evenings"),
    "weekends": N_("weekends"),
    "flexible": N_("flexible"),
})
LEVEL_LABELS = Labels({"beginner": N_("beginner"), "intermediate": N_("intermediate"), "expert": N_("expert")})


@dataclass(frozen=True, slots=True)
class SkillGroup:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    label: str
    group: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class SkillLevel:
    """A skill a volunteer offers; ``level`` is '' when they did not say."""

    skill: str
    level: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    email: str = ""
    website: str = ""
    mastodon: str = ""
    bluesky: str = ""

    def __bool__(self) -> bool:
        return bool(self.email or self.website or self.mastodon or self.bluesky)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
    # Where each endorsement is written in the profile, for messages about it.
    endorses_at: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def skill_ids(self) -> tuple[str, ...]:
        return tuple(s.skill for s in self.skills)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Skills (with their groups and aliases), regions and themes of one movement."""

    skill_groups: Mapping[str, SkillGroup]
    skills: Mapping[str, Skill]
    regions: Mapping[str, Region]
    themes: Mapping[str, Theme]
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Old skill ids that a movement renamed (``renamed_from`` in data/skills.yaml): old → new id.
    # Unlike aliases, which are search words, an old id stays valid in files.
    renamed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def canonical_skill(self, word: str) -> str | None:
        """The skill id for an id or alias (any case, spaces or hyphens), or None."""
        key = word.strip().lower().replace(" ", "-").replace("_", "-")
        if key in self.skills:
            return key
        return self.aliases.get(key) or self.renamed.get(key)

    def skills_in_group(self, group: str) -> tuple[Skill, ...]:
        return tuple(s for s in self.skills.values() if s.group == group)


@dataclass(frozen=True, slots=True)
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


# --- Proposals and groups ------------------------------------------------------------------

STATUSES = ("draft", "consultation", "synthesis", "adopted", "not-adopted", "withdrawn")
STATUS_LABELS = Labels({
    "draft": N_("Draft"),
    "consultation": N_("Open for consultation"),
    "synthesis": N_("Synthesis"),
    "adopted": N_("Adopted"),
    "not-adopted": N_("Not adopted"),
    "withdrawn": N_("Withdrawn"),
})
STATUS_DESCRIPTIONS = Labels({
    "draft": N_("Being written. Comments welcome; the text will change."),
    "consultation": N_("Open for everyone's comments until the consultation closes."),
    "synthesis": N_("Merging what the consultation said, often with other proposals, into one text."),
    "adopted": N_("Adopted by the movement."),
    "not-adopted": N_("Considered and not adopted."),
    "withdrawn": N_("Withdrawn by its authors."),
})


@dataclass(frozen=True, slots=True)
class Proposal:
    """A policy proposal, from the front matter and body of ``content/proposals/<slug>.md``."""

    slug: str
    path: str
    title: str
    summary: str
    date: dt.date
    status: str
    themes: tuple[str, ...]
    authors: tuple[str, ...]
    group: str = ""
    needs: tuple[str, ...] = ()
    synthesises: tuple[str, ...] = ()
    discussion: str = ""
    consultation_closes: dt.date | None = None
    body: str = ""
    body_line: int = field(default=1, compare=False)
    # Line and column of each front-matter key and list item, for messages.
    positions: Mapping[tuple, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def consultation_open(self, today: dt.date) -> bool:
        """True while the proposal is in consultation and its closing day has not passed."""
        return self.status == "consultation" and (
            self.consultation_closes is None or self.consultation_closes >= today
        )


NEED_STATES = ("open", "filled", "ended")
NEED_STATE_LABELS = Labels({"open": N_("open"), "filled": N_("filled"), "ended": N_("ended")})


@dataclass(frozen=True, slots=True)
class Need:
    """Help a group asks for: one skill, for some hours a week, remote or in a region.

    ``status`` is what the group says (``open``, or ``filled`` once someone took it on);
    :meth:`state` adds ``ended`` for an open need whose ``until`` is before the day.
    """

    skill: str
    hours_per_week: int
    remote: bool
    region: str = ""
    until: dt.date | None = None
    note: str = ""
    status: str = "open"

    def state(self, today: dt.date) -> str:
        """'open', 'filled' (the group says so) or 'ended' (its ``until`` is before ``today``)."""
        if self.status == "filled":
            return "filled"
        return "open" if self.until is None or self.until >= today else "ended"

    def is_open(self, today: dt.date) -> bool:
        return self.state(today) == "open"


@dataclass(frozen=True, slots=True)
class Group:
    """A community of practice, from ``content/groups/<slug>.md``: its card and its needs."""

    slug: str
    path: str
    name: str
    summary: str
    sponsor: str
    vision: str
    mission: str
    goals: tuple[str, ...]
    core_team: tuple[str, ...]
    members: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    expected_outcomes: tuple[str, ...] = ()
    measures_of_success: tuple[str, ...] = ()
    how_it_works: str = ""
    assumptions: tuple[str, ...] = ()
    review: dt.date | None = None
    needs: tuple[Need, ...] = ()
    discussion: str = ""
    # How to reach the group itself (e-mail, website); see groups.unreachable_groups.
    contact: Contact = field(default_factory=Contact)
    body: str = ""
    body_line: int = field(default=1, compare=False)
    # Line and column of each front-matter key and list item, for messages.
    positions: Mapping[tuple, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def people(self) -> tuple[str, ...]:
        """The core team, then the other members, each once."""
        return tuple(dict.fromkeys(self.core_team + self.members))

    def open_needs(self, today: dt.date) -> tuple[Need, ...]:
        return tuple(need for need in self.needs if need.is_open(today))

    def closed_needs(self, today: dt.date) -> tuple[Need, ...]:
        """The needs its page still lists as filled or ended (:meth:`Need.state`)."""
        return tuple(need for need in self.needs if not need.is_open(today))


def askers(item: Group | Proposal, groups: Mapping[str, Group]) -> tuple[str, ...]:
    """Who asks for help through ``item``, and so is never offered its needs: a group's core
    team and members; a proposal's authors, and the people of the group that carries it."""
    if isinstance(item, Group):
        return item.people
    carrying = groups.get(item.group) if item.group else None
    return tuple(dict.fromkeys(item.authors + (carrying.people if carrying else ())))


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that changed a file: never the author's e-mail, only the name.

    ``withheld``: the author's name or the message held a phone number, an e-mail or a
    postal address, so both are '' and pages say "a change by a contributor".
    """

    commit: str
    date: dt.datetime
    author: str
    message: str
    # The status the commit gave a proposal ('' when the status line did not change).
    status: str = ""
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class History:
    """Revisions of the content files, newest first, read from git.

    ``state`` is 'complete', 'shallow' (a shallow clone: older commits are missing),
    'unavailable' (no git repository, or git failed) or 'not-read' (``check`` does not
    need it); ``note`` says so in words for the pages.
    """

    state: str
    note: str = ""
    revisions: Mapping[str, tuple[Revision, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, path: str) -> tuple[Revision, ...]:
        return self.revisions.get(path, ())

    def last_changed(self, path: str) -> dt.datetime | None:
        revisions = self.revisions.get(path)
        return revisions[0].date if revisions else None


@dataclass(frozen=True, slots=True)
class Agenda:
    """Proposals and groups, linked both ways to each other and to the directory's people.

    Every index holds ids or slugs in display order: proposals most recently changed first,
    people in directory order.
    """

    proposals: Mapping[str, Proposal]
    groups: Mapping[str, Group]
    history: History
    endorsers: Mapping[str, tuple[str, ...]]
    merged_into: Mapping[str, tuple[str, ...]]
    written: Mapping[str, tuple[str, ...]]
    endorsed: Mapping[str, tuple[str, ...]]
    by_theme: Mapping[str, tuple[str, ...]]
    by_status: Mapping[str, tuple[str, ...]]
    by_group: Mapping[str, tuple[str, ...]]

    def ordered(self, slugs=None) -> list[Proposal]:
        """Proposals (all, or those in ``slugs``) most recently changed first."""
        if slugs is None:
            return list(self.proposals.values())
        return [self.proposals[slug] for slug in slugs if slug in self.proposals]

    def last_changed(self, proposal: Proposal) -> dt.date:
        """The day of the proposal's last commit, or its ``date`` without history."""
        changed = self.history.last_changed(proposal.path)
        return changed.date() if changed else proposal.date


@dataclass(frozen=True, slots=True)
class Known:
    """The ids that exist (from file names), so cross-references are checked while loading."""

    taxonomy: Taxonomy
    volunteers: frozenset[str]
    proposals: frozenset[str]
    groups: frozenset[str]
    today: dt.date


# --- Needs ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AskedNeed:
    """What a need asks and who asked: what every page offering it shows of it.

    ``skills`` are skill ids (pages show their labels); ``region`` is a region id or '';
    ``asked_by`` is 'group' or 'proposal', with its slug and its name or title.
    A person's "where you could help" (:mod:`joinedup.match.where_to_help`) shows this and no
    more, so another person's edit, which may change the board's count, leaves that page as it is.
    The needs board adds its count (:class:`joinedup.match.board.OpenNeed`); a pool's needs
    (joinedup.load.pools) are read into this too.
    """

    key: str
    skills: tuple[str, ...]
    hours_per_week: int
    remote: bool
    region: str
    until: dt.date | None
    note: str
    asked_by: str
    slug: str
    asker: str
    # A need from a pool (joinedup.load.pools): the asking page on the pool's site, and the
    # pool's title ('' for this site's own needs).
    home: str = field(default="", kw_only=True)
    pool: str = field(default="", kw_only=True)

    @property
    def url(self) -> str:
        """The page of the group or proposal that asked, relative to the site (a pool's need: its
        address on the pool's site)."""
        return self.home or f"{self.asked_by}s/{self.slug}/"

    def link(self, site_url: str) -> str:
        """The address of the page that asked, from a page of the site at ``site_url``."""
        return self.home or f"{site_url}/{self.asked_by}s/{self.slug}/"
