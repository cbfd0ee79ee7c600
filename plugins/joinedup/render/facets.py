"""Static per-facet files: the browser's filter-only search, fast whatever the directory's size.

Pagefind answers searches with words. A search with filters only (skill, region, remote,
availability, hours, theme) would make Pagefind download every index chunk, and at 100k
profiles its page list alone is over a megabyte. So the build also writes, under
``search/facets/``:

* ``index.json``: the number of people, the card-shard size and which values have a file;
* ``<filter>/<value>.bin``: the people with that value (for ``hours``, with that band of hours
  a week or a higher one, as the page asks for "at least"), as numbers in directory order, in
  whichever of two encodings is smaller: a bitmap (kind byte 0, then one bit per person,
  least significant bit first) or a list of gaps between numbers as LEB128 varints (kind 1);
* ``word/<word>.bin``: the same for each word of the people's names, headlines, places,
  regions, skills (labels and aliases), themes and bios, lower-cased and without accents, and
  ``words/<first two letters>.json``: those words with how many people have each, so the page
  can complete the word being typed. A word of at most ``INLINE_UP_TO`` people (most bio words,
  most surnames) has its numbers right there instead of a file of its own:
  ``[word, count, [numbers]]``;
* ``cards/<n>.json``: the result cards (id, name, headline, place, skills) of people
  ``n * CARD_SHARD`` onwards, so a page of results fetches a few kilobytes;
* ``facts/<n>.json``: what the ranking reads (``joinedup.match.matching``) of people
  ``n * FACT_SHARD`` onwards, one short list each: ``[id, hours a week, remote (1 or 0), region,
  start, until, last commit, "skill=level,…"]`` (dates ISO or "", level "" when not said);
  about 80 bytes a person, so the few files a query's candidates fall in are a few kilobytes
  each once compressed.

The browser ANDs the sets of different filters and words, ORs the values of one filter (except
skills, which must all be held), then reads the facts of those people, keeps those with the
hours asked for, and orders them by the one ranking (score, then id), with its reasons, as
``match`` and ``search`` do; ``index.json`` carries the build date and the labels the reasons
use. People are not
in Pagefind's index at all (it indexes proposals and groups only): a big directory's profile
pages would cost Pagefind most of a build's time and memory, and a one-profile edit a new run.
Contact details are never written here.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from dataclasses import dataclass
from pathlib import Path

from joinedup.core.buildcache import KeptResults, kept_per_profile
from joinedup.core.model import Directory, Volunteer
from joinedup.match.words import profile_words
from joinedup.render.labels import AVAILABILITY_BANDS, hours_band
from joinedup.render.rendering import CannotUpdate

FORMAT_VERSION = 3
CARD_SHARD = 8
FACT_SHARD = 256
INLINE_UP_TO = 4
FOLDER = "search/facets"


def encode(numbers: list[int], count: int) -> bytes:
    """The smaller of a bitmap and a varint gap list of sorted ``numbers`` (< ``count``)."""
    gaps = bytearray([1])
    previous = -1
    for number in numbers:
        gap = number - previous
        previous = number
        while gap >= 0x80:
            gaps.append(gap & 0x7F | 0x80)
            gap >>= 7
        gaps.append(gap)
    bitmap = bytearray((count + 7) // 8)
    for number in numbers:
        bitmap[number >> 3] |= 1 << (number & 7)
    return bytes(gaps) if len(gaps) <= len(bitmap) + 1 else bytes([0]) + bytes(bitmap)


def decode(data: bytes, count: int) -> list[int]:
    """The numbers in a file written by :func:`encode` (the browser does the same in search.js)."""
    if data[0] == 0:
        return [n for n in range(count) if data[1 + (n >> 3)] >> (n & 7) & 1]
    numbers, value, shift, previous = [], 0, 0, -1
    for byte in data[1:]:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            previous += value
            numbers.append(previous)
            value, shift = 0, 0
    return numbers


def search_facts(volunteer: Volunteer, taxonomy, today: dt.date) -> dict[str, str]:
    """The browser search's filter values and result-card text for a profile (never contact details)."""
    region = taxonomy.regions.get(volunteer.region)
    return {
        "availability": volunteer.availability.status(today),
        "hours": hours_band(volunteer.availability.hours_per_week),
        "skills": " · ".join(taxonomy.skills[s].label for s in volunteer.skill_ids if s in taxonomy.skills),
        "place": f"{volunteer.place}, {region.label if region else volunteer.region}",
    }


def person_facets(volunteer, taxonomy, today) -> tuple[tuple[tuple[str, str], ...], list]:
    """One person's (filter, value) pairs and their result card."""
    facts = search_facts(volunteer, taxonomy, today)
    pairs = [("skill", s) for s in volunteer.skill_ids]
    pairs += [("region", volunteer.region), ("remote", "yes" if volunteer.remote else "no"),
              ("availability", facts["availability"])]
    pairs += [("theme", t) for t in volunteer.themes]
    pairs += [("word", w) for w in profile_words(volunteer, taxonomy)]
    card = [volunteer.id, volunteer.name, volunteer.headline, facts["place"], facts["skills"]]
    return tuple(pairs), card


def facet_values(directory: Directory, kept: KeptResults | None = None, digests=None):
    """filter → value → numbers (positions in directory order) of the people having it, and
    the bytes of each card file (CARD_SHARD people's result cards). With ``kept`` and
    ``digests`` (ProfileCache.digest by path), a person's pairs and card are reused from the
    last build when their profile is unchanged."""
    taxonomy, today = directory.taxonomy, directory.build_date
    values: dict[str, dict[str, array]] = {key: {} for key in ("skill", "region", "remote", "availability",
                                                                "theme", "word")}
    shards: list[bytes] = []  # the cards, CARD_SHARD people to a file, as the files' bytes
    cards: list = []
    day = today.isoformat()
    for number, volunteer in enumerate(directory.sorted_volunteers()):
        digest = digests.get(volunteer.path) if kept is not None and digests else None
        if digest is not None:
            packed, card = kept.get((digest, day), lambda: _packed(person_facets(volunteer, taxonomy, today)))
            pairs = [item.split(_PAIR, 1) for item in packed.split(_ITEM)] if packed else []
        else:
            pairs, card = person_facets(volunteer, taxonomy, today)
            card = json.dumps(card, ensure_ascii=False, separators=(",", ":"))
        cards.append(card)
        if len(cards) == CARD_SHARD:
            shards.append(_cards_file(cards))
            cards = []
        for key, value in pairs:
            # Unsigned 32-bit arrays, not lists of int objects: 4 bytes a number instead of 36.
            found = values[key].get(value)
            if found is None:
                found = values[key][value] = array("I")
            found.append(number)
    if cards:
        shards.append(_cards_file(cards))
    return values, shards


def ranking_facts(volunteer: Volunteer, updated: dt.date | None) -> list:
    """What the search page's ranking reads of one person (see the module's docstring)."""
    window = volunteer.availability

    def day(value):
        return value.isoformat() if value else ""

    return [volunteer.id, window.hours_per_week, 1 if volunteer.remote else 0, volunteer.region,
            day(window.start), day(window.until), day(updated),
            ",".join(f"{skill.skill}={skill.level}" for skill in volunteer.skills)]


def _facts_files(directory: Directory, dates) -> list[bytes]:
    people = [ranking_facts(volunteer, dates.get(volunteer.path)) for volunteer in directory.sorted_volunteers()]
    return [json.dumps(people[start:start + FACT_SHARD], ensure_ascii=False, separators=(",", ":")).encode()
            for start in range(0, len(people), FACT_SHARD)]


def _cards_file(cards: list[str]) -> bytes:
    """The file of a shard of cards, each already JSON text: what json.dumps of the list gives."""
    return ("[" + ",".join(cards) + "]").encode()


# A person's pairs and card are kept as two strings, not hundreds of small objects to write
# and read. Filter names and values (ids, lower-case words) never hold these characters.
_ITEM, _PAIR = "\x1e", "\x1f"


def _packed(facets) -> tuple[str, str]:
    pairs, card = facets
    return (_ITEM.join(key + _PAIR + value for key, value in pairs),
            json.dumps(card, ensure_ascii=False, separators=(",", ":")))


def write_facets(directory: Directory, output: Path, previous: Path | str | None = None,
                 root: Path | None = None, digests=None, dates: dict | None = None) -> list[str]:
    """Write the facet and card files into ``output/search/facets``; returns all their names
    (relative to ``output``). With ``previous`` (the last site, updated in place), a file whose
    bytes are the same there is not written again. With ``root`` and ``digests``, people's
    facets are kept in the cache folder for the next build (up to KEEP_PER_PROFILE_UP_TO people).
    ``dates`` (profile path → date of its last commit) gives the ranking's freshness."""
    folder = Path(output) / FOLDER
    count = len(directory.volunteers)
    kept = kept_per_profile(root, "facets", digests, count)
    by_filter, cards = facet_values(directory, kept, digests)
    if kept is not None:
        kept.save()
        del kept
    files: dict[str, bytes] = {}
    listed: dict[str, list[str]] = {}
    vocabulary: dict[str, list] = {}
    for key, by_value in by_filter.items():
        if key == "word":
            for word in sorted(by_value):
                numbers = by_value[word]
                entry = [word, len(numbers)] + ([list(numbers)] if len(numbers) <= INLINE_UP_TO else [])
                vocabulary.setdefault(word[:2], []).append(entry)
        else:
            listed[key] = sorted(by_value)
        for value, numbers in by_value.items():
            if key == "word" and len(numbers) <= INLINE_UP_TO:
                continue
            files[f"{key}/{value}.bin"] = encode(numbers, count)
    for prefix, words in vocabulary.items():
        files[f"words/{prefix}.json"] = json.dumps(words, separators=(",", ":")).encode()
    for number, data in enumerate(cards):
        files[f"cards/{number}.json"] = data
    for number, data in enumerate(_facts_files(directory, dates or {})):
        files[f"facts/{number}.json"] = data
    taxonomy = directory.taxonomy
    manifest = {
        "version": FORMAT_VERSION, "count": count, "shard": CARD_SHARD, "factShard": FACT_SHARD, "values": listed,
        "prefixes": sorted(vocabulary), "today": directory.build_date.isoformat(),
        "labels": {"availability": dict(AVAILABILITY_BANDS),
                   "skill": {skill.id: skill.label for skill in taxonomy.skills.values()},
                   "region": {region.id: region.label for region in taxonomy.regions.values()}},
    }
    files["index.json"] = json.dumps(manifest, separators=(",", ":")).encode()
    before = Path(previous) / FOLDER if previous else None
    made = set()
    for name, data in files.items():
        if before is not None and _same_bytes(before / name, data):
            continue
        target = folder / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
    return sorted(f"{FOLDER}/{name}" for name in files)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.is_symlink() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class FacetChanges:
    """What :func:`update_facets` changes, names relative to the site: files to write (name ->
    bytes), files to remove, and which of the written are new."""

    written: dict[str, bytes]
    gone: frozenset[str]
    new: frozenset[str]


def update_facets(site: Path | str, changes, taxonomy, today, count: int) -> FacetChanges:
    """The facet files of the site at ``site`` (written by :func:`write_facets`) as they are
    after ``changes``, ``(number in directory order, person before, person after, day of the
    profile's last commit)``, for changes to what a person shows only (their words and card:
    a joinedup.builder.quick edit) and to that day. Nothing is written here. Raises CannotUpdate when a file is not what
    :func:`write_facets` writes, or a filter value changed."""
    folder = Path(site) / FOLDER
    written: dict[str, bytes] = {}
    gone: set[str] = set()
    new: set[str] = set()
    vocabularies: dict[str, list] = {}
    cards: dict[int, list] = {}
    facts: dict[int, list] = {}

    def read(name: str) -> bytes:
        if name in written:
            return written[name]
        path = folder / name
        if path.is_symlink() or not path.is_file():
            raise CannotUpdate(f"{FOLDER}/{name} is missing")
        return path.read_bytes()

    def vocabulary(prefix: str) -> list:
        if prefix not in vocabularies:
            name = f"words/{prefix}.json"
            vocabularies[prefix] = json.loads(read(name)) if (folder / name).is_file() or name in written else []
        return vocabularies[prefix]

    numbers_of: dict[str, tuple[int, set[int]]] = {}  # word -> (people before, numbers now)
    for number, old, volunteer, updated in changes:
        before, card_before = person_facets(old, taxonomy, today)
        after, card_after = person_facets(volunteer, taxonomy, today)
        if [pair for pair in before if pair[0] != "word"] != [pair for pair in after if pair[0] != "word"]:
            raise CannotUpdate("a filter value changed")
        words_before = {value for key, value in before if key == "word"}
        words_after = {value for key, value in after if key == "word"}
        for word in words_before ^ words_after:
            if word not in numbers_of:
                entry = next((entry for entry in vocabulary(word[:2]) if entry[0] == word), None)
                if entry is None:
                    numbers_of[word] = (0, set())
                elif entry[1] <= INLINE_UP_TO:
                    numbers_of[word] = (entry[1], set(entry[2]))
                else:
                    numbers_of[word] = (entry[1], set(decode(read(f"word/{word}.bin"), count)))
                if len(numbers_of[word][1]) != numbers_of[word][0]:
                    raise CannotUpdate(f"the index of {word!r} is not what the build writes")
            found = numbers_of[word][1]
            if (number in found) != (word in words_before):
                raise CannotUpdate(f"the index of {word!r} does not hold {old.id} as recorded")
            found.discard(number) if word in words_before else found.add(number)
        shard = number // FACT_SHARD
        if shard not in facts:
            facts[shard] = json.loads(read(f"facts/{shard}.json"))
        facts_after = ranking_facts(volunteer, updated)
        if facts[shard][number % FACT_SHARD] != facts_after:
            facts[shard][number % FACT_SHARD] = facts_after
        if card_before != card_after:
            shard = number // CARD_SHARD
            if shard not in cards:
                cards[shard] = json.loads(read(f"cards/{shard}.json"))
            cards[shard][number % CARD_SHARD] = card_after
    for word, (people_before, found) in numbers_of.items():
        entries = vocabulary(word[:2])
        entries[:] = [entry for entry in entries if entry[0] != word]
        if found:
            entries.append([word, len(found)] + ([sorted(found)] if len(found) <= INLINE_UP_TO else []))
            entries.sort(key=lambda entry: entry[0])
        name = f"word/{word}.bin"
        if len(found) > INLINE_UP_TO:
            written[name] = encode(sorted(found), count)
            if people_before <= INLINE_UP_TO:
                new.add(name)
        elif people_before > INLINE_UP_TO:
            gone.add(name)
    for prefix, entries in vocabularies.items():
        name = f"words/{prefix}.json"
        existed = (folder / name).is_file()
        if entries:
            written[name] = json.dumps(entries, separators=(",", ":")).encode()
            if not existed:
                new.add(name)
        elif existed:
            gone.add(name)
    for shard, shown in cards.items():
        written[f"cards/{shard}.json"] = json.dumps(shown, ensure_ascii=False, separators=(",", ":")).encode()
    for shard, known in facts.items():
        written[f"facts/{shard}.json"] = json.dumps(known, ensure_ascii=False, separators=(",", ":")).encode()
    prefixes_gone = {name[6:-5] for name in gone if name.startswith("words/")}
    prefixes_new = {name[6:-5] for name in new if name.startswith("words/")}
    if prefixes_gone or prefixes_new:
        index = json.loads(read("index.json"))
        index["prefixes"] = sorted((set(index["prefixes"]) - prefixes_gone) | prefixes_new)
        written["index.json"] = json.dumps(index, separators=(",", ":")).encode()
    return FacetChanges({f"{FOLDER}/{name}": data for name, data in written.items()},
                        frozenset(f"{FOLDER}/{name}" for name in gone), frozenset(f"{FOLDER}/{name}" for name in new))
