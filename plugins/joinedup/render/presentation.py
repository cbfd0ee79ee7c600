"""What templates may call: labels, dates and links computed from the model.

Templates receive model objects and these helpers, never raw YAML, and never HTML built
from contributor text except through ``joinedup.core.markup``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from joinedup.core.i18n import N_, Labels, active_language, format_day, format_number, language_name, month_names, ngettext
from joinedup.core.i18n import gettext as _
from joinedup.core.markup import obscured_email, render_bio
from joinedup.render import feeds
from joinedup.core.model import (
    LEVEL_LABELS, LEVELS, STATUS_DESCRIPTIONS, STATUS_LABELS, STATUSES, WHEN_LABELS, Group, Need, Proposal, Taxonomy, Volunteer,
)
from joinedup.core.freshness import last_commit_dates
from joinedup.load.profiles import SCHEMA_LINE, published_fields
from joinedup.load.proposals import scaffold
from joinedup.load.settings import dark_accent
from joinedup.match.needs import describe, needs_of, search_query
from joinedup.render.offers import help_offer
from joinedup.render.security import content_security_policy


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


def profile_source(volunteer: Volunteer) -> Markup:
    """What the "Edit this profile" form (static/js/join.js) reads on a person's page besides
    what the page shows: the values as the file writes them, as compact JSON for an attribute
    in single quotes. Empty values are left out. Never the forge login (no page shows it:
    the person editing types their own) nor the e-mail address, and the Mastodon
    handle in two parts, so that nothing reads as an address; about 250 bytes a page."""
    from jinja2.utils import htmlsafe_json_dumps

    window = volunteer.availability
    source = {
        "place": volunteer.place, "region": volunteer.region,
        "remote": volunteer.remote, "hours": window.hours_per_week, "when": window.when,
        "from": window.start.isoformat() if window.start else "",
        "until": window.until.isoformat() if window.until else "",
        "languages": volunteer.languages, "themes": volunteer.themes,
        "skills": [[item.skill, item.level] if item.level else [item.skill] for item in volunteer.skills],
        "website": volunteer.contact.website, "bluesky": volunteer.contact.bluesky,
        "mastodon": volunteer.contact.mastodon.lstrip("@").split("@") if volunteer.contact.mastodon else [],
        "endorses": volunteer.endorses,
    }
    compact = {key: value for key, value in source.items() if value or value is False}
    return htmlsafe_json_dumps(compact, dumps=lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":")))


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
    }
# The browser search's filters beyond skill, region and theme: value → words on the search page.
AVAILABILITY_BANDS = Labels({"now": N_("Available now"), "later": N_("Available later"),
                             "ended": N_("Availability ended")})
HOURS_BANDS = Labels({"1-2": N_("1–2 hours a week"), "3-5": N_("3–5 hours"), "6-10": N_("6–10 hours"),
                      "11-20": N_("11–20 hours"), "21+": N_("More than 20 hours")})
# The search page asks for "at least": each choice is a band and every band above it.
HOURS_AT_LEAST = Labels({"3-5": N_("At least 3 hours a week"), "6-10": N_("At least 6"),
                         "11-20": N_("At least 11"), "21+": N_("More than 20")})


def hours_band(hours: int) -> str:
    """The HOURS_BANDS key for ``hours`` a week."""
    for band in HOURS_BANDS:
        low, _to, high = band.partition("-")
        if hours >= int(low.rstrip("+")) and (not high or hours <= int(high)):
            return band
    return "21+"


def search_facts(volunteer: Volunteer, taxonomy, today: dt.date) -> dict[str, str]:
    """The browser search's filter values and result-card text for a profile (never contact details)."""
    region = taxonomy.regions.get(volunteer.region)
    return {
        "availability": volunteer.availability.status(today),
        "hours": hours_band(volunteer.availability.hours_per_week),
        "skills": " · ".join(taxonomy.skills[s].label for s in volunteer.skill_ids if s in taxonomy.skills),
        "place": f"{volunteer.place}, {region.label if region else volunteer.region}",
    }


# The movement's accent colour (site.yaml), as a stylesheet: the Content-Security-Policy
# allows no inline style.
ACCENT_CSS = "theme/css/movement.css"


def accent_css(accent: str) -> str:
    """The accent for the light scheme and a lightened one for the dark scheme (both AA),
    or an empty stylesheet when no colour is set."""
    if not accent:
        return ""
    return (f":root {{ --accent: {accent}; }}\n"
            f"@media (prefers-color-scheme: dark) {{ :root {{ --accent: {dark_accent(accent)}; }} }}\n")


class Forge:
    """Links to the forge's web editor, from the FORGE_URL and FORGE_BRANCH settings."""

    def __init__(self, url: str, branch: str, taxonomy: Taxonomy | None = None):
        self.url = url.rstrip("/")
        self.branch = branch
        # The prefilled files use the movement's own ids, so they pass the check as they are.
        self.taxonomy = taxonomy

    def edit_url(self, path: str) -> str:
        return f"{self.url}/edit/{quote(self.branch)}/{quote(path)}"

    def history_url(self, path: str) -> str:
        return f"{self.url}/commits/{quote(self.branch)}/{quote(path)}"

    def commit_url(self, commit: str, path: str = "") -> str:
        """The commit's page on the forge; with ``path``, scrolled to that file's diff."""
        anchor = f"#diff-{hashlib.sha256(path.encode('utf-8')).hexdigest()}" if path else ""
        return f"{self.url}/commit/{quote(commit)}{anchor}"

    def new_proposal_url(self, today: dt.date) -> str:
        """The forge's "new file" page in content/proposals, prefilled with a proposal to edit."""
        text = scaffold(title=_("The title of your proposal"), summary=_("One or two sentences on what it would change."),
                        date=today, themes=[_first(self.taxonomy and self.taxonomy.themes, "democracy")],
                        authors=[_("your-profile-id")])
        query = urlencode({"filename": _("your-proposal.md"), "value": text})
        return f"{self.url}/new/{quote(self.branch)}/content/proposals?{query}"

    def new_profile_url(self) -> str:
        query = urlencode({"filename": _("your-name.yaml"), "value": new_profile_template(self.taxonomy)})
        return f"{self.url}/new/{quote(self.branch)}/volunteers?{query}"


def _first(ids, fallback: str) -> str:
    return next(iter(ids), fallback) if ids else fallback


def new_profile_template(taxonomy: Taxonomy | None = None) -> str:
    """The text a volunteer starts from in the forge's "new file" page, with the movement's first ids.

    Comments and example values are in the site's language, and so is the one language it lists.
    """
    skill = _first(taxonomy and taxonomy.skills, "copywriting")
    region = _first(taxonomy and taxonomy.regions, "london")
    lines = [
        SCHEMA_LINE,
        "# " + _("Everything in this file is published. Name the file after yourself, like ana-lopez.yaml."),
        "name: " + _("Your Name"),
        "github: " + _("your-login"),
        "headline: " + _("One line on what you can do"),
        "skills:",
        f"  - {skill}",
        "location:",
        "  place: " + _("Your town"),
        f"  region: {region}",
        "remote: true",
        "availability:",
        "  hours_per_week: 2",
        f"languages: [{active_language()}]",
        # Consent is the person's to give: left false, with what true means.
        "# " + _("Change false to true to agree that everything in this file is published on the site."),
        "publish: false",
    ]
    return "\n".join(lines) + "\n"


def days_phrase(days: int) -> str:
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
    parts = [_("%(hours)s h/week") % {"hours": format_number(need.hours_per_week)}, where]
    if need.until:
        parts.append(_("until %(date)s") % {"date": human_date(need.until)})
    return " · ".join(part for part in parts if part)
class Helpers:
    """``people_who_could_help(needs)`` for templates: build-time matching, git read once per build."""

    MEMO = "matches"

    def __init__(self, repository, limit: int, dates: dict):
        self.repository = repository
        self.limit = limit
        self.dates = dates  # each profile's last commit, read once for the whole build
        self._pool = None
        self._found: dict = {}
        # Lists kept from the last build, by a hash of all they depend on (CandidatePool.inputs_of):
        # editing one profile changes only the needs that person could help with.
        self._kept: dict | None = None
        self._used: dict = {}

    def __call__(self, needs, limit: int | None = None):
        if not needs:
            return []
        found = []
        for need in needs:  # many proposals and groups ask for the same help
            key = (need, limit or self.limit)
            if key not in self._found:
                self._match(key)
            found.append(self._found[key])
        return found

    def _match(self, key) -> None:
        from joinedup.core.buildcache import load_memo
        from joinedup.match.matching import CandidatePool, group_of
        from joinedup.match.needs import NeedMatches, candidates_of, match_needs

        if self._pool is None:
            self._pool = CandidatePool(candidates_of(self.repository, self.dates), group_of(self.repository.taxonomy))
            self._kept = load_memo(self.repository.root, self.MEMO)
        need, limit = key
        inputs = self._pool.inputs_of(need, self.repository.build_date, limit)
        kept = self._kept.get(inputs)
        if kept is None:
            [kept] = match_needs(self.repository, [need], limit, pool=self._pool)
        else:  # the same ranking; names and headlines as they are now
            kept = NeedMatches(need, tuple(self._pool.refreshed(kept.matches, need, self.repository.build_date)))
        self._found[key] = self._used[inputs] = kept

    def matched(self, needs) -> tuple[dict, dict]:
        """The lists for each of ``needs`` (lists of needs), as :meth:`adopt` takes them: for
        a forked process to work them out while the build does something else."""
        for each in needs:
            self(each)
        return self._found, self._used

    def adopt(self, found: dict, used: dict) -> None:
        """Take the lists :meth:`matched` worked out in another process."""
        self._found.update(found)
        self._used.update(used)

    def keep(self) -> None:
        """Keep this build's lists in the cache folder for the next build (only those used this time)."""
        from joinedup.core.buildcache import save_memo

        if self._used and (self._kept is None or self._used.keys() != self._kept.keys()):
            save_memo(self.repository.root, self.MEMO, self._used)


def theme_globals(repository, settings: dict) -> dict:
    """Names every template can use, on top of Pelican's own context."""
    directory = repository.directory
    stale_months = settings.get("JOINEDUP_STALE_MONTHS", 12)
    confirmed = last_commit_dates(repository.root)
    confirmations = {
        v.id: confirmation_label(confirmed.get(v.path), repository.build_date, stale_months)
        for v in directory.volunteers.values()
    }
    agenda = repository.agenda
    today = repository.build_date
    return {
        **page_globals(repository.taxonomy, today, settings, repository.root,
                       lambda volunteer: confirmations[volunteer.id]),
        # What only Pelican's own pages (the home page) use: the whole model.
        "directory": directory,
        # Which profiles are marked stale, and since when: pages reused from the last build
        # must be rendered again when this changes.
        "stale_profiles": {id: label["text"] for id, label in confirmations.items() if label["stale"]},
        "available_now_count": sum(
            1 for v in directory.volunteers.values() if v.availability.is_available_on(repository.build_date)
        ),
        "people_who_could_help": Helpers(repository, settings.get("JOINEDUP_HELPERS", 5), confirmed),
        "agenda": agenda,
        "open_consultations": sorted(
            (p for p in agenda.ordered() if p.consultation_open(today)),
            key=lambda p: (p.consultation_closes or dt.date.max, p.title.casefold()),
        ),
        "recent_proposals": agenda.ordered()[:6],
        "groups_needing_help": [g for g in agenda.groups.values() if g.open_needs(today)],
    }


def page_globals(taxonomy, today: dt.date, settings: dict, root, confirmation) -> dict:
    """The names planned pages may use: functions of the taxonomy, the day and the settings,
    and ``confirmation(volunteer)``, the label of when a profile was last confirmed.

    Planned pages (joinedup.render.pages) must not use the names theme_globals adds: each
    page's context holds what it shows about other people and proposals, so that its
    fingerprint covers it and a quick rebuild (joinedup.builder.quick), which has only these,
    can render it alone; it refuses a page using another name the full build had."""
    return {
        "taxonomy": taxonomy,
        "build_date": today,
        "forge": Forge(settings.get("FORGE_URL", ""), settings.get("FORGE_BRANCH", "main"), taxonomy),
        "human_date": human_date,
        "timed": timed,
        "code_spans": code_spans,
        "number": format_number,
        "time_label": time_label,
        "language_names": language_names,
        "search_messages": search_messages,
        "LEVEL_LABELS": LEVEL_LABELS,
        "availability": _per_person(lambda volunteer: availability_label(volunteer, today)),
        "confirmation": confirmation,
        "render_bio": render_bio,
        "person_card": card_renderer("partials/person_card.html"),
        "fragment": fragment_renderer(),
        "obscured_email": obscured_email,
        "mastodon_link": mastodon_link,
        "profile_source": profile_source,
        "needs_of": lambda item: needs_of(item, today),
        "describe_need": lambda need: describe(need, taxonomy),
        "need_search_query": search_query,
        "AVAILABILITY_BANDS": AVAILABILITY_BANDS,
        "HOURS_BANDS": HOURS_BANDS,
        "HOURS_AT_LEAST": HOURS_AT_LEAST,
        "LEVELS": LEVELS,
        "WHEN_LABELS": WHEN_LABELS,
        "schema_url": Path("volunteers/schema.json").as_posix(),
        "published_fields": published_fields(root),
        # Our own constant, not contributor text: marked safe so its quotes stay readable.
        "content_security_policy": Markup(content_security_policy()),
        "STATUSES": STATUSES,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_DESCRIPTIONS": STATUS_DESCRIPTIONS,
        "consultation": lambda proposal: consultation_label(proposal, today),
        "review": lambda group: review_label(group, today),
        "need_label": lambda need: need_label(need, taxonomy),
        # "I can help" on a need: help_offer(name or title, need in words, page address, group, discussion).
        "help_offer": lambda what, need, address, group=None, discussion="": help_offer(
            what, need, address, settings.get("FORGE_URL", ""), group, discussion),
        "open_needs": lambda group: group.open_needs(today),
        "feeds": {"all": feeds.ALL_PROPOSALS, "status": feeds.STATUS_CHANGES, "theme": feeds.theme_feed},
    }


def _per_person(label):
    """``label(volunteer)``, worked out once per person in a build (a person is on several pages)."""
    found: dict[str, Any] = {}

    def cached(volunteer):
        result = found.get(volunteer.id)
        if result is None:
            result = found[volunteer.id] = label(volunteer)
        return result

    return cached


def _partial_renderer(key_of):
    """A template function ``(template name, **variables)`` rendering each partial once per
    ``key_of(name, variables)`` in a build. The partial may use only the site's globals and
    the variables given, not those of the page it is on."""
    from jinja2 import pass_context

    rendered: dict[tuple, Markup] = {}

    @pass_context
    def render(context, template_name: str, **variables) -> Markup:
        key = key_of(template_name, variables)
        found = rendered.get(key)
        if found is None:
            template = context.environment.get_template(template_name)
            # The page's context shared, not copied: Template.render(dict) copied its few
            # hundred names (Pelican's settings, the site's globals) twice for every card.
            partial = template.new_context(context.parent, shared=True)
            partial.vars.update(context.vars)
            partial.vars.update(variables)
            found = rendered[key] = Markup(context.environment.concat(template.root_render_func(partial)))
        return found

    return render


def card_renderer(template_name: str):
    """``person_card(person, level)``: a person's card, rendered once per build and heading level.

    A card is on every listing that has the person (all people, each of their skills and skill
    groups, their region): rendering it once instead of on each is a third of a directory's
    rendering time.
    """
    from jinja2 import pass_context

    render = _partial_renderer(lambda name, variables: (variables["person"].id, variables["card_heading"]))

    @pass_context
    def card(context, person, level: int = 2) -> Markup:
        return render(context, template_name, person=person, card_heading=level)

    return card


def fragment_renderer():
    """``fragment(template, **variables)``: a partial rendered once per build and variables,
    for the parts of every page that differ little or not at all (the site's header, per
    section, and its footer): a fifth of a directory page's rendering time."""
    return _partial_renderer(lambda name, variables: (name, *sorted(variables.items())))


