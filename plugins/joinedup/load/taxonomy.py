"""Load the movement's taxonomies: ``data/skills.yaml``, ``data/regions.yaml``, ``data/themes.yaml``.

A fork edits these to fit its own movement, so mistakes in them are reported like any
other contributor mistake, with file and line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from joinedup.core import problems as P
from joinedup.core.i18n import N_, gettext as _
from joinedup.core.model import Region, Skill, SkillGroup, Taxonomy, Theme
from joinedup.core.problems import Problem, problem
from joinedup.load.files import read_text
from joinedup.load.yamlsource import YamlDocument, load_yaml

SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
DATA_MAX_BYTES = 1024 * 1024


def suggest(word: str, choices, *, n: int = 1) -> str:
    """' Did you mean 'x'?' for the closest choice, or ''."""
    guesses = difflib.get_close_matches(str(word).lower(), list(choices), n=n, cutoff=0.6)
    if not guesses:
        return ""
    return " " + _("Did you mean %(choices)s?") % {"choices": _(" or ").join(_("'%(key)s'") % {"key": g}
                                                                               for g in guesses)}


def folded(word: str) -> str:
    """``Montage vidéo`` → ``montage-video``: a word with case, accents, spaces and punctuation
    set aside, so that an id, a label and an alias can be compared as a person types them."""
    text = unicodedata.normalize("NFKD", str(word).casefold())
    text = "".join(character for character in text if not unicodedata.combining(character))
    return re.sub(r"[\W_]+", "-", text).strip("-")


def closest(word: str, entries: Mapping, aliases: Mapping[str, str] = MappingProxyType({})) -> str | None:
    """The id of the entry ``word`` names: by its id, its label (in the site's language) or an
    alias, whatever the case and accents (``Montage vidéo`` → ``video-editing``); failing that,
    the entry whose id, label or alias is closest in spelling; None when nothing is close.

    ``entries`` maps ids to objects with a ``label`` (skills, regions, themes). Only called for
    a word that is not an id, so its cost (a pass over the taxonomy) is paid by mistakes alone.
    """
    names: dict[str, str] = {}
    for id, entry in entries.items():
        names.setdefault(folded(id), id)
        names.setdefault(folded(getattr(entry, "label", id)), id)
    for alias, id in aliases.items():
        names.setdefault(folded(alias), id)
    key = folded(word)
    if key in names:
        return names[key]
    guesses = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    return names[guesses[0]] if guesses else None


# What each taxonomy's unknown id is called, and where the person finds the ids to write.
_UNKNOWN = {
    P.UNKNOWN_SKILL.id: (
        N_("Unknown skill '%(word)s'."),
        N_("Unknown skill '%(word)s'. Did you mean '%(id)s' (%(label)s)?"),
        N_("Write the id of the skill, not its label: the site's Skills page (/skills/) shows each skill's id "
           "under its label, and data/skills.yaml lists them."),
    ),
    P.UNKNOWN_THEME.id: (
        N_("Unknown theme '%(word)s'."),
        N_("Unknown theme '%(word)s'. Did you mean '%(id)s' (%(label)s)?"),
        N_("Write the id of the theme, not its label: the site's Themes page (/themes/) shows each theme's id "
           "under its label, and data/themes.yaml lists them."),
    ),
    P.UNKNOWN_REGION.id: (
        N_("Unknown region '%(word)s'."),
        N_("Unknown region '%(word)s'. Did you mean '%(id)s' (%(label)s)?"),
        N_("Write the id of the region, not its name: the site's Regions page (/regions/) shows each region's id "
           "under its name, and data/regions.yaml lists them."),
    ),
}


def unknown_entry(code, path: str, line: int, col: int, word: str, entries, aliases=MappingProxyType({})) -> Problem:
    """JU101, JU102 or JU103 for ``word``, an unknown skill, region or theme, with the id it was
    probably meant to be (:func:`closest`: the one whose label or alias it is, in the site's
    language, ``Montage vidéo`` → ``video-editing``, or the nearest in spelling) and where the
    ids are shown. A suggestion, not an acceptance: files keep the canonical id."""
    if " - " in word:  # "- python", then "   - copywriting" further in: YAML reads "python - copywriting"
        return problem(code, path, line, col,
                       _("'%(word)s' is read as one item: a line starting with '- ' that is indented further than "
                         "the line above continues it.") % {"word": word},
                       _("Start every '- ' of the list at the same column, one item a line."))
    unknown, suggestion, hint = _UNKNOWN[code.id]
    guess = closest(word, entries, aliases)
    if guess is None:
        return problem(code, path, line, col, _(unknown) % {"word": word}, _(hint))
    return problem(code, path, line, col, _(suggestion) % {"word": word, "id": guess, "label": entries[guess].label},
                   _(hint))


def load_taxonomy(root: Path) -> tuple[Taxonomy, list[Problem]]:
    """Read the three taxonomy files under ``root/data``; returns what could be read and the problems."""
    found: list[Problem] = []
    skills_doc = _load(root, "data/skills.yaml", found)
    regions_doc = _load(root, "data/regions.yaml", found)
    themes_doc = _load(root, "data/themes.yaml", found)

    groups = _entries(skills_doc, "groups", ("id", "label"), ("description",), "data/skills.yaml", found)
    skill_entries = _entries(
        skills_doc, "skills", ("id", "label", "group"), ("aliases", "renamed_from", "description"), "data/skills.yaml", found
    )
    region_entries = _entries(regions_doc, "regions", ("id", "label"), (), "data/regions.yaml", found)
    theme_entries = _entries(themes_doc, "themes", ("id", "label"), ("description",), "data/themes.yaml", found)

    skill_groups = {e["id"]: SkillGroup(e["id"], e["label"], e.get("description", "")) for e, _ in groups}
    skills: dict[str, Skill] = {}
    aliases: dict[str, str] = {}
    for entry, where in skill_entries:
        line, col = where
        if entry["group"] not in skill_groups:
            found.append(
                problem(
                    P.BAD_TAXONOMY,
                    "data/skills.yaml", line, col,
                    _("Skill '%(id)s' is in group '%(group)s', which is not listed under 'groups'.")
                    % {"id": entry["id"], "group": entry["group"]} + suggest(entry["group"], skill_groups),
                    _("Use the id of one of the groups at the top of the file, or add the group."),
                )
            )
        raw_aliases = entry.get("aliases", []) or []
        if not isinstance(raw_aliases, list) or not all(isinstance(a, str) for a in raw_aliases):
            found.append(
                problem(P.BAD_TAXONOMY, "data/skills.yaml", line, col,
                        _("Skill '%(id)s': 'aliases' must be a list of words.") % {"id": entry["id"]},
                        _("Write aliases: [word, other-word]."))
            )
            raw_aliases = []
        for alias in raw_aliases:
            key = alias.strip().lower().replace(" ", "-")
            if key in aliases or key in skills or key == entry["id"]:
                found.append(
                    problem(P.BAD_TAXONOMY, "data/skills.yaml", line, col,
                            _("The alias '%(alias)s' of skill '%(id)s' is already used by another skill.")
                            % {"alias": alias, "id": entry["id"]},
                            _("Each alias must point to one skill only."))
                )
                continue
            aliases[key] = entry["id"]
        skills[entry["id"]] = Skill(
            entry["id"], entry["label"], entry["group"],
            tuple(raw_aliases), entry.get("description", "") or "",
        )
    for alias in [a for a in aliases if a in skills]:
        del aliases[alias]
    renamed = _renamed(skill_entries, skills, found)

    taxonomy = Taxonomy(
        skill_groups=MappingProxyType(skill_groups),
        skills=MappingProxyType(skills),
        regions=MappingProxyType({e["id"]: Region(e["id"], e["label"]) for e, _ in region_entries}),
        themes=MappingProxyType(
            {e["id"]: Theme(e["id"], e["label"], e.get("description", "") or "") for e, _ in theme_entries}
        ),
        aliases=MappingProxyType(aliases),
        renamed=MappingProxyType(renamed),
    )
    return taxonomy, found


def _renamed(skill_entries, skills, found) -> dict[str, str]:
    """Old id → new id, from each skill's ``renamed_from`` list; an old id may not still be a skill."""
    renamed: dict[str, str] = {}
    for entry, (line, col) in skill_entries:
        old_ids = entry.get("renamed_from") or []
        if not isinstance(old_ids, list) or not all(isinstance(o, str) and SLUG.match(o) for o in old_ids):
            found.append(problem(P.BAD_TAXONOMY, "data/skills.yaml", line, col,
                                 _("Skill '%(id)s': 'renamed_from' must be a list of former ids.") % {"id": entry["id"]},
                                 _("Write renamed_from: [old-id] with the ids the skill had before.")))
            continue
        for old in old_ids:
            if old in skills or old in renamed:
                found.append(problem(P.BAD_TAXONOMY, "data/skills.yaml", line, col,
                                     _("Skill '%(id)s' was renamed from '%(old)s', which is still a skill "
                                       "or the former id of another.") % {"id": entry["id"], "old": old},
                                     _("Each former id belongs to one skill only.")))
                continue
            renamed[old] = entry["id"]
    return renamed


def _load(root: Path, relative: str, found: list[Problem]) -> YamlDocument | None:
    text, problems = read_text(root, relative, max_bytes=DATA_MAX_BYTES)
    found.extend(problems)
    if text is None:
        return None
    document, problems = load_yaml(text, relative)
    found.extend(problems)
    return document


def _entries(document, key, required, optional, path, found):
    """The list under ``key``: each entry a dict with the required keys and a slug id."""
    if document is None:
        return []
    items = document.data.get(key)
    if not isinstance(items, list):
        line, col = document.position((key,))
        found.append(
            problem(P.BAD_TAXONOMY, path, line, col, _("'%(key)s' must be a list of entries.") % {"key": key},
                    _("Write '%(key)s:' followed by lines starting with '- id:'.") % {"key": key})
        )
        return []
    entries = []
    seen: set[str] = set()
    for index, entry in enumerate(items):
        line, col = document.position((key, index))
        if not isinstance(entry, dict):
            found.append(problem(P.BAD_TAXONOMY, path, line, col, _("Entry %(number)d of '%(key)s' is not a mapping.")
                                 % {"number": index + 1, "key": key}, _("Each entry has 'id:' and 'label:' lines.")))
            continue
        missing = [k for k in required if not isinstance(entry.get(k), str) or not entry.get(k)]
        unknown = [k for k in entry if k not in required and k not in optional]
        if missing or unknown:
            what = []
            if missing:
                what.append(_("missing %(keys)s") % {"keys": ", ".join(missing)})
            if unknown:
                what.append(_("unknown %(keys)s") % {"keys": ", ".join(unknown)})
            found.append(problem(P.BAD_TAXONOMY, path, line, col, _("Entry %(number)d of '%(key)s': %(what)s.")
                                 % {"number": index + 1, "key": key, "what": "; ".join(what)},
                                 _("Each entry needs %(required)s; it may have %(optional)s.")
                                 % {"required": ", ".join(required), "optional": ", ".join(optional) or _("nothing else")}))
            continue
        if not SLUG.match(entry["id"]):
            found.append(problem(P.BAD_TAXONOMY, path, line, col, _("The id '%(id)s' is not a slug.") % {"id": entry["id"]},
                                 _("Ids are lowercase letters, digits and hyphens, starting with a letter.")))
            continue
        if entry["id"] in seen:
            found.append(problem(P.BAD_TAXONOMY, path, line, col, _("The id '%(id)s' is listed twice.") % {"id": entry["id"]},
                                 _("Keep one entry per id.")))
            continue
        seen.add(entry["id"])
        entries.append((entry, (line, col)))
    return entries
