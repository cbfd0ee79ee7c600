"""References from one file to ids defined elsewhere: people, proposals, groups, skills, themes.

Each unknown id becomes a Problem at the line of the item that names it, with a "did you
mean" when a known id is close. Shared by proposals, groups and profiles' endorsements.
"""

from __future__ import annotations

from typing import Iterable

from joinedup.core import problems as P
from joinedup.core.i18n import N_, gettext as _
from joinedup.core.model import Taxonomy
from joinedup.core.problems import Problem, problem
from joinedup.load.taxonomy import suggest, unknown_entry
from joinedup.load.yamlsource import YamlDocument


def items(document: YamlDocument, key) -> list[tuple[tuple, str]]:
    """``(path, value)`` of each text item of the list at ``key`` (a key or a path)."""
    where = key if isinstance(key, tuple) else (key,)
    value = document.data
    for part in where:
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return [(where, value)]
    if not isinstance(value, list):
        return []
    return [(where + (index,), item) for index, item in enumerate(value) if isinstance(item, str)]


# What unknown_people says for each role a person can have in a proposal or a group.
_UNKNOWN_PERSON = {
    "author": N_("Unknown author '%(person)s': there is no volunteers/%(person)s.yaml."),
    "core team member": N_("Unknown core team member '%(person)s': there is no volunteers/%(person)s.yaml."),
    "member": N_("Unknown member '%(person)s': there is no volunteers/%(person)s.yaml."),
    "person": N_("Unknown person '%(person)s': there is no volunteers/%(person)s.yaml."),
}


def unknown_people(document: YamlDocument, key, path: str, known: Iterable[str], role: str) -> list[Problem]:
    """JU403 for each id under ``key`` that is not a profile in volunteers/."""
    if not isinstance(known, (set, frozenset)):  # the caller's set as it is: no copy of every id per proposal
        known = set(known)
    found = []
    for where, person in items(document, key):
        if person not in known:
            line, col = document.position(where)
            found.append(problem(
                P.UNKNOWN_PERSON, path, line, col,
                _(_UNKNOWN_PERSON.get(role, _UNKNOWN_PERSON["person"])) % {"person": person}
                + suggest(person, known),
                _("Use the id of a profile (its file name in volunteers/ without .yaml). "
                  "Someone without a profile can add one first: 'python tasks.py new profile'."),
            ))
    return found


def unknown_themes(document: YamlDocument, key, path: str, taxonomy: Taxonomy) -> list[Problem]:
    found = []
    for where, theme in items(document, key):
        if theme not in taxonomy.themes:
            line, col = document.position(where)
            found.append(unknown_entry(P.UNKNOWN_THEME, path, line, col, theme, taxonomy.themes))
    return found


def unknown_skill(document: YamlDocument, where: tuple, skill: str, path: str, taxonomy: Taxonomy) -> list[Problem]:
    if skill in taxonomy.skills:
        return []
    line, col = document.position(where)
    return [unknown_entry(P.UNKNOWN_SKILL, path, line, col, skill, taxonomy.skills, taxonomy.aliases)]


def unknown_region(document: YamlDocument, where: tuple, region: str, path: str, taxonomy: Taxonomy) -> list[Problem]:
    if region in taxonomy.regions:
        return []
    line, col = document.position(where)
    return [unknown_entry(P.UNKNOWN_REGION, path, line, col, region, taxonomy.regions)]
