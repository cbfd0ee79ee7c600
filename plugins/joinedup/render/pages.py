"""Which directory pages the site has, at which URL, with what on them.

The plan is computed from the model alone (no Pelican, no templates): the Pelican plugin
renders each planned page with the theme. URLs are directories (``people/ana/``), and
pagination lives under a ``page/N/`` segment that no id can take, so no two pages ever
share a file (Pelican's default patterns collide for names ending in digits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from joinedup.core import problems as P
from joinedup.core.i18n import N_, active_language, gettext as _
from joinedup.core.model import STATUSES, Agenda, Directory, Taxonomy
from joinedup.core.problems import Problem, ProblemsFound, problem
from joinedup.load.profiles import ID_PATTERN, RESERVED_IDS
from joinedup.match.board import OpenNeed, needs_by_region, needs_by_skill
from joinedup.match.breadth import WORKED_EXAMPLE, Support, by_breadth, supports
from joinedup.match.where_to_help import PersonsNeeds


# How many needs a person's page lists under "Where you could help": the best ones; it says
# how many there are in all, and the skill pages and the needs board list the others.
NEEDS_ON_PROFILE = 3

# The languages the "Add yourself" form offers as boxes after the site's own, by the site's
# language: those most spoken where its movements are (Britain's, France's). Any other is typed
# as its ISO 639-1 code. Not the languages of the directory's people: a quick rebuild
# (joinedup.builder.quick) renders only the pages showing the people edited, and the form shows nobody.
FORM_LANGUAGES = {
    "en": ("en", "cy", "gd", "ga", "fr", "br", "es", "ca", "eu", "pt", "it", "de", "nl", "pl", "ro",
           "ar", "ur", "pa", "bn", "hi", "so", "tr", "zh"),
    "fr": ("fr", "en", "ar", "es", "pt", "it", "de", "oc", "br", "co", "eu", "ca", "ht", "wo", "ff", "bm",
           "ln", "tr", "ro", "pl", "ru", "uk", "vi", "zh"),
}


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    base_url: str
    total: int

    def url(self, number: int) -> str:
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None

    @property
    def pages(self) -> list[tuple[int, str] | None]:
        """The page links to show: the first, the last and two either side of this one,
        with None where numbers are skipped. Linking every page from every page was
        O(pages²): 4,167 links on each of the 4,167 pages of a 100k directory."""
        shown = sorted({1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)})
        links: list[tuple[int, str] | None] = []
        for number in shown:
            if links and links[-1] is not None and number > links[-1][0] + 1:
                links.append(None)
            links.append((number, self.url(number)))
        return links


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """One output page: its URL (a directory, ``''`` for the home page), template and context."""

    url: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def save_as(self) -> str:
        return f"{self.url}index.html"


def paginate(
    url: str, template: str, items: Sequence[Any], per_page: int, *, key: str = "people", **context
) -> list[PlannedPage]:
    """The pages of a listing: ``url``, ``url/page/2/``… with ``per_page`` items each.

    The items are in the context under ``key`` (people, unless told otherwise).
    """
    count = max(1, math.ceil(len(items) / per_page))
    planned = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, url, len(items))
        chunk = items[(number - 1) * per_page : number * per_page]
        planned.append(PlannedPage(pagination.url(number), template, {**context, key: chunk, "pagination": pagination}))
    return planned


def plan_directory(directory: Directory, per_page: int = 30, agenda: Agenda | None = None,
                   needs: Sequence[OpenNeed] = (),
                   where_to_help: Mapping[str, PersonsNeeds] | None = None) -> list[PlannedPage]:
    """Every directory page: the people index, one per person, skill, skill group and region,
    the search page and the "Add yourself" form.

    With ``agenda``, each person's page also gets the proposals they wrote and endorse, and
    the groups they belong to (core team or members). With ``where_to_help``
    (``joinedup.match.where_to_help``: person id → the best open needs they could help with,
    and how many in all), each person's page gets ``could_help``, those needs with this
    person's scores and reasons ("Where you could help"), and ``could_help_total``; so a
    change to one of those needs changes the page's context, and a change to another does
    not. The first page of each skill and region lists the open ``needs``
    (``joinedup.match.board.open_needs``) for it beside the people.
    Raises ProblemsFound (JU300) if two pages would be written to the same file.
    """
    taxonomy = directory.taxonomy
    everyone = directory.sorted_volunteers()
    planned: list[PlannedPage] = []
    planned += paginate("people/", "people.html", everyone, per_page, title="People")
    belongs: dict[str, list] = {}  # person -> the groups whose core team or members name them
    for group in sorted(agenda.groups.values(), key=lambda g: (g.name.casefold(), g.slug)) if agenda else ():
        for person in group.people:
            belongs.setdefault(person, []).append(group)
    for volunteer in everyone:
        context: dict[str, Any] = {"person": volunteer}
        if agenda is not None:
            context["written"] = agenda.ordered(agenda.written.get(volunteer.id, ()))
            context["endorsed"] = agenda.ordered(agenda.endorsed.get(volunteer.id, ()))
            context["groups"] = belongs.get(volunteer.id, [])
        if where_to_help is not None:
            theirs = where_to_help.get(volunteer.id)
            context["could_help"] = theirs.needs if theirs else ()
            context["could_help_total"] = theirs.total if theirs else 0
        planned.append(PlannedPage(f"people/{volunteer.id}/", "person.html", context))

    skill_counts = {skill: len(directory.by_skill.get(skill, ())) for skill in taxonomy.skills}
    planned.append(PlannedPage("skills/", "skills.html", {"skill_counts": skill_counts}))
    for_skill, for_region = needs_by_skill(needs), needs_by_region(needs)
    for skill in taxonomy.skills.values():
        people = directory.people(directory.by_skill.get(skill.id, ()))
        planned += _with_needs(paginate(f"skills/{skill.id}/", "skill.html", people, per_page, skill=skill),
                               for_skill.get(skill.id, ()))
    for group in taxonomy.skill_groups.values():
        skills = taxonomy.skills_in_group(group.id)
        # The group's skills and how many offer one, not the people again: each skill's own
        # listing has them (at 100,000 profiles the groups' listings were 142 MB of repeats).
        offering = len({v for s in skills for v in directory.by_skill.get(s.id, ())})
        planned.append(PlannedPage(f"skill-groups/{group.id}/", "skill_group.html",
                                   {"group": group, "skills": skills, "skill_counts": skill_counts,
                                    "offering": offering}))

    region_counts = {region: len(directory.by_region.get(region, ())) for region in taxonomy.regions}
    planned.append(PlannedPage("regions/", "regions.html", {"region_counts": region_counts}))
    for region in taxonomy.regions.values():
        people = directory.people(directory.by_region.get(region.id, ()))
        planned += _with_needs(paginate(f"regions/{region.id}/", "region.html", people, per_page, region=region),
                               for_region.get(region.id, ()))

    planned.append(PlannedPage("search/", "search.html", {"title": "Search"}))
    languages = FORM_LANGUAGES.get(active_language(), FORM_LANGUAGES["en"])
    planned.append(PlannedPage("join/", "join.html", {"languages": languages, "id_pattern": ID_PATTERN.pattern,
                                                      "reserved_ids": sorted(RESERVED_IDS)}))

    check_collisions(planned)
    return planned


def plan_insights(insights) -> list[PlannedPage]:
    """The organisers' page, ``insights/``: the figures of ``joinedup.match.insights`` and their
    charts; and beside it how breadth of support is counted (``BREADTH_HELP``), with a worked example.

    Its context holds figures and no person: the fields a quick rebuild (joinedup.builder.quick)
    may change are on no chart, so it never has to render this page again."""
    from joinedup.render.charts import insights_charts

    return [PlannedPage("insights/", "insights.html", {"insights": insights, "charts": insights_charts(insights)}),
            PlannedPage(BREADTH_HELP, "breadth.html", {"examples": WORKED_EXAMPLE})]


def _with_needs(pages: list[PlannedPage], needs: tuple[OpenNeed, ...]) -> list[PlannedPage]:
    """The listing's pages, the first with ``needs`` (the others with none: listed once)."""
    return [PlannedPage(page.url, page.template, {**page.context, "needs": needs if number == 0 else ()})
            for number, page in enumerate(pages)]


def plan_needs(needs: Sequence[OpenNeed]) -> list[PlannedPage]:
    """The needs board, ``needs/``: every open need in board order (joinedup.match.board).

    Its context holds each need's count of people who could fill it, and no person: a quick
    rebuild (joinedup.builder.quick) changes no count, so it never has to render it again."""
    return [PlannedPage("needs/", "needs.html", {"needs": tuple(needs)})]


def plan_agenda(agenda: Agenda, taxonomy: Taxonomy, per_page: int = 30, *,
                directory: Directory, support: Mapping[str, Support] | None = None) -> list[PlannedPage]:
    """The browse pages of proposals and groups: by theme, by status, and the groups index.

    Proposal and group pages themselves are planned by :func:`plan_content`; these listings
    come from the model, like the directory's. Each proposal listing comes in two orders, most
    recently changed first at its own address and broadest support first under
    ``by-breadth/`` (joinedup.match.breadth), each paginated. Each page's context holds
    everything it shows about its proposals (endorsement counts, last change, breadth), so a
    page whose context is unchanged is unchanged.

    ``support`` is :func:`joinedup.match.breadth.supports` of the agenda, when the caller has it.
    """
    support = supports(agenda, directory) if support is None else support
    planned: list[PlannedPage] = []
    status_counts = {status: len(agenda.by_status.get(status, ())) for status in STATUSES}
    planned += _both_orders("proposals/", "proposals.html", agenda.ordered(), support, per_page,
                            status_counts=status_counts)
    theme_counts = {theme: len(agenda.by_theme.get(theme, ())) for theme in taxonomy.themes}
    planned.append(PlannedPage("themes/", "themes.html", {"theme_counts": theme_counts}))
    for theme in taxonomy.themes.values():
        proposals = agenda.ordered(agenda.by_theme.get(theme.id, ()))
        planned += _both_orders(f"themes/{theme.id}/", "theme.html", proposals, support, per_page, theme=theme)
    planned.append(PlannedPage("status/", "statuses.html", {"status_counts": status_counts}))
    for status in STATUSES:
        proposals = agenda.ordered(agenda.by_status.get(status, ()))
        planned += _both_orders(f"status/{status}/", "status.html", proposals, support, per_page, status=status)
    proposal_counts = {slug: len(agenda.by_group.get(slug, ())) for slug in agenda.groups}
    planned.append(PlannedPage("groups/", "groups.html", {"groups": list(agenda.groups.values()),
                                                           "proposal_counts": proposal_counts}))
    return [_with_proposal_facts(page, agenda, support) for page in planned]


# The listing of proposals broadest support first, under the listing's own address.
BY_BREADTH = "by-breadth/"
# The page saying how breadth of support is counted: each proposal's page and the listings
# sorted by breadth link to it ("How is this counted?").
BREADTH_HELP = "insights/breadth/"


def _both_orders(url: str, template: str, proposals: list, support: Mapping[str, Support], per_page: int,
                 **context) -> list[PlannedPage]:
    """The pages of a proposal listing in its two orders: ``url`` (most recently changed first,
    as ``proposals`` come) and ``url/by-breadth/``, each with ``sorting``: the address of each
    order and which one the page shows."""
    recent = {"recent": url, "breadth": url + BY_BREADTH}
    return (paginate(url, template, proposals, per_page, key="proposals", sorting={**recent, "active": "recent"},
                     **context)
            + paginate(url + BY_BREADTH, template, by_breadth(proposals, support), per_page, key="proposals",
                       sorting={**recent, "active": "breadth"}, **context))


def plan_content(agenda: Agenda, directory: Directory, body: Callable[[str], str],
                 helping: Callable[[Any], list], support: Mapping[str, Support] | None = None) -> list[PlannedPage]:
    """One page per proposal and per group, whose context holds everything the page shows
    about other things (authors, endorsers, revisions, members, people who could help), so a
    page whose context is unchanged is unchanged and is not rendered again.

    ``body`` turns a Markdown body into HTML; ``helping(item)`` gives the matches of an item's
    needs ("People who could help"); ``support``, as for :func:`plan_agenda`.
    """
    people = directory.people
    known = directory.volunteers
    support = supports(agenda, directory) if support is None else support
    planned: list[PlannedPage] = []
    for proposal in agenda.proposals.values():
        planned.append(PlannedPage(f"proposals/{proposal.slug}/", "proposal.html", {
            "proposal": proposal,
            "body": body(proposal.body),
            "authors": people([a for a in proposal.authors if a in known]),
            "endorsers": people(agenda.endorsers.get(proposal.slug, ())),
            "merged_into": agenda.ordered(agenda.merged_into.get(proposal.slug, ())),
            "synthesised": agenda.ordered(proposal.synthesises),
            "group": agenda.groups.get(proposal.group) if proposal.group else None,
            "revisions": agenda.history.of(proposal.path),
            "last_changed": agenda.last_changed(proposal),
            "history_state": agenda.history.state,
            "history_note": agenda.history.note,
            "helping": helping(proposal),
            "support": support[proposal.slug],
        }))
    for group in agenda.groups.values():
        proposals = agenda.ordered(agenda.by_group.get(group.slug, ()))
        planned.append(PlannedPage(f"groups/{group.slug}/", "group.html", {
            "group": group,
            "body": body(group.body) if group.body.strip() else "",
            "core_team": people([p for p in group.core_team if p in known]),
            "other_members": people([p for p in group.members if p not in group.core_team and p in known]),
            "proposals": proposals,
            "helping": helping(group),
        }))
    return [_with_proposal_facts(page, agenda, support) for page in planned]


# Context keys holding lists of proposals, each shown as a card with its endorsement count
# and last change (partials/proposal_card.html).
_PROPOSAL_LISTS = ("proposals", "merged_into", "synthesised")


def _with_proposal_facts(page: PlannedPage, agenda: Agenda, support: Mapping[str, Support]) -> PlannedPage:
    """The page with the endorsement counts and last changes of the proposals it lists (and
    their breadth, on a listing broadest first), so that its context (and fingerprint) holds
    what its cards show."""
    proposals = [p for key in _PROPOSAL_LISTS for p in page.context.get(key) or ()]
    if not proposals:
        return page
    facts = {
        "endorsements": {p.slug: len(agenda.endorsers.get(p.slug, ())) for p in proposals},
        "changed": {p.slug: agenda.last_changed(p) for p in proposals},
    }
    if page.context.get("sorting", {}).get("active") == "breadth":
        facts["breadth"] = {p.slug: support[p.slug] for p in proposals}
    return PlannedPage(page.url, page.template, {**page.context, **facts})


def check_collisions(planned: Sequence[PlannedPage], taken: dict[str, str] | None = None) -> None:
    """Raise ProblemsFound if two planned pages (or a page and ``taken``) share an output file."""
    seen: dict[str, str] = dict(taken or {})
    found: list[Problem] = []
    for page in planned:
        what = _describe(page)
        if page.save_as in seen:
            found.append(
                problem(
                    P.URL_COLLISION,
                    page.save_as, 0, 0,
                    _("%(first)s and %(second)s would both be written to '%(path)s'.")
                    % {"first": what[:1].upper() + what[1:], "second": seen[page.save_as], "path": page.save_as},
                    _("Rename one of the two files so their ids differ."),
                )
            )
        else:
            seen[page.save_as] = what
    if found:
        raise ProblemsFound(found)


def _describe(page: PlannedPage) -> str:
    if page.template in ("proposal.html", "group.html"):
        item = page.context[page.template.partition(".")[0]]
        return _("the page of '%(path)s'") % {"path": item.path}
    for key, words in _PAGE_OF.items():
        if key in page.context:
            return _(words) % {"id": page.context[key].id}
    return _("the page '%(url)s'") % {"url": page.url}


_PAGE_OF = {"person": N_("the page of person '%(id)s'"), "skill": N_("the page of skill '%(id)s'"),
            "region": N_("the page of region '%(id)s'"), "group": N_("the page of group '%(id)s'")}
