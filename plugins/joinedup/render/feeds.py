"""Atom feeds (RFC 4287) of proposals (all proposals, one per theme, status changes, and all
proposals broadest support first: joinedup.match.breadth) and of open needs (all needs, one per
skill and one per region).

Written with ElementTree, so every text is escaped by the XML writer; the characters XML
1.0 cannot hold even escaped (form feed and the other C0 controls, which ``check`` refuses
in files anyway) are dropped from the document. Entry ids are
``urn:uuid`` names derived from the forge address and the file, so they stay the same when
the site moves to another domain. Dates come from git history (or the proposal's ``date``
without it), never from the clock, so two builds of the same commit give the same feeds.
Titles and summaries are in the site's language, dates written as its pages write them.

A need's entry id is derived the same way from its key (``joinedup.match.board``: the file
that declares it and what it asks), so a reader does not show an old need again when the
build date, its hours or another file change. Its ``updated`` is the day its file last
changed in git (without history, a proposal's ``date``, or for a group the build date).
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Mapping

from joinedup.core.controls import xml_safe
from joinedup.core.i18n import format_day
from joinedup.core.i18n import gettext as _
from joinedup.core.markup import render_body
from joinedup.core.model import STATUS_LABELS, Agenda, Directory, Proposal
from joinedup.match.breadth import Support, by_breadth, supports
from joinedup.render.labels import need_label

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
ALL_PROPOSALS = "feeds/proposals.atom.xml"
STATUS_CHANGES = "feeds/status-changes.atom.xml"
BY_BREADTH = "feeds/proposals-by-breadth.atom.xml"
ALL_NEEDS = "feeds/needs.atom.xml"


def theme_feed(theme: str) -> str:
    return f"feeds/themes/{theme}.atom.xml"


def skill_needs_feed(skill: str) -> str:
    return f"feeds/needs/skills/{skill}.atom.xml"


def region_needs_feed(region: str) -> str:
    return f"feeds/needs/regions/{region}.atom.xml"


@dataclass(frozen=True, slots=True)
class FeedSite:
    """What every feed says about the site: its name, public address and forge."""

    name: str
    url: str  # SITEURL: absolute when published, '' for a local build (links are then root-relative)
    forge_url: str

    def link(self, path: str) -> str:
        return f"{self.url.rstrip('/')}/{path}"

    def id(self, name: str) -> str:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.forge_url.rstrip('/')}/{name}").urn


def proposal_feeds(agenda: Agenda, directory: Directory, site: FeedSite, build_date: dt.date,
                   support: Mapping[str, Support] | None = None) -> dict[str, str]:
    """Every feed, as ``{output path: Atom XML}``; ``support`` is :func:`supports` of the
    agenda, when the caller has it."""
    feeds = {ALL_PROPOSALS: _proposals_feed(
        agenda, directory, site, agenda.ordered(), _("%(site)s: proposals") % {"site": site.name}, ALL_PROPOSALS, "proposals/", build_date,
    )}
    for theme in directory.taxonomy.themes.values():
        proposals = agenda.ordered(agenda.by_theme.get(theme.id, ()))
        feeds[theme_feed(theme.id)] = _proposals_feed(
            agenda, directory, site, proposals, _("%(site)s: %(theme)s proposals") % {"site": site.name, "theme": theme.label},
            theme_feed(theme.id), f"themes/{theme.id}/", build_date,
        )
    feeds[STATUS_CHANGES] = _status_feed(agenda, directory, site, build_date)
    feeds[BY_BREADTH] = _proposals_feed(
        agenda, directory, site, by_breadth(agenda.ordered(), supports(agenda, directory) if support is None else support),
        _("%(site)s: proposals, broadest support first") % {"site": site.name}, BY_BREADTH, "proposals/by-breadth/",
        build_date,
    )
    return feeds


def needs_feeds(needs, taxonomy, site: FeedSite, build_date: dt.date) -> dict[str, str]:
    """The feeds of open needs (``joinedup.match.board.open_needs``), as ``{output path: Atom
    XML}``: all of them, and one for every skill and every region of the taxonomy (empty ones
    too, so a subscription made today keeps working)."""
    feeds = {ALL_NEEDS: _needs_feed(site, needs, taxonomy, _("%(site)s: needs") % {"site": site.name},
                                    ALL_NEEDS, "needs/", build_date)}
    for skill in taxonomy.skills.values():
        chosen = [need for need in needs if skill.id in need.skills]
        feeds[skill_needs_feed(skill.id)] = _needs_feed(
            site, chosen, taxonomy, _("%(site)s: needs for %(skill)s") % {"site": site.name, "skill": skill.label},
            skill_needs_feed(skill.id), f"skills/{skill.id}/", build_date)
    for region in taxonomy.regions.values():
        chosen = [need for need in needs if need.region == region.id]
        feeds[region_needs_feed(region.id)] = _needs_feed(
            site, chosen, taxonomy, _("%(site)s: needs in %(region)s") % {"site": site.name, "region": region.label},
            region_needs_feed(region.id), f"regions/{region.id}/", build_date)
    return feeds


def _needs_feed(site: FeedSite, needs, taxonomy, title: str, path: str, page: str, build_date: dt.date) -> str:
    feed = _feed(site, title, path, page)
    entries = []
    # Newest first, so that a long list keeps the needs a reader has not seen yet.
    newest = sorted(needs, key=lambda need: (-(need.declared or build_date).toordinal(), need.key))
    for need in newest[:FEED_SIZE]:
        skills = ", ".join(taxonomy.skills[s].label if s in taxonomy.skills else s for s in need.skills)
        updated = _midnight(need.declared or build_date)
        entry = ET.Element(f"{{{ATOM}}}entry")
        title = _("%(skills)s for %(asker)s") % {"skills": skills, "asker": need.asker}
        if need.pool:
            title += " (" + _("from %(pool)s") % {"pool": need.pool} + ")"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = site.id(need.key)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=need.home or site.link(need.url))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(updated)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = need.asker
        ET.SubElement(author, f"{{{ATOM}}}uri").text = need.home or site.link(need.url)
        for skill in need.skills:
            label = taxonomy.skills[skill].label if skill in taxonomy.skills else skill
            ET.SubElement(entry, f"{{{ATOM}}}category", term=f"skill:{skill}", label=label)
        if need.region:
            label = taxonomy.regions[need.region].label if need.region in taxonomy.regions else need.region
            ET.SubElement(entry, f"{{{ATOM}}}category", term=f"region:{need.region}", label=label)
        if need.remote:
            ET.SubElement(entry, f"{{{ATOM}}}category", term="remote", label=_("remote"))
        words = need_label(need, taxonomy)
        summary = " · ".join(filter(None, (skills, words)))
        if need.note:
            summary += f". {need.note}"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
        entries.append((updated, entry))
    return _finish(feed, entries, build_date)


def _proposals_feed(agenda, directory, site, proposals, title, path, page, build_date) -> str:
    feed = _feed(site, title, path, page)
    entries = []
    for proposal in proposals[:FEED_SIZE]:
        updated = _changed(agenda, proposal)
        entry = _entry(site, proposal, site.id(proposal.path), proposal.title, updated, directory)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(_midnight(proposal.date))
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = proposal.summary
        content = ET.SubElement(entry, f"{{{ATOM}}}content", type="html")
        content.text = str(render_body(proposal.body))
        entries.append((updated, entry))
    return _finish(feed, entries, build_date)


def _status_feed(agenda: Agenda, directory, site: FeedSite, build_date) -> str:
    feed = _feed(site, _("%(site)s: status changes") % {"site": site.name}, STATUS_CHANGES, "status/")
    if agenda.history.note:
        ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = agenda.history.note
    changes = []
    for proposal in agenda.proposals.values():
        revisions = [r for r in agenda.history.of(proposal.path) if r.status]
        if not revisions and agenda.history.state != "complete":
            changes.append((_midnight(proposal.date), proposal, proposal.status, None))
        for revision in revisions:
            changes.append((revision.date, proposal, revision.status, revision))
    changes.sort(key=lambda change: (-change[0].timestamp(), change[1].slug))
    entries = []
    for when, proposal, status, revision in changes[: FEED_SIZE * 2]:
        label = STATUS_LABELS[status]
        name = f"{proposal.path}@{revision.commit}" if revision else f"{proposal.path}#{status}"
        title = _("%(title)s: %(status)s") % {"title": proposal.title, "status": label}
        entry = _entry(site, proposal, site.id(name), title, when, directory)
        since = {"status": label, "date": format_day(when.date())}
        if revision and revision.withheld:
            text = _("%(status)s since %(date)s, in a change by a contributor.") % since
        elif revision:
            text = _("%(status)s since %(date)s, in a change by %(author)s: %(message)s") % {
                **since, "author": revision.author, "message": revision.message}
        else:
            text = f"{label}. {proposal.summary}"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = text
        entries.append((when, entry))
    return _finish(feed, entries, build_date)


def _feed(site: FeedSite, title: str, path: str, page: str) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = site.id(path)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=site.link(path))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=site.link(page))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = site.name
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "Joined Up"
    return feed


def _entry(site, proposal: Proposal, entry_id: str, title: str, updated: dt.datetime, directory) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}id").text = entry_id
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=site.link(f"proposals/{proposal.slug}/"))
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(updated)
    for author_id in proposal.authors:
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        volunteer = directory.volunteers.get(author_id)
        ET.SubElement(author, f"{{{ATOM}}}name").text = volunteer.name if volunteer else author_id
        if volunteer:
            ET.SubElement(author, f"{{{ATOM}}}uri").text = site.link(f"people/{volunteer.id}/")
    for theme in proposal.themes:
        label = directory.taxonomy.themes[theme].label if theme in directory.taxonomy.themes else theme
        ET.SubElement(entry, f"{{{ATOM}}}category", term=theme, label=label)
    ET.SubElement(entry, f"{{{ATOM}}}category", term=f"status:{proposal.status}", label=proposal.status_label)
    return entry


def _finish(feed: ET.Element, entries, build_date: dt.date) -> str:
    updated = max((when for when, _ in entries), default=_midnight(build_date))
    # <updated> must come before the entries; insert it after <id>.
    stamp = ET.Element(f"{{{ATOM}}}updated")
    stamp.text = _stamp(updated)
    feed.insert(2, stamp)
    for _when, entry in entries:
        feed.append(entry)
    ET.register_namespace("", ATOM)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + xml_safe(ET.tostring(feed, encoding="unicode")) + "\n"


def _changed(agenda: Agenda, proposal: Proposal) -> dt.datetime:
    return agenda.history.last_changed(proposal.path) or _midnight(proposal.date)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)


def _stamp(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.isoformat(timespec="seconds")
