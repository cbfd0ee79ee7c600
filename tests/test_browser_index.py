"""What the build writes for the browser's search: Pagefind's bundle and the facet files."""

from __future__ import annotations

import gzip
import json
import re

from joinedup.render.facets import decode, encode

EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _decompressed(path):
    data = path.read_bytes()
    try:
        return gzip.decompress(data)
    except OSError:
        return data


def test_no_email_address_is_in_the_search_indexes(example_site):
    files = [p for p in (example_site / "pagefind").rglob("*") if p.is_file() and p.suffix != ".js"]
    files += [p for p in (example_site / "search/facets").rglob("*") if p.is_file()]
    fragments = [p for p in files if p.suffix == ".pf_fragment"]
    assert len(fragments) == 15
    everything = b"\n".join(_decompressed(p) for p in files)
    assert b"Ana L\xc3\xb3pez" in everything
    assert EMAIL.findall(everything) == []
    assert b"[at]" not in everything and b"ana.lopez" not in everything


def test_people_are_searched_from_the_facet_files_not_pagefind(example_site):
    assert not [f for f in _fragments(example_site) if f["url"].startswith("/people/")]
    html = (example_site / "people/ana-lopez/index.html").read_text(encoding="utf-8")
    assert "data-pagefind" not in html


def test_facet_files_list_the_people_of_each_value_in_directory_order(example_site):
    facets = example_site / "search/facets"
    manifest = json.loads((facets / "index.json").read_text())
    assert manifest["count"] == 34
    numbers = decode((facets / "skill/video-editing.bin").read_bytes(), manifest["count"])
    ids = [card[0] for shard in sorted((facets / "cards").glob("*.json"), key=lambda p: int(p.stem))
           for card in json.loads(shard.read_text())]
    assert [ids[n] for n in numbers] == ["ana-lopez", "joao-silva", "kwame-mensah", "liam-doherty"]


def test_facet_sets_round_trip_in_whichever_encoding_is_smaller():
    sparse = [3, 700, 701, 99_999]
    dense = list(range(0, 100_000, 2))
    assert encode(sparse, 100_000)[0] == 1 and decode(encode(sparse, 100_000), 100_000) == sparse
    assert encode(dense, 100_000)[0] == 0 and decode(encode(dense, 100_000), 100_000) == dense
    assert len(encode(dense, 100_000)) == 12_501
    assert decode(encode([], 10), 10) == []


def test_words_of_names_headlines_and_skills_have_sets_and_a_vocabulary(example_site):
    facets = example_site / "search/facets"
    manifest = json.loads((facets / "index.json").read_text())
    assert "lo" in manifest["prefixes"] and "word" not in manifest["values"]
    ids = [card[0] for shard in sorted((facets / "cards").glob("*.json"), key=lambda p: int(p.stem))
           for card in json.loads(shard.read_text())]
    vocabulary = {entry[0]: entry for entry in json.loads((facets / "words/lo.json").read_text())}
    assert [ids[n] for n in vocabulary["lopez"][2]] == ["ana-lopez"]
    assert vocabulary["london"][1] == 5 and len(vocabulary["london"]) == 2, "more than 4 people: a file of its own"
    london = [ids[n] for n in decode((facets / "word/london.bin").read_bytes(), manifest["count"])]
    assert len(london) == 5 and "ana-lopez" in london
    editing = {ids[n] for n in decode((facets / "word/editing.bin").read_bytes(), manifest["count"])}
    assert {"ana-lopez", "liam-doherty"} <= editing


def test_words_of_bios_are_searchable_and_rare_words_carry_their_people_inline(example_site):
    facets = example_site / "search/facets"
    ids = [card[0] for shard in sorted((facets / "cards").glob("*.json"), key=lambda p: int(p.stem))
           for card in json.loads(shard.read_text())]
    # Ana's bio: "Recent work is on [my portfolio](https://example.org/ana/films)."
    portfolio = next(entry for entry in json.loads((facets / "words/po.json").read_text()) if entry[0] == "portfolio")
    assert [ids[n] for n in portfolio[2]] == ["ana-lopez"] and portfolio[1] == 1
    assert not (facets / "word/portfolio.bin").exists()
    vocabulary = {entry[0] for prefix in (facets / "words").glob("*.json") for entry in json.loads(prefix.read_text())}
    assert "https" not in vocabulary, "a link's address is not words of the bio"


def _fragments(example_site):
    return [json.loads(_decompressed(p)[len(b"pagefind_dcd"):])
            for p in (example_site / "pagefind/fragment").glob("*.pf_fragment")]


def test_proposal_and_group_pages_carry_type_status_theme_and_skill_filters(example_site):
    html = (example_site / "proposals/rent-controls-for-tenancies/index.html").read_text(encoding="utf-8")
    for attribute in ("data-pagefind-body", 'data-pagefind-filter="type:proposal"',
                      'data-pagefind-filter="status:consultation"', 'data-pagefind-filter="theme:housing"'):
        assert attribute in html
    by_url = {f["url"]: f for f in _fragments(example_site)}
    rent = by_url["/proposals/rent-controls-for-tenancies/"]
    assert rent["filters"] == {"type": ["proposal"], "status": ["consultation"], "theme": ["housing"],
                               "skill": ["translation-ar", "video-editing", "surveys"]}
    assert rent["meta"] == {
        "title": "Rent rises capped at inflation for every tenancy", "status": "Open for consultation",
        "summary": "Limit rent increases for existing and new tenancies to the rate of inflation, with a register "
                   "so renters can check what the last tenant paid."}
    for left_out in ("Endorsed by", "Revision history", "People who could help", "Suggest a change"):
        assert left_out not in rent["content"]
    buses = by_url["/groups/better-buses/"]
    assert buses["filters"] == {"type": ["group"], "theme": ["transport", "climate"],
                                "skill": ["gis-mapping", "graphic-design", "public-speaking"]}
    assert buses["meta"]["title"] == "Better Buses Collective"
    assert "Members" not in buses["content"] and "Core team" not in buses["content"]
    types = [f["filters"]["type"][0] for f in by_url.values()]
    assert (types.count("proposal"), types.count("group")) == (10, 5) and len(types) == 15


def test_no_email_address_is_in_the_index_of_proposals_and_groups(example_site):
    agenda = _fragments(example_site)
    assert len(agenda) == 15
    text = json.dumps(agenda, ensure_ascii=False)
    assert "Rent rises capped" in text
    assert EMAIL.findall(text.encode()) == [] and "[at]" not in text
