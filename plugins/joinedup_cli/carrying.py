"""``cache save`` and ``cache restore``: the deploy workflow's build cache, carried between
deploys by the forge's cache action and signed with a repository secret (joinedup.builder.carry)."""

from __future__ import annotations

from pathlib import Path

import click

from joinedup_cli.reporting import output_folder, report, speak_site_language

_OUTPUT = click.option("--output", type=click.Path(file_okay=False), default=None,
                       help="The site's folder (default: output/ in the repository).")


@click.group()
def cache():
    """Carry the build's cache and the last site from one deploy to the next.

    Both need the key in the environment variable JOINEDUP_CACHE_KEY (a secret of the
    repository, at least 32 characters: `openssl rand -hex 32`). Without it they do nothing,
    and every deploy builds from nothing (docs/maintainers.md).
    """


@cache.command()
@click.argument("folder", type=click.Path(file_okay=False))
@_OUTPUT
@click.pass_obj
def save(root, folder, output):
    """Pack the cache folder and the site just built into FOLDER, signed.

    \b
    Example (after `python tasks.py build --publish`):
      python tasks.py cache save ~/joinedup-carried
    """
    from joinedup.builder.carry import KEY_VARIABLE, pack, secret
    from joinedup.core.i18n import format_number, ngettext

    _ = speak_site_language(root)
    key = secret()
    if key is None:
        click.echo(_("No cache saved: %s is not set (or shorter than 32 characters).") % KEY_VARIABLE)
        return
    carried = pack(root, output_folder(root, output), Path(folder), key)
    click.echo(ngettext("Saved %(count)d file (%(mb)s MB) to %(folder)s.",
                        "Saved %(count)d files (%(mb)s MB) to %(folder)s.", carried.files)
               % {"count": carried.files, "mb": format_number(round(carried.bytes / 1e6, 1)), "folder": folder})


@cache.command()
@click.argument("folder", type=click.Path(file_okay=False))
@_OUTPUT
@click.pass_obj
def restore(root, folder, output):
    """Put back the cache folder and the last site packed in FOLDER, if its signature holds.

    A cache whose signature does not match (changed, from another version or branch) is
    refused with a warning (JU610) and nothing is restored: the build then starts from
    nothing. Missing (the first deploy), it is skipped. Either way the command succeeds.

    \b
    Example (before `python tasks.py build --publish`):
      python tasks.py cache restore ~/joinedup-carried
    """
    from joinedup.builder.carry import ARCHIVE, KEY_VARIABLE, SIGNATURE, Refused, refused_warning, secret, unpack
    from joinedup.core.i18n import format_number, ngettext

    _ = speak_site_language(root)
    key = secret()
    if key is None:
        click.echo(_("No cache restored: %s is not set (or shorter than 32 characters).") % KEY_VARIABLE)
        return
    source = Path(folder)
    if not (source / SIGNATURE).exists() and not (source / ARCHIVE).exists():
        click.echo(_("No cache to restore in %s: the site is built from nothing.") % folder)
        return
    try:
        carried = unpack(root, output_folder(root, output), source, key)
    except Refused as why:
        report([refused_warning(source, str(why))], "text", err=True)
        return
    click.echo(ngettext("Restored %(count)d file (%(mb)s MB), built from %(commit)s.",
                        "Restored %(count)d files (%(mb)s MB), built from %(commit)s.", carried.files)
               % {"count": carried.files, "mb": format_number(round(carried.bytes / 1e6, 1)), "commit": carried.commit[:12] or "?"})
