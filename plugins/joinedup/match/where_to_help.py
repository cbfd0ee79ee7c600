"""Where a person could help: the open needs they match, ranked by the one matcher.

The needs board (:func:`joinedup.match.board.open_needs`) says what work is open; this module
turns it round for one person: the needs they can help with (:attr:`matching.Levels.can_help`,
and not a need of a group they already belong to, ``Need.exclude``), each with the score and
the reasons :func:`matching.explain` gives, the same function that ranks people for a need.
So a person listed at 90.0 for a need on the group's page finds that need at 90.0 on their
own, with the same reasons.

**Order**: best score first, then the board's order (scarcest, newest…), so the same files on
the same day give the same list.

**Which needs are looked at**: :class:`NeedsBySkill` indexes the open needs by the skills
they ask for, once per build; a person is scored only against the needs asking for a skill
they hold (the others give them no skill point, so they cannot help with them). A need asking
for no skill would fit everyone; the schemas give every need a skill, and such a need would
not be offered on profiles (it stays on the board).

Nothing here reads files, but :func:`needs_for_person`, which loads the repository for
``match --person``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from joinedup.core.buildcache import fingerprinted_by_fields
from joinedup.match import matching
from joinedup.match.board import AskedNeed, OpenNeed


@fingerprinted_by_fields
@dataclass(frozen=True)
class NeedToHelp:
    """One open need a person could help with, as their page and ``match --person`` show it:
    what it asks and who asked (``asked``), and this person's score and reasons.

    Not how many people could fill it (the board's count): a person's page does not show it,
    so another person's edit that changes the count leaves this page as it is.
    """

    asked: AskedNeed
    score: float
    reasons: tuple[matching.Reason, ...]

    def as_json(self, taxonomy) -> dict:
        """``match --person --json``'s record: the need's id, what it asks, who asked, the score
        and the reasons in the site's words (as the page shows them)."""
        asked = self.asked
        return {
            "need": asked.key,
            "skills": list(asked.skills),
            "hours_per_week": asked.hours_per_week,
            "remote": asked.remote,
            "region": asked.region or None,
            "until": asked.until.isoformat() if asked.until else None,
            "asked_by": asked.asked_by,
            "slug": asked.slug,
            "asker": asked.asker,
            "url": asked.url,
            "score": self.score,
            "reasons": [reason.words(taxonomy) for reason in self.reasons],
        }


@dataclass(frozen=True)
class PersonsNeeds:
    """The best needs a person could help with, best first, and how many they could help with in all."""

    needs: tuple[NeedToHelp, ...]
    total: int


class NeedsBySkill:
    """The open needs indexed by the skills they ask for, built once per build.

    ``needs`` come in board order; each keeps its position there, the tie-break after the score.

    A person is scored against the needs asking for one of their skills with the matcher's
    own level functions and formula (:func:`matching.levels`' parts, :func:`matching.score_of`),
    worked out once per distinct value rather than once per pair: the place, hours and window
    levels once per person for each distinct "where, how long, until when" of the needs (every
    proposal's need shares one), the score once per distinct set of levels. The needs listed
    are then explained by :func:`matching.explain`, whose scores are these.
    """

    def __init__(self, needs: Sequence[OpenNeed], today: dt.date):
        self.today = today
        # What each need asks, one object per need for every person it is offered to.
        self._heads = [need.asked for need in needs]
        self._asked = [need.need for need in needs]
        self._by_skill: dict[str, list[int]] = {}
        for position, need in enumerate(needs):
            for skill in need.skills:
                self._by_skill.setdefault(skill, []).append(position)
        # Needs alike but for their skills and who asks rank everyone's other levels alike.
        situations: dict[tuple, int] = {}
        self._situation = [situations.setdefault((need.region, need.remote, need.hours, need.until), len(situations))
                           for need in self._asked]
        self._like: list[matching.Need] = [None] * len(situations)  # type: ignore[list-item]
        for position, situation in enumerate(self._situation):
            if self._like[situation] is None:
                self._like[situation] = self._asked[position]
        self._windows = [need.window(today) for need in self._like]
        self._scores: dict[tuple, float] = {}
        # Each distinct reason, one object for everyone it is given to ("remote ✓", "Video editing ✓").
        self._reasons: dict[matching.Reason, matching.Reason] = {}

    def for_candidate(self, candidate: matching.Candidate, limit: int | None = None) -> PersonsNeeds:
        """The needs ``candidate`` can help with (:attr:`matching.Levels.can_help`, and not a
        need of their own group), best score first then board order, the first ``limit`` explained."""
        today = self.today
        positions: set[int] = set()
        for skill in candidate.skills:
            positions.update(self._by_skill.get(skill, ()))
        points = {skill: matching.skill_points(candidate.level_of(skill)) for skill in candidate.skills}
        freshness = matching.freshness_level(candidate.updated, today)
        others: dict[int, tuple[int, int, int]] = {}  # situation -> (place, hours, window)
        found = []
        for position in positions:
            need = self._asked[position]
            if need.exclude and candidate.id in need.exclude:
                continue
            situation = self._situation[position]
            levels = others.get(situation)
            if levels is None:
                like, (start, until) = self._like[situation], self._windows[situation]
                levels = others[situation] = (matching.place_level(candidate.region, candidate.remote, like),
                                              matching.hours_level(candidate.hours, like.hours),
                                              matching.window_level(candidate.start, candidate.until, start, until))
            if not levels[2]:  # not available in the window: cannot help (a needed skill is held: indexed so)
                continue
            skills = need.skills
            if len(skills) == 1:
                held = points[skills[0]]  # indexed by it: held
            else:
                held = 0
                for skill in skills:
                    held += points.get(skill, 0)
            key = (held, len(skills), *levels, freshness)
            score = self._scores.get(key)
            if score is None:
                score = self._scores[key] = matching.score_of(*key)
            found.append((-score, position))
        found.sort()
        chosen = found if limit is None else found[:limit]
        return PersonsNeeds(tuple(self._explained(position, candidate) for _score, position in chosen), len(found))

    def _explained(self, position: int, candidate: matching.Candidate) -> NeedToHelp:
        match = matching.explain(candidate, self._asked[position], self.today)
        reasons = self._reasons
        return NeedToHelp(self._heads[position], match.score,
                          tuple(reasons.setdefault(reason, reason) for reason in match.reasons))


def where_to_help(needs: Sequence[OpenNeed], candidates: Iterable[matching.Candidate], today: dt.date,
                  limit: int | None = None) -> dict[str, PersonsNeeds]:
    """person id → the open ``needs`` they could help with (:meth:`NeedsBySkill.for_candidate`),
    for every candidate who can help with at least one; the needs indexed once for all."""
    index = NeedsBySkill(needs, today)
    found = {}
    for candidate in candidates:
        theirs = index.for_candidate(candidate, limit)
        if theirs.total:
            found[candidate.id] = theirs
    return found


def needs_for_person(root: Path | str, person: str, today: dt.date, limit: int | None = None):
    """The repository (loaded as the build loads it) and the needs ``person`` could help with,
    as their page lists them (the build's open needs, git's last-changed dates, ``today``).

    Raises ProblemsFound: the problems of the person's profile when it cannot be read, or
    JU403 when there is no profile ``person`` (with the closest ids as a hint).
    """
    from joinedup.core import problems as P
    from joinedup.core.freshness import last_commit_dates
    from joinedup.core.i18n import gettext as _
    from joinedup.core.problems import ProblemsFound, problem
    from joinedup.load.repository import load_repository
    from joinedup.match.board import open_needs

    repository, problems = load_repository(root, history=True, build_date=today)
    volunteer = repository.directory.volunteers.get(person)
    if volunteer is None:
        own = [p for p in problems if p.path == f"volunteers/{person}.yaml" and p.is_error]
        if own:
            raise ProblemsFound(own)
        import difflib

        close = difflib.get_close_matches(person, list(repository.directory.volunteers), n=3)
        hint = (_("Did you mean %(ids)s?") % {"ids": ", ".join(f"'{id}'" for id in close)} + " " if close else "")
        raise ProblemsFound([problem(
            P.UNKNOWN_PERSON, person, 0, 0,
            _("There is no profile called '%(id)s' (looked in volunteers/).") % {"id": person},
            hint + _("Give a profile id: the file name of volunteers/ID.yaml without .yaml."))])
    needs = open_needs(repository.agenda, repository.directory, today)
    updated = last_commit_dates(repository.root).get(volunteer.path)
    candidate = matching.Candidate.of(volunteer, updated)
    return repository, NeedsBySkill(needs, today).for_candidate(candidate, limit)

