"""One privacy gate for everything published (issue #18): the attacks that got through, each refused.

Text is normalised before the privacy rules read it (full-width signs, spelled-out
addresses, dashes, invisible characters); proposals, groups and commit metadata pass the
same rules as profiles; control characters are refused in every file and never reach a
terminal; the feed writer escapes whatever a title or body holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re

import feedparser
import pytest

from conftest import make_site, profile_text
from content_fixtures import commit_all, init_repository, proposal_text, write_raw
from joinedup.core.controls import terminal_safe
from joinedup.load.privacy import normalise, private_matches
from joinedup.load.repository import load_repository
from joinedup.render.exports import PROPOSALS_JSON, write_open_data
from joinedup.render.feeds import ALL_PROPOSALS, FeedSite, proposal_feeds


def codes_of(site, path: str) -> list[tuple[str, int]]:
    _, found = load_repository(site.root)
    return [(p.code, p.line) for p in found if p.path == path]


# --- Normalisation: what looks like a phone number, an address or an e-mail is one ----------

@pytest.mark.parametrize("headline, code", [
    ("Write to ana＠example.org", "JU202"),  # full-width commercial at
    ("Write to ana﹫example.org", "JU202"),  # small commercial at
    ("Write to ana <at> example <dot> org", "JU202"),
    ("Write to ana (at) example dot org", "JU202"),
    ("Write to ａｎａ ａｔ ｅｘａｍｐｌｅ ｄｏｔ ｏｒｇ", "JU202"),  # full-width letters
    ("Ring 020–7946–0958 any evening", "JU200"),  # en dashes
    ("Ring 020—7946−0958 any evening", "JU200"),  # em dash and minus sign
    ("Ring 020\u20117946\u20110958 any evening", "JU200"),  # non-breaking hyphens
    ("Ring 020\u200b7946\u200d0958 any evening", "JU200"),  # zero-width space and joiner
    ("Ring 07700\u2060900\u00ad123 any evening", "JU200"),  # word joiner and soft hyphen
    ("Ring \u202e0958 7946 020\u202c any evening", "JU200"),  # right-to-left override
    ("Ring ０２０ ７９４６ ０９５８ any evening", "JU200"),  # full-width digits
    ("I live at 221b baker street", "JU201"),
    ("Come round to 12 old kent road, London", "JU201"),
    ("Home: hauptstraße 5", "JU201"),
    ("Post to SW1A-1AA", "JU201"),
    ("Post to sw1a–1aa", "JU201"),
    ("Post to 20500–0003", "JU201"),  # US ZIP+4 with an en dash
])
def test_text_is_normalised_before_the_privacy_rules_read_it(site, headline, code):
    site.profile("ana-lopez", headline=json.dumps(headline))
    assert codes_of(site, "volunteers/ana-lopez.yaml") == [(code, 4)]


def test_lower_case_french_street_address_is_refused(site):
    site.profile("ana-lopez", location="\n  place: 12 rue de la paix\n  region: yorkshire")
    assert codes_of(site, "volunteers/ana-lopez.yaml") == [("JU201", 10)]


NORMAL_POLITICAL_TEXT = [
    "We will build 300,000 homes a year from 2026-2030.",
    "The plan runs 2026–2030 and costs £12,000 per school.",
    "Coût total : 1 200 000 000 € sur cinq ans.",  # narrow no-break spaces
    "Under the Housing Act 1988, section 21 evictions end on 1 May 2026.",
    "Loi n° 2019-1428 du 24 décembre 2019 d'orientation des mobilités.",
    "Regulation (EU) 2016/679 and Directive (EU) 2019/1937 apply.",
    "A four-day week: 32 hours, not 40, from 01/01/2027.",
    "24 hour street lighting on 30 major road schemes and a 4 lane road ban.",
    "Every school should be on a 20 mph street; nobody should cross a 4 lane road.",
    "12 community gardens, 3 school streets and 20 mph on every residential street.",
    "Meet at the town hall at 7pm on 12 March; we meet 3 times a year.",
    "Votes at 16 in 2027, as in Scotland since 2015.",
    "Phase 2: Q3-Q4 2027, then 1.2 million more people.",
    "Read [the report](/reports/20260501-123456789.pdf) or look at gov.uk.",
]


@pytest.mark.parametrize("sentence", NORMAL_POLITICAL_TEXT)
def test_normal_political_text_is_not_mistaken_for_private_data(sentence):
    assert private_matches(sentence) == []


def test_a_proposal_of_normal_political_text_passes_and_one_with_a_phone_number_does_not(site):
    site.profile("ana-lopez")
    site.write("content/proposals/homes.md", proposal_text(
        body="\n".join(NORMAL_POLITICAL_TEXT) + "\n", summary=json.dumps(NORMAL_POLITICAL_TEXT[1])))
    assert codes_of(site, "content/proposals/homes.md") == []
    site.write("content/proposals/homes.md", proposal_text(
        body="Build homes.\n\nQuestions: ring Ana on 07700\u2013900\u2013123.\n"))
    # The front matter is lines 1-8, the body starts on line 10.
    assert codes_of(site, "content/proposals/homes.md") == [("JU200", 12)]


def test_spelled_out_address_in_a_group_summary_is_refused(site):
    from content_fixtures import group_text

    site.profile("ana-lopez")
    site.write("content/groups/better-buses.md", group_text(summary="Write to buses at example dot org"))
    assert codes_of(site, "content/groups/better-buses.md") == [("JU202", 3)]


def test_normalisation_removes_every_invisible_format_character_and_keeps_lines():
    import sys
    import unicodedata

    format_characters = "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf")
    assert normalise(f"0{format_characters}1\n2\x0c3\x1b4") == "01\n234"


# --- Commit metadata: the revision history passes the same rules -----------------------------

PHONE, EMAIL, STREET, AUTHOR_PHONE = "07700 900123", "olu.briggs@example.net", "221b baker street", "07700 900456"


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """A proposal whose history has two clean commits and four that publish something private;
    built once."""
    site = make_site(tmp_path_factory.mktemp("gate") / "site")
    site.profile("ana-lopez")
    init_repository(site.root)
    clean = {"name": "Mina Okoye", "email": "mina@example.org"}
    shas = {}

    def commit(label, message, day, who=clean, **changes):
        site.write("content/proposals/free-buses.md", proposal_text(body=f"Version {label}.\n", **changes))
        shas[label] = commit_all(site.root, message, date=f"2026-10-{day:02d}T10:00:00Z", **who)

    commit("draft", "Propose free buses", 1)
    commit("phone", f"Ring me on {PHONE} about this", 2)
    commit("email", f"Questions to {EMAIL}", 3)
    commit("street", f"Drafted at {STREET}", 4)
    commit("author", "Fix a typo", 5, who={"name": f"Pat {AUTHOR_PHONE}", "email": "pat@example.org"},
           status="consultation")
    commit("open", "Open the consultation", 6, status="consultation", consultation_closes="2026-12-05")
    result = site.tasks("build", "--output", str(site.root / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    return site, shas


def output_files(site) -> dict[str, str]:
    out = site.root / "out"
    return {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in out.rglob("*") if p.is_file()}


def test_private_commit_metadata_is_on_no_page_feed_or_export(committed):
    site, _ = committed
    files = output_files(site)
    assert "proposals/free-buses/index.html" in files and "data/proposals.json" in files
    for secret in (PHONE, EMAIL, "olu.briggs", STREET, "baker street", AUTHOR_PHONE, "Ring me on", "Fix a typo"):
        assert [name for name, text in files.items() if secret in text] == [], secret


def test_a_commit_with_private_metadata_is_a_change_by_a_contributor(committed):
    site, shas = committed
    page = site.read("out/proposals/free-buses/index.html")
    authors = [html.unescape(a) for a in re.findall(r'<span class="revision-author">([^<]*)</span>', page)]
    assert authors == ["Mina Okoye", "a change by a contributor", "a change by a contributor",
                       "a change by a contributor", "a change by a contributor", "Mina Okoye"]
    messages = [" ".join(re.sub(r"<[^>]+>", " ", m).split())
                for m in re.findall(r'<p class="revision-message">(.*?)</p>', page, re.S)]
    assert messages[0].startswith("Open the consultation · See the change")
    assert all(m.startswith("See the change") for m in messages[1:5])
    assert messages[5].startswith("Propose free buses · See the change")
    # The link to the change on the forge stays: the commit is public there already.
    assert shas["phone"] in page


def test_proposals_json_gives_null_author_and_message_for_a_withheld_commit(committed):
    site, shas = committed
    proposal = json.loads(site.read("out/data/proposals.json"))["proposals"][0]
    assert [(r["commit"], r["author"], r["message"]) for r in proposal["revisions"]] == [
        (shas["open"], "Mina Okoye", "Open the consultation"),
        (shas["author"], None, None), (shas["street"], None, None), (shas["email"], None, None),
        (shas["phone"], None, None),
        (shas["draft"], "Mina Okoye", "Propose free buses"),
    ]
    status_feed = feedparser.parse(site.read("out/feeds/status-changes.atom.xml"))
    assert not status_feed.bozo
    assert [e.summary for e in status_feed.entries] == [
        "Open for consultation since 5 October 2026, in a change by a contributor.",
        "Draft since 1 October 2026, in a change by Mina Okoye: Propose free buses"]


def test_check_warns_about_each_commit_with_private_metadata_by_its_short_id(committed):
    site, shas = committed
    result = site.tasks("check")
    assert result.returncode == 0, result.stdout + result.stderr  # warnings only
    warnings = [line for line in result.stdout.splitlines() if " JU205 " in line]
    assert sorted(warnings) == sorted([
        f"content/proposals/free-buses.md:0:0: JU205 (warning) Commit {shas[label][:7]}, which changed this file, "
        f"has {what}; the site shows it as 'a change by a contributor', without its author's name and message."
        for label, what in (("author", "a phone number in its author name"), ("street", "a street address in its message"),
                            ("email", "an e-mail address in its message"), ("phone", "a phone number in its message"))
    ])
    assert "docs/takedown.md" in result.stdout
    for secret in (PHONE, EMAIL, STREET, AUTHOR_PHONE):
        assert secret not in result.stdout


# --- Control characters --------------------------------------------------------------------

def test_form_feed_in_a_proposal_body_is_refused_at_its_line_and_column(site):
    site.profile("ana-lopez")
    text = proposal_text(body="Rent & repairs.\n\nNow,\x0c not later.\n")
    write_raw(site.root, "content/proposals/rent.md", text)
    result = site.tasks("check")
    assert result.returncode == 1
    assert ("content/proposals/rent.md:12:5: JU017 The text holds a control character (U+000C form feed); "
            "only letters, spaces, tabs and line ends are published.") in result.stdout
    assert "hint: Delete the U+000C form feed" in result.stdout


@pytest.mark.parametrize("relative, text, line", [
    ("volunteers/ana-lopez.yaml", profile_text(headline="Organiser\x0b and editor"), 4),
    ("volunteers/ana-lopez.yaml", profile_text(headline='"Organiser\\e[2J and editor"'), 4),  # a YAML escape
    ("volunteers/ana-lopez.yaml", profile_text(headline="Organiser\r and editor"), 4),  # not a line end
    ("content/proposals/rent.md", proposal_text(title='"Rent\\f and repairs"'), 2),
    ("data/themes.yaml", None, 3),
    ("site.yaml", None, 1),
])
def test_control_characters_are_refused_in_every_file(site, relative, text, line):
    site.profile("ana-lopez")
    if text is None:
        original = site.read(relative).split("\n")
        original[line - 1] += " \x1b[31m"
        text = "\n".join(original)
    write_raw(site.root, relative, text)
    _, found = load_repository(site.root)
    assert [(p.path, p.line, p.code) for p in found if p.code == "JU017"] == [(relative, line, "JU017")]


def test_crlf_line_ends_and_tabs_in_text_are_not_control_characters(site):
    write_raw(site.root, "volunteers/ana-lopez.yaml", profile_text(headline="'Organiser\tand editor'").replace("\n", "\r\n"))
    assert codes_of(site, "volunteers/ana-lopez.yaml") == []


# --- What the command line prints ----------------------------------------------------------

def test_an_escape_sequence_in_a_name_never_reaches_the_terminal(site):
    site.profile("ana-lopez")
    site.profile("bo-chen", github="bo", name='"Bo \\e]0;pwned\\a\\e[2J\\e[31mChen"')
    for command in (("search", "--skill", "video-editing"), ("search", "chen", "--json"), ("check",)):
        result = site.tasks(*command)
        assert "\x1b" not in result.stdout + result.stderr, command
        assert "\x07" not in result.stdout + result.stderr, command
    checked = site.tasks("check").stdout
    assert "volunteers/bo-chen.yaml:2:7: JU017 The text holds a control character (U+001B escape)" in checked


def test_a_bidirectional_override_in_a_name_is_printed_as_an_escape(site):
    site.profile("ana-lopez", name='"Ana \\u202eLópez"')
    table = site.tasks("search", "--skill", "video-editing")
    assert table.returncode == 0, table.stderr
    assert "\u202e" not in table.stdout and "Ana \\u202eLópez" in table.stdout
    listed = site.tasks("search", "--skill", "video-editing", "--json")
    assert "\u202e" not in listed.stdout
    assert json.loads(listed.stdout)[0]["name"] == "Ana \u202eLópez"  # the JSON means the same


def test_a_problem_quoting_a_bidirectional_override_prints_it_as_an_escape(site):
    site.profile("ana-lopez", skills='["video-\\u202eediting"]')
    result = site.tasks("check")
    assert result.returncode == 1
    assert "\u202e" not in result.stdout
    assert "JU101 Unknown skill 'video-\\u202eediting'" in result.stdout
    github = site.tasks("check", "--format", "github").stdout
    assert "\u202e" not in github and "video-\\u202eediting" in github
    listed = site.tasks("check", "--format", "json").stdout
    assert "\u202e" not in listed and "video-\u202eediting" in json.loads(listed)[0]["message"]


def test_terminal_safe_escapes_controls_and_keeps_tabs_line_feeds_and_letters():
    assert terminal_safe("Ana\x1b[2J\tLópez\n\x9b\u202e") == "Ana\\u001b[2J\tLópez\n\\u009b\\u202e"


# --- Feeds and exports carry titles and bodies as text --------------------------------------

HOSTILE_TITLE = "Rent & repairs: <b>now</b> ]]> &amp;"


@pytest.fixture
def hostile_model(site):
    site.profile("ana-lopez", name='"Ana & <i>López</i>"')
    site.write("content/proposals/rent.md", proposal_text(
        title=json.dumps(HOSTILE_TITLE), summary=json.dumps("Less rent & more <script>repairs</script> ]]>"),
        body="Rent & repairs ]]> <b>now</b>.\n"))
    repository, problems = load_repository(site.root, build_date=dt.date(2026, 11, 23))
    assert not [p for p in problems if p.is_error], problems
    agenda = repository.agenda
    # A form feed cannot come from a file (JU017): put one into the model, as a bug elsewhere might.
    proposal = dataclasses.replace(agenda.proposals["rent"], body="Rent &\x0c repairs ]]> <b>now</b>.\n")
    agenda = dataclasses.replace(agenda, proposals={"rent": proposal})
    return agenda, repository.directory


def test_feed_titles_and_bodies_are_text_whatever_they_hold(hostile_model):
    agenda, directory = hostile_model
    feeds = proposal_feeds(agenda, directory, FeedSite("Joined Up", "https://example.org", "https://forge.example/x"),
                           dt.date(2026, 11, 23))
    for path, xml in feeds.items():
        parsed = feedparser.parse(xml)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    entry = feedparser.parse(feeds[ALL_PROPOSALS]).entries[0]
    assert entry.title == HOSTILE_TITLE
    assert entry.title_detail.type == "text/plain"
    assert entry.summary == "Less rent & more <script>repairs</script> ]]>"
    assert entry.author == "Ana & <i>López</i>"
    # The body as the page shows it (sanitised HTML, <b> not kept), the form feed dropped.
    assert entry.content[0].value == "<p>Rent &amp; repairs ]]&gt; now.</p>"


def test_json_export_carries_the_title_and_body_exactly(hostile_model, tmp_path):
    agenda, directory = hostile_model
    write_open_data(tmp_path, agenda, directory, "https://example.org")
    exported = json.loads((tmp_path / PROPOSALS_JSON).read_text(encoding="utf-8"))
    proposal = exported["proposals"][0]
    assert proposal["title"] == HOSTILE_TITLE
    assert proposal["authors"][0]["name"] == "Ana & <i>López</i>"
