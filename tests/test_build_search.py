"""The build runs Pagefind before publishing: a site without its search index is never swapped in."""

from __future__ import annotations

from content_fixtures import proposal_text


def test_the_build_writes_the_browser_indexes(site):
    site.profile("ana-lopez", github="ana")
    output = site.root / "out"
    result = site.tasks("build", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "Pagefind indexed the site in" in result.stderr
    assert (output / "pagefind/pagefind.js").is_file()
    assert list((output / "pagefind/fragment").glob("*.pf_fragment"))
    assert (output / "search/facets/skill/video-editing.bin").is_file()
    assert (output / "search/index.html").is_file()


def test_when_pagefind_fails_the_build_says_so_and_publishes_nothing(site, tmp_path):
    site.profile("ana-lopez", github="ana")
    output = site.root / "out"
    site.tasks("build", "--output", str(output), check=True)
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    broken = tmp_path / "broken"
    (broken / "pagefind").mkdir(parents=True)
    (broken / "pagefind/__init__.py").write_text("")
    (broken / "pagefind/__main__.py").write_text("import sys\nsys.exit('Error: disk full')\n")
    # A new proposal: a page Pagefind indexes changed, so it must run (people are not in its index).
    site.write("content/proposals/free-buses.md", proposal_text(authors=["ana-lopez"]))
    result = site.tasks("build", "--output", str(output), env={"PYTHONPATH": str(broken)})
    assert result.returncode == 1
    assert "Error: Pagefind failed to index the site: Error: disk full" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".out-building-")]
