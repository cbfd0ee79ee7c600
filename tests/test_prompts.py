"""`new profile` and `init` keep a person's work: each answer is checked as it is given,
asked again when it is wrong (with the choices as labels), and nothing is written or
deleted until every answer is good."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import BUILD_EPOCH, REPO, SiteRepo, make_upstream_copy


def answer(site: SiteRepo, *lines: str) -> subprocess.CompletedProcess:
    """Run `new profile` with ``lines`` typed at its questions, one per line."""
    return subprocess.run([sys.executable, str(REPO / "tasks.py"), "--root", str(site.root), "new", "profile"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)


def test_an_accented_name_gives_a_readable_file_name(site):
    result = answer(site, "François Hébert", "", "fhebert", "Photographe", "photography", "Lyon", "yorkshire",
                    "y", "2", "fr", "y")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "File name (id) [francois-hebert]" in result.stdout
    assert (site.root / "volunteers/francois-hebert.yaml").is_file()


def test_a_bad_answer_is_asked_again_with_labels_and_the_other_answers_are_kept(site):
    result = answer(site, "Bo Li", "", "bo-li", "Designer",
                    "Montage vidéo, graphic design",  # not a skill here: asked again
                    "video editing, Graphic design",  # labels and aliases are understood
                    "Cardiff", "Narnia", "wales",  # no such region: asked again
                    "n", "100", "3", "en, cy", "y")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Video editing (video-editing)" in result.stdout  # the choices, as labels with their ids
    assert "'Montage vidéo' is not in the list." in result.stdout
    assert "'Narnia' is not in the list." in result.stdout
    assert "from 1 to 60" in result.stdout
    data = yaml.safe_load((site.root / "volunteers/bo-li.yaml").read_text())
    assert data["name"] == "Bo Li" and data["headline"] == "Designer"
    assert data["skills"] == ["video-editing", "graphic-design"] and data["location"]["region"] == "wales"
    assert data["availability"]["hours_per_week"] == 3
    assert site.tasks("check").returncode == 0


def test_a_too_short_file_name_is_explained_with_an_example_that_works(site):
    result = site.tasks("new", "profile", "--id", "b", "--name", "Bo", "--github", "bo", "--headline", "x",
                        "--skill", "video-editing", "--place", "Cardiff", "--region", "wales", "--hours", "2",
                        "--language", "en", "--yes")
    assert result.returncode == 1
    # Not "for example 'b'": the value given was the slug of itself, and still too short.
    assert "--id: Use 2 to 63 lowercase letters, digits and hyphens, starting with a letter (for example 'ana-lopez')." \
        in result.stderr


def test_private_details_in_an_answer_are_refused_before_they_reach_a_file(site):
    result = answer(site, "Bo Li", "", "bo-li", "Call me on 07700 900123", "Designer", "graphic-design",
                    "Cardiff", "wales", "n", "3", "en", "y")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "everything in a profile is public" in result.stdout
    assert "07700" not in (site.root / "volunteers/bo-li.yaml").read_text()


def test_bad_flags_are_all_reported_and_nothing_is_written(site):
    result = site.tasks("new", "profile", "--id", "Bo Li", "--name", "Bo", "--github", "bo li", "--headline", "x",
                        "--skill", "vidoe-editing", "--place", "Cardiff", "--region", "wales", "--remote",
                        "--hours", "99", "--language", "english", "--yes")
    assert result.returncode == 1
    for flag in ("--id", "--github", "--skill", "--hours", "--language"):
        assert f"{flag}: " in result.stderr, flag
    assert "Did you mean 'video-editing' (Video editing)?" in result.stderr
    assert "5 value(s) to correct" in result.stderr
    assert not list((site.root / "volunteers").glob("*.yaml"))


def test_languages_default_to_the_sites_language_and_questions_speak_it(site):
    site.write("site.yaml", site.read("site.yaml").replace("language: en", "language: fr"))
    assert "language: fr" in site.read("site.yaml")
    result = answer(site, "Léa Martin", "", "lea-martin", "Monteuse", "video-editing", "Lyon", "yorkshire",
                    "o", "4", "", "o")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Votre nom" in result.stdout and "Your name" not in result.stdout
    assert yaml.safe_load((site.root / "volunteers/lea-martin.yaml").read_text())["languages"] == ["fr"]


def fork(tmp_path: Path) -> Path:
    root = tmp_path / "fork"
    return make_upstream_copy(root)


def init(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "tasks.py"), "init", "--language", "fr", "--name", "Ensemble",
                           "--forge-url", "https://github.com/ensemble/site", "--maintainer", "camille-martin",
                           "--takedown-contact", "mailto:vie-privee@ensemble.example", *args],
                          capture_output=True, text=True, cwd=root, stdin=subprocess.DEVNULL, timeout=300,
                          env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_init_refuses_a_low_contrast_accent_or_an_unknown_time_zone_before_it_deletes_anything(tmp_path):
    root = fork(tmp_path)
    before = files(root)
    low = init(root, "--accent", "#f5c542", "--timezone", "Europe/Paris")
    assert low.returncode == 1
    # init --language fr speaks French from the moment the language is known.
    assert "--accent: La couleur d'accent #f5c542 a un contraste de 1,62:1" in low.stderr
    assert "Erreur : rien n'a été écrit" in low.stderr and "Error:" not in low.stderr  # the refusal too
    for zone, said in (("Paris", "Vouliez-vous dire «\u00a0Europe/Paris\u00a0» ?"),
                       ("Mars/Olympus", "Fuseau horaire inconnu : «\u00a0Mars/Olympus\u00a0»")):
        refused = init(root, "--accent", "#8a1538", "--timezone", zone)
        assert refused.returncode == 1 and said in refused.stderr, refused.stderr
    assert files(root) == before  # nothing written, no example deleted
    done = init(root, "--accent", "#8a1538", "--timezone", "Europe/Paris")
    assert done.returncode == 0, done.stdout + done.stderr
    assert files(root) != before
    # A question left without an answer (the input ended) stops the command, in French too.
    stopped = subprocess.run([sys.executable, str(root / "tasks.py"), "new", "profile"], capture_output=True,
                             text=True, cwd=root, stdin=subprocess.DEVNULL, timeout=300)
    assert stopped.returncode == 1 and stopped.stderr.rstrip().endswith("Abandon."), stopped.stderr
    assert "Aborted" not in stopped.stdout + stopped.stderr


def test_an_unknown_time_zone_in_site_yaml_is_a_problem_with_a_suggestion(site):
    site.write("site.yaml", site.read("site.yaml") + "timezone: Paris\n"
               if "timezone:" not in site.read("site.yaml") else
               "\n".join("timezone: Paris" if line.startswith("timezone:") else line
                         for line in site.read("site.yaml").splitlines()) + "\n")
    result = site.tasks("check")
    assert result.returncode == 1
    assert "site.yaml:" in result.stdout and "JU106 Unknown time zone 'Paris'." in result.stdout
    assert "Did you mean 'Europe/Paris'?" in result.stdout


def test_a_closing_date_for_a_draft_is_refused_before_any_question(site):
    """A draft has no consultation: its closing date would be written and ignored."""
    site.profile("ana-lopez")
    result = site.tasks("new", "proposal", "--slug", "free-buses", "--title", "Free buses", "--summary", "Free.",
                        "--theme", "transport", "--author", "ana-lopez", "--closes", "2027-01-31")
    assert result.returncode == 1
    assert "--closes: Only a consultation closes: add --status consultation, or leave --closes out." in result.stderr
    assert not (site.root / "content/proposals/free-buses.md").exists()
    opened = site.tasks("new", "proposal", "--slug", "free-buses", "--title", "Free buses", "--summary", "Free.",
                        "--theme", "transport", "--author", "ana-lopez", "--status", "consultation",
                        "--closes", "2027-01-31")
    assert opened.returncode == 0, opened.stderr
    assert "consultation_closes: 2027-01-31" in site.read("content/proposals/free-buses.md")
