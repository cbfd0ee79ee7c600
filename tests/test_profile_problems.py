"""Every mistake a volunteer can make in the web editor: one minimal broken file each.

Each test writes a real file into a site repository in tmp_path, runs the checker, and
asserts the code, the file, the line and the words the volunteer will read.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from conftest import profile_text
from joinedup.core.problems import CODES
from joinedup.load.repository import load_repository


def line_of(text, needle):
    """The 1-based line of the first line of ``text`` that contains ``needle``."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


def problems_for(site, id="ana-lopez"):
    _, found = load_repository(site.root)
    return [p for p in found if p.path == f"volunteers/{id}.yaml"]


def only_problem(site, code, id="ana-lopez"):
    found = problems_for(site, id)
    matching = [p for p in found if p.code == code]
    assert matching, f"no {code} in {[p.format_text() for p in found]}"
    return matching[0]


def test_the_valid_profile_used_by_these_tests_has_no_problems(site):
    site.profile("ana-lopez")
    assert problems_for(site) == []


def test_yaml_syntax_error_is_reported_at_the_line_to_change_with_the_corrected_line(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(headline="[Video editor"))
    problem = only_problem(site, "JU001")
    assert (problem.line, problem.col) == (4, 11)
    assert problem.message == "The '[' here starts a list that is not closed with ']' on the same line."
    assert problem.hint == 'If this is text, put it in quotes: headline: "[Video editor"'


def test_tab_indentation_is_refused_with_its_line(site):
    text = profile_text().replace("  place: Leeds", "\tplace: Leeds")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU002")
    assert (problem.line, problem.col) == (text.split("\n").index("\tplace: Leeds") + 1, 1)
    assert "tab" in problem.message and "spaces" in problem.hint


def test_non_utf8_bytes_are_reported_with_line_and_column(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(name="Ana L\xf3pez").encode("latin-1"))
    problem = only_problem(site, "JU003")
    assert (problem.line, problem.col) == (2, 12)
    assert "0xf3" in problem.message
    assert "UTF-8" in problem.hint


def test_empty_file_and_comment_only_file_are_refused(site):
    site.write("volunteers/ana-lopez.yaml", "")
    site.write("volunteers/bo-li.yaml", "# yaml-language-server: $schema=schema.json\n")
    assert only_problem(site, "JU004").message == "The profile is empty."
    assert only_problem(site, "JU004", "bo-li").line == 1


def test_two_documents_in_one_file_are_refused(site):
    site.write("volunteers/ana-lopez.yaml", profile_text() + "---\nname: Second person\n")
    problem = only_problem(site, "JU005")
    assert problem.line == profile_text().count("\n") + 1
    assert "one profile per file" in problem.hint


def test_six_megabyte_file_is_refused_without_being_read(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(bio="x" * (6 * 1024 * 1024)))
    problem = only_problem(site, "JU006")
    assert "limit is 65,536" in problem.message


def test_twenty_thousand_deep_nesting_is_refused(site):
    site.write("volunteers/ana-lopez.yaml", "name: " + "[" * 20000 + "]" * 20000 + "\n")
    problem = only_problem(site, "JU007")
    assert problem.line == 1
    assert "deeper than 8 levels" in problem.message


def test_yaml_bomb_with_aliases_is_refused_before_expansion(site):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for letter, previous in zip("bcdefghi", "abcdefgh"):
        bomb += f"{letter}: &{letter} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    site.write("volunteers/ana-lopez.yaml", bomb)
    problem = only_problem(site, "JU008")
    assert (problem.line, problem.col) == (1, 4)
    assert "anchors and aliases" in problem.message


def test_python_tag_is_refused_and_never_constructed(site, tmp_path):
    marker = tmp_path / "pwned"
    site.write(
        "volunteers/ana-lopez.yaml",
        profile_text(name=f"!!python/object/apply:os.system ['touch {marker}']"),
    )
    problem = only_problem(site, "JU009")
    assert problem.line == 2
    assert "python/object/apply" in problem.message
    assert not marker.exists()


def test_duplicate_key_is_an_error_pointing_at_the_second(site):
    site.write("volunteers/ana-lopez.yaml", profile_text() + "name: Somebody Else\n")
    problem = only_problem(site, "JU010")
    assert problem.line == profile_text().count("\n") + 1
    assert "(first on line 2)" in problem.message


def test_symlinked_profile_is_refused_and_its_target_never_read(site, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(profile_text(name="Secret Person"))
    os.symlink(secret, site.root / "volunteers" / "ana-lopez.yaml")
    repository, found = load_repository(site.root)
    assert [p.code for p in found] == ["JU011"]
    assert "symbolic link" in found[0].message
    assert repository.directory.volunteers == {}


def test_symlinked_data_file_is_refused(site, tmp_path):
    outside = tmp_path / "regions.yaml"
    os.replace(site.root / "data" / "regions.yaml", outside)
    os.symlink(outside, site.root / "data" / "regions.yaml")
    _, found = load_repository(site.root)
    assert any(p.code == "JU011" and p.path == "data/regions.yaml" for p in found)


@pytest.mark.parametrize(
    "name, hint",
    [("Ana Lopez.yaml", "ana-lopez.yaml"), ("ana.yml", "rename it to 'ana.yaml'"), ("1ana.yaml", "starting with a letter"),
     ("a.yaml", "-a.yaml'"),  # one letter: too short an id, so not the name to suggest
     ("Hélène Dupré.yaml", "'helene-dupre.yaml'"), ("Éric.yaml", "'eric.yaml'"),  # letters transliterated
     ("Zoé Bis.yml", "rename it to 'zoe-bis.yaml'")],  # both wrong: the name given is right at once
)
def test_file_names_must_be_slugs(site, name, hint):
    site.write(f"volunteers/{name}", profile_text())
    _, found = load_repository(site.root)
    assert [p.code for p in found] == ["JU012"]
    assert found[0].path == f"volunteers/{name}"
    assert hint in found[0].hint


def test_a_misnamed_profile_is_also_checked_inside_in_the_same_run(site):
    # A volunteer renaming the file after a first check must not meet the rest only then.
    site.write("volunteers/Sophie Martin.yaml", profile_text(skills="[video-editng]", remote="oui"))
    site.write("volunteers/sophie.yml", "name: Sophie\nlocation:\n\tplace: Lyon\n")
    site.write("volunteers/Upper.YAML", "name: Upper\nlocation:\n\tplace: Lyon\n")
    repository, found = load_repository(site.root)
    codes = {(p.path, p.code) for p in found}
    assert codes >= {("volunteers/Sophie Martin.yaml", "JU012"), ("volunteers/Sophie Martin.yaml", "JU101"),
                     ("volunteers/Sophie Martin.yaml", "JU105"), ("volunteers/sophie.yml", "JU012"),
                     ("volunteers/sophie.yml", "JU002"), ("volunteers/Upper.YAML", "JU002")}
    assert not any(p.path == "volunteers/Sophie Martin.yaml" and p.line == 0 and p.code != "JU012" for p in found)
    assert repository.directory.volunteers == {}  # still not published until renamed


def test_ids_differing_only_in_case_collide(site):
    site.profile("ana-lopez")
    site.write("volunteers/Ana-Lopez.yaml", profile_text(github="someone-else"))
    _, found = load_repository(site.root)
    assert any(p.code == "JU013" and "only in case" in p.message for p in found)


def test_checking_named_files_finds_their_name_problems_as_the_whole_pass_does(site, tmp_path):
    """check of a pull request looks at its files' names only, not 100,000 others': it must find
    for each exactly what checking every name finds, and list the same profiles."""
    from joinedup.load.profiles import profile_files

    for name in ("ana-lopez", "bo-chen", "page", "ANA.yaml", "Ana.yaml", "Bo-Chen.yaml", "cy.yml", "1dee.yaml",
                 "Eve Ng.yaml", "hal\n.yaml"):
        site.write(f"volunteers/{name if '.' in name else name + '.yaml'}", profile_text())
    (site.root / "volunteers/fay-ode.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    (site.root / "volunteers/gus.yaml").mkdir()
    every_path, every_problem = profile_files(site.root)
    assert {p.code for p in every_problem} == {"JU011", "JU012", "JU013", "JU015"}  # links, names, case, reserved
    assert "volunteers/hal\n.yaml" not in every_path  # "$" would match before the newline: the whole name is an id
    for name in sorted(os.listdir(site.root / "volunteers")):
        named = f"volunteers/{name}"
        paths, problems = profile_files(site.root, {named})
        assert paths == every_path, named
        assert problems == [p for p in every_problem if p.path == named], named
    # A file inside a folder of volunteers/ (a pull request adds volunteers/gus.yaml/inner.yaml): the folder.
    (site.root / "volunteers/gus.yaml/inner.yaml").write_text(profile_text())
    paths, problems = profile_files(site.root, {"volunteers/gus.yaml/inner.yaml"})
    assert paths == every_path
    assert problems == [p for p in every_problem if p.path == "volunteers/gus.yaml"] != []


def test_two_profiles_claiming_one_login_collide(site):
    site.profile("ana-lopez")
    site.profile("ana-lopez-2", github="Ana-Lopez")
    _, found = load_repository(site.root)
    assert [(p.code, p.path, p.line, p.message) for p in found] == [
        ("JU013", "volunteers/ana-lopez-2.yaml", 3, "The login 'Ana-Lopez' also owns 'volunteers/ana-lopez.yaml'."),
        ("JU013", "volunteers/ana-lopez.yaml", 3, "The login 'ana-lopez' also owns 'volunteers/ana-lopez-2.yaml'."),
    ]


def test_top_level_list_is_refused(site):
    site.write("volunteers/ana-lopez.yaml", "- name: Ana\n")
    assert "not a list" in only_problem(site, "JU014").message


def test_reserved_id_is_refused(site):
    site.profile("page")
    _, found = load_repository(site.root)
    assert [(p.code, p.path) for p in found] == [("JU015", "volunteers/page.yaml")]


def test_unknown_key_is_reported_at_its_line_with_a_suggestion(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(headlin="typo"))
    problem = only_problem(site, "JU100")
    assert problem.line == profile_text(headlin="typo").split("\n").index("headlin: typo") + 1
    assert problem.message == "Unknown key 'headlin'. Did you mean 'headline'?"
    assert "published" in problem.hint


def test_unknown_nested_key_names_its_parent(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(location="\n  place: Leeds\n  region: yorkshire\n  street: Main"))
    problem = only_problem(site, "JU100")
    assert problem.message == "Unknown key 'street' in 'location'."
    assert problem.line == 12


def test_unknown_skill_suggests_the_closest_id(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(skills="\n  - vidoe-editing"))
    problem = only_problem(site, "JU101")
    assert problem.line == 6
    assert problem.message == "Unknown skill 'vidoe-editing'. Did you mean 'video-editing' (Video editing)?"
    assert "/skills/" in problem.hint and "data/skills.yaml" in problem.hint


def test_a_list_item_indented_further_is_said_to_continue_the_one_above(site):
    # Suggesting 'copywriting' for 'video-editing - copywriting' would drop the first skill.
    site.write("volunteers/ana-lopez.yaml", profile_text(skills="\n  - video-editing\n   - copywriting"))
    problem = only_problem(site, "JU101")
    assert problem.message.startswith("'video-editing - copywriting' is read as one item")
    assert "Did you mean" not in problem.message and "same column" in problem.hint


def test_skill_written_as_an_alias_points_to_its_id(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(skills="\n  - Video Editing"))
    assert "Did you mean 'video-editing' (Video editing)?" in only_problem(site, "JU101").message


def test_unknown_region_and_theme_are_reported(site):
    site.write(
        "volunteers/ana-lopez.yaml",
        profile_text(location="\n  place: Leeds\n  region: yorkshir", themes="[housing, climat]"),
    )
    region, theme = only_problem(site, "JU102"), only_problem(site, "JU103")
    assert region.message == "Unknown region 'yorkshir'. Did you mean 'yorkshire' (Yorkshire and the Humber)?"
    assert theme.message == "Unknown theme 'climat'. Did you mean 'climate' (Climate)?"
    assert "/regions/" in region.hint and "/themes/" in theme.hint


def test_missing_required_field_is_named(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(headline=None))
    problem = only_problem(site, "JU104")
    assert problem.message == "The required key 'headline' is missing."


def test_wrong_type_says_what_was_expected(site):
    text = site.write("volunteers/ana-lopez.yaml", profile_text(availability="\n  hours_per_week: six")).read_text()
    problem = only_problem(site, "JU105")
    assert problem.message == "'hours_per_week' should be a whole number, not text ('six')."
    assert (problem.line, problem.col) == (line_of(text, "hours_per_week"), 3)


def test_out_of_range_value_is_invalid(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(availability="\n  hours_per_week: 90"))
    assert only_problem(site, "JU106").message == "'hours_per_week' is 90; at most 60."


def test_unknown_skill_level_lists_the_allowed_levels(site):
    text = profile_text(skills="\n  - id: video-editing\n    level: master")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU106")
    assert problem.message == "'level' is 'master'; it must be one of: beginner, intermediate, expert."
    assert problem.line == line_of(text, "level: master")


def test_impossible_date_is_a_bad_date(site):
    text = profile_text(availability="\n  hours_per_week: 4\n  from: 2026-02-30")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU107")
    assert problem.message == "'from' is '2026-02-30', which is not a real date."
    assert problem.line == line_of(text, "from: 2026-02-30")
    assert "YYYY-MM-DD" in problem.hint


def test_reversed_availability_window_points_at_until(site):
    text = profile_text(availability="\n  hours_per_week: 4\n  from: 2027-01-01\n  until: 2026-06-01")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU108")
    assert problem.line == line_of(text, "until: 2026-06-01")
    assert problem.message == "'until' (2026-06-01) is before 'from' (2027-01-01)."


@pytest.mark.parametrize("value, message", [
    (None, "The line 'publish: true' is missing: the profile is published only once you add it."),
    ("false", "'publish' is false: the profile is published only once you change it to 'publish: true'."),
    ("", "'publish' is empty: the profile is published only once you write 'publish: true'."),
    ("yes please", "'publish' is text ('yes please'): the profile is published only with 'publish: true'."),
])
def test_missing_or_false_consent_is_refused_in_words_that_read(site, value, message):
    site.write("volunteers/ana-lopez.yaml", profile_text(publish=value))
    problem = only_problem(site, "JU109")
    assert problem.message == message
    assert problem.hint.startswith("Writing 'publish: true' means you agree that everything in this file is shown")


def test_template_example_left_in_a_profile_is_refused_naming_the_field(site):
    text = profile_text(name="Your Name")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU112")
    assert (problem.line, problem.message) == (2, "Fill in 'name': it still holds the template's example, 'Your Name'.")


def test_availability_that_ended_before_the_build_date_is_a_warning_when_the_file_is_checked(site):
    text = profile_text(availability="\n  hours_per_week: 4\n  until: 2026-06-01")
    site.write("volunteers/ana-lopez.yaml", text)
    _, found = load_repository(site.root, only=["volunteers/ana-lopez.yaml"], build_date=dt.date(2026, 11, 23))
    [problem] = found
    assert (problem.code, problem.severity, problem.line) == ("JU113", "warning", line_of(text, "until"))


def test_skill_listed_twice_is_a_duplicate(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(skills="\n  - video-editing\n  - video-editing"))
    problem = only_problem(site, "JU110")
    assert problem.line == 7


def test_malformed_taxonomy_entry_is_reported_in_the_data_file(site):
    text = (site.root / "data/regions.yaml").read_text()
    site.write("data/regions.yaml", text + "  - id: Atlantis Island\n    label: Atlantis\n")
    _, found = load_repository(site.root)
    problem = next(p for p in found if p.code == "JU111")
    assert problem.path == "data/regions.yaml"
    assert problem.line == text.count("\n") + 1


def test_phone_number_in_the_bio_is_refused_with_its_line(site):
    text = profile_text(bio="|\n  I organise in Leeds.\n  Call me on 07700 900123 any evening.")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU200")
    assert (problem.line, problem.col) == (line_of(text, "Call me on"), 3)
    assert "07700 900123" in problem.message


def test_international_phone_number_is_refused(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(headline="'Ring +44 (0)113 496 0000'"))
    assert only_problem(site, "JU200")


def test_dates_and_hours_are_not_mistaken_for_phone_numbers(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(bio="'Since 2024-03-01 I give 4 hours, 2025-2026 too.'"))
    assert problems_for(site) == []


@pytest.mark.parametrize("place", ["LS6 2QD", "12 Hyde Park Road"])
def test_full_postcode_or_street_address_is_refused(site, place):
    text = profile_text(location=f"\n  place: {place}\n  region: yorkshire")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU201")
    assert problem.line == line_of(text, "place:")
    assert place in problem.message


def test_outward_postcode_alone_is_fine(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(location="\n  place: Leeds LS6\n  region: yorkshire"))
    assert problems_for(site) == []


def test_email_outside_contact_is_refused(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(headline="Write to ana@example.org"))
    problem = only_problem(site, "JU202")
    assert problem.line == 4
    assert "'contact: email:'" in problem.hint


def test_control_character_is_refused_at_its_line_and_column_with_its_name(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(headline="Video\x0c editor"))
    problem = only_problem(site, "JU017")
    assert (problem.line, problem.col) == (4, 16)
    assert problem.message == ("The text holds a control character (U+000C form feed); only letters, spaces, tabs "
                               "and line ends are published.")
    assert problem.hint.startswith("Delete the U+000C form feed:")


def test_commit_whose_message_holds_a_phone_number_is_a_warning_on_the_proposal_it_changed(site):
    from content_fixtures import commit_all, init_repository, proposal_text

    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text())
    init_repository(site.root)
    sha = commit_all(site.root, "Call me on 07700 900123", name="Ana", email="ana@example.org",
                     date="2026-10-01T10:00:00Z")
    _, found = load_repository(site.root)
    [problem] = [p for p in found if p.code == "JU205"]
    assert (problem.path, problem.severity, problem.line) == ("content/proposals/free-buses.md", "warning", 0)
    assert problem.message.startswith(f"Commit {sha[:7]}, which changed this file, has a phone number in its message;")


def test_javascript_link_in_bio_is_refused(site):
    text = profile_text(bio="|\n  See [my work](javascript:alert(1)).")
    site.write("volunteers/ana-lopez.yaml", text)
    problem = only_problem(site, "JU203")
    assert problem.line == line_of(text, "javascript:")
    assert "only https://, http:// and mailto: links" in problem.message


def test_raw_html_in_bio_is_a_warning_not_an_error(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(bio="|\n  I <b>love</b> editing."))
    found = problems_for(site)
    assert [(p.code, p.severity) for p in found] == [("JU204", "warning")]


def test_all_problems_in_a_file_are_reported_in_one_run(site):
    site.write(
        "volunteers/ana-lopez.yaml",
        profile_text(headlin="x", skills="\n  - vidoe-editing", publish=None, bio="'Call 07700 900123'"),
    )
    codes = {p.code for p in problems_for(site)}
    assert {"JU100", "JU101", "JU109", "JU200"} <= codes


def test_a_committed_file_that_gitignore_ignores_is_refused(site):
    """A pull request can force-add a planted cache or an output folder: check names it."""
    from content_fixtures import commit_all, git, init_repository

    site.write(".gitignore", ".cache/\noutput/\n")
    site.profile("ana-lopez")
    site.write("output/index.html", "<p>not reviewed</p>")
    init_repository(site.root)
    git(site.root, "add", "-f", "output/index.html")
    commit_all(site.root, "Add a profile", name="Ana", email="ana@example.org", date="2026-11-01T10:00:00")
    _, problems = load_repository(site.root)
    [found] = problems
    assert (found.path, found.line, found.code) == ("output/index.html", 0, "JU016")
    assert "git rm --cached 'output/index.html'" in found.hint


def test_a_bio_that_markdown_would_crash_on_is_refused(site):
    """Lists nested 500 deep (tests/test_bounded_markdown.py has every construct, in bodies too)."""
    site.profile("ana-lopez", bio="'" + "- " * 500 + "a'")
    assert only_problem(site, "JU018").path == "volunteers/ana-lopez.yaml"


def test_a_remote_image_in_a_proposal_is_a_warning_and_is_not_published(site):
    from content_fixtures import proposal_text

    site.profile("ana-lopez")
    site.write("content/proposals/free-buses.md", proposal_text("![pixel](https://tracker.example/p.gif)\n"))
    _, problems = load_repository(site.root)
    assert [(p.path, p.code, p.severity) for p in problems] == [("content/proposals/free-buses.md", "JU207", "warning")]


def test_every_code_is_exercised_by_this_file():
    """A new code needs a broken fixture here (or in the test module of its feature)."""
    source = open(__file__, encoding="utf-8").read()
    own = {code for code in CODES if code < "JU300"}
    assert sorted(code for code in own if f'"{code}"' not in source) == []


# --- through the command line -----------------------------------------------------------


def test_check_exits_1_and_prints_path_line_col_code_message_and_hint(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(skills="\n  - vidoe-editing"))
    result = site.tasks("check")
    assert result.returncode == 1
    assert (
        "volunteers/ana-lopez.yaml:6:5: JU101 Unknown skill 'vidoe-editing'. Did you mean 'video-editing' "
        "(Video editing)?" in result.stdout
    )
    assert "hint: Write the id of the skill, not its label: the site's Skills page (/skills/)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_json_lists_problem_objects(site):
    site.write("volunteers/ana-lopez.yaml", "name: [unclosed\n")
    result = site.tasks("check", "--format", "json")
    assert result.returncode == 1
    [item] = json.loads(result.stdout)
    assert set(item) == {"path", "line", "col", "severity", "code", "message", "hint"}
    assert (item["path"], item["code"], item["severity"]) == ("volunteers/ana-lopez.yaml", "JU001", "error")


def test_check_github_format_annotates_the_line(site):
    site.write("volunteers/ana-lopez.yaml", profile_text(publish="false"))
    result = site.tasks("check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=volunteers/ana-lopez.yaml,line=")
    assert "title=JU109::" in result.stdout


def test_check_of_one_path_ignores_other_broken_files(site):
    site.profile("ana-lopez")
    site.write("volunteers/bo-li.yaml", "name: [broken\n")
    assert site.tasks("check", "volunteers/ana-lopez.yaml").returncode == 0
    assert site.tasks("check", "volunteers/bo-li.yaml").returncode == 1


def test_check_passes_on_a_clean_repository(site):
    site.profile("ana-lopez")
    result = site.tasks("check")
    assert (result.returncode, result.stdout) == (0, "")
    assert "No problems found." in result.stderr


@pytest.mark.parametrize("damage", ["missing", "not JSON", "not a schema", "a link out of the repository"])
def test_a_broken_profile_schema_is_a_problem_in_every_command_never_a_traceback(site, tmp_path, damage):
    """A fork that deletes, mangles or links volunteers/schema.json: check, build and search say
    which file and what to do, publish nothing, and never read the file a link points to."""
    site.profile("ana-lopez")
    schema = site.root / "volunteers/schema.json"
    outside = tmp_path / "outside.json"
    outside.write_text(site.read("volunteers/schema.json"), encoding="utf-8")  # a valid schema, elsewhere
    if damage == "missing":
        schema.unlink()
    elif damage == "not JSON":
        schema.write_text('{\n  "type": "object",\n  oops\n}\n', encoding="utf-8")
    elif damage == "not a schema":
        schema.write_text('{"type": 5}\n', encoding="utf-8")
    else:
        schema.unlink()
        schema.symlink_to(outside)
    where = "volunteers/schema.json:3:3: JU501 " if damage == "not JSON" else "volunteers/schema.json:0:0: JU501 "
    output = tmp_path / "output"
    for command in (["check"], ["build", "--output", str(output)], ["search", "ana"]):
        result = site.tasks(*command)
        assert result.returncode != 0, command
        said = result.stdout + result.stderr
        assert where in said, (command, said)
        assert "hint: Restore the project's own: git checkout origin/main -- volunteers/schema.json" in said
        assert "Traceback" not in said
    assert not output.exists()
