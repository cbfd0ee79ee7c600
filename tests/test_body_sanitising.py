"""What a proposal's or group's body can put on the site: no images fetched from other sites, no
classes of the site's own.

A remote image in a body is fetched by every reader's browser, feed reader or mail client, and
tells the site it comes from who read the proposal, and when (a "tracking pixel"); the page's
Content-Security-Policy blocks it, but feeds and the open data are read elsewhere. A ``class`` on a
body's element would let a contributor dress their text as the site's own notices
(``.notice`` in the theme's stylesheet). Both are removed wherever a body is published; the
images of the site's own files stay, and ``check`` warns the author (JU207).
"""

from __future__ import annotations

import html
import json
import re

import pytest

from content_fixtures import group_text, proposal_text

TRACKER = "tracker.example.net"
BODY = f"""\
## Costs

Free buses cost less than the roads they save. ![Map of the routes](/images/routes.png)

![](https://{TRACKER}/pixel.png?reader=1)

Read on. ![pixel](//{TRACKER}/protocol-relative.gif)

See the chart: ![chart][chart]

[chart]: http://{TRACKER}/reference.png

<img src="https://{TRACKER}/raw.png" alt="">

<div class="notice">This proposal was adopted by the national assembly.</div>

The council agrees.
{{: .notice }}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import make_site

    site = make_site(tmp_path_factory.mktemp("sanitising") / "site")
    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text(body="") + BODY)
    site.write("content/groups/better-buses.md", group_text(body="") + BODY)
    site.write("content/images/routes.png", b"\x89PNG\r\n\x1a\n")
    checked = site.tasks("check", "--format", "json")
    output = site.root / "out"
    result = site.tasks("build", "--output", str(output))
    assert result.returncode == 0, result.stdout + result.stderr
    return site, checked, output


def published(output) -> dict[str, str]:
    """Every place a body is published, HTML unescaped: its pages, the feed and the open data."""
    proposals = json.loads((output / "data" / "proposals.json").read_text())["proposals"]
    return {
        "proposal page": (output / "proposals/free-buses/index.html").read_text(),
        "group page": (output / "groups/better-buses/index.html").read_text(),
        "open data": next(item["body_html"] for item in proposals if item["slug"] == "free-buses"),
        "feed": html.unescape((output / "feeds/proposals.atom.xml").read_text()),
    }


def test_images_from_other_sites_are_published_nowhere(built):
    _, _, output = built
    for place, text in published(output).items():
        assert "Free buses cost less than the roads they save." in text, place
        assert TRACKER not in text, place
    for feed in (output / "feeds").rglob("*.xml"):
        assert TRACKER not in feed.read_text(), feed


def test_the_sites_own_images_stay(built):
    _, _, output = built
    for place, text in published(output).items():
        assert '<img alt="Map of the routes" src="/images/routes.png">' in text, place


def test_a_body_cannot_dress_its_text_as_the_sites_notice(built):
    _, _, output = built
    for place, text in published(output).items():
        for words in ("This proposal was adopted by the national assembly.", "The council agrees."):
            openings = re.findall(rf"<[a-z][^>]*>\s*{re.escape(words)}", text)
            assert openings, (place, words)
            assert not [tag for tag in openings if "class=" in tag], (place, openings)


def test_check_warns_at_each_remote_image_that_it_will_not_be_shown(built):
    site, checked, _ = built
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = site.read("content/proposals/free-buses.md").split("\n")
    expected = [n + 1 for n, line in enumerate(lines)
                if any(mark in line for mark in ("pixel.png", "protocol-relative", "![chart]", "raw.png"))]
    found = [p for p in json.loads(checked.stdout) if p["code"] == "JU207"]
    assert [(p["line"], p["severity"]) for p in found if p["path"] == "content/proposals/free-buses.md"] == [
        (line, "warning") for line in expected]
    assert [p["line"] for p in found if p["path"] == "content/groups/better-buses.md"]
    assert found[0]["message"] == (f"The image 'https://{TRACKER}/pixel.png?reader=1' is on another site: it is "
                                   "not shown, so that site does not learn who reads this page.")
    assert "content/images/" in found[0]["hint"]
