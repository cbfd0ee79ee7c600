"""The build pipeline (joinedup.builder.pipeline): its errors are Problems, its state ends with the build."""

from __future__ import annotations

import logging
import socket
import types

from content_fixtures import proposal_text


def test_a_file_pelican_could_not_process_is_named_from_the_log_record_arguments(tmp_path):
    from joinedup.builder.pipeline import pelican_problem

    (tmp_path / "content/pages").mkdir(parents=True)
    (tmp_path / "content/pages/about.md").write_text("Title: About\n", encoding="utf-8")
    record = logging.LogRecord("pelican.generators", logging.ERROR, __file__, 1, "Could not process %s\n%s",
                               ("pages/about.md", "boom"), None)
    found = pelican_problem(record, tmp_path, tmp_path / "content")
    assert (found.path, found.code, found.message) == ("content/pages/about.md", "JU301", "Could not process pages/about.md")


def test_a_content_object_pelican_skipped_is_named_by_its_source_path(tmp_path):
    from joinedup.builder.pipeline import pelican_problem

    page = tmp_path / "content/pages/about.md"
    page.parent.mkdir(parents=True)
    page.write_text("Title: About\n", encoding="utf-8")
    skipped = types.SimpleNamespace(source_path=str(page))
    record = logging.LogRecord("pelican.contents", logging.ERROR, __file__, 1,
                               "Skipping %s: could not find information about '%s'", (skipped, "title"), None)
    assert pelican_problem(record, tmp_path, tmp_path / "content").path == "content/pages/about.md"
    record.msg, record.args = "Failed to write Tag page for \"%s\".", ("x",)
    assert pelican_problem(record, tmp_path, tmp_path / "content").path == "content"


def test_plain_pelican_leaves_no_build_state_behind(site, tmp_path, monkeypatch):
    from pelican import Pelican
    from pelican.settings import read_settings

    from joinedup.builder.pipeline import current_build

    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    monkeypatch.chdir(site.root)
    Pelican(read_settings(str(site.root / "pelicanconf.py"), override={"OUTPUT_PATH": str(tmp_path / "out")})).run()
    assert (tmp_path / "out/proposals/free-buses/index.html").is_file()
    assert current_build() is None


def test_serve_on_a_port_in_use_says_so_and_which_to_try(site):
    site.profile("ana-lopez")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = site.tasks("serve", "--port", str(port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: " in result.stderr
    assert f"Try --port {port + 1}." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_name_no_page_provides_in_a_pelican_rendered_template_fails_at_its_line(site):
    """The site's own pages (content/pages, home, 404) are rendered by Pelican's generators: a
    missing name fails there too (NamedUndefined), as a problem at the template's line."""
    site.profile("ana-lopez")
    output = site.root / "output"
    assert site.tasks("build", "--output", str(output)).returncode == 0
    before = sorted(path.relative_to(output) for path in output.rglob("*.html"))
    template = site.root / "themes/joinedup/templates/page.html"
    lines = template.read_text(encoding="utf-8").split("\n")
    broken = next(number for number, line in enumerate(lines, 1) if "<h1>" in line)
    lines[broken - 1] = lines[broken - 1].replace("</h1>", " {{ no_such_global }}</h1>")
    template.write_text("\n".join(lines), encoding="utf-8")
    said = site.tasks("build", "--output", str(output))
    assert said.returncode == 1
    assert "Traceback" not in said.stdout + said.stderr
    assert (f"themes/joinedup/templates/page.html:{broken}:0: JU504 The template cannot be rendered: "
            "'no_such_global' is undefined.") in said.stdout
    assert sorted(path.relative_to(output) for path in output.rglob("*.html")) == before
