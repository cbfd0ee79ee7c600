"""``pools``: the state of each other Joined Up site this one draws on (site.yaml's pools,
joinedup.load.pools): when it was last fetched, how many people and needs it gave, what was
refused and why."""

from __future__ import annotations

import json
import sys

import click

from joinedup_cli.reporting import report, speak_site_language


@click.command()
@click.option("--fetch", is_flag=True, help="Ask every pool now, as a build does, before showing their state.")
@click.option("--json", "as_json", is_flag=True, help="Print each file's state as JSON.")
@click.pass_obj
def pools(root, fetch, as_json):
    """Each pool's state: its address, when its files were last fetched and checked, how many
    people and needs they gave, what was refused and why, and why the last fetch failed.

    Without --fetch nothing is asked over the network: this is what the last build (or
    search, or match) used.

    \b
    Examples:
      python tasks.py pools
      python tasks.py pools --fetch
      python tasks.py pools --json
    """
    from joinedup.core.controls import terminal_safe  # reasons quote the pools' files
    from joinedup.core.dates import build_date
    from joinedup.core.problems import has_errors
    from joinedup.load import pools as pooling
    from joinedup.load.settings import load_settings
    from joinedup.load.taxonomy import load_taxonomy

    _ = speak_site_language(root)
    settings, problems = load_settings(root)
    taxonomy, more = load_taxonomy(root)
    if has_errors(problems + more):
        report([p for p in problems + more if p.is_error], "text", err=True)
        sys.exit(1)
    if not settings.pools:
        click.echo(_("site.yaml names no pools: docs/federation.md says how to draw on another Joined Up site."))
        return
    if fetch:
        taken = pooling.take(root, settings.pools, taxonomy, build_date())
        report(list(taken.problems), "text", err=True)
    states = pooling.states(root, settings.pools)
    if as_json:
        click.echo(terminal_safe(json.dumps(
            [{"pool": name, "file": kind, **{key: getattr(state, key) for key in
                                             ("url", "fetched", "checked", "records", "error")},
              "refused": list(state.refused)} for (name, kind), state in states.items()],
            ensure_ascii=False, indent=1)))
        return
    never = _("never")
    for pool in settings.pools:
        click.echo(terminal_safe(f"{pool.name} · {pool.title} · {pool.url}"))
        for kind, label in (("people", _("people")), ("needs", _("needs"))):
            state = states.get((pool.name, kind))
            if state is None:
                continue
            click.echo(terminal_safe("  " + _("%(file)s: %(taken)d taken, %(refused)d refused; fetched %(fetched)s, "
                                              "last asked %(checked)s")
                                     % {"file": label, "taken": state.records, "refused": len(state.refused),
                                        "fetched": state.fetched or never, "checked": state.checked or never}))
            if state.error:
                click.echo(terminal_safe("    " + _("last fetch failed: %s") % state.error))
            for line in state.refused:
                click.echo(terminal_safe("    " + _("refused: record %s") % line))
