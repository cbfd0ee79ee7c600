"""On a French site the checker speaks French: every message and hint, codes unchanged.

A French site (``language: fr``, the French starter taxonomies) with many broken files, the
five mistakes of issue #19 among them, checked with ``tasks.py check`` as a volunteer's pull
request is: no English sentence of the library's messages may reach the output, and a few
messages are read in full. Messages are whole sentences in the catalogue (test_i18n checks
that each has a French translation); this test checks they are the ones shown.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from babel.messages.pofile import read_po

from conftest import REPO, make_site
from joinedup.core.i18n import catalogue_path
from test_i18n import marked_messages

PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]")
# English words no French sentence has, outside what is quoted from a file or typed as code.
GRAMMAR = {"the", "is", "are", "was", "must", "should", "with", "your", "you", "which", "not", "this", "that",
           "has", "have", "only", "it", "its", "of", "to", "and", "there", "when", "write", "use", "add"}
QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|'[^']*'|\[[^\]]*\]\([^)]*\)")
CODE = re.compile(r"\S*[/_.:@<>\[\]-]\S*")  # paths, keys, ids such as not-adopted
NBSP = "\u00a0"

PROFILE = """\
name: Léa Martin
github: lea-martin
headline: Monteuse vidéo pour les films de campagne
skills: [video-editing]
location:
  place: Rennes
  region: bretagne
remote: true
availability:
  hours_per_week: 4
languages: [fr]
publish: true
"""

BROKEN_FILES = {
    # The five mistakes of issue #19, and more, in profiles.
    "volunteers/colon.yaml": PROFILE.replace("headline: Monteuse vidéo pour les films de campagne",
                                             "headline: Monteuse vidéo : films de campagne"),
    "volunteers/no-space.yaml": PROFILE.replace("name: Léa Martin", "name:Léa Martin"),
    "volunteers/unindented.yaml": PROFILE.replace("  place: Rennes", "place: Rennes"),
    "volunteers/many.yaml": PROFILE.replace("skills: [video-editing]", "skills: [Montage vidéo, video-editing, video-editing]")
    .replace("languages: [fr]", "languages: [no, fr]")
    .replace("  hours_per_week: 4", "  hours_per_week: 90\n  from: 31/12/2026\n  until: 2026-02-30")
    .replace("region: bretagne", "region: bretagn")
    .replace("publish: true", "publish: false\ntelephone: 06 12 34 56 78\nendorses: [inconnue]\n"
             "bio: Appelez-moi au 06 12 34 56 78 ou écrivez à lea@example.org. <script>x</script> [ici](javascript:x)"),
    "volunteers/missing.yaml": "name: Sans Rien\nthemes: [Logement]\n",
    "volunteers/tabs.yaml": "name: Léa\nlocation:\n\tplace: Rennes\n",
    "volunteers/empty.yaml": "",
    "volunteers/list.yaml": "- un\n- deux\n",
    "volunteers/twice.yaml": PROFILE + "name: Encore\n",
    "volunteers/Léa Martin.yaml": PROFILE,
    "volunteers/Hélène Dupré.yaml": PROFILE,
    # Keys written in French: each is named in its "did you mean".
    "volunteers/en-francais.yaml": PROFILE.replace("name: ", "nom: ").replace("skills: ", "Compétences: ")
    .replace("  hours_per_week: 4", "  heures par semaine: 4"),
    "volunteers/lea.yml": PROFILE,
    "volunteers/anchor.yaml": PROFILE.replace("name: Léa Martin", "name: &nom Léa Martin\nheadline2: *nom"),
    "volunteers/quote.yaml": PROFILE.replace("name: Léa Martin", 'name: "Léa Martin'),
    "volunteers/bracket.yaml": PROFILE.replace("skills: [video-editing]", "skills: [video-editing"),
    "volunteers/votre-nom.yaml": PROFILE.replace("name: Léa Martin", "name: Votre nom"),
    "volunteers/saut-de-page.yaml": PROFILE.replace("  place: Rennes", "  place: Ren\fnes"),
    # Proposals and groups.
    "content/proposals/velos.md": """\
        ---
        title: Des vélos pour tous
        summary: Un vélo pour chaque habitant.
        date: 2026-10-01
        status: brouillon
        themes: [velo]
        authors: [personne-inconnue]
        group: groupe-inconnu
        synthesises: [velos, autre-inconnue]
        needs: [montage]
        sujet: inconnu
        ---

        Le texte.
        """,
    "content/proposals/consultation.md": """\
        ---
        title: Une consultation sans fin
        summary: Une consultation qui ne dit pas quand elle se termine.
        date: 2026-10-01
        status: consultation
        themes: [housing]
        authors: [lea-martin]
        ---

        Le texte <iframe src="https://example.org"></iframe> et <b onclick="x">gras</b>.
        """,
    "content/proposals/modele.md": """\
        ---
        title: Un modèle resté tel quel
        summary: Les lignes que new proposal écrit pour les auteurs.
        date: 2026-10-01
        status: draft
        themes: [housing]
        authors: [lea-martin]
        ---

        ## Ce que nous proposons

        Le changement, en mots simples. Soyez précis : qui fait quoi, pour quand, financé comment.
        """,
    "content/proposals/sans-entete.md": "Pas d'en-tête ici.\n",
    "content/proposals/pas-fermee.md": "---\ntitle: Jamais fermée\n\nLe texte commence ici.\n",
    "content/groups/cyclistes.md": """\
        ---
        name: Les cyclistes
        summary: Des gens à vélo.
        core_team: [inconnue]
        review: 2026-01-01
        needs:
          - skill: montage
            hours_per_week: 2
          - skill: video-editing
            remote: true
            until: 2026-01-31
          - skill: video-editing
            remote: oui
        ---

        Le groupe.
        """,
}


def english_fragments() -> dict[str, str]:
    """Each English piece of a library message (its text between placeholders, 12 characters
    or more) that its French translation does not keep as it is, with the message it is from."""
    with open(catalogue_path("fr"), "rb") as handle:
        catalogue = read_po(handle, locale="fr")
    french = {m.id: m.string for m in catalogue if isinstance(m.id, str) and m.string}
    library = marked_messages()
    fragments = {}
    for message in library:
        if message not in french:
            continue
        for piece in PLACEHOLDER.split(message):
            piece = piece.strip(" .:;,'()")
            if len(piece) >= 12 and re.search(r"[a-z]{3} [a-z]{2,}", piece) and piece not in french[message]:
                fragments[piece] = message
    return fragments


def french_site(root):
    """An empty French site: site.yaml in French, the French starter's taxonomies and profile schema (as init
    writes them)."""
    site = make_site(root)
    shutil.rmtree(site.root / "data")
    shutil.copytree(REPO / "starter/fr/data", site.root / "data")
    shutil.copy2(REPO / "starter/fr/volunteers/schema.json", site.root / "volunteers/schema.json")
    settings = site.read("site.yaml").replace("language: en", "language: fr")
    site.write("site.yaml", settings.replace('timezone: "Europe/London"', 'timezone: "Europe/Paris"'))
    return site


@pytest.fixture(scope="module")
def french_check(tmp_path_factory):
    """``check`` on a French site full of mistakes: (text output, JSON problems)."""
    import textwrap

    site = french_site(tmp_path_factory.mktemp("french-checker") / "site")
    settings = site.read("site.yaml").replace('"#0b5d4b"', '"#f5c542"')
    settings = settings.replace('timezone: "Europe/Paris"', 'timezone: "Paris"')
    site.write("site.yaml", settings + "logo: images/absent.svg\n")
    site.write("volunteers/lea-martin.yaml", PROFILE)
    for relative, text in BROKEN_FILES.items():
        path = site.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    text = site.tasks("check")
    as_json = site.tasks("check", "--format", "json")
    assert text.returncode == 1 and as_json.returncode == 1, text.stderr
    return text.stdout + text.stderr, json.loads(as_json.stdout)


def test_the_broken_french_site_meets_most_of_the_checkers_codes(french_check):
    _, problems = french_check
    codes = {p["code"] for p in problems}
    expected = {"JU001", "JU002", "JU004", "JU008", "JU010", "JU012", "JU014", "JU017", "JU100", "JU101", "JU102",
                "JU103", "JU104", "JU105", "JU106", "JU107", "JU109", "JU110", "JU112", "JU200", "JU202", "JU203",
                "JU400", "JU401", "JU402", "JU403", "JU404", "JU406", "JU408", "JU409", "JU412", "JU413", "JU416", "JU500",
                "JU501"}
    assert sorted(expected - codes) == []


def test_no_english_message_reaches_the_french_checkers_output(french_check):
    output, problems = french_check
    fragments = english_fragments()
    assert len(fragments) > 200  # the library's messages are marked, so the scan knows them
    found = sorted({f"{fragment!r} (from {message!r})" for fragment, message in fragments.items() if fragment in output})
    assert found == []
    assert "hint:" not in output and "conseil :" in output
    assert all(p["message"] and p["hint"] for p in problems)
    # And, whatever is marked: no English grammar words outside quoted values and code.
    english = {f"{p['code']}: {word}" for p in problems for text in (p["message"], p["hint"])
               for word in re.findall(r"[^\W\d_]+", CODE.sub(" ", QUOTED.sub(" ", text))) if word.lower() in GRAMMAR}
    assert sorted(english) == []


def test_french_messages_read_as_french_sentences(french_check):
    output, problems = french_check
    messages = {(p["path"], p["code"], p["message"]) for p in problems}
    q = lambda text: f"«{NBSP}{text}{NBSP}»"  # noqa: E731
    assert ("volunteers/many.yaml", "JU101",
            f"Compétence inconnue : {q('Montage vidéo')}. Vouliez-vous dire {q('video-editing')} (Montage vidéo) ?") in messages
    assert ("volunteers/colon.yaml", "JU001",
            f"Le texte de {q('headline')} contient un deux-points suivi d'une espace, que YAML lit comme le début "
            "d'une autre clé : mettez le texte entre guillemets.") in messages
    assert ("volunteers/many.yaml", "JU105",
            f"L'élément 1 de {q('languages')} vaut no, que YAML lit comme false, et non comme le texte {q('no')}.") in messages
    assert ("volunteers/many.yaml", "JU107",
            f"{q('from')} vaut 31/12/2026 : les dates s'écrivent année-mois-jour, écrivez donc 2026-12-31.") in messages
    assert ("site.yaml", "JU106", f"Fuseau horaire inconnu : {q('Paris')}.") in messages
    # Numbers written as French writes them.
    assert any(code == "JU500" and "1,62:1" in message and "4,5:1" in message for _path, code, message in messages)
    for written, key in (("nom", "name"), ("Compétences", "skills"), ("heures par semaine", "hours_per_week")):
        assert any(path == "volunteers/en-francais.yaml" and code == "JU100" and message.startswith("Clé inconnue")
                   and message.endswith(f"Vouliez-vous dire {q(key)} ?") and q(written) in message
                   for path, code, message in messages), (written, key)
    # Not also said to be missing: the key written for it is where the problem is.
    assert not any(path == "volunteers/en-francais.yaml" and code == "JU104" for path, code, _ in messages)
    hints = {(p["path"], p["code"], p["hint"]) for p in problems}
    # A group's need says how to write remote as a profile does.
    assert any(path == "content/groups/cyclistes.md" and "«\u00a0remote: true\u00a0» ou «\u00a0remote: false\u00a0»" in hint
               for path, _code, hint in hints), sorted(h for h in hints if h[0] == "content/groups/cyclistes.md")
    # A file's name: the name to give it, its letters without their accents.
    assert ("volunteers/Hélène Dupré.yaml", "JU012", "Utilisez des lettres minuscules, des chiffres et des traits "
            f"d'union, en commençant par une lettre : {q('helene-dupre.yaml')}.") in hints
    assert ("volunteers/lea.yml", "JU012",
            f"Chaque profil est un fichier nommé <id>.yaml ; renommez-le en {q('lea.yaml')}.") in hints
    # A control character is named in French, its code kept.
    assert ("volunteers/saut-de-page.yaml", "JU017", "Le texte contient un caractère de contrôle (U+000C saut de page) ; "
            "seuls les lettres, espaces, tabulations et fins de ligne sont publiés.") in messages
    # The library's own schemas give hints in French too (proposals, groups, site.yaml).
    assert "conseil : Ce que le groupe veut accomplir, une ligne par objectif." in output
    assert not re.search(r"(?<!\d)2 erreur\(s\)", output) and re.search(r"\d+ erreur\(s\), \d+ avertissement\(s\)\.", output)
    # Codes, paths and the values quoted from the files are as written.
    assert re.search(r"^volunteers/no-space\.yaml:1:1: JU001 Il manque une espace après le deux-points de "
                     f"{q('name:')}", output, re.M)


def test_search_and_match_print_in_french_and_keep_the_ids_to_type(tmp_path):
    site = french_site(tmp_path / "site")
    site.write("volunteers/lea-martin.yaml", PROFILE)
    site.write("content/groups/films.md", """\
        ---
        name: Films de campagne
        needs:
          - skill: video-editing
            remote: true
            hours_per_week: 2
          - skill: legal-advice
            region: bretagne
        ---
        """)
    found = site.tasks("match", "films")
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == f"Besoin 1 du groupe «{NBSP}films{NBSP}» : video-editing · à distance · 2{NBSP}h/semaine"
    assert lines[1].split() == ["#", "score", "id", "nom", "pourquoi"]
    assert lines[2].split()[2:5] == ["lea-martin", "Léa", "Martin"]
    assert lines[-2:] == [f"Besoin 2 du groupe «{NBSP}films{NBSP}» : legal-advice · en bretagne", "Personne ne correspond."]
    assert found.stderr.startswith("Index de recherche reconstruit (pas encore d'index) : 1 profil.")
    # Plain French words are read as the filters they name.
    plain = site.tasks("search", "montage", "vidéo", "à", "distance", "4", "heures", "ce", "mois-ci")
    assert plain.returncode == 0, plain.stderr
    assert "--skill video-editing --remote --min-hours 4 --until 2026-11-30" in plain.stderr
    assert "lea-martin" in plain.stdout
    searched = site.tasks("search", "--skill", "video-editing")
    assert searched.stdout.splitlines()[0].split() == ["#", "score", "id", "nom", "pourquoi"]
    unknown = site.tasks("search", "--skill", "montag")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(f"Erreur : compétence inconnue : «{NBSP}montag{NBSP}». Vouliez-vous dire")
    nothing = site.tasks("match", "absent")
    assert f"Il n'y a ni proposition ni groupe nommé «{NBSP}absent{NBSP}»" in nothing.stderr


def test_a_pull_requests_check_says_what_it_checks_in_french(tmp_path):
    from content_fixtures import commit_all, init_repository

    site = french_site(tmp_path / "site")
    site.write("volunteers/lea-martin.yaml", PROFILE)
    init_repository(site.root)
    commit_all(site.root, "Léa", name="Léa Martin", email="lea@example.org", date="2026-11-01T12:00:00")
    site.write("volunteers/lea-martin.yaml", PROFILE.replace("Rennes", "Brest"))
    result = site.tasks("check", "--changed-since", "main")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "Vérification de 1 fichier(s) : modifiés depuis main, et ce qui y renvoie.", "Aucun problème trouvé."]


def test_a_french_site_with_mistakes_says_in_french_that_its_build_failed(tmp_path):
    site = french_site(tmp_path / "site")
    site.write("volunteers/lea-martin.yaml", PROFILE.replace("  place: Rennes", "  place: Ren\fnes"))
    built = site.tasks("build")
    assert built.returncode == 1
    assert re.search(r"^volunteers/lea-martin\.yaml:6:13: JU017 Le texte contient un caractère de contrôle "
                     r"\(U\+000C saut de page\) ;", built.stdout, re.M), built.stdout
    assert "conseil : Supprimez ce caractère (U+000C saut de page) : la plupart des éditeurs" in built.stdout
    assert built.stderr.splitlines()[-1] == ("La construction a échoué : 1 erreur(s) dans le contenu ; rien n'a été "
                                             "publié. output n'a pas changé.")
    assert "Build failed" not in built.stderr and "unchanged" not in built.stderr
