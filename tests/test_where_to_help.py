""""Where you could help" on each profile and ``match --person``: the open needs a person can
help with, ranked by the one matcher (joinedup.match.where_to_help), on a fixture site of the
test's own, in git."""

from __future__ import annotations

import html
import json
import os
import re

import pytest

from content_fixtures import commit_all, group_text, init_repository, proposal_text

AUTHOR = {"name": "Test Runner", "email": "runner@example.org"}
BUSES_NEEDS = """
  - skill: video-editing
    hours_per_week: 4
    remote: true
    note: Cut the campaign film.
  - skill: social-media
    hours_per_week: 8
    remote: true
  - skill: graphic-design
    hours_per_week: 2
    remote: true
    until: 2026-11-22"""
LAB_NEEDS = "\n  - skill: video-editing\n    hours_per_week: 2\n    remote: true"


def _write_needs(site, buses_needs: str = BUSES_NEEDS) -> None:
    site.write("content/groups/better-buses.md", group_text(
        core_team="[dee-cut]", discussion="https://forum.example.org/buses", needs=buses_needs))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Ana (video editing, expert; social media; remote, 6 h) is in Open Lab's core team; Ben
    (video editing, London, not remote) and Cleo (graphic design) are in no group. Better
    Buses asks for video editing, social media and graphic design (ended the day before the
    build), Open Lab for video editing, a proposal for video editing with copywriting."""
    from conftest import make_site

    site = make_site(tmp_path_factory.mktemp("where") / "site")
    site.profile("ana-lopez")
    site.profile("ben-ode", name="Ben Ode", github="ben-ode", skills="\n  - video-editing", remote="false",
                 location="\n  place: Camden\n  region: london", contact="\n  email: ben@example.org")
    site.profile("cleo-ray", name="Cleo Ray", github="cleo-ray", skills="\n  - graphic-design",
                 contact="\n  email: cleo@example.org")
    site.profile("dee-cut", name="Dee Cut", github="dee-cut", skills="\n  - data-analysis",
                 contact="\n  email: dee@example.org")
    _write_needs(site)
    site.write("content/groups/open-lab.md", group_text(
        name="Open Lab", core_team="[ana-lopez]", discussion="https://forum.example.org/lab", needs=LAB_NEEDS))
    site.write("content/proposals/free-buses.md", proposal_text(
        status="consultation", consultation_closes="2026-12-05", needs="[video-editing, copywriting]"))
    init_repository(site.root)
    commit_all(site.root, "The movement", **AUTHOR, date="2026-11-01T12:00:00")
    result = site.tasks("build", "--output", str(site.root / "output"))
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def _section(site, person: str) -> str:
    page = (site.root / f"output/people/{person}/index.html").read_text()
    found = re.search(r'<section aria-labelledby="could-help-heading".*?</section>', page, re.S)
    return found.group(0) if found else ""


def _listed(site, person: str) -> list[dict]:
    """Each need the person's page lists, one line each: the skills it asks (their pages), who
    asked (link), the score and the reasons not fully met, as text."""
    section = _section(site, person)
    lines = re.findall(r"<li>(.*?)</li>", section, re.S)
    # What does not fully match in every need shown is said once, under the list: it is each one's.
    found = re.search(r"<p>What does not fully match in each of them: (.*?)</p>", section, re.S)
    common = found.group(1) if found else ""
    listed = []
    for line in lines:
        asked = re.search(r'Asked by the (?:group|proposal) <a href="/([^"]+)"', line)
        listed.append({
            "skills": re.findall(r'<a href="/skills/([^/]+)/">', line[:asked.start()]),
            "label": "".join(re.sub(r"<[^>]+>", "", line[:asked.start()]).rstrip(". ").split(" · ", 1)[1:]),
            "url": asked.group(1),
            "score": float(re.search(r"Match: ([\d.]+) of 100", line).group(1)),
            "reasons": [html.unescape(re.sub(r"<[^>]+>", "", r))
                        for r in re.findall(r'<span class="reason-\w+">(.*?)</span>', line + common)],
        })
    return listed


def _need(listed: dict) -> tuple:
    """A listed need as (who asked, the skills it asks, its hours and place)."""
    return listed["url"], listed["skills"], listed["label"]


def test_a_profile_lists_the_needs_the_person_can_help_with_best_first_with_reasons_in_labels(built):
    listed = _listed(built, "ana-lopez")
    assert [(_need(n), n["score"]) for n in listed] == [
        (("groups/better-buses/", ["video-editing"], "4 h/week · remote"), 100.0),
        (("groups/better-buses/", ["social-media"], "8 h/week · remote"), 82.5),   # 6 of 8 hours
    ]
    # Only what does not fully match: the met reasons restate the card and the profile.
    assert listed[0]["reasons"] == []
    assert listed[1]["reasons"] == ["6 of 8 hours"]
    section = _section(built, "ana-lopez")
    assert "Where you could help" in section and 'href="/needs/"' in section
    assert "Ana López matches 2 open needs" in section


def test_a_proposals_author_does_not_see_its_need_and_others_do(built):
    # Ana wrote Free buses (and is in Open Lab's core team): neither asks her. Ben, who wrote
    # nothing, is offered the proposal's need, with what he lacks.
    assert not [n for n in _listed(built, "ana-lopez") if "free-buses" in n["url"]]
    [offered] = [n for n in _listed(built, "ben-ode") if "free-buses" in n["url"]]
    assert "no Copywriting ✗" in offered["reasons"]
    repository_page = (built.root / "output/proposals/free-buses/index.html").read_text()
    helpers = re.search(r'<section[^>]*aria-labelledby="helpers-heading".*?</section>', repository_page, re.S)
    assert helpers and "/people/ben-ode/" in helpers.group(0) and "/people/ana-lopez/" not in helpers.group(0)


def test_a_groups_own_core_team_member_does_not_see_its_need(built):
    assert not [n for n in _listed(built, "ana-lopez") if "open-lab" in n["url"]]
    # Ben, in no group, sees it; tied at 80 with Better Buses', the board's order breaks the tie
    # (Open Lab's need is scarcer: nobody outside it could fill it).
    assert [(_need(n), n["score"]) for n in _listed(built, "ben-ode")] == [
        (("groups/open-lab/", ["video-editing"], "2 h/week · remote"), 80.0),
        (("groups/better-buses/", ["video-editing"], "4 h/week · remote"), 80.0),
        (("proposals/free-buses/", ["video-editing", "copywriting"], ""), 75.0),
    ]


def test_an_ended_need_is_not_listed(built):
    assert _section(built, "cleo-ray") == ""  # graphic design ended on 22 November
    assert "Where you could help" not in (built.root / "output/people/cleo-ray/index.html").read_text()
    assert _section(built, "dee-cut") == ""   # nobody asks for data analysis


def test_match_person_json_gives_the_pages_needs_order_scores_and_reasons(built):
    for person in ("ana-lopez", "ben-ode"):
        result = built.tasks("match", "--person", person, "--json")
        assert result.returncode == 0, result.stderr
        printed = json.loads(result.stdout)
        listed = _listed(built, person)
        assert [{key: n[key] for key in ("skills", "score", "url")} for n in printed] == [
            {key: n[key] for key in ("skills", "score", "url")} for n in listed]
        # The page shows the reasons not fully met: every one of them is the command's, in its order.
        for shown, full in zip(listed, printed):
            assert shown["reasons"] == [reason for reason in full["reasons"] if reason in shown["reasons"]]
            assert all("✓" in reason or reason.startswith("updated") for reason in full["reasons"]
                       if reason not in shown["reasons"])
    table = built.tasks("match", "--person", "ana-lopez", "--limit", "1").stdout
    assert "Ana López could help with 1 of 2 open needs" in table
    assert "Better Buses Collective" in table and "Video editing (expert) ✓" in table
    assert "free-buses" not in table


def test_match_with_both_or_neither_slug_and_person_is_a_usage_error(built):
    both = built.tasks("match", "better-buses", "--person", "ana-lopez")
    neither = built.tasks("match")
    for result in (both, neither):
        assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert "not both" in both.stderr
    assert "give SLUG (a group or proposal) or --person ID" in neither.stderr
    helped = built.tasks("match", "--help").stdout
    assert "python tasks.py match renters-rights-network" in helped
    assert "python tasks.py match --person liam-doherty" in helped


def test_an_unknown_person_is_a_clear_problem_with_a_hint(built):
    result = built.tasks("match", "--person", "ben-odd")
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert "ben-odd:0:0: JU403 There is no profile called 'ben-odd' (looked in volunteers/)." in result.stderr
    assert "Did you mean 'ben-ode'?" in result.stderr


def test_editing_a_groups_need_renders_again_exactly_the_profiles_listing_it(built):
    site = built
    output = site.root / "output"
    before = {person: (output / f"people/{person}/index.html").stat() for person in ("ana-lopez", "ben-ode", "cleo-ray")}
    # Social media now wants 6 hours: Ana's page changes (6 of 6 hours), Ben's and Cleo's do not.
    _write_needs(site, BUSES_NEEDS.replace("hours_per_week: 8", "hours_per_week: 6"))
    commit_all(site.root, "Fewer hours", **AUTHOR, date="2026-11-02T12:00:00")
    result = site.tasks("build", "--output", str(output))
    assert result.returncode == 0, result.stderr
    ana = _listed(site, "ana-lopez")
    assert _need(ana[1]) == ("groups/better-buses/", ["social-media"], "6 h/week · remote") and ana[1]["reasons"] == []  # 6 of 6 hours: met
    assert not os.path.samestat(before["ana-lopez"], (output / "people/ana-lopez/index.html").stat())
    for person in ("ben-ode", "cleo-ray"):
        assert os.path.samestat(before[person], (output / f"people/{person}/index.html").stat()), person


def test_the_indexed_ranking_is_the_matchers_for_every_pair():
    """NeedsBySkill works the levels out once per distinct value, and scores the needs open to
    everyone by the sets of skills they ask, looking only at the first of each list: it must
    list exactly what scoring every pair with matching.levels (can_help, not excluded) and
    sorting by score then board order gives, with explain's scores and reasons, all of them or
    the best three."""
    import datetime as dt
    import random

    from joinedup.match import matching
    from joinedup.match.board import OpenNeed
    from joinedup.match.where_to_help import NeedsBySkill

    chance = random.Random(21)
    today = dt.date(2026, 11, 23)
    skills = ["video-editing", "copywriting", "gis-mapping", "translation-ar", "surveys"]
    days = [None, *(today + dt.timedelta(days=chance.randint(-60, 200)) for _ in range(8))]
    needs = []
    for number in range(60):
        asked = tuple(chance.sample(skills, chance.choice([1, 1, 2, 3])))
        needs.append(OpenNeed(f"n{number}", asked, chance.choice([0, 2, 4, 8]), chance.random() < 0.5,
                              chance.choice(["", "wales", "london"]), chance.choice(days), "", "group", f"g{number}",
                              f"G{number}", "p", None, 0, tuple(chance.sample(["p0", "p1", "p2", "p3"], chance.randint(0, 2)))))
        # and as many as a proposal asks them: no hours, place or end, open to everyone (a few
        # asking for more skills than NeedsBySkill keeps by their sets)
        asked = tuple(chance.sample(skills, chance.choice([1, 1, 2, 3, 5])))
        needs.append(OpenNeed(f"m{number}", asked, 0, False, "", None, "", "proposal", f"p{number}", f"P{number}",
                              "p", None, 0, ()))
    index = NeedsBySkill(needs, today)
    for number in range(40):
        held = chance.sample(skills, chance.randint(1, 3))
        start, until = sorted(chance.sample(days[1:], 2))
        candidate = matching.Candidate(
            f"p{number}", "Name", "", tuple(held), chance.choice(["wales", "london", "yorkshire"]),
            chance.random() < 0.5, chance.choice([1, 2, 4, 6, 10]), chance.choice([None, start]),
            chance.choice([None, until]), chance.choice([None, today - dt.timedelta(days=chance.randint(0, 500))]),
            tuple(chance.choice(["", "beginner", "intermediate", "expert"]) for _ in held))
        expected = sorted((-matching.levels(candidate, need.need, today).score, position)
                          for position, need in enumerate(needs)
                          if matching.levels(candidate, need.need, today).can_help and candidate.id not in need.exclude)
        listed = [(needs[p].key, -s) for s, p in expected]
        for limit in (None, 3, 1):
            found = index.for_candidate(candidate, limit=limit)
            assert found.total == len(expected)
            assert [(need.asked.key, need.score) for need in found.needs] == listed[:limit]
            assert [need.reasons for need in found.needs] == [
                matching.explain(candidate, needs[p].need, today).reasons for _s, p in expected[:limit]]


def _build_with_groups_asking(site, needs: list[tuple[str, str]]) -> None:
    """Ana, Ben (data analysis, in no group) and a group group-N for each (need, core team) of
    ``needs``, the need written after ``skill:``; then a build."""
    site.profile("ana-lopez")
    for number, (need, core_team) in enumerate(needs):
        site.write(f"content/groups/group-{number}.md", group_text(
            name=f"Group {number}", core_team=core_team, discussion="https://forum.example.org/g",
            needs=f"\n  - skill: {need}"))
    site.profile("ben-ode", name="Ben Ode", github="ben-ode", skills="\n  - data-analysis",
                 contact="\n  email: ben@example.org")
    result = site.tasks("build", "--output", str(site.root / "output"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_profile_shows_the_best_three_needs_and_says_how_many_there_are(site):
    # The later groups want more hours than Ana can give; group 6 is her own.
    _build_with_groups_asking(site, [(f"video-editing\n    hours_per_week: {2 + 2 * number}\n    remote: true",
                                      "[ana-lopez]" if number == 6 else "[ben-ode]") for number in range(7)])
    listed = _listed(site, "ana-lopez")
    # Group 6 is Ana's own; of the six others she gives the hours of groups 0-2 (2, 4, 6 h).
    assert [n["url"] for n in listed] == [f"groups/group-{n}/" for n in range(3)]
    assert [n["score"] for n in listed] == [97.5, 97.5, 97.5]  # not in git: freshness unknown
    assert "These are the best 3 of 6; the pages of the skills above list the others." in _section(site, "ana-lopez")
    printed = json.loads(site.tasks("match", "--person", "ana-lopez", "--json").stdout)
    assert [n["url"] for n in printed] == [f"groups/group-{n}/" for n in range(6)]


def test_what_does_not_fully_match_in_every_need_shown_is_said_once_under_the_list(site):
    # Ana is in London and can help remotely; both groups would rather have someone in Scotland.
    _build_with_groups_asking(site, [(f"{skill}\n    hours_per_week: 2\n    remote: false\n    region: scotland",
                                      "[ben-ode]") for skill in ("video-editing", "social-media")])
    section = _section(site, "ana-lopez")
    assert section.count("remote, not in Scotland") == 1, section
    assert "</ol>\n<p>What does not fully match in each of them: <span class=\"reason-info\">remote, not in Scotland" in section
    listed = _listed(site, "ana-lopez")
    assert len(listed) == 2 and all(n["reasons"] == ["remote, not in Scotland"] for n in listed)


def test_a_profile_page_fingerprint_follows_every_part_of_its_needs_and_only_their_values():
    """Pages are kept between builds by fingerprint; the needs on a profile are fingerprinted
    field by field (the need asked and the reasons are shared between pages), so the
    fingerprint must still change with the score, with any one reason, and with the need asked."""
    import datetime as dt

    from joinedup.core.buildcache import PageFingerprints
    from joinedup.match import matching
    from joinedup.match.board import AskedNeed
    from joinedup.match.where_to_help import NeedToHelp

    def need(hours=4, score=90.0, met=True, until=dt.date(2027, 3, 1)):
        asked = AskedNeed("groups/buses.md#video-editing@remote", ("video-editing",), hours, True, "", None,
                          "", "group", "buses", "Better buses")
        reasons = (matching.Reason("%(skill)s ✓", (("skill", "skill", "video-editing"),)),
                   matching.Reason("available until %(date)s ✓", (("date", "date", until),), met))
        return NeedToHelp(asked, score, reasons)

    def fingerprint(*needs):
        return PageFingerprints("shared").page("person.html", {"could_help": needs, "could_help_total": len(needs)})

    same = fingerprint(need(), need(score=75.0))
    assert fingerprint(need(), need(score=75.0)) == same, "equal values, other objects: the same page"
    for changed in (need(hours=6), need(score=80.0), need(met=None), need(until=dt.date(2027, 4, 1))):
        assert fingerprint(changed, need(score=75.0)) != same, changed
    assert fingerprint(need(score=75.0), need()) != same, "the order of the needs"
