"""Split a Markdown file into its YAML front matter and its body, keeping line numbers.

Proposals and groups are Markdown files that start with a block of YAML between two
``---`` lines. The YAML is read by :func:`joinedup.load.yamlsource.load_yaml` with the right
line offset, so every key keeps its line in the file; the body keeps the number of its
first line, so body problems point at the line too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from joinedup.core import problems as P
from joinedup.core.i18n import gettext as _
from joinedup.core.problems import Problem, problem
from joinedup.load.yamlsource import YamlDocument, load_yaml, the_kind

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
# What a line of YAML front matter can look like: a key, a list item, a comment, indented
# text or nothing. The first line that is none of these is where the body probably starts.
_YAML_LIKE = re.compile(r"^(?:[ \t].*|-(?:[ \t].*)?|#.*|[^\s:#][^:]*:(?:[ \t].*)?|)$")


@dataclass(frozen=True, slots=True)
class MarkdownFile:
    """A Markdown file's parsed front matter and its body with the line the body starts on."""

    front_matter: YamlDocument
    body: str
    body_line: int


def split(text: str, path: str, *, what: str = "file") -> tuple[MarkdownFile | None, list[Problem]]:
    """Parse ``text`` as ``---`` + YAML + ``---`` + Markdown.

    Returns None with problems when the file does not start with ``---`` (JU401), when
    the front matter is never closed (JU402, at the opening line, with a guess at where
    the closing line is missing), or when the YAML cannot be used.
    """
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0].rstrip("\r")):
        return None, [
            problem(
                P.NO_FRONT_MATTER,
                path, 1, 1,
                _("%(what)s does not start with a '---' line, so it has no front matter.") % {"what": the_kind(what)},
                _("Start the file with a line '---', then the 'key: value' lines (title:, summary:, ...), "
                  "then another '---' line, then the text. 'python tasks.py new proposal' writes one for you."),
            )
        ]
    closing = next((n for n in range(1, len(lines)) if _CLOSE.match(lines[n].rstrip("\r"))), None)
    if closing is None:
        guess = next(
            (n for n in range(1, len(lines)) if lines[n].strip() and not _YAML_LIKE.match(lines[n].rstrip("\r"))),
            None,
        )
        hint = _("Add a line with only '---' after the last 'key: value' line.")
        if guess is not None:
            hint = _("Add a line with only '---' before line %(line)d, where the text seems to start.") % {
                "line": guess + 1}
        return None, [
            problem(
                P.UNCLOSED_FRONT_MATTER,
                path, 1, 1,
                _("The front matter that starts on line 1 is never closed with a '---' line."),
                hint,
            )
        ]
    yaml_text = "\n".join(lines[1:closing])
    document, found = load_yaml(yaml_text, path, line_offset=1, what="front matter")
    if document is None:
        return None, found
    body = "\n".join(lines[closing + 1 :])
    return MarkdownFile(document, body, closing + 2), found
