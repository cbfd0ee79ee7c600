"""Who must approve each file a pull request changes (``python tasks.py owners``).

The forge's CODEOWNERS cannot express "only the person a profile describes": code owners
need write access, and volunteers have none. So the pull-request workflow runs this check
with the PR's author and its approving reviewers, and it fails until the right people agree.
A changed file needs a set of consents; each is given by any one of its logins, by the PR's
author or an approving reviewer.

Ownership (a maintainer may give it instead):

- a profile needs its owner, the ``github`` login it names before the change and after it
  (so changing the login also needs the old owner, and naming someone else needs them too);
  a new profile may be added by the login it names;
- a proposal needs one of its authors, a group one of its core team;
- every other file needs a maintainer.

Consent (nobody gives it for someone else, a maintainer neither):

- everyone listed as an author of a new proposal or in the core team of a new group, and
  everyone a change adds to those lists, approves being named;
- for each proposal a proposal newly says it ``synthesises``, one of that proposal's authors
  approves the link;
- a proposal's status set or changed (except a new proposal starting as ``draft``) needs one
  of ``status_approvers`` in site.yaml, by default the maintainers: it is the movement's
  decision, not one author's.

The judges (maintainers, status approvers, owners, authors, core teams and the logins in
their profiles) are read from the tip of the branch being merged into (``ChangeSet.at_tip``),
never from the merge base, which the pull request's author chooses by branching from an old
commit, nor from the pull request itself. Who approves is the forge's business: ``forge.py``
reads the reviews of the head commit only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from joinedup.contribute import forge
from joinedup.core.i18n import N_, gettext as _
from joinedup.load.changes import GROUP, PROFILE, PROPOSAL, ChangeSet, changes_since
from joinedup.load.frontmatter import split
from joinedup.load.yamlsource import load_yaml

FREE_STARTING_STATUS = "draft"
# Why the people of a proposal's or group's list must approve, in whole sentences: (one of those
# already listed, someone newly listed, someone newly listed whose profile gives no login).
LISTING_REASONS = {
    "authors": (N_("an author"), N_("named as an author: nobody is named without their own approval"),
                N_("named as an author, but %(profile)s gives no forge login to approve with: nobody is named "
                   "without their own approval")),
    "core_team": (N_("the core team"), N_("named in the core team: nobody is named without their own approval"),
                  N_("named in the core team, but %(profile)s gives no forge login to approve with: nobody is named "
                     "without their own approval")),
}


@dataclass(frozen=True, slots=True)
class Consent:
    """One approval a changed file needs: any one of ``logins``, and why.

    With no logins and ``maintainer_may_give`` it is a maintainer's approval; with no logins
    and without it, nobody can give it yet (``reason`` says why, in the language active when
    the consent was made). ``given_by`` is the login that gave it, or "" while it is missing.
    """

    logins: tuple[str, ...]
    reason: str
    maintainer_may_give: bool
    given_by: str = ""

    def describe(self, maintainers: tuple[str, ...]) -> str:
        """What is still missing, in one sentence without the path."""
        who = ", ".join(f"@{m}" for m in maintainers) or _("none listed")
        if not self.logins and self.maintainer_may_give:
            return _("needs approval from a maintainer (%(maintainers)s)") % {"maintainers": who}
        if not self.logins:
            return _("needs an approval nobody can give (%(reason)s)") % {"reason": self.reason}
        wanted = _(" or ").join(f"@{login}" for login in self.logins)
        if self.maintainer_may_give:
            return (_("needs approval from %(logins)s (%(reason)s), or from a maintainer (%(maintainers)s)")
                    % {"logins": wanted, "reason": self.reason, "maintainers": who})
        return _("needs approval from %(logins)s (%(reason)s)") % {"logins": wanted, "reason": self.reason}

    def as_dict(self) -> dict:
        return {"logins": list(self.logins), "reason": self.reason,
                "maintainer_may_give": self.maintainer_may_give, "given_by": self.given_by or None}


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one changed file has every consent it needs, and from whom."""

    path: str
    change: str  # added, modified or deleted
    consents: tuple[Consent, ...]

    @property
    def ok(self) -> bool:
        return all(consent.given_by for consent in self.consents)

    @property
    def approved_by(self) -> tuple[str, ...]:
        """The logins that gave this file's consents, each once."""
        return tuple(dict.fromkeys(consent.given_by for consent in self.consents if consent.given_by))

    @property
    def missing(self) -> tuple[Consent, ...]:
        return tuple(consent for consent in self.consents if not consent.given_by)

    def lines(self, maintainers: tuple[str, ...]) -> list[str]:
        """One ``ok`` line, or one ``MISSING`` line per missing consent with its reason (the
        first word of each line says which, in the active language)."""
        if self.ok:
            return [_("ok       %(path)s: approved by %(logins)s")
                    % {"path": self.path, "logins": ", ".join("@" + login for login in self.approved_by)}]
        return [_("MISSING  %(path)s: %(missing)s") % {"path": self.path, "missing": consent.describe(maintainers)}
                for consent in self.missing]

    def as_dict(self) -> dict:
        return {"path": self.path, "change": self.change, "ok": self.ok, "approved_by": list(self.approved_by),
                "consents": [consent.as_dict() for consent in self.consents]}


def maintainers_in_site(site_text: str | None) -> tuple[str, ...]:
    """The logins listed under ``maintainers:`` in a site.yaml."""
    return _logins_under(site_text, "maintainers")


def status_approvers_in_site(site_text: str | None) -> tuple[str, ...]:
    """The logins whose approval a proposal's change of status needs: ``status_approvers:`` in a
    site.yaml, or its maintainers when it lists none."""
    return _logins_under(site_text, "status_approvers") or maintainers_in_site(site_text)


def _logins_under(site_text: str | None, key: str) -> tuple[str, ...]:
    document, _ = load_yaml(site_text or "", "site.yaml", what="settings file") if site_text else (None, [])
    value = document.data.get(key) if document is not None and isinstance(document.data, dict) else None
    return tuple(login for login in value if isinstance(login, str)) if isinstance(value, list) else ()


def decide(change_set: ChangeSet, *, author: str, approvers: tuple[str, ...] = (),
           maintainers: tuple[str, ...], status_approvers: tuple[str, ...] = ()) -> list[Decision]:
    """One Decision per changed file, in path order, for a change by ``author`` approved by ``approvers``.

    ``maintainers`` and ``status_approvers`` (default: the maintainers) must come from the branch
    being merged into, as :func:`judges` reads them; owners and named people are read from its
    tip too. A consent is given by the first of ``author`` and ``approvers`` it names (any letter
    case); an ownership consent nobody named gave is given by a maintainer among them, if any.
    """
    speaking = [login for login in (author, *approvers) if login]
    maintainer_set = {m.lower() for m in maintainers}
    chief = next((login for login in speaking if login.lower() in maintainer_set), "")
    rules = _Rules(change_set, status_approvers or maintainers)
    decisions = []
    for change in change_set.changes:
        given = []
        for consent in rules.consents(change.path, change.status):
            wanted = {login.lower() for login in consent.logins}
            hit = next((login for login in speaking if login.lower() in wanted), "")
            if not hit and consent.maintainer_may_give:
                hit = chief
            given.append(replace(consent, given_by=hit))
        decisions.append(Decision(change.path, change.status, tuple(given)))
    return decisions


def judges(change_set: ChangeSet) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The maintainers and the status approvers, from site.yaml at the tip of the branch being
    merged into: a pull request cannot appoint its own judges, nor pick old ones by branching
    from an old commit."""
    site_text = change_set.at_tip("site.yaml")
    return maintainers_in_site(site_text), status_approvers_in_site(site_text)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What ``owners`` says about a pull request: a Decision per changed file, with the judges
    and head commit it was made for, and the approvals left out because they were of an
    earlier commit."""

    decisions: tuple[Decision, ...]
    maintainers: tuple[str, ...]
    head: str
    outdated: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[Decision, ...]:
        return tuple(decision for decision in self.decisions if not decision.ok)

    def lines(self) -> list[str]:
        """Every decision's lines (:meth:`Decision.lines`), in path order."""
        return [line for decision in self.decisions for line in decision.lines(self.maintainers)]

    def outdated_lines(self) -> list[str]:
        """A line for each approval not counted because it was of an earlier commit than the head."""
        return [_("Not counted: @%(login)s approved an earlier commit, not %(commit)s; an approval counts only "
                  "for the commit it reviewed.") % {"login": login, "commit": self.head[:12]} for login in self.outdated]

    def summary(self) -> str:
        """One sentence: how many changed files still lack an approval, or that none does."""
        if self.missing:
            return (_("%(missing)d of %(changed)d changed file(s) need an approval they do not have yet.")
                    % {"missing": len(self.missing), "changed": len(self.decisions)})
        if self.decisions:
            return _("Every changed file (%(changed)d) has the approval it needs.") % {"changed": len(self.decisions)}
        return _("No files changed.")

    def commit_status(self, details_url: str | None = None) -> str:
        """The body of the forge's ``owners`` commit status: the summary and the first missing approval."""
        first = next((line.split(None, 1)[1] for decision in self.missing
                      for line in decision.lines(self.maintainers)), "")
        return forge.commit_status(not self.missing, f"{self.summary()} {first}".strip(), details_url)


def verdict(root: Path, ref: str, *, author: str, approvers: tuple[str, ...] = (),
            reviews: str | None = None) -> Verdict:
    """Who must approve each file changed since the merge base of ``ref`` and HEAD, and who has.

    ``approvers`` are logins known to approve HEAD; ``reviews`` is the forge's reviews payload
    (:func:`forge.approvals_in_reviews`), whose approvals of HEAD count too. Raises
    changes.GitError when git cannot list the changes, forge.ReviewsError when ``reviews`` is
    not such a payload.
    """
    change_set = changes_since(root, ref)
    outdated: tuple[str, ...] = ()
    if reviews is not None:
        approvals = forge.approvals_in_reviews(reviews, change_set.head)
        approvers, outdated = (*approvers, *approvals.approvers), approvals.outdated
    maintainers, status_approvers = judges(change_set)
    decisions = decide(change_set, author=author, approvers=tuple(approvers), maintainers=maintainers,
                       status_approvers=status_approvers)
    return Verdict(tuple(decisions), maintainers, change_set.head, outdated)


class _Rules:
    """The consents each changed file needs; reads each file once from git."""

    def __init__(self, change_set: ChangeSet, status_approvers: tuple[str, ...]):
        self.change_set = change_set
        self.status_approvers = status_approvers
        self._tip: dict[str, str | None] = {}
        self._after: dict[str, str | None] = {}

    def tip(self, path: str) -> str | None:
        if path not in self._tip:
            self._tip[path] = self.change_set.at_tip(path)
        return self._tip[path]

    def after(self, path: str) -> str | None:
        if path not in self._after:
            self._after[path] = self.change_set.after(path)
        return self._after[path]

    def consents(self, path: str, status: str) -> list[Consent]:
        if PROFILE.match(path):
            found = self._profile(path, status)
        elif PROPOSAL.match(path):
            found = self._listing(path, status, "authors")
            found += self._synthesis(path, status) + self._status(path, status)
        elif GROUP.match(path):
            found = self._listing(path, status, "core_team")
        else:
            found = []
        # A file nobody owns, or whose owners left no login: a maintainer answers for it.
        return found or [Consent((), "", True)]

    def _profile(self, path: str, status: str) -> list[Consent]:
        owner = _login(self.tip(path), path)
        named = _login(self.after(path), path) if status != "deleted" else None
        found = [Consent((owner,), _("the profile's owner"), True)] if owner else []
        if named and (not owner or named.lower() != owner.lower()):
            found.append(Consent((named,), _("the profile's owner") if not owner
                                 else _("the new login the profile names"), True))
        return found

    def _listing(self, path: str, status: str, key: str) -> list[Consent]:
        """One of the people already listed under ``key`` (ownership), and each person newly listed (consent)."""
        owner_role, named_role, named_without_login = (_(reason) for reason in LISTING_REASONS[key])
        existing = self.tip(path)
        listed_before = _ids(existing, path, key)
        found = []
        if existing is not None:
            logins = tuple(dict.fromkeys(login for person in listed_before
                                         if (login := _login(self.tip(_profile(person)), _profile(person)))))
            found.append(Consent(logins, owner_role, True) if logins else Consent((), "", True))
        if status == "deleted":
            return found
        before = set(listed_before)
        for person in _ids(self.after(path), path, key):
            if person in before:
                continue
            login = self._login_of(person)
            if login:
                found.append(Consent((login,), named_role, False))
            else:
                found.append(Consent((), named_without_login % {"profile": _profile(person)}, False))
        return found

    def _synthesis(self, path: str, status: str) -> list[Consent]:
        """One author of each proposal this one newly says it synthesises."""
        if status == "deleted":
            return []
        linked_before = set(_ids(self.tip(path), path, "synthesises"))
        found = []
        for slug in _ids(self.after(path), path, "synthesises"):
            if slug in linked_before:
                continue
            source = f"content/proposals/{slug}.md"
            text = self.tip(source)
            authors = _ids(text if text is not None else self.after(source), source, "authors")
            logins = tuple(dict.fromkeys(login for person in authors if (login := self._login_of(person))))
            if logins:
                reason = _("an author of %(proposal)s, which this proposal says it synthesises")
            else:
                reason = _("%(proposal)s, which this proposal says it synthesises, has no author with a forge login")
            found.append(Consent(logins, reason % {"proposal": source}, False))
        return found

    def _status(self, path: str, status: str) -> list[Consent]:
        """The movement's decision on a change of status (or a new proposal not starting as draft)."""
        if status == "deleted":
            return []
        now = _field(self.after(path), path, "status")
        if not isinstance(now, str):
            return []
        existing = self.tip(path)
        if existing is None:
            if now == FREE_STARTING_STATUS:
                return []
            reason = (_("a new proposal starting as %(status)s, not %(draft)s: the movement decides")
                      % {"status": now, "draft": FREE_STARTING_STATUS})
        else:
            was = _field(existing, path, "status")
            if was == now:
                return []
            if isinstance(was, str):
                reason = (_("its status changes from %(was)s to %(status)s: the movement decides")
                          % {"was": was, "status": now})
            else:
                reason = _("its status is set to %(status)s: the movement decides") % {"status": now}
        return [Consent(self.status_approvers, reason, False)]

    def _login_of(self, person: str) -> str | None:
        """A named person's login: from their profile on the branch being merged into, else from
        the profile this pull request adds (which needs that login's own approval)."""
        profile = _profile(person)
        text = self.tip(profile)
        return _login(text if text is not None else self.after(profile), profile)


def _profile(person: str) -> str:
    return f"volunteers/{person}.yaml"


def _field(text: str | None, path: str, key: str):
    if text is None:
        return None
    document, _ = split(text, path)
    data = document.front_matter.data if document is not None else None
    return data.get(key) if isinstance(data, dict) else None


def _ids(text: str | None, path: str, key: str) -> list[str]:
    """The ids listed under ``key`` in a proposal's or group's front matter, in order."""
    value = _field(text, path, key)
    return list(dict.fromkeys(item for item in value if isinstance(item, str))) if isinstance(value, list) else []


def _login(text: str | None, path: str) -> str | None:
    if text is None:
        return None
    document, _ = load_yaml(text, path, what="profile")
    value = document.data.get("github") if document is not None and isinstance(document.data, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None
