"""Volunteer profiles: ``volunteers/<id>.yaml`` read, checked and turned into ``Volunteer``s."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from joinedup.core import problems as P
from joinedup.core.dates import parse_date
from joinedup.core.i18n import LOCALE_DIR, N_, gettext as _
from joinedup.core.markup import BIO_TAGS
from joinedup.core.model import Availability, Contact, SkillLevel, Taxonomy, Volunteer
from joinedup.core.problems import Problem, ProblemsFound, problem
from joinedup.load.complexity import check_complexity
from joinedup.load.files import content_files, read_text
from joinedup.load.privacy import check_text
from joinedup.load.schema import SchemaValidator, schema_validator, validate
from joinedup.load.taxonomy import unknown_entry
from joinedup.load.yamlsource import YamlDocument, load_yaml

VOLUNTEERS_DIR = "volunteers"
PROFILE_SCHEMA_FILE = "volunteers/schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
# Ids that would clash with the directory's own pages under /people/.
RESERVED_IDS = frozenset({"page", "index", "feed", "search", "all", "new"})
_IGNORED_FILES = frozenset({"schema.json", "README.md"})


def profile_files(root: Path, only=None) -> tuple[list[str], list[Problem]]:
    """The repository-relative paths of every profile, and problems with names and links.

    Refuses symlinks, names that are not slugs, ``.yml`` files, reserved ids and two ids
    that differ only in case (see ``files.content_files``).
    """
    return content_files(root, VOLUNTEERS_DIR, extension="yaml", id_pattern=ID_PATTERN,
                         reserved=RESERVED_IDS, what="profile", ignored=_IGNORED_FILES, only=only)


def load_volunteer(root: Path, relative: str, taxonomy: Taxonomy) -> tuple[Volunteer | None, list[Problem]]:
    """Read, validate and build one profile. The Volunteer is None when any error was found."""
    text, found = read_text(root, relative)
    if text is None:
        return None, found
    return volunteer_from_text(root, relative, text, taxonomy)


def profile_validator(root: Path) -> SchemaValidator:
    """The validator of the profile schema of the repository at ``root`` (volunteers/schema.json), as it reads now.

    Raises ProblemsFound (JU501) when that file is missing, a link, too big, not UTF-8 or not a
    JSON Schema: no profile can be checked without it."""
    text, found = read_text(root, PROFILE_SCHEMA_FILE)
    hint = _("Restore the project's own: git checkout origin/main -- %(file)s") % {"file": PROFILE_SCHEMA_FILE}
    if text is None:
        reason = found[0].message if found else ""
        raise ProblemsFound([problem(P.MISSING_FILE, PROFILE_SCHEMA_FILE, 0, 0, _(
            "The profile schema cannot be read, so no profile can be checked: %(reason)s") % {"reason": reason}, hint)])
    try:
        return schema_validator(text)
    except ValueError as error:  # json.JSONDecodeError, or not a schema jsonschema accepts
        line, col = getattr(error, "lineno", 0), getattr(error, "colno", 0)
        raise ProblemsFound([problem(P.MISSING_FILE, PROFILE_SCHEMA_FILE, line, col, _(
            "The profile schema is not a valid JSON Schema, so no profile can be checked (%(reason)s).")
            % {"reason": getattr(error, "msg", None) or str(error)}, hint)]) from None


def volunteer_from_text(root: Path, relative: str, text: str, taxonomy: Taxonomy,
                        validator: SchemaValidator | None = None) -> tuple[Volunteer | None, list[Problem]]:
    """Validate and build the profile whose file ``relative`` holds ``text``, with ``validator``
    (:func:`profile_validator`, when a load validates many) or the schema as it reads now."""
    document, found = load_yaml(text, relative, what="profile")
    if document is None:
        return None, found
    found += validate(
        document,
        validator if validator is not None else profile_validator(root),
        relative,
        leave_to_cross_checks=[("skills",), ("themes",), ("location", "region")],
        consent_key="publish",
    )
    found += _cross_check(document, relative, taxonomy)
    found += unfilled_template(document, relative)
    found += check_text(
        document.data,
        relative,
        document.text_line,
        email_allowed={("contact", "email")},
        markdown={("bio",)},
        tags_kept=BIO_TAGS,
        exempt={("contact", "website"), ("contact", "mastodon"), ("contact", "bluesky"), ("github",)},
    )
    bio = document.data.get("bio")
    if isinstance(bio, str):
        found += check_complexity(bio, relative, *document.text_line(("bio",), 0))
    if any(p.is_error for p in found):
        return None, found
    volunteer = _volunteer(document, relative)
    if any(level.skill in taxonomy.renamed for level in volunteer.skills):
        skills = tuple(SkillLevel(taxonomy.renamed.get(level.skill, level.skill), level.level)
                       for level in volunteer.skills)
        volunteer = dataclasses.replace(volunteer, skills=skills)
    return volunteer, found


def _cross_check(document: YamlDocument, path: str, taxonomy: Taxonomy) -> list[Problem]:
    data = document.data
    found: list[Problem] = []

    skills = data.get("skills")
    if isinstance(skills, list):
        seen: set[str] = set()
        for index, item in enumerate(skills):
            skill = item.get("id") if isinstance(item, dict) else item
            where = ("skills", index, "id") if isinstance(item, dict) else ("skills", index)
            if not isinstance(skill, str):
                continue
            line, col = document.position(where)
            skill = taxonomy.renamed.get(skill, skill)
            if skill not in taxonomy.skills:
                found.append(unknown_entry(P.UNKNOWN_SKILL, path, line, col, skill, taxonomy.skills, taxonomy.aliases))
            elif skill in seen:
                found.append(problem(P.DUPLICATE_ITEM, path, line, col, _("The skill '%(skill)s' is listed twice.") % {"skill": skill},
                                     _("Keep one line per skill.")))
            seen.add(skill)

    themes = data.get("themes")
    if isinstance(themes, list):
        for index, theme in enumerate(themes):
            if isinstance(theme, str) and theme not in taxonomy.themes:
                line, col = document.position(("themes", index))
                found.append(unknown_entry(P.UNKNOWN_THEME, path, line, col, theme, taxonomy.themes))

    location = data.get("location")
    if isinstance(location, dict) and isinstance(location.get("region"), str):
        region = location["region"]
        if region not in taxonomy.regions:
            line, col = document.position(("location", "region"))
            found.append(unknown_entry(P.UNKNOWN_REGION, path, line, col, region, taxonomy.regions))

    availability = data.get("availability")
    if isinstance(availability, dict):
        start, until = parse_date(availability.get("from")), parse_date(availability.get("until"))
        if start and until and until < start:
            line, col = document.position(("availability", "until"))
            found.append(problem(P.REVERSED_WINDOW, path, line, col,
                                 _("'until' (%(until)s) is before 'from' (%(start)s).") % {"until": until, "start": start},
                                 _("Swap the two dates, or correct the one that is wrong.")))
    return found


# The example values of the "Add yourself" template (render.editing.new_profile_template): a
# file saved without changing them is refused (JU112), whatever language the template was in.
TEMPLATE_FILE = N_("your-name.yaml")
TEMPLATE_VALUES = {
    ("name",): (N_("Your Name"), N_("Fill in 'name': it still holds the template's example, '%(value)s'."),
                N_("Write the name you want shown on your profile.")),
    ("github",): (N_("your-login"), N_("Fill in 'github': it still holds the template's example, '%(value)s'."),
                  N_("Write your login on the forge, the name you sign in with: only you can then approve changes "
                     "to this file.")),
    ("headline",): (N_("One line on what you can do"),
                    N_("Fill in 'headline': it still holds the template's example, '%(value)s'."),
                    N_("Write one line on what you can do, shown under your name.")),
    ("location", "place"): (N_("Your town"), N_("Fill in 'place': it still holds the template's example, '%(value)s'."),
                            N_("Write your town or neighbourhood (never a street or a full postcode).")),
}


def unfilled_template(document: YamlDocument, path: str) -> list[Problem]:
    """JU112 for each value still the "Add yourself" template's example, and for the template's
    file name: in English or in any language the site's interface has a catalogue for."""
    found = []
    if Path(path).name.casefold() in template_words(TEMPLATE_FILE):
        found.append(problem(P.PLACEHOLDER_VALUE, path, 0, 0,
                             _("The file still has the template's name, '%(name)s'.") % {"name": Path(path).name},
                             _("Rename it after yourself, like lea-martin.yaml: the name becomes the address of "
                               "your page on the site.")))
    for where, (example, message, hint) in TEMPLATE_VALUES.items():
        value = document.data
        for key in where:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and " ".join(value.split()).casefold() in template_words(example):
            line, col, _style = document.scalars.get(where) or (*document.position(where), None)
            found.append(problem(P.PLACEHOLDER_VALUE, path, line, col, _(message) % {"value": value.strip()}, _(hint)))
    return found


@lru_cache(maxsize=16)
def template_words(example: str) -> frozenset[str]:
    """``example`` and its translation in every interface language's catalogue, case set aside.

    Read from the .po files with a pattern rather than through babel: the template's examples
    are one-line messages, and ``check`` of one profile of an English site would otherwise
    spend as long importing and compiling the catalogues as checking.
    """
    words = {example.casefold()}
    entry = re.compile(r'^msgid "' + re.escape(json.dumps(example, ensure_ascii=False)[1:-1])
                       + r'"\nmsgstr "((?:[^"\\]|\\.)*)"$', re.M)
    for catalogue in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        match = entry.search(catalogue.read_text(encoding="utf-8"))
        if match and match[1]:
            words.add(" ".join(json.loads(f'"{match[1]}"').split()).casefold())
    return frozenset(words)


def _volunteer(document: YamlDocument, path: str) -> Volunteer:
    data = document.data
    availability = data["availability"]
    contact = data.get("contact") or {}
    return Volunteer(
        id=Path(path).stem,
        path=path,
        name=data["name"].strip(),
        github=data["github"],
        headline=data["headline"].strip(),
        bio=(data.get("bio") or "").strip(),
        skills=tuple(
            SkillLevel(item["id"], item.get("level", "")) if isinstance(item, dict) else SkillLevel(item)
            for item in data["skills"]
        ),
        themes=tuple(data.get("themes") or ()),
        place=data["location"]["place"].strip(),
        region=data["location"]["region"],
        remote=data["remote"],
        availability=Availability(
            hours_per_week=availability["hours_per_week"],
            when=tuple(availability.get("when") or ()),
            start=parse_date(availability.get("from")),
            until=parse_date(availability.get("until")),
        ),
        languages=tuple(data["languages"]),
        contact=Contact(**{key: contact.get(key, "") for key in ("email", "website", "mastodon", "bluesky")}),
        endorses=tuple(data.get("endorses") or ()),
        endorses_at=tuple(document.position(("endorses", i)) for i in range(len(data.get("endorses") or ()))),
    )


def github_collisions(volunteers: list[Volunteer], root: Path | None = None) -> list[Problem]:
    """Two profiles claiming the same forge login (whatever the case) are both refused.

    Each is reported at its ``github:`` line (read from ``root``), naming the other file, so a
    pull request that adds the second profile gets the note on its own file.
    """
    by_login: dict[str, list[Volunteer]] = {}
    for volunteer in sorted(volunteers, key=lambda v: v.path):
        by_login.setdefault(volunteer.github.casefold(), []).append(volunteer)
    found: list[Problem] = []
    for claimants in by_login.values():
        for volunteer in claimants if len(claimants) > 1 else ():
            others = ", ".join(f"'{other.path}'" for other in claimants if other is not volunteer)
            line, col = _key_position(root, volunteer.path, "github")
            found.append(problem(P.CASE_COLLISION, volunteer.path, line, col,
                                 _("The login '%(login)s' also owns %(others)s.") % {"login": volunteer.github,
                                                                                     "others": others},
                                 _("One profile per person: merge the two files, or correct the login.")))
    return found


def ended_availability(volunteers: list[Volunteer], root: Path, today: dt.date) -> list[Problem]:
    """A JU113 warning for each profile whose ``availability.until`` is before ``today``, at that line.

    Not part of :func:`volunteer_from_text`, whose problems are cached with the file's text:
    this one changes with the day, not with the file.
    """
    found: list[Problem] = []
    for volunteer in volunteers:
        until = volunteer.availability.until
        if until is None or until >= today:
            continue
        text = read_text(root, volunteer.path)[0]
        document = load_yaml(text or "", volunteer.path, what="profile")[0]
        line, col = document.position(("availability", "until")) if document else (0, 0)
        found.append(problem(P.AVAILABILITY_ENDED, volunteer.path, line, col,
                             _("'until' is %(date)s, a day already past: the directory shows this person "
                               "as no longer available.") % {"date": until.isoformat()},
                             _("To go on helping, change 'until' to a later date, or remove the line if there is no "
                               "end date.")))
    return found


def _key_position(root: Path | None, relative: str, key: str) -> tuple[int, int]:
    """The line and column of a top-level ``key:`` in a profile, or (0, 0) if it cannot be read."""
    text, _ = read_text(root, relative) if root is not None else (None, [])
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number, 1
    return 0, 0


@dataclass(frozen=True, slots=True)
class PublishedField:
    """One key a profile may hold, as the privacy page lists it: everything a profile holds is published."""

    name: str  # dotted for nested keys: location.place, skills[].level
    description: str
    required: bool


def published_fields(root: Path) -> list[PublishedField]:
    """Every key the profile schema allows, in schema order, with its description.

    Read from ``volunteers/schema.json`` itself, so the privacy page cannot fall behind what
    the checker accepts. Returns [] when the schema cannot be read (``check`` says why).
    """
    text, _ = read_text(root, PROFILE_SCHEMA_FILE)
    try:
        schema = json.loads(text) if text is not None else {}
    except ValueError:
        return []
    found: list[PublishedField] = []

    def walk(node: dict, prefix: str) -> None:
        required = set(node.get("required", ()))
        for key, value in node.get("properties", {}).items():
            name = prefix + key
            found.append(PublishedField(name, value.get("description", ""), key in required))
            walk(value, name + ".")
            items = value.get("items")
            if isinstance(items, dict):
                for shape in [items, *items.get("anyOf", ())]:
                    walk(shape, name + "[].")
    walk(schema, "")
    return found
