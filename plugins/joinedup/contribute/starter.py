"""Turn a fresh fork into the movement's own empty site: what ``python tasks.py init`` does.

The bundled example content (profiles, proposals, groups, and the pages and taxonomies as
shipped) is listed with its SHA-256 in ``examples.sha256``. A file is the movement's *real*
content when it is not byte-identical to that list: ``init`` never deletes or overwrites one,
and refuses to run while a profile, proposal or group is real, so a second run is harmless
and a run on a live site changes nothing. Once ``init`` has run, nothing in the fork is an
example any more (examples kept with ``--keep-examples`` are the movement's to edit): it
removes the manifest, and ``.github/CODEOWNERS`` names the maintainers it wrote in site.yaml.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.contribute.owners import maintainers_in_site
from joinedup.core.i18n import gettext
from joinedup.core.problems import ProblemsFound, has_errors
from joinedup.load.files import read_text
from joinedup.load.settings import SITE_FILE, SiteSettings, settings_from_text, settings_text

EXAMPLES_MANIFEST = "examples.sha256"
STARTER = "starter"
# Example content that init removes; anything else there that is not an example is real.
CONTENT_FOLDERS = (("volunteers", "*.yaml"), ("content/proposals", "*.md"), ("content/groups", "*.md"))
# Shipped files that init replaces with the language's starter, when they are still as shipped.
REPLACEABLE = ("content/pages/about.md", "content/pages/contribute.md", "content/pages/privacy.md",
               "data/skills.yaml", "data/regions.yaml", "data/themes.yaml",
               # Same rules, descriptions in the language: editors and the privacy page show them.
               "volunteers/schema.json",
               # What volunteers and maintainers read in the repository, in the language.
               "CONTRIBUTING.md", "docs/taxonomies.md")
# The forge's list of who reviews every pull request: the maintainers, as in site.yaml.
CODEOWNERS = ".github/CODEOWNERS"
CODEOWNERS_HEADER = """\
# Maintainers review every pull request (keep this list the same as `maintainers` in
# site.yaml; a test checks). CODEOWNERS cannot say "only the person a profile describes":
# code owners need write access and volunteers have none. The owners workflow
# (.github/workflows/owners.yml) enforces that rule instead.
"""
OWNER = re.compile(r"@[A-Za-z0-9-]+(?:/[A-Za-z0-9_.-]+)?")


@dataclass
class InitPlan:
    """What ``init`` will do: files it removes and writes, and real content that stops it."""

    remove: list[str] = field(default_factory=list)
    write: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    real: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What carrying out the plan did, a line a file: removed, written, or kept (changed since shipped)."""
        return ([gettext("removed %(path)s") % {"path": relative} for relative in self.remove]
                + [gettext("wrote   %(path)s") % {"path": relative} for relative in self.write]
                + [gettext("kept    %(path)s (changed since it was shipped)") % {"path": relative}
                   for relative in self.kept])

    def refusal(self, shown: int = 20) -> list[str]:
        """Why init changes nothing: the real content it found (the first ``shown`` files), then
        what to do instead; [] when there is none."""
        if not self.real:
            return []
        said = [gettext("init changes nothing: this repository already has its own content "
                        "(files that are not the bundled examples):")]
        said += [f"  {relative}" for relative in self.real[:shown]]
        if len(self.real) > shown:
            said.append("  " + gettext("… and %(count)d more") % {"count": len(self.real) - shown})
        return said + [gettext("Edit site.yaml to change the settings of a site that is already running.")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of the bundled examples; {} when the manifest is gone."""
    path = Path(root) / EXAMPLES_MANIFEST
    if not path.is_file():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            sha, _, relative = line.partition("  ")
            entries[relative] = sha
    return entries


def manifest_text(root: Path) -> str:
    """The manifest of the example files as they are now in ``root`` (for upstream's maintainers)."""
    root = Path(root)
    paths = [p for folder, pattern in CONTENT_FOLDERS for p in sorted((root / folder).glob(pattern))]
    paths += [root / relative for relative in REPLACEABLE if (root / relative).is_file()]
    lines = ["# The bundled example files, which `python tasks.py init` may remove or replace.",
             "# Regenerate after changing an example: python tasks.py init --record-examples"]
    lines += [f"{digest(p)}  {p.relative_to(root).as_posix()}" for p in paths]
    return "\n".join(lines) + "\n"


def plan_init(root: Path, settings: SiteSettings, *, keep_examples: bool, keep_taxonomy: bool) -> InitPlan:
    """What ``init`` would do to ``root``; ``plan.real`` non-empty means it must refuse.

    Raises ProblemsFound, before anything is planned, when the site.yaml that ``settings``
    make would not work (each answer can be good alone and the file still refused).
    """
    root = Path(root)
    _, problems = settings_from_text(root, settings_text(settings))
    if has_errors(problems):
        raise ProblemsFound(problems)
    examples = read_manifest(root)
    plan = InitPlan()
    for folder, pattern in CONTENT_FOLDERS:
        for path in sorted((root / folder).glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if path.is_symlink() or examples.get(relative) != digest(path):
                plan.real.append(relative)
            elif not keep_examples:
                plan.remove.append(relative)
    if (root / EXAMPLES_MANIFEST).is_file():
        plan.remove.append(EXAMPLES_MANIFEST)
    # Examples kept are written in the shipped taxonomy's ids: they keep it.
    keep_taxonomy = keep_taxonomy or keep_examples
    values = {"name": settings.name, "takedown_contact": settings.takedown_contact}
    starter = Path(__file__).resolve().parents[3] / STARTER / settings.language
    for relative in REPLACEABLE:
        source = starter / relative.removeprefix("content/")
        if not source.is_file() or (keep_taxonomy and relative.startswith("data/")):
            continue
        text = source.read_text(encoding="utf-8")
        if relative.startswith("content/pages/"):
            text = text.format(**values)
        target = root / relative
        current = target.read_bytes() if target.is_file() and not target.is_symlink() else None
        if current == text.encode("utf-8"):
            continue
        if current is None or examples.get(relative) == hashlib.sha256(current).hexdigest():
            plan.write[relative] = text
        else:
            plan.kept.append(relative)
    text = settings_text(settings)
    site = root / SITE_FILE
    if not (site.is_file() and site.read_text(encoding="utf-8") == text):
        plan.write[SITE_FILE] = text
    _plan_codeowners(root, settings, plan)
    return plan


def codeowners_text(current: str | None, before: tuple[str, ...], after: tuple[str, ...]) -> str | None:
    """CODEOWNERS naming the maintainers ``after`` wherever a rule named exactly ``before``
    (the maintainers site.yaml listed until now): a new file when ``current`` is None, and None
    when no rule names them (the movement wrote its own rules; init leaves them alone)."""
    owners = " ".join(f"@{login}" for login in after)
    if current is None:
        return f"{CODEOWNERS_HEADER}* {owners}\n"
    lines, replaced = [], False
    for line in current.splitlines(keepends=True):
        pattern, *owners_now = line.split("#", 1)[0].split() or [""]
        if owners_now and all(OWNER.fullmatch(o) for o in owners_now) and {o[1:] for o in owners_now} == set(before):
            ending = line[len(line.rstrip("\r\n")):]
            line, replaced = f"{pattern} {owners}{ending}", True
        lines.append(line)
    return "".join(lines) if replaced else None


def _plan_codeowners(root: Path, settings: SiteSettings, plan: InitPlan) -> None:
    """Add to ``plan`` the CODEOWNERS that names the new maintainers (or keep a file of the movement's own)."""
    path = root / CODEOWNERS
    current = None
    if path.is_file() and not path.is_symlink():
        current = path.read_text(encoding="utf-8")
    elif path.exists() or path.is_symlink():
        plan.kept.append(CODEOWNERS)
        return
    site_text, _ = read_text(root, SITE_FILE) if (root / SITE_FILE).is_file() else (None, [])
    text = codeowners_text(current, maintainers_in_site(site_text), settings.maintainers)
    if text is None:
        if {o.lstrip("@") for o in OWNER.findall(current)} != set(settings.maintainers):
            plan.kept.append(CODEOWNERS)
    elif text != current:
        plan.write[CODEOWNERS] = text


def apply(root: Path, plan: InitPlan) -> None:
    """Carry out ``plan`` (refuses, by assertion, a plan with real content)."""
    assert not plan.real, plan.real
    root = Path(root)
    for relative in plan.remove:
        (root / relative).unlink()
    for relative, text in plan.write.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
