"""What the build writes for the browser's search: Pagefind's bundle and the facet files."""

from __future__ import annotations

import gzip
import json
import re

from joinedup.facets import decode, encode

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
    assert len(fragments) >= 34
    everything = b"\n".join(_decompressed(p) for p in files)
    assert b"Ana L\xc3\xb3pez" in everything
    assert EMAIL.findall(everything) == []
    assert b"[at]" not in everything and b"ana.lopez" not in everything


def test_profile_pages_carry_every_filter_and_the_card_text(example_site):
    fragments = [json.loads(_decompressed(p)[len(b"pagefind_dcd"):])
                 for p in (example_site / "pagefind/fragment").glob("*.pf_fragment")]
    ana = next(f for f in fragments if f["url"] == "/people/ana-lopez/")
    assert ana["filters"] == {
        "availability": ["now"], "hours": ["6-10"], "region": ["london"], "remote": ["yes"],
        "skill": ["video-editing", "social-media", "translation-es"], "theme": ["housing", "climate"],
        "type": ["person"],
    }
    assert ana["meta"] == {"title": "Ana López", "headline": "Video editor who makes campaign films on a shoestring",
                           "place": "Lewisham, London", "skills": "Video editing · Social media · Spanish translation"}
    assert "Edit this profile" not in ana["content"]


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
    assert ["lopez", 1] in json.loads((facets / "words/lo.json").read_text())
    assert "lo" in manifest["prefixes"] and "word" not in manifest["values"]
    ids = [card[0] for shard in sorted((facets / "cards").glob("*.json"), key=lambda p: int(p.stem))
           for card in json.loads(shard.read_text())]
    assert [ids[n] for n in decode((facets / "word/lopez.bin").read_bytes(), manifest["count"])] == ["ana-lopez"]
    editing = {ids[n] for n in decode((facets / "word/editing.bin").read_bytes(), manifest["count"])}
    assert {"ana-lopez", "liam-doherty"} <= editing
    assert not (facets / "word/portfolio.bin").exists(), "bios are left to Pagefind's full text"
