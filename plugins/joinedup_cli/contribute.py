"""The commands for contributors: who must approve a pull request (owners), a fresh fork made the
movement's own (init), and new profiles and proposals (new), asking at the terminal for what
their options do not give."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from joinedup.core.problems import ProblemsFound, has_errors
from joinedup_cli.reporting import report, speak_site_language


@click.command()
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

    _ = speak_site_language(root)  # the reasons and the verdict (the status's description too)
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


@click.command()
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
        speak_site_language(root)
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
        report(failure.problems, "text")
        raise click.ClickException(gettext("init changed nothing: the settings above would not work.")) from None
    if plan.real:
        for line in plan.refusal():
            click.echo(line, err=True)
        sys.exit(1)
    apply(root, plan)
    for line in plan.lines():
        click.echo(line)
    _, problems = load_repository(root)
    report(problems, "text")
    if has_errors(problems):
        raise click.ClickException(gettext("the site has errors (above); fix them, then run: python tasks.py check"))
    click.echo(gettext("Ready. Next: python tasks.py new profile, then python tasks.py build."))


@click.group()
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

    speak_site_language(root)  # the questions and the skeleton's headings in the site's language
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
        report(failure.problems, "text")
        click.echo("\n" + gettext("The text was:") + f"\n\n{text}", err=True)
        raise click.ClickException(gettext("not written: fix the values above and run the command again.")) from None
    return relative
