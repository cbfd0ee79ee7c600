"""How a reader goes from a page to a change of the repository: links to the forge's pages
(:class:`Forge`), the files its "new file" pages start from, and what the "Edit this profile"
form reads on a person's page. The files handed out use the movement's own ids and the
site's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from urllib.parse import quote, urlencode

from markupsafe import Markup

from joinedup.core.i18n import active_language
from joinedup.core.i18n import gettext as _
from joinedup.core.model import Taxonomy, Volunteer
from joinedup.load.profiles import SCHEMA_LINE
from joinedup.load.proposals import scaffold


class Forge:
    """Links to the forge's web editor, from the FORGE_URL and FORGE_BRANCH settings."""

    def __init__(self, url: str, branch: str, taxonomy: Taxonomy | None = None):
        self.url = url.rstrip("/")
        self.branch = branch
        # The prefilled files use the movement's own ids, so they pass the check as they are.
        self.taxonomy = taxonomy

    def edit_url(self, path: str) -> str:
        return f"{self.url}/edit/{quote(self.branch)}/{quote(path)}"

    def view_url(self, path: str) -> str:
        """The file as the forge shows it (a page of docs/, say), on the site's branch."""
        return f"{self.url}/blob/{quote(self.branch)}/{quote(path)}"

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
        return f"{self.new_profile_page()}?{query}"

    def new_profile_page(self) -> str:
        """The forge's "new file" page in volunteers/, without the template it is opened with."""
        return f"{self.url}/new/{quote(self.branch)}/volunteers"


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
