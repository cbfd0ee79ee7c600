"""Answers typed at ``new profile``, ``new proposal`` and ``init``, each checked when it is given.

A person at the prompt must not lose ten answers to one typo at the end: every function here
turns one answer into the value the file needs, or raises :class:`BadAnswer` with a sentence
that says what to type instead (in the site's language, with the choices as labels).
:mod:`joinedup.contribute.interview` asks again on a bad answer; with flags and no keyboard,
every bad flag is reported at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from joinedup.core.i18n import N_, gettext as _
from joinedup.core.model import Taxonomy
from joinedup.core.problems import BadAnswer
from joinedup.load.files import suggested_id
from joinedup.load.profiles import ID_PATTERN

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
ACCENT_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


def file_id(value: str, root: Path, folder: str, extension: str) -> str:
    """A new file's id: a lowercase slug not taken in ``root/folder`` (``folder`` as a contributor
    reads it, such as ``content/proposals``)."""
    value = value.strip()
    if not ID_PATTERN.fullmatch(value):
        suggestion = suggested_id(value)
        if not ID_PATTERN.fullmatch(suggestion):  # too short even as a slug: not an example to give
            suggestion = "ana-lopez"
        raise BadAnswer(_("Use 2 to 63 lowercase letters, digits and hyphens, starting with a letter "
                          "(for example '%s').") % suggestion)
    if (Path(root) / folder / f"{value}.{extension}").exists():
        raise BadAnswer(_("%s already exists: choose another name, or edit that file instead.")
                        % f"{folder}/{value}.{extension}")
    return value


def login(value: str) -> str:
    value = value.strip().lstrip("@")
    if not LOGIN_PATTERN.match(value):
        raise BadAnswer(_("A forge login has letters, digits and single hyphens, up to 39 characters "
                          "(the name in your profile's address, such as ana-lopez)."))
    return value


def logins(value: str | Iterable[str]) -> tuple[str, ...]:
    words = [w for w in (value.split(",") if isinstance(value, str) else value) if w.strip()]
    if not words:
        raise BadAnswer(_("Give at least one forge login."))
    return tuple(dict.fromkeys(login(w) for w in words))


def profile_ids(value: str | Iterable[str]) -> tuple[str, ...]:
    """Profile ids, comma-separated or one an option; whether each profile exists is the checker's to say."""
    words = [w.strip() for w in (value.split(",") if isinstance(value, str) else value) if w.strip()]
    if not words:
        raise BadAnswer(_("Give at least one profile id: a file name in volunteers/ without .yaml, such as ana-lopez."))
    return tuple(dict.fromkeys(words))


def day(value: str | dt.date) -> dt.date:
    """A day written YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise BadAnswer(_("Write the day as YYYY-MM-DD, such as 2026-12-01.")) from None


def interface_language(value: str) -> str:
    from joinedup.load.settings import LANGUAGES

    value = value.strip().lower()
    if value not in LANGUAGES:
        raise BadAnswer(_("Choose one of: %s.") % ", ".join(LANGUAGES))
    return value


def forge_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not re.fullmatch(r"https://[^\s/]+/[^\s/]+/[^\s/]+", value):
        raise BadAnswer(_("Give the repository's address, such as https://github.com/owner/name."))
    return value


def branch(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9._/-]{1,100}", value):
        raise BadAnswer(_("A branch name such as main."))
    return value


def contact(value: str) -> str:
    value = value.strip()
    if "@" in value and not value.startswith(("mailto:", "https://")):
        value = f"mailto:{value}"
    if not re.fullmatch(r"mailto:[^\s@]+@[^\s@]+\.[^\s@]+|https://\S+", value):
        raise BadAnswer(_("Give an e-mail address (mailto:name@example.org) or a web page (https://...)."))
    return value


# What joinedup.load.privacy finds, as it names it (PrivateMatch.what), for the catalogues.
PRIVATE_WHAT = (N_("a phone number"), N_("a full postcode"), N_("a street address"), N_("an e-mail address"))


def public_text(value: str, *, limit: int = 200) -> str:
    """One line of text that will be published: not empty, not too long, nothing private in it."""
    from joinedup.load.privacy import private_matches

    value = " ".join(value.split())
    if not value:
        raise BadAnswer(_("Write something here: it cannot be left empty."))
    if len(value) > limit:
        raise BadAnswer(_("Keep it under %d characters.") % limit)
    found = private_matches(value)
    if found:
        raise BadAnswer(_("This looks like %s (%s): everything in a profile is public. Leave it out.")
                        % (_(found[0].what), found[0].text))
    return value


def yes_or_no(value: str) -> bool:
    word = value.strip().lower()
    if word in {"y", "yes", "o", "oui", _("y"), _("yes")}:
        return True
    if word in {"n", "no", "non", _("n"), _("no")}:
        return False
    raise BadAnswer(_("Answer y (yes) or n (no)."))


def hours(value: str | int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 60:
        raise BadAnswer(_("Give a whole number of hours a week, from 1 to 60."))
    return number


def languages(value: str | Iterable[str]) -> tuple[str, ...]:
    words = [w.strip().lower() for w in (value.split(",") if isinstance(value, str) else value) if w.strip()]
    bad = [w for w in words if not LANGUAGE_PATTERN.match(w)]
    if bad or not words:
        raise BadAnswer(_("Write two-letter language codes separated by commas, such as: fr, en, es "
                          "(not understood: %s).") % (", ".join(bad) or "-"))
    return tuple(dict.fromkeys(words))


def accent(value: str) -> str:
    """A ``#rrggbb`` colour that reaches WCAG AA contrast in the site's light and dark themes."""
    from joinedup.load.settings import accent_problems

    value = value.strip()
    if not ACCENT_PATTERN.match(value):
        raise BadAnswer(_("Write the colour as # and six hexadecimal digits, such as #8a1538."))
    problems = accent_problems(value)
    if problems:
        raise BadAnswer(problems[0].message)
    return value.lower()


def timezone(value: str) -> str:
    """An IANA time zone name, such as Europe/Paris."""
    from joinedup.load.settings import timezone_suggestion, known_timezone

    value = value.strip()
    if known_timezone(value):
        return value
    suggestion = timezone_suggestion(value)
    raise BadAnswer(_("Unknown time zone '%s'.") % value + " "
                    + (_("Did you mean '%s'?") % suggestion if suggestion else
                       _("Write it as Region/City, such as Europe/Paris or America/Montreal.")))


@dataclass(frozen=True, slots=True)
class Choices:
    """Things to choose among by id, label or alias (skills, regions, themes)."""

    labels: Mapping[str, str]  # id -> label, in the site's language
    aliases: Mapping[str, str]  # lower-case alias -> id
    groups: Mapping[str, tuple[str, tuple[str, ...]]] | None = None  # group id -> (label, ids)

    @classmethod
    def skills(cls, taxonomy: Taxonomy) -> "Choices":
        aliases = {alias.lower(): id for alias, id in taxonomy.aliases.items()}
        groups = {group.id: (group.label, tuple(s.id for s in taxonomy.skills_in_group(group.id)))
                  for group in taxonomy.skill_groups.values()}
        return cls({id: skill.label for id, skill in taxonomy.skills.items()}, aliases, groups)

    @classmethod
    def regions(cls, taxonomy: Taxonomy) -> "Choices":
        return cls({id: region.label for id, region in taxonomy.regions.items()}, {})

    @classmethod
    def themes(cls, taxonomy: Taxonomy) -> "Choices":
        return cls({id: theme.label for id, theme in taxonomy.themes.items()}, {})

    def listing(self) -> str:
        """Every choice as ``label (id)``, by group when there are groups."""
        def line(ids):
            return "; ".join(f"{self.labels[id]} ({id})" for id in ids)

        if not self.groups:
            return line(self.labels)
        return "\n".join(f"  {label}: {line(ids)}" for label, ids in self.groups.values() if ids)

    def find(self, word: str) -> str | None:
        """The id for an id, a label or an alias, in any case, or None."""
        key = " ".join(word.split()).lower()
        slug = key.replace(" ", "-").replace("_", "-")
        if slug in self.labels:
            return slug
        for id, label in self.labels.items():
            if label.lower() == key:
                return id
        return self.aliases.get(key) or self.aliases.get(slug)

    def suggestion(self, word: str) -> str | None:
        """The closest choice to a word nobody listed, as ``'id' (label)``."""
        key = word.strip().lower()
        names = {**{id: id for id in self.labels}, **{label.lower(): id for id, label in self.labels.items()}}
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
        return f"'{names[close[0]]}' ({self.labels[names[close[0]]]})" if close else None

    def one(self, value: str) -> str:
        found = self.find(value)
        if found is None:
            raise BadAnswer(self._unknown([value.strip()]))
        return found

    def several(self, value: str | Iterable[str]) -> tuple[str, ...]:
        words = [w.strip() for w in (value.split(",") if isinstance(value, str) else value) if w.strip()]
        if not words:
            raise BadAnswer(_("Choose at least one, by its name or its id, separated by commas."))
        unknown = [w for w in words if self.find(w) is None]
        if unknown:
            raise BadAnswer(self._unknown(unknown))
        return tuple(dict.fromkeys(self.find(w) for w in words))

    def _unknown(self, words: list[str]) -> str:
        parts = []
        for word in words:
            suggestion = self.suggestion(word)
            parts.append(_("'%s' is not in the list.") % word
                         + (" " + _("Did you mean %s?") % suggestion if suggestion else ""))
        return " ".join(parts) + " " + _("Type names or ids from the list shown above.")
