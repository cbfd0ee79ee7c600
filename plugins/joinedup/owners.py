"""Who may approve each file a pull request changes (``python tasks.py owners``).

The forge's CODEOWNERS cannot express "only the person a profile describes": code owners
need write access, and volunteers have none. So the pull-request workflow runs this check
with the PR's author and its approving reviewers, and it fails until the right person agrees:

- a profile needs its owner, the ``github`` login it names before the change and after it
  (so changing the login also needs the old owner, and naming someone else needs them too);
  a new profile may be added by the login it names;
- a proposal needs one of its authors (as listed before the change; for a new proposal, as
  listed in it), through the logins in their profiles;
- a group needs one of its core team, the same way;
- every other file needs a maintainer; a maintainer may approve anything.

Everything is read from git: the rules apply to the base commit's owners and maintainers,
never to what the pull request itself claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from .changes import GROUP, PROFILE, PROPOSAL, ChangeSet
from .frontmatter import split
from .yamlsource import load_yaml

@dataclass(frozen=True)
class Decision:
    """Whether one changed file has the approval it needs, and from whom."""

    path: str
    change: str  # added, modified or deleted
    needs: tuple[tuple[str, ...], ...]  # every tuple needs one of its logins (or one maintainer overall)
    owner_role: str  # "the profile's owner", "an author", "the core team", or "" for maintainer-only
    approved_by: tuple[str, ...]  # the logins that satisfied it
    ok: bool

    def describe(self, maintainers: tuple[str, ...]) -> str:
        who = ", ".join(f"@{m}" for m in maintainers) or "none listed"
        if self.ok:
            return f"{self.path}: approved by {', '.join('@' + login for login in self.approved_by)}"
        wanted = " and ".join(" or ".join(f"@{login}" for login in group) for group in self.needs)
        if wanted:
            return f"{self.path}: needs approval from {wanted} ({self.owner_role}), or from a maintainer ({who})"
        return f"{self.path}: needs approval from a maintainer ({who})"

    def as_dict(self) -> dict:
        return {"path": self.path, "change": self.change, "ok": self.ok, "approved_by": list(self.approved_by),
                "needs": [list(group) for group in self.needs], "owner_role": self.owner_role}


def maintainers_in_site(site_text: str | None) -> tuple[str, ...]:
    """The logins listed under ``maintainers:`` in a site.yaml."""
    document, _ = load_yaml(site_text or "", "site.yaml", what="settings file") if site_text else (None, [])
    value = document.data.get("maintainers") if document is not None and isinstance(document.data, dict) else None
    return tuple(login for login in value if isinstance(login, str)) if isinstance(value, list) else ()


def decide(change_set: ChangeSet, *, author: str, approvers: tuple[str, ...] = (),
           maintainers: tuple[str, ...]) -> list[Decision]:
    """One Decision per changed file, in path order, for a change by ``author`` approved by ``approvers``."""
    people = {author.lower(), *(login.lower() for login in approvers)} - {""}
    speaking = [author, *approvers]
    chief = next((login for login in speaking if login.lower() in {m.lower() for m in maintainers}), None)
    decisions = []
    for change in change_set.changes:
        needs, role = _owners(change_set, change.path, change.status)
        satisfied = []
        for group in needs:
            hit = next((login for login in speaking if login.lower() in {g.lower() for g in group}), None)
            satisfied.append(hit)
        if needs and all(satisfied):
            approved_by = tuple(dict.fromkeys(satisfied))
        elif chief:
            approved_by = (chief,)
        else:
            approved_by = ()
        decisions.append(Decision(change.path, change.status, needs, role, approved_by,
                                  bool(approved_by) and bool(people)))
    return decisions


def _owners(change_set: ChangeSet, path: str, status: str) -> tuple[tuple[tuple[str, ...], ...], str]:
    """The login groups that must each approve ``path`` (besides a maintainer), and who they are."""
    if PROFILE.match(path):
        logins = []
        for text in (change_set.before(path), change_set.after(path)):
            login = _login(text, path)
            if login and login.lower() not in {known.lower() for known in logins}:
                logins.append(login)
        return tuple((login,) for login in logins), "the profile's owner"
    if PROPOSAL.match(path):
        people = _listed(change_set, path, status, "authors")
        return ((people,) if people else ()), "an author"
    if GROUP.match(path):
        people = _listed(change_set, path, status, "core_team")
        return ((people,) if people else ()), "the core team"
    return (), ""


def _listed(change_set: ChangeSet, path: str, status: str, key: str) -> tuple[str, ...]:
    """The forge logins of the profiles a proposal or group lists under ``key``.

    An existing file's people are read as they were before the change (so nobody approves
    their own addition to the list), and each person's login from their profile at that time.
    """
    read = change_set.before if status != "added" else change_set.after
    text = read(path)
    if text is None:
        return ()
    document, _ = split(text, path)
    ids = document.front_matter.data.get(key) if document else None
    if not isinstance(ids, list):
        return ()
    logins = []
    for profile_id in ids:
        if isinstance(profile_id, str):
            profile = f"volunteers/{profile_id}.yaml"
            login = _login(read(profile), profile)
            if login is None and status == "added":
                login = _login(change_set.before(profile), profile)
            if login:
                logins.append(login)
    return tuple(dict.fromkeys(logins))


def _login(text: str | None, path: str) -> str | None:
    if text is None:
        return None
    document, _ = load_yaml(text, path, what="profile")
    value = document.data.get("github") if document is not None and isinstance(document.data, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None
