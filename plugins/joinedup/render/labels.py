"""Words for the model on a page, in the site's language: dates, availability, time given,
consultations, reviews, needs, the search page's filters and what search.js says.

Each function returns plain text, which the template escapes, or, for :func:`timed` and
:func:`code_spans`, our own text escaped, with only the markup they add. Contributor Markdown is never handled here: that is ``joinedup.core.markup``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup, escape

from joinedup.core.i18n import N_, Labels, active_language, format_day, format_number, language_name, month_names, ngettext
from joinedup.core.i18n import gettext as _
from joinedup.core.i18n import LOCALES
from joinedup.core.model import WHEN_LABELS, Group, Need, Proposal, Taxonomy, Volunteer
from joinedup.match.matching import LEVEL_LABELS, REASON_MESSAGES


def human_date(day: dt.date | None) -> str:
    """``2027-03-01`` → ``1 March 2027`` (``1 mars 2027`` in French: see joinedup.core.i18n)."""
    return format_day(day)


@lru_cache(maxsize=4)
def _dates_in(language: str) -> tuple[dict[str, int], re.Pattern]:
    """The month names of ``language`` and a pattern for a date as human_date writes it there
    ("1 March 2027", "1er mars 2027"), or as the CLI's matching reasons do ("2027-03-01")."""
    months = {name: number for number, name in month_names().items()}
    names = "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True))
    return months, re.compile(rf"\b(?:(\d{{1,2}})(?:er)? ({names}) (\d{{4}})|(\d{{4}})-(\d\d)-(\d\d))\b")


def timed(text: str | dt.date | None) -> Markup:
    """Text for a page, escaped, with each date in it marked up as ``<time datetime="…">``.

    Takes a date too: ``timed(day)`` is ``<time datetime="2027-03-01">1 March 2027</time>``.
    """
    if isinstance(text, dt.date):
        return Markup(f'<time datetime="{text.isoformat()}">{escape(human_date(text))}</time>')
    if type(text) is str:  # the same few labels ("Available now") are on thousands of pages
        return _timed_text(text, active_language())
    return _timed(text)


@lru_cache(maxsize=4096)
def _timed_text(text: str, language: str) -> Markup:
    return _timed(text)


def _timed(text) -> Markup:
    def element(found: re.Match) -> str:
        day, month, year = found[1], found[2], found[3]
        try:
            day = dt.date(int(year), months[month], int(day)) if year else dt.date(*map(int, found.group(4, 5, 6)))
        except ValueError:
            return found[0]
        return f'<time datetime="{day.isoformat()}">{found[0]}</time>'

    months, pattern = _dates_in(active_language())
    return Markup(pattern.sub(element, str(escape(text or ""))))


def reasons_lister(taxonomy):
    """``reasons_list(reasons, label)`` for templates: the reasons of a match
    (:class:`joinedup.match.matching.Reason`) as a list named ``label`` for screen readers, each
    item classed met, unmet or plain information, in the site's words with its dates marked up
    (:func:`timed`); with ``inline``, as words in a line (a person's "Where you could help",
    where each need is one line). Each distinct reason is written once per build: the same few
    ("Video editing (expert) ✓", "remote ✓") are on thousands of pages."""
    written: dict = {}

    def reasons_list(reasons, label: str = "", inline: bool = False) -> Markup:
        items = []  # (class, words) of each reason
        for reason in reasons:
            found = written.get(reason)
            if found is None:
                kind = "met" if reason.met else "info" if reason.met is None else "unmet"
                found = written[reason] = (f"reason-{kind}", timed(reason.words(taxonomy)))
            items.append(found)
        if inline:
            return Markup(" · ".join(f'<span class="{kind}">{words}</span>' for kind, words in items))
        return Markup(f'<ul class="reasons" aria-label="{escape(label)}">\n'
                      + "".join(f'<li class="{kind}">{words}</li>' for kind, words in items) + "</ul>")

    return reasons_list


def code_spans(text: str) -> Markup:
    """``text`` escaped, each `backquoted` part as ``<code>``: the schema's descriptions mark
    the values to write that way (``true``, ``evenings``), as editors show them."""
    return Markup(re.sub(r"`([^`<>]+)`", r"<code>\1</code>", str(escape(text))))


def availability_label(volunteer: Volunteer, today: dt.date) -> dict[str, str]:
    """The availability marker: ``status`` ('now', 'later', 'ended') and the words to show."""
    window = volunteer.availability
    status = window.status(today)
    if status == "later":
        text = _("Available from %(date)s") % {"date": human_date(window.start)}
    elif status == "ended":
        text = _("Availability ended %(date)s") % {"date": human_date(window.until)}
    elif window.until:
        text = _("Available now, until %(date)s") % {"date": human_date(window.until)}
    else:
        text = _("Available now")
    return {"status": status, "text": text}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def confirmation_label(confirmed: dt.date | None, today: dt.date, months: int) -> dict[str, str]:
    """Whether a profile is stale: its file not committed for ``months`` months before ``today``.

    ``stale`` is 'yes' or ''; ``text`` says since when. Unknown (outside git) is not stale.
    """
    if confirmed is None or confirmed >= months_before(today, months):
        return {"stale": "", "text": ""}
    return {"stale": "yes", "text": _("Not confirmed since %(date)s") % {"date": human_date(confirmed)}}


def mastodon_link(handle: str) -> dict[str, str]:
    """``@ana@example.social`` → the profile URL and a label that is not an e-mail look-alike."""
    user, _at, host = handle.lstrip("@").partition("@")
    return {"url": f"https://{host}/@{quote(user)}", "label": _("@%(user)s on %(host)s") % {"user": user, "host": host}}


def time_label(window) -> str:
    """``4 hours a week, evenings and weekends · until 1 March 2027``, in the interface's language."""
    hours = ngettext("%(num)s hour a week", "%(num)s hours a week", window.hours_per_week) % {
        "num": format_number(window.hours_per_week)}
    when = [WHEN_LABELS[w] for w in window.when]
    if len(when) > 1:
        hours += ", " + _("%(some)s and %(last)s") % {"some": ", ".join(when[:-1]), "last": when[-1]}
    elif when:
        hours += ", " + when[0]
    if window.start:
        hours += " · " + _("from %(date)s") % {"date": human_date(window.start)}
    if window.until:
        hours += " · " + _("until %(date)s") % {"date": human_date(window.until)}
    return hours


def language_names(codes) -> str:
    """``["en", "fr"]`` → ``English, French`` (``anglais, français`` in French)."""
    return ", ".join(language_name(code) for code in codes)


def search_messages() -> dict:
    """What search.js says, in the interface's language; ``{n}`` is a number, plurals by CLDR category."""
    return {
        "idle": _("Type words or tick filters to find people."),
        "searching": _("Searching…"),
        "results": {"one": ngettext("{n} result", "{n} results", 1), "other": ngettext("{n} result", "{n} results", 2)},
        "showing": _(", showing {n}"),
        "nothing-person": _("Nobody matches. Try fewer filters or other words."),
        "nothing-proposal": _("No proposals match. Try fewer filters or other words."),
        "nothing-group": _("No groups match. Try fewer filters or other words."),
        "failed": _("Search could not load. Browse by skill or region instead."),
        "skills": _("Skills"),
        "chosen": {"one": ngettext("({n} chosen)", "({n} chosen)", 1),
                   "other": ngettext("({n} chosen)", "({n} chosen)", 2)},
        "why": _("Why"),
        "remote": _("Remote"),
        # Someone from a pool (another Joined Up site, docs/federation.md), and a pool that did not answer.
        "from": _("from {pool}"),
        "unreached": _("{pool} could not be searched."),
        "hours": _("%(hours)s h/week"),
        # The ranking's reasons (joinedup.match.matching), each by its English message id.
        "reasons": {message: _(message) for message in REASON_MESSAGES},
        "levels": {level: _(label) for level, label in LEVEL_LABELS.items()},
        "locale": LOCALES.get(active_language(), active_language()).replace("_", "-"),
    }


# The browser search's filters beyond skill, region and theme: value → words on the search page.
AVAILABILITY_BANDS = Labels({"now": N_("Available now"), "later": N_("Available later"),
                             "ended": N_("Availability ended")})
HOURS_BANDS = Labels({"1-2": N_("1–2 hours a week"), "3-5": N_("3–5 hours"), "6-10": N_("6–10 hours"),
                      "11-20": N_("11–20 hours"), "21+": N_("More than 20 hours")})


def hours_band(hours: int) -> str:
    """The HOURS_BANDS key for ``hours`` a week."""
    for band in HOURS_BANDS:
        low, _to, high = band.partition("-")
        if hours >= int(low.rstrip("+")) and (not high or hours <= int(high)):
            return band
    return "21+"


def days_phrase(days: int) -> str:
    """``today``, ``tomorrow`` or ``in 12 days``, for a day ``days`` (0 or more) ahead."""
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return ngettext("in %(num)s day", "in %(num)s days", days) % {"num": format_number(days)}


def consultation_label(proposal: Proposal, today: dt.date) -> dict[str, str]:
    """The consultation marker: ``state`` ('open', 'closed' or '') and the words to show.

    "Closes in 12 days" while open, "Consultation closed on 1 March 2026" once the closing
    day has passed, relative to the build date.
    """
    closes = proposal.consultation_closes
    if proposal.status == "consultation" and closes is None:
        return {"state": "open", "text": _("Open for comments")}
    if closes is None:
        return {"state": "", "text": ""}
    if closes >= today and proposal.status == "consultation":
        text = _("Closes %(when)s (%(date)s)") % {"when": days_phrase((closes - today).days), "date": human_date(closes)}
        return {"state": "open", "text": text}
    if closes < today:
        return {"state": "closed", "text": _("Consultation closed on %(date)s") % {"date": human_date(closes)}}
    return {"state": "", "text": ""}


def review_label(group: Group, today: dt.date) -> dict[str, str]:
    """When the group reviews its card: ``overdue`` is 'yes' when the date has passed."""
    if group.review is None:
        return {"overdue": "", "text": ""}
    if group.review < today:
        return {"overdue": "yes", "text": _("Review overdue since %(date)s") % {"date": human_date(group.review)}}
    return {"overdue": "", "text": _("Next review %(date)s") % {"date": human_date(group.review)}}


def need_label(need: Need, taxonomy: Taxonomy) -> str:
    """``4 h/week · remote or London · until 1 March 2027``."""
    region = ""
    if need.region:
        region = taxonomy.regions[need.region].label if need.region in taxonomy.regions else need.region
    if need.remote:
        where = _("remote or %(region)s") % {"region": region} if region else _("remote")
    else:
        where = region
    # A proposal's needs on the board ask for no hours (0): nothing to say.
    hours = _("%(hours)s h/week") % {"hours": format_number(need.hours_per_week)} if need.hours_per_week else ""
    parts = [hours, where]
    if need.until:
        parts.append(_("until %(date)s") % {"date": human_date(need.until)})
    return " · ".join(part for part in parts if part)
