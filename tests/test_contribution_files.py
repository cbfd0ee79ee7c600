"""The files a forge and a contributor's git read: workflows, pre-commit hooks, templates for new files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from content_fixtures import git

from conftest import FIXTURE, REPO, profile_text

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def validate_workflows(*paths: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run([str(tool), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
                          capture_output=True, text=True)


def test_every_workflow_matches_the_github_workflow_schema():
    assert {p.name for p in WORKFLOWS} >= {"check.yml", "owners.yml", "deploy.yml"}
    result = validate_workflows(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_schema_check_refuses_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text((REPO / ".github/workflows/check.yml").read_text().replace("runs-on:", "run-on:"))
    result = validate_workflows(broken)
    assert result.returncode == 1 and "runs-on" in result.stdout


def tasks_commands() -> list[tuple[str, str]]:
    """Every ``tasks.py <command> --options`` line in the workflows and hook files, with its file."""
    found = []
    for path in [*WORKFLOWS, REPO / ".pre-commit-config.yaml", REPO / ".pre-commit-hooks.yaml"]:
        for line in path.read_text().splitlines():
            if line.lstrip().startswith("#"):
                continue
            if match := re.search(r"tasks\.py (?:--root \S+ )?([a-z]+)(.*)", line):
                found.append((path.name, match.group(1) + match.group(2)))
    return found


def test_workflows_and_hooks_call_commands_and_options_that_exist():
    commands = tasks_commands()
    assert {c.split()[0] for _, c in commands} >= {"check", "owners", "build"}
    for where, command in commands:
        name, *rest = command.split()
        usage = subprocess.run([sys.executable, str(REPO / "tasks.py"), name, "--help"], capture_output=True, text=True)
        assert usage.returncode == 0, f"{where}: tasks.py has no command {name!r}"
        for option in re.findall(r"(--[a-z][a-z-]+)", " ".join(rest)):
            assert option in usage.stdout, f"{where}: 'tasks.py {name}' has no option {option}"


def test_the_owners_rule_runs_from_the_base_branch_with_the_reviewers_from_the_forge():
    # The trust boundary in detail (issue #18) is tests/test_owners_trust.py.
    workflow = yaml.safe_load((REPO / ".github/workflows/owners.yml").read_text())
    assert set(workflow[True]) == {"pull_request_target", "workflow_run", "push"}  # PyYAML reads the key `on` as True
    steps = workflow["jobs"]["judge"]["steps"]
    refs = {step["with"]["path"]: step["with"].get("ref") for step in steps if "checkout" in step.get("uses", "")}
    assert refs == {"pr": "${{ steps.pull.outputs.head }}", "base": None}
    script = "\n".join(step.get("run", "") for step in steps)
    assert "pulls/$NUMBER/reviews" in script and "--reviews reviews.json" in script
    assert "python base/tasks.py --root pr owners" in script


@pytest.fixture
def hooked_repo(site):
    """The site as a contributor's clone: tasks.py, the library, the hook config and a .venv python."""
    shutil.copy2(REPO / "tasks.py", site.root / "tasks.py")
    shutil.copytree(REPO / "plugins", site.root / "plugins", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy2(REPO / ".pre-commit-config.yaml", site.root / ".pre-commit-config.yaml")
    python = site.root / ".venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    site.write(".gitignore", ".venv/\n.cache/\n")
    git(site.root, "init", "-q", "-b", "main")
    return site


def pre_commit(site, *files: str) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(site.root.parent / "pre-commit-home"), "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run([str(tool), "run", "--files", *files], cwd=site.root, capture_output=True, text=True, env=env)


def test_the_pre_commit_hook_stops_a_broken_profile_and_passes_the_fixed_one(hooked_repo):
    hooked_repo.profile("ana-lopez", location="\n  place: Leeds\n  region: yorkshre")
    git(hooked_repo.root, "add", "-A")
    refused = pre_commit(hooked_repo, "volunteers/ana-lopez.yaml")
    assert refused.returncode == 1, refused.stdout
    assert "volunteers/ana-lopez.yaml:" in refused.stdout and "Did you mean 'yorkshire' (" in refused.stdout
    hooked_repo.profile("ana-lopez")
    git(hooked_repo.root, "add", "-A")
    accepted = pre_commit(hooked_repo, "volunteers/ana-lopez.yaml")
    assert accepted.returncode == 0, accepted.stdout


def test_the_add_yourself_template_is_a_valid_profile_once_filled_in(site):
    """Saved unchanged it is refused (tests/test_friendly_messages.py): the examples, and consent left false."""
    from joinedup.render.editing import new_profile_template

    text = new_profile_template()
    assert text.startswith("# yaml-language-server: $schema=schema.json\n")
    for example, value in (("Your Name", "Léa Martin"), ("your-login", "lea-martin"), ("Your town", "Leeds"),
                           ("One line on what you can do", "Video editor"), ("publish: false", "publish: true")):
        text = text.replace(example, value)
    site.write("volunteers/lea-martin.yaml", text)
    result = site.tasks("check")
    assert result.returncode == 0, result.stdout


def test_every_example_profile_names_the_schema_for_editors():
    missing = [p.name for p in (FIXTURE / "volunteers").glob("*.yaml")
               if not p.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=schema.json\n")]
    assert missing == []
    assert profile_text().startswith("# yaml-language-server: $schema=schema.json\n")


def test_the_privacy_page_lists_every_field_the_schema_allows_even_a_new_one(site):
    import json

    schema_path = site.root / "volunteers/schema.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["pronouns"] = {"description": "How to refer to you, if you want to say.", "type": "string"}
    schema_path.write_text(json.dumps(schema))
    site.profile("ana-lopez", pronouns="she/her")
    site.tasks("build", check=True)
    page = site.read("output/privacy/index.html")
    for name in ("name", "location.place", "availability.until", "skills[].level", "contact.email", "publish"):
        assert f"<code>{name}</code>" in page
    assert "<code>pronouns</code>" in page and "How to refer to you, if you want to say." in page


def test_prefilled_forge_links_open_the_right_file_in_the_editor(example_site):
    from urllib.parse import parse_qs, urlsplit

    forge = "https://github.com/joinedup-example/joinedup"
    # "Add yourself" is the site's form everywhere; without JavaScript, the form offers the template.
    people = (example_site / "people/index.html").read_text()
    assert re.search(r'<a class="button" href="/join/">add yourself</a>', people)
    join = (example_site / "join/index.html").read_text().split("<noscript>", 1)[1]
    add = re.search(r'<a href="([^"]+)">start from the commented template', join).group(1).replace("&amp;", "&")
    url = urlsplit(add)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{forge}/new/main/volunteers"
    query = parse_qs(url.query)
    assert query["filename"] == ["your-name.yaml"]
    assert query["value"][0].startswith("# yaml-language-server: $schema=schema.json\n")
    profile = (example_site / "people/ana-lopez/index.html").read_text()
    assert f'href="{forge}/edit/main/volunteers/ana-lopez.yaml">Edit this profile</a>' in profile
    proposal = (example_site / "proposals/votes-at-16/index.html").read_text()
    assert f'href="{forge}/edit/main/content/proposals/votes-at-16.md">Suggest a change</a>' in proposal


def test_codeowners_names_exactly_the_maintainers_in_the_settings():
    from joinedup.contribute.owners import maintainers_in_site

    owners = {login for line in (REPO / ".github/CODEOWNERS").read_text().splitlines()
              if line.strip() and not line.startswith("#") for login in re.findall(r"@([A-Za-z0-9-]+)", line)}
    assert owners == set(maintainers_in_site((REPO / "site.yaml").read_text())) != set()


def test_contributing_explains_every_top_level_field_of_the_schema():
    import json

    schema = json.loads((REPO / "volunteers/schema.json").read_text())
    guide = (REPO / "CONTRIBUTING.md").read_text()
    assert [key for key in schema["properties"] if f"| `{key}` |" not in guide] == []
