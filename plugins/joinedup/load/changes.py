"""What a pull request changed, read from git, and which other files must be re-checked with it.

``check --changed-since`` validates the changed files plus the files whose validity depends on
them (an edited skill list re-checks the profiles using a removed id; a deleted proposal
re-checks its endorsers), and ``owners`` reads each changed file as the branch being merged
into has it now and as the pull request leaves it. Both ask git (one ``git diff`` and, when
needed, one ``git grep``), never walk the repository.

The pull request's own changes are those since the merge base, which its author chooses by
branching from any commit; so whoever judges a change (``owners``) is read from the tip of the
branch being merged into, never from the merge base (``ChangeSet.at_tip``).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from joinedup.load.profiles import ID_PATTERN

# Files whose change can make any profile, proposal or group valid or invalid: check everything.
EVERYTHING = ("volunteers/schema.json",)
CODE_PREFIXES = ("plugins/", "tasks.py", "pyproject.toml")
DATA_FILES = ("data/skills.yaml", "data/regions.yaml", "data/themes.yaml")
# Ids only (load.profiles.ID_PATTERN, which every content file's name must match): a file named
# otherwise is refused for its name (JU012), and nothing can refer to it (git grep would refuse
# a word that is not UTF-8).
_ID = ID_PATTERN.pattern.removeprefix("^").removesuffix("$")
PROFILE = re.compile(rf"^volunteers/({_ID})\.yaml$")
PROPOSAL = re.compile(rf"^content/proposals/({_ID})\.md$")
GROUP = re.compile(rf"^content/groups/({_ID})\.md$")
ALL_CONTENT = ("volunteers/*.yaml", "content/proposals/*.md", "content/groups/*.md")
_GITHUB_LINE = re.compile(r"^github:[ \t]*['\"]?([A-Za-z0-9-]+)", re.MULTILINE)


class GitError(Exception):
    """git could not answer (no repository, unknown ref): the message says which and why."""


@dataclass(frozen=True, slots=True)
class Change:
    """One file a pull request added, modified or deleted (a rename is a deletion and an addition)."""

    status: str  # "added", "modified" or "deleted"
    path: str

    @property
    def exists_after(self) -> bool:
        return self.status != "deleted"

    @property
    def existed_before(self) -> bool:
        return self.status != "added"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """The changes since ``base`` (the merge base of the ref and HEAD), working tree included.

    ``tip`` is the commit the ref points at now (the branch being merged into) and ``head`` the
    commit checked out (the pull request's head): reviews count only for that commit.
    """

    root: Path
    base: str
    changes: tuple[Change, ...]
    tip: str = ""
    head: str = ""

    def before(self, path: str) -> str | None:
        """The text of ``path`` at the base commit, or None if it did not exist there."""
        return _git_text(self.root, "show", f"{self.base}:{path}")

    def at_tip(self, path: str) -> str | None:
        """The text of ``path`` at the tip of the branch being merged into, or None if it has none.

        Judges come from here: the merge base is whatever old commit the pull request's author
        branched from, with the maintainers, authors and core teams of that time.
        """
        return _git_text(self.root, "show", f"{self.tip or self.base}:{path}")

    def after(self, path: str) -> str | None:
        """The text of ``path`` now (the working tree), or None if it was deleted."""
        target = self.root / path
        if target.is_symlink() or not target.is_file():
            return None
        try:
            return target.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None


def changes_since(root: Path, ref: str) -> ChangeSet:
    """Every file changed between the merge base of ``ref`` and HEAD, plus uncommitted and new files.

    The change set also knows the commit ``ref`` points at (its tip) and HEAD's commit.
    Raises GitError when ``root`` is not a git repository or ``ref`` is unknown.
    """
    root = Path(root)
    try:
        tip = _git(root, "rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}").strip()
    except GitError as error:
        raise GitError(f"no commit named {ref!r} ({error})") from None
    head = _git(root, "rev-parse", "--verify", "HEAD").strip()
    base = _git(root, "merge-base", tip, head).strip()
    statuses: dict[str, str] = {}
    # Both stat the work tree: at once, on two cores (at 100,000 profiles, 0.17 and 0.08 s).
    listing, untracked = _git_at_once(root, ("diff", "--name-status", "--no-renames", "-z", base, "--"),
                                      ("ls-files", "-z", "--others", "--exclude-standard"))
    fields = listing.split("\0")
    for letter, path in zip(fields[0::2], fields[1::2]):
        if path:
            statuses[path] = {"A": "added", "D": "deleted"}.get(letter[:1], "modified")
    for path in untracked.split("\0"):
        if path:
            statuses[path] = "added"
    return ChangeSet(root, base, tuple(Change(statuses[p], p) for p in sorted(statuses)), tip=tip, head=head)


def files_to_check(change_set: ChangeSet) -> list[str] | None:
    """The files ``check`` must validate for ``change_set``: None means the whole repository.

    That is every changed file that still exists, plus what refers to a changed one:
    profiles naming the same forge login as a changed profile (one login, one profile),
    content naming a deleted profile, groups naming a profile whose contact changed (it may
    be their only one), profiles and content naming a changed or deleted
    proposal or group (endorsements, synthesis, the carrying group), and everything that
    uses a skill, region or theme id a data file no longer has. A changed schema, a changed
    or deleted .gitignore (any tracked file may be ignored now: JU016) or a change to the
    checker itself re-checks everything.
    """
    changes = change_set.changes
    if any(c.path in EVERYTHING or c.path.startswith(CODE_PREFIXES) for c in changes):
        return None
    if any(Path(c.path).name == ".gitignore" for c in changes):
        return None  # what is ignored changed: any tracked file may now be one (JU016)
    wanted = {c.path for c in changes if c.exists_after}
    words: set[str] = set()
    logins: set[str] = set()
    members: set[str] = set()
    for change in changes:
        if match := PROFILE.match(change.path):
            if change.exists_after:
                if _contact(change_set.before(change.path)) != _contact(change_set.after(change.path)):
                    members.add(match.group(1))
                # Only a login the profile did not have before can collide with another profile's:
                # the base passed its own check, so only profiles naming a new login are checked again.
                before = {login.casefold() for login in _logins(change_set.before(change.path))}
                logins |= {login for login in _logins(change_set.after(change.path)) if login.casefold() not in before}
            else:
                words.add(match.group(1))
        elif match := (PROPOSAL.match(change.path) or GROUP.match(change.path)):
            words.add(match.group(1))
    if any(c.path in DATA_FILES for c in changes):
        words |= _removed_ids(change_set)
    if words:
        wanted |= _grep(change_set.root, ["-F", "-w", *_each(words)], ALL_CONTENT)
    if members:
        # A group may be reached only through its core team's profiles (JU415): the groups of a
        # profile whose contact changed are checked again, so a contact removed is seen here.
        wanted |= _grep(change_set.root, ["-F", "-w", *_each(members)], ("content/groups/*.md",))
    if logins:
        # Only the `github:` line counts, in any case: forge logins are case-insensitive.
        lines = [rf"^github:[[:space:]]*['\"]?{login}['\"]?([[:space:]]|#|$)" for login in sorted(logins)]
        wanted |= _grep(change_set.root, ["-E", *_each(lines)], ("volunteers/*.yaml",))
    return sorted(wanted)


@dataclass(frozen=True, slots=True)
class CheckScope:
    """Which files ``check`` validates: ``only`` (None: every file) and, with ``--changed-since``,
    ``changed``: the files changed and what refers to them (None: every file, because the schema
    or the checker changed)."""

    only: list[str] | None
    changed: list[str] | None = None


def check_scope(root: Path, paths=(), changed_since: str | None = None) -> CheckScope:
    """The files to check for ``paths`` (all when empty) and the changes since ``changed_since``.

    A taxonomy (data/) or settings file named among ``paths`` can break any profile or proposal,
    so it widens the check to every file. Raises GitError when git cannot list the changes.
    """
    only = list(paths) or None
    if only and any(Path(p).parent.name == "data" or Path(p).name == "site.yaml" for p in only):
        only = None
    if not changed_since:
        return CheckScope(only)
    changed = files_to_check(changes_since(root, changed_since))
    return CheckScope(None if changed is None else (only or []) + changed, changed)


_PROFILE_READ_UP_TO = 256 * 1024  # larger is refused by the check anyway (files.read_text)


def _contact(text: str | None):
    """A profile's ``contact`` as the checker reads it, or the text itself when it does not read
    (the same safe, capped loader: no anchors, no bombs)."""
    from joinedup.load.yamlsource import load_yaml

    if text is None or len(text) > _PROFILE_READ_UP_TO:
        return text
    document, _ = load_yaml(text, "volunteers/profile.yaml", what="profile")
    if document is None or not isinstance(document.data, dict):
        return text
    return document.data.get("contact")


def _logins(text: str | None) -> set[str]:
    return set(_GITHUB_LINE.findall(text or ""))


def _removed_ids(change_set: ChangeSet) -> set[str]:
    """Skill, alias, region and theme ids the base's data files had and the current ones do not."""
    from joinedup.load.taxonomy import load_taxonomy  # the taxonomy loader is the one authority on what an id is

    def ids(read) -> set[str]:
        with tempfile.TemporaryDirectory(prefix="joinedup-data-") as folder:
            for name in DATA_FILES:
                text = read(name)
                if text is not None:
                    target = Path(folder) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
            taxonomy, _ = load_taxonomy(Path(folder))
        found = set(taxonomy.skills) | set(taxonomy.aliases) | set(taxonomy.regions) | set(taxonomy.themes)
        return found | set(taxonomy.skill_groups)

    return ids(change_set.before) - ids(change_set.after)


def _each(patterns) -> list[str]:
    return [arg for pattern in sorted(patterns) for arg in ("-e", pattern)]


def _grep(root: Path, patterns: list[str], where: tuple[str, ...]) -> set[str]:
    """The files in ``where`` (git pathspecs) with a line matching any of ``patterns``, any case."""
    try:
        listing = subprocess.run(
            ["git", "grep", "-l", "-z", "-i", "--untracked", *patterns, "--", *where],
            cwd=root, capture_output=True, text=True, errors="surrogateescape",
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if listing.returncode not in (0, 1):  # 1 means nothing matched
        raise GitError(listing.stderr.strip() or "git grep failed")
    return {path for path in listing.stdout.split("\0") if path}


def _git(root: Path, *args: str) -> str:
    return _git_at_once(root, args)[0]


def _git_at_once(root: Path, *commands: tuple[str, ...]) -> list[str]:
    """What each git command (its arguments) prints, the commands run side by side."""
    running: list[subprocess.Popen] = []
    try:
        for args in commands:
            running.append(subprocess.Popen(["git", *args], cwd=root, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True, errors="surrogateescape"))
        finished = [process.communicate() for process in running]
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    finally:  # none left running, whatever went wrong (as subprocess.run leaves none)
        for process in running:
            if process.returncode is None:
                process.kill()
                process.wait()
    for args, process, (_out, errors) in zip(commands, running, finished):
        if process.returncode != 0:
            raise GitError(errors.strip() or f"git {args[0]} failed")
    return [out for out, _errors in finished]


def _git_text(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True)
    except OSError:
        return None
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


# More files than this named to check: every tracked file is matched (a command line has its limits).
_IGNORED_NAMED_UP_TO = 1000


def committed_but_ignored(root: Path, only=None) -> list:
    """A problem (JU016) for each tracked file that ``.gitignore`` ignores (``git ls-files -ci``):
    a pull request can force-add files no one reviews as text, such as a planted ``.cache/`` or
    ``output/``. None when git is missing or ``root`` is not a git work tree.

    With ``only`` (the files ``check`` validates: a pull request's changed files among them),
    just those are matched, unless a ``.gitignore`` is among them: matching all 100,000
    profiles against the patterns took a third of a second on every pull request."""
    from joinedup.core import problems as P
    from joinedup.core.i18n import gettext as _

    named: list[str] = []
    if only is not None and len(only) <= _IGNORED_NAMED_UP_TO and not any(
            Path(name).name == ".gitignore" for name in only):
        # Which of them the patterns ignore (check-ignore --no-index reads no index: milliseconds),
        # then which of those git tracks (ls-files reads the index of every file: rarely run).
        # Each name as ./name: check-ignore reads a pathspec, and a file named ":!x" would
        # otherwise stop it (pathspec magic). Any answer but "some" (0) or "none" (1): every
        # tracked file is matched, as without ``only``.
        try:
            done = subprocess.run(["git", "check-ignore", "--no-index", "-z", "--stdin"], cwd=root, capture_output=True,
                                  input=os.fsencode("".join(f"./{name}\0" for name in sorted(only))))
        except OSError:
            return []  # no git: nothing is tracked
        if done.returncode == 1:
            return []
        if done.returncode == 0:
            ignored = os.fsdecode(done.stdout).split("\0")
            named = ["--", *(f":(literal){name.removeprefix('./')}" for name in ignored if name)]
    listed = _git_text(root, "ls-files", "-z", "--cached", "--ignored", "--exclude-standard", *named)
    names = sorted({name for name in (listed or "").split("\0") if name})
    return [P.problem(P.IGNORED_FILE, name, 0, 0,
                      _("This file is committed, but .gitignore says it must never be: it is not reviewed as a "
                        "contribution and the site never reads it."),
                      _("Remove it from the pull request (git rm --cached '%(name)s'), or, if it really belongs in "
                        "the repository, change .gitignore in a separate pull request for a maintainer to review.")
                      % {"name": name})
            for name in names]
