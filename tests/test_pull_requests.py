"""Pull requests as the robot sees them: real git repositories with a base branch and a change by someone.

``owners`` decides who must approve each changed file; ``check --changed-since`` validates what
changed plus what refers to it; ``--format github`` prints annotations the forge puts on the diff.
"""

from __future__ import annotations

import json

import pytest
from content_fixtures import git, group_text, proposal_text

from conftest import profile_text

MAINTAINER = "joinedup-maintainer"  # listed in the project's site.yaml, which the site fixture copies
ANA = {"name": "Ana López", "email": "ana@example.org"}
STRANGER = {"name": "Sam Stranger", "email": "sam@example.org"}


@pytest.fixture
def repo(site):
    """A site on branch main with two profiles, a proposal by Ana, a group, then a branch ``change``."""
    site.profile("ana-lopez", github="ana-lopez")
    site.profile("bo-li", name="Bo Li", github="bo-li", contact=None, endorses="[free-buses]")
    site.write("content/proposals/free-buses.md", proposal_text(authors="[ana-lopez]", themes="[transport]"))
    site.write("content/groups/better-buses.md", group_text(core_team="[ana-lopez]", members="[bo-li]"))
    git(site.root, "init", "-q", "-b", "main")
    commit(site, "The example movement", ANA)
    git(site.root, "checkout", "-q", "-b", "change")
    return site


def commit(site, message: str, who: dict) -> None:
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", message, name=who["name"], email=who["email"], date="2026-11-20T10:00:00")


def owners(site, author: str, *approvers: str, output_format: str = "text"):
    args = ["owners", "--author", author, "--changed-since", "main", "--format", output_format]
    for login in approvers:
        args += ["--approved-by", login]
    return site.tasks(*args)


def edit_ana(site, **changes) -> None:
    site.profile("ana-lopez", **{"github": "ana-lopez", "headline": "Editor of short films", **changes})
    commit(site, "Edit Ana's profile", STRANGER)


# --- owners ------------------------------------------------------------------------------------


def test_a_stranger_editing_a_profile_is_refused_naming_the_owner(repo):
    edit_ana(repo)
    result = owners(repo, "sam-stranger")
    assert result.returncode == 1
    assert "MISSING  volunteers/ana-lopez.yaml: needs approval from @ana-lopez (the profile's owner)" in result.stdout
    assert f"or from a maintainer (@{MAINTAINER})" in result.stdout
    assert "1 of 1 changed file(s) need an approval" in result.stderr


def test_the_owner_may_change_their_own_profile_in_any_letter_case(repo):
    edit_ana(repo)
    result = owners(repo, "Ana-Lopez")
    assert result.returncode == 0, result.stdout
    assert "ok       volunteers/ana-lopez.yaml: approved by @Ana-Lopez" in result.stdout


def test_a_strangers_change_passes_once_the_owner_approves(repo):
    edit_ana(repo)
    assert owners(repo, "sam-stranger", "bo-li").returncode == 1
    assert owners(repo, "sam-stranger", "bo-li", "ana-lopez").returncode == 0


def test_a_maintainer_may_approve_any_profile(repo):
    edit_ana(repo)
    result = owners(repo, "sam-stranger", MAINTAINER)
    assert result.returncode == 0
    assert f"approved by @{MAINTAINER}" in result.stdout


def test_changing_the_login_needs_the_old_owner_too(repo):
    edit_ana(repo, github="ana-new-login")
    refused = owners(repo, "ana-new-login")
    assert refused.returncode == 1
    assert refused.stdout == ("MISSING  volunteers/ana-lopez.yaml: needs approval from @ana-lopez (the profile's owner), "
                              f"or from a maintainer (@{MAINTAINER})\n")
    stranger = owners(repo, "sam-stranger").stdout.splitlines()
    assert [line.split(" (")[0] for line in stranger] == [
        "MISSING  volunteers/ana-lopez.yaml: needs approval from @ana-lopez",
        "MISSING  volunteers/ana-lopez.yaml: needs approval from @ana-new-login"]
    assert "@ana-new-login (the new login the profile names)" in stranger[1]
    assert owners(repo, "ana-new-login", "ana-lopez").returncode == 0


def test_a_new_profile_may_be_added_by_the_login_it_names(repo):
    repo.profile("cy-jones", name="Cy Jones", github="cy-jones")
    commit(repo, "Add myself", STRANGER)
    assert owners(repo, "cy-jones").returncode == 0
    refused = owners(repo, "sam-stranger")
    assert refused.returncode == 1 and "@cy-jones (the profile's owner)" in refused.stdout


def test_deleting_a_profile_needs_its_owner(repo):
    (repo.root / "volunteers/bo-li.yaml").unlink()
    commit(repo, "Remove Bo", STRANGER)
    assert owners(repo, "sam-stranger").returncode == 1
    assert owners(repo, "bo-li").returncode == 0


def test_a_proposal_needs_one_of_the_authors_it_had_before_the_change(repo):
    # Adding yourself as an author does not make you one for this pull request.
    repo.profile("sam-stranger", name="Sam", github="sam-stranger", contact=None)
    repo.write("content/proposals/free-buses.md",
               proposal_text(authors="[ana-lopez, sam-stranger]", themes="[transport]", summary="Rewritten."))
    commit(repo, "Take over the proposal", STRANGER)
    result = owners(repo, "sam-stranger")
    assert result.returncode == 1
    assert "content/proposals/free-buses.md: needs approval from @ana-lopez (an author)" in result.stdout
    assert "ok       volunteers/sam-stranger.yaml" in result.stdout
    assert owners(repo, "sam-stranger", "ana-lopez").returncode == 0


def test_a_group_needs_its_core_team_and_other_files_a_maintainer(repo):
    repo.write("content/groups/better-buses.md", group_text(core_team="[ana-lopez]", members="[bo-li, ana-lopez]"))
    (repo.root / "data/themes.yaml").write_text((repo.root / "data/themes.yaml").read_text() + "\n")
    commit(repo, "Group and data", ANA)
    result = owners(repo, "ana-lopez")
    assert result.returncode == 1
    assert "ok       content/groups/better-buses.md: approved by @ana-lopez" in result.stdout
    assert f"MISSING  data/themes.yaml: needs approval from a maintainer (@{MAINTAINER})" in result.stdout
    assert owners(repo, "ana-lopez", MAINTAINER).returncode == 0


def test_adding_yourself_to_the_maintainers_in_the_pull_request_gives_no_power(repo):
    settings = repo.root / "site.yaml"
    listed = settings.read_text().replace(f'["{MAINTAINER}"]', f'["{MAINTAINER}", "sam-stranger"]')
    assert "sam-stranger" in listed
    settings.write_text(listed)
    edit_ana(repo)
    result = owners(repo, "sam-stranger")
    assert result.returncode == 1
    assert "MISSING  site.yaml" in result.stdout and "MISSING  volunteers/ana-lopez.yaml" in result.stdout


def test_owners_json_lists_each_file_with_what_it_needs(repo):
    edit_ana(repo)
    decisions = json.loads(owners(repo, "sam-stranger", output_format="json").stdout)
    assert decisions == [{"path": "volunteers/ana-lopez.yaml", "change": "modified", "ok": False, "approved_by": [],
                          "consents": [{"logins": ["ana-lopez"], "reason": "the profile's owner",
                                        "maintainer_may_give": True, "given_by": None}]}]


# --- check --changed-since ---------------------------------------------------------------------


def test_deleting_a_proposal_rechecks_its_endorsers(repo):
    (repo.root / "content/proposals/free-buses.md").unlink()
    commit(repo, "Drop the proposal", ANA)
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 1
    assert "volunteers/bo-li.yaml:" in result.stdout and "JU404" in result.stdout


def test_a_profile_changed_to_endorse_a_withdrawn_proposal_is_warned_though_no_proposal_changed(repo):
    """A pull request of profiles alone reads the proposals they endorse (not every proposal, which
    benchmarks/README.md measures): enough to judge each endorsement (JU404 unknown, JU405 withdrawn)."""
    repo.write("content/proposals/old-idea.md", proposal_text(title="Old idea", authors="[ana-lopez]",
                                                              status="withdrawn"))
    commit(repo, "An idea withdrawn", ANA)
    git(repo.root, "branch", "-f", "main")
    repo.profile("bo-li", name="Bo Li", github="bo-li", contact=None, endorses="[free-buses, old-idea, no-such]")
    commit(repo, "Bo endorses more", ANA)
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 1, result.stdout
    reported = {line.split(" ", 2)[1] for line in result.stdout.splitlines() if line.startswith("volunteers/bo-li.yaml:")}
    assert reported == {"JU404", "JU405"}, result.stdout
    assert "Checking 1 file(s)" in result.stderr


def test_a_profile_added_in_a_sub_folder_is_refused_as_the_whole_check_refuses_it(repo):
    """The build refuses a folder in volunteers/: the pull request that adds one must be red, or
    merging it breaks the deploy."""
    repo.write("volunteers/more/cy-jones.yaml", profile_text(github="cy-jones"))
    commit(repo, "A profile in a folder", STRANGER)
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 1, result.stdout
    assert "volunteers/more:0:0: JU012 'volunteers/more' is a folder; profiles are files." in result.stdout
    assert result.stdout.count("JU012") == repo.tasks("check").stdout.count("JU012") == 1


def test_a_file_name_that_is_not_utf8_is_a_bad_name_not_a_traceback(repo):
    (repo.root / "volunteers").joinpath(bytes.fromhex("ff").decode("utf-8", "surrogateescape") + "-bo.yaml").write_text(
        profile_text(github="bo-two"))
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "-bo.yaml:0:0: JU012 The file name" in result.stdout


def test_removing_a_skill_from_the_data_rechecks_the_profiles_using_it(repo):
    skills = repo.root / "data/skills.yaml"
    text = skills.read_text()
    assert "id: video-editing" in text
    skills.write_text(text.replace("id: video-editing", "id: film-editing"))
    commit(repo, "Rename a skill without an alias", ANA)
    result = repo.tasks("check", "--changed-since", "main", "--format", "github")
    assert result.returncode == 1
    flagged = {line.split(",")[0] for line in result.stdout.splitlines() if "title=JU101" in line}
    assert flagged == {"::error file=volunteers/ana-lopez.yaml", "::error file=volunteers/bo-li.yaml"}


def test_a_new_profile_claiming_a_login_already_used_is_caught(repo):
    repo.profile("cy-jones", name="Cy Jones", github="Bo-Li")
    commit(repo, "Add a look-alike", STRANGER)
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 1
    assert "volunteers/cy-jones.yaml:3:1: JU013 The login 'Bo-Li' also owns 'volunteers/bo-li.yaml'." in result.stdout
    assert "volunteers/bo-li.yaml:3:1: JU013 The login 'bo-li' also owns 'volunteers/cy-jones.yaml'." in result.stdout


def test_an_untouched_broken_file_is_left_to_its_own_pull_request(repo):
    repo.write("volunteers/zed-old.yaml", "name: [broken\n")
    commit(repo, "An old mistake", ANA)
    git(repo.root, "branch", "-f", "main")
    edit_ana(repo)
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 0, result.stdout
    assert "Checking 1 file(s)" in result.stderr


def test_github_annotations_are_exact_workflow_commands(repo):
    repo.write("volunteers/ana-lopez.yaml", profile_text(github="ana-lopez", remote="maybe"))
    commit(repo, "Break it", ANA)
    result = repo.tasks("check", "--changed-since", "main", "--format", "github")
    assert result.returncode == 1
    assert result.stdout == (
        "::error file=volunteers/ana-lopez.yaml,line=12,col=1,title=JU105::'remote' should be true or false, "
        "not text ('maybe'). Write 'remote: true' or 'remote: false'.\n"
    )


def test_github_annotations_escape_what_would_end_the_command_early():
    from joinedup.core.problems import Problem

    item = Problem("odd,name:x.yaml", 3, 4, "warning", "JU201", "50% done\nnext line", "A hint.")
    assert item.format_github() == "::warning file=odd%2Cname%3Ax.yaml,line=3,col=4,title=JU201::50%25 done%0Anext line A hint."


def test_changing_a_login_to_one_already_used_is_caught(repo):
    edit_ana(repo, github="BO-LI")
    result = repo.tasks("check", "--changed-since", "main")
    assert result.returncode == 1
    assert "volunteers/ana-lopez.yaml:3:1: JU013 The login 'BO-LI' also owns 'volunteers/bo-li.yaml'." in result.stdout
