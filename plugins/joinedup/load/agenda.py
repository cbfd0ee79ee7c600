"""Link proposals, groups and people both ways, and check what only the whole set can show.

Single files are checked as they load (``proposals``, ``groups``). What needs every file
at once is here: synthesis cycles, two proposals with the same title, groups nobody can
reach (their contact may be a core team member's profile), and endorsements, which live in
the endorsers' profiles and point at proposals.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from types import MappingProxyType
from typing import Iterable

from joinedup.core import problems as P
from joinedup.core.i18n import gettext as _
from joinedup.core.model import STATUSES, Agenda, Directory, Group, History, Proposal
from joinedup.core.problems import Problem, problem
from joinedup.load.groups import unreachable_groups
from joinedup.load.taxonomy import suggest


def build_agenda(
    proposals: Iterable[Proposal],
    groups: Iterable[Group],
    directory: Directory,
    history: History,
    proposal_slugs: Iterable[str] = (),
) -> tuple[Agenda, list[Problem]]:
    """The linked Agenda and the problems found across files.

    ``proposal_slugs`` are all proposal file stems, including proposals that failed to
    load, so an endorsement of a broken proposal is not also reported as unknown.
    """
    found: list[Problem] = []
    by_slug = {p.slug: p for p in proposals}
    found += synthesis_cycles(by_slug)
    found += duplicate_titles(by_slug)
    groups = list(groups)
    found += unreachable_groups(groups, directory)

    def changed(proposal: Proposal) -> tuple:
        last = history.last_changed(proposal.path)
        day = last or dt.datetime.combine(proposal.date, dt.time(), tzinfo=dt.timezone.utc)
        return (-day.timestamp(), proposal.title.casefold(), proposal.slug)

    ordered = sorted(by_slug.values(), key=changed)
    slugs = [p.slug for p in ordered]

    known_slugs = set(proposal_slugs) | set(by_slug)
    endorsers: dict[str, list[str]] = {slug: [] for slug in slugs}
    endorsed: dict[str, list[str]] = {}
    for volunteer in directory.sorted_volunteers():
        for index, slug in enumerate(volunteer.endorses):
            line, col = volunteer.endorses_at[index] if index < len(volunteer.endorses_at) else (0, 0)
            if slug not in known_slugs:
                found.append(problem(
                    P.UNKNOWN_PROPOSAL, volunteer.path, line, col,
                    _("You endorse '%(slug)s', which is not a proposal: there is no content/proposals/%(slug)s.md.")
                    % {"slug": slug} + suggest(slug, known_slugs),
                    _("Use the proposal's slug: the last part of its address, /proposals/<slug>/."),
                ))
                continue
            proposal = by_slug.get(slug)
            if proposal is None:
                continue
            if proposal.status == "withdrawn":
                found.append(problem(
                    P.ENDORSES_WITHDRAWN, volunteer.path, line, col,
                    _("You endorse '%(slug)s', which its authors have withdrawn.") % {"slug": slug},
                    _("Remove the line, or endorse the proposal that replaced it."),
                ))
            endorsers[slug].append(volunteer.id)
            endorsed.setdefault(volunteer.id, []).append(slug)

    rank = {slug: index for index, slug in enumerate(slugs)}
    merged_into: dict[str, list[str]] = {}
    written: dict[str, list[str]] = {}
    by_theme: dict[str, list[str]] = {theme: [] for theme in directory.taxonomy.themes}
    by_status: dict[str, list[str]] = {status: [] for status in STATUSES}
    by_group: dict[str, list[str]] = {group.slug: [] for group in groups}
    for proposal in ordered:
        for other in proposal.synthesises:
            merged_into.setdefault(other, []).append(proposal.slug)
        for author in proposal.authors:
            written.setdefault(author, []).append(proposal.slug)
        for theme in proposal.themes:
            by_theme.setdefault(theme, []).append(proposal.slug)
        by_status[proposal.status].append(proposal.slug)
        if proposal.group:
            by_group.setdefault(proposal.group, []).append(proposal.slug)

    def frozen(index: dict[str, list[str]]) -> MappingProxyType:
        return MappingProxyType({key: tuple(values) for key, values in index.items()})

    agenda = Agenda(
        proposals=MappingProxyType({slug: by_slug[slug] for slug in slugs}),
        groups=MappingProxyType({g.slug: g for g in sorted(groups, key=lambda g: (g.name.casefold(), g.slug))}),
        history=history,
        endorsers=frozen(endorsers),
        merged_into=frozen(merged_into),
        written=frozen(written),
        endorsed=frozen({k: sorted(v, key=rank.__getitem__) for k, v in endorsed.items()}),
        by_theme=frozen(by_theme),
        by_status=frozen(by_status),
        by_group=frozen(by_group),
    )
    return agenda, found


def synthesis_cycles(proposals: dict[str, Proposal]) -> list[Problem]:
    """JU407 for each cycle of ``synthesises`` links (a merges b, b merges a), reported once.

    The problem stands at the ``synthesises`` item of the cycle's first proposal by slug,
    and names the whole loop. Self-references are reported when the file loads (JU408).
    """
    found: list[Problem] = []
    state: dict[str, int] = {}  # 1 while on the current path, 2 when finished
    seen_cycles: set[frozenset[str]] = set()

    def visit(slug: str, trail: list[str]) -> None:
        state[slug] = 1
        trail.append(slug)
        for other in proposals[slug].synthesises:
            if other == slug or other not in proposals:
                continue
            if state.get(other) == 1:
                loop = trail[trail.index(other):]
                key = frozenset(loop)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    found.append(_cycle_problem(proposals, loop))
            elif other not in state:
                visit(other, trail)
        trail.pop()
        state[slug] = 2

    for slug in sorted(proposals):
        if slug not in state:
            visit(slug, [])
    return found


def _cycle_problem(proposals: dict[str, Proposal], loop: list[str]) -> Problem:
    start = loop.index(min(loop))
    loop = loop[start:] + loop[:start]
    first, second = proposals[loop[0]], loop[1 % len(loop)]
    index = first.synthesises.index(second)
    line, col = first.positions.get(("synthesises", index), (0, 0))
    words = " → ".join(loop + [loop[0]])
    return problem(
        P.SYNTHESIS_CYCLE, first.path, line, col,
        _("Synthesis cycle: %(cycle)s. A synthesis cannot merge a proposal that merges it back.") % {"cycle": words},
        _("Keep 'synthesises:' only on the proposal that merges the others."),
    )


def duplicate_titles(proposals: dict[str, Proposal]) -> list[Problem]:
    """JU410 (a warning) for a proposal whose title gives the same slug as another's.

    "Free buses!" and "free  buses" read as one title. Both proposals still build, each at
    its own address: the slug is the file name, never the title.
    """
    found: list[Problem] = []
    first_with: dict[str, Proposal] = {}
    for slug in sorted(proposals):
        proposal = proposals[slug]
        key = _slugify(proposal.title)
        if key in first_with:
            other = first_with[key]
            line, col = proposal.positions.get(("title",), (0, 0))
            found.append(problem(
                P.DUPLICATE_TITLE, proposal.path, line, col,
                _("The title '%(title)s' matches the title of %(other)s ('%(other_title)s'): "
                  "readers cannot tell the two apart.") % {"title": proposal.title, "other": other.path,
                                                           "other_title": other.title},
                _("Give each proposal a title that says how it differs. Both are still published, "
                  "at %(first)s and %(second)s.") % {"first": f"/proposals/{other.slug}/",
                                                     "second": f"/proposals/{proposal.slug}/"},
            ))
        else:
            first_with[key] = proposal
    return found


def _slugify(title: str) -> str:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")
