"""Matching on a hand-made directory whose right order is obvious, in memory and through the index."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from content_fixtures import group_text, proposal_text
from joinedup.core.problems import ProblemsFound
from joinedup.load.repository import load_repository
from joinedup.match import matching
from joinedup.match.matching import Need
from joinedup.match.needs import candidates_of, match_needs, needs_of, read_needs
from joinedup.match.search import Filters, open_index

TODAY = dt.date(2026, 11, 23)
NEED = Need(skills=("video-editing",), remote=True, hours=4)

# id: (skills YAML, remote, hours, window YAML, date of the commit that last changed the file)
PEOPLE = {
    "ada-expert": ("[{id: video-editing, level: expert}]", "true", 6, "\n  until: 2027-03-01", "2026-10-01"),
    "ben-stale": ("[video-editing]", "true", 6, "", "2025-06-01"),
    "bea-beginner": ("[{id: video-editing, level: beginner}]", "true", 6, "", "2026-10-01"),
    "cara-local": ("[video-editing]", "false", 6, "", "2026-10-01"),
    "dev-few-hours": ("[video-editing]", "true", 2, "", "2026-10-01"),
    "eve-later": ("[video-editing]", "true", 6, "\n  from: 2027-01-10", "2026-10-01"),
    "fin-motion": ("[motion-graphics]", "true", 6, "", "2026-10-01"),
    "gus-one-hour": ("[video-editing]", "true", 1, "", "2026-10-01"),
    "hana-writer": ("[copywriting]", "true", 10, "", "2026-10-01"),
    "ivo-ended": ("[{id: video-editing, level: expert}, photography]", "true", 8, "\n  until: 2026-06-30", "2026-10-01"),
}

# Changed with issue 21 item 6: the expert no longer ties with everyone at 100 (levels count),
# ivo-ended (availability over) cannot help and is left out, fin-motion (a skill of the same
# group only) is no longer offered, and reasons use labels. A need without an end is needed from
# now on: eve-later, who starts in January, helps with part of it (the needs board counted her
# among those who could fill it, the matcher left her out: now both count her).
EXPECTED = [
    ("ada-expert", 100.0, "Video editing (expert) ✓, remote ✓, 4 of 4 hours ✓, available until 1 March 2027 ✓, "
                          "updated 1 October 2026"),
    ("dev-few-hours", 82.5, "Video editing ✓, remote ✓, 2 of 4 hours, available, no end date ✓, updated 1 October 2026"),
    ("ben-stale", 85.0, "Video editing ✓, remote ✓, 4 of 4 hours ✓, available, no end date ✓, "
                              "updated 1 June 2025 (over a year ago)"),
    ("bea-beginner", 80.0, "Video editing (beginner) ✓, remote ✓, 4 of 4 hours ✓, available, no end date ✓, "
                           "updated 1 October 2026"),
    ("gus-one-hour", 75.0, "Video editing ✓, remote ✓, 1 of 4 hours ✗, available, no end date ✓, updated 1 October 2026"),
    ("eve-later", 75.0, "Video editing ✓, remote ✓, 4 of 4 hours ✓, available from 10 January 2027, part of the "
                        "window, updated 1 October 2026"),
    ("cara-local", 80.0, "Video editing ✓, not remote ✗, 4 of 4 hours ✓, available, no end date ✓, updated 1 October 2026"),
]
EXPECTED = sorted(EXPECTED, key=lambda row: (-row[1], row[0]))
# What search lists for the same question (filters, not a need): the people who cannot help too, last.
ENDED = ("ivo-ended", 70.0, "Video editing (expert) ✓, remote ✓, availability ended 30 June 2026 ✗, "
                            "updated 1 October 2026")

def commit(root: Path, paths: list[str], day: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00+00:00",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    subprocess.run(["git", "add", *paths], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", f"profiles of {day}"], cwd=root, check=True, env=env)


@pytest.fixture
def directory(site):
    """The nine people above, each committed to git on its own date."""
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=site.root, check=True)
    by_day: dict[str, list[str]] = {}
    for person, (skills, remote, hours, window, day) in PEOPLE.items():
        site.profile(person, name=person.replace("-", " ").title(), github=person, skills=skills, remote=remote,
                     availability=f"\n  hours_per_week: {hours}{window}")
        by_day.setdefault(day, []).append(f"volunteers/{person}.yaml")
    for day in sorted(by_day):
        commit(site.root, by_day[day], day)
    return site


def test_helpers_are_ranked_by_skill_place_hours_window_and_freshness_with_reasons(directory):
    repository, problems = load_repository(directory.root, build_date=TODAY)
    assert problems == []
    [found] = match_needs(repository, [NEED], limit=20)
    assert [(m.id, m.score, m.reasons_text(repository.taxonomy)) for m in found.matches] == EXPECTED


def test_an_expert_outranks_a_beginner_and_an_ended_availability_ranks_below_every_available_person(directory):
    repository, _ = load_repository(directory.root, build_date=TODAY)
    with open_index(directory.root, repository.taxonomy, TODAY) as index:
        found = index.search("", Filters(skills=("video-editing",), remote=True), None)
    ranked = [(m.id, m.score) for m in found]
    assert ranked[0] == ("ada-expert", 100.0)
    assert ranked.index(("bea-beginner", 80.0)) > 0
    assert ranked[-1] == ("ivo-ended", 70.0) and ("eve-later", 75.0) in ranked
    assert (found[-1].id, found[-1].score, found[-1].reasons_text(repository.taxonomy)) == ENDED


def test_a_skill_of_the_same_group_is_no_match_welsh_is_no_help_with_arabic():
    need = Need(skills=("translation-ar",), remote=True)
    welsh = matching.Candidate("a-welsh", "A", "", ("translation-cy",), "wales", True, 2)
    arabic = matching.Candidate("b-arabic", "B", "", ("translation-ar",), "wales", True, 2)
    assert [m.id for m in matching.rank([welsh, arabic], need, TODAY)] == ["b-arabic"]
    assert matching.CandidatePool([welsh, arabic]).rank(need, TODAY) == matching.rank([welsh, arabic], need, TODAY)


def test_a_groups_own_people_are_not_offered_to_it(site):
    site.profile("ada-core", github="ada", skills="[video-editing]")
    site.profile("ben-member", github="ben", skills="[video-editing]")
    site.profile("cy-outside", github="cy", skills="[video-editing]")
    site.write("content/groups/film-crew.md", """
        ---
        title: Film crew
        core_team: [ada-core]
        members: [ben-member]
        needs:
          - skill: video-editing
        ---
        We make films.
        """)
    repository, _ = load_repository(site.root, build_date=TODAY)
    kind, [need] = read_needs(site.root, "film-crew", repository.taxonomy, TODAY)
    assert need.exclude == ("ada-core", "ben-member")
    with open_index(site.root, repository.taxonomy, TODAY) as index:
        assert [m.id for m in index.match(need, 10)] == ["cy-outside"]
    [found] = match_needs(repository, [need])
    assert [m.id for m in found.matches] == ["cy-outside"]


def test_a_proposals_authors_and_the_people_of_its_group_are_not_offered_to_it(site):
    site.profile("ada-author", github="ada", skills="[video-editing]")
    site.profile("ben-member", github="ben", skills="[video-editing]")
    site.profile("cy-outside", github="cy", skills="[video-editing]")
    site.write("content/groups/film-crew.md", group_text(name="Film crew", core_team="[ben-member]",
                                                         discussion="https://forum.example.org/films"))
    site.write("content/proposals/free-films.md", proposal_text(
        title="Free films", authors="[ada-author]", group="film-crew", needs="[video-editing]"))
    repository, problems = load_repository(site.root, build_date=TODAY)
    assert [p for p in problems if p.is_error] == []
    kind, [need] = read_needs(site.root, "free-films", repository.taxonomy, TODAY)
    assert kind == "proposal" and set(need.exclude) == {"ada-author", "ben-member"}
    with open_index(site.root, repository.taxonomy, TODAY) as index:
        assert [m.id for m in index.match(need, 10)] == ["cy-outside"]
    [page_need] = needs_of(repository.agenda.proposals["free-films"], TODAY, repository.agenda.groups)
    assert set(page_need.exclude) == {"ada-author", "ben-member"}
    [found] = match_needs(repository, [page_need])
    assert [m.id for m in found.matches] == ["cy-outside"]
    # A group named by no file name (a path, a NUL) is no group: its people are not looked for.
    for group in ('"../groups/film-crew"', '"film\\0crew"', "[film-crew]"):
        site.write("content/proposals/free-films.md", proposal_text(
            title="Free films", authors="[ada-author]", group=group, needs="[video-editing]"))
        kind, [need] = read_needs(site.root, "free-films", repository.taxonomy, TODAY)
        assert need.exclude == ("ada-author",), group


def test_people_without_the_skill_are_left_out(directory):
    repository, _ = load_repository(directory.root, build_date=TODAY)
    [found] = match_needs(repository, [NEED], limit=20)
    assert "hana-writer" not in [m.id for m in found.matches]
    [copy] = match_needs(repository, [Need(skills=("copywriting",))], limit=20)
    assert [m.id for m in copy.matches] == ["hana-writer"]


def test_the_index_ranks_exactly_as_the_model_does(directory):
    repository, _ = load_repository(directory.root, build_date=TODAY)
    with open_index(directory.root, repository.taxonomy, TODAY) as index:
        assert [(m.id, m.score, m.reasons_text(repository.taxonomy)) for m in index.match(NEED, 20)] == EXPECTED
        assert [m.id for m in index.match(NEED, 3)] == [row[0] for row in EXPECTED[:3]]


def test_without_git_freshness_is_unknown_and_not_mentioned(site):
    site.profile("ada-expert", github="ada", skills="[video-editing]")
    site.profile("ben-other", github="ben", skills="[video-editing]")
    repository, _ = load_repository(site.root, build_date=TODAY)
    [found] = match_needs(repository, [NEED])
    assert [m.id for m in found.matches] == ["ada-expert", "ben-other"]
    assert all("updated" not in m.reasons_text() for m in found.matches)
    assert found.matches[0].score == 87.5


def test_a_region_need_gives_part_credit_to_remote_people_elsewhere():
    need = Need(skills=("translation-cy",), region="wales", hours=2)
    local = matching.Candidate("a-local", "A", "", ("translation-cy",), "wales", False, 2)
    remote = matching.Candidate("b-remote", "B", "", ("translation-cy",), "london", True, 2)
    away = matching.Candidate("c-away", "C", "", ("translation-cy",), "london", False, 2)
    ranked = matching.rank([away, remote, local], need, TODAY)
    assert [(m.id, m.reasons[1].text) for m in ranked] == [
        ("a-local", "in wales ✓"), ("b-remote", "remote, not in wales"), ("c-away", "in london, not wales ✗"),
    ]


def test_a_window_partly_covered_gets_part_credit():
    need = Need(skills=("python",), start=dt.date(2026, 12, 1), until=dt.date(2027, 1, 31))
    whole = matching.Candidate("whole", "W", "", ("python",), "london", True, 2, until=dt.date(2027, 2, 1))
    part = matching.Candidate("part", "P", "", ("python",), "london", True, 2, until=dt.date(2026, 12, 20))
    none = matching.Candidate("none", "N", "", ("python",), "london", True, 2, start=dt.date(2027, 3, 1))
    ranked = matching.rank([none, part, whole], need, TODAY, can_help=False)
    assert [(m.id, m.reasons[-1].text) for m in ranked] == [
        ("whole", "available until 2027-02-01 ✓"),
        ("part", "available until 2026-12-20, part of the window"),
        ("none", "available from 2027-03-01 ✗"),
    ]
    assert [m.id for m in matching.rank([none, part, whole], need, TODAY)] == ["whole", "part"]


def test_group_needs_in_front_matter_become_needs_with_aliases_resolved(site):
    site.write("content/groups/film-crew.md", """
        ---
        title: Film crew
        needs:
          - skill: video editing
            hours_per_week: 4
            remote: true
            until: 2027-03-01
          - skills: [translation-cy]
            region: wales
        ---
        We make films.
        """)
    repository, _ = load_repository(site.root, build_date=TODAY)
    kind, needs = read_needs(site.root, "film-crew", repository.taxonomy)
    assert kind == "group"
    assert needs == [
        Need(("video-editing",), None, True, 4, None, dt.date(2027, 3, 1)),
        Need(("translation-cy",), "wales", False, 0),
    ]


@pytest.mark.parametrize("front, line", [
    ("title: Quiet", "content/groups/quiet.md:0:0: JU104 No needs listed, so nobody can be matched.\n"
                     "    hint: Add a 'needs:' list to the front matter."),
    ("needs:\n  - skill: vidoe-editing",
     "content/groups/quiet.md:3:5: JU101 Unknown skill 'vidoe-editing'. Did you mean 'video-editing' (Video editing)?"),
    ("needs:\n  - skill: python\n    region: wale",
     "content/groups/quiet.md:4:5: JU102 Unknown region 'wale'. Did you mean 'wales' (Wales)?"),
])
def test_needs_that_cannot_be_used_are_refused_with_the_reason(site, front, line):
    site.write("content/groups/quiet.md", f"---\n{front}\n---\nBody.\n")
    repository, _ = load_repository(site.root, build_date=TODAY)
    with pytest.raises(ProblemsFound) as refused:
        read_needs(site.root, "quiet", repository.taxonomy)
    assert refused.value.problems[0].format_text().startswith(line)


def test_index_and_candidate_pool_rank_as_the_model_does_on_a_generated_directory(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    root = tmp_path / "generated"
    generate(300, root, seed=11, build_day=TODAY)
    repository, problems = load_repository(root, build_date=TODAY)
    assert not problems
    candidates = candidates_of(repository)
    pool = matching.CandidatePool(candidates)
    skills, regions = list(repository.taxonomy.skills), list(repository.taxonomy.regions)
    chooser = random.Random(3)
    dated = matching.CandidatePool(
        dataclasses.replace(c, updated=chooser.choice([None, *(TODAY - dt.timedelta(days=d) for d in (9, 200, 400))]))
        for c in candidates)
    with open_index(root, repository.taxonomy, TODAY) as index:
        assert len(index) == 300
        for _ in range(40):
            need = Need(
                skills=tuple(chooser.sample(skills, chooser.choice([1, 1, 2, 3]))),
                region=chooser.choice([None, None, *regions]),
                remote=chooser.random() < 0.5,
                hours=chooser.choice([0, 2, 3, 4, 5, 8]),
                start=chooser.choice([None, TODAY + dt.timedelta(days=30)]),
                until=chooser.choice([None, TODAY + dt.timedelta(days=90)]),
            )
            expected = matching.rank(candidates, need, TODAY, limit=15)
            assert pool.rank(need, TODAY, limit=15) == expected, need
            # With last-changed dates and a group's own people left out, for any length of list.
            excluding = dataclasses.replace(need, exclude=tuple(c.id for c in chooser.sample(candidates, 30)))
            for limit in (1, 5, None):
                assert dated.rank(excluding, TODAY, limit=limit) == matching.rank(
                    dated.candidates, excluding, TODAY, limit=limit), (excluding, limit)
            assert [(m.id, m.score) for m in index.match(need, 15)] == [(m.id, m.score) for m in expected], need
            docs = chooser.sample(range(300), 20)
            by_bits = index.scores(docs, need, index.sets.alive)
            assert by_bits == {doc: index.explain(doc, need).score for doc in docs}, need


def test_freshness_in_the_index_follows_commits_not_edits(directory):
    repository, _ = load_repository(directory.root, build_date=TODAY)
    need = Need(skills=("video-editing",))

    def updated(person):
        with open_index(directory.root, repository.taxonomy, TODAY) as index:
            match = next(m for m in index.match(need, 20) if m.id == person)
        return [r.text for r in match.reasons if r.text.startswith("updated")]

    assert updated("ada-expert") == ["updated 2026-10-01"]
    path = directory.root / "volunteers/ada-expert.yaml"
    path.write_text(path.read_text().replace("hours_per_week: 6", "hours_per_week: 7"))
    assert updated("ada-expert") == ["updated 2026-10-01"], "an edit not yet committed keeps the commit's date"
    commit(directory.root, ["volunteers/ada-expert.yaml"], "2026-11-20")
    assert updated("ada-expert") == ["updated 2026-11-20"]
    assert updated("ben-stale") == ["updated 2025-06-01 (over a year ago)"]


def test_a_needs_kept_list_is_reused_only_while_no_candidate_who_could_score_changed():
    """The build keeps "People who could help" lists between builds by CandidatePool.inputs_of."""
    need = Need(skills=("translation-cy",), region="wales")
    welsh = matching.Candidate("a-welsh", "A", "", ("translation-cy",), "wales", False, 2)
    spanish = matching.Candidate("b-spanish", "B", "", ("translation-es",), "london", True, 2)  # same group
    photo = matching.Candidate("c-photo", "C", "", ("photography",), "wales", False, 2)

    def inputs(*candidates, today=TODAY, limit=5):
        return matching.CandidatePool(candidates).inputs_of(need, today, limit)

    before = inputs(welsh, spanish, photo)
    assert inputs(welsh, spanish, photo) == before
    # Someone who cannot score for this need changed: the kept list stands.
    assert inputs(welsh, spanish, matching.Candidate("c-photo", "C", "new headline", ("photography",), "wales", False, 9)) == before
    # Someone who holds the skill changed, or joined, or another day.
    assert inputs(matching.Candidate("a-welsh", "A", "", ("translation-cy",), "wales", False, 8), spanish, photo) != before
    assert inputs(welsh, spanish, photo, matching.Candidate("d-new", "D", "", ("translation-cy",), "wales", False, 1)) != before
    assert inputs(welsh, spanish, photo, today=TODAY + dt.timedelta(days=1)) != before
    assert inputs(welsh, spanish, photo, limit=3) != before
    # A name or headline does not rank: editing them keeps the list, shown with the new words.
    renamed = matching.Candidate("a-welsh", "Ann", "Welsh teacher", ("translation-cy",), "wales", False, 2)
    assert inputs(renamed, spanish, photo) == before
    kept = matching.CandidatePool([welsh, spanish, photo]).rank(need, TODAY, limit=5)
    pool = matching.CandidatePool([renamed, spanish, photo])
    assert pool.refreshed(kept, need, TODAY) == pool.rank(need, TODAY, limit=5)
    assert [m.candidate.headline for m in pool.refreshed(kept, need, TODAY)][0] == "Welsh teacher"
