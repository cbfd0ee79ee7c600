"""Who could help with a need: one ranking, explained and deterministic.

A :class:`Need` says what a group or proposal is looking for (skills, a region or remote work,
hours a week, a window of dates). :func:`explain` scores one candidate for one need, with the
reasons; it is the one function every list ranks by (``match`` and ``search`` through the
Whoosh index, "People who could help" on the pages, and the search page's script, which does
the same sums from the facet files). Each component has a few discrete levels:

=========  ==========================================================================  ======
component  levels                                                                      weight
=========  ==========================================================================  ======
skill      per wanted skill: expert 4, intermediate or level not said 3, beginner 2,   40
           not held 0 (of 4); shared by the wanted skills. Only the skill itself or
           one of its aliases counts: Welsh translation is no help with Arabic.
window     2 available for the whole window, 1 for part of it, 0 none (ended, or      30
           starting after it)
hours      2 at least the hours wanted, 1 at least half, 0 less                        15
place      2 remote when remote is wanted, or in the region; 1 remote, the need in     10
           a region; 0 neither
freshness  2 profile changed in the last 6 months, 1 in the last year or unknown, 0    5
=========  ==========================================================================  ======

The score is ``40·points/(4·skills) + 30·window/2 + 15·hours/2 + 10·place/2 + 5·freshness/2``,
rounded to one decimal (0-100). Ties are broken by profile id (plain code-point order), so the
same files and the same build date (``SOURCE_DATE_EPOCH``) always give the same list.
A candidate *can help* (``can_help=True``, what ``match`` and the pages ask) when they hold a
wanted skill, are available for some of the window and are not already in the group
(``Need.exclude``).

Nothing here reads files, prints or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from dataclasses import dataclass
from typing import Iterable

from joinedup.core.controls import terminal_safe
from joinedup.core.i18n import N_, active_language, format_day
from joinedup.core.i18n import gettext as _

SKILL_WEIGHT = 40
WINDOW_WEIGHT = 30
HOURS_WEIGHT = 15
PLACE_WEIGHT = 10
FRESHNESS_WEIGHT = 5
FRESH_DAYS = 183
STALE_DAYS = 365
# Points of a held skill by the level the volunteer gave ('' when they did not say).
LEVEL_POINTS = {"expert": 4, "intermediate": 3, "": 3, "beginner": 2}
MOST_POINTS = 4
LEVEL_LABELS = {"expert": N_("expert"), "intermediate": N_("intermediate"), "beginner": N_("beginner")}
# "updated ..." by the profile's freshness level (freshness_level).
UPDATED_MESSAGES = {2: N_("updated %(date)s"), 1: N_("updated %(date)s (over 6 months ago)"),
                    0: N_("updated %(date)s (over a year ago)")}
# Every reason's message, for the search page's script to write them in the site's language.
REASON_MESSAGES = (
    N_("%(skill)s ✓"), N_("%(skill)s (%(level)s) ✓"), N_("no %(skill)s ✗"),
    N_("remote ✓"), N_("in %(region)s ✓"), N_("remote, not in %(region)s"), N_("not remote ✗"),
    N_("in %(region)s, not %(wanted)s ✗"),
    N_("%(hours)s of %(wanted)s hours ✓"), N_("%(hours)s of %(wanted)s hours"), N_("%(hours)s of %(wanted)s hours ✗"),
    N_("available until %(date)s ✓"), N_("available, no end date ✓"),
    N_("available until %(date)s, part of the window"), N_("available from %(date)s, part of the window"),
    N_("availability ended %(date)s ✗"), N_("available from %(date)s ✗"),
    *UPDATED_MESSAGES.values(),
)


@dataclass(frozen=True, slots=True)
class Need:
    """What one group or proposal needs. Skill ids are canonical (see ``Taxonomy.canonical_skill``).

    ``remote`` means the help can be given remotely; with a ``region`` as well, people in the
    region count as fully matching too. ``start`` and ``until`` bound the window of dates; a
    need without ``start`` is needed from the build date, one without ``until`` from then on:
    whoever is available on its first day helps through it, whoever starts later with part of it.
    ``exclude`` names people who cannot be offered (a group's own core team and members).
    """

    skills: tuple[str, ...] = ()
    region: str | None = None
    remote: bool = False
    hours: int = 0
    start: dt.date | None = None
    until: dt.date | None = None
    exclude: tuple[str, ...] = ()

    def window(self, today: dt.date) -> tuple[dt.date, dt.date | None]:
        """Its first and last day; the last is None when it has no end."""
        start = self.start or today
        return start, max(start, self.until) if self.until else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """The facts about one volunteer that matching looks at (from the model or the index).

    ``levels`` holds the level of each of ``skills`` ('' when not said)."""

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
    levels: tuple[str, ...] = ()
    # Someone from a pool (joinedup.load.pools): their page on its site, and its title.
    home: str = ""
    pool: str = ""

    @classmethod
    def of(cls, volunteer, updated: dt.date | None = None) -> "Candidate":
        """A candidate from a ``model.Volunteer`` and the date its file last changed in git."""
        window = volunteer.availability
        return cls(
            volunteer.id, volunteer.name, volunteer.headline, volunteer.skill_ids, volunteer.region,
            volunteer.remote, window.hours_per_week, window.start, window.until, updated,
            tuple(skill.level for skill in volunteer.skills),
        )

    @classmethod
    def pooled(cls, person) -> "Candidate":
        """A candidate from a ``joinedup.load.pools.PooledPerson``."""
        return cls(person.id, person.name, person.headline, person.skills, person.region, person.remote, person.hours,
                   person.start, person.until, person.updated, person.levels, person.home, person.pool)

    def level_of(self, skill: str) -> str | None:
        """The level given for ``skill`` ('' if none), or None when the skill is not held."""
        if skill not in self.skills:
            return None
        position = self.skills.index(skill)
        return self.levels[position] if position < len(self.levels) else ""


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of the explanation; ``met`` is True, False, or None for plain information.

    ``message`` is the English message id; ``values`` fill its ``%(name)s`` slots, each as
    ``(name, kind, value)`` with kind ``skill``, ``region``, ``level``, ``date`` or ``plain``.
    :meth:`words` writes labels and dates as the site's pages do (``Video editing``,
    ``1 mars 2027``): what every list shows, the search page's script included. :attr:`text`
    writes ids and ISO dates instead (``--json``'s ``ids``, to be typed again). Both translate
    when read, so a list kept from an earlier build speaks the language of this one.
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
    if kind == "date":
        return value.isoformat()
    if kind == "level":
        return _(LEVEL_LABELS[value])
    return str(value)


def _as_read(kind: str, value, taxonomy) -> str:
    if kind == "skill":
        return taxonomy.skills[value].label if value in taxonomy.skills else value
    if kind == "region":
        return taxonomy.regions[value].label if value in taxonomy.regions else value
    if kind == "date":
        return format_day(value)
    if kind == "level":
        return _(LEVEL_LABELS[value])
    return str(value)


@dataclass(frozen=True, slots=True)
class Levels:
    """The component levels of one candidate for one need; ``skills`` has the points (0-4) of each needed skill."""

    skills: tuple[int, ...]
    place: int
    hours: int
    window: int
    freshness: int

    @property
    def score(self) -> float:
        return score_of(sum(self.skills), len(self.skills), self.place, self.hours, self.window, self.freshness)

    @property
    def can_help(self) -> bool:
        """Holds a wanted skill (or none is wanted) and is available for some of the window."""
        return (not self.skills or any(self.skills)) and self.window > 0


def with_updated(reasons: tuple[Reason, ...], updated: dt.date | None) -> tuple[Reason, ...]:
    """``reasons`` with the day of their "updated ..." reason set to ``updated``: for a profile
    committed again since they were worked out, its freshness unchanged (joinedup.builder.quick)."""
    return tuple(Reason(reason.message, (("date", "date", updated),), reason.met)
                 if reason.message in UPDATED_MESSAGES.values() and reason.values and reason.values[0][2] != updated else reason
                 for reason in reasons)


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked candidate: its score (0-100) and the reasons behind it."""

    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...]

    @property
    def id(self) -> str:
        return self.candidate.id

    def reasons_text(self, taxonomy=None) -> str:
        """The reasons in one line: with ``taxonomy``, in words (labels, dates written out)."""
        return ", ".join(reason.words(taxonomy) if taxonomy is not None else reason.text for reason in self.reasons)

    def as_json(self, taxonomy) -> dict:
        found = {
            "id": self.candidate.id,
            "name": self.candidate.name,
            "score": self.score,
            "reasons": [reason.words(taxonomy) for reason in self.reasons],
        }
        if self.candidate.home:  # someone from a pool: where their page is
            found.update(home=self.candidate.home, pool=self.candidate.pool)
        return found


def table(matches: list[Match], taxonomy) -> list[str]:
    """The lines of ``search``'s and ``match``'s table of ``matches``, a header first: number and score
    right-aligned, then id, name and the reasons (in the site's words, as the pages and the search
    page show them), in columns as wide as their widest cell.

    Names and reasons come from files, so every cell is made terminal-safe (no escape sequences)."""
    rows = [tuple(map(terminal_safe, (str(n), f"{m.score:.1f}", m.id, m.candidate.name, m.reasons_text(taxonomy))))
            for n, m in enumerate(matches, 1)]
    header = ("#", _("score"), _("id"), _("name"), _("why"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    return ["  ".join(cell.rjust(w) if i < 2 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
            + "  " + row[4] for row in [header, *rows]]


def score_of(skill_points: int, skill_count: int, place: int, hours: int, window: int, freshness: int) -> float:
    """The score (0-100, one decimal) of a set of levels; ``skill_points`` is the sum of the skill points.

    The one formula every ranker uses (in memory, through the index, and search.js).
    """
    skill_part = SKILL_WEIGHT * skill_points / (MOST_POINTS * skill_count) if skill_count else SKILL_WEIGHT
    total = (
        skill_part
        + WINDOW_WEIGHT * window / 2
        + HOURS_WEIGHT * hours / 2
        + PLACE_WEIGHT * place / 2
        + FRESHNESS_WEIGHT * freshness / 2
    )
    return round(total, 1)


# --- the levels, one function per component --------------------------------------------------


def skill_points(level: str | None) -> int:
    """The points of a skill held at ``level`` ('' when not said); 0 when not held (None)."""
    return 0 if level is None else LEVEL_POINTS.get(level, LEVEL_POINTS[""])


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


def window_level(start: dt.date | None, until: dt.date | None, need_start: dt.date, need_until: dt.date | None) -> int:
    """2 if available through the whole window, 1 for part of it, 0 for none of it. A window
    without an end (``need_until`` None) is covered by whoever is available on its first day."""
    if (start is None or start <= need_start) and (until is None or until >= (need_until or need_start)):
        return 2
    if (start is None or need_until is None or start <= need_until) and (until is None or until >= need_start):
        return 1
    return 0


def freshness_level(updated: dt.date | None, today: dt.date) -> int:
    """2 if the profile changed in the last 6 months, 1 within a year or when unknown, else 0."""
    if updated is None:
        return 1
    age = (today - updated).days
    return 2 if age <= FRESH_DAYS else 1 if age <= STALE_DAYS else 0


def levels(candidate: Candidate, need: Need, today: dt.date) -> Levels:
    """All the levels of ``candidate`` for ``need`` on ``today``."""
    start, until = need.window(today)
    return Levels(
        tuple(skill_points(candidate.level_of(skill)) for skill in need.skills),
        place_level(candidate.region, candidate.remote, need),
        hours_level(candidate.hours, need.hours),
        window_level(candidate.start, candidate.until, start, until),
        freshness_level(candidate.updated, today),
    )


# --- explaining and ranking -------------------------------------------------------------------


def explain(candidate: Candidate, need: Need, today: dt.date) -> Match:
    """The score of one candidate for one need, with its reasons (``Video editing (expert) ✓,
    remote ✓, 4 of 4 hours ✓, available until 1 March 2027 ✓``): the one function every
    ranked list is made of, whichever way round (people for a need, needs for a person).

    The reasons are those of each skill asked (:func:`skill_reason`), then those of where,
    how long and when (:func:`situation_reasons`)."""
    start, until = need.window(today)
    held = [candidate.level_of(skill) for skill in need.skills]
    points = sum(skill_points(level) for level in held)
    place = place_level(candidate.region, candidate.remote, need)
    hours = hours_level(candidate.hours, need.hours)
    window = window_level(candidate.start, candidate.until, start, until)
    freshness = freshness_level(candidate.updated, today)
    reasons = (*(skill_reason(skill, level) for skill, level in zip(need.skills, held)),
               *situation_reasons(candidate, need, (start, until), (place, hours, window, freshness)))
    return Match(candidate, score_of(points, len(need.skills), place, hours, window, freshness), reasons)


def skill_reason(skill: str, level: str | None) -> Reason:
    """The reason for one skill asked, held at ``level`` ('' when not said) or not held (None)."""
    wanted = ("skill", "skill", skill)
    if level is None:
        return Reason(N_("no %(skill)s ✗"), (wanted,), False)
    if level in LEVEL_LABELS:
        return Reason(N_("%(skill)s (%(level)s) ✓"), (wanted, ("level", "level", level)))
    return Reason(N_("%(skill)s ✓"), (wanted,))


def situation_reasons(candidate: Candidate, need: Need, window_dates: tuple[dt.date, dt.date | None],
                      levels: tuple[int, int, int, int]) -> tuple[Reason, ...]:
    """The reasons for where, how long and when: place, hours, the window (``window_dates``,
    :meth:`Need.window`) and how fresh the profile is, from their ``levels`` (place, hours,
    window, freshness). The same for every need alike in region, remote, hours and end."""
    place, hours, window, freshness = levels
    start, until = window_dates
    reasons = _place_reasons(candidate, need, place)
    if need.hours:
        shown = (("hours", "plain", min(candidate.hours, need.hours)), ("wanted", "plain", need.hours))
        message = N_("%(hours)s of %(wanted)s hours ✓") if hours == 2 else (
            N_("%(hours)s of %(wanted)s hours") if hours == 1 else N_("%(hours)s of %(wanted)s hours ✗"))
        reasons.append(Reason(message, shown, True if hours == 2 else None if hours == 1 else False))
    reasons.append(_window_reason(candidate, start, until, window))
    if candidate.updated is not None:
        reasons.append(Reason(UPDATED_MESSAGES[freshness], (("date", "date", candidate.updated),),
                              True if freshness == 2 else None))
    return tuple(reasons)


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


def _window_reason(candidate: Candidate, start: dt.date, until: dt.date | None, level: int) -> Reason:
    if level == 2:
        if candidate.until:
            return Reason(N_("available until %(date)s ✓"), (("date", "date", candidate.until),))
        return Reason(N_("available, no end date ✓"))
    if level == 1:
        shown = candidate.until if candidate.until and until and candidate.until < until else candidate.start
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
    candidates: Iterable[Candidate], need: Need, today: dt.date,
    *, limit: int | None = 10, can_help: bool = True,
) -> list[Match]:
    """The best ``limit`` candidates for ``need``, best first (score, then id).

    With ``can_help`` (the default) only candidates who can help are listed: holding a wanted
    skill, available for some of the window and not in ``need.exclude``.
    """
    matches = []
    excluded = set(need.exclude)
    for candidate in candidates:
        found = levels(candidate, need, today)
        if can_help and (not found.can_help or candidate.id in excluded):
            continue
        matches.append((-found.score, candidate.id, candidate))
    matches.sort(key=lambda item: item[:2])
    chosen = matches if limit is None else matches[:limit]
    return [explain(candidate, need, today) for _score, _id, candidate in chosen]


class CandidatePool:
    """Candidates indexed by the skills they hold, for ranking many needs.

    :func:`rank` leaves out whoever holds no needed skill; the pool finds the holders from its
    index with set operations, without going through every candidate for each need.
    :meth:`rank` returns exactly what :func:`rank` does.
    """

    def __init__(self, candidates: Iterable[Candidate]):
        self.candidates = list(candidates)
        # Worked out on the first inputs_of call (a build that ranks no need pays nothing).
        self._digests: list[bytes] | None = None
        self._holder_digests: dict[str | None, bytes] = {}
        self._by_id: dict[str, Candidate] | None = None
        self._holding: dict[str, set[int]] = {}
        # skill -> {position: the points of that skill}, as skill_points(level_of(skill)) gives them.
        self._points: dict[str, dict[int, int]] = {}
        for position, candidate in enumerate(self.candidates):
            for skill in candidate.skills:
                self._holding.setdefault(skill, set()).add(position)
                self._points.setdefault(skill, {}).setdefault(position, skill_points(candidate.level_of(skill)))
        self._freshness: dict[dt.date, list[int]] = {}

    def inputs_of(self, need: Need, today: dt.date, limit: int | None) -> bytes:
        """A hash of everything :meth:`rank` looks at for ``need``: the need, the day, the
        limit, the language of the reasons and every candidate holding a needed skill (the
        others are not listed). Equal hashes, equal lists but for names and headlines: the
        build keeps lists from one build to the next by this hash, and takes those from the
        current candidates (:meth:`refreshed`).

        The candidates come in as the hash of each skill's holders, worked out once per pool:
        a need's candidates are the union of those sets.
        """
        digest = hashlib.blake2b(repr((need, today, limit, active_language())).encode(), digest_size=16)
        if need.skills:
            for key in sorted(set(need.skills)):
                digest.update(key.encode() + b"=" + self._holders_digest(key))
        else:
            digest.update(self._holders_digest(None))
        return digest.digest()

    def _holders_digest(self, key: str | None) -> bytes:
        """A hash of the candidates holding the skill ``key``; None: everyone."""
        if self._digests is None:
            # What ranking and the reasons read: not the name and headline, which a kept list
            # takes from the current candidates (refreshed), so editing them re-ranks nothing.
            self._digests = [hashlib.blake2b(repr((c.id, c.skills, c.levels, c.region, c.remote, c.hours, c.start,
                                                   c.until, c.updated)).encode(), digest_size=16).digest()
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
        return [explain(self._by_id[match.id], need, today) for match in matches]

    def rank(self, need: Need, today: dt.date, *, limit: int | None = 10) -> list[Match]:
        """The best ``limit`` candidates for ``need``, best first: the same list as :func:`rank`.

        Only the holders of a needed skill are scored, grouped by their skill points, best
        first: once ``limit`` are kept, a group whose best possible score is below the last one
        kept cannot enter (an equal score might, by id), so it and the groups after it are skipped.
        """
        if not need.skills:
            return rank(self.candidates, need, today, limit=limit)
        points: dict[int, int] = {}
        for skill in need.skills:
            for position, held in self._points.get(skill, {}).items():
                points[position] = points.get(position, 0) + held
        by_points: dict[int, list[int]] = {}
        for position, held in points.items():
            by_points.setdefault(held, []).append(position)
        freshness = self._freshness.get(today)
        if freshness is None:
            freshness = self._freshness[today] = [freshness_level(c.updated, today) for c in self.candidates]
        start, until = need.window(today)
        excluded = set(need.exclude)
        count = len(need.skills)
        scored: list[tuple[float, str, int]] = []
        for held in sorted(by_points, reverse=True):
            if limit is not None and len(scored) >= limit and score_of(held, count, 2, 2, 2, 2) < -scored[-1][0]:
                break
            for position in by_points[held]:
                candidate = self.candidates[position]
                window = window_level(candidate.start, candidate.until, start, until)
                if not window or candidate.id in excluded:  # cannot help (a needed skill is held)
                    continue
                score = score_of(held, count, place_level(candidate.region, candidate.remote, need),
                                 hours_level(candidate.hours, need.hours), window, freshness[position])
                scored.append((-score, candidate.id, position))
            scored = sorted(scored) if limit is None else heapq.nsmallest(limit, scored)
        return [explain(self.candidates[position], need, today) for _score, _id, position in scored]
