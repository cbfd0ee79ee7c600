"""How the command line speaks: in the site's language, and problems as ``check`` lists them."""

from __future__ import annotations

from pathlib import Path

import click

from joinedup.core import problems as P
from joinedup.core.problems import Problem


def report(problems: list[Problem], output_format: str, *, err: bool = False) -> None:
    """Print ``problems`` in ``output_format``; with ``err``, on stderr (a command whose stdout is its answer)."""
    if output_format == "json":
        click.echo(P.to_json(problems))
        return
    for item in problems:
        click.echo(item.format_github() if output_format == "github" else item.format_text(), err=err)
    if output_format == "text" and problems:
        click.echo(P.summary(problems), err=True)


def speak_site_language(root: Path):
    """Use the site's language (site.yaml) for what a command prints from here on; returns gettext."""
    from joinedup.core.i18n import gettext
    from joinedup.load.settings import use_site_language

    use_site_language(root)
    return gettext


def output_folder(root: Path, output: str | None) -> Path:
    """``--output`` as given (relative to where the command runs), or output/ in the repository."""
    return Path(output).resolve() if output else root / "output"
