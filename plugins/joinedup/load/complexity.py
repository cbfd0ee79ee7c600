"""How much work converting a Markdown body takes, and the bodies refused for it (JU018).

Python-Markdown does work that grows with the square of some constructs: for each '[' that is
never closed it reads the rest of the paragraph again, for each '<' that is never closed the
rest of the text; it reads a block of lines without an empty line again at each heading or
rule in it; and it runs out of stack on lists nested a few hundred deep. A body under the
256 KiB cap of a proposal could stall a build for an hour, or crash it.

Each rule below measures one such cost in one pass over the text and refuses a body whose cost
is far beyond anything written by hand, so that every body that passes converts in about a
second at most (``benchmarks/bench_markdown_worst.py``; figures in ``benchmarks/README.md``).
The measures are upper bounds: a bracket in a code block counts although Markdown never reads
it as one, never the other way round.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from joinedup.core import problems as P
from joinedup.core.i18n import format_number, gettext as _, ngettext
from joinedup.core.problems import Problem, problem

# Each limit is many times what a long hand-written proposal reaches, and the worst body each
# allows converts in well under a second (benchmarks/README.md).
BRACKET_WORK = 500_000  # characters read again to find the ']' or ')' of brackets
TAG_WORK = 2_000_000  # characters read again to find the '>' of '<'
BLOCK_WORK = 4_000_000  # characters read again at headings and rules inside blocks
FENCE_WORK = 5_000_000  # characters read again for code blocks never closed
PARAGRAPH_WORK = 200_000_000  # formatting marks times the length of their paragraph, summed
PARTS = 15_000  # lines, table cells and formatting marks
HEADINGS = 500
IDS = 500
FOOTNOTES = 500  # references to footnotes: each is compared with the others to the same one
ABBREVIATIONS = 200
ABBREVIATED_MARKS = 800  # '*', '_' and '[' in one paragraph of a text with abbreviations
NESTING = 32  # lists and quotes inside one another
HTML_NESTING = 100
MARKDOWN_IN_HTML = 16
CODE_WORK = 10_000_000  # '`' marks times the length of their paragraph, summed

# Lines without an empty line (only spaces or tabs) between them: what Markdown works on at a time.
_BLOCK = re.compile(r"^[ \t]*[^ \t\n].*(?:\n[ \t]*[^ \t\n].*)*", re.M)
_MARK = re.compile(r"[*_`\[<&]|\\.")
_MARKS = ("*", "_", "`", "\\", "[", "<", "&")  # what _MARK counts, one character each
_BRACKET = re.compile(r"\\.|[\[\]()]", re.S)
_TAG_EDGE = re.compile(r"<[A-Za-z/!?]|>")
# What a line can start with inside quotes, list items and indented blocks, whose content Markdown
# reads as blocks of its own. (Possessive: a long line is read once.)
_CONTAINER = r"^[ \t>]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++[ \t>]*+)*+"
# Lines at which Markdown cuts a block in two and reads the rest of it again: headings, setext
# underlines, definitions, reference and abbreviation definitions, rules.
_SPLITTING_LINE = re.compile(_CONTAINER + r"(?:#|=+[ \t]*$|:[ \t]|\[[^\]\n]*\]:|\*\[)|^[ \t>]*+(?:[-*_][ \t]*){3,}$",
                             re.M)
_FENCE_LINE = re.compile(r"^(~{3,}|`{3,})(.*)$", re.M)
# Headings, also in list items and quotes: '#' lines, the '===' and '---' under setext ones, <h2>.
_HEADING = re.compile(_CONTAINER + r"(?:#|=+[ \t]*$)|^[ \t>]*+-+[ \t]*$|<h[1-6]\b", re.M | re.I)
_EXPLICIT_ID = re.compile(r"\{[^{}\n]*#|\bid\s*=", re.I)
# A footnote's definition (at the start of a line), or a reference to one (group 1).
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\[\]\n]*\]:|(\[\^[^\[\]\n]*\])", re.M)
_ABBREVIATION = re.compile(r"\*\[([^\[\]\n]*)\] ?:")  # anywhere: also in list items and quotes
# A line whose first NESTING + 1 characters are all list markers, quote marks or blanks: only such
# a line can nest more than NESTING deep, each level taking a character at least.
_DEEP_LINE = re.compile(r"^[ \t>*+:\-\d.)]{%d,}" % (NESTING + 1), re.M)
_LEVEL = re.compile(r"(?<![ \t])[ \t]*+(?:>|(?:[-*+:]|\d{1,9}[.)])(?=[ \t]))")  # from a run's start only
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*+)[^<>]*?(/?)>")
_MARKDOWN_ATTRIBUTE = re.compile(r"<[A-Za-z][^<>]*\smarkdown\s*=", re.I)
# Elements without an end tag, or whose end tag may be left out: they do not nest.
_UNNESTED = frozenset(
    "area base br col embed hr img input link meta source track wbr p li dt dd td th tr thead tbody tfoot "
    "option optgroup colgroup caption rt rp".split()
)
# A line that starts a term's definitions (': '), after a line that does not.
_FIRST_DEFINITION = re.compile(r"^(?![ \t>]*:[ \t]).*\n[ \t>]*:[ \t]", re.M)



def _split_hint() -> str:
    return _("Split it into shorter paragraphs with empty lines, or move a long table or list to a linked document.")


@dataclass(frozen=True, slots=True)
class _Finding:
    offset: int  # where in the body the problem is
    message: str
    hint: str


class _Body:
    """A body as Markdown reads it, cut into blocks: runs of lines without an empty line between them."""

    def __init__(self, text: str):
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.blocks = [(match.start(), match.group()) for match in _BLOCK.finditer(self.text)]
        self.longest_block = max((len(block) for _start, block in self.blocks), default=0)

    def count(self, *marks: str) -> int:
        return sum(map(self.text.count, marks))


def check_complexity(text: str, path: str, first_line: int, first_col: int = 1) -> list[Problem]:
    """JU018 problems for the constructs in ``text`` that would make converting it slow, each
    at its line (``first_line`` is the body's first line in the file, ``first_col`` the column
    its lines start at). Empty for a body that converts in about a second or less.

    Each rule first checks, with a few counts, whether the body can reach its limit at all:
    a hand-written body is checked in a fraction of a millisecond per kilobyte.
    """
    body = _Body(text)
    rules = (_brackets, _unclosed_tags, _crowded_blocks, _unclosed_fences, _marked_paragraphs, _parts,
             _headings, _references, _nesting, _code_marks)
    found = []
    for finding in (finding for rule in rules if (finding := rule(body))):
        line = body.text.count("\n", 0, finding.offset)
        col = finding.offset - body.text.rfind("\n", 0, finding.offset)
        found.append(problem(P.TOO_COMPLEX, path, first_line + line, first_col + col - 1, finding.message, finding.hint))
    return found


def _brackets(body: _Body) -> _Finding | None:
    """For each '[' Markdown reads on to its ']', and for each '(' after ']' on to its ')': to
    the end of the paragraph when there is none."""
    if body.count("[") * body.longest_block <= BRACKET_WORK:
        return None
    work, worst = 0, (0, 0, 0)
    for start, block in body.blocks:
        if "[" not in block:
            continue
        squares, rounds, after_square, block_work = [], [], -1, 0
        for match in _BRACKET.finditer(block):
            mark, at = match.group(), match.start()
            if mark == "[":
                squares.append(at)
            elif mark == "]":
                after_square = at + 1
                block_work += at - squares.pop() if squares else 0
            elif mark == "(":
                rounds.append((at, at == after_square))
            elif mark == ")" and rounds:
                opened, link = rounds.pop()
                block_work += at - opened if link else 0
        unclosed = squares + [at for at, link in rounds if link]
        block_work += sum(len(block) - at for at in unclosed)
        work += block_work
        worst = max(worst, (block_work, len(unclosed), start + min(unclosed, default=0)))
    if work <= BRACKET_WORK:
        return None
    unclosed, offset = worst[1:]
    if not unclosed:
        return _Finding(offset, _("The paragraph that starts here has '[' inside '[' inside '[', too deep: the site "
                                  "cannot convert it in reasonable time."),
                        _("Write links one after another, each as [text](https://example.org)."))
    return _Finding(
        offset,
        ngettext("This '[' (or the '(' of a link) is never closed: the site cannot convert the paragraph in "
                 "reasonable time.",
                 "%(count)s '[' (or '(' of links) in this paragraph are never closed, the first one here: the site "
                 "cannot convert it in reasonable time.", unclosed) % {"count": format_number(unclosed)},
        _("Close each '[' with ']' and each '(' of a link with ')': a link is written [text](https://example.org). "
          "For a bracket that is only text, write '\\[' instead."),
    )


def _unclosed_tags(body: _Body) -> _Finding | None:
    """For each '<' that may start an HTML tag, Markdown reads on to the next '>'."""
    if body.count("<") * len(body.text) <= TAG_WORK:
        return None
    work, worst, pending = 0, (0, 0), []
    for match in [*_TAG_EDGE.finditer(body.text), None]:
        if match is not None and match.group() != ">":
            pending.append(match.start())
            continue
        if pending:
            pending_work = len(pending) * (match.start() if match else len(body.text)) - sum(pending)
            work += pending_work
            worst = max(worst, (pending_work, -pending[0]))
            pending = []
    if work <= TAG_WORK:
        return None
    return _Finding(
        -worst[1],
        _("This '<' and many after it look like the start of an HTML tag that is never closed with '>': the site "
          "cannot convert the text in reasonable time."),
        _("For 'less than', put a space after it (a < b); otherwise close each tag with '>'."),
    )


def _crowded_blocks(body: _Body) -> _Finding | None:
    """At each heading, rule or definition inside a block, Markdown reads the rest of the block again."""
    if body.count("\n") * body.longest_block <= BLOCK_WORK:
        return None
    starts = [start for start, _block in body.blocks]
    work, worst = 0, (0, 0)
    for match in _SPLITTING_LINE.finditer(body.text):
        start, block = body.blocks[bisect.bisect_right(starts, match.start()) - 1]
        if match.start() > start:
            work += start + len(block) - match.start()
            worst = max(worst, (start + len(block) - match.start(), start))
    if work <= BLOCK_WORK:
        return None
    return _Finding(
        worst[1],
        _("The lines from here on have no empty line between them, and many of them are headings, rules ('---', "
          "'===') or definitions: the site cannot convert them in reasonable time."),
        _("Put an empty line before and after each heading and each line of '---' or '==='."),
    )


def _unclosed_fences(body: _Body) -> _Finding | None:
    """A code block opened with ``` or ~~~ and never closed: Markdown reads on to the end of the
    text, then tries the next fence as an opening."""
    if body.count("```", "~~~") * len(body.text) <= FENCE_WORK:
        return None
    fences = [(match.start(), match.group(1), not match.group(2).strip(" "))
              for match in _FENCE_LINE.finditer(body.text)]
    closing, next_closing = {}, {}  # a fence's offset -> the offset of the next fence that closes it
    for at, fence, bare in reversed(fences):
        closing[at] = next_closing.get(fence)
        if bare:
            next_closing[fence] = at
    work, first, closed_until = 0, None, -1
    for at, _fence, _bare in fences:
        if at <= closed_until:
            continue
        if closing[at] is not None:
            closed_until = closing[at]
            continue
        work += len(body.text) - at
        first = at if first is None else first
    if work <= FENCE_WORK:
        return None
    return _Finding(first, _("This code block (opened with ``` or ~~~) is never closed, nor are many after it: the "
                             "site cannot convert the text in reasonable time."),
                    _("Close each code block with a line holding only the ``` or ~~~ that opened it."))


def _marked_paragraphs(body: _Body) -> _Finding | None:
    """Markdown copies a paragraph once for each formatting mark (or abbreviation) in it."""
    terms = _ABBREVIATION.findall(body.text) if "*[" in body.text else ()
    abbreviated = frozenset(word for term in terms for word in re.findall(r"\w+", term))
    if not abbreviated and body.count(*_MARKS) * body.longest_block <= PARAGRAPH_WORK:
        return None
    work, worst = 0, (0, 0)
    for start, block in body.blocks:
        marks = len(_MARK.findall(block))
        if abbreviated:
            marks += sum(word in abbreviated for word in re.findall(r"\w+", block))
        work += marks * len(block)
        worst = max(worst, (marks * len(block), start))
    if work <= PARAGRAPH_WORK:
        return None
    return _Finding(worst[1], _("The paragraph (or list, or table) that starts here is long and has very many "
                                "formatting marks (*, _, `, [, <, &, \\): the site cannot convert it in reasonable "
                                "time."), _split_hint())


def _parts(body: _Body) -> _Finding | None:
    """Markdown takes some 50 µs for each line (empty ones too), table cell or formatting mark."""
    if 2 * len(body.text) + 2 <= PARTS or body.count("\n", "|", *_MARKS) + 1 <= PARTS:
        return None
    parts, offset = 0, 0
    for line in body.text.split("\n"):
        parts += 1 + line.count("|") + len(_MARK.findall(line))
        if parts > PARTS:
            return _Finding(offset, _("By this line the text has more than %(limit)s parts (lines, table cells, "
                                      "links, emphasis…): the site cannot convert it in reasonable time.")
                            % {"limit": format_number(PARTS)}, _split_hint())
        offset += len(line) + 1
    return None


def _headings(body: _Body) -> _Finding | None:
    """Each heading gets an id unlike all the others, found by trying them in turn."""
    for pattern, limit, marks in ((_HEADING, HEADINGS, ("#", "=", "-", "<h", "<H")),
                                  (_EXPLICIT_ID, IDS, ("{", "id", "iD", "Id", "ID"))):
        if len(body.text) <= limit or body.count(*marks) <= limit:
            continue
        for count, match in enumerate(pattern.finditer(body.text), start=1):
            if count <= limit:
                continue
            if pattern is _HEADING:
                return _Finding(match.start(), _("By here the text has more than %(limit)s headings: the site cannot "
                                                 "convert it in reasonable time.") % {"limit": format_number(limit)},
                                _("Use fewer headings: one for each section, not for each line."))
            return _Finding(match.start(), _("By here the text has more than %(limit)s ids ('{#name}' or 'id='): the "
                                             "site cannot convert it in reasonable time.")
                            % {"limit": format_number(limit)},
                            _("Leave the ids out: headings get theirs from their titles."))
    return None


def _references(body: _Body) -> _Finding | None:
    """Each reference to a footnote is compared with the others; each word with the abbreviations."""
    references = (match for match in _FOOTNOTE.finditer(body.text) if match.group(1))
    for count, match in enumerate(references if body.count("[^") > FOOTNOTES else (), start=1):
        if count > FOOTNOTES:
            return _Finding(match.start(), _("By here the text refers to footnotes more than %(limit)s times: the "
                                             "site cannot convert it in reasonable time.")
                            % {"limit": format_number(FOOTNOTES)},
                            _("Use fewer footnotes, or list the sources at the end."))
    for count, match in enumerate(_ABBREVIATION.finditer(body.text) if body.count("*[") > ABBREVIATIONS else (),
                                  start=1):
        if count > ABBREVIATIONS:
            return _Finding(match.start(), _("By here the text defines more than %(limit)s abbreviations ('*[…]:'): "
                                             "the site cannot convert it in reasonable time.")
                            % {"limit": format_number(ABBREVIATIONS)},
                            _("Define only the abbreviations readers may not know."))
    # Abbreviations are looked for by recursion into emphasis and links inside one another, each
    # level of which takes two of '*', '_' or '[': too many in one paragraph run out of stack.
    for start, block in body.blocks if "*[" in body.text and _ABBREVIATION.search(body.text) else ():
        if block.count("*") + block.count("_") + block.count("[") > ABBREVIATED_MARKS:
            return _Finding(start, _("The text defines abbreviations ('*[…]:'), and the paragraph that starts here "
                                     "has more than %(limit)s '*', '_' or '[': the site cannot convert it in "
                                     "reasonable time.") % {"limit": format_number(ABBREVIATED_MARKS)},
                            _("Split the paragraph with empty lines, or leave the abbreviations out."))
    return None


def _nesting(body: _Body) -> _Finding | None:
    """Markdown converts lists, quotes and definitions inside one another by recursion, and runs out
    of stack a few hundred levels deep; the sanitiser's work grows with the square of HTML nesting.
    (Emphasis inside emphasis costs time, bounded by _marked_paragraphs.)"""
    for match in _DEEP_LINE.finditer(body.text):
        levels = _LEVEL.findall(body.text, match.start(), match.end())
        indent = sum(len(level.expandtabs(4)) - len(level.lstrip(" \t")) for level in levels) // 4
        if len(levels) + indent > NESTING:
            return _Finding(match.start(), _("Here lists or quotes ('>') go more than %(limit)s levels deep, one "
                                             "inside another: the site cannot convert the text.")
                            % {"limit": format_number(NESTING)}, _nesting_hint())
    # Markdown puts each term defined after another, without an empty line between, inside the last one.
    for start, block in body.blocks if body.count(":") > NESTING else ():
        terms = _FIRST_DEFINITION.finditer(block) if block.count(":") > NESTING else ()
        for count, match in enumerate(terms, start=1):
            if count > NESTING:
                return _Finding(start + match.start(), _("Here more than %(limit)s terms and their definitions "
                                                         "(': ') follow one another without an empty line: the site "
                                                         "nests each inside the one before, too deeply to convert.")
                                % {"limit": format_number(NESTING)},
                                _("Put an empty line before each term of a list of definitions."))
    depth = 0
    for match in _HTML_TAG.finditer(body.text) if body.count("<") > HTML_NESTING else ():
        closing, name, self_closing = match.groups()
        if name.lower() not in _UNNESTED and not self_closing:
            depth += -1 if closing else 1
            if depth > HTML_NESTING:
                return _Finding(match.start(), _("Here HTML elements go more than %(limit)s levels deep, one inside "
                                                 "another: the site cannot convert the text in reasonable time.")
                                % {"limit": format_number(HTML_NESTING)}, _nesting_hint())
    for count, match in enumerate(_MARKDOWN_ATTRIBUTE.finditer(body.text) if "markdown" in body.text.lower() else (),
                                  start=1):
        if count > MARKDOWN_IN_HTML:
            return _Finding(match.start(), _("By here the text has more than %(limit)s HTML elements with a "
                                             "'markdown' attribute: the site cannot convert the text.")
                            % {"limit": format_number(MARKDOWN_IN_HTML)},
                            _("Write Markdown outside HTML elements, without 'markdown' attributes."))
    return None


def _nesting_hint() -> str:
    return _("Nest lists, quotes and HTML a few levels deep at most.")


def _code_marks(body: _Body) -> _Finding | None:
    """For each '`' Markdown looks for code that ends with as many further on, to the end of the
    paragraph when there is none; in a table row, it pairs each '`' with every later one."""
    if body.count("`") * body.longest_block <= CODE_WORK:
        return None
    work, worst = 0, (0, 0)
    for start, block in body.blocks:
        block_work = block.count("`") * len(block)
        work += block_work
        worst = max(worst, (block_work, start))
    if work <= CODE_WORK:
        return None
    return _Finding(worst[1], _("The paragraph (or list, or table) that starts here is long and has many '`' marks: "
                                "the site cannot convert it in reasonable time."),
                    _("Close each piece of code with as many '`' as opened it, and split the paragraph with empty "
                      "lines; put long code in a code block."))
