"""Who could help with a need: ranked, explained, deterministic.

A :class:`Need` says what a group or proposal is looking for (skills, a region or remote work,
hours a week, a window of dates). Each candidate gets five *levels*, each 0, 1 or 2:

=========  ===  ==========================================================  ==============
component  2    1                                                           weight (of 100)
=========  ===  ==========================================================  ==============
skill      the skill itself (an alias counts)   another skill of the same group   60 shared by the needed skills
place      remote when remote is wanted, or in the region   remote but not in the region   15
hours      at least the hours wanted   at least half of them                10
window     available for the whole window   for part of it                  10
freshness  profile changed in the last 6 months   in the last year, or unknown   5
=========  ===  ==========================================================  ==============

The score is the weighted sum, rounded to one decimal; ties are broken by profile id, so the
same files and the same date always give the same list. Because every component has a few
discrete levels, the search index can rank 100k profiles with per-level document sets
(``joinedup.match.search``) and reach exactly the order :func:`rank` computes in memory.

Nothing here reads files, prints or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from dataclasses import dataclass
from typing import Iterable, Mapping

from joinedup.core.controls import terminal_safe
from joinedup.core.i18n import N_, active_language, format_day
from joinedup.core.i18n import gettext as _

SKILL_WEIGHT = 60
PLACE_WEIGHT = 15
HOURS_WEIGHT = 10
WINDOW_WEIGHT = 10
FRESHNESS_WEIGHT = 5
FRESH_DAYS = 183
STALE_DAYS = 365


@dataclass(frozen=True)
class Need:
    """What one group or proposal needs. Skill ids are canonical (see ``Taxonomy.canonical_skill``).

    ``remote`` means the help can be given remotely; with a ``region`` as well, people in the
    region count as fully matching too. ``start`` and ``until`` bound the window of dates; a
    need without ``start`` is needed from the build date, one without ``until`` for one day.
    """

    skills: tuple[str, ...] = ()
    region: str | None = None
    remote: bool = False
    hours: int = 0
    start: dt.date | None = None
    until: dt.date | None = None

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        start = self.start or today
        return start, max(start, self.until or start)


@dataclass(frozen=True)
class Candidate:
    """The facts about one volunteer that matching looks at (from the model or the index)."""

    id: str
    name: str
    headline: str
    skills: tuple[str, ...]
    region: str
    remote: bool
    hours: int
    start: dt.date | None = None
    until: dt.date | None = None
    updated: dt.date | None = None

    @classmethod
    def of(cls, volunteer, updated: dt.date | None = None) -> "Candidate":
        """A candidate from a ``model.Volunteer`` and the date its file last changed in git."""
        window = volunteer.availability
        return cls(
            volunteer.id, volunteer.name, volunteer.headline, volunteer.skill_ids, volunteer.region,
            volunteer.remote, window.hours_per_week, window.start, window.until, updated,
        )


@dataclass(frozen=True)
class Reason:
    """One line of the explanation; ``met`` is True, False, or None for plain information.

    ``message`` is the English message id; ``values`` fill its ``%(name)s`` slots, each as
    ``(name, kind, value)`` with kind ``skill``, ``skills``, ``region``, ``date`` or ``plain``.
    :attr:`text` writes ids and ISO dates (what ``match`` and ``search`` print, to be typed
    again); :meth:`words` writes labels and dates as the site's pages do. Both translate when
    read, so a list kept from an earlier build speaks the language of this one.
    """

    message: str
    values: tuple[tuple[str, str, object], ...] = ()
    met: bool | None = True

    @property
    def text(self) -> str:
        return _(self.message) % {name: _as_typed(kind, value) for name, kind, value in self.values}

    def words(self, taxonomy) -> str:
        """The reason with the taxonomy's labels for ids and dates written out (``1 mars 2027``)."""
        return _(self.message) % {name: _as_read(kind, value, taxonomy) for name, kind, value in self.values}


def _as_typed(kind: str, value) -> str:
    if kind == "skills":
        return ", ".join(value)
    if kind == "date":
        return value.isoformat()
    return str(value)


def _as_read(kind: str, value, taxonomy) -> str:
    if kind == "skill":
        return taxonomy.skills[value].label if value in taxonomy.skills else value
    if kind == "skills":
        return ", ".join(_as_read("skill", skill, taxonomy) for skill in value)
    if kind == "region":
        return taxonomy.regions[value].label if value in taxonomy.regions else value
    if kind == "date":
        return format_day(value)
    return str(value)


@dataclass(frozen=True)
class Levels:
    """The five component levels (0-2) of one candidate for one need; ``skills`` has one per needed skill."""

    skills: tuple[int, ...]
    place: int
    hours: int
    window: int
    freshness: int

    @property
    def score(self) -> float:
        return score_of(sum(self.skills), len(self.skills), self.place, self.hours, self.window, self.freshness)

    @property
    def has_skill(self) -> bool:
        return not self.skills or any(self.skills)


@dataclass(frozen=True)
class Match:
    """One ranked candidate: its score (0-100) and the reasons behind it."""

    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...]

    @property
    def id(self) -> str:
        return self.candidate.id

    def reasons_text(self) -> str:
        return ", ".join(reason.text for reason in self.reasons)

    def as_json(self) -> dict:
        return {
            "id": self.candidate.id,
            "name": self.candidate.name,
            "score": self.score,
            "reasons": [reason.text for reason in self.reasons],
        }


def table(matches: list[Match]) -> list[str]:
    """The lines of ``search``'s and ``match``'s table of ``matches``, a header first: number and score
    right-aligned, then id, name and the reasons, in columns as wide as their widest cell.

    The id column keeps ids and the reasons ids and ISO dates: what is typed again in
    ``--skill`` and ``--available-on``. Names and reasons come from files, so every cell is made
    terminal-safe (no escape sequences)."""
    rows = [tuple(map(terminal_safe, (str(n), f"{m.score:.1f}", m.id, m.candidate.name, m.reasons_text())))
            for n, m in enumerate(matches, 1)]
    header = ("#", _("score"), _("id"), _("name"), _("why"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    return ["  ".join(cell.rjust(w) if i < 2 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
            + "  " + row[4] for row in [header, *rows]]


def score_of(skill_points: int, skill_count: int, place: int, hours: int, window: int, freshness: int) -> float:
    """The score (0-100, one decimal) of a set of levels; ``skill_points`` is the sum of the skill levels.

    The one formula both rankers (in memory and through the index) use.
    """
    skill_part = SKILL_WEIGHT * skill_points / (2 * skill_count) if skill_count else SKILL_WEIGHT
    total = (
        skill_part
        + PLACE_WEIGHT * place / 2
        + HOURS_WEIGHT * hours / 2
        + WINDOW_WEIGHT * window / 2
        + FRESHNESS_WEIGHT * freshness / 2
    )
    return round(total, 1)


# --- the levels, one function per component --------------------------------------------------


def skill_level(held: Iterable[str], needed: str, group_of: Mapping[str, str]) -> int:
    """2 if ``needed`` is held, 1 if another skill of its group is, else 0."""
    held = set(held)
    if needed in held:
        return 2
    group = group_of.get(needed)
    return 1 if group is not None and any(group_of.get(skill) == group for skill in held) else 0


def place_level(region: str, remote: bool, need: Need) -> int:
    """2 for remote when remote is wanted or for the need's region; 1 for remote elsewhere; else 0."""
    if need.region is None and not need.remote:
        return 2
    if (need.remote and remote) or region == need.region:
        return 2
    return 1 if remote and not need.remote else 0


def hours_level(hours: int, wanted: int) -> int:
    """2 for at least ``wanted`` hours a week, 1 for at least half, else 0."""
    if hours >= wanted:
        return 2
    return 1 if 2 * hours >= wanted else 0


def window_level(start: dt.date | None, until: dt.date | None, need_start: dt.date, need_until: dt.date) -> int:
    """2 if available through the whole window, 1 for part of it, 0 for none of it."""
    if (start is None or start <= need_start) and (until is None or until >= need_until):
        return 2
    if (start is None or start <= need_until) and (until is None or until >= need_start):
        return 1
    return 0


def freshness_level(updated: dt.date | None, today: dt.date) -> int:
    """2 if the profile changed in the last 6 months, 1 within a year or when unknown, else 0."""
    if updated is None:
        return 1
    age = (today - updated).days
    return 2 if age <= FRESH_DAYS else 1 if age <= STALE_DAYS else 0


def levels(candidate: Candidate, need: Need, today: dt.date, group_of: Mapping[str, str]) -> Levels:
    """All five levels of ``candidate`` for ``need`` on ``today``."""
    start, until = need.window(today)
    return Levels(
        tuple(skill_level(candidate.skills, skill, group_of) for skill in need.skills),
        place_level(candidate.region, candidate.remote, need),
        hours_level(candidate.hours, need.hours),
        window_level(candidate.start, candidate.until, start, until),
        freshness_level(candidate.updated, today),
    )


# --- explaining and ranking -------------------------------------------------------------------


def explain(candidate: Candidate, need: Need, today: dt.date, group_of: Mapping[str, str]) -> Match:
    """The match of one candidate: score and reasons such as ``video-editing ✓, remote ✓``."""
    found = levels(candidate, need, today, group_of)
    reasons: list[Reason] = []
    for skill, level in zip(need.skills, found.skills):
        wanted = ("skill", "skill", skill)
        if level == 2:
            reasons.append(Reason(N_("%(skill)s ✓"), (wanted,)))
        elif level == 1:
            near = tuple(sorted(s for s in candidate.skills if group_of.get(s) == group_of.get(skill)))
            reasons.append(Reason(N_("%(near)s (near %(skill)s)"), (("near", "skills", near), wanted), None))
        else:
            reasons.append(Reason(N_("no %(skill)s ✗"), (wanted,), False))
    reasons += _place_reasons(candidate, need, found.place)
    if need.hours:
        sign = "≥" if candidate.hours >= need.hours else "<"
        hours = (("hours", "plain", candidate.hours), ("sign", "plain", sign), ("wanted", "plain", need.hours))
        reasons.append(Reason(N_("%(hours)s h/week %(sign)s %(wanted)s"), hours, found.hours == 2))
    reasons.append(_window_reason(candidate, need, today, found.window))
    if candidate.updated is not None:
        fresh = found.freshness == 2
        message = (N_("updated %(date)s") if fresh else N_("updated %(date)s (over 6 months ago)")
                   if found.freshness == 1 else N_("updated %(date)s (over a year ago)"))
        reasons.append(Reason(message, (("date", "date", candidate.updated),), True if fresh else None))
    return Match(candidate, found.score, tuple(reasons))


def _place_reasons(candidate: Candidate, need: Need, level: int) -> list[Reason]:
    if need.region is None and not need.remote:
        return []
    wanted = ("region", "region", need.region)
    if need.remote and candidate.remote:
        return [Reason(N_("remote ✓"))]
    if need.region is not None and candidate.region == need.region:
        return [Reason(N_("in %(region)s ✓"), (wanted,))]
    if level == 1:
        return [Reason(N_("remote, not in %(region)s"), (wanted,), None)]
    if need.remote:
        return [Reason(N_("not remote ✗"), (), False)]
    return [Reason(N_("in %(region)s, not %(wanted)s ✗"),
                   (("region", "region", candidate.region), ("wanted", "region", need.region)), False)]


def _window_reason(candidate: Candidate, need: Need, today: dt.date, level: int) -> Reason:
    start, until = need.window(today)
    if level == 2:
        if candidate.until:
            return Reason(N_("available until %(date)s"), (("date", "date", candidate.until),))
        return Reason(N_("available, no end date"))
    if level == 1:
        shown = candidate.until if candidate.until and candidate.until < until else candidate.start
        message = (N_("available until %(date)s, part of the window") if shown == candidate.until
                   else N_("available from %(date)s, part of the window"))
        return Reason(message, (("date", "date", shown),), None)
    if candidate.until and candidate.until < start:
        return Reason(N_("availability ended %(date)s ✗"), (("date", "date", candidate.until),), False)
    return Reason(N_("available from %(date)s ✗"), (("date", "date", candidate.start),), False)


def order_key(match: Match) -> tuple[float, str]:
    """Best score first, then profile id: the one order of every ranked list."""
    return (-match.score, match.candidate.id)


def rank(
    candidates: Iterable[Candidate], need: Need, today: dt.date, group_of: Mapping[str, str],
    *, limit: int | None = 10, require_skill: bool = True,
) -> list[Match]:
    """The best ``limit`` candidates for ``need``, best first.

    With ``require_skill`` (the default) a candidate with no needed skill and none of the same
    group is left out, however well the rest fits.
    """
    matches = []
    for candidate in candidates:
        found = levels(candidate, need, today, group_of)
        if require_skill and not found.has_skill:
            continue
        matches.append((-found.score, candidate.id, candidate))
    matches.sort(key=lambda item: item[:2])
    chosen = matches if limit is None else matches[:limit]
    return [explain(candidate, need, today, group_of) for _score, _id, candidate in chosen]


class CandidatePool:
    """Candidates indexed by the skills and skill groups they hold, for ranking many needs.

    :func:`rank` leaves out whoever holds no needed skill and none of its group, and scores
    each candidate's skills one by one; the pool finds both from its index with set
    operations, without going through every candidate for each need. :meth:`rank` returns
    exactly what :func:`rank` does.
    """

    def __init__(self, candidates: Iterable[Candidate], group_of: Mapping[str, str]):
        self.candidates = list(candidates)
        self.group_of = group_of
        # Worked out on the first inputs_of call (a build that ranks no need pays nothing).
        self._digests: list[bytes] | None = None
        self._holder_digests: dict[str | None, bytes] = {}
        self._by_id: dict[str, Candidate] | None = None
        self._holding: dict[str, set[int]] = {}
        for position, candidate in enumerate(self.candidates):
            for skill in candidate.skills:
                self._holding.setdefault(skill, set()).add(position)
                group = group_of.get(skill)
                if group is not None:
                    self._holding.setdefault(f"group:{group}", set()).add(position)

    def inputs_of(self, need: Need, today: dt.date, limit: int | None) -> bytes:
        """A hash of everything :meth:`rank` looks at for ``need``: the need, the day, the
        limit, the language of the reasons, the skill groups, and every candidate holding a
        needed skill or one of its group (the others score nothing). Equal hashes, equal
        lists but for names and headlines: the build keeps lists from one build to the next by
        this hash, and takes those from the current candidates (:meth:`refreshed`).

        The candidates come in as the hash of each skill's and group's holders, worked out
        once per pool: a need's candidates are the union of those sets.
        """
        digest = hashlib.blake2b(repr((need, today, limit, active_language(), sorted(self.group_of.items())))
                                 .encode(), digest_size=16)
        if need.skills:
            keys = set(need.skills) | {f"group:{self.group_of[s]}" for s in need.skills if s in self.group_of}
            for key in sorted(keys):
                digest.update(key.encode() + b"=" + self._holders_digest(key))
        else:
            digest.update(self._holders_digest(None))
        return digest.digest()

    def _holders_digest(self, key: str | None) -> bytes:
        """A hash of the candidates holding ``key`` (a skill, or ``group:<id>``); None: everyone."""
        if self._digests is None:
            # What ranking and the reasons read: not the name and headline, which a kept list
            # takes from the current candidates (refreshed), so editing them re-ranks nothing.
            self._digests = [hashlib.blake2b(repr((c.id, c.skills, c.region, c.remote, c.hours, c.start, c.until,
                                                   c.updated)).encode(), digest_size=16).digest()
                             for c in self.candidates]
        found = self._holder_digests.get(key)
        if found is None:
            positions = range(len(self.candidates)) if key is None else sorted(self._holding.get(key, ()))
            members = b"".join(self._digests[position] for position in positions)
            found = self._holder_digests[key] = hashlib.blake2b(members, digest_size=16).digest()
        return found

    def refreshed(self, matches: Iterable[Match], need: Need, today: dt.date) -> list[Match]:
        """A list kept under an equal :meth:`inputs_of` hash, made again from the candidates as
        they are now (a name or headline may have changed since), exactly as :meth:`rank`
        makes its result, without ranking again."""
        if self._by_id is None:
            self._by_id = {candidate.id: candidate for candidate in self.candidates}
        return [explain(self._by_id[match.id], need, today, self.group_of) for match in matches]

    def skill_points(self, need: Need) -> dict[int, int]:
        """Position → sum of the skill levels, for every candidate with at least one point."""
        points: dict[int, int] = {}
        for skill in need.skills:
            exact = self._holding.get(skill, set())
            for position in exact:
                points[position] = points.get(position, 0) + 2
            group = self.group_of.get(skill)
            if group is not None:
                for position in self._holding.get(f"group:{group}", set()) - exact:
                    points[position] = points.get(position, 0) + 1
        return points

    def rank(self, need: Need, today: dt.date, *, limit: int | None = 10) -> list[Match]:
        """The best ``limit`` candidates for ``need``, best first: the same list as :func:`rank`."""
        if not need.skills:
            return rank(self.candidates, need, today, self.group_of, limit=limit)
        start, until = need.window(today)
        count = len(need.skills)
        by_points: dict[int, list[int]] = {}
        for position, points in self.skill_points(need).items():
            by_points.setdefault(points, []).append(position)
        scored: list[tuple[float, str, int]] = []
        # Best skill points first; once ``limit`` are kept, a group whose best possible score is
        # below the last one kept cannot enter (an equal score might, by id).
        for points in sorted(by_points, reverse=True):
            if limit is not None and len(scored) >= limit and score_of(points, count, 2, 2, 2, 2) < -scored[-1][0]:
                break
            for position in by_points[points]:
                candidate = self.candidates[position]
                score = score_of(
                    points, count, place_level(candidate.region, candidate.remote, need),
                    hours_level(candidate.hours, need.hours),
                    window_level(candidate.start, candidate.until, start, until),
                    freshness_level(candidate.updated, today),
                )
                scored.append((-score, candidate.id, position))
            scored = sorted(scored) if limit is None else heapq.nsmallest(limit, scored)
        return [explain(self.candidates[position], need, today, self.group_of) for _, _, position in scored]


def group_of(taxonomy) -> dict[str, str]:
    """skill id → skill-group id, for partial credit."""
    return {skill.id: skill.group for skill in taxonomy.skills.values()}
