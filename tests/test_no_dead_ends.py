"""No dead ends for someone who wants to help: every need offers "I can help", every group can
be reached, a person's page lists their groups, and "Endorse" leads to the person's own file."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from chromium import StaticServer
from conftest import make_site, profile_text
from content_fixtures import git, group_text, proposal_text

FORGE = "https://github.com/joinedup-example/joinedup"
NEED = "\n  - skill: video-editing\n    hours_per_week: 3\n    remote: true"


@pytest.fixture(scope="module")
def movement(tmp_path_factory):
    """Ana (with an e-mail) and Bo (no contact); three groups reached three ways; two proposals."""
    site = make_site(tmp_path_factory.mktemp("dead-ends") / "site")
    site.profile("ana-lopez", endorses="[free-buses]")
    site.write("volunteers/bo-li.yaml", profile_text(name="Bo Li", github="bo-li", contact=None))
    site.write("content/groups/better-buses.md", group_text(
        core_team="[bo-li]", members="[ana-lopez]", contact="\n  email: buses@example.org", needs=NEED))
    site.write("content/groups/open-maps.md", group_text(
        name="Open Maps", core_team="[bo-li]", contact="\n  website: https://maps.example.org/join", needs=NEED))
    site.write("content/groups/quiet-group.md", group_text(name="Quiet Group", core_team="[ana-lopez]", needs=NEED))
    site.write("content/proposals/free-buses.md", proposal_text(group="better-buses", needs="[video-editing, photography]"))
    site.write("content/proposals/night-buses.md", proposal_text(
        title="Night buses", summary="Buses all night.", needs="[photography]"))
    site.tasks("build", check=True)
    return site


def page(site, url: str) -> str:
    return site.read(f"output/{url}index.html")


def help_actions(text: str) -> list[str]:
    return re.findall(r'<p class="help-action">(.*?)</p>', text, re.S)


def test_a_group_nobody_can_reach_is_refused_and_any_one_way_is_enough(site):
    site.profile("ana-lopez")
    site.write("volunteers/bo-li.yaml", profile_text(name="Bo Li", github="bo-li", contact=None))
    site.write("content/groups/quiet-group.md", group_text(name="Quiet Group", core_team="[bo-li]", members="[ana-lopez]"))
    result = site.tasks("check")
    assert result.returncode == 1
    line = site.read("content/groups/quiet-group.md").splitlines().index("core_team: [bo-li]") + 1
    assert (f"content/groups/quiet-group.md:{line}:1: JU415 Nobody can reach the group 'Quiet Group': it gives no "
            "contact and no discussion, and nobody in its core team gives a contact in their profile.") in result.stdout
    assert "hint: Add 'contact:' with the group's 'email:' or 'website:'" in result.stdout
    assert result.stdout.count("JU415") == 1, "a member's contact is not the group's"

    for way in ({"contact": "\n  email: quiet@example.org"}, {"contact": "\n  website: https://quiet.example.org"},
                {"discussion": "https://forum.example.org/c/quiet"}, {"core_team": "[bo-li, ana-lopez]"}):
        site.write("content/groups/quiet-group.md", group_text(
            name="Quiet Group", **{"core_team": "[bo-li]", "members": "[ana-lopez]", **way}))
        result = site.tasks("check")
        assert result.returncode == 0, (way, result.stdout)
        assert "JU415" not in result.stdout


def test_a_pull_request_removing_the_last_contact_of_a_group_is_told_on_the_pull_request(site):
    site.profile("ana-lopez")
    site.write("volunteers/bo-li.yaml", profile_text(name="Bo Li", github="bo-li", contact=None))
    site.write("content/groups/quiet-group.md", group_text(name="Quiet Group", core_team="[ana-lopez]"))
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "A group reached through Ana")
    git(site.root, "checkout", "-q", "-b", "change")
    site.profile("ana-lopez", headline="Editor of short films")
    git(site.root, "commit", "-q", "-am", "A new headline")
    assert "Checking 1 file(s)" in site.tasks("check", "--changed-since", "main").stderr

    site.profile("ana-lopez", headline="Editor of short films", contact=None)
    git(site.root, "commit", "-q", "-am", "No contact any more")
    result = site.tasks("check", "--changed-since", "main")
    assert result.returncode == 1
    assert "content/groups/quiet-group.md:" in result.stdout and "JU415 Nobody can reach the group 'Quiet Group'" in result.stdout


def test_a_group_contact_email_is_checked_and_never_published_as_text(site, movement):
    site.profile("ana-lopez")
    site.write("content/groups/quiet-group.md", group_text(contact="\n  email: not an address"))
    result = site.tasks("check")
    assert result.returncode == 1 and "content/groups/quiet-group.md" in result.stdout and "JU1" in result.stdout
    text = page(movement, "groups/better-buses/")
    assert "buses@example.org" not in text
    assert "buses [at] example [dot] org" in html.unescape(text)


def test_a_need_offers_to_write_to_the_group_with_the_need_as_subject(movement, browser):
    [action] = help_actions(page(movement, "groups/better-buses/"))
    assert "I can help:" in action and 'data-subject="I can help: Video editing · 3 h/week · remote' in action
    with StaticServer(movement.root / "output") as server:
        browser.events.clear()
        browser.goto(f"{server.url}/groups/better-buses/")
        browser.evaluate("document.querySelector('.help-action button').click()")
        mailto = browser.evaluate("document.querySelector('.help-action a').href")
        assert browser.problems() == []
    address, _, query = mailto.partition("?")
    assert address == "mailto:buses@example.org"
    assert parse_qs(query) == {"subject": ["I can help: Video editing · 3 h/week · remote (Better Buses Collective)"]}


def test_a_need_offers_the_group_website_or_else_a_prefilled_issue_on_the_forge(movement):
    [action] = help_actions(page(movement, "groups/open-maps/"))
    assert 'href="https://maps.example.org/join" rel="nofollow ugc">I can help' in action

    # Reached only through its core team's profiles: the offer is an issue that says it all.
    [action] = help_actions(page(movement, "groups/quiet-group/"))
    link = html.unescape(re.search(r'href="([^"]+)"', action).group(1))
    url = urlsplit(link)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{FORGE}/issues/new"
    query = parse_qs(url.query)
    assert query["title"] == ["I can help: Video editing · 3 h/week · remote (Quiet Group)"]
    assert query["body"][0].startswith("I would like to help with this need of Quiet Group: Video editing · 3 h/week · "
                                       "remote.\n\nThe page: ")
    assert "/groups/quiet-group/" in query["body"][0]
    assert "an issue on the forge, written for you" in action
    assert "You can also write to someone in the core team below." in page(movement, "groups/quiet-group/")


def test_a_proposal_need_goes_to_its_group_or_else_to_the_forge(movement):
    [action] = help_actions(page(movement, "proposals/free-buses/"))
    assert 'data-subject="I can help: Video editing, Photography (Free buses for everyone under 25)"' in action
    [action] = help_actions(page(movement, "proposals/night-buses/"))
    query = parse_qs(urlsplit(html.unescape(re.search(r'href="([^"]+)"', action).group(1))).query)
    assert query["title"] == ["I can help: Photography (Night buses)"]


def test_a_person_page_lists_their_groups_with_their_role(movement):
    ana = page(movement, "people/ana-lopez/")
    groups = ana.split('<h2 id="groups-heading">', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="/groups/([a-z-]+)/">([^<]+)</a> <span class="meta">([^<]+)</span>', groups) == [
        ("better-buses", "Better Buses Collective", "member"), ("quiet-group", "Quiet Group", "core team")]
    assert "Endorses" in ana and "/proposals/free-buses/" in ana
    bo = page(movement, "people/bo-li/")
    assert re.findall(r'<a href="/groups/([a-z-]+)/">', bo.split('id="groups-heading"', 1)[1].split("</section>")[0]) == [
        "better-buses", "open-maps"]


def test_endorse_on_a_proposal_opens_the_persons_profile_with_the_line_added(movement, browser):
    text = page(movement, "proposals/night-buses/")
    assert "Add <code>- night-buses</code> under <code>endorses:</code> in your profile" in text
    with StaticServer(movement.root / "output") as server:
        browser.events.clear()
        browser.goto(f"{server.url}/proposals/night-buses/")
        browser.evaluate("document.getElementById('endorse-id').focus()")
        browser.type_text("ana-lopez")
        browser.press("Enter", "Enter", 13, text="\r")
        browser.wait_for("location.pathname === '/join/' && document.getElementById('join-name')?.value === 'Ana López'")
        assert browser.evaluate("location.search") == "?endorse=night-buses&edit=ana-lopez"
        browser.evaluate("document.getElementById('join-github').value = 'ana-lopez'")  # no page shows it
        browser.evaluate("document.querySelector('#join-form button[type=submit]').click()")
        written = browser.evaluate("document.getElementById('join-text').value")
        edit = browser.evaluate("document.getElementById('join-forge-edit').href")
        assert browser.problems() == []
    assert "\nendorses:\n  - free-buses\n  - night-buses\n" in written
    assert edit == f"{FORGE}/edit/main/volunteers/ana-lopez.yaml"
