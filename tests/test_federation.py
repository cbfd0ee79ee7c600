"""One pool, many sites (docs/federation.md): three real sites built from fixtures and served over
loopback HTTP by real servers, a national site with people and two local sites with needs.

The local sites draw the national site's people (site.yaml ``pools``); the national site draws
the local sites' needs. Everything is fetched over HTTP by the build, as a fork's CI would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import make_example_site, make_site
from content_fixtures import group_text

from chromium import StaticServer

# Another origin reads the search files: GitHub Pages sends this header on every file.
CORS = {"Access-Control-Allow-Origin": "*"}


def pools_yaml(*pools: dict) -> str:
    return "pools:\n" + "".join(
        "  - " + "\n    ".join(f"{key}: {json.dumps(value)}" for key, value in pool.items()) + "\n" for pool in pools)


def build(site, server) -> str:
    """Build ``site`` for the address ``server`` serves it at; returns what the build said."""
    result = site.tasks("build", "--publish", "--output", str(site.root.parent / f"{site.root.name}-out"),
                        env={"JOINEDUP_SITEURL": server.url}, check=True)
    return result.stdout + result.stderr


def every_file(folder: Path):
    return (path for path in folder.rglob("*") if path.is_file())


class Movement:
    """The three sites, their servers and their outputs."""

    def __init__(self, root: Path):
        self.national = make_example_site(root / "national")
        # Someone only the national site knows, whom no proposal or group names: removed in one test.
        self.national.profile("ottilie-frame", name="Ottilie Frame", github="ottilie-frame",
                              headline="Stop-motion animator for campaign explainers",
                              skills="\n  - id: motion-graphics\n    level: expert")
        self.north = make_site(root / "north")
        self.south = make_site(root / "south")
        self.servers = {name: StaticServer(_mkdir(root / f"{name}-out"), headers=CORS)
                        for name in ("national", "north", "south")}
        national_url = self.servers["national"].url
        for site, name, title in ((self.north, "north", "Leeds Tenants"), (self.south, "south", "Brighton Buses")):
            settings = site.read("site.yaml").replace('name: "Joined Up"', f'name: "{title}"')
            site.write("site.yaml", settings + pools_yaml(
                {"name": "national", "title": "Joined Up national", "url": national_url, "take": ["people"]}))
            site.profile(f"{name}-organiser", name=f"{title} Organiser", github=f"{name}-organiser",
                         skills="\n  - community-organising", remote="false")
        self.north.write("content/groups/leeds-tenants.md", group_text(
            name="Leeds Tenants Voice", core_team="[north-organiser]",
            needs="\n  - skill: motion-graphics\n    hours_per_week: 4\n    remote: true\n    note: Animate our rent-rise explainer."))
        self.south.write("content/groups/brighton-buses.md", group_text(
            name="Brighton Bus Riders", core_team="[south-organiser]",
            needs="\n  - skill: bookkeeping\n    hours_per_week: 2\n    remote: true"))
        settings = self.national.read("site.yaml")
        self.national.write("site.yaml", settings + pools_yaml(
            {"name": "north", "title": "Leeds Tenants", "url": self.servers["north"].url, "take": ["needs"]},
            {"name": "south", "title": "Brighton Buses", "url": self.servers["south"].url, "take": ["needs"]}))

    def output(self, name: str) -> Path:
        return getattr(self, name).root.parent / f"{name}-out"

    def build_all(self) -> dict[str, str]:
        said = {name: build(getattr(self, name), self.servers[name]) for name in ("north", "south")}
        said["national"] = build(self.national, self.servers["national"])
        return said

    def close(self):
        for server in self.servers.values():
            server.close()


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def movement(tmp_path_factory):
    made = Movement(tmp_path_factory.mktemp("movement"))
    # National first: the local sites' needs are not published yet, so it warns and goes on.
    first = build(made.national, made.servers["national"])
    assert "JU600" in first and "north" in first
    made.build_all()
    yield made
    made.close()


def test_the_local_sites_match_finds_a_national_volunteer_with_reasons(movement):
    result = movement.north.tasks("match", "leeds-tenants", "--json", check=True)
    found = json.loads(result.stdout)
    assert found[0]["id"] == "national:liam-doherty"
    assert found[0]["home"] == f"{movement.servers['national'].url}/people/liam-doherty/"
    assert found[0]["pool"] == "Joined Up national"
    assert "Motion graphics (expert) ✓" in found[0]["reasons"] and "remote ✓" in found[0]["reasons"]
    # Read in a terminal too, marked by the pool's name.
    table = movement.north.tasks("match", "leeds-tenants", check=True).stdout
    assert re.search(r"national:liam-doherty\s+Liam Doherty\s+Motion graphics \(expert\) ✓", table)
    # The group's page offers him, linked to his page at home, and never makes a page of its own for him.
    page = (movement.output("north") / "groups/leeds-tenants/index.html").read_text()
    assert f'<a href="{movement.servers["national"].url}/people/liam-doherty/">Liam Doherty</a>' in page
    assert "from Joined Up national" in page
    assert not (movement.output("north") / "people/liam-doherty").exists()
    assert "liam-doherty" not in (movement.output("north") / "data/people.json").read_text()


def test_the_national_needs_board_lists_both_local_needs_linked_home(movement):
    board = (movement.output("national") / "needs/index.html").read_text()
    for url, asker, pool in ((movement.servers["north"].url + "/groups/leeds-tenants/", "Leeds Tenants Voice",
                              "Leeds Tenants"),
                             (movement.servers["south"].url + "/groups/brighton-buses/", "Brighton Bus Riders",
                              "Brighton Buses")):
        assert f'<a href="{url}">{asker}</a> <span class="from-pool">from {pool}</span>' in board
    # Counted with the national site's own people: Liam could fill the motion-graphics need.
    card = board[board.index("Leeds Tenants Voice") - 1500: board.index("Leeds Tenants Voice")]
    assert "Motion graphics" in card
    feed = (movement.output("national") / "feeds/needs.atom.xml").read_text()
    assert "Motion graphics for Leeds Tenants Voice (from Leeds Tenants)" in feed
    # The national site's open data holds its own needs only: no site republishes another's.
    needs = json.loads((movement.output("national") / "data/needs.json").read_text())["needs"]
    assert needs and not [n for n in needs if n["asked_by"]["name"] in ("Leeds Tenants Voice", "Brighton Bus Riders")]
    # A volunteer at home sees the local need among those they could help with.
    liam = (movement.output("national") / "people/liam-doherty/index.html").read_text()
    assert "Leeds Tenants Voice" in liam


def test_the_local_search_page_finds_the_national_volunteer_and_links_home(movement, browser):
    north, national = movement.servers["north"].url, movement.servers["national"].url
    browser.events.clear()
    browser.goto(f"{north}/search/?q=motion")
    browser.wait_for("document.getElementById('search-status').textContent.includes('result') && "
                     "!document.getElementById('search-form').hasAttribute('aria-busy')")
    cards = browser.evaluate("[...document.querySelectorAll('#search-results li.person-card')].map(li => "
                             "[li.dataset.person, li.querySelector('a').href, li.querySelector('.from-pool')?.textContent])")
    assert [national + "/people/liam-doherty/"] == [href for person, href, _ in cards if person == "national:liam-doherty"]
    assert ["from Joined Up national"] == [pool for person, _, pool in cards if person == "national:liam-doherty"]
    # "Only people of this site" leaves the pool out.
    browser.goto(f"{north}/search/?q=motion&here=yes")
    browser.wait_for("!document.getElementById('search-form').hasAttribute('aria-busy') && "
                     "document.getElementById('search-status').textContent !== 'Searching…'")
    assert browser.evaluate("document.querySelectorAll('#search-results li.person-card').length") == 0
    assert browser.problems() == []


def traces(folder: Path, *words: bytes) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in every_file(folder)
                  if any(word in path.read_bytes() for word in words))


def test_removing_the_volunteer_at_home_removes_every_trace_of_them_at_the_next_builds(movement):
    def searched():
        return [p["id"] for p in json.loads(movement.north.tasks("search", "stop-motion", "--json", check=True).stdout)]

    assert traces(movement.output("north"), b"Ottilie Frame") == ["groups/leeds-tenants/index.html"]
    assert searched() == ["national:ottilie-frame"]
    (movement.national.root / "volunteers/ottilie-frame.yaml").unlink()
    build(movement.national, movement.servers["national"])
    build(movement.north, movement.servers["north"])
    assert traces(movement.output("north"), b"Ottilie", b"ottilie-frame") == []
    assert searched() == []
    # The browser search reads the national site's own files: she is gone from them too.
    assert traces(movement.output("national"), b"ottilie-frame") == []


# --- Hostile pools --------------------------------------------------------------------------

PERSON = {"id": "ada-pool", "name": "Ada Pool", "headline": "Animator", "place": "Hove", "region": "south-east",
          "remote": True, "hours_per_week": 4, "from": None, "until": None,
          "skills": [{"id": "motion-graphics", "level": "expert"}], "updated": "2026-11-01"}
NEED = {"id": "content/groups/x.md#bookkeeping@remote", "skills": ["bookkeeping"], "hours_per_week": 2,
        "remote": True, "region": None, "until": None, "note": None, "declared": None, "could_fill": 0,
        "asked_by": {"kind": "group", "slug": "x", "name": "Pool Group", "url": "URL/groups/x/"}}


def people_file(*records: dict, version: int = 1) -> bytes:
    return json.dumps({"version": version, "build_date": "2026-11-23", "people": list(records)}).encode()


def hostile_records() -> bytes:
    return people_file(
        # Text that would be markup on a careless page: shown as text.
        {**PERSON, "name": "<script>window.pwned=1</script>Ada Pool",
         "headline": '"><img src=x onerror="window.pwned=1">Animator'},
        {**PERSON, "id": "phone-person", "name": "Phone Person", "headline": "Call me on 07700 900123"},
        {**PERSON, "id": "javascript:alert(1)", "name": "Bad Id"},
        {**PERSON, "id": "hidden-person", "name": "Hidden\u202ePerson"},
        {**PERSON, "id": "unknown-skills", "name": "Unknown Skills", "skills": [{"id": "juggling", "level": None}]},
        # Half of a character: no page could be written with it.
        {**PERSON, "id": "half-character", "name": "Half \ud800 Character"},
        # The same id as a person of the local site: both are offered, each as who they are.
        {**PERSON, "id": "zoe-local", "name": "Zoe From Away"},
    )


class Hostile:
    """A server of hostile pools: each path prefix is one way another site can go wrong."""

    def __init__(self):
        import http.server
        import threading
        import time

        self.routes: dict[str, object] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                answer = routes.get(self.path)
                try:
                    if answer is None:
                        self.send_error(404)
                    elif answer == "slow":
                        time.sleep(3)
                        self._send(people_file(PERSON))
                    elif answer == "drip":
                        self.send_response(200)
                        self.end_headers()
                        for _ in range(40):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(0.3)
                    elif answer == "drip-headers":  # never done with its headers
                        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
                        for number in range(40):
                            self.wfile.write(f"X-Slow-{number}: 1\r\n".encode())
                            self.wfile.flush()
                            time.sleep(0.3)
                    elif answer == "cut":  # chunked, and cut off in the middle of a chunk
                        self.protocol_version = "HTTP/1.1"
                        self.send_response(200)
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        self.wfile.write(b"100\r\n" + b"{" * 10)
                        self.wfile.flush()
                        self.close_connection = True
                    elif answer == "big":  # 50 MB, and says so
                        self._send(b" " * 50_000_000)
                    elif answer == "endless":  # 50 MB, without saying how much
                        self.send_response(200)
                        self.end_headers()
                        for _ in range(50):
                            self.wfile.write(b" " * 1_000_000)
                    else:
                        self._send(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hostile():
    server = Hostile()
    yield server
    server.close()


def test_hostile_pools_give_clear_warnings_and_nothing_unsafe_reaches_a_page(site, hostile, browser):
    url = hostile.url
    good_need = {**NEED, "asked_by": {**NEED["asked_by"], "url": f"{url}/good/groups/x/"}}
    hostile.routes.update({
        "/good/data/pool.json": hostile_records(),
        "/good/data/needs.json": json.dumps({"version": 1, "build_date": "2026-11-23", "needs": [
            good_need,
            {**good_need, "id": "js", "asked_by": {**NEED["asked_by"], "url": "javascript:alert(1)"}},
            {**good_need, "id": "away", "asked_by": {**NEED["asked_by"], "url": "https://elsewhere.example/groups/x/"}},
            {**good_need, "id": "phone", "note": "Ring 07700 900123"},
            {**good_need, "id": "up", "asked_by": {**NEED["asked_by"], "url": f"{url}/good/../elsewhere/x/"}},
            {**good_need, "id": "hours", "hours_per_week": 10**30},
            {**good_need, "id": "long", "note": "Help. " * 100},
        ]}).encode(),
        "/slow/data/pool.json": "slow", "/drip/data/pool.json": "drip", "/big/data/pool.json": "big",
        "/dripheaders/data/pool.json": "drip-headers", "/cut/data/pool.json": "cut",
        "/endless/data/pool.json": "endless", "/notjson/data/pool.json": b"<html>Not found</html>",
        "/version/data/pool.json": people_file(PERSON, version=2),
    })
    people_only = {"take": ["people"], "timeout_seconds": 1}
    settings = site.read("site.yaml")
    site.write("site.yaml", settings + pools_yaml(
        {"name": "good", "title": "Good Pool", "url": f"{url}/good", "timeout_seconds": 1},
        *({"name": name, "url": f"{url}/{name}", **people_only}
          for name in ("slow", "drip", "dripheaders", "cut", "big", "endless", "notjson", "version")),
        {"name": "down", "url": f"http://127.0.0.1:{free_port()}", **people_only}))
    site.profile("zoe-local", name="Zoé Local", github="zoe-local")
    site.write("content/groups/animators.md", group_text(
        name="Animators Wanted", core_team="[zoe-local]",
        needs="\n  - skill: motion-graphics\n    hours_per_week: 2\n    remote: true"))
    output = site.root.parent / "out"
    result = site.tasks("build", "--output", str(output))
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    for pool, why in (("slow", "no answer within 1 seconds"), ("drip", "it took over 5 seconds to send"),
                      ("dripheaders", "it took over 5 seconds to send"), ("cut", r"it could not be reached \(\w+\)"),
                      ("big", "the file is 50 MB, over the limit of 40 MB"),
                      ("endless", "the file is over the limit of 40 MB"), ("notjson", "it is not JSON"),
                      ("version", "it is version 2, and this site reads version 1"), ("down", "it could not be reached")):
        assert re.search(rf"data/pool.json:0:0: JU600 \(warning\) The pool '{pool}' could not be used: {why}.*; nothing of it is "
                         r"used until a fetch succeeds\.", said), (pool, said)
    for record, why in (("2 ('phone-person')", "headline holds a phone number"),
                        ("3 ('javascript:alert(1)')", "id: \"javascript:alert(1)\" does not match"),
                        ("4 ('hidden-person')", "name holds a control or invisible character"),
                        ("5 ('unknown-skills')", "none of its skills is in this site's data/skills.yaml"),
                        ("6 ('half-character')", "name holds a control or invisible character"),
                        ("2 ('js')", "it links outside the pool's site (javascript:alert(1))"),
                        ("3 ('away')", "it links outside the pool's site (https://elsewhere.example/groups/x/)"),
                        ("4 ('phone')", "note holds a phone number"),
                        ("5 ('up')", f"it links outside the pool's site ({url}/good/../elsewhere/x/)"),
                        ("6 ('hours')", "it asks for 1000000 hours a week, over 168"),
                        ("7 ('long')", "note is longer than 200 characters")):
        assert f"JU601 (warning) The pool 'good': record {record}: {why}" in said, [
            line for line in said.splitlines() if "JU601" in line]
    # The pools' state says the same, for a maintainer who asks later.
    state = site.tasks("pools", check=True).stdout
    assert "good · Good Pool" in state and "people: 2 taken, 5 refused" in state and "needs: 1 taken, 6 refused" in state
    assert "last fetch failed: no answer within 1 seconds" in state

    group = (output / "groups/animators/index.html").read_text()
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;Ada Pool" in group and "<script>window.pwned" not in group
    assert "&#34;&gt;&lt;img src=x onerror=&#34;window.pwned=1&#34;&gt;Animator" in group
    assert "Zoe From Away" in group and "Phone Person" not in group and "07700" not in group
    assert (output / "people/zoe-local/index.html").read_text().count("Zoé Local") >= 1
    assert "Pool Group" in (output / "needs/index.html").read_text()
    assert not traces(output, b"javascript:alert", b"elsewhere.example", b"Hidden\xe2\x80\xaePerson")
    found = json.loads(site.tasks("match", "animators", "--json", check=True).stdout)
    assert {"good:ada-pool", "good:zoe-local"} <= {person["id"] for person in found}
    with StaticServer(output) as served:
        browser.events.clear()
        browser.goto(f"{served.url}/groups/animators/")
        assert browser.evaluate("window.pwned") is None
        assert browser.evaluate("document.querySelectorAll('script:not([src]), img[onerror]').length") == 0
        assert browser.problems() == []

    # The good pool breaks: the last good copy is used, and says so (the others, left out now,
    # would only make each build wait for them again).
    site.write("site.yaml", settings + pools_yaml({"name": "good", "title": "Good Pool", "url": f"{url}/good"}))
    hostile.routes["/good/data/pool.json"] = b"{not json"
    result = site.tasks("build", "--output", str(output))
    said = result.stdout + result.stderr
    assert re.search(r"JU600 \(warning\) The pool .good. could not be used: it is not JSON .*; the last good copy, fetched "
                     r"\d{4}-\d\d-\d\dT[\d:]+\+00:00, is used\.", said), said
    assert "Ada Pool" in (output / "groups/animators/index.html").read_text()
    # A copy tampered with in the cache is checked again, as a fresh one is: the record is refused.
    copy = site.cache / "pools/good/people.json"
    copy.write_bytes(copy.read_bytes().replace(b'"headline": "Animator"', b'"headline": "Ring 07700 900123"', 1)
                     .replace(b'onerror=\\"window.pwned=1\\">Animator', b'Ring 07700 900123', 1))
    result = site.tasks("build", "--output", str(output), check=True)
    said = result.stdout + result.stderr
    assert "JU601 (warning) The pool 'good': record 1 ('ada-pool'): headline holds a phone number" in said
    assert "Ada Pool" not in (output / "groups/animators/index.html").read_text()
    # A copy too old no longer stands for a pool that cannot be reached: someone removed at
    # home (a takedown) leaves this site within COPY_KEPT_DAYS even while their site is down.
    state_file = site.cache / "pools/good/state.json"
    state = json.loads(state_file.read_text())
    state["people"]["fetched"] = "2026-01-01T00:00:00+00:00"
    state_file.write_text(json.dumps(state))
    result = site.tasks("build", "--output", str(output), check=True)
    said = result.stdout + result.stderr
    assert re.search(r"The pool 'good' could not be used: it is not JSON .*; the last good copy, fetched "
                     r"2026-01-01T00:00:00\+00:00, is over 14 days old; nothing of it is used", said), said
    assert "Zoe From Away" not in (output / "groups/animators/index.html").read_text()
