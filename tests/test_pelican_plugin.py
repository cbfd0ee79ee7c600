"""The Pelican plugin on its own: plain Pelican reads proposals and groups, and re-reads them on every run."""

from __future__ import annotations

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
