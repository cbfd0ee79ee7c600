"""A movement replaces its taxonomies: renamed ids keep working, removed ids are traced to the profiles using them."""


def test_checking_a_taxonomy_change_names_every_profile_that_uses_a_removed_skill(site):
    site.profile("ana-lopez")
    site.profile("ben-okri", github="ben-okri", skills="\n  - social-media")
    skills = site.read("data/skills.yaml")
    start = skills.index("  - id: video-editing")
    end = skills.index("  - id:", start + 1)
    site.write("data/skills.yaml", skills[:start] + skills[end:])

    checked = site.tasks("check", "data/skills.yaml")
    assert checked.returncode == 1
    assert checked.stdout.startswith("volunteers/ana-lopez.yaml:6:5: JU101 Unknown skill 'video-editing'.")
    assert "ben-okri" not in checked.stdout


def test_a_renamed_skill_keeps_its_old_id_working_through_an_alias(site):
    site.profile("ana-lopez")
    skills = site.read("data/skills.yaml")
    site.write("data/skills.yaml", skills.replace(
        "  - id: video-editing\n    label: Video editing\n    group: video\n    aliases: [film-editing, video-production]",
        "  - id: film-cutting\n    label: Film cutting\n    group: video\n    aliases: [film-editing]\n    renamed_from: [video-editing]"))
    assert "film-cutting" in site.read("data/skills.yaml")
    checked = site.tasks("check", "data/skills.yaml")
    assert checked.returncode == 0, checked.stdout
