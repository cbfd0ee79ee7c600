"""Markdown content with YAML front matter (proposals, groups): read, validate, build.

Both kinds go through the same steps; a :class:`ContentKind` says what differs: the file's
size cap, its schema, its cross-checks and how the model object is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .files import read_text
from .frontmatter import split
from .markup import BODY_TAGS
from .model import Known
from .privacy import check_body
from .problems import Problem
from .schema import load_validator, validate
from .yamlsource import YamlDocument


@dataclass(frozen=True)
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


def load_content(root: Path, relative: str, known: Known, kind: ContentKind, *, thorough: bool = True):
    """Read, validate and build one file of ``kind``: (object or None, problems).

    The object is None when any error was found. With ``thorough=False`` (``check`` of other
    files on a pull request) the file is only parsed, for its ids and links: it was
    validated when it was merged. It is None if it cannot be built.
    """
    text, found = read_text(root, relative, max_bytes=kind.max_bytes)
    if text is None:
        return None, found
    parsed, found = split(text, relative, what=kind.what)
    if parsed is None:
        return None, found
    document = parsed.front_matter
    if not thorough:
        try:
            item = kind.build(document, relative, parsed.body, parsed.body_line)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None, found
        return (item if kind.usable(item) else None), found
    found += validate(document, load_validator(str(kind.schema_file)), relative,
                      leave_to_cross_checks=kind.leave_to_cross_checks)
    found += kind.cross_check(document, relative, known)
    found += check_body(parsed.body, relative, parsed.body_line, tags_kept=BODY_TAGS)
    if any(p.is_error for p in found):
        return None, found
    return kind.build(document, relative, parsed.body, parsed.body_line), found
