"""The questions of ``init``, ``new profile`` and ``new proposal``: their order, defaults and choices.

Each value comes from its command-line option or, when the option gave none, from a question
asked again until the answer is good (:mod:`joinedup.contribute.answers` says what is wrong and
what to type). A bad option is asked again when someone is at the keyboard; without anyone,
every bad option is collected and :class:`BadOptions` names them all before anything is
written, so a contributor fixes one command line once.

Nothing here prompts or prints: the caller passes ``ask``, which puts one :class:`Question` to
the person (the command line's is built on click's prompt) and returns its parsed answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from joinedup.contribute import answers as A
from joinedup.contribute.scaffold import profile_text
from joinedup.core.i18n import activate, gettext as _
from joinedup.core.model import Taxonomy
from joinedup.core.problems import BadAnswer
from joinedup.load.proposals import PROPOSALS_DIR, scaffold
from joinedup.load.settings import TAGLINES, SiteSettings


@dataclass(frozen=True, slots=True)
class Question:
    """One question put to the person at the keyboard."""

    text: str
    parse: Callable[[Any], Any]  # the answer as the file needs it, or BadAnswer saying what to type
    default: str | None = None  # offered, and taken on an empty answer
    show: str | None = None  # the choices, shown before the question
    refused: str | None = None  # why the option's value was refused ("--hours: ..."), said first


# Puts a question and returns ``question.parse`` of the first good answer, asking again after a
# bad one (with what BadAnswer said).
Ask = Callable[[Question], Any]


class BadOptions(Exception):
    """Options whose values were refused, with nobody at the keyboard to ask again."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)  # "--flag: what is wrong", in the order asked


class Interview:
    """Values from options, or from ``ask``; see the module's docstring."""

    def __init__(self, ask: Ask, *, keyboard: bool):
        self.ask = ask
        self.keyboard = keyboard
        self.bad: list[str] = []

    def __call__(self, value, text: str, parse: Callable[[Any], Any], flag: str, *,
                 default: str | None = None, show: str | None = None):
        """The option's ``value`` parsed, or the answer to ``text``; None once an option was refused
        with nobody at the keyboard (nothing will be written, so nothing more is asked)."""
        refused = None
        if value is not None and value != ():
            try:
                return parse(value)
            except BadAnswer as error:
                if not self.keyboard:
                    self.bad.append(f"{flag}: {error}")
                    return None
                refused = f"{flag}: {error}"
        if self.bad and not self.keyboard:
            return None
        return self.ask(Question(text, parse, default or None, show, refused))

    def confirm(self, text: str, *, default: bool) -> bool | None:
        """Yes or no, in the site's language (y/n, o/n)."""
        if self.bad and not self.keyboard:
            return None
        choices = _("y/n")
        return self(None, f"{text} ({choices})", A.yes_or_no, "", default=_("y") if default else _("n"))

    def stop_if_any(self) -> None:
        """Raises BadOptions when an option was refused."""
        if self.bad:
            raise BadOptions(self.bad)


@dataclass(frozen=True, slots=True)
class ProfileAnswers:
    """What ``new profile`` writes to ``volunteers/<id>.yaml``."""

    id: str
    name: str
    github: str
    headline: str
    skills: tuple[str, ...]
    place: str
    region: str
    remote: bool
    hours: int
    languages: tuple[str, ...]
    email: str
    agreed: bool  # to publish everything in the file; nothing is written without it

    @property
    def relative(self) -> str:
        return f"volunteers/{self.id}.yaml"

    def text(self) -> str:
        return profile_text(name=self.name, github=self.github, headline=self.headline, skills=self.skills,
                            place=self.place, region=self.region, remote=self.remote, hours=self.hours,
                            languages=self.languages, email=self.email)


def profile_answers(root: Path, taxonomy: Taxonomy, settings: SiteSettings, given: Mapping[str, Any],
                    interview: Interview) -> ProfileAnswers:
    """A new profile's answers, from ``given`` (option name -> value, None or () when not given)
    and the questions. Raises BadOptions when an option was refused with nobody to ask."""
    skill_choices, region_choices = A.Choices.skills(taxonomy), A.Choices.regions(taxonomy)
    ask = interview
    name = ask(given.get("--name"), _("Your name, as it should be shown"), A.public_text, "--name")
    profile_id = ask(given.get("--id"), _("File name (id)"), lambda v: A.file_id(v, root, "volunteers", "yaml"),
                     "--id", default=A.suggested_id(name or ""))
    github = ask(given.get("--github"), _("Your forge login"), A.login, "--github")
    headline = ask(given.get("--headline"), _("One line on what you do"), A.public_text, "--headline")
    skills = ask(given.get("--skill"), _("Your skills, by name or id, comma-separated"), skill_choices.several,
                 "--skill", show=_("Skills:") + "\n" + skill_choices.listing())
    place = ask(given.get("--place"), _("Town or neighbourhood"), A.public_text, "--place")
    region = ask(given.get("--region"), _("Your region"), region_choices.one, "--region",
                 show=_("Regions:") + " " + region_choices.listing())
    remote = given.get("--remote")
    if remote is None:
        remote = ask.confirm(_("Can you help remotely?"), default=True)
    hours = ask(given.get("--hours"), _("Hours per week"), A.hours, "--hours", default="2")
    languages = ask(given.get("--language"), _("Languages (ISO codes, comma-separated)"), A.languages,
                    "--language", default=settings.language)
    ask.stop_if_any()
    agreed = bool(given.get("--yes")) or bool(ask.confirm(_("Everything in the profile is published. Agree?"),
                                                          default=False))
    return ProfileAnswers(id=profile_id, name=name, github=github, headline=headline, skills=skills, place=place,
                          region=region, remote=remote, hours=hours, languages=languages,
                          email=given.get("--email") or "", agreed=agreed)


@dataclass(frozen=True, slots=True)
class ProposalAnswers:
    """What ``new proposal`` writes to ``content/proposals/<slug>.md``."""

    slug: str
    title: str
    summary: str
    themes: tuple[str, ...]
    authors: tuple[str, ...]
    status: str
    group: str
    closes: dt.date | None

    @property
    def relative(self) -> str:
        return f"{PROPOSALS_DIR}/{self.slug}.md"

    def text(self, date: dt.date) -> str:
        """The file, dated ``date``, with a skeleton text in the active language."""
        return scaffold(title=self.title, summary=self.summary, date=date, themes=self.themes, authors=self.authors,
                        status=self.status, group=self.group, consultation_closes=self.closes)


def proposal_answers(root: Path, taxonomy: Taxonomy, given: Mapping[str, Any],
                     interview: Interview) -> ProposalAnswers:
    """A new proposal's answers, from ``given`` (option name -> value) and the questions; the last
    day of a consultation is asked only for one. Raises BadOptions when an option was refused
    with nobody to ask. Whether the authors and the group exist is the checker's to say."""
    if given.get("--closes") is not None and (given.get("--status") or "draft") != "consultation":
        # A draft has no consultation to close: said before any question, not after them all.
        raise BadOptions(["--closes: " + _("Only a consultation closes: add --status consultation, or leave --closes out.")])
    theme_choices = A.Choices.themes(taxonomy)
    ask = interview
    title = ask(given.get("--title") or None, _("Title"), str, "--title")
    slug = ask(given.get("--slug") or None, _("File name (slug)"), lambda v: A.file_id(v, root, PROPOSALS_DIR, "md"),
               "--slug", default=A.suggested_id(title or ""))
    summary = ask(given.get("--summary") or None, _("Summary (one or two sentences)"), str, "--summary")
    themes = ask(given.get("--theme"), _("Themes, comma-separated"), theme_choices.several, "--theme",
                 show=_("Themes:") + " " + theme_choices.listing())
    authors = ask(given.get("--author"), _("Authors' profile ids, comma-separated"), A.profile_ids, "--author")
    status = given.get("--status") or "draft"
    closes = given.get("--closes")
    if status == "consultation":
        closes = ask(closes, _("Last day of the consultation (YYYY-MM-DD)"), A.day, "--closes")
    ask.stop_if_any()
    return ProposalAnswers(slug=slug, title=title, summary=summary, themes=themes, authors=authors, status=status,
                           group=given.get("--group") or "", closes=closes)


def init_answers(current: SiteSettings, given: Mapping[str, Any], interview: Interview) -> SiteSettings:
    """The settings ``init`` writes: ``current`` changed by ``given`` (option name -> value) and, at a
    keyboard, by the answers to every question (the current value offered). Without a keyboard a
    setting not given keeps its value. Activates the language chosen, for the questions after it.
    Raises BadOptions when an option was refused with nobody to ask."""
    ask = interview

    def setting(flag, text, parse, default):
        value = given.get(flag)
        if (value is None or value == ()) and not ask.keyboard:
            return default
        return ask(value, text, parse, flag, default=default)

    def text(value):
        return A.public_text(value, limit=300)

    # Asked before a language is chosen: in English, with both names.
    language = setting("--language", "Interface language (en or fr)", A.interface_language,
                       current.language) or current.language
    activate(language)
    changes = {
        "language": language,
        "name": setting("--name", _("The movement's name"), text, current.name),
        "tagline": setting("--tagline", _("Tagline (one sentence)"), text,
                           TAGLINES[language] if current.tagline in TAGLINES.values() else current.tagline),
        "accent": setting("--accent", _("Accent colour (#rrggbb)"), A.accent, current.accent),
        "forge_url": setting("--forge-url", _("Repository URL on the forge"), A.forge_url, current.forge_url),
        "forge_branch": setting("--branch", _("Published branch"), A.branch, current.forge_branch),
        "takedown_contact": setting("--takedown-contact", _("Contact for removal requests"), A.contact,
                                    current.takedown_contact),
        "timezone": setting("--timezone", _("Time zone"), A.timezone, current.timezone),
    }
    if given.get("--maintainer") or ask.keyboard:
        changes["maintainers"] = setting("--maintainer", _("Maintainers' forge logins, comma-separated"), A.logins,
                                         ",".join(current.maintainers))
    ask.stop_if_any()
    return dataclasses.replace(current, **changes)
