"""The words a person is found by: one list, for the search page (the facet files' vocabulary,
joinedup.render.facets) and for ``search`` in a terminal (the Whoosh index, joinedup.match.search).

A profile's words are those of its name, headline, place, region, skills (labels and aliases),
themes and bio, cut at anything but a letter or a digit, lower case, accents removed, of two
characters or more; a bio's link targets and bare addresses give none ("https", "org"). A query is
cut the same way, and both sides look a word up whole, but the last one, which may be the start
of a word still being typed (:func:`completions`). No stemming: "editor" does not find "editing",
on the page or in the terminal, so the two always list the same people.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Markdown link targets and bare addresses in a bio: their pieces ("https", "org") are not words.
_ADDRESS = re.compile(r"\]\([^)]*\)|<[^>]*>|\b(?:https?://|www\.)\S+")
# How many completions of a word still being typed are looked up, the commonest first (search.js too).
COMPLETIONS = 30


def words_of(text: str) -> list[str]:
    """Lower-case words of two or more letters or digits, accents removed (as search.js does)."""
    if text.isascii():  # most text: nothing to take accents off
        plain = text
    else:
        plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return [word for word in _NOT_WORD.split(plain.lower()) if len(word) >= 2]


def searchable_text(volunteer, taxonomy) -> str:
    """The text of a profile that searches read (never its contact details)."""
    parts = [volunteer.name, volunteer.headline, volunteer.place]
    region = taxonomy.regions.get(volunteer.region)
    parts.append(region.label if region else "")
    for skill_id in volunteer.skill_ids:
        skill = taxonomy.skills.get(skill_id)
        if skill:
            parts += [skill.label, *skill.aliases]
    parts += [taxonomy.themes[t].label for t in volunteer.themes if t in taxonomy.themes]
    parts.append(_ADDRESS.sub(" ", volunteer.bio or ""))
    return " ".join(parts)


def profile_words(volunteer, taxonomy) -> list[str]:
    """The distinct words a profile is found by, in the order they come."""
    return list(dict.fromkeys(words_of(searchable_text(volunteer, taxonomy))))


def completions(word: str, known: Iterable[tuple[str, int]]) -> list[str]:
    """The known words ``word`` may be the start of, the COMPLETIONS most common (then in the
    order ``known`` gives them: alphabetical), from ``known`` (word, number of people) pairs."""
    found = [(text, count) for text, count in known if text.startswith(word)]
    found.sort(key=lambda pair: -pair[1])  # stable: ties stay alphabetical, as in search.js
    return [text for text, _ in found[:COMPLETIONS]]
