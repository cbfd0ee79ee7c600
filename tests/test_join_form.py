"""The "Add yourself" form (/join/): filled with the keyboard alone in real Chromium, it writes a
profile that our own checker accepts and opens the forge's new-file page with it; it edits an
existing profile (and adds an endorsement) the same way; it is accessible, and without
JavaScript the commented template on the forge stays the way in."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

import checkers
from chromium import StaticServer, missing_tool
from conftest import make_site
from content_fixtures import group_text, proposal_text
from joinedup.load.repository import load_repository
from joinedup.load.taxonomy import load_taxonomy

FORGE = "https://github.com/joinedup-example/joinedup"
FORM_READY = "!document.getElementById('join-form').hidden"
BIO = "I edit **short films** for [campaigns](https://example.org/films).\n\n- trailers\n- interviews"


@pytest.fixture(scope="module")
def join_site(tmp_path_factory):
    """A small site with Ana (a bio, an endorsement, an e-mail), a proposal and a group, built."""
    site = make_site(tmp_path_factory.mktemp("join") / "site")
    # Her skills and languages in another order than the form's: editing keeps the file's.
    site.profile("ana-lopez", bio=f'"{BIO.replace(chr(10), chr(92) + "n")}"', endorses="[free-buses]",
                 contact='\n  email: ana@example.org\n  mastodon: "@ana@example.social"\n  website: https://ana.example.org',
                 skills="\n  - copywriting\n  - id: video-editing\n    level: expert", languages="[es, en]")
    site.write("content/proposals/free-buses.md", proposal_text())
    site.write("content/proposals/night-buses.md", proposal_text(title="Night buses", summary="Buses all night."))
    site.write("content/groups/better-buses.md", group_text())
    site.tasks("build", check=True)
    return site


@pytest.fixture(scope="module")
def join_server(join_site):
    with StaticServer(join_site.root / "output") as server:
        yield server


@pytest.fixture
def page(browser):
    browser.events.clear()
    browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    yield browser
    browser.send("Emulation.clearDeviceMetricsOverride")
    browser.send("Emulation.setEmulatedMedia", features=[])


def tab_to(browser, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if browser.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        browser.send("Input.dispatchKeyEvent", type="rawKeyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        browser.send("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)
    raise AssertionError(f"Tab never reached {selector}")


def space(browser) -> None:
    browser.press(" ", "Space", 32, text=" ")


def enter(browser) -> None:
    browser.press("Enter", "Enter", 13, text="\r")


def problems_but_free_names(page) -> list[str]:
    """The page's problems, but the 404 answers the form gets when it asks whether a new
    profile's name is free (a person's page at it: joinedup's join.js ``published``)."""
    probe = re.compile(r"(http 404: .*/people/[a-z0-9-]+/|log: Failed to load resource: .* 404 .*)")
    return [problem for problem in page.problems() if not probe.fullmatch(problem)]


def check_profile(site, relative: str, text: str):
    """Our own checker's verdict on ``text`` written at ``relative`` in the site: (volunteer, problems)."""
    path = site.root / relative
    path.write_text(text, encoding="utf-8")
    try:
        repository, found = load_repository(site.root)
    finally:
        path.unlink()
    return repository.directory.volunteers.get(path.stem), [p for p in found if p.path == relative]


def test_a_keyboard_user_fills_the_form_and_lands_on_the_forge_with_a_valid_file(page, join_site, join_server):
    taxonomy = load_taxonomy(join_site.root)[0]
    skill = next(iter(taxonomy.skills.values()))
    region = list(taxonomy.regions.values())[-1]
    page.goto(f"{join_server.url}/join/")
    page.wait_for(FORM_READY)
    assert page.evaluate("document.querySelector('h1').textContent") == "Add yourself"

    tab_to(page, "#join-name")
    page.type_text("Léa Martin-Hébert")
    tab_to(page, "#join-github")
    page.type_text("lea-mh")
    tab_to(page, "#join-headline")
    page.type_text("Video editor: campaign films, 2 a year")
    tab_to(page, "#join-bio")
    page.type_text("I cut **short films**.")
    tab_to(page, "#join-skill-filter")
    page.type_text(skill.label.lower()[:6])
    assert page.evaluate(f"!document.querySelector('input[value={skill.id}]').closest('label').hidden")
    tab_to(page, f"input[name=skill][value={skill.id}]")
    space(page)
    tab_to(page, "#join-place")
    page.type_text("Hebden Bridge")
    tab_to(page, "#join-region")
    for _ in range(len(taxonomy.regions)):
        page.press("ArrowDown", "ArrowDown", 40)
    assert page.evaluate("document.getElementById('join-region').value") == region.id
    tab_to(page, "#join-remote")
    space(page)
    tab_to(page, "#join-hours")
    page.type_text("4")
    tab_to(page, "input[name=when][value=evenings]")
    space(page)
    tab_to(page, "input[name=language]")
    space(page)
    tab_to(page, "#join-other-languages")
    page.type_text("pl, cy")
    tab_to(page, "#join-email")
    page.type_text("lea@example.org")
    tab_to(page, "#join-publish")
    space(page)
    tab_to(page, "#join-form button[type=submit]")
    enter(page)

    page.wait_for("!document.getElementById('join-result').hidden")
    assert page.evaluate("document.activeElement.id") == "join-result-heading"
    text = page.evaluate("document.getElementById('join-text').value")
    assert page.evaluate("document.getElementById('join-path').textContent") == "volunteers/lea-martin-hebert.yaml"
    link = page.evaluate("document.getElementById('join-forge-new').href")
    url = urlsplit(link)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{FORGE}/new/main/volunteers"
    assert parse_qs(url.query) == {"filename": ["lea-martin-hebert.yaml"], "value": [text]}

    volunteer, problems = check_profile(join_site, "volunteers/lea-martin-hebert.yaml", text)
    assert problems == []
    assert volunteer is not None
    assert (volunteer.name, volunteer.github, volunteer.headline) == (
        "Léa Martin-Hébert", "lea-mh", "Video editor: campaign films, 2 a year")
    assert volunteer.bio == "I cut **short films**."
    assert volunteer.skill_ids == (skill.id,)
    assert (volunteer.place, volunteer.region, volunteer.remote) == ("Hebden Bridge", region.id, True)
    assert (volunteer.availability.hours_per_week, volunteer.availability.when) == (4, ("evenings",))
    assert volunteer.languages == ("en", "pl", "cy")
    assert volunteer.contact.email == "lea@example.org"
    assert problems_but_free_names(page) == []


def test_answers_yaml_would_misread_are_written_so_that_the_checker_accepts_them(page, join_site, join_server):
    # Norwegian is "no" (YAML's false), a login may be all digits, a Polish name's letters
    # have no accent to take off, and an emoji is one character but two UTF-16 units.
    headline = "Campaign films " + "x" * 104 + "\U0001F3AC"  # 120 characters, as the schema's limit
    taxonomy = load_taxonomy(join_site.root)[0]
    skill, region = next(iter(taxonomy.skills)), next(iter(taxonomy.regions))
    page.goto(f"{join_server.url}/join/")
    page.wait_for(FORM_READY)
    page.evaluate("""((headline, skill, region) => {
      const set = (id, value) => { const field = document.getElementById(id); field.value = value;
                                   field.dispatchEvent(new Event('input')); };
      set('join-name', 'Łukasz Żółć');
      set('join-github', '12345');
      set('join-headline', headline);
      document.querySelector(`input[name=skill][value="${skill}"]`).checked = true;
      set('join-place', 'Oslo');
      document.getElementById('join-region').value = region;
      set('join-hours', '3');
      set('join-other-languages', 'no, sv');
      document.getElementById('join-publish').checked = true;
      document.querySelector('#join-form button[type=submit]').click();
    })""" + f"({json.dumps(headline)}, {json.dumps(skill)}, {json.dumps(region)})")
    page.wait_for("!document.getElementById('join-result').hidden")
    assert page.evaluate("document.getElementById('join-path').textContent") == "volunteers/lukasz-zolc.yaml"
    text = page.evaluate("document.getElementById('join-text').value")
    volunteer, problems = check_profile(join_site, "volunteers/lukasz-zolc.yaml", text)
    assert problems == [] and volunteer is not None
    assert (volunteer.github, volunteer.headline) == ("12345", headline)
    assert volunteer.languages == ("no", "sv")


def test_a_name_someone_on_the_site_has_is_refused_with_a_free_one(page, join_server):
    page.goto(f"{join_server.url}/join/")
    page.wait_for(FORM_READY)
    page.evaluate("""(() => {
      const name = document.getElementById('join-name');
      name.value = 'Ana López';
      name.dispatchEvent(new Event('input'));
      document.querySelector('#join-form button[type=submit]').click();
    })()""")
    message = page.wait_for("document.getElementById('join-id-error')?.textContent")
    assert message == "Someone on the site already has this name (ana-lopez): choose another, such as ana-lopez-2."
    assert page.evaluate("document.activeElement.id") == "join-id"  # the first field in error, the others after it
    # The name the form makes is the one the command line would suggest (load.files.suggested_id).
    from joinedup.load.files import suggested_id

    for name in ("Seán O’Brien", "2Pac Shakur", "Ǿrjan Łukasz", "Hélène  Dupré-Straße"):
        made = page.evaluate(f"""(() => {{ const field = document.getElementById('join-name'); field.value = {json.dumps(name)};
          field.dispatchEvent(new Event('input')); return document.getElementById('join-id').value; }})()""")
        assert made == suggested_id(name), name
    assert page.evaluate("document.getElementById('join-result').hidden")


def test_tab_reaches_every_control_of_the_form_in_order_with_a_visible_focus(page, join_server):
    page.goto(f"{join_server.url}/join/")
    page.wait_for(FORM_READY)
    controls = ("[...document.querySelectorAll('#join-form input, #join-form select, #join-form textarea, "
                "#join-form button')].filter(e => e.checkVisibility())")
    expected = page.evaluate(f"{controls}.map(e => e.id || e.name + '=' + e.value)")
    assert len(expected) > 40
    page.evaluate("document.getElementById('join-title').setAttribute('tabindex', '-1');"
                  "document.getElementById('join-title').focus()")
    reached, unfocused = [], []
    while len(reached) < len(expected) + 5 and (not reached or reached[-1] != expected[-1]):
        page.send("Input.dispatchKeyEvent", type="rawKeyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        page.send("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        here = page.evaluate("(e => e.id || e.name + '=' + e.value)(document.activeElement)")
        if reached and reached[-1] == here:
            continue  # a date field: Tab moves from its day to its month and year
        reached.append(here)
        visible = page.evaluate("(s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)"
                                " || s.boxShadow !== 'none')(getComputedStyle(document.activeElement))")
        if not visible:
            unfocused.append(here)
    assert reached == expected
    assert unfocused == []


def test_mistakes_are_named_beside_their_fields_and_the_first_one_gets_the_focus(page, join_server):
    page.goto(f"{join_server.url}/join/")
    page.wait_for(FORM_READY)
    page.evaluate("""(() => {
      document.getElementById('join-name').value = 'Ana';
      document.getElementById('join-id').value = 'Ana Lopez';
      document.getElementById('join-headline').value = 'Call me on 07700 900123';
      document.getElementById('join-hours').value = '90';
      document.getElementById('join-from').value = '2027-03-01';
      document.getElementById('join-until').value = '2027-01-01';
      document.getElementById('join-other-languages').value = 'fr, es, pl, cy, de, it, pt, nl';  // 9 with English
      document.querySelector('input[name=language][value=en]').checked = true;
      document.querySelector('#join-form button[type=submit]').click();
    })()""")
    page.wait_for("!!document.querySelector('.field-error')")
    errors = page.evaluate("Object.fromEntries([...document.querySelectorAll('.field-error')].map(e => [e.id, e.textContent]))")
    assert errors["language-error"] == "Choose at most 8 languages."  # as the schema says, not only the robot
    assert errors["join-id-error"].startswith("Use small letters a to z")
    assert errors["join-headline-error"].startswith("This looks like a phone number")
    assert errors["join-hours-error"] == "Write a whole number of hours from 1 to 60."
    assert errors["join-until-error"] == "The last day must be after the first day."
    assert "join-name-error" not in errors
    # The first field in error has the focus, and a screen reader reads its message with it.
    assert page.evaluate("document.activeElement.id") == "join-id"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    assert "join-id-error" in page.evaluate("document.activeElement.getAttribute('aria-describedby')").split()
    assert page.evaluate("document.getElementById('join-status').textContent").startswith(f"{len(errors)} things to fix")
    assert page.evaluate("document.getElementById('join-result').hidden")


def test_edit_my_profile_fills_the_form_from_the_page_and_endorse_adds_the_line(page, join_site, join_server):
    # "Edit this profile" on the person's page leads to the form once the page's script has run.
    page.goto(f"{join_server.url}/people/ana-lopez/")
    edit = page.wait_for("[...document.querySelectorAll('a')].find(a => a.textContent === 'Edit this profile').href")
    assert edit == f"{join_server.url}/join/?edit=ana-lopez"

    page.goto(f"{join_server.url}/join/?edit=ana-lopez&endorse=night-buses")
    page.wait_for("document.getElementById('join-name').value === 'Ana López'")
    assert page.evaluate("document.querySelector('h1').textContent") == "Edit my profile"
    assert page.evaluate("document.getElementById('join-status').textContent") == (
        'The line "- night-buses" is added under "endorses:": check your other answers, then write your profile.')
    assert page.evaluate("document.getElementById('join-id').readOnly")
    # No page shows a forge login: the person editing types their own, and is told which.
    assert page.evaluate("document.getElementById('join-github').value") == ""
    assert "your file's 'github:' line" in page.evaluate("document.getElementById('join-github-hint').textContent")
    page.evaluate("document.getElementById('join-github').value = 'ana-lopez'")
    page.evaluate("document.querySelector('#join-form button[type=submit]').click()")
    page.wait_for("!document.getElementById('join-result').hidden")
    text = page.evaluate("document.getElementById('join-text').value")
    assert page.evaluate("document.getElementById('join-forge-edit').href") == (
        f"{FORGE}/edit/main/volunteers/ana-lopez.yaml")
    page.evaluate("document.getElementById('join-copy').click()")
    copied = page.wait_for("document.getElementById('join-copy-status').textContent")
    assert copied in ("Copied. Paste it in place of the whole text of your file.",
                      "Select the text and copy it yourself (Ctrl+C).")
    assert not page.evaluate("document.getElementById('join-forge-new').checkVisibility()")

    before = join_site.read("volunteers/ana-lopez.yaml")
    try:
        volunteer, problems = check_profile(join_site, "volunteers/ana-lopez.yaml", text)
    finally:
        join_site.write("volunteers/ana-lopez.yaml", before)
    assert problems == []
    original = load_repository(join_site.root)[0].directory.volunteers["ana-lopez"]
    assert volunteer.endorses == ("free-buses", "night-buses")
    assert volunteer.bio == BIO
    unchanged = ("name", "github", "headline", "skills", "place", "region", "remote", "availability", "languages",
                 "themes", "contact")
    assert {key: getattr(volunteer, key) for key in unchanged} == {key: getattr(original, key) for key in unchanged}
    assert volunteer.skill_ids == ("copywriting", "video-editing") and volunteer.languages == ("es", "en")
    # What the form reads on the person's page never shows an address to robots.
    person_page = join_site.read("output/people/ana-lopez/index.html")
    assert re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", person_page) is None
    assert page.problems() == []


def test_an_unknown_profile_to_edit_is_named_and_the_form_stays_new(page, join_server):
    page.goto(f"{join_server.url}/join/?edit=nobody-here")
    page.wait_for("document.getElementById('join-status').textContent.includes('nobody-here')")
    assert page.evaluate("document.querySelector('h1').textContent") == "Add yourself"
    assert not page.evaluate("document.getElementById('join-id').readOnly")


def test_add_yourself_links_lead_to_the_form_with_javascript_and_to_the_template_without(page, join_site, join_server):
    page.goto(f"{join_server.url}/people/")
    links = page.evaluate("[...document.querySelectorAll('main a, footer a')].filter(a => /add yourself/i.test(a.textContent))"
                          ".map(a => a.href)")
    assert len(links) == 2 and set(links) == {f"{join_server.url}/join/"}
    # Without JavaScript: the form is hidden, and the commented template on the forge is offered.
    page_html = join_site.read("output/join/index.html")
    assert re.search(r'<form id="join-form"[^>]*\shidden\s', page_html)
    noscript = page_html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    template = html.unescape(re.search(r'href="([^"]+)"', noscript).group(1))
    url = urlsplit(template)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{FORGE}/new/main/volunteers"
    assert parse_qs(url.query)["value"][0].startswith("# yaml-language-server: $schema=schema.json\n")
    # The pages link the form itself, not the template: no page but the form's carries the template.
    people = join_site.read("output/people/index.html")
    assert "/new/main/volunteers" not in people and 'href="/join/"' in people


def test_the_form_follows_the_site_language(tmp_path):
    site = make_site(tmp_path / "site")
    site.profile("ana-lopez")
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text() + '\nDEFAULT_LANG = "fr"\n')
    site.tasks("build", check=True)
    page = site.read("output/join/index.html")
    assert "<h1 id=\"join-title\">Vous ajouter</h1>" in page
    messages = json.loads(html.unescape(re.search(r"data-messages='([^']*)'", page).group(1)))
    assert messages["skills-none"] == "Choisissez au moins une compétence."
    assert '<input type="checkbox" name="language" value="fr"> français' in page
    # The boxes are the languages spoken where French movements are, not Britain's.
    boxes = re.findall(r'name="language" value="(\w+)"', page)
    assert boxes[:2] == ["fr", "en"] and "oc" in boxes and "ht" in boxes and "cy" not in boxes and "gd" not in boxes


def unavailable(reason: str):
    missing_tool(reason)


def test_the_form_its_errors_and_its_result_have_no_wcag_22_aa_violations(browser, join_server):
    try:
        source = checkers.axe_source()
    except checkers.Unavailable as missing:
        unavailable(str(missing))
    script = browser.send("Page.addScriptToEvaluateOnNewDocument", source=source)["identifier"]
    failures = []
    try:
        for scheme, width in (("light", 1280), ("dark", 360)):
            browser.send("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
                         mobile=width < 600)
            browser.send("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])
            browser.goto(f"{join_server.url}/join/?edit=ana-lopez")
            browser.wait_for("document.getElementById('join-name').value === 'Ana López'")
            assert browser.evaluate("document.querySelector('h1').textContent") == "Edit my profile"
            failures += checkers.describe_violations(f"form ({scheme}, {width} px)", checkers.run_axe(browser))
            browser.evaluate("document.getElementById('join-github').value = 'ana-lopez'; "
                             "document.getElementById('join-hours').value = ''; "
                             "document.querySelector('#join-form button[type=submit]').click()")
            assert browser.evaluate("document.querySelectorAll('.field-error').length") == 1
            failures += checkers.describe_violations(f"errors ({scheme}, {width} px)", checkers.run_axe(browser))
            browser.evaluate("document.getElementById('join-hours').value = '3'; "
                             "document.querySelector('#join-form button[type=submit]').click()")
            assert browser.evaluate("!document.getElementById('join-result').hidden")
            failures += checkers.describe_violations(f"result ({scheme}, {width} px)", checkers.run_axe(browser))
    finally:
        browser.send("Page.removeScriptToEvaluateOnNewDocument", identifier=script)
        browser.send("Emulation.clearDeviceMetricsOverride")
        browser.send("Emulation.setEmulatedMedia", features=[])
    assert failures == [], "\n".join(failures)
