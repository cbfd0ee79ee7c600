"""The files ``new profile`` and ``new proposal`` write: their text, and the check before they stay.

A scaffolded file is checked as a pull request would check it; one that would not pass is
taken out again, so a contributor never commits a file the checker refuses. The proposal's
text is :func:`joinedup.load.proposals.scaffold`, which the site's "how to contribute" page shows too.
"""

from __future__ import annotations

from pathlib import Path

from joinedup.core.problems import ProblemsFound, has_errors
from joinedup.load.profiles import SCHEMA_LINE
from joinedup.load.yamlsource import quoted


def profile_text(*, name: str, github: str, headline: str, skills, place: str, region: str, remote: bool,
                 hours: int, languages, email: str = "") -> str:
    """The YAML of a new profile with these answers, agreeing to publish (``publish: true``)."""
    lines = [
        SCHEMA_LINE,
        f"name: {quoted(name)}",
        f"github: {quoted(github)}",
        f"headline: {quoted(headline)}",
        "skills:",
        *[f"  - {quoted(s)}" for s in skills],
        "location:",
        f"  place: {quoted(place)}",
        f"  region: {quoted(region)}",
        f"remote: {'true' if remote else 'false'}",
        "availability:",
        f"  hours_per_week: {hours}",
        f"languages: [{', '.join(quoted(x) for x in languages)}]",
    ]
    if email:
        lines += ["contact:", f"  email: {quoted(email)}"]
    lines.append("publish: true")
    return "\n".join(lines) + "\n"


def write_checked(root: Path, relative: str, text: str) -> None:
    """Write ``text`` to ``root/relative`` and check it as a pull request would.

    Raises ProblemsFound, with the file removed again, when the check finds an error.
    """
    from joinedup.load.repository import load_repository

    target = Path(root) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    _, problems = load_repository(Path(root), only=[relative])
    if has_errors(problems):
        target.unlink()
        raise ProblemsFound(problems)
