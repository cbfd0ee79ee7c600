"""The one type for every mistake a contributor can make, and the table of stable codes.

Every check in the library returns :class:`Problem` objects instead of raising, so that a
contributor sees every mistake in one run. Codes are stable: tools and people search for
them. Each code is listed in ``docs/problems.md``; a test keeps the two in step.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable

from joinedup.core.controls import terminal_safe
from joinedup.core.i18n import N_, gettext as _

ERROR = "error"
WARNING = "warning"
N_SEVERITIES = (N_("error"), N_("warning"))  # for the catalogue: format_text translates the severity


@dataclass(frozen=True, slots=True)
class Code:
    """A stable problem code: ``JU101`` with its short name and default severity."""

    id: str
    name: str
    severity: str = ERROR


CODES: dict[str, Code] = {}


def _code(id: str, name: str, severity: str = ERROR) -> Code:
    code = Code(id, name, severity)
    assert id not in CODES, id
    CODES[id] = code
    return code


# Files and YAML syntax.
YAML_SYNTAX = _code("JU001", "yaml-syntax")
TAB_INDENT = _code("JU002", "tab-indent")
NOT_UTF8 = _code("JU003", "not-utf8")
EMPTY_FILE = _code("JU004", "empty-file")
MANY_DOCUMENTS = _code("JU005", "many-documents")
FILE_TOO_LARGE = _code("JU006", "file-too-large")
TOO_DEEP = _code("JU007", "too-deep")
ANCHOR_ALIAS = _code("JU008", "anchor-alias")
UNSAFE_TAG = _code("JU009", "unsafe-tag")
DUPLICATE_KEY = _code("JU010", "duplicate-key")
SYMLINK = _code("JU011", "symlink")
BAD_FILENAME = _code("JU012", "bad-filename")
CASE_COLLISION = _code("JU013", "case-collision")
NOT_A_MAPPING = _code("JU014", "not-a-mapping")
RESERVED_ID = _code("JU015", "reserved-id")
IGNORED_FILE = _code("JU016", "ignored-file-committed")
CONTROL_CHARACTER = _code("JU017", "control-character")
TOO_COMPLEX = _code("JU018", "too-complex")

# Schema.
UNKNOWN_KEY = _code("JU100", "unknown-key")
UNKNOWN_SKILL = _code("JU101", "unknown-skill")
UNKNOWN_REGION = _code("JU102", "unknown-region")
UNKNOWN_THEME = _code("JU103", "unknown-theme")
MISSING_FIELD = _code("JU104", "missing-field")
WRONG_TYPE = _code("JU105", "wrong-type")
INVALID_VALUE = _code("JU106", "invalid-value")
BAD_DATE = _code("JU107", "bad-date")
REVERSED_WINDOW = _code("JU108", "reversed-window")
NO_CONSENT = _code("JU109", "no-consent")
DUPLICATE_ITEM = _code("JU110", "duplicate-item")
BAD_TAXONOMY = _code("JU111", "bad-taxonomy")
PLACEHOLDER_VALUE = _code("JU112", "placeholder-value")
AVAILABILITY_ENDED = _code("JU113", "availability-ended", WARNING)

# Privacy and safety.
PHONE_NUMBER = _code("JU200", "phone-number")
POSTAL_ADDRESS = _code("JU201", "postal-address")
EMAIL_OUTSIDE_CONTACT = _code("JU202", "email-outside-contact")
UNSAFE_LINK = _code("JU203", "unsafe-link")
RAW_HTML = _code("JU204", "raw-html", WARNING)
PRIVATE_COMMIT = _code("JU205", "private-commit-metadata", WARNING)
REMOTE_IMAGE = _code("JU207", "remote-image", WARNING)

# Site generation.
URL_COLLISION = _code("JU300", "url-collision")
CONTENT_ERROR = _code("JU301", "content-error")

# Proposals, groups, endorsements and their history.
UNKNOWN_STATUS = _code("JU400", "unknown-status")
NO_FRONT_MATTER = _code("JU401", "no-front-matter")
UNCLOSED_FRONT_MATTER = _code("JU402", "unclosed-front-matter")
UNKNOWN_PERSON = _code("JU403", "unknown-person")
UNKNOWN_PROPOSAL = _code("JU404", "unknown-proposal")
ENDORSES_WITHDRAWN = _code("JU405", "endorses-withdrawn", WARNING)
UNKNOWN_GROUP = _code("JU406", "unknown-group")
SYNTHESIS_CYCLE = _code("JU407", "synthesis-cycle")
SYNTHESISES_ITSELF = _code("JU408", "synthesises-itself")
DANGEROUS_HTML = _code("JU409", "dangerous-html")
DUPLICATE_TITLE = _code("JU410", "duplicate-title", WARNING)
CONSULTATION_CLOSED = _code("JU411", "consultation-closed", WARNING)
REVIEW_OVERDUE = _code("JU412", "review-overdue", WARNING)
NEED_EXPIRED = _code("JU413", "need-expired", WARNING)
HISTORY_INCOMPLETE = _code("JU414", "history-incomplete", WARNING)
GROUP_UNREACHABLE = _code("JU415", "group-unreachable")
TEMPLATE_TEXT = _code("JU416", "template-text", WARNING)

# The site: the movement's settings (site.yaml), and the tools and folders the build works with.
LOW_CONTRAST = _code("JU500", "low-contrast")
MISSING_FILE = _code("JU501", "missing-file")
BUILD_TOOL = _code("JU502", "build-tool")
UNEXPECTED_OUTPUT = _code("JU503", "unexpected-output")
TEMPLATE_ERROR = _code("JU504", "template-error")

# Pools: the other Joined Up sites a site draws on (site.yaml's pools).
POOL_UNAVAILABLE = _code("JU600", "pool-unavailable", WARNING)
POOL_RECORD_REFUSED = _code("JU601", "pool-record-refused", WARNING)
CACHE_REFUSED = _code("JU610", "cache-refused", WARNING)


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file, with where it is and how to fix it.

    ``line`` and ``col`` are 1-based; 0 means "the whole file". An empty ``path`` is a
    problem of the build itself (a tool it runs failed), in no file.
    """

    path: str
    line: int
    col: int
    severity: str
    code: str
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format_text(self) -> str:
        """``path:line:col: CODE message`` (``Error: message (CODE)`` for a problem of the build
        itself, in no file) and, on the next line, the hint.

        Messages quote contributors' text: control characters come out as visible escapes
        (controls.terminal_safe), so no file can send escape sequences to a terminal."""
        text = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        if not self.path:
            text = _("Error: %(message)s (%(code)s)") % {"message": self.message, "code": self.code}
        elif self.severity != ERROR:
            text = f"{self.path}:{self.line}:{self.col}: {self.code} ({_(self.severity)}) {self.message}"
        if self.hint:
            text += "\n    " + _("hint: %(hint)s") % {"hint": self.hint}
        return terminal_safe(text)

    def format_github(self) -> str:
        """A GitHub Actions workflow command, so the problem shows on the PR's diff."""
        kind = "error" if self.is_error else "warning"

        def escape(value: str) -> str:
            return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def escape_property(value: str) -> str:
            return escape(value).replace(":", "%3A").replace(",", "%2C")

        message = escape(f"{self.message} {self.hint}".strip())
        where = f"file={escape_property(self.path)},line={max(self.line, 1)},col={max(self.col, 1)}"
        return terminal_safe(f"::{kind} {where},title={self.code}::{message}")


def problem(code: Code, path: str, line: int, col: int, message: str, hint: str = "") -> Problem:
    """Build a Problem for ``code`` with its default severity."""
    return Problem(str(path), int(line), int(col), code.severity, code.id, message, hint)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def summary(problems: Iterable[Problem]) -> str:
    """The last line of a text report: how many errors and warnings, in the site's language."""
    problems = list(problems)
    errors = sum(1 for p in problems if p.is_error)
    return _("%(errors)d error(s), %(warnings)d warning(s).") % {"errors": errors, "warnings": len(problems) - errors}


def to_json(problems: Iterable[Problem]) -> str:
    """The ``check --format json`` document: a list of objects with the Problem's fields."""
    return terminal_safe(json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2))


class ProblemsFound(Exception):
    """Raised by the build when validation found errors, or a tool it runs failed: carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = sum(1 for p in problems if p.is_error and p.code not in (BUILD_TOOL.id, UNEXPECTED_OUTPUT.id))
        if errors or not problems:
            super().__init__(_("%(errors)d error(s) in the content; nothing was published") % {"errors": errors})
        else:
            super().__init__(_("the build could not finish; nothing was published"))


class BadAnswer(ValueError):
    """A value typed at a prompt or a flag that cannot go into a file (``new``, ``init``,
    ``search``); the message says what to type instead."""
