"""The needs board: every open need of the groups and proposals, in one list.

:func:`open_needs` is the one model of "the work a volunteer could take on" that the needs
board (``/needs/``), the skill and region pages, the needs feeds and ``data/needs.json`` show,
and that other views (a person's "where you could help", the organisers' insights) reuse.

**Which needs are open.** A group's need is open unless the group marked it
``status: filled`` or its ``until`` is before the build date (it leaves the board on the day
after its last day). A proposal's ``needs`` (skill ids) together make one need, open while the
proposal is not withdrawn or not adopted.

**Who could fill a need** (:attr:`OpenNeed.could_fill`): the people in the directory who hold
every skill it asks for, are where it asks (in its region, or remote when it may be done
remotely), offer at least the hours a week it asks, and are available for at least part of the
time it is needed (from the build date to its ``until``; from the build date on when it has
none), and are not among those asking (a group's core team and members; a proposal's authors and
the people of the group carrying it: as ``match`` leaves them out, they ask for help beyond themselves). The place, hours and window are the matcher's own levels
(:mod:`joinedup.match.matching`): full marks for the first two, any overlap for the window.

**Order** (:func:`board_order`): scarcest first (fewest people who could fill it: a need
nobody can fill comes first), then newest (the day its group's or proposal's file last
changed in git, newest first; without history, a proposal's ``date``), then the one ending
soonest, then who asked and the skill, so the same files on the same day give the same list.

**Ids** (:attr:`OpenNeed.key`): where the need was declared and what it asks,
``content/groups/better-buses.md#gis-mapping@remote`` (skills joined with ``+``, then the
region, ``remote`` or both), with ``~2``, ``~3``… for a second identical need in the same
file. Hours, dates and notes are left out, so changing them updates a need rather than
making a new one; the build date and other files never change it. Feeds derive their entry
ids from it.

Nothing here reads files or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Iterable

from joinedup.core.model import Agenda, AskedNeed, Directory, Group, Proposal, askers
from joinedup.match import matching

# A proposal in one of these states asks nobody for help any more.
CLOSED_PROPOSALS = frozenset({"withdrawn", "not-adopted"})


@dataclass(frozen=True, slots=True)
class OpenNeed(AskedNeed):
    """One open need on the board: what it asks, who asked, and how many could fill it.

    ``declared`` is the day its file last changed (None when unknown); ``exclude`` the people
    never offered to it (:func:`joinedup.core.model.askers`: a group's own people, a proposal's
    authors and the people of the group carrying it).
    """

    path: str
    declared: dt.date | None
    could_fill: int
    exclude: tuple[str, ...] = ()

    @property
    def asked(self) -> AskedNeed:
        """What it asks and who asked, without the board's count."""
        return AskedNeed(**{each.name: getattr(self, each.name) for each in fields(AskedNeed)})

    @property
    def need(self) -> matching.Need:
        """What the matcher ranks people for."""
        return matching.Need(skills=self.skills, region=self.region or None, remote=self.remote,
                             hours=self.hours_per_week, until=self.until, exclude=self.exclude)


def open_needs(agenda: Agenda, directory: Directory, today: dt.date,
               candidates: Iterable[matching.Candidate] = (), pooled: Iterable = ()) -> tuple[OpenNeed, ...]:
    """Every open need of ``agenda``'s groups and proposals on ``today``, and the ``pooled``
    needs (joinedup.load.pools.PooledNeed), in board order, each with how many people could
    fill it. ``candidates``: those people as matching candidates, when the caller has made them
    (others of ``directory`` are made here); people from pools are among them."""
    counter = _Counter(directory, today, candidates)
    found: list[OpenNeed] = []
    for group in agenda.groups.values():
        declared = _day(agenda.history.last_changed(group.path))
        asked = [((need.skill,), need.region, need.remote, need.hours_per_week, need.until, need.note)
                 for need in group.open_needs(today)]
        found += _needs_of(group, "group", group.name, declared, asked, counter, askers(group, agenda.groups))
    for proposal in agenda.proposals.values():
        if not proposal.needs or proposal.status in CLOSED_PROPOSALS:
            continue
        asked = [(tuple(proposal.needs), "", False, 0, None, "")]
        found += _needs_of(proposal, "proposal", proposal.title, agenda.last_changed(proposal), asked, counter,
                           askers(proposal, agenda.groups))
    for asked, declared in pooled:
        need = matching.Need(skills=asked.skills, region=asked.region or None, remote=asked.remote,
                             hours=asked.hours_per_week, until=asked.until)
        found.append(OpenNeed(**{each.name: getattr(asked, each.name) for each in fields(AskedNeed)},
                              path=asked.key, declared=declared, could_fill=counter.could_fill(need)))
    return tuple(sorted(found, key=lambda need: board_order(need, directory.taxonomy)))


def board_order(need: OpenNeed, taxonomy) -> tuple:
    """The board's sort key: scarcest, newest, ending soonest, then who asked and the skill."""
    declared = need.declared.toordinal() if need.declared else 0
    until = need.until or dt.date.max
    labels = tuple(taxonomy.skills[s].label.casefold() if s in taxonomy.skills else s for s in need.skills)
    return (need.could_fill, -declared, until, need.asker.casefold(), need.slug, labels, need.key)


def needs_by_skill(needs: Iterable[OpenNeed]) -> dict[str, tuple[OpenNeed, ...]]:
    """skill id → the open needs asking for it, in board order."""
    found: dict[str, list[OpenNeed]] = {}
    for need in needs:
        for skill in need.skills:
            found.setdefault(skill, []).append(need)
    return {skill: tuple(each) for skill, each in found.items()}


def needs_by_region(needs: Iterable[OpenNeed]) -> dict[str, tuple[OpenNeed, ...]]:
    """region id → the open needs asking for help in it (remote or not), in board order."""
    found: dict[str, list[OpenNeed]] = {}
    for need in needs:
        if need.region:
            found.setdefault(need.region, []).append(need)
    return {region: tuple(each) for region, each in found.items()}


def need_key(path: str, skills: tuple[str, ...], region: str, remote: bool) -> str:
    """The id of a need (see the module's docstring), before any ``~n`` for a repeat."""
    where = "+".join(filter(None, (region, "remote" if remote else "")))
    return f"{path}#{'+'.join(skills)}" + (f"@{where}" if where else "")


def _needs_of(item: Group | Proposal, kind: str, name: str, declared, asked, counter,
              exclude: tuple[str, ...]) -> list[OpenNeed]:
    seen: dict[str, int] = {}
    found = []
    for skills, region, remote, hours, until, note in asked:
        key = need_key(item.path, skills, region, remote)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}~{seen[key]}"
        need = matching.Need(skills=skills, region=region or None, remote=remote, hours=hours, until=until,
                             exclude=exclude)
        found.append(OpenNeed(key, skills, hours, remote, region, until, note, kind, item.slug, name, item.path,
                              declared, counter.could_fill(need), need.exclude))
    return found


def _day(when: dt.datetime | None) -> dt.date | None:
    return when.date() if when else None


class _Counter:
    """Counts the people who could fill a need, looking only at those holding its skills."""

    def __init__(self, directory: Directory, today: dt.date, candidates: Iterable[matching.Candidate] = ()):
        self.directory = directory
        self.today = today
        self._candidates: dict[str, matching.Candidate] = {candidate.id: candidate for candidate in candidates}
        # People from pools, who are in no directory: by the skills they hold.
        self._pooled: dict[str, list[str]] = {}
        for candidate in self._candidates.values():
            if candidate.home:
                for skill in candidate.skills:
                    self._pooled.setdefault(skill, []).append(candidate.id)

    def could_fill(self, need: matching.Need) -> int:
        holders = None
        for skill in need.skills:
            ids = set(self.directory.by_skill.get(skill, ())).union(self._pooled.get(skill, ()))
            holders = ids if holders is None else holders & ids
        # A need with no end is needed from now on: whoever is available now or later could fill it
        # (matching.window_level: part of the window, at least).
        start, until = self.today, need.until
        count = 0
        for id in (holders or set()) - set(need.exclude):
            candidate = self._candidate(id)
            if (matching.place_level(candidate.region, candidate.remote, need) == 2
                    and matching.hours_level(candidate.hours, need.hours) == 2
                    and matching.window_level(candidate.start, candidate.until, start, until) >= 1):
                count += 1
        return count

    def _candidate(self, id: str) -> matching.Candidate:
        found = self._candidates.get(id)
        if found is None:
            found = self._candidates[id] = matching.Candidate.of(self.directory.volunteers[id])
        return found
