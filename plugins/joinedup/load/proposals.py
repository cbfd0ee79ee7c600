"""Policy proposals: ``content/proposals/<slug>.md`` read, checked and turned into ``Proposal``s.

The front matter is validated with ``proposal.schema.json`` (JSON Schema 2020-12, like
profiles), then cross-checked against the ids that exist: themes, skills, authors, the
group and the proposals a synthesis merges. The body is checked line by line for what the
sanitiser will remove. The slug is the file's stem, never the title, so two proposals with
the same title, or names ending in digits, never share a page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from joinedup.core import problems as P
from joinedup.core.dates import parse_date
from joinedup.core.i18n import N_, gettext as _
from joinedup.core.model import STATUSES, Known, Proposal
from joinedup.core.problems import Problem, problem
from joinedup.load.content import ContentChecks, ContentKind, load_content
from joinedup.load.crossrefs import items, unknown_people, unknown_skill, unknown_themes
from joinedup.load.files import content_files
from joinedup.load.profiles import ID_PATTERN, RESERVED_IDS, template_words
from joinedup.load.taxonomy import suggest
from joinedup.load.yamlsource import quoted

PROPOSALS_DIR = "content/proposals"
PROPOSAL_SCHEMA_FILE = Path(__file__).with_name("proposal.schema.json")
PROPOSAL_MAX_BYTES = 256 * 1024
# Besides the ids no file may take: /proposals/by-breadth/ lists the proposals broadest support first.
RESERVED_SLUGS = RESERVED_IDS | {"by-breadth"}
STATUS_FLOW = "draft → consultation → synthesis → adopted | not-adopted | withdrawn"


def proposal_files(root: Path, only=None) -> tuple[list[str], list[Problem]]:
    """The paths of every proposal, and problems with their names (see ``files.content_files``)."""
    return content_files(root, PROPOSALS_DIR, extension="md", id_pattern=ID_PATTERN,
                         reserved=RESERVED_SLUGS, what="proposal", only=only)


def load_proposal(
    root: Path, relative: str, known: Known, *, thorough: bool = True, checks: ContentChecks | None = None
) -> tuple[Proposal | None, list[Problem]]:
    """Read, validate and build one proposal (see ``content.load_content``)."""
    return load_content(root, relative, known, _KIND, thorough=thorough, checks=checks)


def _cross_check(document, path: str, known: Known) -> list[Problem]:
    data = document.data
    slug = Path(path).stem
    found: list[Problem] = []

    status = data.get("status")
    if isinstance(status, str) and status not in STATUSES:
        line, col = document.position(("status",))
        found.append(problem(
            P.UNKNOWN_STATUS, path, line, col,
            _("Unknown status '%(status)s'.") % {"status": status} + suggest(status, STATUSES) + " "
            + _("The status must be one of: %(statuses)s.") % {"statuses": ", ".join(STATUSES)},
            _("A proposal moves %(flow)s.") % {"flow": STATUS_FLOW},
        ))

    found += unknown_themes(document, "themes", path, known.taxonomy)
    for where, skill in items(document, "needs"):
        found += unknown_skill(document, where, skill, path, known.taxonomy)
    found += unknown_people(document, "authors", path, known.volunteers, "author")

    group = data.get("group")
    if isinstance(group, str) and group not in known.groups:
        line, col = document.position(("group",))
        found.append(problem(
            P.UNKNOWN_GROUP, path, line, col,
            _("Unknown group '%(group)s': there is no content/groups/%(group)s.md.") % {"group": group}
            + suggest(group, known.groups),
            _("Use the id of a group (its file name in content/groups/ without .md), or remove 'group:'."),
        ))

    for where, other in items(document, "synthesises"):
        line, col = document.position(where)
        if other == slug:
            found.append(problem(
                P.SYNTHESISES_ITSELF, path, line, col,
                _("The proposal '%(slug)s' lists itself under 'synthesises'.") % {"slug": slug},
                _("List the other proposals this one merges, not this one."),
            ))
        elif other not in known.proposals:
            found.append(problem(
                P.UNKNOWN_PROPOSAL, path, line, col,
                _("'synthesises' names '%(other)s', which is not a proposal: there is no "
                  "content/proposals/%(other)s.md.") % {"other": other} + suggest(other, known.proposals),
                _("Use the slug of a proposal (its file name without .md)."),
            ))

    if status == "consultation":
        closes = parse_date(data.get("consultation_closes"))
        if "consultation_closes" not in data:
            line, col = document.position(("status",))
            found.append(problem(
                P.MISSING_FIELD, path, line, col,
                _("A proposal in consultation needs 'consultation_closes', the last day of the consultation."),
                _("Add a line like 'consultation_closes: 2027-01-31' so readers know how long they have."),
            ))
        elif closes and closes < known.today:
            line, col = document.position(("consultation_closes",))
            found.append(problem(
                P.CONSULTATION_CLOSED, path, line, col,
                _("The consultation closed on %(date)s, but the status is still 'consultation'.") % {"date": closes},
                _("Move the proposal on ('status: synthesis', 'adopted', ...) or extend 'consultation_closes'."),
            ))
    return found


def _proposal(document, path: str, body: str, body_line: int) -> Proposal:
    data = document.data
    return Proposal(
        slug=Path(path).stem,
        path=path,
        title=" ".join(data["title"].split()),
        summary=" ".join(data["summary"].split()),
        date=dt.date.fromisoformat(data["date"]),
        status=data["status"],
        themes=tuple(data["themes"]),
        authors=tuple(data["authors"]),
        group=data.get("group", ""),
        needs=tuple(data.get("needs") or ()),
        synthesises=tuple(data.get("synthesises") or ()),
        discussion=data.get("discussion", ""),
        consultation_closes=parse_date(data.get("consultation_closes")),
        body=body.strip("\n"),
        body_line=body_line,
        positions=dict(document.positions),
    )


def scaffold(*, title: str, summary: str, date: dt.date, themes, authors, status: str = "draft",
             group: str = "", consultation_closes: dt.date | None = None) -> str:
    """The text of a new, valid proposal file with a skeleton body to fill in."""
    lines = [
        "---",
        f"title: {quoted(title)}",
        f"summary: {quoted(summary)}",
        f"date: {date.isoformat()}",
        f"status: {status}",
        f"themes: [{', '.join(themes)}]",
        f"authors: [{', '.join(authors)}]",
    ]
    if group:
        lines.append(f"group: {group}")
    if consultation_closes:
        lines.append(f"consultation_closes: {consultation_closes.isoformat()}")
    lines += [
        "---",
        "",
        "## " + _("The problem"),
        "",
        _(_TEMPLATE_LINES[0]),
        "",
        "## " + _("What we propose"),
        "",
        _(_TEMPLATE_LINES[1]),
        "",
        "## " + _("How we get there"),
        "",
        _(_TEMPLATE_LINES[2]),
        "",
    ]
    return "\n".join(lines)


# What `new proposal` writes for the authors to replace (scaffold), as they would find it.
_TEMPLATE_LINES = (N_("What is wrong today, for whom, and how we know."),
                   N_("The change, in plain words. Be specific: who does what, by when, paid for how."),
                   N_("The first steps, and who could take them."))


def _template_text(body: str, path: str, body_line: int) -> list[Problem]:
    """JU416 for each line of ``body`` still one of the scaffold's, in any interface language."""
    found = []
    for number, line in enumerate(body.splitlines()):
        plain = " ".join(line.split()).casefold()
        if plain and any(plain in template_words(example) for example in _TEMPLATE_LINES):
            found.append(problem(P.TEMPLATE_TEXT, path, body_line + number, 1,
                                 _("This line is still the template's: '%(line)s'.") % {"line": line.strip()},
                                 _("Write the proposal's own words in its place, or remove the line.")))
    return found


_KIND = ContentKind(
    what="proposal",
    max_bytes=PROPOSAL_MAX_BYTES,
    schema_file=PROPOSAL_SCHEMA_FILE,
    # Ids are patterns in the schema; the cross-check says which ids exist.
    leave_to_cross_checks=(("status",), ("themes",), ("needs",), ("authors",), ("group",), ("synthesises",)),
    cross_check=_cross_check,
    build=_proposal,
    usable=lambda proposal: proposal.status in STATUSES,
    body_check=_template_text,
)
