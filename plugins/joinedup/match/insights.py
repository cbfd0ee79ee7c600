"""Gaps, for organisers: supply against demand per skill, people and needs per region,
availability over the coming weeks, endorsements per theme.

:func:`insights` works the figures out from the model in one pass over the directory; the
insights page (``/insights/``), ``/data/insights.json`` and ``python tasks.py insights`` all
show what it returns, so they always agree. Definitions (docs/insights.md):

**Open needs and who can fill them** are the needs board's (:mod:`joinedup.match.board`,
one definition for both): an open need *nobody can fill* is one whose
:attr:`~joinedup.match.board.OpenNeed.could_fill` is 0.

**Weeks.** Week 1 is the seven days starting on the build date, week 2 the seven after, and
so on. A person counts for a week when their availability covers all of it: no ``from`` or
a ``from`` on or before its first day, and no ``until`` or an ``until`` on or after its last.

Nothing here reads files, prints or imports Pelican.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from joinedup.core.i18n import format_day, format_number, ngettext
from joinedup.core.i18n import gettext as _
from joinedup.core.model import Agenda, Directory, Taxonomy
from joinedup.match import matching
from joinedup.match.board import OpenNeed, open_needs

VERSION = 1
WEEKS = 12


@dataclass(frozen=True, slots=True)
class SkillFigures:
    id: str
    label: str
    people: int
    open_needs: int
    unfilled_needs: int


@dataclass(frozen=True, slots=True)
class RegionFigures:
    id: str
    label: str
    people: int
    open_needs: int


@dataclass(frozen=True, slots=True)
class WeekFigures:
    """Week ``number`` (1 starts on the build date), its first and last day, and who is available all of it."""

    number: int
    start: dt.date
    end: dt.date
    people: int


@dataclass(frozen=True, slots=True)
class ThemeFigures:
    """Proposals of a theme, the endorsements they have, and how many people gave them."""

    id: str
    label: str
    proposals: int
    endorsements: int
    endorsers: int


@dataclass(frozen=True, slots=True)
class Insights:
    """Every figure of the insights page; skills with no people and no needs are left out."""

    build_date: dt.date
    people: int
    remote_people: int
    open_needs: int
    remote_needs: int
    unfilled: tuple[OpenNeed, ...]
    skills: tuple[SkillFigures, ...]
    regions: tuple[RegionFigures, ...]
    weeks: tuple[WeekFigures, ...]
    themes: tuple[ThemeFigures, ...]

    def as_json(self, taxonomy: Taxonomy, site_url: str = "") -> dict:
        """The figures as ``/data/insights.json`` publishes them (docs/open-data.md)."""
        base = site_url.rstrip("/")
        return {
            "version": VERSION,
            "build_date": self.build_date.isoformat(),
            "people": self.people,
            "remote_people": self.remote_people,
            "open_needs": self.open_needs,
            "remote_needs": self.remote_needs,
            "unfilled_needs": len(self.unfilled),
            "skills": [{"id": s.id, "label": s.label, "people": s.people, "open_needs": s.open_needs,
                        "unfilled_needs": s.unfilled_needs} for s in self.skills],
            "regions": [{"id": r.id, "label": r.label, "people": r.people, "open_needs": r.open_needs}
                        for r in self.regions],
            "availability": [{"week": w.number, "from": w.start.isoformat(), "until": w.end.isoformat(),
                              "people": w.people} for w in self.weeks],
            "themes": [{"id": t.id, "label": t.label, "proposals": t.proposals, "endorsements": t.endorsements,
                        "endorsers": t.endorsers} for t in self.themes],
            "unfilled": [{
                "skills": [{"id": skill, "label": skill_label(skill, taxonomy)} for skill in each.skills],
                "region": {"id": each.region, "label": region_label(each.region, taxonomy)} if each.region else None,
                "remote": each.remote,
                "hours_per_week": each.hours_per_week,
                "until": each.until.isoformat() if each.until else None,
                "asked_by": {"kind": each.asked_by, "id": each.slug, "name": each.asker,
                             "url": f"{base}/{each.url}"},
            } for each in self.unfilled],
        }

    def lines(self, taxonomy: Taxonomy) -> list[str]:
        """What ``tasks.py insights`` prints, in the site's language: labels, never ids."""
        lines = [_("Insights on %(date)s") % {"date": format_day(self.build_date)},
                 ngettext("%(count)s person in the directory, %(remote)s of them remote.",
                          "%(count)s people in the directory, %(remote)s of them remote.", self.people)
                 % {"count": format_number(self.people), "remote": format_number(self.remote_people)},
                 ngettext("%(count)s open need, %(unfilled)s with nobody to fill it.",
                          "%(count)s open needs, %(unfilled)s with nobody to fill them.", self.open_needs)
                 % {"count": format_number(self.open_needs), "unfilled": format_number(len(self.unfilled))}]

        def table(title, header, rows):
            cells = [header, *[[label, *map(format_number, figures)] for label, *figures in rows]]
            widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
            lines.extend(["", title])
            for row in cells:
                lines.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip())

        table(_("Skills: supply and demand"), [_("skill"), _("people"), _("open needs"), _("nobody to fill")],
              [(s.label, s.people, s.open_needs, s.unfilled_needs) for s in self.skills])
        table(_("Regions"), [_("region"), _("people"), _("open needs")],
              [(r.label, r.people, r.open_needs) for r in self.regions])
        table(_("Availability over the coming weeks"), [_("week"), _("people available all week")],
              [(week_label(w), w.people) for w in self.weeks])
        table(_("Endorsements by theme"), [_("theme"), _("proposals"), _("endorsements"), _("endorsers")],
              [(t.label, t.proposals, t.endorsements, t.endorsers) for t in self.themes])
        lines.extend(["", _("Needs nobody can fill")])
        lines.extend(f"  {need_words(each.need, taxonomy)} · {each.asker}" for each in self.unfilled)
        if not self.unfilled:
            lines.append("  " + _("None: someone can fill every open need."))
        return lines


def skill_label(skill: str, taxonomy: Taxonomy) -> str:
    return taxonomy.skills[skill].label if skill in taxonomy.skills else skill


def region_label(region: str, taxonomy: Taxonomy) -> str:
    return taxonomy.regions[region].label if region in taxonomy.regions else region


def week_label(week: WeekFigures) -> str:
    """``23 November 2026 to 29 November 2026``, in the site's language."""
    return _("%(start)s to %(end)s") % {"start": format_day(week.start), "end": format_day(week.end)}


def need_words(need: matching.Need, taxonomy: Taxonomy) -> str:
    """``Video editing · remote · 4 h/week``: what a need asks, in labels."""
    from joinedup.match.needs import describe

    return describe(need, taxonomy)


def insights(directory: Directory, agenda: Agenda, today: dt.date, weeks: int = WEEKS, *,
             needs: Sequence[OpenNeed] | None = None) -> Insights:
    """The insights of ``directory`` and ``agenda`` on ``today``, with ``weeks`` weeks of availability.

    ``needs`` are the open needs (``board.open_needs``) when the caller has them already."""
    taxonomy = directory.taxonomy
    if needs is None:
        needs = open_needs(agenda, directory, today)
    unfilled = tuple(each for each in needs if not each.could_fill)

    asked: dict[str, int] = {}
    gaps: dict[str, int] = {}
    for each in needs:
        for skill in set(each.skills):
            asked[skill] = asked.get(skill, 0) + 1
    for each in unfilled:
        for skill in set(each.skills):
            gaps[skill] = gaps.get(skill, 0) + 1
    skills = [SkillFigures(skill.id, skill.label, len(directory.by_skill.get(skill.id, ())), asked.get(skill.id, 0),
                           gaps.get(skill.id, 0)) for skill in taxonomy.skills.values()]
    skills = sorted((s for s in skills if s.people or s.open_needs),
                    key=lambda s: (-s.unfilled_needs, -s.open_needs, s.people, s.label.casefold(), s.id))

    in_region: dict[str, int] = {}
    for each in needs:
        if each.region:
            in_region[each.region] = in_region.get(each.region, 0) + 1
    regions = tuple(RegionFigures(region.id, region.label, len(directory.by_region.get(region.id, ())),
                                  in_region.get(region.id, 0)) for region in taxonomy.regions.values())

    return Insights(
        build_date=today,
        people=len(directory.volunteers),
        remote_people=sum(1 for volunteer in directory.volunteers.values() if volunteer.remote),
        open_needs=len(needs),
        remote_needs=sum(1 for each in needs if each.remote),
        unfilled=unfilled,
        skills=tuple(skills),
        regions=regions,
        weeks=available_weeks(directory, today, weeks),
        themes=endorsements_by_theme(agenda, taxonomy),
    )


def available_weeks(directory: Directory, today: dt.date, weeks: int = WEEKS) -> tuple[WeekFigures, ...]:
    """For each of the next ``weeks`` weeks, how many people are available all of it (one pass)."""
    # Each person adds one to a run of weeks: +1 where it starts, -1 after it ends.
    steps = [0] * (weeks + 1)
    for volunteer in directory.volunteers.values():
        window = volunteer.availability
        first = 0 if window.start is None else max(0, -(-(window.start - today).days // 7))
        # The last week whose last day (today + 7k + 6) is on or before ``until``.
        last = weeks - 1 if window.until is None else min(weeks - 1, ((window.until - today).days - 6) // 7)
        if first <= last:
            steps[first] += 1
            steps[last + 1] -= 1
    found, running = [], 0
    for number in range(weeks):
        running += steps[number]
        start = today + dt.timedelta(days=7 * number)
        found.append(WeekFigures(number + 1, start, start + dt.timedelta(days=6), running))
    return tuple(found)


def endorsements_by_theme(agenda: Agenda, taxonomy: Taxonomy) -> tuple[ThemeFigures, ...]:
    """For each theme: its proposals, their endorsements, and the distinct people who gave them.

    A proposal of two themes counts in both."""
    proposals: dict[str, int] = {}
    endorsements: dict[str, int] = {}
    endorsers: dict[str, set[str]] = {}
    for proposal in agenda.proposals.values():
        people = agenda.endorsers.get(proposal.slug, ())
        for theme in dict.fromkeys(proposal.themes):
            proposals[theme] = proposals.get(theme, 0) + 1
            endorsements[theme] = endorsements.get(theme, 0) + len(people)
            endorsers.setdefault(theme, set()).update(people)
    return tuple(ThemeFigures(theme.id, theme.label, proposals.get(theme.id, 0), endorsements.get(theme.id, 0),
                              len(endorsers.get(theme.id, ()))) for theme in taxonomy.themes.values())
