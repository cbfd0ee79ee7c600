"""Read contributor YAML safely, remembering where every key and item stands.

The file is read with libyaml (``CSafeLoader``'s parser) as a stream of events and turned
into plain Python values by this module, so that

* every key and list item keeps its line and column, for messages that point at it;
* hostile input is refused before it costs anything: anchors and aliases (the "billion
  laughs" bomb), explicit tags such as ``!!python/object``, nesting deeper than a cap,
  files over a size cap, more than one document, duplicate keys, control characters
  (in the file, or written as an escape in a double-quoted value);
* dates stay the text the contributor wrote, so the JSON Schema checks their format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from joinedup.core import problems as P
from joinedup.core.controls import CONTROL, describe
from joinedup.core.i18n import N_, format_number, gettext as _
from joinedup.core.problems import Problem, problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is part of every supported install
    _Loader = yaml.SafeLoader

YAML_MAX_BYTES = 64 * 1024
MAX_DEPTH = 8

_CORE_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}

_SYNTAX_HINT = N_(
    "Check the indentation (two spaces per level), that each 'key: value' has a space after "
    "the colon, and quote text that contains ': ' or starts with @, *, & or !."
)
# What messages call the text they read ("The front matter is empty.").
_WHAT = {"file": N_("the file"), "front matter": N_("the front matter"), "profile": N_("the profile"),
         "proposal": N_("the proposal"), "group": N_("the group")}


def the_kind(what: str) -> str:
    """``The file``, ``The front matter`` in the active language, starting with a capital."""
    words = _(_WHAT[what]) if what in _WHAT else f"the {what}"
    return words[:1].upper() + words[1:]

Path = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed mapping and the 1-based (line, col) of each key or list item, by its path."""

    data: dict
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # For text values: (line, col) where the text starts and its YAML style ('|' literal, ...).
    scalars: dict[Path, tuple[int, int, str | None]] = field(default_factory=dict)
    # For plain values YAML read as something other than text (true, 6, no, ~): what was written.
    written: dict[Path, str] = field(default_factory=dict)
    # The YAML text itself and how many lines of the file come before it (front matter's '---').
    text: str = ""
    line_offset: int = 0

    def line_text(self, line: int) -> str:
        """The text of the file's line ``line`` (1-based, as problems count), or ''."""
        lines = self.text.split("\n")
        index = line - 1 - self.line_offset
        return lines[index] if 0 <= index < len(lines) else ""

    def text_line(self, path: Path, offset: int) -> tuple[int, int]:
        """Where line ``offset`` (0-based) of the text at ``path`` stands in the file.

        Exact for literal blocks (``|``) and one-line values; for folded text, the key's line.
        """
        line, col, style = self.scalars.get(tuple(path), (0, 0, None))
        if not line:
            return self.position(path)
        if style == "|":
            # The text starts on the line after the '|', indented one level below its key.
            _, key_col = self.positions.get(tuple(path), (line, 1))
            return line + 1 + offset, key_col + 2
        if offset == 0 or style not in (">",):
            return line, col
        return self.position(path)

    def position(self, path: Path) -> tuple[int, int]:
        """Where ``path`` stands, or its nearest ancestor that has a position."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


class _Stop(Exception):
    """Raised inside the event walk when the file cannot be read any further."""


_RESOLVER = yaml.resolver.Resolver()


@lru_cache(maxsize=8192)
def _plain_tag(value: str) -> str:
    """The tag YAML gives an untagged plain value ('true' → bool, '6' → int, 'Leeds' → str).
    The same values (true, skill ids, hours) are in every profile: resolved once each."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


class _Builder:
    def __init__(self, path: str, line_offset: int):
        self.path = path
        self.line_offset = line_offset
        self.positions: dict[Path, tuple[int, int]] = {}
        self.scalars: dict[Path, tuple[int, int, str | None]] = {}
        self.written: dict[Path, str] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def where(self, mark) -> tuple[int, int]:
        return mark.line + 1 + self.line_offset, mark.column + 1

    def fail(self, code, mark, message: str, hint: str) -> None:
        line, col = self.where(mark)
        self.problems.append(problem(code, self.path, line, col, message, hint))
        raise _Stop

    def refuse_escaped_control(self, event, text: str) -> None:
        """JU017 for a control character written as an escape in a double-quoted value ("\\e")."""
        match = CONTROL.search(text)
        if match is not None:
            self.problems.append(_control_problem(match.group(0), self.path, *self.where(event.start_mark)))

    def check_event(self, event, depth: int) -> None:
        if type(event) is yaml.ScalarEvent and event.anchor is None and event.tag is None and depth <= MAX_DEPTH:
            return  # most events: a plain value, nothing to refuse
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self.fail(
                P.ANCHOR_ALIAS,
                event.start_mark,
                _("YAML anchors and aliases ('&name', '*name') are not allowed."),
                _("Write the value out in full where it is needed."),
            )
        tag = getattr(event, "tag", None)
        if tag not in _CORE_TAGS:
            self.fail(
                P.UNSAFE_TAG,
                event.start_mark,
                _("The YAML tag '%(tag)s' is not allowed.") % {"tag": tag},
                _("Remove the tag (the part starting with '!'); plain values need no tag."),
            )
        if depth > MAX_DEPTH:
            self.fail(
                P.TOO_DEEP,
                event.start_mark,
                _("The file nests deeper than %(levels)d levels.") % {"levels": MAX_DEPTH},
                _("Profiles are shallow: compare your file with the example in the README."),
            )

    def scalar(self, event) -> Any:
        if event.tag in (None, "!"):
            if event.implicit[0]:
                tag = _plain_tag(event.value)
            else:
                tag = "tag:yaml.org,2002:str"
        else:
            tag = event.tag
        if tag == "tag:yaml.org,2002:timestamp" or tag == "tag:yaml.org,2002:str":
            return event.value
        construct = self.constructor.yaml_constructors.get(tag)
        if construct is None:  # a tag the safe loader does not build, such as '=' (YAML 1.1's "value")
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return construct(self.constructor, node)
        except (ValueError, yaml.YAMLError):
            return event.value

    def value(self, events, event, path: Path, depth: int) -> Any:
        self.check_event(event, depth)
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event)
            if isinstance(value, str):
                self.scalars[path] = (*self.where(event.start_mark), event.style)
                if event.style == '"':
                    self.refuse_escaped_control(event, value)
            else:
                self.written[path] = event.value
            return value
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while True:
                item = events()
                if isinstance(item, yaml.SequenceEndEvent):
                    return items
                item_path = path + (len(items),)
                self.positions[item_path] = self.where(item.start_mark)
                items.append(self.value(events, item, item_path, depth + 1))
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, Any] = {}
            while True:
                key_event = events()
                if isinstance(key_event, yaml.MappingEndEvent):
                    return mapping
                self.check_event(key_event, depth + 1)
                if not isinstance(key_event, yaml.ScalarEvent):
                    self.fail(
                        P.YAML_SYNTAX,
                        key_event.start_mark,
                        _("A key must be plain text, not a list or mapping."),
                        _(_SYNTAX_HINT),
                    )
                key = str(self.scalar(key_event))
                if key_event.style == '"':
                    self.refuse_escaped_control(key_event, key)
                key_path = path + (key,)
                line, col = self.where(key_event.start_mark)
                value_event = events()
                if key in mapping:
                    first_line = self.positions[key_path][0]
                    self.problems.append(
                        problem(
                            P.DUPLICATE_KEY,
                            self.path,
                            line,
                            col,
                            _("The key '%(key)s' appears twice (first on line %(line)d).")
                            % {"key": key, "line": first_line},
                            _("Keep one of them: YAML would silently drop the first."),
                        )
                    )
                    self.value(events, value_event, key_path + ("<duplicate>",), depth + 1)
                    continue
                self.positions[key_path] = (line, col)
                mapping[key] = self.value(events, value_event, key_path, depth + 1)
        raise AssertionError(f"unexpected YAML event {event!r}")  # pragma: no cover


def load_yaml(
    text: str, path: str, *, line_offset: int = 0, what: str = "file"
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML mapping from ``text``.

    Returns the document (None when it cannot be used) and the problems found. Refuses
    anchors and aliases, explicit tags, nesting deeper than ``MAX_DEPTH``, duplicate keys,
    control characters written as escapes in double quotes (``"\\e"``, JU017), more than
    one document, an empty document and a top level that is not a mapping.
    ``line_offset`` shifts reported lines, for YAML embedded in a Markdown file.
    """
    tab = _tab_in_indentation(text)
    if tab:
        line, col = tab
        return None, [
            problem(
                P.TAB_INDENT,
                path,
                line + line_offset,
                col,
                _("A tab is used for indentation; YAML only allows spaces."),
                _("Replace the tab with spaces (two per level). In the web editor, set "
                  "'Indent mode' to spaces."),
            )
        ]

    builder = _Builder(path, line_offset)
    document = None
    documents = 0
    loader = None
    try:
        loader = _Loader(text)
        # The parser's own get_event, not yaml.parse's generator around it: no generator step
        # for each event.
        events = loader.get_event
        while (event := events()) is not None:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    builder.fail(
                        P.MANY_DOCUMENTS,
                        event.start_mark,
                        _("%(what)s holds more than one YAML document.") % {"what": the_kind(what)},
                        _("Remove the '---' line: one profile per file."),
                    )
            elif isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                builder.positions[()] = builder.where(event.start_mark)
                document = builder.value(events, event, (), 1)
    except _Stop:
        return None, builder.problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = builder.where(mark) if mark else (1 + line_offset, 1)
        what_went_wrong = error.problem or error.context or "it cannot be read"
        if "maximum nesting depth" in what_went_wrong:
            # libyaml 0.2.5's own limit (PyYAML 6.0.3 and later), met while it scans ahead of
            # the events that would have reached MAX_DEPTH: the same problem, said the same way.
            return None, builder.problems + [problem(
                P.TOO_DEEP, path, line, col, _("The file nests deeper than %(levels)d levels.") % {"levels": MAX_DEPTH},
                _("Profiles are shallow: compare your file with the example in the README."))]
        return None, builder.problems + [syntax_problem(text, error, path, line_offset)]
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        line, col = 1 + line_offset, 1
        position = getattr(error, "position", None)
        if position is not None:
            before = text[:position]
            line = before.count("\n") + 1 + line_offset
            col = position - (before.rfind("\n") + 1) + 1
        reason = getattr(error, "reason", None) or str(error)
        return None, builder.problems + [
            problem(
                P.YAML_SYNTAX,
                path,
                line,
                col,
                _("YAML cannot read this character: %(reason)s.") % {"reason": reason},
                _("Remove the invisible or control character; save the file as plain UTF-8 text."),
            )
        ]
    finally:
        if loader is not None:
            loader.dispose()

    if document is None or document == "" or document == {}:
        return None, builder.problems + [
            problem(
                P.EMPTY_FILE,
                path,
                1 + line_offset,
                1,
                _("%(what)s is empty.") % {"what": the_kind(what)},
                _("Start from the example in the README, or delete the file."),
            )
        ]
    if not isinstance(document, dict):
        line, col = builder.positions.get((), (1 + line_offset, 1))
        return None, builder.problems + [
            problem(
                P.NOT_A_MAPPING,
                path,
                line,
                col,
                _("%(what)s must be a set of 'key: value' lines, not %(kind)s.")
                % {"what": the_kind(what), "kind": _kind(document)},
                _("Start from the example in the README: each line is 'key: value'."),
            )
        ]
    return YamlDocument(document, builder.positions, builder.scalars, builder.written, text, line_offset), builder.problems


# A line 'key: value' (or '- key: value'): the first colon followed by a space or the line's end.
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>(?:- +)?)(?P<key>[^\s:#'\"\[\]{},&*!|>%@`][^:]*?) *:(?: +(?P<value>.*?))? *$")
# 'name:Léa Martin': a key whose colon has no space after it, so YAML reads the line as text.
_NO_SPACE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:].*?) *$")
_CLOSERS = {"[": "]", "{": "}"}


def syntax_problem(text: str, error: yaml.MarkedYAMLError, path: str, line_offset: int = 0) -> Problem:
    """JU001 for a file libyaml cannot read, at the line to change and worded for the mistake.

    libyaml says what it met ("mapping values are not allowed in this context"), often a line
    after the mistake. The usual mistakes each get their own words and the corrected line: a
    colon followed by a space inside text, a missing space after a key's colon, a line
    indented more or less than the lines it belongs with, a bracket or quote never closed,
    text starting with a character YAML reserves. Anything else keeps libyaml's reason.
    """
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    at, col = (mark.line, mark.column) if mark else (0, 0)

    def found(index: int, column: int, message: str, hint: str) -> Problem:
        return problem(P.YAML_SYNTAX, path, index + 1 + line_offset, column + 1, message, hint)

    def line(index: int) -> str:
        return lines[index] if 0 <= index < len(lines) else ""

    def above(index: int) -> int | None:
        """The nearest line above ``index`` that is neither blank nor a comment."""
        for number in range(index - 1, -1, -1):
            if line(number).strip() and not line(number).lstrip().startswith("#"):
                return number
        return None

    def no_space(index: int) -> Problem | None:
        match = _NO_SPACE.match(line(index))
        if match is None:
            return None
        return found(index, len(match["indent"]),
                     _("A space is missing after the colon of '%(key)s:', so YAML reads the whole line as text.")
                     % {"key": match["key"]},
                     _("Write a space after the colon: %(line)s") % {"line": f"{match['key']}: {match['value']}"})

    def quote_value(index: int) -> str | None:
        match = _KEY_LINE.match(line(index))
        if match is None or not match["value"]:
            return None
        return f"{match['dash']}{match['key']}: {quoted(match['value'])}"

    problem_words = error.problem or ""
    context = error.context or ""
    context_mark = error.context_mark

    if context == "while scanning a quoted scalar" and context_mark is not None:
        quote = line(context_mark.line)[context_mark.column:context_mark.column + 1] or '"'
        return found(context_mark.line, context_mark.column,
                     _("The text that starts with %(quote)s here has no closing %(quote)s.") % {"quote": quote},
                     _("Add %(quote)s at the end of the text, or remove the opening one.") % {"quote": quote})

    if context in ("while parsing a flow sequence", "while parsing a flow mapping") and context_mark is not None:
        opener = line(context_mark.line)[context_mark.column:context_mark.column + 1] or "["
        closer = _CLOSERS.get(opener, "]")
        corrected = quote_value(context_mark.line)
        return found(context_mark.line, context_mark.column,
                     (_("The '%(opener)s' here starts a list that is not closed with '%(closer)s' on the same line.")
                      if opener == "[" else
                      _("The '%(opener)s' here starts a set of keys that is not closed with '%(closer)s' on the same "
                        "line.")) % {"opener": opener, "closer": closer},
                     _("If this is text, put it in quotes: %(line)s") % {"line": corrected} if corrected else
                     _("Close it with '%(closer)s' on the same line.") % {"closer": closer})

    if problem_words == "found character that cannot start any token":
        character = line(at)[col:col + 1]
        corrected = quote_value(at)
        if corrected:
            return found(at, col, _("Text that starts with %(character)s must be in quotes.") % {"character": character},
                         _("Write the line as: %(line)s") % {"line": corrected})

    if problem_words.startswith("mapping values are not allowed"):
        match = _KEY_LINE.match(line(at))
        if match and match["value"] and col > line(at).index(":", match.end("key")):
            return found(at, col,
                         _("The text of '%(key)s' holds a colon followed by a space, which YAML reads as the "
                           "start of another key: put the text in quotes.") % {"key": match["key"]},
                         _("Write the line as: %(line)s") % {"line": quote_value(at)})
        previous = above(at)
        if previous is not None:
            missing = no_space(previous)
            if missing is not None:
                return missing
            here, before = _indent(line(at)), _indent(line(previous))
            if here > before and _KEY_LINE.match(line(previous)):
                parent = above(previous)
                parent_match = _KEY_LINE.match(line(parent)) if parent is not None else None
                key = _KEY_LINE.match(line(previous))["key"]
                if parent_match and not parent_match["value"] and _indent(line(parent)) == before:
                    return found(previous, before,
                                 _("'%(key)s' is not indented, so YAML does not read it as part of "
                                   "'%(parent)s' above it.") % {"key": key, "parent": parent_match["key"]},
                                 _("Start '%(key)s:' at the same column as '%(below)s:' on the line below it.")
                                 % {"key": key, "below": match["key"] if match else ""})
                this_key = match["key"] if match else line(at).strip()
                return found(at, here,
                             _("'%(key)s' is indented more than '%(above)s' on the line above it, so YAML reads it "
                               "as more of that line's text.") % {"key": this_key, "above": key},
                             _("Start '%(key)s:' at the same column as '%(above)s:' above it.")
                             % {"key": this_key, "above": key})

    if problem_words == "could not find expected ':'" and context_mark is not None:
        start = context_mark.line
        missing = no_space(start)
        if missing is not None:
            return missing
        return found(start, context_mark.column,
                     _("This line is neither 'key: value' nor indented under a key."),
                     _("If it continues the text of the line above, indent it by two spaces; "
                       "if it is a key, write a colon and a space after it."))

    if problem_words == "did not find expected key":
        previous = above(at)
        if previous is not None and _indent(line(at)) < _indent(line(previous)):
            return found(at, col,
                         _("This line is indented less than the line above it, but not as little as any key before "
                           "it: YAML cannot tell what it belongs to."),
                         _("Start it at the same column as the line above it, or at the start of the line if it is "
                           "a key of its own."))
        if line(at).lstrip().startswith("- "):
            return found(at, col,
                         _("This list item is not under a key that takes a list."),
                         _("Indent it by two spaces under the key it belongs to, such as 'skills:'."))

    missing = no_space(at)
    if missing is not None:
        return missing
    reason = problem_words or context or "it cannot be read"
    return found(at, col, _("YAML cannot read the file here: %(reason)s.") % {"reason": reason}, _(_SYNTAX_HINT))


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def decode(raw: bytes, path: str, *, max_bytes: int = YAML_MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """Turn a file's bytes into text, refusing files over ``max_bytes``, non-UTF-8 bytes and
    control characters (:func:`control_characters`)."""
    if len(raw) > max_bytes:
        return None, [too_large(path, len(raw), max_bytes)]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            problem(
                P.NOT_UTF8,
                path,
                line,
                col,
                _("The file is not UTF-8 text (byte %(byte)s).") % {"byte": f"0x{raw[error.start]:02x}"},
                _("Save the file with UTF-8 encoding; the forge's web editor always does."),
            )
        ]
    if CONTROL.search(text):
        return None, control_characters(text, path)
    return text, []


# Enough to show where the trouble is without printing a line for each of 60,000 form feeds.
_CONTROLS_REPORTED = 10


def control_characters(text: str, path: str, *, line_offset: int = 0) -> list[Problem]:
    """A JU017 problem at the first control character of each line that holds one (at most ten).

    Tab, line feed and the carriage return of a CRLF line end are text; every other C0 or C1
    control character is refused: they are invisible in editors, make feeds invalid XML and
    act on the terminals that print them.
    """
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = CONTROL.search(line + "\n")
        if match is None:
            continue
        found.append(_control_problem(match.group(0), path, number + line_offset, match.start() + 1))
        if len(found) == _CONTROLS_REPORTED:
            break
    return found


def _control_problem(character: str, path: str, line: int, col: int) -> Problem:
    name = describe(character)
    return problem(P.CONTROL_CHARACTER, path, line, col,
                   _("The text holds a control character (%(name)s); only letters, spaces, tabs and line ends "
                     "are published.") % {"name": name},
                   _("Delete the %(name)s: most editors do not show it, and it often comes with text pasted "
                     "from a PDF or a word processor.") % {"name": name})


def quoted(value: str) -> str:
    """``value`` as a one-line YAML double-quoted string: safe whatever a person typed."""
    escaped = " ".join(value.split()).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def too_large(path: str, size: int, max_bytes: int) -> Problem:
    return problem(
        P.FILE_TOO_LARGE,
        path, 1, 1,
        _("The file is %(size)s bytes; the limit is %(limit)s.") % {"size": format_number(size),
                                                                   "limit": format_number(max_bytes)},
        _("Shorten it: a profile is a page, not a CV."),
    )


def _tab_in_indentation(text: str) -> tuple[int, int] | None:
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent and stripped and not stripped.startswith("#"):
            return number, indent.index("\t") + 1
    return None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("a single line of text")
    return f"a {type(value).__name__}"
