"""``insights``: the organisers' figures (joinedup.match.insights) in a terminal, as the
insights page and data/insights.json show them."""

from __future__ import annotations

import json
import sys

import click

from joinedup_cli.reporting import report


@click.command()
@click.option("--weeks", type=click.IntRange(1, 104), default=None, metavar="N",
              help="Weeks of availability to count (default: as the site shows, 12).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as data/insights.json has them.")
@click.pass_obj
def insights(root, weeks, as_json):
    """Where the movement is thin: supply and demand per skill, people and needs per region,
    people available over the coming weeks, endorsements per theme, needs nobody can fill.

    Dates are relative to the build date (SOURCE_DATE_EPOCH, or today).

    \b
    Examples:
      python tasks.py insights
      python tasks.py insights --weeks 4
      python tasks.py insights --json > insights.json
    """
    from joinedup.core.controls import terminal_safe  # labels and names come from files
    from joinedup.core.dates import build_date
    from joinedup.core.problems import has_errors
    from joinedup.load.repository import load_repository
    from joinedup.match.insights import WEEKS
    from joinedup.match.insights import insights as figures_of

    today = build_date()
    repository, problems = load_repository(root, build_date=today)  # and the site's language
    if has_errors(problems):
        report([p for p in problems if p.severity == "error"], "text", err=True)
        sys.exit(1)
    found = figures_of(repository.directory, repository.agenda, today, weeks or WEEKS)
    if as_json:
        click.echo(terminal_safe(json.dumps(found.as_json(repository.taxonomy), ensure_ascii=False, indent=1)))
        return
    for line in found.lines(repository.taxonomy):
        click.echo(terminal_safe(line))
