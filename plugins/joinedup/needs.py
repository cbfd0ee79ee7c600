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
pages do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import matching
from .files import read_text
from .freshness import last_commit_dates
from .i18n import format_day
from .i18n import gettext as _
from .matching import Candidate, Match, Need
from .model import Group, Proposal, Taxonomy
from .taxonomy import suggest
from .yamlsource import load_yaml

KINDS = (("group", "content/groups"), ("proposal", "content/proposals"))


class NeedsError(Exception):
    """A slug that names nothing, or content whose needs cannot be used: the message says which."""


@dataclass(frozen=True)
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
    """The query string of the site's /search/ page pre-filtered for ``need``."""
    from urllib.parse import urlencode

    pairs = [("skill", skill) for skill in need.skills]
    if need.remote:
        pairs.append(("remote", "yes"))
    elif need.region:
        pairs.append(("region", need.region))
    return urlencode(pairs)


def needs_from_front_matter(raw, taxonomy: Taxonomy, where: str) -> list[Need]:
    """``needs`` of a front matter as Need objects; raises NeedsError naming the bad entry."""
    if not isinstance(raw, list) or not raw:
        raise NeedsError(_("%(file)s has no needs listed; add a 'needs:' list to its front matter.") % {"file": where})
    loose_skills = [item for item in raw if isinstance(item, str)]
    needs = [_need(item, taxonomy, where, index) for index, item in enumerate(raw) if not isinstance(item, str)]
    if loose_skills:
        needs.insert(0, Need(tuple(_skill(word, taxonomy, where) for word in loose_skills)))
    return needs


def _need(item, taxonomy: Taxonomy, where: str, index: int) -> Need:
    if not isinstance(item, dict):
        raise NeedsError(_("%(file)s: need %(number)d is neither a skill id nor a mapping.")
                         % {"file": where, "number": index + 1})
    words = item.get("skills", item.get("skill", []))
    words = [words] if isinstance(words, str) else words
    if not isinstance(words, list) or not words:
        raise NeedsError(_("%(file)s: need %(number)d names no skill; add 'skill: <id>'.")
                         % {"file": where, "number": index + 1})
    region = item.get("region")
    if region is not None and region not in taxonomy.regions:
        raise NeedsError(_("%(file)s: need %(number)d has unknown region '%(region)s'.")
                         % {"file": where, "number": index + 1, "region": region} + suggest(region, taxonomy.regions))
    hours = item.get("hours_per_week", item.get("hours", 0)) or 0
    if not isinstance(hours, int) or isinstance(hours, bool) or hours < 0:
        raise NeedsError(_("%(file)s: need %(number)d has hours_per_week %(hours)r; write a whole number.")
                         % {"file": where, "number": index + 1, "hours": hours})
    return Need(
        skills=tuple(_skill(word, taxonomy, where) for word in words),
        region=region,
        remote=bool(item.get("remote", False)),
        hours=hours,
        start=_day(item.get("from"), where, index),
        until=_day(item.get("until"), where, index),
    )


def _skill(word, taxonomy: Taxonomy, where: str) -> str:
    skill = taxonomy.canonical_skill(str(word))
    if skill is None:
        raise NeedsError(_("%(file)s: unknown skill '%(word)s'.") % {"file": where, "word": word}
                         + suggest(str(word), taxonomy.skills))
    return skill


def _day(value, where: str, index: int) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise NeedsError(_("%(file)s: need %(number)d has the date %(date)r; write YYYY-MM-DD.")
                         % {"file": where, "number": index + 1, "date": value}) from None


def needs_of(item: Group | Proposal, today: dt.date) -> list[Need]:
    """The needs a group's or proposal's page shows, as matching Needs.

    A group's open needs (not ended before ``today``) are one Need each; a proposal's
    ``needs`` (skill ids) together make one.
    """
    if isinstance(item, Group):
        return [
            Need(skills=(need.skill,), region=need.region or None, remote=need.remote,
                 hours=need.hours_per_week, until=need.until)
            for need in item.open_needs(today)
        ]
    return [Need(tuple(item.needs))] if item.needs else []


def read_needs(root: Path, slug: str, taxonomy: Taxonomy, today: dt.date | None = None) -> tuple[str, list[Need]]:
    """The kind ('group' or 'proposal') and needs of the content called ``slug``.

    With ``today``, needs that ended before it are left out. Raises NeedsError when there is
    no such group or proposal, or it lists no open needs.
    """
    for kind, folder in KINDS:
        relative = f"{folder}/{slug}.md"
        if "/" in slug or not (Path(root) / relative).is_file():
            continue
        text, problems = read_text(Path(root), relative)
        if text is None:
            raise NeedsError(_("%(file)s cannot be read: %(problem)s") % {"file": relative, "problem": problems[0].message})
        front = _front_matter(text)
        if front is None:
            raise NeedsError(_("%(file)s has no YAML front matter between '---' lines, so no needs.") % {"file": relative})
        document, problems = load_yaml(front, relative, line_offset=1)
        if document is None:
            raise NeedsError(relative + ": " + (problems[0].message if problems else _("unreadable front matter")))
        needs = needs_from_front_matter(document.data.get("needs"), taxonomy, relative)
        if today is not None:
            needs = [need for need in needs if need.until is None or need.until >= today]
            if not needs:
                raise NeedsError(_("%(file)s has no open needs: every need ended before %(date)s.")
                                 % {"file": relative, "date": today.isoformat()})
        return kind, needs
    raise NeedsError(_("There is no proposal or group called '%(slug)s' (looked in content/groups and "
                       "content/proposals).") % {"slug": slug})


def _front_matter(text: str) -> str | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:number]) + "\n"
    return None


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
        pool = matching.CandidatePool(candidates_of(repository), matching.group_of(repository.taxonomy))
    return [NeedMatches(need, tuple(pool.rank(need, repository.build_date, limit=limit))) for need in needs]
