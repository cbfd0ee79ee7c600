"""One build, one state: two builds in one process (as ``serve`` runs them) share nothing at module level.

DESIGN.md §3: build state lives on the build object, and nothing mutable outlives a build at
module level. The memos that make a rebuild quick (converted bodies, content checks) are loaded
from the cache folder at the start of a build and saved at its end, on objects the build drops.
"""

from __future__ import annotations

import importlib
import pkgutil

from content_fixtures import proposal_text



def library_modules():
    """Every module of the library and of the Pelican plugin, imported."""
    import joinedup
    import joinedup_pelican

    modules = [joinedup, joinedup_pelican]
    for package in (joinedup, joinedup_pelican):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            modules.append(importlib.import_module(info.name))
    return modules


def containers(modules) -> dict[tuple[str, str], object]:
    """Each dict, list and set bound to a module global, by (module, name), as a shallow copy."""
    return {(module.__name__, name): type(value)(value)
            for module in modules for name, value in vars(module).items()
            if type(value) in (dict, list, set)}


def test_a_second_build_in_one_process_shows_the_edits_and_keeps_nothing_of_the_first(site, tmp_path, monkeypatch):
    from joinedup.builder.pipeline import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    monkeypatch.chdir(tmp_path)  # the build moves into the repository; back here after the test
    site.profile("ana-lopez")
    site.profile("ben-okafor", name="Ben Okafor", github="ben-okafor")
    site.write("content/proposals/free-buses.md", proposal_text())
    output = tmp_path / "out"
    modules = library_modules()
    before = containers(modules)

    build(site.root, output)
    assert "Video editor for campaign films" in (output / "people/ana-lopez/index.html").read_text(encoding="utf-8")

    site.write("content/proposals/free-buses.md",
               proposal_text("Some text.\n\nA second paragraph, written between the two builds.\n"))
    site.profile("ana-lopez", headline="Campaign film editor and subtitler")
    build(site.root, output)

    proposal = (output / "proposals/free-buses/index.html").read_text(encoding="utf-8")
    assert "A second paragraph, written between the two builds." in proposal
    person = (output / "people/ana-lopez/index.html").read_text(encoding="utf-8")
    assert "Campaign film editor and subtitler" in person
    assert "Video editor for campaign films" not in person

    import joinedup.core.markup as markup
    import joinedup.load.content as content

    # The memos that were module dicts live on objects a build makes and drops.
    assert not hasattr(markup, "_bodies")
    assert not hasattr(content, "_checks") and not hasattr(content, "_used")
    after = containers(library_modules())
    grown = sorted(f"{module}.{name}" for (module, name), value in after.items()
                   if before.get((module, name)) != value)
    assert grown == [], "module globals changed by a build: " + ", ".join(grown)


def test_an_edit_of_the_profile_schema_between_two_loads_in_one_process_is_read(site):
    import json

    from joinedup.load.repository import load_repository

    site.profile("ana-lopez")
    first, problems = load_repository(site.root)
    assert problems == [] and "ana-lopez" in first.directory.volunteers
    schema = json.loads(site.read("volunteers/schema.json"))
    schema["properties"]["headline"]["maxLength"] = 10
    site.write("volunteers/schema.json", json.dumps(schema, indent=2))
    second, problems = load_repository(site.root)
    assert [(item.path, item.line, item.is_error) for item in problems] == [("volunteers/ana-lopez.yaml", 4, True)]
    assert "ana-lopez" not in second.directory.volunteers
