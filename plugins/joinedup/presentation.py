"""What templates may call: labels, dates and links computed from the model.

Templates receive model objects and these helpers, never raw YAML, and never HTML built
from contributor text except through ``joinedup.markup``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import quote, urlencode

from . import feeds
from .markup import obscured_email, render_bio
from .model import (
    LEVELS, STATUS_DESCRIPTIONS, STATUS_LABELS, STATUSES, WHEN_LABELS, Group, Need, Proposal, Taxonomy, Volunteer,
)
from .needs import describe, needs_of, search_query
from .profiles import SCHEMA_LINE
from .proposals import scaffold


def human_date(day: dt.date | None) -> str:
    """``2027-03-01`` → ``1 March 2027``."""
    return f"{day.day} {day:%B %Y}" if day else ""


def availability_label(volunteer: Volunteer, today: dt.date) -> dict[str, str]:
    """The availability marker: ``status`` ('now', 'later', 'ended') and the words to show."""
    window = volunteer.availability
    status = window.status(today)
    if status == "later":
        text = f"Available from {human_date(window.start)}"
    elif status == "ended":
        text = f"Availability ended {human_date(window.until)}"
    elif window.until:
        text = f"Available now, until {human_date(window.until)}"
    else:
        text = "Available now"
    return {"status": status, "text": text}


def mastodon_link(handle: str) -> dict[str, str]:
    """``@ana@example.social`` → the profile URL and a label that is not an e-mail look-alike."""
    user, _, host = handle.lstrip("@").partition("@")
    return {"url": f"https://{host}/@{quote(user)}", "label": f"@{user} on {host}"}
# The browser search's filters beyond skill, region and theme: value → words on the search page.
AVAILABILITY_BANDS = {"now": "Available now", "later": "Available later", "ended": "Availability ended"}
HOURS_BANDS = {"1-2": "1–2 hours a week", "3-5": "3–5 hours", "6-10": "6–10 hours", "11-20": "11–20 hours",
               "21+": "More than 20 hours"}
# The search page asks for "at least": each choice is a band and every band above it.
HOURS_AT_LEAST = {"3-5": "At least 3 hours a week", "6-10": "At least 6", "11-20": "At least 11",
                  "21+": "More than 20"}


def hours_band(hours: int) -> str:
    """The HOURS_BANDS key for ``hours`` a week."""
    for band in HOURS_BANDS:
        low, _, high = band.partition("-")
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


class Forge:
    """Links to the forge's web editor, from the FORGE_URL and FORGE_BRANCH settings."""

    def __init__(self, url: str, branch: str):
        self.url = url.rstrip("/")
        self.branch = branch

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
        text = scaffold(title="The title of your proposal", summary="One or two sentences on what it would change.",
                        date=today, themes=["democracy"], authors=["your-profile-id"])
        query = urlencode({"filename": "your-proposal.md", "value": text})
        return f"{self.url}/new/{quote(self.branch)}/content/proposals?{query}"

    def new_profile_url(self) -> str:
        query = urlencode({"filename": "your-name.yaml", "value": new_profile_template()})
        return f"{self.url}/new/{quote(self.branch)}/volunteers?{query}"


def new_profile_template() -> str:
    """The text a volunteer starts from in the forge's "new file" page."""
    return (
        f"{SCHEMA_LINE}\n"
        "# Everything in this file is published. Rename the file to your-name.yaml.\n"
        "name: Your Name\n"
        "github: your-login\n"
        "headline: One line on what you can do\n"
        "skills:\n"
        "  - copywriting\n"
        "location:\n"
        "  place: Your town\n"
        "  region: london\n"
        "remote: true\n"
        "availability:\n"
        "  hours_per_week: 2\n"
        "languages: [en]\n"
        "publish: true\n"
    )


def days_phrase(days: int) -> str:
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def consultation_label(proposal: Proposal, today: dt.date) -> dict[str, str]:
    """The consultation marker: ``state`` ('open', 'closed' or '') and the words to show.

    "Closes in 12 days" while open, "Consultation closed on 1 March 2026" once the closing
    day has passed, relative to the build date.
    """
    closes = proposal.consultation_closes
    if proposal.status == "consultation" and closes is None:
        return {"state": "open", "text": "Open for comments"}
    if closes is None:
        return {"state": "", "text": ""}
    if closes >= today and proposal.status == "consultation":
        return {"state": "open", "text": f"Closes {days_phrase((closes - today).days)} ({human_date(closes)})"}
    if closes < today:
        return {"state": "closed", "text": f"Consultation closed on {human_date(closes)}"}
    return {"state": "", "text": ""}


def review_label(group: Group, today: dt.date) -> dict[str, str]:
    """When the group reviews its card: ``overdue`` is 'yes' when the date has passed."""
    if group.review is None:
        return {"overdue": "", "text": ""}
    if group.review < today:
        return {"overdue": "yes", "text": f"Review overdue since {human_date(group.review)}"}
    return {"overdue": "", "text": f"Next review {human_date(group.review)}"}


def need_label(need: Need, taxonomy: Taxonomy) -> str:
    """``4 h/week · remote or London · until 1 March 2027``."""
    where = []
    if need.remote:
        where.append("remote")
    if need.region:
        where.append(taxonomy.regions[need.region].label if need.region in taxonomy.regions else need.region)
    parts = [f"{need.hours_per_week} h/week", " or ".join(where)]
    if need.until:
        parts.append(f"until {human_date(need.until)}")
    return " · ".join(part for part in parts if part)
class Helpers:
    """``people_who_could_help(needs)`` for templates: build-time matching, git read once per build."""

    def __init__(self, repository, limit: int):
        self.repository = repository
        self.limit = limit
        self._pool = None
        self._found: dict = {}

    def __call__(self, needs, limit: int | None = None):
        from .matching import CandidatePool, group_of
        from .needs import candidates_of, match_needs

        if not needs:
            return []
        if self._pool is None:
            self._pool = CandidatePool(candidates_of(self.repository), group_of(self.repository.taxonomy))
        found = []
        for need in needs:  # many proposals and groups ask for the same help
            key = (need, limit or self.limit)
            if key not in self._found:
                [self._found[key]] = match_needs(self.repository, [need], key[1], pool=self._pool)
            found.append(self._found[key])
        return found


def theme_globals(repository, settings: dict) -> dict:
    """Names every template can use, on top of Pelican's own context."""
    directory = repository.directory
    forge = Forge(settings.get("FORGE_URL", ""), settings.get("FORGE_BRANCH", "main"))
    return {
        "directory": directory,
        "taxonomy": directory.taxonomy,
        "build_date": repository.build_date,
        "forge": forge,
        "human_date": human_date,
        "availability": lambda volunteer: availability_label(volunteer, repository.build_date),
        "render_bio": render_bio,
        "obscured_email": obscured_email,
        "mastodon_link": mastodon_link,
        "available_now_count": sum(
            1 for v in directory.volunteers.values() if v.availability.is_available_on(repository.build_date)
        ),
        "people_who_could_help": Helpers(repository, settings.get("JOINEDUP_HELPERS", 5)),
        "needs_of": lambda item: needs_of(item, repository.build_date),
        "describe_need": lambda need: describe(need, directory.taxonomy),
        "need_search_query": search_query,
        "search_facts": lambda volunteer: search_facts(volunteer, directory.taxonomy, repository.build_date),
        "AVAILABILITY_BANDS": AVAILABILITY_BANDS,
        "HOURS_BANDS": HOURS_BANDS,
        "HOURS_AT_LEAST": HOURS_AT_LEAST,
        "LEVELS": LEVELS,
        "WHEN_LABELS": WHEN_LABELS,
        "schema_url": Path("volunteers/schema.json").as_posix(),
        **agenda_globals(repository),
    }


def agenda_globals(repository) -> dict:
    """What templates need about proposals and groups: the agenda and labels relative to the build date."""
    agenda = repository.agenda
    today = repository.build_date
    taxonomy = repository.taxonomy
    return {
        "agenda": agenda,
        "STATUSES": STATUSES,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_DESCRIPTIONS": STATUS_DESCRIPTIONS,
        "consultation": lambda proposal: consultation_label(proposal, today),
        "review": lambda group: review_label(group, today),
        "need_label": lambda need: need_label(need, taxonomy),
        "open_needs": lambda group: group.open_needs(today),
        "open_consultations": sorted(
            (p for p in agenda.ordered() if p.consultation_open(today)),
            key=lambda p: (p.consultation_closes or dt.date.max, p.title.casefold()),
        ),
        "recent_proposals": agenda.ordered()[:6],
        "groups_needing_help": [g for g in agenda.groups.values() if g.open_needs(today)],
        "feeds": {"all": feeds.ALL_PROPOSALS, "status": feeds.STATUS_CHANGES, "theme": feeds.theme_feed},
    }
