"""The commands for finding people: search by words and filters, and match the needs of a group
or proposal, each ranked with its reasons from the Whoosh index (joinedup.match.search)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from joinedup.core.problems import ProblemsFound
from joinedup_cli.reporting import report, speak_site_language


def _open_search_index(root: Path, refresh: bool = True):
    """The repository's Whoosh index, brought up to date; says on stderr what that took."""
    from joinedup.core.dates import build_date
    from joinedup.core.i18n import gettext as _
    from joinedup.match.search import open_search_index

    try:
        index = open_search_index(root, build_date(), refresh=refresh)
    except ProblemsFound as failure:
        report(failure.problems, "text")
        raise click.ClickException(_("the files above have errors; fix them first.")) from None
    for line in index.update.lines(len(index)):
        click.echo(line, err=True)
    return index


def _usage_error(message: str) -> None:
    from joinedup.core.controls import terminal_safe  # the message may quote a file
    from joinedup.core.i18n import gettext as _

    click.echo(terminal_safe(_("Error: %(message)s") % {"message": message}), err=True)
    sys.exit(2)


def _print_matches(matches, as_json: bool, taxonomy, hint: str = "") -> None:
    """The ranked list as a table (or JSON), reasons in the site's words; ``hint`` follows "Nobody matches."."""
    from joinedup.core.controls import terminal_safe  # names and reasons come from files: no escape sequences
    from joinedup.core.i18n import gettext as _
    from joinedup.match.matching import table

    if as_json:
        click.echo(terminal_safe(json.dumps([match.as_json(taxonomy) for match in matches], ensure_ascii=False,
                                            indent=2)))
        return
    if not matches:
        click.echo(_("Nobody matches.") + (" " + hint if hint else ""))
        return
    for line in table(matches, taxonomy):
        click.echo(line)


@click.command()
@click.argument("query", nargs=-1)
@click.option("--skill", "skills", multiple=True, metavar="S", help="A skill id or alias the person must have (repeat).")
@click.option("--region", metavar="R", help="A region id from data/regions.yaml.")
@click.option("--remote", is_flag=True, help="Only people who can help remotely.")
@click.option("--min-hours", type=click.IntRange(0, 60), default=0, metavar="N", help="At least N hours a week.")
@click.option("--available-on", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Available on this day (YYYY-MM-DD); the ranking's window starts there.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Not a filter: the window the ranking looks at starts on this day (default: today).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Not a filter: people available through to this day (YYYY-MM-DD) rank higher.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, name, score, reasons}.")
@click.option("--no-update", is_flag=True,
              help="Use the index as it is, without checking every profile for changes (faster on big directories).")
@click.pass_obj
def search(root, query, skills, region, remote, min_hours, available_on, start, until, limit, as_json, no_update):
    """Find people by words and filters, best first, with the reasons each matched.

    Filters must all hold; words must all be somewhere in the profile. The order is the one
    ranking of docs/search.md: skill and level, availability, hours, place, how recently the
    profile changed, then id. Plain words that name a skill, a region, "remote", hours or a
    time ("this month") are read as those filters, and the flags they stand for are shown.
    The index (in the cache folder, outside the repository) is brought up to date first.

    \b
    Examples:
      python tasks.py search --skill video-editing --remote --min-hours 4 --until 2026-12-31
      python tasks.py search video editor remote 4 hours this month
      python tasks.py search campaign --region london
      python tasks.py search lopez --json
    """
    from joinedup.core.dates import build_date
    from joinedup.core.i18n import gettext as _
    from joinedup.core.problems import BadAnswer
    from joinedup.load.taxonomy import load_taxonomy
    from joinedup.match.plain_words import read_plain_words
    from joinedup.match.search import search_filters

    speak_site_language(root)
    taxonomy = load_taxonomy(root)[0]
    words = " ".join(query)
    plain = read_plain_words(words, taxonomy, build_date())
    if plain.understood:
        read = plain.filters
        words = plain.words
        skills = (*skills, *read.skills)
        region = region or read.region
        remote = remote or read.remote
        min_hours = min_hours or read.min_hours
        available_on = available_on.date() if available_on else read.available_on
        start = start.date() if start else read.start
        until = until.date() if until else read.until
        click.echo(_("Read as: %(flags)s") % {"flags": plain.flags()}, err=True)
    else:
        available_on = available_on.date() if available_on else None
        start = start.date() if start else None
        until = until.date() if until else None
    try:
        filters = search_filters(taxonomy, skills, region, remote, min_hours, available_on, until, start)
    except BadAnswer as error:
        _usage_error(str(error))
    with _open_search_index(root, refresh=not no_update) as index:
        matches = index.search(words, filters, limit)
    hint = "" if not words.strip() else _(
        "Words are looked for in the profiles; to filter, use --skill, --region, --remote, --min-hours, "
        "--available-on or --until (python tasks.py search --help).")
    _print_matches(matches, as_json, taxonomy, hint)


@click.command()
@click.argument("slug", required=False)
@click.option("--person", metavar="ID", help="A profile id: list the open needs this person could help with instead.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Helpers per need; with --person, how many needs.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of {id, name, score, reasons, need}; with --person, of "
                   "{need, skills, asker, url, score, reasons, ...}.")
@click.option("--no-update", is_flag=True,
              help="Use the index as it is, without checking every profile for changes (faster on big directories).")
@click.pass_obj
def match(root, slug, person, limit, as_json, no_update):
    """Rank people who could help with the needs of a group or proposal, with reasons; or,
    with --person, the open needs one person could help with, ranked the same way.

    SLUG is the file name of content/groups/SLUG.md or content/proposals/SLUG.md without .md;
    ID the file name of volunteers/ID.yaml without .yaml. Give one of the two.

    \b
    Examples:
      python tasks.py match renters-rights-network
      python tasks.py match renters-rights-network --limit 3 --json
      python tasks.py match --person liam-doherty
      python tasks.py match --person liam-doherty --limit 3 --json
    """
    from joinedup.core.controls import terminal_safe
    from joinedup.core.dates import build_date
    from joinedup.match.needs import describe, read_needs
    from joinedup.load.taxonomy import load_taxonomy

    _ = speak_site_language(root)
    if slug is not None and person is not None:
        _usage_error(_("give either SLUG (a group or proposal) or --person ID, not both "
                       "(python tasks.py match --help)."))
    if slug is None and person is None:
        _usage_error(_("give SLUG (a group or proposal) or --person ID (python tasks.py match --help)."))
    if person is not None:
        _print_person_needs(root, person, limit, as_json)
        return
    taxonomy = load_taxonomy(root)[0]
    try:
        kind, needs = read_needs(root, slug, taxonomy, build_date())
    except ProblemsFound as failure:
        report(failure.problems, "text", err=True)
        sys.exit(2)
    with _open_search_index(root, refresh=not no_update) as index:
        results = [(need, index.match(need, limit)) for need in needs]
    if as_json:
        click.echo(terminal_safe(json.dumps([{**m.as_json(taxonomy), "need": describe(need)} for need, found in results
                                             for m in found], ensure_ascii=False, indent=2)))
        return
    for number, (need, found) in enumerate(results, 1):
        heading = (_("Need %(number)d of the group '%(slug)s': %(need)s") if kind == "group"
                   else _("Need %(number)d of the proposal '%(slug)s': %(need)s"))
        click.echo(terminal_safe(("" if number == 1 else "\n")
                                 + heading % {"number": number, "slug": slug, "need": describe(need)}))
        _print_matches(found, False, taxonomy)


def _print_person_needs(root: Path, person: str, limit: int, as_json: bool) -> None:
    """``match --person``: the needs the person's page lists under "Where you could help", as a
    table (or JSON), from the repository loaded as the build loads it."""
    from joinedup.core.controls import terminal_safe
    from joinedup.core.dates import build_date
    from joinedup.core.i18n import gettext as _
    from joinedup.match.where_to_help import needs_for_person

    try:
        repository, found = needs_for_person(root, person, build_date(), limit)
    except ProblemsFound as failure:
        report(failure.problems, "text", err=True)
        sys.exit(2)
    taxonomy = repository.taxonomy
    if as_json:
        click.echo(terminal_safe(json.dumps([need.as_json(taxonomy) for need in found.needs], ensure_ascii=False,
                                            indent=2)))
        return
    name = repository.directory.volunteers[person].name
    if not found.needs:
        click.echo(terminal_safe(_("%(name)s matches no open need.") % {"name": name}))
        return
    click.echo(terminal_safe(_("%(name)s could help with %(shown)d of %(total)d open needs:")
                             % {"name": name, "shown": len(found.needs), "total": found.total}))
    for line in person_table(found.needs, taxonomy):
        click.echo(line)


def person_table(needs, taxonomy) -> list[str]:
    """The lines of ``match --person``'s table: number and score right-aligned, the need's
    skills, who asked and the reasons (in the site's words), in columns as wide as their widest cell."""
    from joinedup.core.controls import terminal_safe
    from joinedup.core.i18n import gettext as _

    def skills(need):
        return ", ".join(taxonomy.skills[s].label if s in taxonomy.skills else s for s in need.skills)

    rows = [tuple(map(terminal_safe, (str(n), f"{need.score:.1f}", skills(need.asked), need.asked.asker,
                                      ", ".join(reason.words(taxonomy) for reason in need.reasons))))
            for n, need in enumerate(needs, 1)]
    header = ("#", _("score"), _("need"), _("asked by"), _("why"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    return ["  ".join(cell.rjust(w) if i < 2 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
            + "  " + row[4] for row in [header, *rows]]
