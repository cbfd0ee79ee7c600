"""The `owners` verdict cannot be written, judged or spoken for by the pull request it judges.

Security issue #18, one test per attack: the pull request's own workflow copy turning the
status green (the workflow files' structure), an old branch point choosing old judges, an
approval of an earlier commit kept for later pushes, and people named as authors, core-team
members or synthesis sources without their approval (real git repositories in tmp_path,
whose main branch moves on after the pull request branched).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from content_fixtures import git, group_text, proposal_text

from conftest import REPO

WORKFLOWS = {path.name: yaml.safe_load(path.read_text()) for path in sorted((REPO / ".github/workflows").glob("*.yml"))}
# Events GitHub runs from the pull request's own copy of the workflow file.
PULL_REQUEST_COPY = {"pull_request", "pull_request_review", "pull_request_review_comment"}
# Events GitHub runs from the base or default branch's copy.
BASE_COPY = {"pull_request_target", "workflow_run", "push"}
MAINTAINER = "joinedup-maintainer"
PEOPLE = {"ana-lopez": "Ana López", "bo-li": "Bo Li", "cy-jones": "Cy Jones", "dee-okafor": "Dee Okafor",
          "sam-stranger": "Sam Stranger"}
RECORDED_REVIEWS = REPO / "tests/forge/reviews-of-an-earlier-commit.json"


# --- the workflows -----------------------------------------------------------------------------


def triggers(workflow: dict) -> set[str]:
    on = workflow[True]  # PyYAML reads the key `on` as True
    return {on} if isinstance(on, str) else set(on)


def jobs():
    for name, workflow in WORKFLOWS.items():
        for job_id, job in workflow["jobs"].items():
            yield name, workflow, job_id, job


def permissions(workflow: dict, job: dict) -> dict:
    """The token's permissions in a job; a missing key anywhere means the repository's default."""
    value = job.get("permissions", workflow.get("permissions"))
    assert value is not None, "no permissions key: the token would get the repository's default, maybe write-all"
    assert isinstance(value, dict), f"permissions: {value!r} (write a map, read-only unless the job needs more)"
    return value


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job.get("steps", []))


def checkouts(job: dict) -> list[dict]:
    return [step for step in job.get("steps", []) if step.get("uses", "").startswith("actions/checkout@")]


def test_no_workflow_run_from_a_pull_requests_copy_can_set_the_owners_status():
    # Attack 2: GitHub runs a pull_request_review workflow from the pull request's merge commit.
    for name, workflow, job_id, job in jobs():
        events = triggers(workflow)
        if not events & PULL_REQUEST_COPY:
            continue
        assert not events & BASE_COPY, f"{name}: one file run both from the pull request's copy and the base's"
        granted = permissions(workflow, job)
        assert all(level in ("read", "none") for level in granted.values()), f"{name}/{job_id}: {granted}"
        assert "statuses" not in granted and "statuses/" not in runs(job), f"{name}/{job_id} posts a status"
        assert job.get("name", job_id) != "owners", f"{name}/{job_id} makes a check run named owners"
        if "pull_request_review" in events:
            assert granted == {}, f"{name}/{job_id}: a review workflow needs no token at all"
            assert checkouts(job) == [], f"{name}/{job_id} checks out code on a review"
            assert re.sub(r"\s", "", runs(job)) in ("", "true"), f"{name}/{job_id} runs something on a review"


def test_the_owners_status_is_posted_only_by_base_branch_code_on_the_head_commits_reviews():
    posting = [(name, workflow, job_id, job) for name, workflow, job_id, job in jobs()
               if "statuses" in permissions(workflow, job) or "statuses/" in runs(job)]
    assert [(name, job_id) for name, _, job_id, _ in posting] == [("owners.yml", "judge")]
    name, workflow, job_id, job = posting[0]
    assert triggers(workflow) == BASE_COPY
    assert "pull_request_review" not in triggers(workflow)
    # A review re-judges through workflow_run of the review workflow, which is run from the default branch.
    reviewed = workflow[True]["workflow_run"]["workflows"]
    assert [triggers(w) for w in WORKFLOWS.values() if w["name"] in reviewed] == [{"pull_request_review"}]
    # When main moves, the judges may change: every open pull request into it is judged again.
    assert workflow[True]["push"] == {"branches": ["main"]}
    assert "base=$BRANCH" in runs(workflow["jobs"]["select"])
    assert permissions(workflow, job) == {"contents": "read", "pull-requests": "read", "statuses": "write"}

    steps = job["steps"]
    by_path = {step["with"]["path"]: step["with"] for step in checkouts(job)}
    assert set(by_path) == {"base", "pr"}
    assert "ref" not in by_path["base"], "the code must be the commit this workflow runs from (base or default branch)"
    assert by_path["pr"]["ref"] == "${{ steps.pull.outputs.head }}"
    script = runs(job)
    for runs_the_pull_requests_code in ("./pr", " pr/", "cd pr", "python pr", "pip install pr", "pip install -e pr"):
        assert runs_the_pull_requests_code not in script
    assert all(step.get("working-directory") is None for step in steps)
    assert "pip install -e ./base" in script
    judged = next(step for step in steps if "owners" in step.get("run", "") and "tasks.py" in step.get("run", ""))
    assert judged["run"].startswith("python base/tasks.py --root pr owners ")
    for option in ('--author "$AUTHOR"', "--reviews reviews.json", '--changed-since "origin/$BASE_BRANCH"',
                   "--status-file status.json"):
        assert option in judged["run"]
    assert 'pulls/$NUMBER/reviews" > reviews.json' in script
    # The pending status comes first, the verdict last, both on the head commit the files came from.
    posts = [step for step in steps if "statuses/" in step.get("run", "")]
    assert [step["env"]["HEAD_SHA"] for step in posts] == ["${{ steps.pull.outputs.head }}"] * 2
    assert steps.index(posts[0]) < steps.index(judged) < steps.index(posts[1]) == len(steps) - 1
    assert "context=owners" in posts[0]["run"] and "--input status.json" in posts[1]["run"]
    # A check run named owners (a job of a pull request's own workflow) turns the verdict into a failure.
    assert "check-runs?check_name=owners" in posts[1]["run"] and '.state = "failure"' in posts[1]["run"]


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version():
    for path in sorted((REPO / ".github/workflows").glob("*.yml")):
        for line in path.read_text().splitlines():
            if match := re.match(r"\s*(?:- )?uses:\s*(\S+)(.*)", line):
                action, comment = match.groups()
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)?@[0-9a-f]{40}", action), f"{path.name}: {action} is not pinned"
                assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{path.name}: {action} does not say its version"


def test_write_permissions_only_on_the_jobs_that_need_them():
    allowed = {("deploy.yml", "deploy"): {"pages", "id-token"}, ("owners.yml", "judge"): {"statuses"}}
    for name, workflow in WORKFLOWS.items():
        assert workflow.get("permissions") in ({}, {"contents": "read"}), f"{name}: workflow-wide permissions"
    for name, workflow, job_id, job in jobs():
        writes = {scope for scope, level in permissions(workflow, job).items() if level == "write"}
        assert writes == allowed.get((name, job_id), set()), f"{name}/{job_id} may write {writes}"
    assert permissions(WORKFLOWS["deploy.yml"], WORKFLOWS["deploy.yml"]["jobs"]["build"]) == {"contents": "read"}


def test_no_checkout_leaves_credentials_in_the_work_tree():
    found = [(name, job_id, step) for name, _, job_id, job in jobs() for step in checkouts(job)]
    assert {(name, job_id) for name, job_id, _ in found} >= {("check.yml", "check"), ("deploy.yml", "build"),
                                                          ("owners.yml", "judge")}
    for name, job_id, step in found:
        assert step.get("with", {}).get("persist-credentials") is False, f"{name}/{job_id}: {step}"


def test_the_check_runs_a_pull_requests_code_read_only_without_secrets_or_expressions_in_scripts():
    check = WORKFLOWS["check.yml"]
    assert triggers(check) == {"pull_request"}
    assert all(level == "read" for level in permissions(check, check["jobs"]["check"]).values())
    for path in sorted((REPO / ".github/workflows").glob("*.yml")):
        if path.name != "deploy.yml":
            assert "secrets." not in path.read_text(), f"{path.name} uses a secret"
    # The deploy's one secret signs the cache it carries: only `cache restore` and `cache save`
    # see it, never the build, which runs the repository's content.
    for step in WORKFLOWS["deploy.yml"]["jobs"]["build"]["steps"]:
        if "secrets." in str(step):
            assert step["env"] == {"JOINEDUP_CACHE_KEY": "${{ secrets.JOINEDUP_CACHE_KEY }}"}, step
            assert re.fullmatch(r"python tasks\.py cache (save|restore) ~/joinedup-carried", step["run"]), step
    assert "secrets." not in str(WORKFLOWS["deploy.yml"]["jobs"]["deploy"])
    for name, _, job_id, job in jobs():
        # Values reach scripts through env, never pasted into the shell by an expression.
        assert "${{" not in runs(job), f"{name}/{job_id} pastes an expression into a script"


# --- a pull request in a real repository ---------------------------------------------------------


def profile(name: str, login: str) -> str:
    return (f"# yaml-language-server: $schema=schema.json\nname: {name}\ngithub: {login}\nheadline: Helper\n"
            "skills: [video-editing]\nlocation:\n  place: Leeds\n  region: yorkshire\nremote: true\n"
            "availability:\n  hours_per_week: 2\nlanguages: [en]\npublish: true\n")


@pytest.fixture
def movement(site):
    """main: five people, Ana's adopted proposal, Bo and Ana's draft, a group run by Ana and Bo; then
    the branch ``change``, made from that commit."""
    for person, name in PEOPLE.items():
        site.write(f"volunteers/{person}.yaml", profile(name, person))
    site.write("content/proposals/free-buses.md", proposal_text(authors="[ana-lopez]", status="adopted"))
    site.write("content/proposals/night-buses.md",
               proposal_text(title="Night buses", authors="[bo-li, ana-lopez]", status="draft"))
    site.write("content/groups/better-buses.md", group_text(core_team="[ana-lopez, bo-li]",
                                                            contact="\n  website: https://buses.example.org"))
    git(site.root, "init", "-q", "-b", "main")
    commit(site, "The movement")
    git(site.root, "checkout", "-q", "-b", "change")
    return site


def commit(site, message: str, name: str = "Sam Stranger") -> str:
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", message, name=name, email="someone@example.org", date="2026-11-20T10:00:00")
    return git(site.root, "rev-parse", "HEAD").strip()


def on_main(site, change) -> None:
    """Commit ``change(site)`` on main, after the pull request branched, and come back to it."""
    git(site.root, "checkout", "-q", "main")
    change(site)
    commit(site, "Main moves on", name="Maintainer")
    git(site.root, "checkout", "-q", "change")


def owners(site, author: str, *approvers: str, extra: tuple[str, ...] = ()):
    args = ["owners", "--author", author, "--changed-since", "main", *extra]
    for login in approvers:
        args += ["--approved-by", login]
    return site.tasks(*args)


def replace_in(site, path: str, old: str, new: str) -> None:
    text = site.read(path)
    assert old in text, f"{old!r} not in {path}"
    (site.root / path).write_text(text.replace(old, new), encoding="utf-8")


# Attack 3: judges from the branch being merged into, not from the commit the branch started at.


def test_a_maintainer_removed_on_main_after_the_branch_point_approves_nothing(movement):
    on_main(movement, lambda s: replace_in(s, "site.yaml", f'["{MAINTAINER}"]', '["new-maintainer"]'))
    movement.write("tasks.py", "print('changed')\n")
    replace_in(movement, "data/themes.yaml", "\n", "\n\n")
    commit(movement, "Change the code and the data")
    result = owners(movement, "sam-stranger", MAINTAINER)
    assert result.returncode == 1
    assert result.stdout == ("MISSING  data/themes.yaml: needs approval from a maintainer (@new-maintainer)\n"
                             "MISSING  tasks.py: needs approval from a maintainer (@new-maintainer)\n")
    assert owners(movement, "sam-stranger", "new-maintainer").returncode == 0


def test_the_verdict_changes_when_main_moves_without_a_new_push(movement):
    replace_in(movement, "data/themes.yaml", "\n", "\n\n")
    commit(movement, "Tidy the themes")
    assert owners(movement, "sam-stranger", MAINTAINER).returncode == 0
    on_main(movement, lambda s: replace_in(s, "site.yaml", f'["{MAINTAINER}"]', '["new-maintainer"]'))
    assert owners(movement, "sam-stranger", MAINTAINER).returncode == 1


def test_a_core_team_member_removed_on_main_no_longer_approves_the_groups_page(movement):
    on_main(movement, lambda s: replace_in(s, "content/groups/better-buses.md",
                                           "core_team: [ana-lopez, bo-li]", "core_team: [ana-lopez]"))
    replace_in(movement, "content/groups/better-buses.md", "About the group.", "Bo's group now.")
    commit(movement, "Rewrite the group", name="Bo Li")
    result = owners(movement, "bo-li")
    assert result.returncode == 1
    assert result.stdout == ("MISSING  content/groups/better-buses.md: needs approval from @ana-lopez (the core team), "
                             f"or from a maintainer (@{MAINTAINER})\n")


def test_a_profile_is_judged_by_the_login_it_names_on_main_now(movement):
    on_main(movement, lambda s: replace_in(s, "volunteers/ana-lopez.yaml", "github: ana-lopez", "github: ana-new"))
    replace_in(movement, "volunteers/ana-lopez.yaml", "headline: Helper", "headline: Someone else entirely")
    commit(movement, "Edit Ana's profile from her old login")
    result = owners(movement, "ana-lopez")
    assert result.returncode == 1
    assert "MISSING  volunteers/ana-lopez.yaml: needs approval from @ana-new (the profile's owner)" in result.stdout


# Attack 4: an approval counts only for the commit it reviewed.


def recorded_reviews(tmp_path: Path, earlier: str, head: str) -> Path:
    payload = tmp_path / "reviews.json"
    payload.write_text(RECORDED_REVIEWS.read_text().replace("EARLIER_SHA", earlier).replace("HEAD_SHA", head))
    return payload


def test_an_approval_of_an_earlier_commit_does_not_approve_what_was_pushed_after_it(movement, tmp_path):
    replace_in(movement, "volunteers/ana-lopez.yaml", "headline: Helper", "headline: Helpr")
    earlier = commit(movement, "Typo fix")
    replace_in(movement, "volunteers/ana-lopez.yaml", "headline: Helpr", "headline: Helper")
    replace_in(movement, "volunteers/ana-lopez.yaml", "place: Leeds", "place: Somewhere else")
    head = commit(movement, "And one more thing")
    payload = recorded_reviews(tmp_path, earlier, head)
    result = owners(movement, "sam-stranger", extra=("--reviews", str(payload)))
    assert result.returncode == 1
    assert result.stdout == ("MISSING  volunteers/ana-lopez.yaml: needs approval from @ana-lopez (the profile's owner), "
                             f"or from a maintainer (@{MAINTAINER})\n")
    assert (f"Not counted: @ana-lopez approved an earlier commit, not {head[:12]}; "
            "an approval counts only for the commit it reviewed.") in result.stderr
    assert f"Not counted: @{MAINTAINER} approved an earlier commit" in result.stderr
    # Reviewed on the head commit, the same approvals count.
    again = recorded_reviews(tmp_path, head, head)
    assert owners(movement, "sam-stranger", extra=("--reviews", str(again))).returncode == 0


def test_the_latest_deciding_review_of_the_head_commit_counts_and_dismissed_ones_do_not():
    from joinedup.contribute.forge import approvals_in_reviews

    head, earlier = "a" * 40, "b" * 40

    def review(login, state, commit=head):
        return {"user": {"login": login}, "state": state, "commit_id": commit}

    reviews = [review("ana", "APPROVED"), review("ana", "COMMENTED"),  # a comment changes nothing
               review("bo", "APPROVED"), review("bo", "CHANGES_REQUESTED"),
               review("cy", "CHANGES_REQUESTED"), review("cy", "APPROVED"),
               review("dee", "APPROVED"), review("dee", "DISMISSED"),
               review("eve", "APPROVED", earlier), review("fay", "PENDING"), {"user": None, "state": "APPROVED"}]
    one_page = json.dumps(reviews)
    paginated = json.dumps(reviews[:5]) + json.dumps(reviews[5:])  # gh api --paginate: page after page
    slurped = json.dumps([reviews[:5], reviews[5:]])  # gh api --paginate --slurp
    for payload in (one_page, paginated, slurped):
        approvals = approvals_in_reviews(payload, head)
        assert approvals.approvers == ("ana", "cy")
        assert approvals.outdated == ("eve",)
    with pytest.raises(ValueError):
        approvals_in_reviews('{"message": "Bad credentials"}', head)
    with pytest.raises(ValueError):
        approvals_in_reviews(one_page, "HEAD")


def test_the_workflows_own_command_line_judges_a_recorded_payload_and_writes_the_status(movement, tmp_path):
    replace_in(movement, "volunteers/ana-lopez.yaml", "headline: Helper", "headline: Helpr")
    earlier = commit(movement, "Typo fix")
    replace_in(movement, "volunteers/ana-lopez.yaml", "remote: true", "remote: false")
    head = commit(movement, "Later push")
    git(movement.root, "update-ref", "refs/remotes/origin/main", "main")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "base").symlink_to(REPO)
    (workspace / "pr").symlink_to(movement.root)
    recorded_reviews(tmp_path, earlier, head).rename(workspace / "reviews.json")
    judge = WORKFLOWS["owners.yml"]["jobs"]["judge"]
    script = next(step["run"] for step in judge["steps"] if "tasks.py" in step.get("run", ""))
    env = {"AUTHOR": "sam-stranger", "BASE_BRANCH": "main", "RUN_URL": "https://github.com/o/r/actions/runs/1",
           "PATH": "/usr/bin:/bin"}
    script = script.replace("python ", f"{sys.executable} ", 1)  # the workflow's python is this venv's
    result = subprocess.run(["bash", "-c", script], cwd=workspace, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    status = json.loads((workspace / "status.json").read_text())
    assert status == {"state": "failure", "context": "owners", "target_url": "https://github.com/o/r/actions/runs/1",
                      "description": status["description"]}
    assert status["description"].startswith("1 of 1 changed file(s) need an approval they do not have yet. "
                                            "volunteers/ana-lopez.yaml: needs approval from @ana-lopez")
    assert len(status["description"]) <= 140


# Attack 5: nobody is named as author, core-team member or synthesis source without their approval.


def test_a_new_proposal_naming_four_co_authors_needs_each_of_them(movement):
    movement.write("content/proposals/my-plan.md", proposal_text(
        title="My plan", authors="[sam-stranger, ana-lopez, bo-li, cy-jones, dee-okafor]"))
    commit(movement, "My plan, with famous co-authors")
    result = owners(movement, "sam-stranger", MAINTAINER)
    assert result.returncode == 1
    assert result.stdout == "".join(
        f"MISSING  content/proposals/my-plan.md: needs approval from @{person} "
        "(named as an author: nobody is named without their own approval)\n"
        for person in ("ana-lopez", "bo-li", "cy-jones", "dee-okafor"))
    assert owners(movement, "sam-stranger", "ana-lopez", "bo-li", "cy-jones").returncode == 1
    assert owners(movement, "sam-stranger", "ana-lopez", "bo-li", "cy-jones", "dee-okafor").returncode == 0


def test_a_new_proposal_by_its_only_author_needs_nobody_else(movement):
    movement.write("content/proposals/my-plan.md", proposal_text(title="My plan", authors="[sam-stranger]"))
    commit(movement, "My plan")
    result = owners(movement, "sam-stranger")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "ok       content/proposals/my-plan.md: approved by @sam-stranger\n"


def test_people_added_to_an_existing_proposal_or_core_team_approve_themselves(movement):
    replace_in(movement, "content/proposals/night-buses.md", "authors: [bo-li, ana-lopez]",
               "authors: [bo-li, ana-lopez, cy-jones]")
    replace_in(movement, "content/groups/better-buses.md", "core_team: [ana-lopez, bo-li]",
               "core_team: [ana-lopez, bo-li, dee-okafor]")
    commit(movement, "More hands", name="Ana López")
    result = owners(movement, "ana-lopez", MAINTAINER)
    assert result.returncode == 1
    assert result.stdout == (
        "MISSING  content/groups/better-buses.md: needs approval from @dee-okafor "
        "(named in the core team: nobody is named without their own approval)\n"
        "MISSING  content/proposals/night-buses.md: needs approval from @cy-jones "
        "(named as an author: nobody is named without their own approval)\n")
    assert owners(movement, "ana-lopez", "cy-jones", "dee-okafor").returncode == 0


def test_a_new_group_needs_everyone_in_its_core_team(movement):
    movement.write("content/groups/night-riders.md", group_text(name="Night riders", core_team="[sam-stranger, bo-li]"))
    commit(movement, "A group")
    result = owners(movement, "sam-stranger")
    assert result.returncode == 1
    assert "MISSING  content/groups/night-riders.md: needs approval from @bo-li (named in the core team" in result.stdout
    assert owners(movement, "sam-stranger", "bo-li").returncode == 0


def test_saying_a_proposal_synthesises_someone_elses_needs_one_of_its_authors(movement):
    movement.write("content/proposals/all-buses.md", proposal_text(
        title="All buses", authors="[sam-stranger]", synthesises="[free-buses, night-buses]"))
    commit(movement, "Merge two proposals into mine")
    result = owners(movement, "sam-stranger", MAINTAINER)
    assert result.returncode == 1
    assert result.stdout == (
        "MISSING  content/proposals/all-buses.md: needs approval from @ana-lopez (an author of "
        "content/proposals/free-buses.md, which this proposal says it synthesises)\n"
        "MISSING  content/proposals/all-buses.md: needs approval from @bo-li or @ana-lopez (an author of "
        "content/proposals/night-buses.md, which this proposal says it synthesises)\n")
    assert owners(movement, "sam-stranger", "ana-lopez").returncode == 0


def test_a_change_of_status_needs_a_maintainer_not_one_co_author(movement):
    replace_in(movement, "content/proposals/night-buses.md", "status: draft", "status: adopted")
    commit(movement, "Adopted, says I", name="Bo Li")
    result = owners(movement, "bo-li")
    assert result.returncode == 1
    assert result.stdout == (f"MISSING  content/proposals/night-buses.md: needs approval from @{MAINTAINER} "
                             "(its status changes from draft to adopted: the movement decides)\n")
    assert owners(movement, "bo-li", MAINTAINER).returncode == 0


def test_a_new_proposal_may_start_as_draft_but_not_as_adopted(movement):
    movement.write("content/proposals/my-plan.md", proposal_text(title="My plan", authors="[sam-stranger]",
                                                                 status="adopted"))
    commit(movement, "Already adopted")
    result = owners(movement, "sam-stranger")
    assert result.returncode == 1
    assert "(a new proposal starting as adopted, not draft: the movement decides)" in result.stdout


def test_the_movement_may_name_who_decides_a_status_in_its_settings(movement):
    def name_a_clerk(site):
        replace_in(site, "site.yaml", "stale_months:", 'status_approvers: ["assembly-clerk"]\nstale_months:')
        checked = site.tasks("check", "site.yaml")
        assert checked.returncode == 0, checked.stdout

    on_main(movement, name_a_clerk)
    replace_in(movement, "content/proposals/night-buses.md", "status: draft", "status: consultation")
    commit(movement, "Open the consultation", name="Bo Li")
    result = owners(movement, "bo-li", MAINTAINER)
    assert result.returncode == 1
    assert "needs approval from @assembly-clerk (its status changes from draft to consultation" in result.stdout
    assert owners(movement, "bo-li", "assembly-clerk").returncode == 0
    assert "`status_approvers`" in (REPO / "docs/maintainers.md").read_text()
