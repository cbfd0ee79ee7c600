#!/usr/bin/env python3
"""Generate a synthetic Joined Up repository with N volunteer profiles.

    python benchmarks/synthetic.py 10000 benchmarks/repos/10k

The repository gets the project's taxonomies, theme, settings and pages, and N valid
profiles whose skills, regions, availability and languages follow skewed, realistic
distributions (a few skills and regions are common, most are rare). Deterministic: the
same N gives the same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SKELETON = ("pelicanconf.py", "publishconf.py", "data", "themes", "content/pages", "volunteers/schema.json")
FIRST = ["Ana", "Bo", "Cai", "Dee", "Eli", "Fen", "Gus", "Hana", "Ife", "Jo", "Kit", "Lev", "Mo", "Nia", "Oli",
         "Pia", "Qi", "Ravi", "Sol", "Tam", "Uma", "Vic", "Wyn", "Xan", "Yaz", "Zoe"]
LAST = ["Abbott", "Begum", "Chen", "Davies", "Evans", "Fraser", "Ghosh", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Quinn", "Reid", "Singh", "Taylor", "Usman", "Vance",
        "Walsh", "Xu", "Young", "Zielinski"]
LANGS = ["en"] * 12 + ["cy", "gd", "es", "pl", "pa", "ur", "ar", "fr", "pt", "so", "ro"]
WHEN = ["weekday-daytime", "evenings", "weekends", "flexible"]


def make_repo(count: int, target: Path, *, seed: int = 7) -> Path:
    """Write the skeleton and ``count`` profiles into ``target`` (replacing it)."""
    if target.exists():
        shutil.rmtree(target)
    for name in SKELETON:
        source, dest = REPO / name, target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, dest)
    skills = [s["id"] for s in yaml.safe_load((REPO / "data/skills.yaml").read_text())["skills"]]
    regions = [r["id"] for r in yaml.safe_load((REPO / "data/regions.yaml").read_text())["regions"]]
    themes = [t["id"] for t in yaml.safe_load((REPO / "data/themes.yaml").read_text())["themes"]]
    rng = random.Random(seed)
    skill_weights = [1 / (rank + 1) for rank in range(len(skills))]
    region_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(regions))]
    folder = target / "volunteers"
    for number in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        chosen = list(dict.fromkeys(rng.choices(skills, skill_weights, k=rng.randint(1, 5))))
        lines = [
            "# yaml-language-server: $schema=schema.json",
            f"name: {first} {last}",
            f"github: user-{number}",
            f"headline: {first} helps with {chosen[0].replace('-', ' ')}",
            "skills:",
            *[f"  - id: {s}\n    level: {rng.choice(['beginner', 'intermediate', 'expert'])}" if rng.random() < 0.4
              else f"  - {s}" for s in chosen],
            f"themes: [{', '.join(rng.sample(themes, rng.randint(0, 3)))}]",
            "location:",
            f"  place: Town {rng.randint(1, 400)}",
            f"  region: {rng.choices(regions, region_weights)[0]}",
            f"remote: {'true' if rng.random() < 0.5 else 'false'}",
            "availability:",
            f"  hours_per_week: {rng.choice([1, 2, 2, 3, 4, 4, 5, 6, 8, 10, 15, 20])}",
            f"  when: [{', '.join(rng.sample(WHEN, rng.randint(1, 2)))}]",
        ]
        if rng.random() < 0.6:
            start_month = rng.randint(1, 12)
            lines.append(f"  from: 2026-{start_month:02d}-01")
            lines.append(f"  until: {rng.choice([2026, 2027, 2027])}-{rng.randint(start_month, 12):02d}-28")
        lines += [
            f"languages: [{', '.join(dict.fromkeys(['en'] + rng.sample(LANGS, rng.randint(0, 2))))}]",
            "publish: true",
        ]
        if rng.random() < 0.5:
            lines.insert(-1, f"contact:\n  email: user-{number}@example.org")
        (folder / f"{first.lower()}-{last.lower()}-{number}.yaml").write_text("\n".join(lines) + "\n")
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    make_repo(args.count, args.target)
    print(f"wrote {args.count} profiles to {args.target}", file=sys.stderr)


if __name__ == "__main__":
    main()
