"""Groups (communities of practice): ``content/groups/<slug>.md`` read, checked and built.

The front matter is the group's card (sponsor, vision, mission, goals, core team, expected
outcomes, measures of success, how it works, assumptions, review date) and its ``needs``;
the Markdown body says the rest. A review date in the past and needs whose ``until`` has
passed are warnings: the card is still published, but its organisers are told to refresh it.
"""

from __future__ import annotations

from pathlib import Path

from joinedup.core import problems as P
from joinedup.core.dates import parse_date
from joinedup.core.i18n import gettext as _
from joinedup.core.model import Contact, Directory, Group, Known, Need
from joinedup.core.problems import Problem, problem
from joinedup.load.content import ContentChecks, ContentKind, load_content
from joinedup.load.crossrefs import unknown_people, unknown_region, unknown_skill, unknown_themes
from joinedup.load.files import content_files
from joinedup.load.profiles import ID_PATTERN, RESERVED_IDS

GROUPS_DIR = "content/groups"
GROUP_SCHEMA_FILE = Path(__file__).with_name("group.schema.json")
GROUP_MAX_BYTES = 128 * 1024


def group_files(root: Path, only=None) -> tuple[list[str], list[Problem]]:
    """The paths of every group, and problems with their names (see ``files.content_files``)."""
    return content_files(root, GROUPS_DIR, extension="md", id_pattern=ID_PATTERN,
                         reserved=RESERVED_IDS, what="group", only=only)


def load_group(
    root: Path, relative: str, known: Known, *, thorough: bool = True, checks: ContentChecks | None = None
) -> tuple[Group | None, list[Problem]]:
    """Read, validate and build one group (see ``content.load_content``)."""
    return load_content(root, relative, known, _KIND, thorough=thorough, checks=checks)


def _cross_check(document, path: str, known: Known) -> list[Problem]:
    data = document.data
    found: list[Problem] = []
    found += unknown_themes(document, "themes", path, known.taxonomy)
    found += unknown_people(document, "core_team", path, known.volunteers, "core team member")
    found += unknown_people(document, "members", path, known.volunteers, "member")

    review = parse_date(data.get("review"))
    if review and review < known.today:
        line, col = document.position(("review",))
        found.append(problem(
            P.REVIEW_OVERDUE, path, line, col,
            _("The group's review date, %(date)s, has passed.") % {"date": review},
            _("Review the card with the group (are the goals, team and needs still right?), "
              "then set 'review:' to the date of the next review."),
        ))

    needs = data.get("needs")
    if isinstance(needs, list):
        for index, need in enumerate(needs):
            if not isinstance(need, dict):
                continue
            where = ("needs", index)
            if isinstance(need.get("skill"), str):
                found += unknown_skill(document, where + ("skill",), need["skill"], path, known.taxonomy)
            if isinstance(need.get("region"), str):
                found += unknown_region(document, where + ("region",), need["region"], path, known.taxonomy)
            if need.get("remote") is not True and not need.get("region"):
                line, col = document.position(where)
                found.append(problem(
                    P.MISSING_FIELD, path, line, col,
                    _("Need %(number)d says neither 'remote: true' nor a 'region', so nobody can tell where the help "
                      "is needed.") % {"number": index + 1},
                    _("Add 'remote: true', or 'region:' with a region id from data/regions.yaml, or both."),
                ))
            until = parse_date(need.get("until"))
            # A filled need is kept on purpose: its page says so.
            if until and until < known.today and need.get("status") != "filled":
                line, col = document.position(where + ("until",))
                found.append(problem(
                    P.NEED_EXPIRED, path, line, col,
                    _("Need %(number)d (%(skill)s) ended on %(date)s; it is off the needs board and its page lists it as ended.")
                    % {"number": index + 1, "skill": need.get("skill"), "date": until},
                    _("Remove the need, move 'until:' to a later date if the help is still wanted, "
                      "or add 'status: filled' if someone took it on."),
                ))
    return found


def unreachable_groups(groups, directory: Directory) -> list[Problem]:
    """JU415 for each group that names no way to reach it: no ``contact``, no ``discussion``
    and nobody in its core team whose profile gives a contact. Every need on a group's page
    offers "I can help" through the group's own contact or discussion, and the core team's
    cards show theirs: a group with none of these is a dead end for someone who wants to help."""
    found = []
    for group in groups:
        if group.contact or group.discussion:
            continue
        team = [directory.volunteers.get(person) for person in group.core_team]
        # A member whose profile is missing or refused has a problem of its own: their contact is unknown.
        if any(volunteer is None or volunteer.contact for volunteer in team):
            continue
        line, col = group.positions.get(("core_team",), (1, 1))
        found.append(problem(
            P.GROUP_UNREACHABLE, group.path, line, col,
            _("Nobody can reach the group '%(group)s': it gives no contact and no discussion, "
              "and nobody in its core team gives a contact in their profile.") % {"group": group.name},
            _("Add 'contact:' with the group's 'email:' or 'website:', or 'discussion:' with the address of its "
              "forum or chat; or ask someone in the core team to add a contact to their profile."),
        ))
    return found


def _lines(value) -> tuple[str, ...]:
    return tuple(" ".join(line.split()) for line in value or ())


def _group(document, path: str, body: str, body_line: int) -> Group:
    data = document.data
    return Group(
        slug=Path(path).stem,
        path=path,
        name=" ".join(data["name"].split()),
        summary=" ".join(data["summary"].split()),
        sponsor=data["sponsor"].strip(),
        vision=data["vision"].strip(),
        mission=data["mission"].strip(),
        goals=_lines(data["goals"]),
        core_team=tuple(data["core_team"]),
        members=tuple(data.get("members") or ()),
        themes=tuple(data.get("themes") or ()),
        expected_outcomes=_lines(data.get("expected_outcomes")),
        measures_of_success=_lines(data.get("measures_of_success")),
        how_it_works=(data.get("how_it_works") or "").strip(),
        assumptions=_lines(data.get("assumptions")),
        review=parse_date(data["review"]),
        needs=tuple(
            Need(
                skill=need["skill"],
                hours_per_week=need["hours_per_week"],
                remote=bool(need.get("remote", False)),
                region=need.get("region", ""),
                until=parse_date(need.get("until")),
                note=" ".join((need.get("note") or "").split()),
                status=need.get("status", "open"),
            )
            for need in data.get("needs") or ()
        ),
        discussion=data.get("discussion", ""),
        contact=Contact(**{key: str(value) for key, value in (data.get("contact") or {}).items()
                           if key in ("email", "website")}),
        body=body.strip("\n"),
        body_line=body_line,
        positions=dict(document.positions),
    )



_KIND = ContentKind(
    what="group",
    max_bytes=GROUP_MAX_BYTES,
    schema_file=GROUP_SCHEMA_FILE,
    # Ids are patterns in the schema; the cross-check says which ids exist.
    leave_to_cross_checks=(("themes",), ("core_team",), ("members",), ("needs",)),
    cross_check=_cross_check,
    build=_group,
    email_allowed=frozenset({("contact", "email")}),
    exempt=frozenset({("contact", "website")}),
)
