"""The needs of groups and proposals, and the people who could help with them.

A group (``content/groups/<slug>.md``) lists needs in its YAML front matter, each a mapping::

    needs:
      - skill: video-editing        # or skills: [video-editing, motion-graphics]
        hours_per_week: 4
        remote: true                # or region: wales (or both)
        until: 2027-03-01           # optional; from: is optional too

A proposal's ``needs`` may also be plain skill ids (``needs: [policy-research, copywriting]``),
which together make one need. :func:`needs_from_front_matter` turns either form into
``matching.Need`` objects; :func:`match_needs` ranks the directory for each.

The build takes needs from the validated Proposal and Group models (:func:`needs_of`);
``match`` reads just the one file it is asked about (:func:`read_needs`), so it answers in
a moment without validating the whole repository, and drops needs that have ended, as the
pages do. What it cannot use reaches the user as Problems at the need's line, as ``check``
reports them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from joinedup.core import problems as P
from joinedup.core.freshness import last_commit_dates
from joinedup.core.i18n import format_day
from joinedup.core.i18n import gettext as _
from joinedup.core.model import Group, Proposal, Taxonomy, askers
from joinedup.core.problems import Problem, ProblemsFound, problem
from joinedup.load.files import read_text
from joinedup.load.frontmatter import split
from joinedup.load.profiles import ID_PATTERN
from joinedup.load.taxonomy import suggest, unknown_entry
from joinedup.load.yamlsource import YamlDocument
from joinedup.match import matching
from joinedup.match.matching import Candidate, Match, Need

KINDS = (("group", "content/groups"), ("proposal", "content/proposals"))


@dataclass(frozen=True, slots=True)
class NeedMatches:
    """The best helpers for one need, best first."""

    need: Need
    matches: tuple[Match, ...]


def describe(need: Need, taxonomy: Taxonomy | None = None) -> str:
    """``video-editing · remote · 4 h/week · until 2027-03-01``: a need in one line.

    With ``taxonomy``, as pages show it: skills and regions are named by their labels
    (``Video editing``) and dates written out (``1 March 2027``).
    """
    def skill(word):
        return taxonomy.skills[word].label if taxonomy and word in taxonomy.skills else word

    def region(word):
        return taxonomy.regions[word].label if taxonomy and word in taxonomy.regions else word

    parts = [", ".join(skill(s) for s in need.skills) or _("any skill")]
    if need.remote:
        parts.append(_("remote or in %(region)s") % {"region": region(need.region)} if need.region else _("remote"))
    elif need.region:
        parts.append(_("in %(region)s") % {"region": region(need.region)})
    if need.hours:
        parts.append(_("%(hours)s h/week") % {"hours": need.hours})
    def day(date):
        return format_day(date) if taxonomy else date.isoformat()

    if need.start:
        parts.append(_("from %(date)s") % {"date": day(need.start)})
    if need.until:
        parts.append(_("until %(date)s") % {"date": day(need.until)})
    return " · ".join(parts)


def search_query(need: Need) -> str:
    """The query string of the site's /search/ page asking for ``need``: its skills, remote or
    region, hours (at least) and window (``from``, ``until``), ranked as ``match`` ranks."""
    from urllib.parse import urlencode

    pairs = [("skill", skill) for skill in need.skills]
    if need.remote:
        pairs.append(("remote", "yes"))
    elif need.region:
        pairs.append(("region", need.region))
    if need.hours:
        pairs.append(("hours", str(need.hours)))
    if need.start:
        pairs.append(("from", need.start.isoformat()))
    if need.until:
        pairs.append(("until", need.until.isoformat()))
    return urlencode(pairs)


def needs_from_front_matter(document: YamlDocument, taxonomy: Taxonomy, path: str) -> list[Need]:
    """The ``needs`` of a parsed front matter as Need objects.

    Raises ProblemsFound with a Problem for every entry that cannot be used, at its line in
    ``path``; nothing is matched against a need that was misread.
    """
    raw = document.data.get("needs")
    if not isinstance(raw, list) or not raw:
        line, col = document.positions.get(("needs",), (0, 0))
        raise ProblemsFound([problem(P.MISSING_FIELD, path, line, col,
                                     _("No needs listed, so nobody can be matched."),
                                     _("Add a 'needs:' list to the front matter."))])
    found: list[Problem] = []
    loose = [(("needs", index), word) for index, word in enumerate(raw) if isinstance(word, str)]
    # A need the group marked filled is nobody's to match.
    needs = [_need(document, item, taxonomy, path, index, found)
             for index, item in enumerate(raw)
             if not isinstance(item, str) and not (isinstance(item, dict) and item.get("status") == "filled")]
    if loose:
        needs.insert(0, Need(tuple(_skill(document, where, word, taxonomy, path, found) for where, word in loose)))
    if found:
        raise ProblemsFound(found)
    return needs


def _need(document: YamlDocument, item, taxonomy: Taxonomy, path: str, index: int, found: list[Problem]) -> Need | None:
    where = ("needs", index)
    line, col = document.position(where)
    number = {"number": index + 1}
    if not isinstance(item, dict):
        found.append(problem(P.WRONG_TYPE, path, line, col,
                             _("Need %(number)d is neither a skill id nor a mapping.") % number,
                             _("Write a skill id, or 'skill: <id>' with the need's other keys under it.")))
        return None
    key = "skills" if "skills" in item else "skill"
    words = item.get(key, [])
    words = [words] if isinstance(words, str) else words
    if not isinstance(words, list) or not words:
        found.append(problem(P.MISSING_FIELD, path, line, col, _("Need %(number)d names no skill.") % number,
                             _("Add 'skill: <id>' with a skill id from data/skills.yaml.")))
        words = []
    skills = tuple(_skill(document, where + ((key,) if isinstance(item.get(key), str) else (key, n)), word,
                          taxonomy, path, found) for n, word in enumerate(words))
    region = item.get("region")
    if region is not None and region not in taxonomy.regions:
        at_line, at_col = document.position(where + ("region",))
        found.append(unknown_entry(P.UNKNOWN_REGION, path, at_line, at_col, str(region), taxonomy.regions))
    hours_key = "hours_per_week" if "hours_per_week" in item else "hours"
    hours = item.get(hours_key, 0) or 0
    if not isinstance(hours, int) or isinstance(hours, bool) or hours < 0:
        at_line, at_col = document.position(where + (hours_key,))
        found.append(problem(P.INVALID_VALUE, path, at_line, at_col,
                             _("Need %(number)d has hours_per_week %(hours)r.") % {**number, "hours": hours},
                             _("Write a whole number of hours a week, such as 4.")))
        hours = 0
    return Need(
        skills=skills,
        region=region,
        remote=bool(item.get("remote", False)),
        hours=hours,
        start=_day(document, where + ("from",), item.get("from"), path, index, found),
        until=_day(document, where + ("until",), item.get("until"), path, index, found),
    )


def _skill(document: YamlDocument, where: tuple, word, taxonomy: Taxonomy, path: str, found: list[Problem]) -> str:
    skill = taxonomy.canonical_skill(str(word))
    if skill is None:
        line, col = document.position(where)
        found.append(unknown_entry(P.UNKNOWN_SKILL, path, line, col, str(word), taxonomy.skills, taxonomy.aliases))
        return str(word)
    return skill


def _day(document: YamlDocument, where: tuple, value, path: str, index: int, found: list[Problem]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        line, col = document.position(where)
        found.append(problem(P.BAD_DATE, path, line, col,
                             _("Need %(number)d has the date %(date)r.") % {"number": index + 1, "date": value},
                             _("Write the date as YYYY-MM-DD.")))
        return None


def needs_of(item: Group | Proposal, today: dt.date, groups: Mapping[str, Group]) -> list[Need]:
    """The needs a group's or proposal's page shows, as matching Needs, never offered to
    those asking (:func:`joinedup.core.model.askers`; ``groups``: the agenda's).

    A group's open needs (not ended before ``today``) are one Need each; a proposal's
    ``needs`` (skill ids) together make one.
    """
    exclude = askers(item, groups)
    if isinstance(item, Group):
        return [
            Need(skills=(need.skill,), region=need.region or None, remote=need.remote,
                 hours=need.hours_per_week, until=need.until, exclude=exclude)
            for need in item.open_needs(today)
        ]
    return [Need(tuple(item.needs), exclude=exclude)] if item.needs else []


def read_needs(root: Path, slug: str, taxonomy: Taxonomy, today: dt.date | None = None) -> tuple[str, list[Need]]:
    """The kind ('group' or 'proposal') and needs of the content called ``slug``.

    With ``today``, needs that ended before it are left out. Raises ProblemsFound when there
    is no such group or proposal (JU404, at ``slug`` itself, line 0), when its front matter
    cannot be read, or when it lists no need that can be used now.
    """
    for kind, folder in KINDS:
        relative = f"{folder}/{slug}.md"
        if "/" in slug or not (Path(root) / relative).is_file():
            continue
        text, problems = read_text(Path(root), relative)
        if text is None:
            raise ProblemsFound(problems)
        markdown, problems = split(text, relative, what=kind)
        if markdown is None:
            raise ProblemsFound(problems)
        needs = needs_from_front_matter(markdown.front_matter, taxonomy, relative)
        # Those asking are not offered their own needs (joinedup.core.model.askers): a group's
        # core team and members; a proposal's authors and the people of the group carrying it.
        data = markdown.front_matter.data
        people = _named(data, ("core_team", "members")) if kind == "group" else _named(data, ("authors",))
        carrying = data.get("group") if kind == "proposal" else None
        if isinstance(carrying, str) and ID_PATTERN.fullmatch(carrying):  # a file name, never a path
            group_text, _problems = read_text(Path(root), f"content/groups/{carrying}.md")
            group = split(group_text, f"content/groups/{carrying}.md", what="group")[0] if group_text else None
            if group is not None and isinstance(group.front_matter.data, dict):
                people += _named(group.front_matter.data, ("core_team", "members"))
        needs = [dataclasses.replace(need, exclude=tuple(dict.fromkeys(people))) for need in needs]
        if today is not None:
            needs = [need for need in needs if need.until is None or need.until >= today]
            if not needs:
                line, col = markdown.front_matter.position(("needs",))
                raise ProblemsFound([problem(
                    P.NEED_EXPIRED, relative, line, col,
                    _("No open needs: every need ended before %(date)s.") % {"date": today.isoformat()},
                    _("Remove the needs that have ended, or give them a later 'until:' date."))])
        return kind, needs
    slugs = [path.stem for _kind, folder in KINDS for path in sorted((Path(root) / folder).glob("*.md"))]
    raise ProblemsFound([problem(
        P.UNKNOWN_PROPOSAL, slug, 0, 0,
        _("There is no proposal or group called '%(slug)s' (looked in content/groups and content/proposals).")
        % {"slug": slug} + suggest(slug, slugs),
        _("Give the file name of content/groups/SLUG.md or content/proposals/SLUG.md without .md."))])


def _named(data, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The profile ids listed under ``keys`` of a front matter (what is not text left out)."""
    return tuple(person for key in keys if isinstance(data.get(key), list) for person in data[key]
                 if isinstance(person, str))


def candidates_of(repository, dates: dict | None = None) -> list[Candidate]:
    """Every published volunteer as a matching candidate, with git's last-changed date.

    ``dates`` (path → date) saves the git pass when the caller has already read them.
    """
    if dates is None:
        dates = last_commit_dates(repository.root)
    return [Candidate.of(v, dates.get(v.path)) for v in repository.directory.volunteers.values()]


def match_needs(repository, needs: list[Need], limit: int = 5, *,
                pool: matching.CandidatePool | None = None) -> list[NeedMatches]:
    """The best ``limit`` helpers for each need, from the loaded model (build-time matching).

    Pass ``pool`` (a :class:`matching.CandidatePool` of :func:`candidates_of`) when matching
    many pages, so git is read and the candidates indexed once.
    """
    if pool is None:
        pool = matching.CandidatePool(candidates_of(repository))
    return [NeedMatches(need, tuple(pool.rank(need, repository.build_date, limit=limit))) for need in needs]
