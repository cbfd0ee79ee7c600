"""What the forge says about a pull request, and what ``owners`` tells it back.

Approvals are read from the JSON GitHub's API gives for a pull request's reviews
(``gh api --paginate repos/OWNER/NAME/pulls/N/reviews``), and the verdict is written as the
body of a commit status (``gh api repos/OWNER/NAME/statuses/SHA --input FILE``). The workflow
only carries these files; the rules are here, where a test can give them a recorded payload.

A review counts only for the commit it reviewed (its ``commit_id``): an approval of a typo fix
is no approval of whatever is pushed after it. Of one reviewer's reviews of that commit, the
latest that approves, requests changes or was dismissed decides; comments change nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

STATUS_CONTEXT = "owners"  # the required status check's name on the protected branch
DESCRIPTION_LIMIT = 140  # GitHub refuses a longer status description
_DECIDING = {"APPROVED", "CHANGES_REQUESTED", "DISMISSED"}


class ReviewsError(ValueError):
    """The reviews payload is not what the forge's API gives, or the head is not a commit id."""


@dataclass(frozen=True, slots=True)
class Approvals:
    """Who approves the head commit, and who approved only an earlier one (so must approve again)."""

    approvers: tuple[str, ...]
    outdated: tuple[str, ...]


def approvals_in_reviews(payload: str, head: str) -> Approvals:
    """The reviewers whose latest deciding review of commit ``head`` approves it.

    ``payload`` is what ``gh api --paginate`` prints for the reviews: one JSON list per page,
    one after the other, or (``--slurp``) one list of those lists. Reviews come in the order
    GitHub lists them, oldest first. A review of any other commit is left out, as are
    comments, pending reviews and reviews by deleted accounts. Raises ReviewsError when the
    payload is not such JSON or ``head`` is not a commit id.
    """
    if len(head) not in (40, 64) or any(c not in "0123456789abcdef" for c in head.lower()):
        raise ReviewsError(f"{head!r} is not a full commit id")
    latest: dict[str, tuple[str, str]] = {}  # lower-case login -> (login as written, state)
    elsewhere: dict[str, str] = {}
    for review in _reviews(payload):
        user = review.get("user")
        login = user.get("login") if isinstance(user, dict) else None
        state = review.get("state")
        if not isinstance(login, str) or not login or state not in _DECIDING:
            continue
        if str(review.get("commit_id", "")).lower() != head.lower():
            if state == "APPROVED":
                elsewhere[login.lower()] = login
            continue
        latest[login.lower()] = (login, state)
    approvers = tuple(login for login, state in latest.values() if state == "APPROVED")
    outdated = tuple(login for key, login in elsewhere.items() if key not in latest)
    return Approvals(approvers, outdated)


def _reviews(payload: str) -> list[dict]:
    decoder = json.JSONDecoder()
    found: list[dict] = []
    position = 0
    text = payload.strip()
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ReviewsError(f"the reviews are not JSON as GitHub's API gives it: {error}") from None
        while position < len(text) and text[position].isspace():
            position += 1
        pages = value if isinstance(value, list) and all(isinstance(page, list) for page in value) else [value]
        for page in pages:
            if not isinstance(page, list) or not all(isinstance(review, dict) for review in page):
                raise ReviewsError("the reviews are not a JSON list of review objects as GitHub's API gives it")
            found.extend(page)
    return found


def commit_status(ok: bool, description: str, details_url: str | None = None) -> str:
    """The JSON body of the ``owners`` commit status: success when ``ok``, else failure."""
    if len(description) > DESCRIPTION_LIMIT:
        description = description[:DESCRIPTION_LIMIT - 1] + "…"
    body = {"state": "success" if ok else "failure", "context": STATUS_CONTEXT, "description": description}
    if details_url:
        body["target_url"] = details_url
    return json.dumps(body, ensure_ascii=False) + "\n"
