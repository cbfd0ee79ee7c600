"""The checker speaks to people, not parsers: each common mistake in a profile gets its own
explanation, at the line to change, with the corrected line where there is one.

Each test writes the mistake as a volunteer makes it in the forge's web editor, runs the
checker, and asserts what that volunteer reads.
"""

from __future__ import annotations

import re

import pytest

from conftest import profile_text
from joinedup.load.repository import load_repository


def line_of(text, needle):
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


def problems_for(site, id="lea-martin", only=None):
    _, found = load_repository(site.root, only=only)
    return [p for p in found if p.path == f"volunteers/{id}.yaml"]


def write(site, text, id="lea-martin"):
    site.write(f"volunteers/{id}.yaml", text)
    return text


# --- YAML the parser cannot read ---------------------------------------------------------


def test_a_colon_inside_text_asks_for_quotes_and_shows_the_corrected_line(site):
    text = write(site, profile_text(headline="Monteuse vidéo : films de campagne"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line) == ("JU001", line_of(text, "headline:"))
    assert problem.message == ("The text of 'headline' holds a colon followed by a space, which YAML reads as the "
                               "start of another key: put the text in quotes.")
    assert problem.hint == 'Write the line as: headline: "Monteuse vidéo : films de campagne"'


def test_a_missing_space_after_a_colon_is_reported_on_its_own_line(site):
    text = write(site, profile_text(name=None).replace("github:", "name:Léa Martin\ngithub:"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line, problem.col) == ("JU001", line_of(text, "name:Léa"), 1)
    assert problem.message == "A space is missing after the colon of 'name:', so YAML reads the whole line as text."
    assert problem.hint == "Write a space after the colon: name: Léa Martin"


def test_a_missing_space_in_a_nested_key_is_named_where_yaml_reads_it_as_text(site):
    text = write(site, profile_text(location="\n  place:Leeds"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line) == ("JU105", line_of(text, "place:Leeds"))
    assert problem.message == "'location' holds the text 'place:Leeds': a space is missing after the colon."
    assert problem.hint == "Write a space after the colon: place: Leeds"


def test_an_unindented_key_under_an_empty_key_is_reported_on_its_own_line(site):
    text = write(site, profile_text(location="\nplace: Leeds\n  region: yorkshire"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line) == ("JU001", line_of(text, "place: Leeds"))
    assert problem.message == "'place' is not indented, so YAML does not read it as part of 'location' above it."
    assert problem.hint == "Start 'place:' at the same column as 'region:' on the line below it."


def test_an_unindented_key_after_its_siblings_says_where_it_belongs_and_nothing_else(site):
    text = write(site, profile_text(location="\n  region: yorkshire\nplace: Leeds"))
    [problem] = problems_for(site)  # not also "'place' is missing in 'location'"
    assert (problem.code, problem.line) == ("JU100", line_of(text, "place: Leeds"))
    assert problem.message == ("'place' belongs under 'location:', but it is not indented, so YAML reads it as a key "
                               "of its own.")


@pytest.mark.parametrize("location, bad_line, message", [
    ("\n  place: Leeds\n    region: yorkshire", "    region",
     "'region' is indented more than 'place' on the line above it, so YAML reads it as more of that line's text."),
    ("\n  place: Leeds\n region: yorkshire", " region",
     "This line is indented less than the line above it, but not as little as any key before it: YAML cannot "
     "tell what it belongs to."),
])
def test_a_line_indented_differently_from_its_neighbours_is_reported_on_that_line(site, location, bad_line, message):
    text = write(site, profile_text(location=location))
    [problem] = problems_for(site)
    assert (problem.code, problem.line, problem.message) == ("JU001", line_of(text, bad_line), message)


def test_text_starting_with_an_at_sign_asks_for_quotes(site):
    text = write(site, profile_text(contact="\n  mastodon: @lea@social.example"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line) == ("JU001", line_of(text, "mastodon"))
    assert problem.message == "Text that starts with @ must be in quotes."
    assert problem.hint == 'Write the line as: mastodon: "@lea@social.example"'


def test_a_colon_inside_a_list_item_asks_for_quotes(site):
    text = write(site, profile_text(skills="\n  - video-editing\n  - Montage : vidéo"))
    found = problems_for(site)
    assert [(p.code, p.line) for p in found] == [("JU105", line_of(text, "Montage"))]
    assert found[0].hint == 'Write the line as: - "Montage : vidéo"'


# --- values YAML reads differently from what the person meant ----------------------------


def test_no_in_a_list_of_languages_is_explained_as_yaml_reading_false(site):
    text = write(site, profile_text(languages="[no, fr]"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line, problem.col) == ("JU105", line_of(text, "languages"), 13)
    assert problem.message == "Item 1 of 'languages' is no, which YAML reads as false, not as the text 'no'."
    assert problem.hint == ('Write it in quotes: languages: ["no", fr] ("no" is Norwegian). Without quotes, YAML '
                            'reads yes, no, on and off as true or false.')


def test_a_day_month_year_date_is_given_back_in_the_form_to_write(site):
    text = write(site, profile_text(availability="\n  hours_per_week: 6\n  until: 31/12/2026"))
    [problem] = problems_for(site)
    assert (problem.code, problem.line) == ("JU107", line_of(text, "until"))
    assert problem.message == "'until' is 31/12/2026: dates are written year-month-day, so write 2026-12-31."
    assert problem.hint == "Write the line as: until: 2026-12-31"


def test_an_ambiguous_date_offers_both_days_it_can_mean(site):
    write(site, profile_text(availability="\n  hours_per_week: 6\n  from: 03/04/2026"))
    [problem] = problems_for(site)
    assert problem.message == ("'from' is 03/04/2026: dates are written year-month-day, so write 2026-04-03 for "
                               "3 April 2026, or 2026-03-04 for 4 March 2026.")


def test_an_ended_availability_is_a_warning_for_the_profile_being_checked(site):
    text = write(site, profile_text(availability="\n  hours_per_week: 6\n  until: 2026-01-31"))
    result = site.tasks("check", "volunteers/lea-martin.yaml")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"volunteers/lea-martin.yaml:{line_of(text, 'until')}:3: JU113 (warning) 'until' is 2026-01-31, a day already "
        "past: the directory shows this person as no longer available.",
        "    hint: To go on helping, change 'until' to a later date, or remove the line if there is no end date.",
    ]
    assert problems_for(site) == []  # a full check of the directory leaves past availability to the pages


def test_two_missing_keys_are_each_reported_once(site):
    write(site, profile_text(remote=None, languages=None))
    result = site.tasks("check")
    assert result.returncode == 1
    messages = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith("volunteers/")]
    assert messages == ["JU104 The required key 'languages' is missing.", "JU104 The required key 'remote' is missing."]


def test_no_message_shows_a_schema_path(site):
    write(site, profile_text(
        skills="\n  - id: video-editing\n    level: master\n  - 7",
        availability="\n  hours_per_week: six\n  when: [evenings, evenings]\n  until: soon",
        languages="[english, no]",
        contact="\n  email: not-an-address\n  website: ftp://example.org",
        location="\n  place: LS6 2QD\n  region: yorkshire",
    ))
    found = problems_for(site)
    assert {"JU105", "JU106", "JU107", "JU110", "JU201"} <= {p.code for p in found}, [p.format_text() for p in found]
    for item in found:
        assert not re.search(r"\[\d+\]|'\w+\.\w+'", item.message), item.message


# --- labels instead of ids ---------------------------------------------------------------

FRENCH_SKILLS = """\
groups:
  - id: video
    label: "Vidéo et photo"
skills:
  - id: video-editing
    label: "Montage vidéo"
    group: video
    aliases: [film-editing]
  - id: social-media
    label: "Réseaux sociaux"
    group: video
"""
FRENCH_REGIONS = "regions:\n  - id: ile-de-france\n    label: Île-de-France\n  - id: yorkshire\n    label: Yorkshire\n"
FRENCH_THEMES = "themes:\n  - id: housing\n    label: Logement\n"


@pytest.fixture
def french_site(site):
    site.write("data/skills.yaml", FRENCH_SKILLS)
    site.write("data/regions.yaml", FRENCH_REGIONS)
    site.write("data/themes.yaml", FRENCH_THEMES)
    return site


@pytest.mark.parametrize("written", ["Montage vidéo", "montage video", "Montage vido"])
def test_a_skill_written_as_its_label_suggests_its_id_with_the_label(french_site, written):
    write(french_site, profile_text(skills=f"\n  - {written}"))
    [problem] = problems_for(french_site)
    assert problem.code == "JU101"
    assert problem.message == f"Unknown skill '{written}'. Did you mean 'video-editing' (Montage vidéo)?"
    assert problem.hint.startswith("Write the id of the skill, not its label: the site's Skills page (/skills/) shows")


def test_a_region_and_a_theme_written_as_their_labels_suggest_their_ids_and_nothing_else_is_guessed(french_site):
    write(french_site, profile_text(location="\n  place: Paris\n  region: Île-de-France", themes="[Logement]",
                                    skills="\n  - astrophysique"))
    found = {p.code: p.message for p in problems_for(french_site)}
    assert found == {
        "JU101": "Unknown skill 'astrophysique'.",
        "JU102": "Unknown region 'Île-de-France'. Did you mean 'ile-de-france' (Île-de-France)?",
        "JU103": "Unknown theme 'Logement'. Did you mean 'housing' (Logement)?",
    }


def test_a_proposal_naming_a_theme_by_its_label_gets_the_same_suggestion(french_site):
    from content_fixtures import proposal_text

    write(french_site, profile_text(), id="ana-lopez")
    french_site.write("content/proposals/free-buses.md", proposal_text(themes="[Logement]"))
    _, found = load_repository(french_site.root)
    assert [(p.path, p.message) for p in found if p.code == "JU103"] == [
        ("content/proposals/free-buses.md", "Unknown theme 'Logement'. Did you mean 'housing' (Logement)?")]


# --- the "Add yourself" template ---------------------------------------------------------


def test_the_add_yourself_template_saved_unchanged_is_refused_field_by_field(site):
    from joinedup.render.editing import new_profile_template

    text = new_profile_template()
    site.write("volunteers/your-name.yaml", text)
    found = problems_for(site, "your-name")
    assert [(p.code, p.line, p.message) for p in found] == [
        ("JU112", 0, "The file still has the template's name, 'your-name.yaml'."),
        ("JU112", line_of(text, "name: Your Name"), "Fill in 'name': it still holds the template's example, 'Your Name'."),
        ("JU112", line_of(text, "github:"), "Fill in 'github': it still holds the template's example, 'your-login'."),
        ("JU112", line_of(text, "headline:"),
         "Fill in 'headline': it still holds the template's example, 'One line on what you can do'."),
        ("JU112", line_of(text, "place:"), "Fill in 'place': it still holds the template's example, 'Your town'."),
        ("JU109", line_of(text, "publish:"),
         "'publish' is false: the profile is published only once you change it to 'publish: true'."),
    ]


def test_the_template_examples_are_refused_in_every_language_the_site_speaks(site):
    from joinedup.core.i18n import translations

    name, place = (translations("fr").gettext(example) for example in ("Your Name", "Your town"))
    assert (name, place) != ("Your Name", "Your town")
    write(site, profile_text(name=name, location=f"\n  place: {place}\n  region: yorkshire"))
    assert [(p.code, p.message) for p in problems_for(site)] == [
        ("JU112", f"Fill in 'name': it still holds the template's example, '{name}'."),
        ("JU112", f"Fill in 'place': it still holds the template's example, '{place}'."),
    ]


def test_the_add_yourself_template_leaves_consent_to_the_person_and_says_what_it_means(site):
    from joinedup.render.editing import new_profile_template

    lines = new_profile_template().splitlines()
    assert lines[-1] == "publish: false"
    assert lines[-2] == "# Change false to true to agree that everything in this file is published on the site."


# --- the ids on the site's pages ---------------------------------------------------------


def test_skills_regions_and_themes_pages_show_the_id_to_write_beside_each_label(site):
    site.profile("ana-lopez")
    site.tasks("build", check=True)
    expected = {
        "skills": ('<a href="/skills/video-editing/">Video editing</a>', "video-editing"),
        "skill-groups/video": ('<a href="/skills/video-editing/">Video editing</a>', "video-editing"),
        "regions": ('<a href="/regions/yorkshire/">Yorkshire and the Humber</a>', "yorkshire"),
        "themes": ('<a href="/themes/work/">Work and wages</a>', "work"),
    }
    for page, (label, id) in expected.items():
        html = site.read(f"output/{page}/index.html")
        item = next(part for part in re.split(r"<li[ >]", html) if label in part)
        assert (f'<span class="visually-hidden">id: </span><code class="taxonomy-id" translate="no">{id}</code>'
                in item), page
        assert "write the id, not the" in html, page
