"""What templates may call: labels, dates and links computed from the model.

Templates receive model objects and these helpers, never raw YAML, and never HTML built
from contributor text except through ``joinedup.markup``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote, urlencode

from .markup import obscured_email, render_bio
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


def mastodon_link(handle: str) -> dict[str, str]:
    """``@ana@example.social`` → the profile URL and a label that is not an e-mail look-alike."""
    user, _, host = handle.lstrip("@").partition("@")
    return {"url": f"https://{host}/@{quote(user)}", "label": f"@{user} on {host}"}


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
        "LEVELS": LEVELS,
        "WHEN_LABELS": WHEN_LABELS,
        "schema_url": Path("volunteers/schema.json").as_posix(),
    }
