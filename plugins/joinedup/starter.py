"""Turn a fresh fork into the movement's own empty site: what ``python tasks.py init`` does.

The bundled example content (profiles, proposals, groups, and the pages and taxonomies as
shipped) is listed with its SHA-256 in ``examples.sha256``. A file is the movement's *real*
content when it is not byte-identical to that list: ``init`` never deletes or overwrites one,
and refuses to run while a profile, proposal or group is real, so a second run is harmless
and a run on a live site changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .settings import SITE_FILE, SiteSettings, settings_text

MANIFEST = "examples.sha256"
STARTER = "starter"
# Example content that init removes; anything else there that is not an example is real.
CONTENT_FOLDERS = (("volunteers", "*.yaml"), ("content/proposals", "*.md"), ("content/groups", "*.md"))
# Shipped files that init replaces with the language's starter, when they are still as shipped.
REPLACEABLE = ("content/pages/about.md", "content/pages/contribute.md", "content/pages/privacy.md",
               "data/skills.yaml", "data/regions.yaml", "data/themes.yaml",
               # Same rules, descriptions in the language: editors and the privacy page show them.
               "volunteers/schema.json")


@dataclass
class InitPlan:
    """What ``init`` will do: files it removes and writes, and real content that stops it."""

    remove: list[str] = field(default_factory=list)
    write: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    real: list[str] = field(default_factory=list)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of the bundled examples; {} when the manifest is gone."""
    path = Path(root) / MANIFEST
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
    """What ``init`` would do to ``root``; ``plan.real`` non-empty means it must refuse."""
    root = Path(root)
    examples = read_manifest(root)
    plan = InitPlan()
    for folder, pattern in CONTENT_FOLDERS:
        for path in sorted((root / folder).glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if path.is_symlink() or examples.get(relative) != digest(path):
                plan.real.append(relative)
            elif not keep_examples:
                plan.remove.append(relative)
    values = {"name": settings.name, "takedown_contact": settings.takedown_contact}
    starter = Path(__file__).resolve().parents[2] / STARTER / settings.language
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
    return plan


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
