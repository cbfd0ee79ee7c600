#!/usr/bin/env python3
"""Make a synthetic Joined Up repository of N profiles for the benchmarks.

    python benchmarks/generate.py 10000            -> benchmarks/repos/10k/
    python benchmarks/generate.py 100000 --out DIR

The repository gets the project's taxonomies, theme and settings, N valid profiles drawn from
realistic distributions over data/skills.yaml and data/regions.yaml (a few popular skills and
many rare ones, regions weighted by population, most people with a few hours a week), and a git
history of 24 monthly commits so that "last updated" varies. The same N and --seed always give
the same repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT / "plugins"))

from joinedup.load.taxonomy import load_taxonomy  # noqa: E402

# The project's code, and the tests' English taxonomies and pages (tests/fixture_site), which the
# regions and places below are written for: a fork's own data/ (French after init) is not used.
SKELETON = {name: PROJECT / name for name in ("pelicanconf.py", "publishconf.py", "themes", "volunteers/schema.json")}
SKELETON.update({name: PROJECT / "tests" / "fixture_site" / name for name in ("data", "content/pages")})
# Rough share of the UK population, so listings are as lopsided as a real directory's.
REGION_WEIGHTS = {
    "london": 13, "south-east": 14, "north-west": 11, "east-of-england": 9, "west-midlands": 9,
    "south-west": 8, "yorkshire": 8, "east-midlands": 7, "scotland": 8, "wales": 5,
    "north-east": 4, "northern-ireland": 3,
}
PLACES = {
    "london": ["Lewisham", "Hackney", "Croydon", "Ealing", "Camden"], "south-east": ["Brighton", "Oxford", "Reading"],
    "north-west": ["Manchester", "Liverpool", "Preston"], "east-of-england": ["Norwich", "Cambridge", "Ipswich"],
    "west-midlands": ["Birmingham", "Coventry", "Stoke"], "south-west": ["Bristol", "Exeter", "Plymouth"],
    "yorkshire": ["Leeds", "Sheffield", "Hull", "York"], "east-midlands": ["Nottingham", "Leicester", "Derby"],
    "scotland": ["Glasgow", "Edinburgh", "Dundee"], "wales": ["Cardiff", "Swansea", "Bangor"],
    "north-east": ["Newcastle", "Sunderland", "Durham"], "northern-ireland": ["Belfast", "Derry", "Newry"],
}
FIRST = ("Ana Ben Chloe Dev Ellie Femi Grace Hamza Ines Jack Kemi Leo Maya Nia Omar Priya Quinn Rosa Sam Tariq "
         "Uma Vik Wren Xena Yusuf Zara Aled Bryony Cerys Dylan Eilidh Fergus Gwen Huw Isla Jamal Kasia Lior "
         "Mairead Niall Olu Pavel Roisin Sian Tomasz Ugo Vera Wiktor Yara Zain").split()
LAST = ("Lopez Price Fraser Evans Osei McCann Robinson Clarke Amrani Turner Morgan Okafor Whitfield Popescu Silva "
        "Anderson Mensah Doherty Kowalski Iqbal MacLeod Hussain Hughes Sharma Jones Campbell Patel Penrose Nowak "
        "Abdi Ahmed Rahman Begum Wilson Taylor Davies Thomas Roberts Walker Wright Green Hall Wood Khan Ali Singh "
        "Murphy Kelly Reid").split()
WORDS = ("campaign film leaflet neighbours tenants union climate housing transport data maps survey website "
         "volunteers training workshop community local council schools health care wages press social "
         "design posters translation events budget grants fundraising access history report research").split()
LANGUAGES = ["es", "fr", "pl", "cy", "ar", "ur", "pa", "gd", "pt", "ro"]
WHEN = ["weekday-daytime", "evenings", "weekends", "flexible"]
HOURS = [1, 2, 2, 2, 3, 4, 4, 4, 5, 6, 6, 8, 8, 10, 12, 15, 20, 30]
MONTHS = 24


STATUSES = ["draft", "consultation", "consultation", "consultation", "synthesis", "adopted", "not-adopted", "withdrawn"]


def default_proposals(count: int) -> int:
    """N/100 proposals, at most 1,000 (a movement of 100k has about a thousand)."""
    return min(1000, count // 100)


def generate(count: int, out: Path, seed: int, build_day: dt.date, proposals: int | None = None) -> None:
    """N profiles, ``proposals`` proposals (default N/100, at most 1k) and one group per 20 proposals."""
    random.seed(seed)
    proposals = default_proposals(count) if proposals is None else proposals
    slugs = [f"proposal-{number}-{random.choice(WORDS)}-{random.choice(WORDS)}" for number in range(proposals)]
    statuses = [random.choice(STATUSES) for _ in slugs]
    endorsable = [slug for slug, status in zip(slugs, statuses) if status not in ("withdrawn", "not-adopted")]
    if out.exists():
        shutil.rmtree(out)
    for name, source in SKELETON.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    taxonomy, _ = load_taxonomy(out)
    skills = list(taxonomy.skills)
    skill_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(skills))]
    random.shuffle(skill_weights)
    regions = list(REGION_WEIGHTS)
    region_weights = list(REGION_WEIGHTS.values())
    themes = list(taxonomy.themes)

    folder = out / "volunteers"
    batches: list[list[str]] = [[] for _ in range(MONTHS)]
    seen: set[str] = set()
    for number in range(count):
        first, last = random.choice(FIRST), random.choice(LAST)
        ident = f"{first}-{last}".lower()
        if ident in seen:
            ident = f"{ident}-{number}"
        seen.add(ident)
        region = random.choices(regions, region_weights)[0]
        chosen = []
        for skill in random.choices(skills, skill_weights, k=random.choice([1, 2, 2, 3, 3, 3, 4, 5])):
            if skill not in chosen:
                chosen.append(skill)
        lines = [
            "# yaml-language-server: $schema=schema.json",
            f"name: {first} {last}",
            f"github: {ident[:39].rstrip('-')}",
            f"headline: {taxonomy.skills[chosen[0]].label} for {random.choice(WORDS)} and {random.choice(WORDS)} work",
        ]
        if random.random() < 0.5:
            lines.append("bio: " + " ".join(random.choice(WORDS) for _ in range(random.randint(8, 30))) + ".")
        lines.append("skills:")
        for skill in chosen:
            if random.random() < 0.4:
                lines += [f"  - id: {skill}", f"    level: {random.choice(['beginner', 'intermediate', 'expert'])}"]
            else:
                lines.append(f"  - {skill}")
        picked = sorted(set(random.sample(themes, random.randint(0, 3))))
        if picked:
            lines.append(f"themes: [{', '.join(picked)}]")
        lines += ["location:", f"  place: {random.choice(PLACES[region])}", f"  region: {region}",
                  f"remote: {'true' if random.random() < 0.55 else 'false'}",
                  "availability:", f"  hours_per_week: {random.choice(HOURS)}"]
        when = sorted(set(random.sample(WHEN, random.randint(0, 2))))
        if when:
            lines.append(f"  when: [{', '.join(when)}]")
        window = random.random()
        if window < 0.35:
            start = build_day + dt.timedelta(days=random.randint(-400, 120))
            lines.append(f"  from: {start.isoformat()}")
            if random.random() < 0.7:
                lines.append(f"  until: {(start + dt.timedelta(days=random.randint(30, 540))).isoformat()}")
        elif window < 0.55:
            lines.append(f"  until: {(build_day + dt.timedelta(days=random.randint(-200, 500))).isoformat()}")
        languages = ["en"] + random.sample(LANGUAGES, random.choice([0, 0, 0, 1, 1, 2]))
        lines.append(f"languages: [{', '.join(languages)}]")
        if random.random() < 0.7:
            lines += ["contact:", f"  email: {ident}@example.org"]
        if endorsable and random.random() < 0.3:
            picked = random.sample(endorsable, min(len(endorsable), random.randint(1, 3)))
            lines.append(f"endorses: [{', '.join(sorted(set(picked)))}]")
        lines.append("publish: true")
        (folder / f"{ident}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Recent months are likelier: people edit when they join and when they confirm.
        batches[min(MONTHS - 1, int(random.expovariate(1 / 6)))].append(f"volunteers/{ident}.yaml")
    people = sorted(seen)
    groups = [f"group-{number}-{random.choice(WORDS)}" for number in range(-(-proposals // 20))]
    for slug in groups:
        _write_group(out / "content" / "groups" / f"{slug}.md", slug, people, skills, regions, themes, build_day)
    for number, slug in enumerate(slugs):
        _write_proposal(out / "content" / "proposals" / f"{slug}.md", slug, statuses[number], slugs[:number], people,
                        skills, themes, groups, build_day)
    # Proposals are written over the months and revised: a few commits each, spread like profiles.
    for slug in slugs:
        for _ in range(random.randint(1, 3)):
            batches[min(MONTHS - 1, int(random.expovariate(1 / 6)))].append(f"content/proposals/{slug}.md")
    for slug in groups:
        batches[MONTHS - 1].append(f"content/groups/{slug}.md")
    for batch in batches:
        batch[:] = sorted(set(batch))
    _commit(out, batches, build_day)


def _sentence() -> str:
    words = [random.choice(WORDS) for _ in range(random.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _write_proposal(path, slug, status, earlier, people, skills, themes, groups, build_day) -> None:
    lines = ["---", f"title: {slug.replace('-', ' ').capitalize()}", f"summary: {_sentence()}",
             f"date: {(build_day - dt.timedelta(days=random.randint(1, 700))).isoformat()}", f"status: {status}",
             f"themes: [{', '.join(sorted(set(random.sample(themes, random.randint(1, 3)))))}]",
             f"authors: [{', '.join(sorted(set(random.sample(people, random.randint(1, 3)))))}]"]
    if status == "consultation":
        lines.append(f"consultation_closes: {(build_day + dt.timedelta(days=random.randint(5, 90))).isoformat()}")
    if groups and random.random() < 0.5:
        lines.append(f"group: {random.choice(groups)}")
    if status == "synthesis" and len(earlier) >= 2:
        lines.append(f"synthesises: [{', '.join(sorted(random.sample(earlier, 2)))}]")
    if random.random() < 0.6:
        lines.append(f"needs: [{', '.join(sorted(set(random.sample(skills, random.randint(1, 3)))))}]")
    lines += [f"discussion: https://forum.example.org/t/{slug}", "---", ""]
    for heading in ("Why", "What we propose", "What it costs"):
        lines += [f"## {heading}", "", " ".join(_sentence() for _ in range(random.randint(3, 8))), ""]
    lines += ["1. **First**: " + _sentence(), "2. *Then*: " + _sentence(), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def _write_group(path, slug, people, skills, regions, themes, build_day) -> None:
    team = sorted(set(random.sample(people, min(len(people), random.randint(2, 4)))))
    lines = ["---", f"name: {slug.replace('-', ' ').capitalize()}", f"summary: {_sentence()}",
             "sponsor: The synthetic movement", f"vision: {_sentence()}", f"mission: {_sentence()}",
             "goals:", f"  - {_sentence()}", f"core_team: [{', '.join(team)}]",
             f"themes: [{', '.join(sorted(set(random.sample(themes, 2))))}]",
             "expected_outcomes:", f"  - {_sentence()}", "measures_of_success:", f"  - {_sentence()}",
             f"how_it_works: {_sentence()}", f"review: {(build_day + dt.timedelta(days=60)).isoformat()}",
             # A way to reach the group whatever its core team's profiles give (JU415).
             f"discussion: https://forum.example.org/g/{slug}", "needs:"]
    for skill in sorted(set(random.sample(skills, random.randint(1, 3)))):
        lines += [f"  - skill: {skill}", f"    hours_per_week: {random.choice(HOURS[:10])}"]
        lines.append("    remote: true" if random.random() < 0.6 else f"    region: {random.choice(regions)}")
    lines += ["---", "", " ".join(_sentence() for _ in range(random.randint(3, 6))), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def _commit(out: Path, batches: list[list[str]], build_day: dt.date) -> None:
    def git(*args, env=None, stdin=None):
        subprocess.run(["git", *args], cwd=out, check=True, input=stdin, text=True,
                       env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Benchmark")
    git("config", "user.email", "benchmark@example.org")
    git("add", "data", "themes", "content/pages", "pelicanconf.py", "publishconf.py", "volunteers/schema.json")
    committed: set[str] = set()
    for months_ago in range(MONTHS - 1, -1, -1):
        files = batches[months_ago]
        if not files:
            continue
        when = f"{(build_day - dt.timedelta(days=30 * months_ago)).isoformat()}T12:00:00+00:00"
        for name in files:
            if name in committed and name.startswith("content/proposals/"):  # a revision
                with open(out / name, "a", encoding="utf-8") as handle:
                    handle.write(f"\nRevised {months_ago} months before the build.\n")
        committed.update(files)
        git("add", "--pathspec-from-file=-", stdin="\n".join(files) + "\n")
        git("commit", "-q", "-m", f"Profiles and proposals, {months_ago} months ago",
            env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="number of profiles")
    parser.add_argument("--out", type=Path, help="where (default benchmarks/repos/<N/1000>k)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--proposals", type=int, help="how many proposals (default N/100, at most 1,000)")
    parser.add_argument("--build-date", default="2026-11-23", help="the day relative dates are drawn around")
    args = parser.parse_args()
    out = args.out or HERE / "repos" / (f"{args.count // 1000}k" if args.count >= 1000 else str(args.count))
    generate(args.count, out, args.seed, dt.date.fromisoformat(args.build_date), args.proposals)
    print(f"{args.count} profiles in {out}")


if __name__ == "__main__":
    main()
