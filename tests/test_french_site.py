"""A French site speaks French end to end: no English reaches its pages, feeds, schema or the files it hands out.

The site is what a French movement gets: a copy of the repository made French with
``init --language fr``, then French profiles, a group with needs and a proposal, committed
to git so the feeds have a history. Everything the interface writes is then scanned for
English words; the contributors' own text is French, so any English found is ours.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import BUILD_EPOCH, REPO, make_upstream_copy
from content_fixtures import git

FORGE = "https://github.com/ensemble/site"
INIT = ["init", "--language", "fr", "--name", "Ensemble pour demain", "--accent", "#8a1538", "--forge-url", FORGE,
        "--maintainer", "camille-martin", "--takedown-contact", "mailto:vie-privee@ensemble.example",
        "--timezone", "Europe/Paris"]

# English words that are not French words too ("on", "an", "as", "page", "date", "contact",
# "type", "public" are both, so they are not here).
ENGLISH = set("""
the and of to in for with by from is are be was were been it its this that these those there here
you your yours we our they their them he she his her who what when where why how which
not all any each every only also other more most some than then but if or so because
can could will would should must may might do does did has have had
proposal proposals people person skill skills available availability since change changes changed
everything published publish name chosen hour hours week weeks day days month months year years ago
remote region regions theme themes group groups help helper helpers volunteer volunteers
search results result find edit add yourself join profile profiles updated until ended near
words match matches matched file files write line new start read more back next previous
show hide skip home about privacy status statuses draft adopted withdrawn closes closed open opens
today tomorrow yesterday built history feed feeds subscribe summary title none nobody
everyone someone anyone language languages level beginner intermediate evenings weekends
daytime flexible town login headline one two three see use used using need needs needed wanted
endorse endorses endorsed endorsement endorsements author authors by team member members goals
""".split())

# Outside a tag's text, these attributes are read by people (and by screen readers).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
WORD = re.compile(r"[^\W\d_]+")
URL = re.compile(r"(?:https?|mailto):\S+|\S*/\S*")


FRENCH_BORROWINGS = re.compile(r"\bweek-ends?\b", re.I)
# Not ours to translate: the forge's buttons, named as the forge shows them, and YAML keys
# quoted as they are typed ("sous « endorses: »").
FORGE_BUTTONS = re.compile(r"Commit changes|Propose changes|Create pull request|Fork this repository|Files changed"
                           r"|Edit file|Delete file|Review changes|Approve|Artifacts")
YAML_KEY = re.compile(r"\b[a-z_]+:(?!\w)")
# Values that are ids the schema fixes (`status: draft`), in the files handed out.
ID_KEYS = ("status",)


def english_words(text: str) -> list[str]:
    """The English words in ``text`` (addresses left out), in order."""
    text = YAML_KEY.sub(" ", FORGE_BUTTONS.sub(" ", FRENCH_BORROWINGS.sub(" ", URL.sub(" ", text))))
    return [word for word in WORD.findall(text) if word.lower() in ENGLISH]


class PageText(HTMLParser):
    """What a reader of the page meets: text (not scripts, styles or code) and read attributes,
    the page's description, and the words search.js shows (its data-messages)."""

    SKIPPED = {"script", "style", "code", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        self.texts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "meta" and attributes.get("name") == "description":
            self.texts.append(attributes.get("content") or "")
        if attributes.get("data-messages"):
            self.texts += list(_strings(json.loads(attributes["data-messages"])))
        for name in ("data-show", "data-hide", "data-copied"):
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def _strings(value):
    if isinstance(value, str):
        yield re.sub(r"%\(\w+\)s", " ", value)  # a slot search.js fills (a skill, a date), not words
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def handed_out_words(text: str) -> list[str]:
    """The words of a file the site hands out (YAML or Markdown with front matter): its comments,
    values and text; the keys, which are the schema's, are left out."""
    found = []
    for line in text.splitlines():
        if line.startswith("# yaml-language-server:"):
            continue
        comment = re.match(r"\s*#(?!#)(.*)", line)
        key = re.match(r"\s*(?:- )?([a-z_]+):(.*)", line)
        if key and key[1] in ID_KEYS or re.fullmatch(r"\s*- [a-z0-9-]+", line):
            continue
        found += english_words(comment[1] if comment else key[2] if key else line.lstrip("#"))
    return found


def tasks(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(root / "tasks.py"), *args], capture_output=True, text=True,
                            cwd=root, stdin=subprocess.DEVNULL, timeout=600,
                            env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})
    assert result.returncode == 0, f"tasks.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


CAMILLE = """\
# yaml-language-server: $schema=schema.json
name: Camille Martin
github: camille-martin
headline: Graphiste bénévole pour les affiches du collectif
bio: Je dessine des affiches et des tracts depuis dix ans.
skills:
  - id: graphic-design
    level: expert
  - video-editing
themes: [transport]
location:
  place: Lyon
  region: auvergne-rhone-alpes
remote: true
availability:
  hours_per_week: 6
  when: [evenings]
  from: 2026-01-01
  until: 2027-03-01
languages: [fr, en]
contact:
  email: camille@ensemble.example
endorses: [bus-gratuits]
publish: true
"""

LUCIE = """\
# yaml-language-server: $schema=schema.json
name: Lucie Bernard
github: lucie-bernard
headline: Monteuse de films militants
skills:
  - video-editing
location:
  place: Rennes
  region: bretagne
remote: false
availability:
  hours_per_week: 2
  from: 2027-01-15
languages: [fr]
publish: true
"""

PROPOSAL = """\
---
title: Bus gratuits pour les moins de 25 ans
summary: Des trajets en bus gratuits pour toutes les personnes de moins de 25 ans.
date: 2026-10-01
status: draft
themes: [transport]
authors: [camille-martin]
group: collectif-bus
needs: [graphic-design]
---

Les jeunes prennent le bus tous les jours ; le prix les en empêche souvent.
"""

GROUP = """\
---
name: Collectif des bus
summary: Usagers et cartographes qui défendent de meilleurs bus.
sponsor: Le groupe de travail transports
vision: Personne n'est isolé faute de voiture.
mission: Nous cartographions les trous du réseau et écrivons des propositions.
goals:
  - Recenser les lignes du soir qui manquent dans dix villes.
core_team: [camille-martin]
review: 2027-03-01
needs:
  - skill: video-editing
    hours_per_week: 4
    remote: true
    region: bretagne
    until: 2027-02-01
---

Le collectif se réunit chaque mois.
"""


class FrenchFork(NamedTuple):
    """The French movement's repository and what the command line printed while it was made."""

    root: Path
    initialised: subprocess.CompletedProcess
    built: subprocess.CompletedProcess
    built_again: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def french_fork(tmp_path_factory) -> FrenchFork:
    """A French movement's repository (init --language fr, French content, git history), built,
    then built again with nothing changed."""
    root = tmp_path_factory.mktemp("french") / "ensemble"
    make_upstream_copy(root)
    initialised = tasks(root, *INIT)
    (root / "volunteers/camille-martin.yaml").write_text(CAMILLE, encoding="utf-8")
    (root / "volunteers/lucie-bernard.yaml").write_text(LUCIE, encoding="utf-8")
    (root / "content/groups").mkdir(parents=True, exist_ok=True)
    (root / "content/groups/collectif-bus.md").write_text(GROUP, encoding="utf-8")
    (root / "content/proposals").mkdir(parents=True, exist_ok=True)
    (root / "content/proposals/bus-gratuits.md").write_text(PROPOSAL, encoding="utf-8")
    who = {"name": "Camille Martin", "email": "camille@ensemble.example", "date": "2026-10-01T10:00:00+00:00"}
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Premiers contenus", **who)
    proposal = root / "content/proposals/bus-gratuits.md"
    proposal.write_text(PROPOSAL.replace("status: draft", "status: consultation\nconsultation_closes: 2027-01-31"),
                        encoding="utf-8")
    git(root, "commit", "-q", "-am", "Ouverture de la consultation", **{**who, "date": "2026-11-02T10:00:00+00:00"})
    tasks(root, "check")
    built = tasks(root, "build")
    return FrenchFork(root, initialised, built, tasks(root, "build"))


@pytest.fixture(scope="module")
def french_site(french_fork) -> Path:
    return french_fork.root


# What the command line prints may quote commands and paths, which stay as typed.
COMMAND = re.compile(r"python tasks\.py[\w -]*")
# English the build, init and owners printed before they spoke the site's language.
PRINTED_IN_ENGLISH = ("Built", "pages into", "unchanged", "Nothing changed", "Pagefind indexed", "index reused",
                      "Ready", "Next:", "wrote ", "removed ", "Wrote", "Check it with", "MISSING", "needs approval",
                      "approval they", "Serving", "Stopped", "Ctrl-C to stop")


def printed_english(text: str) -> list[str]:
    """The English in what a command printed: known phrases, and English words outside commands and paths."""
    return [phrase for phrase in PRINTED_IN_ENGLISH if phrase in text] + english_words(COMMAND.sub(" ", text))


def test_init_and_build_print_in_french_and_a_second_build_says_nothing_changed(french_fork):
    initialised = french_fork.initialised.stdout + french_fork.initialised.stderr
    assert re.search(r"^écrit    site\.yaml$", initialised, re.M)
    assert re.search(r"^supprimé volunteers/ana-lopez\.yaml$", initialised, re.M)
    assert initialised.splitlines()[-1] == "Prêt. Ensuite : python tasks.py new profile, puis python tasks.py build."
    built = french_fork.built.stderr
    assert re.search(r"^Pagefind a indexé le site en \d+,\d s\.$", built, re.M), built
    assert re.fullmatch(r"\d+ pages construites dans output en \d+,\d s\.", built.splitlines()[-1]), built
    again = french_fork.built_again.stderr.splitlines()
    assert again[0] == "Rien n'a changé depuis la dernière construction.", again
    assert re.fullmatch(r"\d+ pages construites dans output en \d+,\d s\.", again[-1])
    assert [printed_english(text) for text in (initialised, built, french_fork.built_again.stderr)] == [[], [], []]


def test_new_profile_owners_and_serve_print_in_french(french_site, tmp_path):
    made = tasks(french_site, "new", "profile", "--id", "lea-petit", "--name", "Léa Petit", "--github", "lea-petit",
                 "--headline", "Cartographe des lignes de bus", "--skill", "graphic-design", "--place", "Nantes",
                 "--region", "pays-de-la-loire", "--remote", "--hours", "3", "--language", "fr", "--yes")
    (french_site / "volunteers/lea-petit.yaml").unlink()
    assert made.stdout == ("volunteers/lea-petit.yaml écrit. Vérifiez-le avec : "
                           "python tasks.py check volunteers/lea-petit.yaml\n")

    # The last commit opened the proposal's consultation; Lucie, who approves nothing, opened the pull request.
    status = tmp_path / "status.json"
    judged = subprocess.run([sys.executable, str(french_site / "tasks.py"), "owners", "--author", "lucie-bernard",
                             "--changed-since", "HEAD~1", "--status-file", str(status)],
                            capture_output=True, text=True, cwd=french_site, timeout=300)
    assert judged.returncode == 1, judged.stderr
    missing = "MANQUE   content/proposals/bus-gratuits.md : il faut l'approbation de @camille-martin"
    assert judged.stdout.splitlines() == [
        f"{missing} (un auteur ou une autrice) ou de l'équipe de maintenance (@camille-martin)",
        f"{missing} (son statut passe de draft à consultation : c'est au mouvement de décider)"]
    assert judged.stderr == "1 fichier(s) modifié(s) sur 1 en attente d'approbation.\n"
    assert json.loads(status.read_text(encoding="utf-8"))["description"].startswith(
        "1 fichier(s) modifié(s) sur 1 en attente d'approbation. content/proposals/bus-gratuits.md : il faut "
        "l'approbation de @camille-martin")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Ctrl-C as a terminal sends it, even when the suite itself runs as a background job (a shell
    # without job control starts those with SIGINT ignored, and a child inherits that).
    serving = subprocess.Popen([sys.executable, str(french_site / "tasks.py"), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=french_site,
                               env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        said = [serving.stdout.readline() for _ in range(2)]
        serving.send_signal(signal.SIGINT)
        rest, errors = serving.communicate(timeout=60)
    finally:
        serving.kill()
    assert re.fullmatch(r"\d+ pages construites en \d+,\d s\.\n", said[0]), said + [errors]
    assert said[1] == f"output servi sur http://127.0.0.1:{port}/  (Ctrl-C pour arrêter)\n"
    assert rest == "Arrêté.\n"
    # "draft" is the status as the file writes it (ID_KEYS).
    judged_text = judged.stdout.replace("de draft à", "") + judged.stderr
    assert [printed_english(text) for text in (made.stdout, judged_text, "".join(said) + rest + errors)] == [[], [], []]


def test_no_english_on_the_pages_of_a_french_site(french_site):
    left = {}
    pages = sorted((french_site / "output").rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        parser = PageText()
        parser.feed(path.read_text(encoding="utf-8"))
        words = english_words(" ".join(parser.texts))
        if words:
            left[path.relative_to(french_site / "output").as_posix()] = sorted(set(words))
    assert left == {}, "\n".join(f"{page}: {words}" for page, words in left.items())


def test_the_people_who_could_help_show_labels_and_dates_in_french(french_site):
    group = (french_site / "output/groups/collectif-bus/index.html").read_text(encoding="utf-8")
    helpers = group[group.index('class="helpers"'):]
    # Camille Martin, the group's core team, is no longer offered to it (issue 21 item 6): Lucie is.
    assert "lucie-bernard" in helpers and "camille-martin" not in helpers[:helpers.index("</section>")]
    assert "Montage vidéo ✓" in helpers
    assert "4 heures sur 4 ✗" not in helpers and "2 heures sur 4" in helpers
    assert "video-editing" not in re.sub(r'href="[^"]*"', "", helpers)
    assert '<time datetime="2027-03-01">1er mars 2027</time>' in helpers
    assert '<time datetime="2027-01-15">15 janvier 2027</time>' in helpers


def test_insights_speak_french_in_the_charts_the_tables_and_the_terminal(french_site):
    html = (french_site / "output/insights/index.html").read_text(encoding="utf-8")
    tables = html[html.index("<table"):]
    assert re.search(r'<th scope="row"><a href="[^"]*/skills/graphic-design/">Graphisme</a></th><td data-label="Personnes">1</td>', tables)
    assert "Auvergne-Rhône-Alpes" in tables and "graphic-design<" not in html
    assert '<time datetime="2026-11-23">23 novembre 2026</time>' in tables
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert charts and all(english_words(re.sub(r"<[^>]+>", " ", chart)) == [] for chart in charts)
    assert ">Graphisme</text>" in charts[0] and "1 personne</text>" in charts[0]
    printed = tasks(french_site, "insights").stdout
    assert "Graphisme" in printed and "novembre" in printed and printed_english(printed) == []


def test_where_lucie_could_help_is_in_french_with_french_numbers_and_dates(french_site):
    page = (french_site / "output/people/lucie-bernard/index.html").read_text(encoding="utf-8")
    section = page[page.index('class="could-help"'):]
    section = section[:section.index("</section>")]
    assert "Où vous pourriez aider" in section and "Demandé par le groupe" in section
    # The reasons not fully met, in French ("Montage vidéo ✓", met, is not repeated under its need).
    assert ">Montage vidéo</a>" in section and "2 heures sur 4" in section and "Montage vidéo ✓" not in section
    # A score with a decimal is written as French writes it (a comma).
    assert re.search(r"Correspondance : \d+,\d sur 100", section), section
    assert "video-editing" not in re.sub(r'href="[^"]*"', "", section)


def test_no_english_in_the_feeds(french_site):
    left = {}
    feeds = sorted((french_site / "output/feeds").rglob("*.xml"))
    assert feeds
    for path in feeds:
        tree = ET.parse(path)
        texts = [element.text or "" for element in tree.iter()
                 if element.tag.rpartition("}")[2] in ("title", "subtitle", "summary")]
        texts += [element.get("label", "") for element in tree.iter() if element.tag.endswith("category")]
        words = english_words(" ".join(texts))
        if words:
            left[path.name] = sorted(set(words))
    assert left == {}, left
    changes = (french_site / "output/feeds/status-changes.atom.xml").read_text(encoding="utf-8")
    assert "En consultation depuis le 2 novembre 2026, par une modification de Camille Martin" in changes


def test_the_published_schema_is_french_for_editors(french_site):
    schema = json.loads((french_site / "output/schema/volunteer.json").read_text(encoding="utf-8"))
    texts = [schema["title"]] + [value for key, value in _items(schema) if key in ("title", "description")]
    # Values to write (`true`, `evenings`) are in back quotes, shown as code.
    assert [text for text in texts if english_words(re.sub(r"`[^`]*`", " ", text))] == []


def _items(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                yield key, value
            else:
                yield from _items(value)
    elif isinstance(node, list):
        for value in node:
            yield from _items(value)


def test_the_files_handed_out_to_volunteers_are_french(french_site):
    home = PageText()
    home.feed((french_site / "output/index.html").read_text(encoding="utf-8"))
    proposals = PageText()
    proposals.feed((french_site / "output/proposals/index.html").read_text(encoding="utf-8"))
    join = PageText()  # "Add yourself" leads to the form, which without JavaScript offers the profile's template
    join.feed((french_site / "output/join/index.html").read_text(encoding="utf-8"))
    handed = {}
    for link in home.links + proposals.links + join.links:
        query = parse_qs(urlsplit(link).query)
        if link.startswith(f"{FORGE}/new/") and "value" in query:  # not the form's own button, which its script fills
            handed[query["filename"][0]] = query["value"][0]
    assert len(handed) == 2, handed
    profile = next(text for name, text in handed.items() if name.endswith(".yaml"))
    assert re.search(r"^languages: \[fr\]$", profile, re.M)
    assert {name: handed_out_words(text) for name, text in handed.items()} == {name: [] for name in handed}

    scaffold = french_site / "content/proposals/tarifs-solidaires.md"
    tasks(french_site, "new", "proposal", "--slug", "tarifs-solidaires", "--title", "Tarifs solidaires",
          "--summary", "Des tarifs selon les revenus.", "--theme", "transport", "--author", "camille-martin")
    try:
        assert handed_out_words(scaffold.read_text(encoding="utf-8")) == []
    finally:
        scaffold.unlink()


def test_the_contributing_guide_is_french_and_its_examples_pass_the_french_checker(french_site, tmp_path):
    guide = (french_site / "CONTRIBUTING.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```|`[^`]*`", " ", guide, flags=re.S)
    assert english_words(prose) == []
    examples = re.findall(r"```yaml\n(.*?)```", guide, re.S)
    assert examples
    for number, example in enumerate(examples):
        (french_site / f"volunteers/exemple-{number}.yaml").write_text(example, encoding="utf-8")
    try:
        checked = subprocess.run([sys.executable, str(french_site / "tasks.py"), "check",
                                  *[f"volunteers/exemple-{n}.yaml" for n in range(len(examples))]],
                                 capture_output=True, text=True, cwd=french_site, timeout=300)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        for number in range(len(examples)):
            (french_site / f"volunteers/exemple-{number}.yaml").unlink()


def test_the_french_starter_taxonomy_is_made_for_france():
    import yaml

    data = {name: yaml.safe_load((REPO / f"starter/fr/data/{name}.yaml").read_text(encoding="utf-8"))
            for name in ("skills", "regions", "themes")}
    ids = [entry["id"] for name, key in (("skills", "skills"), ("skills", "groups"), ("regions", "regions"),
                                          ("themes", "themes")) for entry in data[name][key]]
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids)
    text = "\n".join((REPO / f"starter/fr/data/{name}.yaml").read_text(encoding="utf-8") for name in data)
    for british in ("translation-cy", "gallois", "bsl", "uk-gdpr", "hustings", "LS6", "foi", "london"):
        assert british not in text
    labels = [entry["label"] for entry in data["regions"]["regions"]]
    assert "Île-de-France" in labels and "Occitanie" in labels and len(labels) == 18
    skills = {entry["id"]: entry for entry in data["skills"]["skills"]}
    assert "lsf" in skills["sign-language-interpreting"]["aliases"]
    assert {"rgpd", "cnil"} <= set(skills["data-protection"]["aliases"])
    assert "Voir docs/taxonomies.md" in text and (REPO / "docs/taxonomies.md").is_file()


def test_the_search_page_counts_chosen_filters_in_french(french_site, browser):
    from chromium import StaticServer

    browser.events.clear()
    with StaticServer(french_site / "output") as server:
        browser.goto(f"{server.url}/search/?skill=video-editing&skill=graphic-design&remote=yes")
        browser.wait_for("!document.getElementById('search-form').hasAttribute('aria-busy')"
                         " && document.getElementById('search-status').textContent !== ''")
        assert browser.evaluate("document.documentElement.lang") == "fr"
        assert browser.evaluate("document.getElementById('search-filter-count').textContent") == "(3 choisis)"
        assert english_words(browser.evaluate("document.getElementById('search-status').textContent")) == []
    assert browser.problems() == []
