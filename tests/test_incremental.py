"""A rebuild that reuses the previous output must publish exactly what a build from nothing does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_EPOCH, REPO, SiteRepo
from joinedup.core.buildcache import KeptResults, ProfileCache, cache_dir
from content_fixtures import make_history_site, proposal_text


def site_files(output: Path) -> dict[str, bytes]:
    """Every file of a built site by relative name, and its bytes (Pagefind's bundle included:
    the build makes its names and contents the same for the same pages)."""
    return {str(path.relative_to(output)): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}


def build(site: SiteRepo) -> str:
    result = site.tasks("build", "--output", str(site.root / "output"), check=True)
    return result.stderr


def test_rebuild_after_one_profile_edit_is_byte_identical_to_a_build_from_nothing(site, tmp_path):
    make_history_site(site)
    site.write("content/proposals/bus-franchising.md", proposal_text(  # asks for help Ana could give
        title="Public control of every bus network", summary="Franchise every bus network.", status="synthesis",
        needs="[photography]", authors="[bethan-price]"))  # not Ana's: its authors are not offered its needs
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps **and** leaflets.")
    build(site)
    before = (site.root / "output/people/cy-jones/index.html").stat()
    site.profile("ana-lopez", endorses="[a-bus-network]", headline="Now a photographer too",
                 skills="\n  - photography\n  - social-media")
    said = build(site)
    rebuilt = site.root / "output"
    # The untouched profile was reused, not rendered again: this was an incremental build.
    assert os.path.samestat(before, (rebuilt / "people/cy-jones/index.html").stat())
    assert "Now a photographer too" in (rebuilt / "people/ana-lopez/index.html").read_text()
    # Ana's proposal pages changed only where Pagefind does not read (endorsers, helpers):
    # its bundle was kept, and the comparison below proves it equal to a fresh one.
    assert "Pagefind index reused" in said, said
    # Cy is on no proposal's page (no author, endorser or helper there): editing Cy's bio
    # renders Cy's pages again and no proposal's.
    proposals = {page.parent.name: page.stat() for page in (rebuilt / "proposals").glob("*/index.html")
                 if page.parent.name != "by-breadth"}  # the listing broadest first is no proposal
    assert len(proposals) == 3
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", bio="Maps, leaflets **and** banners.")
    build(site)
    assert "banners" in (rebuilt / "people/cy-jones/index.html").read_text()
    assert [slug for slug, stat in proposals.items()
            if not os.path.samestat(stat, (rebuilt / "proposals" / slug / "index.html").stat())] == []

    # A headline is shown among "people who could help" but does not rank: the kept list is
    # used, with the new headline (the comparison below proves the page equal to a fresh one).
    site.profile("ana-lopez", endorses="[a-bus-network]", headline="Photographer and film editor",
                 skills="\n  - photography\n  - social-media")
    build(site)
    assert any("Photographer and film editor" in page.read_text() and "could help" in page.read_text()
               for page in (rebuilt / "proposals").glob("*/index.html"))

    fresh = SiteRepo(tmp_path / "fresh")
    shutil.copytree(site.root, fresh.root, ignore=shutil.ignore_patterns("output", ".output*", ".cache"))
    build(fresh)
    expected, found = site_files(fresh.root / "output"), site_files(rebuilt)
    assert any(name.startswith("pagefind/fragment/") for name in expected)
    assert sorted(found) == sorted(expected)
    assert [name for name in expected if found[name] != expected[name]] == []

    # Nothing changed: the site is left as it is (joinedup.builder.quick), and still the same.
    assert "Nothing changed since the last build" in build(site)
    assert site_files(site.root / "output") == expected


def test_a_kept_page_replaced_by_a_link_is_rendered_again_and_nothing_outside_is_read(site, tmp_path):
    site.profile("ana-lopez", github="ana")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    build(site)
    page = site.root / "output/people/cy-jones/index.html"
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-THE-REPOSITORY")
    page.unlink()
    page.symlink_to(secret)
    site.profile("ana-lopez", github="ana", headline="Edited")
    build(site)
    assert not page.is_symlink() and "Cy Jones" in page.read_text()
    assert not [p for p in (site.root / "output").rglob("*") if p.is_file() and b"SECRET" in p.read_bytes()]


def test_a_folder_of_the_site_replaced_by_a_link_is_not_written_through(site, tmp_path):
    """The folder of a kept page swapped for a link to a copy outside the site: neither the
    quick rebuild nor the full build may write there, and what publishes is a real folder."""
    site.profile("ana-lopez", github="ana")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    build(site)
    folder = site.root / "output/people/ana-lopez"
    outside = tmp_path / "elsewhere"
    shutil.copytree(folder, outside)
    shutil.rmtree(folder)
    folder.symlink_to(outside)
    site.profile("ana-lopez", github="ana", headline="Edited through the link?")  # a quick rebuild's edit
    said = build(site)
    assert "Quick rebuild" not in said
    assert not folder.is_symlink() and "Edited through the link?" in (folder / "index.html").read_text()
    assert "Edited through the link?" not in (outside / "index.html").read_text()


def test_a_manifest_that_cannot_be_checked_is_not_trusted(site, tmp_path):
    """A manifest listing what no build writes (not a name, a NUL) makes the site's check
    fail: the site is then built whole, not updated in place through a folder made a link."""
    site.profile("ana-lopez", github="ana")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    build(site)
    output = site.root / "output"
    folder, outside = output / "people/cy-jones", tmp_path / "elsewhere"
    shutil.copytree(folder, outside)
    shutil.rmtree(folder)
    folder.symlink_to(outside)
    manifest = json.loads((output / ".joinedup-pages.json").read_text())
    manifest["others"] += [None, "a\u0000b"]
    (output / ".joinedup-pages.json").write_text(json.dumps(manifest))
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", headline="Edited through the link?")
    build(site)
    assert not folder.is_symlink() and "Edited through the link?" in (folder / "index.html").read_text()
    assert "Edited through the link?" not in (outside / "index.html").read_text()


def test_a_site_without_its_manifest_is_rebuilt_whole_and_stale_files_go(site, tmp_path):
    """A merge cut short removes the manifest first: the next build trusts nothing it finds."""
    make_history_site(site)
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    build(site)
    output = site.root / "output"
    (output / ".joinedup-pages.json").unlink()
    (output / "people/cy-jones/index.html").write_text("half-merged")
    (output / "people/ghost").mkdir()
    (output / "people/ghost/index.html").write_text("a page of a deleted profile")
    build(site)
    assert "Cy Jones" in (output / "people/cy-jones/index.html").read_text()
    assert not (output / "people/ghost").exists()
    fresh = SiteRepo(tmp_path / "fresh")
    shutil.copytree(site.root, fresh.root, ignore=shutil.ignore_patterns("output", ".output*", ".cache"))
    build(fresh)
    assert site_files(output) == site_files(fresh.root / "output")


def test_a_deleted_profile_leaves_no_page_or_folder_behind_in_a_rebuild(site):
    site.profile("ana-lopez", github="ana")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    build(site)
    (site.root / "volunteers/cy-jones.yaml").unlink()
    build(site)
    output = site.root / "output"
    assert not (output / "people/cy-jones").exists()
    assert "cy-jones" not in (output / ".joinedup-pages.json").read_text()
    assert (output / "people/ana-lopez/index.html").is_file()


def test_an_edit_is_merged_into_the_site_and_a_settings_change_swaps_a_whole_new_one(site):
    site.profile("ana-lopez", github="ana")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    build(site)
    output = site.root / "output"
    first = output.stat().st_ino
    site.profile("cy-jones", name="Cy Jones", github="cy-jones", headline="Edited")
    build(site)
    assert output.stat().st_ino == first, "one profile edited: the same folder, updated in place"
    settings = site.root / "site.yaml"
    settings.write_text(settings.read_text().replace("stale_months: 12", "stale_months: 18"))
    assert "stale_months: 18" in settings.read_text()
    build(site)
    assert output.stat().st_ino != first, "every page depends on the settings: a new folder swapped in"
    assert "Edited" in (output / "people/cy-jones/index.html").read_text()


def test_a_tampered_manifest_cannot_make_a_rebuild_delete_files_outside_the_site(site):
    site.profile("ana-lopez", github="ana")
    build(site)
    output = site.root / "output"
    victim = site.root / "victim.txt"
    victim.write_text("keep me")
    manifest = json.loads((output / ".joinedup-pages.json").read_text())
    manifest["others"] += ["../victim.txt", str(victim)]
    (output / ".joinedup-pages.json").write_text(json.dumps(manifest))
    site.profile("ana-lopez", github="ana", headline="Edited")
    build(site)
    assert victim.read_text() == "keep me"
    assert "Edited" in (output / "people/ana-lopez/index.html").read_text()


def test_an_edit_that_keeps_the_size_and_the_old_modification_time_is_still_seen(site):
    # A rebuild knows a profile unchanged by its file's times, size and inode, without reading
    # it (buildcache.ProfileCache). Tools that copy times (rsync -t, tar, cp -p) can write new
    # bytes of the same length under the old modification time; the change time still moves.
    path = site.profile("ana-lopez", headline="Video editor for campaign films")
    site.profile("cy-jones", name="Cy Jones", github="cy-jones")
    time.sleep(ProfileCache.RACY_SECONDS + 0.2)  # old enough for the build to trust its times
    build(site)
    old = path.stat()
    path.write_text(path.read_text().replace("campaign films", "campaign fylms"))
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    build(site)
    assert "campaign fylms" in site.read("output/people/ana-lopez/index.html")
    assert "campaign fylms" in site.read("output/data/people.json")
    assert "campaign fylms" in site.read("output/search/facets/cards/0.json")


def test_results_kept_between_builds_survive_small_changes_written_aside(tmp_path):
    # KeptResults writes a few changes to a second, small file: what the next build reads
    # must be the last build's results exactly, dropped ones gone.
    def build_with(keys):
        kept = KeptResults(tmp_path, "things")
        made = []
        results = {key: kept.get(key, lambda key=key: made.append(key) or f"result of {key}") for key in keys}
        kept.save()
        return results, made

    everything = [f"p{n}" for n in range(100)]
    assert build_with(everything)[1] == everything  # from nothing: all made
    changed = [*everything[1:], "p-new"]  # one dropped, one new
    results, made = build_with(changed)
    assert made == ["p-new"] and results["p-new"] == "result of p-new"
    assert (cache_dir(tmp_path) / "things-recent.pickle").exists()
    results, made = build_with(changed)
    assert made == [] and results == {key: f"result of {key}" for key in changed}
    assert build_with(everything)[1] == ["p0"]  # the dropped one is made again, not remembered


def test_validated_profiles_kept_between_builds_survive_small_changes_written_aside(tmp_path):
    cache = ProfileCache(tmp_path)
    for n in range(100):
        cache.put(f"volunteers/p{n}.yaml", ProfileCache.key(f"text {n}"), f"profile {n}")
    cache.save()
    cache = ProfileCache(tmp_path)
    cache.put("volunteers/p1.yaml", ProfileCache.key("text 1, edited"), "profile 1, edited")
    cache.save(keep={f"volunteers/p{n}.yaml" for n in range(1, 100)})  # p0 deleted
    assert (cache_dir(tmp_path) / "profiles-recent.pickle").exists()
    cache = ProfileCache(tmp_path)
    assert cache.get("volunteers/p1.yaml", ProfileCache.key("text 1, edited")) == "profile 1, edited"
    assert cache.get("volunteers/p1.yaml", ProfileCache.key("text 1")) is None
    assert cache.get("volunteers/p2.yaml", ProfileCache.key("text 2")) == "profile 2"
    assert cache.get("volunteers/p0.yaml", ProfileCache.key("text 0")) is None


def test_a_change_to_any_package_of_the_library_renders_every_page_again(site):
    """A page is reused from the last site only while the code that rendered it is the same:
    all of the library's code, not only render/'s (here core/, which writes the dates)."""
    shutil.copy2(REPO / "tasks.py", site.root / "tasks.py")
    shutil.copytree(REPO / "plugins", site.root / "plugins", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    site.profile("ana-lopez")
    output = site.root / "output"

    def build_with_its_own_code():
        subprocess.run([sys.executable, str(site.root / "tasks.py"), "--root", str(site.root), "build", "--output",
                        str(output)], check=True, capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})

    build_with_its_own_code()
    i18n = site.root / "plugins/joinedup/core/i18n.py"
    i18n.write_text(i18n.read_text(encoding="utf-8") + "\n\n_format_day_before = format_day\n\n\n"
                    "def format_day(day):\n    return _format_day_before(day) + ' (new code)'\n", encoding="utf-8")
    build_with_its_own_code()
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 20
    assert [str(page.relative_to(output)) for page in pages if " (new code)" not in page.read_text(encoding="utf-8")] == []


def test_the_manifest_changed_in_its_text_is_the_manifest_written_whole(tmp_path):
    """A quick rebuild changes a few fingerprints and facet files in the manifest's text
    (joinedup.builder.output.ManifestText): the bytes are those of the manifest written whole,
    even for names another name ends with, after a quote, or outside ASCII."""
    from joinedup.builder.output import MANIFEST, ManifestText, write_manifest

    pages = {'a"y/index.html': "1" * 32, "y/index.html": "2" * 32, "é/index.html": "3" * 32}
    facets = ["search/facets/word/a.bin", "search/facets/word/c.bin"]
    before = {"pages": pages, "facets": facets, "indexed": {"y/index.html": "9" * 32}, "shared": "s",
              "files": [*pages, *facets, "data/people.json"]}
    write_manifest(tmp_path, before)
    text = ManifestText.of(tmp_path)
    assert text.fingerprint("y/index.html") == "2" * 32 and text.fingerprint("x/index.html") is None

    new_facet, gone_facet = "search/facets/word/b.bin", "search/facets/word/c.bin"
    spliced = text.changed({"y/index.html": "4" * 32, "é/index.html": "5" * 32}, {new_facet}, {gone_facet})
    after = {**before, "pages": {**pages, "y/index.html": "4" * 32, "é/index.html": "5" * 32},
             "facets": sorted({*facets, new_facet} - {gone_facet}),
             "files": [*pages, "search/facets/word/a.bin", new_facet, "data/people.json"]}
    write_manifest(tmp_path, after)
    assert spliced == (tmp_path / MANIFEST).read_bytes()
    # A "new" facet file the manifest already lists as another file: written whole instead.
    assert text.changed({}, {"data/people.json"}, set()) is None
    # No manifest, or not one a build wrote: nothing to change in place.
    assert ManifestText(b"").changed({}, set(), set()) is None
    pages_only = ManifestText(b'{"pages":{"y/index.html":"' + b"2" * 32 + b'"}}')
    assert pages_only.changed({"y/index.html": "3" * 32}, set(), set()) is None
