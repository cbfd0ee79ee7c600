"""Quick rebuilds (joinedup.builder.quick): an edit to what a profile shows re-renders the pages showing
that person from what the last build recorded, and publishes exactly what a build from nothing
does; any other change builds in full."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import SiteRepo, profile_text
from content_fixtures import commit_all, git, group_text, make_history_site, proposal_text
from test_incremental import site_files

QUICK = "Quick rebuild"
MANIFEST = ".joinedup-pages.json"


def build(site: SiteRepo) -> str:
    return site.tasks("build", "--output", str(site.root / "output"), check=True).stderr


def fresh_build(site: SiteRepo, tmp_path, name: str = "fresh") -> dict[str, bytes]:
    """The site a build from nothing makes of the same repository."""
    fresh = SiteRepo(tmp_path / name)
    shutil.copytree(site.root, fresh.root, ignore=shutil.ignore_patterns("output", ".output*", ".cache"))
    build(fresh)
    return site_files(fresh.root / "output")


def assert_same_site(site: SiteRepo, tmp_path, name: str = "fresh") -> None:
    expected, found = fresh_build(site, tmp_path, name), site_files(site.root / "output")
    assert sorted(found) == sorted(expected)
    assert [name for name in expected if found[name] != expected[name]] == []


@pytest.fixture
def movement(site):
    """A site in git where Ana writes a proposal's needs, endorses the synthesis and could help
    with bus-franchising (Gus Ortiz's: its authors are not offered its needs), and five people
    share the rare bio word "zeppelin"."""
    make_history_site(site)
    site.write("content/proposals/bus-franchising.md", proposal_text(
        title="Public control of every bus network", summary="Franchise every bus network.", status="synthesis",
        needs="[photography]", authors="[gus-ortiz]"))
    site.profile("ana-lopez", endorses="[a-bus-network]", skills="\n  - photography\n  - social-media")
    for number, name in enumerate(["Cy Jones", "Dee Khan", "Eli Moss", "Fay Nunn", "Gus Ortiz"]):
        id = name.lower().replace(" ", "-")
        site.profile(id, name=name, github=id, bio=f"Maps and a zeppelin model number {number}.")
    build(site)
    return site


def test_headline_bio_links_and_languages_edits_are_quick_and_publish_what_a_full_build_does(movement, tmp_path):
    site = movement
    output = site.root / "output"
    proposal = output / "proposals/bus-franchising/index.html"
    untouched = (output / "people/dee-khan/index.html").stat()

    # Ana is on her own page, the listings of her skills and region, the synthesis she
    # endorses and among the people who could help with bus-franchising.
    site.profile("ana-lopez", endorses="[a-bus-network]", skills="\n  - photography\n  - social-media",
                 headline="Photographer of bus stations", contact="\n  email: ana@example.org\n  website: https://ana.example.org",
                 languages="[en, es, fr]")
    said = build(site)
    assert f"{QUICK}: 1 edited profile(s)" in said, said
    assert "Photographer of bus stations" in proposal.read_text()
    assert "https://ana.example.org" in (output / "people/ana-lopez/index.html").read_text()
    assert "Photographer of bus stations" in (output / "data/people.csv").read_text()
    assert (output / "people/dee-khan/index.html").stat().st_mtime_ns == untouched.st_mtime_ns

    # A bio losing a word five people shared (its facet file goes, the word is listed inline)
    # and gaining a word nobody had (a new entry, here a new two-letter vocabulary file).
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps and a **qwertyuiop** blimp.")
    said = build(site)
    assert f"{QUICK}: 1 edited profile(s)" in said, said
    assert not (output / "search/facets/word/zeppelin.bin").exists()
    assert "qwertyuiop" in (output / "search/facets/words/qw.json").read_text()
    assert_same_site(site, tmp_path, "fresh-1")

    # ...and back: the file of the word comes back, the new word and its vocabulary file go.
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps and a zeppelin model number 0.")
    assert QUICK in build(site)
    assert (output / "search/facets/word/zeppelin.bin").is_file()
    assert not (output / "search/facets/words/qw.json").exists()
    assert_same_site(site, tmp_path, "fresh-2")


def test_a_quick_rebuild_of_a_person_with_needs_to_help_with_publishes_what_a_full_build_does(movement, tmp_path):
    """Where a person could help depends on nothing a quick edit changes: the recorded context
    of their page carries it, and the page comes out as a full build makes it."""
    site = movement
    site.write("content/groups/film-club.md", group_text(
        name="Film Club", core_team="[ana-lopez]", discussion="https://forum.example.org/film",
        needs="\n  - skill: video-editing\n    hours_per_week: 4\n    remote: true"))
    assert QUICK not in build(site)
    page = site.root / "output/people/cy-jones/index.html"
    assert re.search(r'<li><a href="/skills/video-editing/">Video editing</a> · [^<]*\. Asked by the group '
                     r'<a href="/groups/film-club/">Film Club</a>', page.read_text())
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", headline="Films for unions",
                 bio="Maps and a zeppelin model number 0.", languages="[en, cy]")
    said = build(site)
    assert f"{QUICK}: 1 edited profile(s)" in said, said
    text = page.read_text()
    assert "Films for unions" in text and "Where you could help" in text and "Film Club" in text
    assert_same_site(site, tmp_path)


@pytest.mark.parametrize("edit", [
    {"name": "Ana López-Ruiz"},                                        # listings are in name order
    {"skills": "\n  - photography"},                                   # skill listings and counts
    {"location": "\n  place: York\n  region: yorkshire"},             # matching weighs the place
    {"availability": "\n  hours_per_week: 2\n  when: [evenings]"},    # ranking, facets
    {"remote": "false"},                                               # the home page counts remote people
])
def test_an_edit_to_what_places_or_ranks_a_person_builds_in_full_and_the_same(movement, tmp_path, edit):
    site = movement
    site.profile("ana-lopez", **{"endorses": "[a-bus-network]", "skills": "\n  - photography\n  - social-media", **edit})
    said = build(site)
    assert QUICK not in said, said
    assert_same_site(site, tmp_path)


@pytest.mark.parametrize("edit, proposal, says", [
    ({"endorses": "[a-bus-network, free-buses]"}, "free-buses", "Endorsed by 2 people in 1 region and 1 group"),
    ({"location": "\n  place: Cardiff\n  region: wales"}, "a-bus-network", 'href="/regions/wales/">Wales</a>'),
])
def test_an_edit_to_endorsements_or_an_endorsers_region_builds_in_full_with_the_new_breadth(
        movement, tmp_path, edit, proposal, says):
    """Breadth counts endorsers by region and group (joinedup.match.breadth): the proposal's page
    and every broadest-first listing and feed may change, so the full build runs."""
    site = movement
    site.profile("ana-lopez", **{"endorses": "[a-bus-network]", "skills": "\n  - photography\n  - social-media", **edit})
    said = build(site)
    assert QUICK not in said, said
    assert says in (site.root / f"output/proposals/{proposal}/index.html").read_text()
    assert_same_site(site, tmp_path)


WHO = {"name": "Pat Merger", "email": "pat@example.org"}


def test_commits_that_change_only_profiles_rebuild_quickly_and_publish_what_a_full_build_does(movement, tmp_path):
    """After ``git pull`` or a commit, the pages of the profiles committed are rendered again,
    with the day of each one's last commit ("updated ...", the data files), not the whole site."""
    site = movement
    ana = {"endorses": "[a-bus-network]", "skills": "\n  - photography\n  - social-media"}
    commit_all(site.root, "The rest of the movement", date="2026-11-01T12:00:00", **WHO)
    assert QUICK not in build(site)  # proposals were committed: their history is on the pages
    output = site.root / "output"
    untouched = (output / "people/dee-khan/index.html").stat()

    # A merged pull request: Ana's new headline arrives with its commit.
    site.profile("ana-lopez", **ana, headline="Photographer of bus stations")
    commit_all(site.root, "Ana's new headline", date="2026-11-10T12:00:00", **WHO)
    said = build(site)
    assert f"{QUICK}: 1 edited profile(s)" in said, said
    page = re.sub(r"<[^>]+>", "", (output / "proposals/bus-franchising/index.html").read_text())
    assert "Photographer of bus stations" in page and "updated 10 November 2026" in page, page[page.find("Ana"):page.find("Ana")+1500]
    assert '"id":"ana-lopez"' in (output / "data/pool.json").read_text()
    assert '"updated":"2026-11-10"' in (output / "data/pool.json").read_text()
    assert (output / "people/dee-khan/index.html").stat().st_mtime_ns == untouched.st_mtime_ns
    assert_same_site(site, tmp_path, "fresh-1")

    # An edit built, then committed: the file is as built, only its day moves.
    site.profile("ana-lopez", **ana, headline="Photographer of bus stops")
    assert QUICK in build(site)
    commit_all(site.root, "Stops, not stations", date="2026-11-15T12:00:00", **WHO)
    said = build(site)
    assert QUICK in said, said
    assert "updated 15 November 2026" in re.sub(r"<[^>]+>", "", (output / "proposals/bus-franchising/index.html").read_text())
    assert_same_site(site, tmp_path, "fresh-2")

    # A commit that touches a proposal: its history is on the pages, so the build is full.
    site.write("content/proposals/free-buses.md", proposal_text(title="Free buses for all under-26s"))
    commit_all(site.root, "Under-26s", date="2026-11-16T12:00:00", **WHO)
    assert QUICK not in build(site)
    assert_same_site(site, tmp_path, "fresh-3")


def test_merged_branches_publish_what_a_full_build_does(movement, tmp_path):
    """A merged branch whose commits are older than main's (Ana's day stays main's), and one that
    changed a proposal and changed it back (its revision history keeps both): whichever way
    the rebuild goes, the site is what a full build makes."""
    site = movement
    ana = {"endorses": "[a-bus-network]", "skills": "\n  - photography\n  - social-media"}
    site.write(".gitignore", "output/\n.output*\n")
    commit_all(site.root, "The rest of the movement", date="2026-11-01T12:00:00", **WHO)
    build(site)
    git(site.root, "checkout", "-q", "-b", "side")
    site.profile("ana-lopez", **ana, bio="Side bio.")
    commit_all(site.root, "Side edit", date="2026-11-05T12:00:00", **WHO)
    git(site.root, "checkout", "-q", "main")
    site.profile("ana-lopez", **ana, headline="Main headline")
    commit_all(site.root, "Main edit", date="2026-11-08T12:00:00", **WHO)
    assert QUICK in build(site)
    git(site.root, "merge", "-q", "--no-edit", "-X", "ours", "side", name="M", email="m@example.org",
        date="2026-11-10T12:00:00")
    build(site)
    assert_same_site(site, tmp_path, "fresh-older")

    proposal = site.root / "content/proposals/bus-franchising.md"
    before = proposal.read_text()
    git(site.root, "checkout", "-q", "-b", "undone")
    proposal.write_text(before.replace("Franchise every bus network.", "Franchise every bus network now."))
    commit_all(site.root, "Tweak", date="2026-11-11T12:00:00", **WHO)
    proposal.write_text(before)
    commit_all(site.root, "Untweak", date="2026-11-12T12:00:00", **WHO)
    site.profile("ana-lopez", **ana, headline="Side headline")
    commit_all(site.root, "Ana", date="2026-11-13T12:00:00", **WHO)
    git(site.root, "checkout", "-q", "main")
    git(site.root, "merge", "-q", "--no-ff", "--no-edit", "undone", name="M", email="m@example.org",
        date="2026-11-14T12:00:00")
    assert QUICK not in build(site)  # the proposal's history has two more revisions
    assert_same_site(site, tmp_path, "fresh-undone")


def test_a_new_profile_a_changed_template_or_proposal_builds_in_full(movement, tmp_path):
    site = movement
    site.profile("hal-ito", name="Hal Ito", github="hal-ito")
    assert QUICK not in build(site)
    template = site.root / "themes/joinedup/templates/person.html"
    template.write_text(template.read_text().replace("</article>", "<p>Thanks for helping.</p></article>", 1))
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps.")
    said = build(site)
    assert QUICK not in said and "Thanks for helping." in (site.root / "output/people/cy-jones/index.html").read_text()
    site.write("content/proposals/free-buses.md", proposal_text(title="Free buses for all under-26s"))
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps and posters.")
    assert QUICK not in build(site)
    # After those full builds, quick rebuilds pick up from the state they recorded.
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps, posters and banners.")
    assert QUICK in build(site)
    assert_same_site(site, tmp_path)


def test_a_broken_profile_is_reported_and_the_site_is_left_as_it_was(movement):
    site = movement
    before = site_files(site.root / "output")
    site.write("volunteers/ana-lopez.yaml", profile_text(endorses="[a-bus-network]", headline="[Broken"))
    result = site.tasks("build", "--output", str(site.root / "output"))
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "volunteers/ana-lopez.yaml:4:11: JU001" in said and "nothing was published" in said, said
    assert "Traceback" not in said
    assert site_files(site.root / "output") == before


def test_nothing_changed_writes_nothing_and_a_missing_state_means_a_full_build(movement, tmp_path):
    site = movement
    output = site.root / "output"
    manifest = (output / MANIFEST).stat()
    assert "Nothing changed since the last build" in build(site)
    assert (output / MANIFEST).stat().st_mtime_ns == manifest.st_mtime_ns
    for state in site.cache.glob("quick-*.sqlite*"):
        state.unlink()
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps and leaflets.")
    assert QUICK not in build(site)
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps, leaflets and flags.")
    assert QUICK in build(site)
    assert_same_site(site, tmp_path)


def test_a_template_reaching_for_the_whole_model_is_rendered_by_the_full_build(movement, tmp_path):
    """A fork's theme may show, on a person's page, something of the whole directory: a quick
    rebuild does not have the model, so it stops and the full build renders the page."""
    site = movement
    template = site.root / "themes/joinedup/templates/person.html"
    template.write_text(template.read_text().replace(
        "</article>", "<p>One of {{ directory.volunteers | length }} people.</p></article>", 1))
    build(site)
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps and a zeppelin.")
    said = build(site)
    assert QUICK not in said and "failed" not in said, said
    assert "One of 7 people." in (site.root / "output/people/cy-jones/index.html").read_text()
    assert_same_site(site, tmp_path)


def test_a_template_naming_a_global_no_path_has_fails_in_the_full_build_and_in_the_quick_rebuild(movement):
    """A name neither the full build nor the quick rebuild gives a template is an error in
    both, never empty text in one of them (joinedup.render.rendering.NamedUndefined)."""
    site = movement
    output = site.root / "output"
    template = site.root / "themes/joinedup/templates/person.html"
    template.write_text(template.read_text().replace(
        "</article>", '{% if person.headline == "Broken" %}<p>{{ no_such_global }}</p>{% endif %}</article>', 1))
    build(site)  # no page shows the name yet
    before = site_files(output)
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps and a zeppelin.", headline="Broken")
    said = site.tasks("build", "--output", str(output))
    assert said.returncode == 1, said.stderr
    # The quick rebuild stopped on the name, then the full build did.
    assert "The quick rebuild failed (UndefinedError: 'no_such_global' is undefined)" in said.stderr, said.stderr
    # The full build names the template's line, as a problem, not a traceback.
    assert "Traceback" not in said.stdout + said.stderr
    assert re.search(r"^themes/joinedup/templates/person\.html:\d+:0: JU504 The template cannot be rendered: "
                     r"'no_such_global' is undefined\.$", said.stdout, re.M), said.stdout
    assert site_files(output) == before
