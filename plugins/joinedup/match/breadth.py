"""Breadth of support: how widely a proposal's endorsers are spread across regions and groups.

A plain count lets forty friends in one place outrank twenty people from eight regions and
five groups: the echo chamber the movement wants to escape. Breadth counts *effective*
numbers instead (docs/breadth.md has the formula, the reasons and a worked example):

* regions: the inverse Simpson index 1 / Σ pᵢ² over the endorsers' regions, where pᵢ is the
  share of endorsers in region i. Every profile names a region (remote people too: the
  schema requires ``location.region``), so every endorser counts here.
* groups: the same index over the groups the endorsers belong to, a person belonging to a
  group when its core team or members name them (``Group.people``). Someone in several
  groups splits their one share equally between them; people in no group do not count here
  (nothing is known of their circles), and with nobody in a group the index is 1.
* the breadth score is the geometric mean √(regions × groups) of the two effective numbers:
  each counts as much, and a proposal that is broad in one and narrow in the other stays
  below one broad in both. A proposal nobody endorses scores 0.

Proposals are ranked by score, then by endorsement count, then by title and slug, so the
order is the same on every build. Everything is computed from the model alone, exactly
(fractions) until the final square root.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

from joinedup.core.i18n import N_
from joinedup.core.model import Agenda, Directory, Group, Proposal, Region

# Scores closer than this are a tie (the square root of equal products can differ in the last bit).
_DIGITS = 9


@dataclass(frozen=True, slots=True)
class Support:
    """How one proposal's endorsers spread: counts by region and by group, and the score.

    ``regions`` and ``groups`` list each region or group with its endorsers, most first
    (then by label); a person in two groups is counted in both. ``ungrouped`` is the number
    of endorsers in no group.
    """

    endorsers: int
    regions: tuple[tuple[Region, int], ...] = ()
    groups: tuple[tuple[Group, int], ...] = ()
    ungrouped: int = 0
    effective_regions: float = 0.0
    effective_groups: float = 0.0
    score: float = 0.0


def inverse_simpson(weights: Iterable[Fraction | int]) -> Fraction:
    """1 / Σ pᵢ² for the shares pᵢ = wᵢ / Σw: the number of equally large parts that would be
    as diverse. 0 when there is no weight at all."""
    weights = [Fraction(w) for w in weights if w]
    total = sum(weights, Fraction(0))
    if not total:
        return Fraction(0)
    return total * total / sum((w * w for w in weights), Fraction(0))


def breadth(region_counts: Iterable[int], group_weights: Iterable[Fraction | int]) -> tuple[Fraction, Fraction, float]:
    """The effective numbers of regions and of groups, and the breadth score √(regions × groups),
    of endorsers counted per region and weighed per group (a person in n groups weighs 1/n in
    each). With no group weight at all, the groups' number is 1."""
    effective_regions = inverse_simpson(region_counts)
    effective_groups = inverse_simpson(group_weights) or Fraction(1)
    return effective_regions, effective_groups, round(math.sqrt(effective_regions * effective_groups), _DIGITS)


@dataclass(frozen=True, slots=True)
class Example:
    """One proposal of the worked example the site's "How is breadth counted?" page shows."""

    name: str
    region_counts: tuple[int, ...]
    group_counts: tuple[int, ...]

    @property
    def endorsers(self) -> int:
        return sum(self.region_counts)

    @property
    def figures(self) -> tuple[float, float, float]:
        """Effective regions, effective groups and breadth, by :func:`breadth`."""
        regions, groups, score = breadth(self.region_counts, self.group_counts)
        return float(regions), float(groups), score


# docs/breadth.md's worked example: forty endorsers in one region and one group, against
# twenty in eight regions and four groups of five.
WORKED_EXAMPLE = (Example(N_("Echo"), (40,), (40,)), Example(N_("Spread"), (3, 3, 3, 3, 2, 2, 2, 2), (5, 5, 5, 5)))


def memberships(agenda: Agenda) -> dict[str, tuple[Group, ...]]:
    """Person id → the groups whose core team or members name them, in the agenda's group order."""
    belongs: dict[str, list[Group]] = {}
    for group in agenda.groups.values():
        for person in group.people:
            belongs.setdefault(person, []).append(group)
    return {person: tuple(groups) for person, groups in belongs.items()}


def support_of(endorser_ids: Iterable[str], directory: Directory,
               belongs: Mapping[str, tuple[Group, ...]]) -> Support:
    """The Support of the endorsers named (ids of the directory's people; others are ignored).

    ``belongs`` is :func:`memberships` of the agenda, computed once for every proposal."""
    people = [directory.volunteers[i] for i in dict.fromkeys(endorser_ids) if i in directory.volunteers]
    if not people:
        return Support(0)
    regions: dict[str, int] = {}
    group_count: dict[str, int] = {}
    group_weight: dict[str, Fraction] = {}
    groups_by_slug: dict[str, Group] = {}
    ungrouped = 0
    for person in people:
        regions[person.region] = regions.get(person.region, 0) + 1
        groups = belongs.get(person.id, ())
        if not groups:
            ungrouped += 1
        for group in groups:
            groups_by_slug[group.slug] = group
            group_count[group.slug] = group_count.get(group.slug, 0) + 1
            group_weight[group.slug] = group_weight.get(group.slug, Fraction(0)) + Fraction(1, len(groups))
    effective_regions, effective_groups, score = breadth(regions.values(), group_weight.values())
    known = directory.taxonomy.regions
    region_rows = sorted(((known.get(r) or Region(r, r), n) for r, n in regions.items()),
                         key=lambda row: (-row[1], row[0].label.casefold(), row[0].id))
    group_rows = sorted(((groups_by_slug[g], n) for g, n in group_count.items()),
                        key=lambda row: (-row[1], row[0].name.casefold(), row[0].slug))
    return Support(
        endorsers=len(people),
        regions=tuple(region_rows),
        groups=tuple(group_rows),
        ungrouped=ungrouped,
        effective_regions=float(effective_regions),
        effective_groups=float(effective_groups),
        score=score,
    )


def supports(agenda: Agenda, directory: Directory) -> dict[str, Support]:
    """Proposal slug → its Support, for every proposal of the agenda."""
    belongs = memberships(agenda)
    return {slug: support_of(agenda.endorsers.get(slug, ()), directory, belongs) for slug in agenda.proposals}


def by_breadth(proposals: Iterable[Proposal], support: Mapping[str, Support]) -> list[Proposal]:
    """``proposals`` broadest support first: by score, then endorsements, then title and slug.

    ``support`` must hold every proposal given (from :func:`supports`)."""
    def order(proposal: Proposal) -> tuple:
        found = support[proposal.slug]
        return (-found.score, -found.endorsers, proposal.title.casefold(), proposal.slug)

    return sorted(proposals, key=order)
