#!/usr/bin/env python3
"""Joined Up's command line: build, serve, check and scaffold a movement's site.

Run ``python tasks.py --help``; every command has ``--help`` with an example. This file is a
thin shell: the work is in the ``joinedup`` library (plugins/joinedup) and Pelican. It holds the
group and the commands that check, build and serve the site; the commands for contributors and
for finding people are in ``plugins/joinedup_cli``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "plugins"))

import click  # noqa: E402

from joinedup.core.problems import ProblemsFound, has_errors  # noqa: E402
from joinedup_cli import carrying, contribute, find, insights, pools  # noqa: E402
from joinedup_cli.reporting import output_folder, report, speak_site_language  # noqa: E402


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, exists=True), envvar="JOINEDUP_ROOT",
              help="The site repository to work on (default: the folder of tasks.py).")
@click.pass_context
def cli(ctx, root):
    """Joined Up: a movement's volunteer directory and proposals, published from git.

    \b
    Quick tour:
      python tasks.py init --language fr make a fresh fork the movement's own
      python tasks.py check              validate every file, say what to fix
      python tasks.py build              build the site into output/
      python tasks.py serve              build, serve on http://127.0.0.1:8000, rebuild on change
      python tasks.py new profile        write a new volunteer profile
      python tasks.py new proposal       write a new policy proposal
      python tasks.py search --skill video-editing --remote --min-hours 4
      python tasks.py match SLUG         who could help with a group's needs
      python tasks.py owners --author LOGIN --changed-since origin/main
                                         who must approve each file a pull request changes
    """
    # The repository every command works on (click.pass_obj): --root, JOINEDUP_ROOT or this file's folder.
    ctx.obj = Path(root).resolve() if root else HERE


# --- check --------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--changed-since", metavar="REF", help="Only check files changed since this git ref (e.g. origin/main).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
    help="text for people, github for workflow annotations on a PR, json for tools.",
)
@click.pass_obj
def check(root, paths, changed_since, output_format):
    """Validate profiles, proposals, groups and data; print every problem with file:line:col and a hint.

    Exits 1 if there is any error (warnings alone exit 0).

    \b
    Examples:
      python tasks.py check
      python tasks.py check volunteers/ana-lopez.yaml
      python tasks.py check content/proposals/free-buses-for-under-25s.md
      python tasks.py check --changed-since origin/main --format github
      python tasks.py check --format json > problems.json
    """
    from joinedup.core.i18n import gettext as _
    from joinedup.load.changes import GitError, check_scope
    from joinedup.load.repository import load_repository

    if changed_since:
        speak_site_language(root)  # load_repository speaks it too; these lines come before
    try:
        scope = check_scope(root, paths, changed_since)
    except GitError as error:
        raise click.ClickException(_("cannot list files changed since %(ref)r: %(error)s")
                                   % {"ref": changed_since, "error": error}) from None
    if changed_since and output_format == "text":
        message = (_("Checking every file (the schema, a .gitignore or the checker changed): changed since %(ref)s, "
                     "and what refers to them.") if scope.changed is None else
                   _("Checking %(count)d file(s): changed since %(ref)s, and what refers to them."))
        click.echo(message % {"count": len(scope.changed or ()), "ref": changed_since}, err=True)
    problems = load_repository(root, only=scope.only)[1]  # and the site's language, for the messages
    report(problems, output_format)
    if output_format == "text" and not problems:
        click.echo(_("No problems found."), err=True)
    sys.exit(1 if has_errors(problems) else 0)


# --- build --------------------------------------------------------------------------------


@cli.command()
@click.option("--output", "output", type=click.Path(file_okay=False), default=None,
              help="Where the finished site goes (default: output/ in the repository).")
@click.option("--publish", is_flag=True, help="Use publishconf.py (the public SITEURL) instead of pelicanconf.py.")
@click.pass_obj
def build(root, output, publish):
    """Validate, render and publish the site atomically.

    The site is rendered into a temporary folder beside OUTPUT and swapped in only when
    everything succeeded: a build with errors exits 1 and leaves OUTPUT as it was.

    \b
    Examples:
      python tasks.py build
      python tasks.py build --output /tmp/site
      SOURCE_DATE_EPOCH=1767225600 python tasks.py build --publish
    """
    from joinedup.core.i18n import format_seconds, gettext as _, ngettext

    output_path = output_folder(root, output)
    output = output or "output"
    try:
        result = _build(root, output_path, publish=publish, last=True)
    except ProblemsFound as failure:
        _report_failure(failure)
        click.echo(_("Build failed: %(reason)s. %(output)s is unchanged.") % {"reason": failure, "output": output},
                   err=True)
        sys.exit(1)
    click.echo(ngettext("Built %(count)d page into %(output)s in %(seconds)s s.",
                        "Built %(count)d pages into %(output)s in %(seconds)s s.", result.pages)
               % {"count": result.pages, "output": output, "seconds": format_seconds(result.seconds)},
               err=True)


def _build(root: Path, output_path: Path, *, publish: bool = False, last: bool = False):
    """joinedup.builder.pipeline.build, with a progress bar on a terminal; says on stderr what it did
    (but for the pages built) and returns its BuildResult. Raises ProblemsFound."""
    from joinedup.core.i18n import gettext as _
    from joinedup.builder.pipeline import build as build_site

    def quick_failed(error: str) -> None:
        click.echo(_("The quick rebuild failed (%(error)s); building in full.") % {"error": error}, err=True)

    progress = _ProgressBar() if _show_progress() else None
    try:
        result = build_site(root, output_path, publish=publish, progress=progress, last=last, quick_failed=quick_failed)
    finally:
        if progress is not None:
            progress.close()
    for line in result.lines():
        click.echo(line, err=True)
    return result


def _report_failure(failure: ProblemsFound) -> None:
    """The problems in files as ``check`` lists them; a failure of the build itself (a tool it
    runs, in no file) on stderr, with the rest of what the build says about itself."""
    in_files = [item for item in failure.problems if item.path]
    if in_files:
        report(in_files, "text")
    for item in failure.problems:
        if not item.path:
            click.echo(item.format_text(), err=True)


def _show_progress() -> bool:
    """A bar only for a person watching: stdout is a terminal and this is not CI."""
    return sys.stdout.isatty() and not os.environ.get("CI")


class _ProgressBar:
    """click's progress bar, started at the first report, when the number of pages is known
    (and the build has read the site's language, which its label speaks)."""

    def __init__(self):
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from joinedup.core.i18n import gettext as _

            self.bar = click.progressbar(length=total, label=_("Rendering pages"), file=sys.stdout)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


# --- serve --------------------------------------------------------------------------------


@cli.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--output", default=None, type=click.Path(file_okay=False),
              help="Where the site is written (default: output/ in the repository).")
@click.pass_obj
def serve(root, port, output):
    """Build, serve the site on 127.0.0.1 and rebuild when a file changes.

    Watches content/, volunteers/, data/, themes/ and the settings. A build with errors
    prints them and keeps serving the last good site.

    \b
    Example:
      python tasks.py serve --port 8000
    """
    import errno

    from joinedup.core.i18n import gettext as _
    from joinedup.builder.serving import PreviewServer, ServerStopped, changes

    def cannot_listen(reason: str) -> click.ClickException:
        return click.ClickException(_("cannot listen on 127.0.0.1:%(port)d: %(error)s. Try --port %(next)d.")
                                    % {"port": port, "error": reason, "next": port + 1})

    output_path = output_folder(root, output)
    _serve_build(root, output_path)  # and the site's language, for what serve says
    server = PreviewServer(output_path, port)
    try:
        server.start()
    except OSError as error:
        raise cannot_listen(error.strerror) from None
    try:  # Ctrl-C as soon as the address is shown stops as cleanly as later
        click.echo(_("Serving %(output)s at %(url)s  (Ctrl-C to stop)")
                   % {"output": output or "output", "url": f"http://127.0.0.1:{port}/"})
        for _change in changes(root, server):
            click.echo(_("Change seen; rebuilding…"))
            _serve_build(root, output_path)
    except ServerStopped:
        raise cannot_listen(os.strerror(errno.EADDRINUSE)) from None
    except KeyboardInterrupt:
        click.echo(_("Stopped."))
    finally:
        server.stop()


def _serve_build(root: Path, output_path: Path) -> None:
    from joinedup.core.i18n import format_seconds, gettext as _, ngettext

    try:
        result = _build(root, output_path)
    except ProblemsFound as failure:
        _report_failure(failure)
        click.echo(_("Build failed; still serving the last good site."), err=True)
        return
    click.echo(ngettext("Built %(count)d page in %(seconds)s s.", "Built %(count)d pages in %(seconds)s s.", result.pages)
               % {"count": result.pages, "seconds": format_seconds(result.seconds)})


# --- init, new, owners, search, match, insights, pools and cache (plugins/joinedup_cli) ------------------

for command in (contribute.init, contribute.new, contribute.owners, find.search, find.match, insights.insights,
                pools.pools, carrying.cache):
    cli.add_command(command)


def main():
    """Run the command line. A command's own refusal ("Error: …") and an interruption
    ("Aborted!") are said in the language the command speaks (the site's); a mistyped option
    or argument is left to Click, whose messages are English."""
    from joinedup.core.controls import terminal_safe
    from joinedup.core.i18n import gettext as _

    try:
        code = cli.main(standalone_mode=False)
    except click.UsageError as error:
        error.show()
        code = error.exit_code
    except click.ClickException as error:
        click.echo(terminal_safe(_("Error: %(message)s") % {"message": error.format_message()}), err=True)
        code = error.exit_code
    except click.exceptions.Abort:
        click.echo(_("Aborted!"), err=True)
        code = 1
    except ProblemsFound as failure:  # pragma: no cover - commands handle it themselves
        report(failure.problems, "text")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
