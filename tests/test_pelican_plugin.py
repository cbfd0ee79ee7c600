"""The Pelican plugin on its own: plain Pelican reads proposals and groups, and re-reads them on every run."""

from __future__ import annotations

from pathlib import Path

from content_fixtures import group_text, proposal_text


def test_each_run_of_one_pelican_instance_reads_the_content_again(site, tmp_path, monkeypatch):
    """`pelican --autoreload` calls run() again on the same instance after each change."""
    from pelican import Pelican
    from pelican.settings import read_settings

    site.profile("ana-lopez")
    site.write("content/groups/better-buses.md", group_text())
    site.write("content/proposals/free-buses.md", proposal_text())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    monkeypatch.chdir(site.root)
    output = tmp_path / "out"
    settings = read_settings(str(site.root / "pelicanconf.py"), override={"OUTPUT_PATH": str(output)})
    pelican = Pelican(settings)

    pelican.run()
    page = output / "proposals/free-buses/index.html"
    assert "<h1>Free buses for everyone under 25</h1>" in page.read_text(encoding="utf-8")
    assert (output / "groups/better-buses/index.html").is_file()

    site.write("content/proposals/free-buses.md", proposal_text(title="Free buses for all"))
    site.profile("ana-lopez", endorses="[free-buses]")
    pelican.run()
    text = page.read_text(encoding="utf-8")
    assert "<h1>Free buses for all</h1>" in text
    assert "Endorsed by 1 person" in text


def test_pages_rendered_by_recycled_workers_are_those_one_process_renders(site, tmp_path, monkeypatch):
    """A big site renders in chunks, each by a fresh forked worker; the bytes must not change."""
    from pelican import Pelican
    from pelican.settings import read_settings

    import joinedup_pelican.directory as directory
    from joinedup.render.pages import PlannedPage

    site.profile("ana-lopez")
    for number in range(12):
        site.profile(f"person-{number}", name=f"Person {number:02d}", github=f"person-{number}")
    site.write("content/groups/better-buses.md", group_text())
    site.write("content/proposals/free-buses.md", proposal_text(authors="[person-1]"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    monkeypatch.chdir(site.root)
    outputs = {}
    for how, parallel_from, lifetime, big_from in (("one process", 10**9, 5000, 10**9), ("recycled workers", 1, 3, 0)):
        monkeypatch.setattr(directory, "RENDER_IN_WORKERS_FROM_PAGES", parallel_from)
        monkeypatch.setattr(directory, "RENDERER_LIFETIME", lifetime)
        monkeypatch.setattr(directory, "KEEP_PER_PROFILE_UP_TO", big_from)  # recycled only on a big site
        output = tmp_path / how
        Pelican(read_settings(str(site.root / "pelicanconf.py"), override={"OUTPUT_PATH": str(output)})).run()
        outputs[how] = {p.relative_to(output): p.read_bytes() for p in output.rglob("*.html")}
    assert len(outputs["one process"]) > 30
    assert outputs["recycled workers"] == outputs["one process"]
    chunks = directory._weighed_chunks(list(range(3)), [PlannedPage("a/", "x", {"people": [1] * 4})] * 3, 9)
    assert chunks == [[0], [1], [2]], "a listing of 4 people weighs 5"


def test_bodies_converted_in_a_process_of_their_own_give_the_pages_one_process_gives(site, tmp_path, monkeypatch):
    """On a large directory the bodies convert in a forked process while this one matches and plans."""
    from pelican import Pelican
    from pelican.settings import read_settings

    import joinedup_pelican.directory as directory

    site.profile("ana-lopez")
    for number in range(6):
        site.profile(f"person-{number}", name=f"Person {number:02d}", github=f"person-{number}",
                     skills="\n  - video-editing" if number % 2 else "\n  - photography")
    site.write("content/groups/better-buses.md", group_text(needs="\n  - skill: photography\n    hours_per_week: 2\n    remote: true"))
    site.write("content/proposals/free-buses.md", proposal_text(needs="[video-editing]"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    monkeypatch.chdir(site.root)
    outputs = {}
    for how, apart_from in (("one process", 10**9), ("apart", 0)):
        monkeypatch.setattr(directory, "BODIES_APART_FROM", apart_from)
        output = tmp_path / how
        Pelican(read_settings(str(site.root / "pelicanconf.py"), override={"OUTPUT_PATH": str(output)})).run()
        outputs[how] = {p.relative_to(output): p.read_bytes() for p in output.rglob("*.html")}
    assert outputs["apart"] == outputs["one process"]
    proposal = outputs["apart"][Path("proposals/free-buses/index.html")].decode()
    group = outputs["apart"][Path("groups/better-buses/index.html")].decode()
    assert all(f'href="/people/person-{number}/"' in proposal for number in (1, 3, 5)), proposal
    assert all(f'href="/people/person-{number}/"' in group for number in (0, 2, 4)), group
