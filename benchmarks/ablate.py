#!/usr/bin/env python3
"""Does each speed mechanism earn its place? Time the build with it turned off against the build as it is.

    python benchmarks/ablate.py --list
    python benchmarks/ablate.py quick-rebuild 10000 --proposals 1000
    python benchmarks/ablate.py --all 10000 --proposals 1000 --pairs 5

The product has no switch for its speed mechanisms. Each has instead a patch,
benchmarks/ablations/<name>.patch, that turns it off in the simplest honest way (a cache that is
never read, one process instead of a pool, Pagefind after rendering...) and leaves the site the
same, byte for byte. The table MECHANISMS says where each lives and which scenario (SCENARIOS)
it speeds up; the patch's first lines say what it turns off.

For a mechanism this script makes two git worktrees of HEAD (``git worktree add --detach``) in
benchmarks/repos/.ablate/, applies the patch in one ("off") and not in the other ("on"), and
runs the scenario in each, alternately (off, on, off, on...), --pairs times, on the repository
run.py generates (generate.py): each tree with its own output folder and cache folder
(JOINEDUP_CACHE_DIR), each run timed as run.py times it (the whole process, and the peak memory
of its process tree). Every tree first runs the scenario's preparation, untimed (a build, or
compiling its code). It prints each pair's seconds and their ratio off/on, then the median
ratio with its smallest and largest: above 1, the mechanism saves time in that scenario. Then it
compares the two sites with ``diff -r`` (below) and, for ``check``, what the two said.

"From nothing" moves the last output and the cache folder aside, never deletes them just before
a run (see run.py's docstring: freshly freed inodes slow the next build's file creation by
seconds). What was set aside is deleted after each mechanism whose runs create whole sites
(from nothing, a theme edit); --all puts the others in between, and the next such mechanism
waits until --settle seconds have passed since the deletion. A run's background work (the old
site's removal) is waited for before the other tree's run starts.

Left out of the comparison of the sites: the manifest (.joinedup-pages.json holds a hash of the
code, which the patch changes) and Pagefind's bundle but for its fragments and index: two runs
of Pagefind over the same pages write different filter files, and the files naming them differ.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (puts the library on sys.path)
from generate import default_proposals  # noqa: E402
from joinedup.builder.output import MANIFEST  # noqa: E402
from joinedup.builder.quick import RECORD_UP_TO  # noqa: E402
from joinedup.core.buildcache import KEEP_PER_PROFILE_UP_TO  # noqa: E402
from joinedup.load.repository import VALIDATE_IN_WORKERS_FROM_PROFILES  # noqa: E402

PATCHES = HERE / "ablations"
WORK = HERE / "repos" / ".ablate"
PROJECT = HERE.parent
# joinedup_pelican.directory.BODIES_APART_FROM: that module imports Pelican, which this script does not need.
BODIES_APART_FROM = 2000

SCENARIOS = {
    "from-nothing": "a full build with no cache folder and no last output (both moved aside)",
    "edit-headline": "a rebuild after one profile's headline changed (a quick rebuild)",
    "edit-hours": "a rebuild after one profile's hours a week changed: the quick rebuild refuses it, "
                  "so the full path runs, with all the last build kept",
    "no-change": "a rebuild with nothing changed",
    "theme-edit": "a rebuild after a theme file changed: every page rendered again, the new site swapped in whole",
    "check": "check of everything",
    "check-one": "check of the one profile the edits change",
}
# Scenarios whose runs each create a whole site (tens of thousands of inodes at 10k).
WHOLE_SITE = {"from-nothing", "theme-edit"}


def always(profiles: int, proposals: int) -> bool:
    return True


@dataclass(frozen=True)
class Mechanism:
    where: str
    scenario: str
    # Whether the code the patch changes runs at all for a repository of this many profiles and proposals.
    acts: Callable[[int, int], bool] = always
    acts_when: str = ""


# Modules are those of the library, joinedup.<module> (plugins/joinedup/); the plugin is joinedup_pelican.
MECHANISMS = {
    "profile-cache": Mechanism(
        "core.buildcache.ProfileCache (profiles.pickle in the cache folder), read and saved by "
        "load.repository._load_volunteers", "edit-hours"),
    "profile-lstat": Mechanism(
        "core.buildcache.ProfileCache.unchanged, lstat_signature, ProfileCache.RACY_SECONDS", "edit-hours"),
    "layered-saves": Mechanism(
        "core.buildcache._save_layered and _load_layered (ProfileCache and KeptResults: *-recent.pickle)",
        "edit-hours"),
    "named-profiles-uncached": Mechanism(
        "load.repository._load_volunteers, READ_CACHE_FROM_NAMED_PROFILES = 2000", "check-one"),
    "validation-workers": Mechanism(
        "load.repository._load_volunteers (ProcessPoolExecutor, _start_worker, _load_one), "
        "VALIDATE_IN_WORKERS_FROM_PROFILES = 2000", "from-nothing",
        lambda profiles, proposals: profiles >= VALIDATE_IN_WORKERS_FROM_PROFILES,
        f"from {VALIDATE_IN_WORKERS_FROM_PROFILES:,} profiles to validate"),
    "content-beside-workers": Mechanism(
        "load.repository.load_repository: load_content_files, run by _load_volunteers as 'meanwhile' "
        "while the workers validate profiles", "from-nothing",
        lambda profiles, proposals: profiles >= VALIDATE_IN_WORKERS_FROM_PROFILES,
        f"from {VALIDATE_IN_WORKERS_FROM_PROFILES:,} profiles to validate"),
    "content-checks-memo": Mechanism(
        "load.content.ContentChecks.recall and remember (memo 'content-checks', CHECKS)", "edit-hours"),
    "history-memo": Mechanism("load.history.read_history (memo 'history', _MEMO)", "edit-hours"),
    "bodies-memo": Mechanism(
        "core.markup.ConvertedBodies.take and kept; joinedup_pelican.get_generators and keep_bodies "
        "(memo 'bodies', BODIES)", "edit-hours"),
    "matches-memo": Mechanism(
        "render.who_could_help.Helpers._match and keep (memo 'matches', Helpers.MEMO)", "edit-hours"),
    "bodies-apart": Mechanism(
        "joinedup_pelican.directory.DirectoryGenerator.generate_context, _convert_bodies; "
        "BODIES_APART_FROM = 2000", "from-nothing",
        lambda profiles, proposals: BODIES_APART_FROM <= profiles <= KEEP_PER_PROFILE_UP_TO,
        f"from {BODIES_APART_FROM:,} to {KEEP_PER_PROFILE_UP_TO:,} profiles"),
    "page-fingerprints": Mechanism(
        "core.buildcache.PageFingerprints; joinedup_pelican.directory.DirectoryGenerator._write_output "
        "(the manifest's 'pages'); builder.output.merge", "edit-hours"),
    "profile-digests-in-fingerprints": Mechanism(
        "PageFingerprints(known=...) from Repository.digests (ProfileCache.digest), in "
        "DirectoryGenerator._write_output", "edit-hours"),
    "forked-renderers": Mechanism(
        "DirectoryGenerator._write_output, _render_many, core.buildcache.forked_pool; "
        "RENDER_IN_WORKERS_FROM_PAGES = 400", "from-nothing"),
    "renderer-recycling": Mechanism(
        "DirectoryGenerator._write_output (recycle: maxtasksperchild=1), _weighed_chunks, "
        "RENDERER_LIFETIME = 2500; for memory", "from-nothing",
        lambda profiles, proposals: profiles > KEEP_PER_PROFILE_UP_TO,
        f"above {KEEP_PER_PROFILE_UP_TO:,} profiles"),
    "frozen-heap": Mechanism("core.buildcache.forked_pool (gc.freeze before forking)", "from-nothing"),
    "jinja-bytecode-cache": Mechanism(
        "load.settings.template_cache (pelicanconf.py: JINJA_ENVIRONMENT['bytecode_cache'])", "edit-hours"),
    "partials-once": Mechanism(
        "render.partials._partial_renderer, card_renderer (person_card), fragment_renderer (fragment)",
        "from-nothing"),
    "kept-per-profile": Mechanism(
        "core.buildcache.kept_per_profile and KeptResults, KEEP_PER_PROFILE_UP_TO = 20000; "
        "render.facets.facet_values, render.exports.open_data", "edit-hours",
        lambda profiles, proposals: profiles <= KEEP_PER_PROFILE_UP_TO,
        f"up to {KEEP_PER_PROFILE_UP_TO:,} profiles"),
    "unchanged-facet-files": Mechanism("render.facets.write_facets (previous, _same_bytes)", "edit-hours"),
    "kept-pagefind-bundle": Mechanism(
        "builder.pagefind.BrowserIndex.start (the manifest's 'indexed': joinedup_pelican.directory."
        "_indexed_context, NOT_INDEXED)", "edit-hours"),
    "old-site-removed-in-background": Mechanism("builder.output.swap_in (rm -rf in a new session)", "theme-edit"),
    "gc-paused": Mechanism(
        "core.buildcache.collector_paused, called by builder.pipeline.build (then_freeze: the build command)",
        "edit-hours"),
    "quick-rebuild": Mechanism(
        "builder.quick (world, rebuild, Recorder), builder.pipeline.build, rebuild_quickly and "
        "recorder_for; quick.RECORD_UP_TO = 100_000", "edit-headline",
        lambda profiles, proposals: profiles <= RECORD_UP_TO, f"up to {RECORD_UP_TO:,} profiles"),
}


def what_it_does(name: str) -> str:
    """The patch's own words: the lines before its diff."""
    text = (PATCHES / f"{name}.patch").read_text(encoding="utf-8")
    return " ".join(text.split("\ndiff --git", 1)[0].split()).removeprefix(f"Ablation of {name}: ")


def check_table() -> None:
    """Exit with a message when a patch has no row in MECHANISMS, or a row no patch."""
    patches = {path.stem for path in PATCHES.glob("*.patch")}
    if patches != set(MECHANISMS):
        raise SystemExit(f"benchmarks/ablations and MECHANISMS differ: patches without a row "
                         f"{sorted(patches - set(MECHANISMS))}, rows without a patch {sorted(set(MECHANISMS) - patches)}")


# --- The trees ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """A worktree of HEAD, with its own output folder and cache folder."""

    name: str
    folder: Path
    site: Path
    cache: Path

    @property
    def environment(self) -> dict:
        return {**run.ENVIRONMENT, "JOINEDUP_CACHE_DIR": str(self.cache)}


def git(*arguments, cwd=PROJECT) -> str:
    return subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_tree(name: str, patch: Path | None) -> Tree:
    place = WORK / name
    if place.exists():  # left by a run that was killed
        remove_tree(Tree(name, place / "tree", place / "site", place / "cache"))
    place.mkdir(parents=True)
    git("worktree", "add", "--detach", "--quiet", str(place / "tree"), "HEAD")
    if patch is not None:
        git("apply", str(patch), cwd=place / "tree")
    return Tree(name, place / "tree", place / "site", place / "cache")


def remove_tree(tree: Tree) -> None:
    """Remove the worktree; its site and cache are set aside, deleted with the rest (run.empty_trash)."""
    subprocess.run(["git", "worktree", "remove", "--force", str(tree.folder)], cwd=PROJECT, capture_output=True)
    run.set_aside(tree.site, tree.cache)
    shutil.rmtree(tree.folder.parent, ignore_errors=True)
    subprocess.run(["git", "worktree", "prune"], cwd=PROJECT, capture_output=True)


# --- The scenarios ------------------------------------------------------------------------------


class Scenario:
    """Runs one scenario in a tree: prepare (untimed, once), then before each timed run the
    pair's edit, the command timed, and the same edit for both trees of a pair."""

    def __init__(self, name: str, repo: Path):
        self.name, self.repo = name, repo
        self.victim = sorted((repo / "volunteers").glob("*.yaml"))[0]
        self.stylesheet = repo / "themes" / "joinedup" / "static" / "css" / "site.css"
        self.originals = {path: path.read_text(encoding="utf-8") for path in (self.victim, self.stylesheet)}

    def command(self, tree: Tree) -> list:
        tasks = [sys.executable, tree.folder / "tasks.py", "--root", self.repo]
        if self.name == "check":
            return [*tasks, "check"]
        if self.name == "check-one":
            return [*tasks, "check", self.victim.relative_to(self.repo)]
        return [*tasks, "build", "--output", tree.site]

    def restore(self) -> None:
        for path, text in self.originals.items():
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")

    def prepare(self, tree: Tree) -> str:
        """Untimed, once per tree: its code compiled and, but for a build from nothing, its site built
        from the repository as it is (for check, then checked once). Returns what that check said."""
        self.restore()
        subprocess.run([sys.executable, "-m", "compileall", "-q", tree.folder / "plugins"], check=True,
                       env=tree.environment, stdout=subprocess.DEVNULL)
        if self.name == "from-nothing":
            return ""
        run.measure([sys.executable, tree.folder / "tasks.py", "--root", self.repo, "build", "--output", tree.site],
                    self.repo, tree.environment)
        if self.name.startswith("check"):
            said = subprocess.run([str(part) for part in self.command(tree)], cwd=self.repo, env=tree.environment,
                                  capture_output=True, text=True)
            return f"exit {said.returncode}\n{said.stdout}{said.stderr}"
        return ""

    def before(self, tree: Tree, pair: int) -> None:
        """What the run of ``pair`` starts from; the same in both trees of a pair."""
        if self.name == "from-nothing":
            run.set_aside(tree.site, tree.cache)
            return
        if self.name == "edit-headline":
            self.victim.write_text(self.originals[self.victim].replace("headline: ", f"headline: Edited {pair} ", 1),
                                   encoding="utf-8")
        elif self.name == "edit-hours":
            original = self.originals[self.victim]
            hours = int(original.split("hours_per_week: ", 1)[1].split()[0])
            other = hours + 1 if hours < 60 else hours - 1
            self.victim.write_text(original.replace(f"hours_per_week: {hours}", f"hours_per_week: {other}", 1)
                                   if pair % 2 == 0 else original, encoding="utf-8")
        elif self.name == "theme-edit":
            self.stylesheet.write_text(self.originals[self.stylesheet] + f"\n/* edit {pair} */\n", encoding="utf-8")
        os.sync()

    def after(self, tree: Tree) -> None:
        """Wait for what the run left running, so that it does not run in the other tree's time: the
        removal of the old site, which builder.output.swap_in leaves to rm in the background."""
        removing = b"rm\0-rf\0--\0" + os.fsencode(tree.site.parent) + b"/"
        while any(command.startswith(removing) for command in _commands()):
            time.sleep(0.1)


def _commands() -> list[bytes]:
    """The command line of every process (NUL between arguments)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    found.append(handle.read())
            except OSError:
                pass
    return found


def same_site(off: Path, on: Path) -> list[str]:
    """What diff -r finds between the two sites (see the module's docstring for what is left out)."""
    found = []
    for command in (["diff", "-r", "-q", "-x", MANIFEST, "-x", "pagefind", off, on],
                    *(["diff", "-r", "-q", off / "pagefind" / part, on / "pagefind" / part] for part in ("fragment", "index"))):
        compared = subprocess.run([str(part) for part in command], capture_output=True, text=True)
        found += (compared.stdout + compared.stderr).splitlines()
    return found


# --- One mechanism ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    name: str
    scenario: str
    off: list
    on: list
    identical: bool | None

    @property
    def ratios(self) -> list[float]:
        return [off.seconds / on.seconds for off, on in zip(self.off, self.on)]


def ablate(name: str, scenario_name: str, repo: Path, base: Tree, pairs: int) -> Result:
    mechanism = MECHANISMS[name]
    scenario = Scenario(scenario_name, repo)
    print(f"\n== {name}: {what_it_does(name)}\n   where: {mechanism.where}\n"
          f"   scenario: {scenario_name}, {SCENARIOS[scenario_name]}", flush=True)
    off = make_tree(name, PATCHES / f"{name}.patch")
    try:
        said = {tree.name: scenario.prepare(tree) for tree in (off, base)}
        times: dict[str, list] = {off.name: [], base.name: []}
        for pair in range(pairs):
            for tree in (off, base):
                scenario.before(tree, pair)
                times[tree.name].append(run.measure(scenario.command(tree), repo, tree.environment))
                scenario.after(tree)
            a, b = times[off.name][-1], times[base.name][-1]
            print(f"   pair {pair + 1}: off {a.seconds:6.2f} s {a.mb:5.0f} MB | on {b.seconds:6.2f} s {b.mb:5.0f} MB "
                  f"| off/on {a.seconds / b.seconds:.2f}", flush=True)
            if pair == 0:
                print(f"      off said: {said_briefly(a.said)}\n      on said:  {said_briefly(b.said)}", flush=True)
        identical = None
        if scenario_name.startswith("check"):
            identical = said[off.name] == said[base.name]
            print(f"   check: {'said the same' if identical else 'said different things'}: "
                  f"{said[base.name].strip()[:300]!r}" + ("" if identical else f" against {said[off.name].strip()[:300]!r}"))
        if (off.site / MANIFEST).exists():
            differences = same_site(off.site, base.site)
            identical = not differences and identical is not False
            print("   site: " + ("identical" if not differences else
                                 f"{len(differences)} differences:\n      " + "\n      ".join(differences[:20])))
        result = Result(name, scenario_name, times[off.name], times[base.name], identical)
        ratios = result.ratios
        print(f"   median off/on {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) over {pairs} "
              f"pair{'s' if pairs > 1 else ''}; median seconds off {statistics.median(m.seconds for m in result.off):.2f}, "
              f"on {statistics.median(m.seconds for m in result.on):.2f}", flush=True)
        return result
    finally:
        scenario.restore()
        remove_tree(off)


SITE_VERDICTS = {True: "identical", False: "DIFFERS", None: "-"}


def said_briefly(said: str) -> str:
    """What a build said on stderr but its last line ("Built N pages into ... in S s."): which path it took."""
    lines = said.strip().splitlines()
    return " / ".join(lines[:-1] if len(lines) > 1 else lines)[-300:]


def interleaved(names: list[str], scenario_of: Callable[[str], str]) -> list[str]:
    """``names`` with those whose runs create whole sites spread among the others, so that the
    wait after deleting what one set aside is spent measuring something else."""
    heavy = [name for name in names if scenario_of(name) in WHOLE_SITE]
    light = [name for name in names if scenario_of(name) not in WHOLE_SITE]
    order, per = [], max(1, len(light) // max(1, len(heavy)))
    while heavy or light:
        if heavy:
            order.append(heavy.pop(0))
        order += light[:per]
        del light[:per]
    return order


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mechanism", nargs="?", help="a mechanism of --list")
    parser.add_argument("size", nargs="?", type=int, help="profiles in the generated repository")
    parser.add_argument("--all", action="store_true", help="every mechanism (give the size alone)")
    parser.add_argument("--list", action="store_true", help="print the mechanisms, where they live and their scenarios")
    parser.add_argument("--proposals", type=int, help="proposals in the repository (default N/100, at most 1,000)")
    parser.add_argument("--pairs", type=int, default=5, help="alternating pairs of runs (default 5)")
    parser.add_argument("--scenario", choices=SCENARIOS, help="another scenario than the mechanism's own")
    parser.add_argument("--settle", type=float, default=360,
                        help="seconds between deleting what was set aside and a run creating whole sites (default 360)")
    parser.add_argument("--even-inactive", action="store_true",
                        help="also measure mechanisms whose code does not run at this size")
    args = parser.parse_args(argv)
    check_table()
    if args.list:
        for name, mechanism in MECHANISMS.items():
            print(f"{name}\n    where: {mechanism.where}\n    patch: {what_it_does(name)}\n"
                  f"    scenario: {mechanism.scenario}" + (f" (acts {mechanism.acts_when})" if mechanism.acts_when else ""))
        return
    if args.all and args.mechanism and args.size is None and args.mechanism.isdigit():
        args.mechanism, args.size = None, int(args.mechanism)
    if args.size is None or bool(args.all) == bool(args.mechanism) or (args.mechanism and args.mechanism not in MECHANISMS):
        parser.error("give a mechanism of --list and a size, or --all and a size")
    proposals = default_proposals(args.size) if args.proposals is None else args.proposals
    scenario_of = lambda name: args.scenario or MECHANISMS[name].scenario  # noqa: E731
    names = []
    for name in (list(MECHANISMS) if args.all else [args.mechanism]):
        if args.even_inactive or MECHANISMS[name].acts(args.size, proposals):
            names.append(name)
        else:
            print(f"{name}: not measured, its code runs only {MECHANISMS[name].acts_when} "
                  f"({args.size:,} profiles, {proposals:,} proposals here)", flush=True)
    repo = run.generated_repository(args.size, proposals)
    head = git("rev-parse", "--short", "HEAD").strip()
    print(f"HEAD {head}; {args.size:,} profiles, {proposals:,} proposals; {args.pairs} pairs; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    deleted = None  # when what was set aside was last deleted (time.monotonic)
    base = make_tree("base", None)
    try:
        order = interleaved(names, scenario_of)
        for name in order:
            if scenario_of(name) in WHOLE_SITE and deleted is not None and time.monotonic() - deleted < args.settle:
                wait = args.settle - (time.monotonic() - deleted)
                print(f"(waiting {wait:.0f} s for the inodes deleted last to settle)", flush=True)
                time.sleep(wait)
            results.append(ablate(name, scenario_of(name), repo, base, args.pairs))
            # What a mechanism creating whole sites set aside is deleted now, while the next (not
            # creating any) runs; what the others set aside waits until then.
            if scenario_of(name) in WHOLE_SITE and name != order[-1]:
                run.empty_trash()
                deleted = time.monotonic()
    finally:
        remove_tree(base)
        run.empty_trash()
        if not any(WORK.iterdir()):
            WORK.rmdir()
    if len(results) > 1:
        print("\n| mechanism | scenario | off (s) | on (s) | off/on median (min-max) | peak MB off / on | site |")
        print("|---|---|---:|---:|---|---|---|")
        for result in results:
            ratios = result.ratios
            print(f"| {result.name} | {result.scenario} | {statistics.median(m.seconds for m in result.off):.2f} "
                  f"| {statistics.median(m.seconds for m in result.on):.2f} | {statistics.median(ratios):.2f} "
                  f"({min(ratios):.2f}-{max(ratios):.2f}) | {max(m.mb for m in result.off):.0f} / "
                  f"{max(m.mb for m in result.on):.0f} | "
                  f"{SITE_VERDICTS[result.identical]} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores, shared)")
    if any(result.identical is False for result in results):
        raise SystemExit("a patch changed the site or what check says: see above")


if __name__ == "__main__":
    main()
