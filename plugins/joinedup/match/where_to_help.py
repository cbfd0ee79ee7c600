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
from itertools import combinations
from pathlib import Path
from typing import Iterable, Sequence

from joinedup.core.buildcache import fingerprinted_by_fields
from joinedup.match import matching
from joinedup.match.board import AskedNeed, OpenNeed


@fingerprinted_by_fields
@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class PersonsNeeds:
    """The best needs a person could help with, best first, and how many they could help with in all."""

    needs: tuple[NeedToHelp, ...]
    total: int


# Needs open to everyone asking for at most this many skills are kept by their sets of skills
# (2⁴ - 1 = 15 lists each); those asking for more are scored one by one.
SETS_UP_TO = 4


class NeedsBySkill:
    """The open needs indexed by the skills they ask for, built once per build.

    ``needs`` come in board order; each keeps its position there, the tie-break after the score.

    A person is scored with the matcher's own level functions and formula (:func:`matching.levels`'
    parts, :func:`matching.score_of`), worked out once per distinct value rather than once per
    pair: the place, hours and window levels once per person for each distinct "where, how
    long, until when" of the needs (a *situation*: every proposal's need shares one), the score
    once per distinct set of levels. The needs listed are then explained with
    :func:`matching.explain`'s parts (:func:`matching.skill_reason`, once per build for each
    skill and level; :func:`matching.situation_reasons`, once per person and situation), and
    its scores are these.

    **Needs** are not scored one by one. They are kept by each set of skills they ask for *at least*, with
    their situation and how many skills they ask: in board order, so within one such list the
    first come first at equal score. For a person, each set of their skills found there gives
    one score (the points of those skills, out of that many asked) to the whole list: a need
    asking for more of their skills is in a list of its own too, looked at later, with a
    score as high or higher, which stands. So a need among a person's best ``limit`` is among
    the first ``limit`` of the list for exactly the skills of theirs it asks (those before it
    there score as much or more), and only those are looked at. How many there are in all is
    counted from the lists' lengths by inclusion and exclusion (each need once, however many
    of the person's skills it asks). The needs kept from a person (those they ask through:
    their own group's, a proposal they wrote or their group carries) are taken out of each list
    before it is looked at, for them alone: the same holds of what is left.

    Needs asking for more than ``SETS_UP_TO`` skills (a proposal may ask for 15: 32,767 sets),
    or a skill twice, are scored one by one, indexed by skill.
    """

    def __init__(self, needs: Sequence[OpenNeed], today: dt.date):
        self.today = today
        # What each need asks, one object per need for every person it is offered to.
        self._heads = [need.asked for need in needs]
        self._asked = [need.need for need in needs]
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
        self._skill_reasons: dict[tuple[str, str | None], matching.Reason] = {}
        # Needs scored one by one, by each skill they ask for.
        self._by_skill: dict[str, list[int]] = {}
        # Person id -> the needs kept from them (they ask through them: joinedup.core.model.askers).
        self._kept_from: dict[str, set[int]] = {}
        for position, need in enumerate(self._asked):
            for person in need.exclude:
                self._kept_from.setdefault(person, set()).add(position)
        # Needs open to everyone: sorted skills -> [(situation, skills asked, positions of the
        # needs asking at least those skills, in board order)].
        lists: dict[tuple, list[int]] = {}
        for position, need in enumerate(self._asked):
            skills = tuple(sorted(set(need.skills)))
            if len(skills) != len(need.skills) or len(skills) > SETS_UP_TO:
                for skill in need.skills:
                    self._by_skill.setdefault(skill, []).append(position)
                continue
            situation = self._situation[position]
            for size in range(1, len(skills) + 1):
                for some in combinations(skills, size):
                    lists.setdefault((some, situation, len(skills)), []).append(position)
        self._asking: dict[tuple[str, ...], list[tuple[int, int, list[int]]]] = {}
        for (some, situation, asked), positions in lists.items():
            self._asking.setdefault(some, []).append((situation, asked, positions))

    def for_candidate(self, candidate: matching.Candidate, limit: int | None = None) -> PersonsNeeds:
        """The needs ``candidate`` can help with (:attr:`matching.Levels.can_help`, and not a
        need of their own group), best score first then board order, the first ``limit`` explained."""
        points = {skill: matching.skill_points(candidate.level_of(skill)) for skill in candidate.skills}
        freshness = matching.freshness_level(candidate.updated, self.today)
        others: dict[int, tuple[int, int, int]] = {}  # situation -> (place, hours, window)

        def levels_in(situation: int) -> tuple[int, int, int]:
            levels = others.get(situation)
            if levels is None:
                like, (start, until) = self._like[situation], self._windows[situation]
                levels = others[situation] = (matching.place_level(candidate.region, candidate.remote, like),
                                              matching.hours_level(candidate.hours, like.hours),
                                              matching.window_level(candidate.start, candidate.until, start, until))
            return levels

        def score(held: int, asked: int, levels: tuple[int, int, int]) -> float:
            key = (held, asked, *levels, freshness)
            found = self._scores.get(key)
            if found is None:
                found = self._scores[key] = matching.score_of(*key)
            return found

        best: dict[int, float] = {}
        total = 0
        asking = self._asking
        kept_from = self._kept_from.get(candidate.id)
        held_skills = sorted(skill for skill in candidate.skills if (skill,) in asking)
        sets = [(skill,) for skill in held_skills]
        while sets:
            for some in sets:
                held = sum(points[skill] for skill in some)
                sign = 1 if len(some) % 2 else -1
                for situation, asked, positions in asking[some]:
                    levels = levels_in(situation)
                    if not levels[2]:  # not available in the window: cannot help
                        continue
                    if kept_from:  # a proposal they wrote, their own group's: left out of every list
                        positions = [position for position in positions if position not in kept_from]
                    total += sign * len(positions)
                    this = score(held, asked, levels)
                    # Larger sets come later: a need ends with the score of the most of the
                    # person's skills it is listed under, and each of the best ``limit`` is
                    # listed under all of theirs (see the class's docstring).
                    for position in positions if limit is None else positions[:limit]:
                        best[position] = this
            sets = [some + (skill,) for some in sets for skill in held_skills
                    if skill > some[-1] and some + (skill,) in asking]
        kept: set[int] = set()
        for skill in candidate.skills:
            kept.update(self._by_skill.get(skill, ()))
        for position in kept:
            need = self._asked[position]
            if candidate.id in need.exclude:
                continue
            levels = levels_in(self._situation[position])
            if not levels[2]:
                continue
            total += 1
            best[position] = score(sum(points.get(skill, 0) for skill in need.skills), len(need.skills), levels)
        found = sorted((-this, position) for position, this in best.items())
        chosen = found if limit is None else found[:limit]
        # Explained as matching.explain explains: each skill's reason, then those of the
        # situation, worked out once for this person and situation.
        said: dict[int, tuple[matching.Reason, ...]] = {}
        listed = []
        for negative, position in chosen:
            situation = self._situation[position]
            theirs = said.get(situation)
            if theirs is None:
                theirs = said[situation] = tuple(
                    self._reasons.setdefault(reason, reason) for reason in matching.situation_reasons(
                        candidate, self._like[situation], self._windows[situation], (*levels_in(situation), freshness)))
            skills = tuple(self._skill_reason(skill, candidate.level_of(skill)) for skill in self._asked[position].skills)
            listed.append(NeedToHelp(self._heads[position], -negative, skills + theirs))
        return PersonsNeeds(tuple(listed), total)

    def _skill_reason(self, skill: str, level: str | None) -> matching.Reason:
        found = self._skill_reasons.get((skill, level))
        if found is None:
            found = self._skill_reasons[skill, level] = matching.skill_reason(skill, level)
        return found


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

