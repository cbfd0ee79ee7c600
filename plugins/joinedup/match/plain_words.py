"""A search typed in plain words, read as the filters it names.

``search video editor remote 4 hours this month`` means ``--skill video-editing --remote
--min-hours 4 --until <end of month>``: :func:`read_plain_words` finds
in the words a skill (its id, label or an alias, word endings aside: "editor" is "editing"), a
region (id or label), "remote", a number of hours and a time ("now", "this week", "this
month", "next month"; in French too: "à distance", "4 heures", "ce mois-ci"), and keeps the
other words as words to look for. The command line says what it understood as flags, so the
next search can be typed that way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from joinedup.match.search import Filters

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ings", "ing", "ers", "ors", "er", "or", "ion", "s")
# English and French, accents aside: a French site's organisers type "à distance, ce mois-ci".
_REMOTE = {"remote", "remotely", "online", "distance", "distanciel", "teletravail"}
_HOURS = {"h", "hr", "hrs", "hour", "hours", "heure", "heures"}
# A time: (first word, second word) -> "this" or "next" and "week" or "month".
_TIMES = {("this", "week"): ("this", "week"), ("this", "month"): ("this", "month"),
          ("next", "week"): ("next", "week"), ("next", "month"): ("next", "month"),
          ("cette", "semaine"): ("this", "week"), ("ce", "mois"): ("this", "month"),
          ("semaine", "prochaine"): ("next", "week"), ("mois", "prochain"): ("next", "month")}
_NOW = {"now", "today", "maintenant", "aujourd"}
# Words that join the others and name nothing ("4 hours a week", "someone in Wales").
_JOINING = {"a", "an", "the", "in", "per", "week", "weekly", "for", "who", "can", "and", "with", "someone",
            "people", "person", "help", "helper", "available", "par", "semaine", "hebdo", "de", "du", "des", "en",
            "et", "avec", "pour", "qui", "peut", "quelqu", "un", "une", "le", "la", "les", "dans", "ci", "hui",
            "personne", "disponible", "aide", "aider"}


@dataclass(frozen=True, slots=True)
class PlainWords:
    """What a query in plain words asks for: the filters it names and the words left."""

    filters: Filters
    words: str = ""

    @property
    def understood(self) -> bool:
        return self.filters != Filters()

    def flags(self) -> str:
        """The flags of ``search`` that ask the same: ``--skill video-editing --remote …``."""
        wanted = self.filters
        parts = [f"--skill {skill}" for skill in wanted.skills]
        if wanted.region:
            parts.append(f"--region {wanted.region}")
        if wanted.remote:
            parts.append("--remote")
        if wanted.min_hours:
            parts.append(f"--min-hours {wanted.min_hours}")
        if wanted.available_on:
            parts.append(f"--available-on {wanted.available_on.isoformat()}")
        if wanted.start:
            parts.append(f"--from {wanted.start.isoformat()}")
        if wanted.until:
            parts.append(f"--until {wanted.until.isoformat()}")
        if self.words:
            parts.insert(0, f'"{self.words}"' if " " in self.words else self.words)
        return " ".join(parts)


def _plain(text: str) -> list[str]:
    text = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return _WORD.findall(text)


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _names(taxonomy) -> dict[tuple[str, ...], tuple[str, str]]:
    """The stems of every way to name a skill or region → ('skill' or 'region', id)."""
    names: dict[tuple[str, ...], tuple[str, str]] = {}
    for region in taxonomy.regions.values():
        for name in (region.id, region.label):
            names.setdefault(tuple(map(_stem, _plain(name))), ("region", region.id))
    for skill in taxonomy.skills.values():
        for name in (skill.id, skill.label, *skill.aliases):
            names.setdefault(tuple(map(_stem, _plain(name))), ("skill", skill.id))
    return names


def read_plain_words(query: str, taxonomy, today: dt.date) -> PlainWords:
    """The filters ``query`` names in plain words, and the words left to look for."""
    tokens = _plain(query)
    names = _names(taxonomy)
    longest = max((len(name) for name in names), default=1)
    skills: list[str] = []
    region = None
    remote = False
    hours = 0
    available_on = until = start = None
    left: list[str] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        hours_here = re.fullmatch(r"(\d{1,2})(h|hrs?|hours?)?", token)
        if hours_here and (hours_here[2] or following in _HOURS):
            hours = int(hours_here[1])
            position += 1 if hours_here[2] else 2
            continue
        if token in _REMOTE:
            remote = True
            position += 1
            continue
        if (token, following) in _TIMES:
            # "This month" is the window from today to its end, not a day everyone must be
            # available on: someone starting on the 14th helps with part of it (ranked so).
            which, span = _TIMES[token, following]
            start, until = _window(which, span, today)
            start = start if which == "next" else None  # "this": from the build date, as any window
            position += 2
            continue
        if token in _NOW:
            available_on = today
            position += 1
            continue
        for size in range(min(longest, len(tokens) - position), 0, -1):
            found = names.get(tuple(map(_stem, tokens[position:position + size])))
            if found:
                kind, ident = found
                if kind == "skill" and ident not in skills:
                    skills.append(ident)
                elif kind == "region":
                    region = ident
                position += size
                break
        else:
            if token not in _JOINING:
                left.append(token)
            position += 1
    return PlainWords(Filters(tuple(skills), region, remote, hours, available_on, until, start), " ".join(left))


def _window(which: str, span: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if span == "week":
        start = today if which == "this" else today + dt.timedelta(days=7 - today.weekday())
        return start, start + dt.timedelta(days=6 - start.weekday())
    if which == "this":
        start = today
    else:
        start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
