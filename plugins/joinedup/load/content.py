"""Markdown content with YAML front matter (proposals, groups): read, validate, build.

Both kinds go through the same steps; a :class:`ContentKind` says what differs: the file's
size cap, its schema, its cross-checks and how the model object is built.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from joinedup.core import problems as P
from joinedup.core.buildcache import load_memo, save_memo
from joinedup.core.i18n import active_language, gettext as _
from joinedup.core.markup import BODY_TAGS, remote_images
from joinedup.core.model import Known
from joinedup.core.problems import Problem, problem
from joinedup.load.complexity import check_complexity
from joinedup.load.files import read_text
from joinedup.load.frontmatter import split
from joinedup.load.privacy import check_body, check_body_privacy, check_text
from joinedup.load.schema import load_validator, validate
from joinedup.load.yamlsource import YamlDocument


@dataclass(frozen=True, slots=True)
class ContentKind:
    what: str
    max_bytes: int
    schema_file: Path
    # Front-matter keys whose ids the cross-check reports, with a "did you mean".
    leave_to_cross_checks: tuple[tuple[str, ...], ...]
    cross_check: Callable[[YamlDocument, str, Known], list[Problem]]
    # (front matter, path, body, body's first line) -> the model object.
    build: Callable[[YamlDocument, str, str, int], Any]
    # Whether an object built without validation can be used (thorough=False).
    usable: Callable[[Any], bool] = lambda item: True
    # Front-matter paths where an e-mail address belongs, and paths the privacy rules skip (URLs).
    email_allowed: frozenset = frozenset()
    exempt: frozenset = frozenset()
    # (body, path, body's first line) -> problems of the body that depend on the kind.
    body_check: Callable[[str, str, int], list[Problem]] = lambda body, path, line: []


def load_content(root: Path, relative: str, known: Known, kind: ContentKind, *, thorough: bool = True,
                 checks: ContentChecks | None = None):
    """Read, validate and build one file of ``kind``: (object or None, problems).

    The object is None when any error was found. With ``thorough=False`` (``check`` of other
    files on a pull request) the file is only parsed, for its ids and links: it was
    validated when it was merged. It is None if it cannot be built. ``checks``: the load's
    :class:`ContentChecks`, which may hold this text's checks already (none: checked here).
    """
    text, found = read_text(root, relative, max_bytes=kind.max_bytes)
    if text is None:
        return None, found
    if not thorough:
        parsed, found = split(text, relative, what=kind.what)
        if parsed is None:
            return None, found
        try:
            item = kind.build(parsed.front_matter, relative, parsed.body, parsed.body_line)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None, found
        return (item if kind.usable(item) else None), found
    parsed, found = (checks or ContentChecks()).checked(text, relative, kind)
    if parsed is None:
        return None, found
    # Cross-references depend on the other files, so they are checked on every load.
    found = found + kind.cross_check(parsed.front_matter, relative, known)
    if any(p.is_error for p in found):
        return None, found
    return kind.build(parsed.front_matter, relative, parsed.body, parsed.body_line), found


class ContentChecks:
    """What parsing, the schema and the privacy rules found in each file of one load, by the
    file's text: that depends on the text alone, so a rebuild that starts with the checks the
    last build kept (:meth:`recall`) redoes only the cross-checks of unchanged proposals.
    A load makes one and drops it; :meth:`remember` keeps the checks it used for the next."""

    def __init__(self, kept: dict | None = None):
        # (text hash, path, schema hash + language) -> (parsed, problems)
        self.found: dict[tuple[bytes, str, str], tuple] = dict(kept or {})
        self.used: dict[tuple[bytes, str, str], tuple] = {}

    @classmethod
    def recall(cls, root: Path) -> ContentChecks:
        """The checks the last build of ``root`` kept (tied to this library's code)."""
        return cls(load_memo(root, CHECKS))

    def remember(self, root: Path) -> None:
        """Keep the checks of the files loaded with these for the next build of ``root``."""
        save_memo(root, CHECKS, dict(self.used))

    def checked(self, text: str, relative: str, kind: ContentKind):
        """(parsed file or None, problems) of ``text``, the file ``relative`` of ``kind``."""
        # The language is in the key: the problems kept are in its words.
        key = (hashlib.blake2b(text.encode(), digest_size=16).digest(), relative,
               _schema_digest(kind.schema_file) + active_language())
        found = self.found.get(key)
        if found is None:
            parsed, problems = split(text, relative, what=kind.what)
            if parsed is not None:
                problems = problems + validate(parsed.front_matter, load_validator(str(kind.schema_file)), relative,
                                               leave_to_cross_checks=kind.leave_to_cross_checks)
                problems += check_text(parsed.front_matter.data, relative, parsed.front_matter.text_line,
                                       email_allowed=kind.email_allowed, exempt=kind.exempt)
                # The other rules would read a body too complex to convert as slowly as Markdown would.
                problems += (check_complexity(parsed.body, relative, parsed.body_line)
                             or check_body(parsed.body, relative, parsed.body_line, tags_kept=BODY_TAGS)
                             + remote_images(parsed.body, relative, parsed.body_line))
                problems += check_body_privacy(parsed.body, relative, parsed.body_line)
                problems += kind.body_check(parsed.body, relative, parsed.body_line)
            found = self.found[key] = (parsed, problems)
        self.used[key] = found
        return found[0], list(found[1])


@lru_cache(maxsize=8)
def _schema_digest(schema_file: Path) -> str:
    return hashlib.blake2b(Path(schema_file).read_bytes(), digest_size=16).hexdigest()


CHECKS = "content-checks"


# --- The site's own pages (content/pages) ----------------------------------------------------

PAGES = "content/pages"
PAGE_MAX_BYTES = 256 * 1024
# Pelican's Markdown metadata: ``Title: About`` lines (continued by indented lines) up to the
# first empty line.
_METADATA_LINE = re.compile(r"[A-Za-z][\w-]*:(?:\s|$)")


def check_pages(root: Path) -> list[Problem]:
    """The problems of the pages Pelican converts (about, privacy, ...): they come through pull
    requests too. Only Markdown is read there (reStructuredText's ``include`` would put any
    file of the machine on the site); each page is read as a proposal body is: size-capped,
    no control characters, bounded work to convert (JU018), and links and HTML checked."""
    found: list[Problem] = []
    base = root / PAGES
    for folder, dirs, files in os.walk(base):  # symlinks are not followed; content_links reports them
        dirs.sort()
        for name in sorted(files):
            relative = Path(folder, name).relative_to(root).as_posix()
            if name.startswith(".") or os.path.islink(os.path.join(folder, name)):
                continue
            if not name.endswith(".md"):
                found.append(problem(P.BAD_FILENAME, relative, 0, 0,
                                     _("'%(name)s' is not a Markdown page; only .md files are read from %(folder)s/.")
                                     % {"name": name, "folder": PAGES},
                                     _("Write the page in Markdown, in a file whose name ends in .md, or remove it.")))
                continue
            text, problems = read_text(root, relative, max_bytes=PAGE_MAX_BYTES)
            found += problems
            if text is not None:
                body, body_line = _page_body(text)
                found += (check_complexity(body, relative, body_line)
                          or check_body(body, relative, body_line, tags_kept=BODY_TAGS)
                          + remote_images(body, relative, body_line))
    return found


def _page_body(text: str) -> tuple[str, int]:
    """A page's text after its metadata lines, and the line that text starts at."""
    lines = text.split("\n")
    index = 0
    while index < len(lines) and (_METADATA_LINE.match(lines[index])
                                  or (index and lines[index].startswith(("    ", "\t")))):
        index += 1
    return "\n".join(lines[index:]), index + 1
