"""`tasks.py init`: a fresh fork becomes the movement's own, empty site, and real content is never touched."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD_EPOCH, REPO

LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "output", ".output-*", ".cache", "__pycache__", "tests",
                                  "benchmarks", "docs", "*.png")
ENSEMBLE = ["--name", "Ensemble pour demain", "--accent", "#8a1538", "--forge-url", "https://github.com/ensemble/site",
            "--maintainer", "camille-martin", "--takedown-contact", "mailto:vie-privee@ensemble.example",
            "--timezone", "Europe/Paris"]


@pytest.fixture
def fork(tmp_path) -> Path:
    """A copy of this repository, as a movement gets it by forking."""
    root = tmp_path / "fork"
    shutil.copytree(REPO, root, ignore=LEFT_OUT)
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "tasks.py"), *args], capture_output=True, text=True, cwd=root,
                          stdin=subprocess.DEVNULL, timeout=300, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_init_in_french_then_one_profile_and_proposal_builds_a_french_site_without_examples(fork):
    examples = {path: (fork / path).read_text(encoding="utf-8") for path in
                re.findall(r"  ((?:volunteers|content/proposals|content/groups)/\S+\.(?:yaml|md))$",
                           (fork / "examples.sha256").read_text(), re.M)}
    assert len(examples) > 20
    example_names = [re.search(r"^(?:name|title): (.+)$", text, re.M).group(1) for text in examples.values()]

    initialised = run(fork, "init", "--language", "fr", *ENSEMBLE)
    assert initialised.returncode == 0, initialised.stderr
    assert all(not (fork / path).exists() for path in examples)
    run(fork, "new", "profile", "--id", "camille-martin", "--name", "Camille Martin", "--github", "camille-martin",
        "--headline", "Graphiste bénévole", "--skill", "graphic-design", "--place", "Lyon",
        "--region", "auvergne-rhone-alpes", "--remote", "--hours", "4", "--language", "fr", "--yes").check_returncode()
    run(fork, "new", "proposal", "--slug", "transports-gratuits", "--title", "Transports gratuits pour les jeunes",
        "--summary", "Des bus gratuits avant 25 ans.", "--theme", "transport",
        "--author", "camille-martin").check_returncode()
    assert run(fork, "check").returncode == 0
    built = run(fork, "build")
    assert built.returncode == 0, built.stderr

    output = fork / "output"
    home = (output / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in home and "Aller au contenu" in home and 'Publié le <time datetime="2026-11-23">23 novembre 2026</time>' in home
    assert "Ensemble pour demain" in home and "au grand jour" in home
    accent = (output / "theme/css/movement.css").read_text()
    assert accent.startswith(":root { --accent: #8a1538; }\n@media (prefers-color-scheme: dark) { :root { --accent: #")
    pages = "\n".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    assert "Camille Martin" in pages and "Transports gratuits pour les jeunes" in pages
    assert [name for name in example_names if name in pages] == []
    assert "Île-de-France" in (output / "regions/index.html").read_text(encoding="utf-8")


def test_init_run_twice_changes_nothing_the_second_time(fork):
    assert run(fork, "init", "--language", "en", *ENSEMBLE).returncode == 0
    before = snapshot(fork)
    again = run(fork, "init", "--language", "en", *ENSEMBLE)
    assert again.returncode == 0, again.stderr
    assert "removed" not in again.stdout and "wrote" not in again.stdout
    assert snapshot(fork) == before


def test_init_refuses_a_repository_with_real_content_and_touches_nothing(fork):
    # One changed byte in an example profile makes it the movement's own.
    edited = fork / "volunteers/ana-lopez.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Ana López", "Ana Lopez"), encoding="utf-8")
    (fork / "content/proposals/our-first-idea.md").write_text("---\ntitle: Ours\n---\n", encoding="utf-8")
    before = snapshot(fork)
    refused = run(fork, "init", "--language", "fr", *ENSEMBLE)
    assert refused.returncode == 1
    assert "content/proposals/our-first-idea.md" in refused.stderr
    assert "volunteers/ana-lopez.yaml" in refused.stderr
    assert "volunteers/bethan-price.yaml" not in refused.stderr
    assert snapshot(fork) == before


def test_examples_manifest_lists_the_example_files_as_they_are():
    from joinedup.starter import manifest_text

    assert (REPO / "examples.sha256").read_text(encoding="utf-8") == manifest_text(REPO), (
        "An example file changed: run python tasks.py init --record-examples")


def test_the_french_profile_schema_has_the_same_rules_with_french_descriptions():
    import json

    def without_descriptions(node):
        if isinstance(node, dict):
            return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
        if isinstance(node, list):
            return [without_descriptions(v) for v in node]
        return node

    english = json.loads((REPO / "volunteers/schema.json").read_text(encoding="utf-8"))
    french = json.loads((REPO / "starter/fr/volunteers/schema.json").read_text(encoding="utf-8"))
    assert without_descriptions(french) == without_descriptions(english)
    assert french["properties"]["publish"]["description"].startswith("Doit valoir true")
