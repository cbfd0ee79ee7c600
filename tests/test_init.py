"""`tasks.py init`: a fresh fork becomes the movement's own, empty site, and real content is never touched;
the fork's first pull request passes what the pull-request workflow runs."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import BUILD_EPOCH, REPO, make_upstream_copy, profile_text
from content_fixtures import commit_all, git, init_repository
from test_built_site import KINDS

ENSEMBLE = ["--name", "Ensemble pour demain", "--accent", "#8a1538", "--forge-url", "https://github.com/ensemble/site",
            "--maintainer", "camille-martin", "--takedown-contact", "mailto:vie-privee@ensemble.example",
            "--timezone", "Europe/Paris"]
MAINTAINER = {"name": "Camille Martin", "email": "camille@ensemble.example"}
VOLUNTEER = {"name": "Léa Martin", "email": "lea@ensemble.example"}


@pytest.fixture
def fork(tmp_path) -> Path:
    """A copy of upstream, as a movement gets it by forking."""
    return make_upstream_copy(tmp_path / "fork")


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
    stylesheet = (output / "theme/css/site.css").read_text()
    assert ":root { --accent: #8a1538; }\n@media (prefers-color-scheme: dark) { :root { --accent: #" in stylesheet
    theme = (fork / "themes/joinedup/static/css/site.css").read_text()
    assert stylesheet.startswith(theme) and "--accent: #8a1538" not in theme  # the theme's own file unchanged
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
    """Upstream's guard: an example changed without its manifest would be real content to init,
    which would then refuse to run in every new fork. A fork has no manifest once init has run
    (nothing in it is an example any more), so this reads a repository's content only while it
    is upstream's, byte for byte."""
    from joinedup.contribute.starter import manifest_text

    if (REPO / "examples.sha256").is_file():
        assert (REPO / "examples.sha256").read_text(encoding="utf-8") == manifest_text(REPO), (
            "An example file changed: run python tasks.py init --record-examples")


def test_init_makes_the_new_maintainers_the_code_owners_and_leaves_rules_of_the_movements_own(fork):
    codeowners = fork / ".github/CODEOWNERS"
    initialised = run(fork, "init", "--language", "fr", *ENSEMBLE, "--maintainer", "lea-roux")
    assert initialised.returncode == 0, initialised.stdout + initialised.stderr
    assert "écrit    .github/CODEOWNERS" in initialised.stdout
    assert codeowners.read_text() == "# Maintainers review every pull request.\n* @camille-martin @lea-roux\n"
    assert not (fork / "examples.sha256").exists(), "nothing in the fork is an example any more"

    # Rules the movement wrote itself are its own: init names nobody in them, and says so.
    codeowners.write_text("* @camille-martin\n/content/pages/ @comms-team\n")
    again = run(fork, "init", "--language", "fr", *ENSEMBLE, "--maintainer", "lea-roux")
    assert again.returncode == 0, again.stdout + again.stderr
    assert codeowners.read_text() == "* @camille-martin\n/content/pages/ @comms-team\n"
    assert "gardé    .github/CODEOWNERS (modifié depuis la version d'origine)" in again.stdout


def test_init_writes_a_codeowners_file_where_the_fork_has_none(fork):
    (fork / ".github/CODEOWNERS").unlink()
    assert run(fork, "init", "--language", "en", *ENSEMBLE).returncode == 0
    owners = (fork / ".github/CODEOWNERS").read_text()
    assert owners.startswith("# Maintainers review every pull request") and owners.endswith("\n* @camille-martin\n")


def test_the_french_profile_schema_has_the_same_rules_with_french_descriptions():
    import json

    def without_descriptions(node):
        if isinstance(node, dict):
            return {k: without_descriptions(v) for k, v in node.items() if k not in ("description", "title")}
        if isinstance(node, list):
            return [without_descriptions(v) for v in node]
        return node

    english = json.loads((REPO / "volunteers/schema.json").read_text(encoding="utf-8"))
    french = json.loads((REPO / "starter/fr/volunteers/schema.json").read_text(encoding="utf-8"))
    assert without_descriptions(french) == without_descriptions(english)
    assert french["properties"]["publish"]["description"].startswith("Doit valoir `true`")


# --- the fork's first pull request ---------------------------------------------------------------

WORKFLOW = ".github/workflows/check.yml"
# The expressions the pull-request check may use, with their values for a pull request into main.
# The runner's temporary folder is the repository's .cache here, so the accessibility step finds
# the pinned npm packages (axe-core, vnu.jar) the tests already installed in .cache/npm.
EXPRESSIONS = {"github.base_ref": "main", "github.event.pull_request.number": "1", "runner.temp": str(REPO / ".cache")}
CONDITION = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+) == '([^']*)'")


def expand(text: str) -> str:
    def value(match):
        assert match.group(1) in EXPRESSIONS, f"{WORKFLOW}: this test does not know ${{{{ {match.group(1)} }}}}"
        return EXPRESSIONS[match.group(1)]

    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", value, text)


def run_the_pull_request_check(checkout: Path, tmp_path: Path) -> list[tuple[str, subprocess.CompletedProcess | None]]:
    """Run the steps of every job of the checkout's own check.yml in order, as the runner would for
    a pull request into main: each ``run`` with bash, its ``env`` and $GITHUB_OUTPUT, a step whose
    ``if`` is false skipped. Actions (``uses``) are the runner's business (checkout, Python, upload)
    and the Install step would install the copy into this virtual environment: both are left out,
    the rest is run exactly as written. Returns (step name, result or None when skipped)."""
    workflow = yaml.safe_load((checkout / WORKFLOW).read_text())
    environment = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONPATH": str(checkout / "plugins"),
                   "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    outputs: dict[str, dict[str, str]] = {}
    ran = []
    for job in workflow["jobs"].values():
        for number, step in enumerate(job["steps"]):
            name = step.get("name", step.get("uses", ""))
            if "uses" in step:
                continue
            if step["run"].startswith("python -m pip install"):
                assert name == "Install", name
                continue
            if "if" in step:
                condition = CONDITION.fullmatch(step["if"].strip())
                assert condition, f"{WORKFLOW}: this test does not know the condition {step['if']!r}"
                step_id, key, expected = condition.groups()
                if outputs.get(step_id, {}).get(key) != expected:
                    ran.append((name, None))
                    continue
            output_file = tmp_path / f"github-output-{number}"
            output_file.write_text("")
            env = {**environment, **{k: expand(str(v)) for k, v in step.get("env", {}).items()},
                   "GITHUB_OUTPUT": str(output_file)}
            result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
                                    cwd=checkout, env=env, capture_output=True, text=True, timeout=600,
                                    stdin=subprocess.DEVNULL)
            ran.append((name, result))
            if "id" in step:
                outputs[step["id"]] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if line)
    return ran


def first_profile(fork: Path) -> str:
    """A volunteer's new profile, in the ids of the fork's own taxonomies (the language's starter ones)."""
    def first(name, key):
        return yaml.safe_load((fork / f"data/{name}.yaml").read_text(encoding="utf-8"))[key][0]["id"]

    return profile_text(name="Léa Martin", github="lea-martin", headline="Monteuse vidéo bénévole",
                        skills=f"\n  - {first('skills', 'skills')}",
                        location=f"\n  place: Lyon\n  region: {first('regions', 'regions')}",
                        languages="[fr, en]", contact=None, endorses=None)


@pytest.mark.parametrize("language, examples", [("fr", []), ("fr", ["--keep-examples"]), ("en", []),
                                                 ("en", ["--keep-examples"])])
def test_a_first_profile_in_a_new_fork_passes_every_step_the_pull_request_check_runs(tmp_path, language, examples):
    fork = make_upstream_copy(tmp_path / "fork")
    initialised = run(fork, "init", "--language", language, *ENSEMBLE, *examples)
    assert initialised.returncode == 0, initialised.stdout + initialised.stderr
    # A fork has the project's tests, which the check runs on its built pages (test_built_site.py).
    shutil.copytree(REPO / "tests", fork / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    init_repository(fork)
    commit_all(fork, "Our movement's site", date="2026-11-20T10:00:00", **MAINTAINER)
    git(fork, "checkout", "-q", "-b", "add-lea-martin")
    (fork / "volunteers/lea-martin.yaml").write_text(first_profile(fork), encoding="utf-8")
    commit_all(fork, "Léa Martin joins", date="2026-11-21T10:00:00", **VOLUNTEER)
    # The runner's checkout: a clone of the pull request's branch, with origin/main to compare to.
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--branch", "add-lea-martin", str(fork), str(checkout))

    ran = run_the_pull_request_check(checkout, tmp_path)
    failed = [f"{name}:\n{result.stdout}{result.stderr}" for name, result in ran if result and result.returncode]
    assert failed == [], "\n".join(failed)
    scripts = " ".join(result.args[-1] for _, result in ran if result)
    for judge in ("tasks.py check --changed-since", "tasks.py build", "joinedup.builder.links output",
                  "pytest -q -p no:cacheprovider tests/test_built_site.py"):
        assert judge in scripts, f"a content change is judged by {judge}"
    # The accessibility checks ran in the browser on one page of each kind the fork has: the
    # listings, skills, regions, search, join, insights, 404… and Léa Martin's page; the examples' proposals
    # and groups when they were kept.
    # One browser test per kind of page (KINDS) and two whole-site checks; without the examples
    # the fork has no proposal or group page, and those two kinds are skipped.
    accessibility = next(result for _, result in ran if result and "test_built_site.py" in result.args[-1])
    tests = len(KINDS) + 2
    assert re.search(rf"^{tests} passed in" if examples else rf"^{tests - 2} passed, 2 skipped in",
                     accessibility.stdout.splitlines()[-1]), accessibility.stdout
    skipped = [name for name, result in ran if result is None]
    assert skipped == ["Tests of the project's code (on fixture sites of their own)"]
    assert (checkout / "output/people/lea-martin/index.html").is_file()


def test_the_project_tests_run_on_a_change_of_code_and_not_of_content(tmp_path):
    """The step that decides, on one repository: a profile alone is content; a theme file is code."""
    site = make_upstream_copy(tmp_path / "fork")
    init_repository(site)
    commit_all(site, "Upstream", date="2026-11-20T10:00:00", **MAINTAINER)
    workflow = yaml.safe_load((site / WORKFLOW).read_text())
    decide = next(step for job in workflow["jobs"].values() for step in job["steps"] if step.get("id") == "changes")

    def code_changed(branch: str, relative: str, text: str) -> str:
        git(site, "checkout", "-q", "-b", branch, "main")
        (site / relative).write_text(text, encoding="utf-8")
        commit_all(site, f"Change {relative}", date="2026-11-21T10:00:00", **VOLUNTEER)
        output = tmp_path / f"output-{branch}"
        subprocess.run(["bash", "-eo", "pipefail", "-c", decide["run"].replace("origin/$BASE_BRANCH", "main")],
                       cwd=site, check=True, capture_output=True, env={**os.environ, "GITHUB_OUTPUT": str(output)})
        return output.read_text()

    assert code_changed("profile", "volunteers/lea-martin.yaml", first_profile(site)) == "code=false\n"
    assert code_changed("theme", "themes/joinedup/static/css/extra.css", "a { color: red }\n") == "code=true\n"
    assert code_changed("tool", "tasks.py", "# changed\n") == "code=true\n"
