"""What templates may call: labels, dates and links computed from the model.

Templates receive model objects and these helpers, never raw YAML, and never HTML built
from contributor text except through ``joinedup.markup``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote, urlencode

from .markup import obscured_email, render_bio
from .needs import describe, search_query
from .model import LEVELS, WHEN_LABELS, Volunteer
from .profiles import SCHEMA_LINE


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


class Helpers:
    """``people_who_could_help(needs)`` for templates: build-time matching, git read once per build."""

    def __init__(self, repository, limit: int):
        self.repository = repository
        self.limit = limit
        self._candidates = None

    def __call__(self, needs, limit: int | None = None):
        from .needs import candidates_of, match_needs

        if not needs:
            return []
        if self._candidates is None:
            self._candidates = candidates_of(self.repository)
        return match_needs(self.repository, list(needs), limit or self.limit, candidates=self._candidates)


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
        "available_now_count": sum(
            1 for v in directory.volunteers.values() if v.availability.is_available_on(repository.build_date)
        ),
        "people_who_could_help": Helpers(repository, settings.get("JOINEDUP_HELPERS", 5)),
        "describe_need": lambda need: describe(need, directory.taxonomy),
        "need_search_query": search_query,
        "search_facts": lambda volunteer: search_facts(volunteer, directory.taxonomy, repository.build_date),
        "AVAILABILITY_BANDS": AVAILABILITY_BANDS,
        "HOURS_BANDS": HOURS_BANDS,
        "HOURS_AT_LEAST": HOURS_AT_LEAST,
        "LEVELS": LEVELS,
        "WHEN_LABELS": WHEN_LABELS,
        "schema_url": Path("volunteers/schema.json").as_posix(),
    }
