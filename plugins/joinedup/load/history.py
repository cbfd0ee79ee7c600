"""Revision history of proposals and groups, read from git in one pass.

One ``git log -p --unified=0`` process covers every file under the content folders: the
commit headers give date, author name and message, the diff headers say which files each
commit changed, and the ``+status:`` lines of the diffs say when a proposal's status
changed, so a thousand proposals cost one process, not a thousand.

The author's e-mail is never asked of git, so it cannot end up on a page. Author names and
messages pass the privacy rules like every published text: a commit whose name or message
holds a phone number, an e-mail or a postal address is published as "a change by a
contributor", without either (:func:`withhold_private`), and ``check`` warns (JU205). A site
built outside a git repository, without git, or from a shallow clone still builds: the
History says so, and the pages tell readers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence

from joinedup.core import problems as P
from joinedup.core.buildcache import load_memo, save_memo
from joinedup.core.i18n import N_, gettext as _
from joinedup.core.model import STATUSES, History, Revision
from joinedup.core.problems import Problem, problem
from joinedup.load.privacy import private_matches

FOLDERS = ("content/proposals", "content/groups")
_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = f"{_RECORD}%H{_FIELD}%aI{_FIELD}%an{_FIELD}%s"
_STATUS_LINE = re.compile(r"""^\+status:\s*["']?([a-z-]+)["']?\s*(?:#.*)?$""")

NOT_A_REPOSITORY = N_("Revision history is not shown: this site was built from files outside a git repository.")
NO_GIT = N_("Revision history is not shown: git is not installed where this site was built.")
SHALLOW = N_("Revision history may be incomplete: this site was built from a shallow clone of its "
             "repository, so older changes are missing.")


def read_history(root: Path, folders: Sequence[str] = FOLDERS, *, git: str = "git") -> tuple[History, list[Problem]]:
    """The revisions of every file under ``folders`` (relative to ``root``), newest first,
    those with private metadata withheld (one JU205 warning per file they changed).

    Never raises for a missing repository or git: returns a History whose ``state`` is
    'unavailable' or 'shallow' with a note for readers, and one JU414 warning.
    """
    root = Path(root)
    asked = [git, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--show-prefix",
             "--git-path", "shallow"]
    try:
        try:  # and the commit checked out, which a repository without commits has not
            where = _run([*asked, "HEAD"], root).split("\n")
        except subprocess.CalledProcessError as error:
            if "HEAD" not in (error.stderr or ""):
                raise
            where = _run(asked, root).split("\n")
    except FileNotFoundError:
        return _unavailable(_(NO_GIT), _("Install git and build from a clone of the repository."))
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip().splitlines()
        if any("not a git repository" in line for line in detail):
            return _unavailable(_(NOT_A_REPOSITORY),
                                _("Build from a clone of the repository (git clone), not from a copy of its files."))
        reason = detail[0] if detail else f"git exited with status {error.returncode}"
        return _unavailable(_("Revision history is not shown: git could not read the repository (%(reason)s).")
                            % {"reason": reason},
                            _("Run 'git status' in the site's folder to see what git objects to."))
    if len(where) < 4 or where[0] != "true":
        return _unavailable(_(NOT_A_REPOSITORY),
                            _("Build from a clone of the repository, not from inside its .git folder."))
    shallow = where[1] == "true"
    prefix = where[2]
    grafted = _shallow_commits(root / where[3]) if shallow else frozenset()

    # The history of a commit never changes: kept in .cache/ under the commit it was read at.
    head = where[4].strip() if len(where) > 4 else ""
    key = (head, git, prefix, tuple(folders), shallow, tuple(sorted(grafted))) if head else None
    kept = load_memo(root, _MEMO) if key is not None else {}
    if key is not None and kept.get("key") == key:
        revisions = MappingProxyType(kept["revisions"])
    else:
        revisions = _read_log(root, git, folders, prefix, grafted)
        if isinstance(revisions, tuple):  # git failed: (History, problems)
            return revisions
        if key is not None:
            save_memo(root, _MEMO, {"key": key, "revisions": dict(revisions)})
    revisions, withheld = withhold_private(revisions)
    if shallow:
        return History("shallow", _(SHALLOW), revisions), withheld + [problem(
            P.HISTORY_INCOMPLETE, folders[0], 0, 0, _(SHALLOW),
            _("Build from a full clone (in GitHub Actions: actions/checkout with 'fetch-depth: 0')."),
        )]
    return History("complete", "", revisions), withheld


def withhold_private(revisions: Mapping[str, tuple[Revision, ...]]) -> tuple[MappingProxyType, list[Problem]]:
    """``revisions`` with the author and message of every commit that fails the privacy rules
    left out (``withheld``), and a JU205 warning for each file such a commit changed.

    The rules are those of every published text (privacy.private_matches), e-mail addresses
    included: git's author e-mail is never read, but a name or message can hold one.
    """
    found: dict[str, str] = {}  # commit -> what its metadata holds, '' when nothing
    problems: list[Problem] = []
    kept: dict[str, tuple[Revision, ...]] = {}
    for path, items in revisions.items():
        changed = False
        for revision in items:
            if revision.commit not in found:
                found[revision.commit] = _private_metadata(revision)
            if found[revision.commit]:
                changed = True
                problems.append(problem(
                    P.PRIVATE_COMMIT, path, 0, 0,
                    _("Commit %(commit)s, which changed this file, has %(what)s; the "
                      "site shows it as 'a change by a contributor', without its author's name and message.")
                    % {"commit": revision.commit[:7], "what": found[revision.commit]},
                    _("A commit cannot be changed once others have it, so the site hides what it says. To take "
                      "it out of the repository as well, follow docs/takedown.md (git filter-repo "
                      "--replace-message). Keep phone numbers and addresses out of commit messages, and set "
                      "a name, not an address, with 'git config user.name'."),
                ))
        kept[path] = tuple(
            dataclasses.replace(r, author="", message="", withheld=True) if found[r.commit] else r for r in items
        ) if changed else items
    return MappingProxyType(kept), problems


def _private_metadata(revision: Revision) -> str:
    """What the author name and message of ``revision`` hold that must not be published,
    in words ("a phone number in its message"), or ''."""
    said = []
    for where, text in ((N_("%(what)s in its author name"), revision.author),
                        (N_("%(what)s in its message"), revision.message)):
        kinds = dict.fromkeys(_(match.what) for match in private_matches(text))
        if kinds:
            said.append(_(where) % {"what": _(" and ").join(kinds)})
    return _(" and ").join(said)


_MEMO = "history"


def _read_log(root: Path, git: str, folders: Sequence[str], prefix: str, grafted):
    """Revisions by path from one ``git log``, or (History, problems) when git fails."""
    try:
        # --full-history --sparse: list every commit instead of first asking, for each one,
        # whether it touches the folders (a second tree diff per commit). Commits that touch
        # nothing there come out as bare headers and are skipped.
        output = _run([git, "-c", "core.quotepath=off", "log", f"--format={_FORMAT}", "-p", "--unified=0",
                       "--full-history", "--sparse", "--no-renames", "--no-color", "--no-ext-diff",
                       "--no-textconv", "--", *folders], root)
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip().splitlines()
        if any("does not have any commits" in line for line in detail):
            return History("complete"), []
        reason = detail[0] if detail else f"git exited with status {error.returncode}"
        return _unavailable(_("Revision history is not shown: git could not read it (%(reason)s).") % {"reason": reason},
                            _("Run 'git log' in the site's folder to see what git objects to."))
    return parse_log(output, prefix=prefix, skip=grafted)


def parse_log(output: str, *, prefix: str = "", skip=frozenset()) -> MappingProxyType:
    """Revisions by path, newest first, from ``git log -p --unified=0`` output in our format.

    ``prefix`` (the site's folder inside the git repository) is removed from paths;
    commits in ``skip`` (the grafted ends of a shallow clone, whose diffs wrongly show
    every file as new) are left out.
    """
    by_path: dict[str, list[Revision]] = {}
    commit = None
    path = None
    in_hunk = False
    statuses: dict[str, str] = {}
    changed: list[str] = []

    def finish():
        if commit is None or not changed:
            return
        sha, date, author, message = (commit[1:].split(_FIELD, 3) + ["", "", ""])[:4]
        if sha in skip:
            return
        date = dt.datetime.fromisoformat(date)
        for name in changed:
            by_path.setdefault(name, []).append(Revision(sha, date, author, message, statuses.get(name, "")))

    # Most lines are diff text: look at the first character before anything else.
    for line in output.split("\n"):
        first = line[:1]
        if first == "+":
            if in_hunk and path and line.startswith("+status:"):
                match = _STATUS_LINE.match(line)
                if match and match.group(1) in STATUSES:
                    statuses[path] = match.group(1)
        elif first == "-" or first == " ":
            continue
        elif first == _RECORD:
            finish()
            commit = line  # parsed in finish(), only if the commit changed one of the files
            statuses, changed, path, in_hunk = {}, [], None, False
        elif first == "d" and line.startswith("diff --git "):
            name = line.rsplit(" b/", 1)[-1].strip('"')
            if prefix and name.startswith(prefix):
                name = name[len(prefix):]
            path, in_hunk = name, False
            changed.append(name)
        elif first == "@" and line.startswith("@@"):
            in_hunk = True
    finish()
    return MappingProxyType({name: tuple(items) for name, items in by_path.items()})


def _run(command: list[str], cwd: Path) -> str:
    environment = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat"}
    result = subprocess.run(command, cwd=cwd, capture_output=True, env=environment, check=False)
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        raise subprocess.CalledProcessError(result.returncode, command, stderr=stderr)
    return result.stdout.decode("utf-8", "replace").rstrip("\n")


def _shallow_commits(path: Path) -> frozenset[str]:
    try:
        return frozenset(path.read_text(encoding="ascii").split())
    except OSError:
        return frozenset()


def _unavailable(note: str, hint: str) -> tuple[History, list[Problem]]:
    return History("unavailable", note), [problem(P.HISTORY_INCOMPLETE, FOLDERS[0], 0, 0, note, hint)]
