#!/usr/bin/env python3
"""Joined Up's command line: build, serve, check and scaffold a movement's site.

Run ``python tasks.py --help``; every command has ``--help`` with an example. This file is a
thin shell: the work is in the ``joinedup`` library (plugins/joinedup) and Pelican.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "plugins"))

import click  # noqa: E402

from joinedup.core import problems as P  # noqa: E402
from joinedup.core.problems import Problem, ProblemsFound, has_errors  # noqa: E402


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
    from joinedup.load.changes import GitError, check_scope
    from joinedup.load.repository import load_repository

    if changed_since:
        _ = _speak_site_language(root)  # load_repository speaks it too; these lines come before
    try:
        scope = check_scope(root, paths, changed_since)
    except GitError as error:
        raise click.ClickException(_("cannot list files changed since %(ref)r: %(error)s")
                                   % {"ref": changed_since, "error": error}) from None
    if changed_since and output_format == "text":
        message = (_("Checking every file (the schema or the checker changed): changed since %(ref)s, and what "
                     "refers to them.") if scope.changed is None else
                   _("Checking %(count)d file(s): changed since %(ref)s, and what refers to them."))
        click.echo(message % {"count": len(scope.changed or ()), "ref": changed_since}, err=True)
    problems = load_repository(root, only=scope.only)[1]  # and the site's language, for the messages
    _report(problems, output_format)
    if output_format == "text" and not problems:
        from joinedup.core.i18n import gettext

        click.echo(gettext("No problems found."), err=True)
    sys.exit(1 if has_errors(problems) else 0)


def _report(problems: list[Problem], output_format: str, *, err: bool = False) -> None:
    """Print ``problems`` in ``output_format``; with ``err``, on stderr (a command whose stdout is its answer)."""
    if output_format == "json":
        click.echo(P.to_json(problems))
        return
    for item in problems:
        click.echo(item.format_github() if output_format == "github" else item.format_text(), err=err)
    if output_format == "text" and problems:
        click.echo(P.summary(problems), err=True)


# --- owners -------------------------------------------------------------------------------


@cli.command()
@click.option("--author", required=True, metavar="LOGIN", help="The forge login that opened the pull request.")
@click.option("--approved-by", "approvers", multiple=True, metavar="LOGIN",
              help="A forge login that approved the pull request's head commit (repeat the option).")
@click.option("--reviews", type=click.File("r", encoding="utf-8"), metavar="FILE",
              help="The pull request's reviews as GitHub's API lists them (gh api --paginate .../pulls/N/reviews; "
                   "- reads standard input): whoever's latest review of the checked-out commit approves counts.")
@click.option("--changed-since", required=True, metavar="REF",
              help="The branch the pull request goes into (e.g. origin/main): the changes are those since its merge "
                   "base with HEAD; maintainers, owners, authors and core teams are read from its tip.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--status-file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Also write the verdict as the body of GitHub's 'owners' commit status (for gh api --input).")
@click.option("--status-url", metavar="URL", help="The details link of that status, such as the workflow run.")
@click.pass_obj
def owners(root, author, approvers, reviews, changed_since, output_format, status_file, status_url):
    """Say who must approve each file a pull request changes; exit 1 while an approval is missing.

    A profile needs the login it names (before and after the change), a proposal one of its
    authors, a group one of its core team, anything else a maintainer; a maintainer may give
    any of these. Everyone named as a new author or core-team member, and an author of each
    proposal newly synthesised, must approve themselves, and a change of a proposal's status
    needs `status_approvers` (default: the maintainers). Every judge is read from the tip of
    REF, never from the pull request or the commit it branched from. Each missing approval
    is one line with its reason.

    \b
    Examples:
      python tasks.py owners --author ana-lopez-example --changed-since origin/main
      python tasks.py owners --author someone --approved-by ana-lopez-example --changed-since origin/main
      gh api --paginate repos/OWNER/NAME/pulls/7/reviews > reviews.json
      python tasks.py owners --author someone --reviews reviews.json --changed-since origin/main
    """
    from joinedup.load.changes import GitError
    from joinedup.contribute.forge import ReviewsError
    from joinedup.contribute.owners import verdict

    _ = _speak_site_language(root)  # the reasons and the verdict (the status's description too)
    try:
        found = verdict(root, changed_since, author=author, approvers=approvers,
                        reviews=None if reviews is None else reviews.read())
    except GitError as error:
        raise click.ClickException(_("cannot list files changed since %(ref)r: %(error)s")
                                   % {"ref": changed_since, "error": error}) from None
    except ReviewsError as error:
        raise click.ClickException(_("cannot read the reviews in %(file)s: %(error)s")
                                   % {"file": reviews.name, "error": error}) from None
    for line in found.outdated_lines():
        click.echo(line, err=True)
    if output_format == "json":
        click.echo(json.dumps([d.as_dict() for d in found.decisions], indent=2))
    else:
        for line in found.lines():
            click.echo(line)
    if output_format == "text":
        click.echo(found.summary(), err=True)
    if status_file:
        Path(status_file).write_text(found.commit_status(status_url), encoding="utf-8")
    sys.exit(1 if found.missing else 0)


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

    output_path = _output_path(root, output)
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
        _report(in_files, "text")
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

    output_path = _output_path(root, output)
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


def _output_path(root: Path, output: str | None) -> Path:
    """``--output`` as given (relative to where the command runs), or output/ in the repository."""
    return Path(output).resolve() if output else root / "output"


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


# --- search and match ---------------------------------------------------------------------


def _speak_site_language(root: Path):
    """Use the site's language (site.yaml) for what ``search`` and ``match`` print; returns gettext."""
    from joinedup.core.i18n import gettext
    from joinedup.load.settings import use_site_language

    use_site_language(root)
    return gettext


def _open_search_index(root: Path, refresh: bool = True):
    """The repository's Whoosh index, brought up to date; says on stderr what that took."""
    from joinedup.core.dates import build_date
    from joinedup.core.i18n import gettext as _
    from joinedup.match.search import open_search_index

    try:
        index = open_search_index(root, build_date(), refresh=refresh)
    except ProblemsFound as failure:
        _report(failure.problems, "text")
        raise click.ClickException(_("the taxonomies in data/ have errors; fix them first.")) from None
    for line in index.update.lines(len(index)):
        click.echo(line, err=True)
    return index


def _usage_error(message: str) -> None:
    from joinedup.core.controls import terminal_safe  # the message may quote a file
    from joinedup.core.i18n import gettext as _

    click.echo(terminal_safe(_("Error: %(message)s") % {"message": message}), err=True)
    sys.exit(2)


def _print_matches(matches, as_json: bool) -> None:
    from joinedup.core.controls import terminal_safe  # names and reasons come from files: no escape sequences
    from joinedup.core.i18n import gettext as _
    from joinedup.match.matching import table

    if as_json:
        click.echo(terminal_safe(json.dumps([match.as_json() for match in matches], ensure_ascii=False, indent=2)))
        return
    if not matches:
        click.echo(_("Nobody matches."))
        return
    for line in table(matches):
        click.echo(line)


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--skill", "skills", multiple=True, metavar="S", help="A skill id or alias the person must have (repeat).")
@click.option("--region", metavar="R", help="A region id from data/regions.yaml.")
@click.option("--remote", is_flag=True, help="Only people who can help remotely.")
@click.option("--min-hours", type=click.IntRange(0, 60), default=0, metavar="N", help="At least N hours a week.")
@click.option("--available-on", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Available on this day (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, name, score, reasons}.")
@click.option("--no-update", is_flag=True,
              help="Use the index as it is, without checking every profile for changes (faster on big directories).")
@click.pass_obj
def search(root, query, skills, region, remote, min_hours, available_on, limit, as_json, no_update):
    """Find people by words and filters, best first, with the reasons each matched.

    Filters must all hold. Without words the order is how well people fit the filters (hours,
    availability, how recently the profile changed); with words, relevance comes first. The index
    (in the cache folder, outside the repository) is brought up to date before each search.

    \b
    Examples:
      python tasks.py search --skill video-editing --remote --min-hours 4 --available-on 2026-12-01
      python tasks.py search "campaign films" --region london
      python tasks.py search lopez --json
    """
    from joinedup.core.problems import BadAnswer
    from joinedup.match.search import search_filters
    from joinedup.load.taxonomy import load_taxonomy

    _speak_site_language(root)
    try:
        filters = search_filters(load_taxonomy(root)[0], skills, region, remote, min_hours,
                                 available_on.date() if available_on else None)
    except BadAnswer as error:
        _usage_error(str(error))
    with _open_search_index(root, refresh=not no_update) as index:
        matches = index.search(" ".join(query), filters, limit)
    _print_matches(matches, as_json)


@cli.command()
@click.argument("slug")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Helpers per need.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, name, score, reasons, need}.")
@click.option("--no-update", is_flag=True,
              help="Use the index as it is, without checking every profile for changes (faster on big directories).")
@click.pass_obj
def match(root, slug, limit, as_json, no_update):
    """Rank people who could help with the needs of a group or proposal, with reasons.

    SLUG is the file name of content/groups/SLUG.md or content/proposals/SLUG.md without .md.

    \b
    Examples:
      python tasks.py match video-collective
      python tasks.py match video-collective --limit 3 --json
    """
    from joinedup.core.controls import terminal_safe
    from joinedup.core.dates import build_date
    from joinedup.match.needs import describe, read_needs
    from joinedup.load.taxonomy import load_taxonomy

    _ = _speak_site_language(root)
    taxonomy = load_taxonomy(root)[0]
    try:
        kind, needs = read_needs(root, slug, taxonomy, build_date())
    except ProblemsFound as failure:
        _report(failure.problems, "text", err=True)
        sys.exit(2)
    with _open_search_index(root, refresh=not no_update) as index:
        results = [(need, index.match(need, limit)) for need in needs]
    if as_json:
        click.echo(terminal_safe(json.dumps([{**m.as_json(), "need": describe(need)} for need, found in results
                                             for m in found], ensure_ascii=False, indent=2)))
        return
    for number, (need, found) in enumerate(results, 1):
        heading = (_("Need %(number)d of the group '%(slug)s': %(need)s") if kind == "group"
                   else _("Need %(number)d of the proposal '%(slug)s': %(need)s"))
        click.echo(terminal_safe(("" if number == 1 else "\n")
                                 + heading % {"number": number, "slug": slug, "need": describe(need)}))
        _print_matches(found, False)


# --- init ---------------------------------------------------------------------------------


@cli.command()
@click.option("--language", type=click.Choice(["en", "fr"]), help="The interface's language (and starter pages).")
@click.option("--name", help="The movement's name, shown on every page.")
@click.option("--tagline", help="One sentence under the name.")
@click.option("--accent", metavar="#RRGGBB", help="Header and link colour; must reach WCAG AA contrast on white.")
@click.option("--forge-url", metavar="URL", help="The repository on its forge: https://github.com/OWNER/NAME.")
@click.option("--branch", help="The branch that is published.")
@click.option("--maintainer", "maintainers", multiple=True, metavar="LOGIN", help="A maintainer's forge login (repeat).")
@click.option("--takedown-contact", metavar="URL", help="mailto: or https:// address for removal requests.")
@click.option("--timezone", help="Such as Europe/Paris.")
@click.option("--keep-examples", is_flag=True, help="Keep the example profiles, proposals and groups.")
@click.option("--keep-taxonomy", is_flag=True, help="Keep data/*.yaml instead of the language's starter taxonomies.")
@click.option("--record-examples", is_flag=True, hidden=True,
              help="Upstream only: rewrite examples.sha256 from the example files as they are.")
@click.pass_obj
def init(root, language, name, tagline, accent, forge_url, branch, maintainers, takedown_contact, timezone,
         keep_examples, keep_taxonomy, record_examples):
    """Make a fresh fork the movement's own: settings in site.yaml, example content removed.

    Settings not given as flags are asked for (or kept as they are when nobody is at the
    keyboard). Files that differ from the bundled examples are real content: init never
    touches them, and refuses to run while any profile, proposal or group is real. Running
    it again with the same flags changes nothing.

    \b
    Examples:
      python tasks.py init --language fr
      python tasks.py init --language fr --name "Ensemble" --accent "#8a1538" \\
        --forge-url https://github.com/ensemble/site --maintainer camille-martin \\
        --takedown-contact mailto:vie-privee@ensemble.example --timezone Europe/Paris
    """
    from joinedup.contribute.interview import init_answers
    from joinedup.core.i18n import gettext
    from joinedup.load.repository import load_repository
    from joinedup.load.settings import load_settings
    from joinedup.contribute.starter import EXAMPLES_MANIFEST, apply, manifest_text, plan_init

    if record_examples:
        _speak_site_language(root)
        (root / EXAMPLES_MANIFEST).write_text(manifest_text(root), encoding="utf-8")
        click.echo(gettext("Wrote %(path)s.") % {"path": EXAMPLES_MANIFEST})
        return
    given = {"--language": language, "--name": name, "--tagline": tagline, "--accent": accent,
             "--forge-url": forge_url, "--branch": branch, "--maintainer": maintainers,
             "--takedown-contact": takedown_contact, "--timezone": timezone}
    with _reporting_bad_options():
        settings = init_answers(load_settings(root)[0], given, _interview())  # and the language chosen, from here on
    try:
        plan = plan_init(root, settings, keep_examples=keep_examples, keep_taxonomy=keep_taxonomy)
    except ProblemsFound as failure:
        _report(failure.problems, "text")
        raise click.ClickException(gettext("init changed nothing: the settings above would not work.")) from None
    if plan.real:
        for line in plan.refusal():
            click.echo(line, err=True)
        sys.exit(1)
    apply(root, plan)
    for line in plan.lines():
        click.echo(line)
    _, problems = load_repository(root)
    _report(problems, "text")
    if has_errors(problems):
        raise click.ClickException(gettext("the site has errors (above); fix them, then run: python tasks.py check"))
    click.echo(gettext("Ready. Next: python tasks.py new profile, then python tasks.py build."))


# --- new ----------------------------------------------------------------------------------


@cli.group()
def new():
    """Scaffold new content files."""


@new.command("profile")
@click.option("--id", "profile_id", help="File name without .yaml: lowercase, hyphens (ana-lopez).")
@click.option("--name", help="Your name as it should be shown.")
@click.option("--github", help="Your forge login.")
@click.option("--headline", help="One line on what you do.")
@click.option("--skill", "skills", multiple=True, help="A skill id from data/skills.yaml (repeat the option).")
@click.option("--place", help="Town or neighbourhood (no street, no full postcode).")
@click.option("--region", help="A region id from data/regions.yaml.")
@click.option("--remote/--no-remote", default=None, help="Can you help remotely?")
@click.option("--hours", type=int, help="Hours per week (1-60).")
@click.option("--language", "languages", multiple=True, help="ISO 639-1 code such as en (repeat the option).")
@click.option("--email", default="", help="Contact e-mail (never shown as plain text).")
@click.option("--yes", is_flag=True, help="Agree that everything in the file is published.")
@click.pass_obj
def new_profile(root, profile_id, name, github, headline, skills, place, region, remote, hours, languages, email, yes):
    """Write volunteers/<id>.yaml, a valid profile, asking for what the flags do not give.

    \b
    Examples:
      python tasks.py new profile
      python tasks.py new profile --id ana-lopez --name "Ana López" --github ana-lopez \\
        --headline "Video editor" --skill video-editing --place Leeds --region yorkshire \\
        --remote --hours 4 --language en --yes
    """
    from joinedup.contribute.interview import profile_answers
    from joinedup.core.i18n import activate, gettext as _
    from joinedup.load.settings import load_settings
    from joinedup.load.taxonomy import load_taxonomy

    settings = load_settings(root)[0]
    activate(settings.language)  # questions and explanations in the site's language
    given = {"--id": profile_id, "--name": name, "--github": github, "--headline": headline, "--skill": skills,
             "--place": place, "--region": region, "--remote": remote, "--hours": hours, "--language": languages,
             "--email": email, "--yes": yes}
    with _reporting_bad_options():
        answers = profile_answers(root, load_taxonomy(root)[0], settings, given, _interview())
    if not answers.agreed:
        raise click.ClickException(_("not written: a profile needs your agreement to publish it."))
    relative = _write_checked(root, answers.relative, answers.text())
    click.echo(_("Wrote %(path)s. Check it with: python tasks.py check %(path)s") % {"path": relative})


@new.command("proposal")
@click.option("--slug", help="File name without .md: lowercase, hyphens (free-buses-for-under-25s).")
@click.option("--title", help="The proposal's title.")
@click.option("--summary", help="One or two sentences: what it would change.")
@click.option("--theme", "themes", multiple=True, help="A theme id from data/themes.yaml (repeat the option).")
@click.option("--author", "authors", multiple=True, help="A profile id of an author (repeat the option).")
@click.option("--group", default="", help="The id of the group that carries it (optional).")
@click.option("--status", type=click.Choice(["draft", "consultation"]), default="draft", show_default=True,
              help="New proposals start as drafts, or open straight for consultation.")
@click.option("--closes", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="With --status consultation: the last day of the consultation (YYYY-MM-DD).")
@click.pass_obj
def new_proposal(root, slug, title, summary, themes, authors, group, status, closes):
    """Write content/proposals/<slug>.md, a valid proposal, asking for what the flags do not give.

    The file starts with its front matter (title, summary, date, status, themes, authors)
    and a skeleton text to replace with the proposal itself.

    \b
    Examples:
      python tasks.py new proposal
      python tasks.py new proposal --slug free-buses-for-under-25s --title "Free buses for under-25s" \\
        --summary "Make every bus journey free for people under 25." --theme transport \\
        --author ana-lopez
    """
    from joinedup.contribute.interview import proposal_answers
    from joinedup.core.dates import build_date
    from joinedup.core.i18n import gettext
    from joinedup.load.taxonomy import load_taxonomy

    _speak_site_language(root)  # the questions and the skeleton's headings in the site's language
    given = {"--slug": slug, "--title": title, "--summary": summary, "--theme": themes, "--author": authors,
             "--group": group, "--status": status, "--closes": closes.date() if closes else None}
    with _reporting_bad_options():
        answers = proposal_answers(root, load_taxonomy(root)[0], given, _interview())
    relative = _write_checked(root, answers.relative, answers.text(build_date()))
    click.echo(gettext("Wrote %(path)s. Write the proposal under the '---' line, then: python tasks.py check %(path)s")
               % {"path": relative})


def _interview():
    """The library's question flows, asked at this terminal; a bad option is asked again only when
    someone is at the keyboard."""
    from joinedup.contribute.interview import Interview

    return Interview(_ask, keyboard=sys.stdin.isatty())


def _ask(question):
    """Put ``question`` with click's prompt, which says what was wrong and asks again on a bad answer."""
    from joinedup.core.problems import BadAnswer

    if question.refused:
        click.echo(question.refused, err=True)
    if question.show:
        click.echo(question.show)

    def parsed(answer):
        try:
            return question.parse(answer)
        except BadAnswer as error:
            raise click.BadParameter(str(error)) from None

    return click.prompt(question.text, default=question.default, value_proc=parsed)


@contextlib.contextmanager
def _reporting_bad_options():
    """Options refused with nobody to ask again: each on stderr, then exit 1 with nothing written."""
    from joinedup.contribute.interview import BadOptions
    from joinedup.core.i18n import gettext as _

    try:
        yield
    except BadOptions as bad:
        for line in bad.lines:
            click.echo(line, err=True)
        raise click.ClickException(_("nothing written: %(count)d value(s) to correct (above).")
                                   % {"count": len(bad.lines)}) from None


def _write_checked(root: Path, relative: str, text: str) -> str:
    """Write a scaffolded file that passes the check; if it does not, print the problems and the
    text, so that no answer is lost, and stop."""
    from joinedup.core.i18n import gettext
    from joinedup.contribute.scaffold import write_checked

    try:
        write_checked(root, relative, text)
    except ProblemsFound as failure:
        _report(failure.problems, "text")
        click.echo("\n" + gettext("The text was:") + f"\n\n{text}", err=True)
        raise click.ClickException(gettext("not written: fix the values above and run the command again.")) from None
    return relative


def main():
    try:
        cli(standalone_mode=True)
    except ProblemsFound as failure:  # pragma: no cover - commands handle it themselves
        _report(failure.problems, "text")
        sys.exit(1)


if __name__ == "__main__":
    main()
