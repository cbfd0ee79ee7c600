"""The movement's settings: ``site.yaml`` at the root of the repository.

One documented, validated place for what makes a fork the movement's own: name, tagline,
logo, accent colour, interface language, forge, maintainers, stale-profile months and the
takedown contact. ``pelicanconf.py`` reads it through :func:`pelican_settings`, so the rest
of the code keeps reading the Pelican setting names (SITENAME, FORGE_URL, ...); ``check``
and ``build`` report its mistakes with file and line like any other file's.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from joinedup.core import problems as P
from joinedup.core.i18n import N_, activate, format_number, gettext as _
from joinedup.core.problems import Problem, problem
from joinedup.load.files import read_text
from joinedup.load.schema import load_validator, validate
from joinedup.load.yamlsource import load_yaml

SITE_FILE = "site.yaml"
SCHEMA = Path(__file__).with_name("site.schema.json")
LANGUAGES = ("en", "fr")
# The theme's backgrounds the accent colour meets: it fills the header under white text
# (--accent-ink) and colours links on the page (--paper) and on cards and panels (--wash).
# Keep in step with themes/joinedup/static/css/site.css.
ACCENT_MEETS = {"#ffffff": N_("white text in the header and the page's background"),
                "#f4f3ef": N_("the cards' background")}
AA_NORMAL_TEXT = 4.5
# The tagline init proposes in each language, until the movement writes its own.
TAGLINES = {
    "en": "People willing to help, and the policies we are making together, in the open.",
    "fr": "Les personnes prêtes à aider, et les propositions que nous écrivons ensemble, au grand jour.",
}


# The largest exchange file a pool may send unless site.yaml says otherwise (a 100k-profile pool's
# data/pool.json is about 35 MB).
POOL_MEGABYTES = 40
# Seconds to wait for a pool to answer or send more (a whole file may take five times that).
POOL_TIMEOUT = 10


@dataclass(frozen=True, slots=True)
class Pool:
    """Another Joined Up site this one draws on (``pools:`` in site.yaml, docs/federation.md)."""

    name: str                 # the id messages and pooled ids use: national:ada-lovelace
    title: str                # what pages show: "from <title>"
    url: str                  # the site's public address, without a trailing slash
    people: bool = True
    needs: bool = True
    max_bytes: int = POOL_MEGABYTES * 1_000_000
    timeout: int = POOL_TIMEOUT


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """A movement's settings; every field has the example site's value as its default."""

    name: str = "Joined Up"
    tagline: str = "People willing to help, and the policies we are making together, in the open."
    logo: str = ""
    accent: str = "#0b5d4b"
    language: str = "en"
    timezone: str = "Europe/London"
    forge_url: str = "https://github.com/joinedup-example/joinedup"
    forge_branch: str = "main"
    maintainers: tuple[str, ...] = ("joinedup-maintainer",)
    stale_months: int = 12
    takedown_contact: str = "mailto:privacy@joinedup.example"
    pools: tuple[Pool, ...] = ()


def use_site_language(root: Path | str) -> None:
    """Speak the language ``root/site.yaml`` names (English if it cannot be read) from now on:
    for what a command prints before or without loading the repository."""
    activate(load_settings(root)[0].language)


def load_settings(root: Path | str) -> tuple[SiteSettings, list[Problem]]:
    """The settings in ``root/site.yaml`` and the problems found in it.

    A value with a problem is replaced by its default (so Pelican can still start and say
    what is wrong); the problems stop ``build``. No ``site.yaml`` means every default.
    """
    root = Path(root)
    if not (root / SITE_FILE).exists() and not (root / SITE_FILE).is_symlink():
        return SiteSettings(), []
    text, found = read_text(root, SITE_FILE)
    if text is None:
        return SiteSettings(), found
    return settings_from_text(root, text)


def settings_from_text(root: Path | str, text: str) -> tuple[SiteSettings, list[Problem]]:
    """The settings a ``site.yaml`` holding ``text`` would give, and its problems (``init``
    checks what it is about to write this way, before it changes anything)."""
    root = Path(root)
    document, found = load_yaml(text, SITE_FILE)
    if document is None:
        return SiteSettings(), found
    found = validate(document, load_validator(str(SCHEMA)), SITE_FILE)
    bad = {p.line for p in found}
    data = document.data

    def good(*path):
        """The value at ``path`` if no problem points at its line, else None."""
        value = data
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return None if document.position(path)[0] in bad else value

    values = {
        "name": good("name"), "tagline": good("tagline"), "logo": good("logo"), "accent": good("accent"),
        "language": good("language"), "timezone": good("timezone"), "forge_url": good("forge", "url"),
        "forge_branch": good("forge", "branch"), "stale_months": good("stale_months"),
        "takedown_contact": good("takedown_contact"),
    }
    maintainers = good("maintainers")
    if maintainers is not None:
        values["maintainers"] = tuple(maintainers)
    pools = good("pools")
    if pools is not None:
        values["pools"], more = _pools(pools, document, bad)
        found += more
    settings = SiteSettings(**{k: v for k, v in values.items() if v is not None})

    if values["accent"] is not None:
        found += _contrast_problems(settings.accent, *document.position(("accent",)))
    if values["timezone"] is not None:
        found += _timezone_problems(settings.timezone, *document.position(("timezone",)))
        if not known_timezone(settings.timezone):
            settings = SiteSettings(**{**_as_dict(settings), "timezone": SiteSettings().timezone})
    if values["logo"] is not None:
        found += _logo_problems(root, settings.logo, *document.position(("logo",)))
        if any(p.code == P.MISSING_FILE.id for p in found):
            settings = SiteSettings(**{**_as_dict(settings), "logo": ""})
    return settings, sorted(found)


def _pools(listed: list, document, bad: set[int]) -> tuple[tuple[Pool, ...], list[Problem]]:
    """The pools site.yaml names, and a problem for each name or address given twice. A pool
    with a problem (on one of ``bad`` lines, or repeated) is left out."""
    pools, found, seen = [], [], {}
    for number, item in enumerate(listed):
        lines = {document.position(("pools", number, key))[0] for key in (*item, "")}
        if lines & bad:
            continue
        take = item.get("take", ("people", "needs"))
        pool = Pool(item["name"], item.get("title") or item["name"], item["url"].rstrip("/"),
                    "people" in take, "needs" in take, item.get("max_megabytes", POOL_MEGABYTES) * 1_000_000,
                    item.get("timeout_seconds", POOL_TIMEOUT))
        repeated = False
        for key, value in (("name", pool.name), ("url", pool.url)):
            if (key, value) in seen:
                repeated = True
                line, col = document.position(("pools", number, key))
                found.append(problem(P.DUPLICATE_ITEM, SITE_FILE, line, col,
                                     _("The pool '%(value)s' is named twice (first as pool %(first)d).")
                                     % {"value": value, "first": seen[(key, value)] + 1},
                                     _("Give each pool its own name and address; remove the repeat.")))
            seen.setdefault((key, value), number)
        if not repeated:
            pools.append(pool)
    return tuple(pools), found


def _as_dict(settings: SiteSettings) -> dict:
    return {f.name: getattr(settings, f.name) for f in fields(settings)}


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The dark scheme's backgrounds and the text drawn on the accent (themes/joinedup/static/css/site.css).
DARK_BACKGROUNDS = ("#141517", "#23252a")
DARK_ACCENT_INK = "#0b1f1a"


def dark_accent(accent: str) -> str:
    """The accent for the dark scheme: ``accent`` mixed with white until it reaches AA on the dark
    backgrounds and under the dark text of buttons, so a movement's colour stays its own at night."""
    red, green, blue = (int(accent[i:i + 2], 16) for i in (1, 3, 5))
    for step in range(21):
        share = step / 20
        mixed = "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in (red, green, blue))
        if all(contrast_ratio(mixed, other) >= AA_NORMAL_TEXT for other in (*DARK_BACKGROUNDS, DARK_ACCENT_INK)):
            return mixed
    return "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index:index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def accent_problems(accent: str) -> list[Problem]:
    """What is wrong with ``accent`` as the site's accent colour (for ``init``, before it writes)."""
    return _contrast_problems(accent, 0, 0)


def known_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone (Europe/Paris); True when this machine has no
    time zone database to tell. Reads one file, not the list of every zone (which walks the
    whole database)."""
    import zoneinfo

    if "/" not in name:  # "Paris" is not a zone, "UTC" and "Japan" are: ask the whole list
        zones = _timezones()
        return not zones or name in zones
    try:
        zoneinfo.ZoneInfo(name)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return not _timezones()


def timezone_suggestion(name: str) -> str | None:
    """The time zone a mistyped or partial name most likely means: ``Paris`` → ``Europe/Paris``."""
    import difflib

    zones = _timezones()
    key = name.strip().replace(" ", "_").lower()
    by_city = {zone.rsplit("/", 1)[-1].lower(): zone for zone in sorted(zones)}
    if key in by_city:
        return by_city[key]
    close = difflib.get_close_matches(key, [z.lower() for z in zones] + list(by_city), n=1, cutoff=0.75)
    if not close:
        return None
    return by_city.get(close[0]) or next(z for z in zones if z.lower() == close[0])


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    """Every zone this machine knows (read only when a name is not found as one file)."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _timezone_problems(name: str, line: int, col: int) -> list[Problem]:
    if known_timezone(name):
        return []
    suggestion = timezone_suggestion(name)
    return [problem(P.INVALID_VALUE, SITE_FILE, line, col, _("Unknown time zone '%s'.") % name,
                    _("Did you mean '%s'?") % suggestion if suggestion else
                    _("Write an IANA time zone name, Region/City, such as Europe/Paris or America/Montreal."))]


def _contrast_problems(accent: str, line: int, col: int) -> list[Problem]:
    found = []
    for background, where in ACCENT_MEETS.items():
        ratio = contrast_ratio(accent, background)
        if ratio < AA_NORMAL_TEXT:
            found.append(problem(
                P.LOW_CONTRAST, SITE_FILE, line, col,
                _("The accent colour %(accent)s has a contrast of %(ratio)s:1 against %(background)s (%(where)s); "
                  "WCAG AA needs at least %(needed)s:1.")
                % {"accent": accent, "ratio": format_number(round(ratio, 2)), "background": background,
                   "where": _(where), "needed": format_number(AA_NORMAL_TEXT)},
                _("Choose a darker shade of the colour (for example halve its lightness in a colour picker)."),
            ))
            break
    return found


def _logo_problems(root: Path, logo: str, line: int, col: int) -> list[Problem]:
    relative = f"content/{logo}"
    path = root / relative
    if path.is_symlink() or not path.is_file():
        return [problem(P.MISSING_FILE, SITE_FILE, line, col,
                        _("The logo '%(logo)s' is not a file: put it at %(path)s.") % {"logo": logo, "path": relative},
                        _("Add the image to content/images/ (svg, png or webp), or remove the 'logo' line."))]
    return []


def pelican_settings(root: Path | str) -> dict:
    """The Pelican settings that ``site.yaml`` gives, under the names the rest of the code reads."""
    settings, _ = load_settings(root)
    return {
        "SITENAME": settings.name,
        "AUTHOR": settings.name,
        "SITESUBTITLE": settings.tagline,
        "DEFAULT_LANG": settings.language,
        "TIMEZONE": settings.timezone,
        "FORGE_URL": settings.forge_url,
        "FORGE_BRANCH": settings.forge_branch,
        "JOINEDUP_MAINTAINERS": list(settings.maintainers),
        "JOINEDUP_STALE_MONTHS": settings.stale_months,
        "JOINEDUP_TAKEDOWN_CONTACT": settings.takedown_contact,
        "JOINEDUP_ACCENT": settings.accent,
        "JOINEDUP_LOGO": settings.logo,
        # Text, not a list: the pages' fingerprints cover the settings that are plain values.
        "JOINEDUP_POOLS": json.dumps([{"name": p.name, "title": p.title, "url": p.url, "people": p.people,
                                       "needs": p.needs} for p in settings.pools]),
    }


def settings_text(settings: SiteSettings) -> str:
    """The text of a ``site.yaml`` holding ``settings``, with a comment on each key."""
    from joinedup.load.yamlsource import quoted

    logo = f"logo: {quoted(settings.logo)}" if settings.logo else "# logo: images/logo.svg"
    maintainers = ", ".join(quoted(m) for m in settings.maintainers)
    return f"""# yaml-language-server: $schema=plugins/joinedup/load/site.schema.json
# Your movement's settings: `python tasks.py init` writes this file, `python tasks.py check`
# validates it, and pelicanconf.py reads it. docs/maintainers.md describes every key.
name: {quoted(settings.name)}
tagline: {quoted(settings.tagline)}
{logo}{' ' * max(1, 33 - len(logo))}# a file in content/images/ (svg, png or webp)
accent: "{settings.accent}"                # header and links; must reach WCAG AA contrast (4.5:1) on white
language: {settings.language}                     # the interface's language: en or fr
timezone: {quoted(settings.timezone)}
forge:
  url: {quoted(settings.forge_url)}
  branch: {quoted(settings.forge_branch)}
# Forge logins who may approve any change and review profiles; keep .github/CODEOWNERS in step.
maintainers: [{maintainers}]
# A profile not committed for this many months is marked "not confirmed recently".
stale_months: {settings.stale_months}
# Where someone writes to have their profile removed, history included (docs/takedown.md).
takedown_contact: {quoted(settings.takedown_contact)}
"""


def template_cache(root: str):
    """Jinja's compiled templates, kept between builds in ``jinja`` of the repository's cache
    folder: compiled code is run as it is read, so it never comes from the work tree."""
    from jinja2 import FileSystemBytecodeCache

    from joinedup.core.buildcache import cache_dir

    folder = str(cache_dir(root) / "jinja")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None  # a read-only checkout compiles templates on every build, as before
    return FileSystemBytecodeCache(folder)
