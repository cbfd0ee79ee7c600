""""I can help": how a visitor offers help with a need, so that no need is a dead end.

A group's need is offered through what the group declares: its e-mail address (a message
whose subject names the need; pages show the address obscured), its website, or its
discussion. A proposal's need goes to the proposal's own discussion, else through its
group's. Where nothing is declared, the offer is a prefilled issue on the forge, which anyone
with an account there can open and the maintainers see. Every text is in the site's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from joinedup.core.i18n import gettext as _
from joinedup.core.model import Group


@dataclass(frozen=True, slots=True)
class Offer:
    """One way to say "I can help": ``kind`` is 'email', 'link' or 'issue'."""

    kind: str
    url: str = ""  # the page to open ('link', 'issue')
    email: str = ""  # the address to write to ('email'): pages show it obscured
    subject: str = ""  # what the message or the issue is about


def help_offer(what: str, need: str, address: str, forge_url: str, group: Group | None = None,
               discussion: str = "") -> Offer:
    """How to offer help with ``need`` (in words: "Video editing · 3 h/week · remote") of
    ``what`` (the group's name or the proposal's title), whose page is at ``address``.

    ``discussion`` is the proposal's own discussion, tried first; then the group's e-mail,
    website and discussion; else an issue on the forge at ``forge_url``, whose title and text
    name the need and the page. Returns an Offer without a URL when there is no forge either.
    """
    subject = _("I can help: %(need)s (%(what)s)") % {"need": need, "what": what}
    if discussion:
        return Offer("link", url=discussion, subject=subject)
    if group is not None:
        if group.contact.email:
            return Offer("email", email=group.contact.email, subject=subject)
        if group.contact.website or group.discussion:
            return Offer("link", url=group.contact.website or group.discussion, subject=subject)
    if not forge_url:
        return Offer("issue", subject=subject)
    body = _("I would like to help with this need of %(what)s: %(need)s.\n\n"
             "The page: %(address)s\n\n"
             "My profile on the site, if I have one:\n\n"
             "What I can do, and when:\n") % {"what": what, "need": need, "address": address}
    return Offer("issue", url=f"{forge_url.rstrip('/')}/issues/new?" + urlencode({"title": subject, "body": body}),
                 subject=subject)
