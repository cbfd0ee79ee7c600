"""iCalendar files (RFC 5545) of the agenda's dates: when consultations close and when groups
review their cards, for the whole site and for each theme, for calendar apps to import or
subscribe to.

Written with the ``icalendar`` library, which folds lines and escapes text as the standard
asks. Every event is a whole day (``DTSTART;VALUE=DATE`` and the next day as ``DTEND``). A
UID is derived from the forge address, the file and the kind of date
(``…/content/proposals/free-buses.md#consultation-closes``), so it stays the same when the
date moves and a calendar app updates the event instead of adding a second one. DTSTAMP is
the build date, never the clock: two builds of the same commit on the same day give the same
files. Titles are in the site's language.
"""

from __future__ import annotations

import datetime as dt
import uuid

from joinedup.core.i18n import gettext as _
from joinedup.core.model import Agenda, Taxonomy

AGENDA_CALENDAR = "calendar/agenda.ics"
PRODID = "-//Joined Up//Agenda//EN"


def theme_calendar(theme: str) -> str:
    return f"calendar/themes/{theme}.ics"


def agenda_calendars(agenda: Agenda, taxonomy: Taxonomy, site_name: str, site_url: str, forge_url: str,
                     build_date: dt.date) -> dict[str, str]:
    """``{output path: iCalendar text}``: the whole site's calendar and one per theme (an empty
    one too, so a subscription made today keeps working)."""
    events = _events(agenda, site_url, forge_url)
    stamp = dt.datetime.combine(build_date, dt.time(), tzinfo=dt.timezone.utc)
    # Each event written once, for the site's calendar and each of its themes'.
    written = [_event(event, stamp) for event in events]
    files = {AGENDA_CALENDAR: _calendar(_("%(site)s: agenda") % {"site": site_name}, written)}
    for theme in taxonomy.themes.values():
        chosen = [text for event, text in zip(events, written) if theme.id in event.themes]
        files[theme_calendar(theme.id)] = _calendar(
            _("%(site)s: %(theme)s agenda") % {"site": site_name, "theme": theme.label}, chosen)
    return files


class _Event:
    __slots__ = ("uid", "day", "title", "description", "url", "themes")

    def __init__(self, uid: str, day: dt.date, title: str, description: str, url: str, themes: tuple[str, ...]):
        self.uid, self.day, self.title, self.description, self.url, self.themes = (
            uid, day, title, description, url, themes)


def _events(agenda: Agenda, site_url: str, forge_url: str) -> list[_Event]:
    base = site_url.rstrip("/")
    forge = forge_url.rstrip("/")

    def uid(path: str, what: str) -> str:
        return f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{forge}/{path}#{what}')}@joinedup"

    events = []
    for proposal in agenda.proposals.values():
        if proposal.consultation_closes:
            events.append(_Event(
                uid(proposal.path, "consultation-closes"), proposal.consultation_closes,
                _("Consultation closes: %(title)s") % {"title": proposal.title}, proposal.summary,
                f"{base}/proposals/{proposal.slug}/", proposal.themes))
    for group in agenda.groups.values():
        if group.review:
            events.append(_Event(
                uid(group.path, "review"), group.review, _("Review of %(group)s") % {"group": group.name},
                group.summary, f"{base}/groups/{group.slug}/", group.themes))
    events.sort(key=lambda event: (event.day, event.uid))
    return events


def _event(event: _Event, stamp: dt.datetime) -> str:
    """The VEVENT of ``event``, as a calendar holds it."""
    import icalendar  # here: a quick rebuild of a few pages writes no calendar (30 ms of imports)

    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.day)
    entry.add("dtend", event.day + dt.timedelta(days=1))
    entry.add("summary", event.title)
    entry.add("description", event.description)
    if event.url.startswith(("https://", "http://")):  # a local build's links are relative: no URI
        entry.add("url", event.url)
    entry.add("transp", "TRANSPARENT")
    return entry.to_ical().decode("utf-8")


def _calendar(name: str, events: list[str]) -> str:
    """A VCALENDAR named ``name`` holding ``events`` (each written by :func:`_event`)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    # to_ical() ends with the calendar's END line: the events go before it.
    end = "END:VCALENDAR\r\n"
    return calendar.to_ical().decode("utf-8").removesuffix(end) + "".join(events) + end
