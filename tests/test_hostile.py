"""Hostile files, one per attack, each refused at its line or published harmless.

Every file in ``tests/hostile/`` declares what must happen to it on a line of its own:

    # expect: refused JU203@6            refused, with these codes at these lines (@0: the whole file)
    # expect: published                  published, its markup shown as text or sanitised away
    # expect: published JU204@7          published, with this warning

Attacks that cannot be committed as plain files (symbolic links, a case-only twin, a file
of several megabytes) are made by ``GENERATED`` below, with their expectation beside them.
The files go into one real site repository: ``volunteers/`` as profiles, ``proposals/`` and
``groups/`` into ``content/``, next to one valid profile, ``sam-example``, that proposals name.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import make_site, profile_text
from joinedup.load.repository import load_repository

HOSTILE = Path(__file__).resolve().parent / "hostile"
PLACES = {"volunteers": "volunteers", "proposals": "content/proposals", "groups": "content/groups"}
EXPECT = re.compile(rb"^(?:\xef\xbb\xbf)?#\s*expect:\s*(refused|published)((?:\s+JU\d{3}@\d+)*)\s*$", re.MULTILINE)
# Something only a file outside the repository holds: it must never reach the output.
OUTSIDE_MARKER = "outside-the-repository-7f3c"


@dataclass(frozen=True)
class Case:
    path: str  # in the site repository
    outcome: str  # 'refused' or 'published'
    expected: frozenset[tuple[str, int]]  # (code, line)
    make: Callable[[Path], None] | None = None  # for generated cases: makes the file in the site

    def __str__(self):
        return self.path


def _declared(fixture: Path, path: str) -> Case:
    found = EXPECT.search(fixture.read_bytes()[:400])
    assert found, f"{fixture} declares no '# expect:' line"
    pairs = {(code, int(line)) for code, line in re.findall(r"(JU\d{3})@(\d+)", found.group(2).decode())}
    return Case(path, found.group(1).decode(), frozenset(pairs))


def _symlink(target: Callable[[Path], Path]) -> Callable[[Path], None]:
    return lambda link: link.symlink_to(target(link))


def _outside_file(link: Path) -> Path:
    secret = link.parents[3] / "secret.md"  # beside the site repository, not in it
    secret.write_text(f"Title: Secret\n\n{OUTSIDE_MARKER}\n", encoding="utf-8")
    return secret


GENERATED = [
    Case("volunteers/passwd.yaml", "refused", frozenset({("JU011", 0)}), _symlink(lambda _: Path("/etc/passwd"))),
    Case("volunteers/etc.yaml", "refused", frozenset({("JU011", 0)}), _symlink(lambda _: Path("/etc"))),
    Case("volunteers/dangling.yaml", "refused", frozenset({("JU011", 0)}),
         _symlink(lambda link: link.with_name("no-such-file.yaml"))),
    Case("content/pages/secret.md", "refused", frozenset({("JU011", 0)}), _symlink(_outside_file)),
    Case("content/proposals/linked.md", "refused", frozenset({("JU011", 0)}),
         _symlink(lambda link: link.parents[2] / "volunteers" / "sam-example.yaml")),
    # A case-only twin would overwrite the original's page on a case-insensitive disk.
    Case("volunteers/Sam-Example.yaml", "refused", frozenset({("JU013", 0)}),
         lambda path: path.write_text(profile_text(github="sam-example-2"), encoding="utf-8")),
    Case("volunteers/sam-example2.yaml", "refused", frozenset({("JU013", 3)}),
         lambda path: path.write_text(profile_text(github="Sam-Example"), encoding="utf-8")),
    Case("volunteers/six-megabytes.yaml", "refused", frozenset({("JU006", 1)}),
         lambda path: path.write_text(profile_text(bio="|\n" + "  lol\n" * 1_000_000), encoding="utf-8")),
    Case("content/proposals/huge-proposal.md", "refused", frozenset({("JU006", 1)}),
         lambda path: path.write_text("---\ntitle: Huge\n---\n" + "Words. " * 60_000, encoding="utf-8")),
]


def cases() -> list[Case]:
    found = []
    for folder, place in PLACES.items():
        for fixture in sorted((HOSTILE / folder).iterdir()):
            found.append(_declared(fixture, f"{place}/{fixture.name}"))
    return found + GENERATED


CASES = cases()
REFUSED = [case for case in CASES if case.outcome == "refused"]
PUBLISHED = [case for case in CASES if case.outcome == "published"]


def hostile_repository(root: Path, wanted: list[Case]):
    """A site repository holding the valid profile ``sam-example`` and the ``wanted`` cases."""
    site = make_site(root)
    site.profile("sam-example", name="Sam Example", github="sam-example")
    add_cases(site.root, wanted)
    return site


def add_cases(root: Path, wanted: list[Case]) -> None:
    for case in wanted:
        target = root / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if case.make:
            case.make(target)
        else:
            folder = next(f for f, place in PLACES.items() if case.path.startswith(place + "/"))
            shutil.copyfile(HOSTILE / folder / Path(case.path).name, target)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    site = hostile_repository(tmp_path_factory.mktemp("hostile") / "site", CASES)
    repository, problems = load_repository(site.root)
    published = {v.path for v in repository.directory.volunteers.values()}
    published |= {f"content/proposals/{slug}.md" for slug in repository.agenda.proposals}
    published |= {f"content/groups/{slug}.md" for slug in repository.agenda.groups}
    return published, problems


def test_the_suite_covers_every_attack_the_issue_names():
    names = " ".join(case.path for case in CASES)
    for attack in ("yaml-bomb", "python-tag", "duplicate-key", "tab-indent", "deep-nesting", "six-megabytes",
                   "multiple-documents", "not-utf8", "bom", "passwd", "etc.yaml", "dangling", "Sam-Example",
                   "ana lopez", "\u0430na-lopez", "script-in", "iframe-in", "onerror", "svg-onload", "javascript-link",
                   "data-link", "vbscript", "reference-link", "autolink", "style-attribute", "phone-uk", "phone-fr",
                   "phone-de", "phone-us", "postcode-uk", "postcode-fr", "postcode-de", "zip-plus-four-us", "street-",
                   "email-in-bio"):
        assert attack in names, attack


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_file_is_refused_at_its_line_or_published_harmless(case, loaded):
    published, problems = loaded
    mine = {(p.code, p.line) for p in problems if p.path == case.path}
    errors = {(p.code, p.line) for p in problems if p.path == case.path and p.is_error}
    assert mine == case.expected
    if case.outcome == "refused":
        assert errors, "a refused file has at least one error"
        assert case.path not in published
    else:
        assert not errors
        assert case.path in published


def test_check_reports_every_refused_file_as_json_and_no_traceback(tmp_path):
    site = hostile_repository(tmp_path / "site", CASES)
    result = site.tasks("check", "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    reported = json.loads(result.stdout)
    # A login claimed twice is reported on both files (neither can tell which came first), so the
    # pull request that adds the look-alike gets the note on its own file.
    twin = {"volunteers/sam-example.yaml"}
    assert {p["path"] for p in reported if p["severity"] == "error"} == {case.path for case in REFUSED} | twin


# --- the build: what is refused publishes nothing; what is published runs nothing ----------


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) and a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The files that are published, built; then every refused file added and built again."""
    site = hostile_repository(tmp_path_factory.mktemp("hostile-build") / "site", PUBLISHED)
    output = site.root / "output"
    first = site.tasks("build", "--output", str(output))
    assert first.returncode == 0, first.stdout + first.stderr
    before = snapshot(output)
    add_cases(site.root, REFUSED)
    second = site.tasks("build", "--output", str(output))
    return site, output, before, second


def test_a_build_with_refused_files_fails_without_a_traceback_and_leaves_the_previous_site(builds):
    site, output, before, second = builds
    assert second.returncode == 1
    assert "Traceback" not in second.stdout + second.stderr
    assert "output is unchanged" in second.stderr
    assert snapshot(output) == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []


def test_no_file_from_outside_the_repository_reaches_the_output(builds):
    _, output, _, _ = builds
    for path in output.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            assert OUTSIDE_MARKER.encode() not in path.read_bytes(), path


# Run in each page before its own scripts: any dialog or blocked script is recorded.
TRIPWIRE = """
window.__hostile = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__hostile.push(name + "(" + args.join(",") + ")"); };
}
document.addEventListener("securitypolicyviolation", (event) => {
  window.__hostile.push("csp: " + event.violatedDirective + " " + event.blockedURI);
});
"""
# What no published page may hold, whatever a contributor wrote.
DOM_CHECK = """[
  ...[...document.body.querySelectorAll('*')].flatMap((e) => [...e.attributes]
      .filter((a) => /^on/i.test(a.name) || a.name === 'style' || /^\\s*(javascript|data|vbscript):/i.test(a.value))
      .map((a) => e.tagName + ' ' + a.name + '=' + a.value)),
  ...[...document.querySelectorAll('script')].filter((s) => !/\\/(theme\\/js|pagefind)\\//.test(s.src))
      .map((s) => 'script ' + (s.src || s.textContent.slice(0, 60))),
  ...[...document.querySelectorAll('iframe, object, embed, base, form[action^="http"], svg')]
      .map((e) => e.outerHTML.slice(0, 80)),
]"""


@pytest.fixture(scope="module")
def browser():
    from chromium import Chromium, chromium_for_tests

    with Chromium(chromium_for_tests()) as chromium:
        chromium.send("Page.addScriptToEvaluateOnNewDocument", source=TRIPWIRE)
        yield chromium


def test_every_published_page_with_hostile_text_runs_no_script_of_it_in_chromium(builds, browser):
    from chromium import StaticServer

    _, output, _, _ = builds
    # The pages that show a published hostile file (its page, and the listings that link it);
    # the others are the taxonomy's pages, with none of their text.
    ids = [Path(case.path).stem for case in PUBLISHED]
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html")
                   if any(f"/{id}/" in p.read_text() for id in ids))
    found = {}
    with StaticServer(output) as server:
        for page in pages + ["search/?q=alert", "search/?q=script"]:
            browser.events.clear()
            browser.goto(f"{server.url}/{page.removesuffix('index.html')}")
            if page.startswith("search/?"):
                browser.wait_for("document.getElementById('search-status').textContent.includes('result')")
            problems = browser.evaluate("window.__hostile") + browser.evaluate(DOM_CHECK) + browser.problems()
            if problems:
                found[page] = problems
    assert found == {}
    assert len(pages) >= len(PUBLISHED)
