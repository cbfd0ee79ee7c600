"""The Whoosh index behind ``search`` and ``match``: built from the profiles, kept up to date.

The index lives in the repository's cache folder (``search-index``, :func:`default_index_dir`) and
is never committed. Each call to :func:`open_index` brings it up to date first:

* missing, unreadable, of another schema version or built from other taxonomies: rebuilt;
* otherwise only the profiles whose file changed (size and modification time, then a content
  hash) are read and indexed again, deleted ones are removed, and after a new commit the
  last-changed dates from git are refreshed in one ``git log`` pass.

Ranking 100k profiles within milliseconds in Python is done with *document sets*: for each
skill, region, hours value and date, the set of matching documents as one big integer (a bit per
document), cached beside the index for its current generation. Every matching component has
three levels (``joinedup.match.matching``), so the candidates of each possible score are a few ANDs of
those sets, and the best scores are filled first. The result is exactly the order
``matching.rank`` computes in memory. Words work the same way: the documents having a word in the
name, the headline or anywhere, read once from Whoosh's posting lists and kept for the generation.
"""

from __future__ import annotations

import array
import bisect
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from joinedup.core.buildcache import cache_dir
from joinedup.core.freshness import head_commit, last_commit_dates
from joinedup.core.i18n import gettext as _, ngettext
from joinedup.core.model import Taxonomy, Volunteer
from joinedup.core.problems import Problem, ProblemsFound, has_errors
from joinedup.match import matching
from joinedup.match.matching import Candidate, Match, Need
from joinedup.match.words import completions, profile_words, words_of

# Bump when the Whoosh schema, the stored fields or the document sets change meaning.
SCHEMA_VERSION = 6
NO_DATE = "-"
# The order of the values in the ``facts`` column.
FACTS = ("id", "skills", "levels", "region", "remote", "hours", "start", "until", "updated")


@dataclass(frozen=True, slots=True)
class Update:
    """What bringing the index up to date did: ``rebuilt`` says why it started afresh ('' if not)."""

    rebuilt: str = ""
    indexed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[Problem, ...] = ()
    # The error that made an existing index unusable, so it was removed and built afresh ('' if none).
    unreadable: str = ""

    def lines(self, profiles: int) -> list[str]:
        """What the update did, for the command line to say ([] when the index was up to date): the
        error that made the old index unusable, why it was rebuilt and the ``profiles`` it now
        holds, or how many profiles were indexed again and removed; then each profile left out."""
        said = []
        if self.unreadable:
            said.append(_("Search index unreadable (%(error)s); rebuilding it.") % {"error": self.unreadable})
        if self.rebuilt:
            said.append(ngettext("Search index rebuilt (%(why)s): %(count)d profile.",
                                 "Search index rebuilt (%(why)s): %(count)d profiles.", profiles)
                        % {"why": self.rebuilt, "count": profiles})
        elif self.indexed or self.removed:
            said.append(_("Search index updated: %(indexed)d profile(s) indexed, %(removed)d removed.")
                        % {"indexed": len(self.indexed), "removed": len(self.removed)})
        return said + [_("Left out of the index: %(problem)s") % {"problem": item.format_text()}
                       for item in self.skipped]


def default_index_dir(root: Path) -> Path:
    """``search-index`` in the repository's cache folder: Whoosh reads its table of contents
    with pickle, so the index is only ever one this machine wrote, never a committed one."""
    return cache_dir(root) / "search-index"


def _schema():
    from whoosh.columns import VarBytesColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        path=STORED,
        name=STORED,
        headline=STORED,
        # The words a person is found by (joinedup.match.words), as the search page has them.
        words=KEYWORD,
        place=STORED,
        skills=KEYWORD(stored=True, commas=True),
        levels=STORED,
        region=ID(stored=True),
        remote=ID(stored=True),
        hours=ID(stored=True),
        start=ID(stored=True),
        until=ID(stored=True),
        updated=ID(stored=True),
        # The facts the document sets are made of, in one column: the sets are rebuilt from
        # one column, not from posting lists or stored fields.
        facts=COLUMN(VarBytesColumn()),
    )


def _document(volunteer: Volunteer, taxonomy: Taxonomy, updated: dt.date | None) -> dict:
    """The Whoosh document of one volunteer. Contact details are never indexed."""
    window = volunteer.availability
    facts = {
        "id": volunteer.id,
        "skills": ",".join(volunteer.skill_ids),
        "levels": ",".join(f"{s.skill}={s.level}" for s in volunteer.skills),
        "region": volunteer.region,
        "remote": "yes" if volunteer.remote else "no",
        "hours": str(window.hours_per_week),
        "start": window.start.isoformat() if window.start else NO_DATE,
        "until": window.until.isoformat() if window.until else NO_DATE,
        "updated": updated.isoformat() if updated else NO_DATE,
    }
    return {
        **facts,
        "facts": "\t".join(facts[key] for key in FACTS).encode("utf-8"),
        "path": volunteer.path,
        "name": volunteer.name,
        "headline": volunteer.headline,
        "words": " ".join(profile_words(volunteer, taxonomy)),
        "place": volunteer.place,
    }


def _candidate(stored: dict) -> Candidate:
    def day(value: str):
        return None if value in ("", NO_DATE) else dt.date.fromisoformat(value)

    return Candidate(
        id=stored["id"], name=stored["name"], headline=stored["headline"],
        skills=tuple(s for s in stored["skills"].split(",") if s), region=stored["region"],
        remote=stored["remote"] == "yes", hours=int(stored["hours"]),
        start=day(stored["start"]), until=day(stored["until"]), updated=day(stored["updated"]),
        levels=tuple(pair.partition("=")[2] for pair in stored.get("levels", "").split(",") if pair),
    )


# --- keeping the index up to date -------------------------------------------------------------


def _taxonomy_fingerprint(root: Path) -> str:
    digest = hashlib.sha1(str(SCHEMA_VERSION).encode())
    for name in ("data/skills.yaml", "data/regions.yaml", "data/themes.yaml", "volunteers/schema.json"):
        try:
            digest.update((root / name).read_bytes())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def _scan(root: Path) -> dict[str, tuple[int, int]]:
    """``volunteers/<name>`` → (mtime in ns, size) for every entry of the folder, without following links."""
    found = {}
    try:
        entries = os.scandir(os.path.join(root, "volunteers"))
    except OSError:
        return found
    with entries:
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            found["volunteers/" + entry.name] = (info.st_mtime_ns, info.st_size)
    return found


def _stat_digest(stats: dict[str, tuple[int, int]]) -> str:
    lines = "\n".join(f"{path}\0{mtime}\0{size}" for path, (mtime, size) in sorted(stats.items()))
    return hashlib.sha1(lines.encode("utf-8", "surrogateescape")).hexdigest()


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


def update_index(root: Path, taxonomy: Taxonomy, index_dir: Path | None = None) -> Update:
    """Bring the index at ``index_dir`` in line with ``root/volunteers``; returns what it did.

    Never raises for a missing, corrupt or outdated index: it is rebuilt. Profiles with errors
    are left out (and listed in ``skipped``), as the site leaves them out.
    """
    from whoosh import index as whoosh_index

    root = Path(root).resolve()
    index_dir = Path(index_dir or default_index_dir(root))
    meta = _read_json(index_dir / "meta.json") or {}
    fingerprint = _taxonomy_fingerprint(root)
    reason = ""
    if not meta:
        reason = _("no index yet") if not index_dir.exists() else _("index metadata missing or unreadable")
    elif meta.get("version") != SCHEMA_VERSION:
        reason = _("index of schema version %(found)s, this is %(version)s") % {"found": meta.get("version"),
                                                                                "version": SCHEMA_VERSION}
    elif meta.get("taxonomy") != fingerprint:
        reason = _("taxonomies or profile schema changed")
    ix = None
    if not reason:
        try:
            ix = whoosh_index.open_dir(str(index_dir))
            with ix.reader() as reader:
                reader.doc_count()
        except Exception as error:  # whoosh raises many kinds for a damaged index
            reason = _("index unreadable (%(error)s)") % {"error": type(error).__name__}
            ix = None

    scanned = _scan(root)
    digest = _stat_digest(scanned)
    head = head_commit(root)
    if not reason and meta.get("stats") == digest and meta.get("head") == head:
        return Update()
    # Loading and validating profiles needs jsonschema: imported only when something changed.
    from joinedup.load.profiles import profile_files

    paths = profile_files(root)[0]
    stats = {path: scanned[path] for path in paths if path in scanned}

    files: dict = {} if reason else (_read_json(index_dir / "files.json") or {})
    if not reason and not isinstance(files, dict):
        reason, files = "file list unreadable", {}
    if reason:
        shutil.rmtree(index_dir, ignore_errors=True)
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(index_dir), _schema())

    if reason or head != meta.get("head"):
        dates = last_commit_dates(root) if head else {}
    else:  # no new commit: the dates stored last time still hold
        dates = {path: dt.date.fromisoformat(entry[3]) for path, entry in files.items() if entry[3]}
    changed: list[str] = []
    hashes: dict[str, str] = {}
    for path, stat in stats.items():
        known = files.get(path)
        updated = dates.get(path, "")
        updated = updated.isoformat() if updated else ""
        if known and known[0] == stat[0] and known[1] == stat[1] and known[3] == updated:
            continue
        content = hashlib.sha1((root / path).read_bytes()).hexdigest()
        hashes[path] = content
        if not known or known[2] != content or known[3] != updated:
            changed.append(path)
        else:
            files[path] = [stat[0], stat[1], content, updated]
    removed = sorted(set(files) - set(stats))

    skipped: list[Problem] = []
    indexed: list[str] = []
    volunteers = _load_changed(root, changed, taxonomy)
    if changed or removed:
        # Another `search` may be updating the same index: wait for it rather than fail.
        writer = ix.writer(limitmb=256, timeout=60.0, delay=0.1)
        try:
            for path in removed:
                writer.delete_by_term("id", Path(path).stem)
                del files[path]
            for path in changed:
                volunteer, problems = volunteers[path]
                stat, updated = stats[path], dates.get(path)
                files[path] = [stat[0], stat[1], hashes[path], updated.isoformat() if updated else ""]
                if volunteer is None:
                    writer.delete_by_term("id", Path(path).stem)
                    skipped += [p for p in problems if p.is_error]
                    continue
                writer.update_document(**_document(volunteer, taxonomy, updated))
                indexed.append(path)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    _write_json(index_dir / "files.json", files)
    _write_json(index_dir / "meta.json", {"version": SCHEMA_VERSION, "taxonomy": fingerprint, "stats": digest, "head": head})
    return Update(reason, tuple(indexed), tuple(removed), tuple(skipped))


def _load_changed(root: Path, changed: list[str], taxonomy: Taxonomy) -> dict:
    """path → (Volunteer or None, problems); many profiles are read on every core."""
    from joinedup.load.profiles import load_volunteer
    from joinedup.load.repository import VALIDATE_IN_WORKERS_FROM_PROFILES, load_repository

    if len(changed) < VALIDATE_IN_WORKERS_FROM_PROFILES:
        return {path: load_volunteer(root, path, taxonomy) for path in changed}
    repository, problems = load_repository(root, only=changed)
    loaded = {v.path: (v, []) for v in repository.directory.volunteers.values()}
    for path in changed:
        if path not in loaded:
            loaded[path] = (None, [p for p in problems if p.path == path])
    return loaded


# --- document sets ----------------------------------------------------------------------------


def _bits(docnums: Iterable[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for doc in docnums:
        buffer[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(buffer, "little")


_NONZERO = re.compile(rb"[^\x00]")


def members(bits: int) -> list[int]:
    """The document numbers in a set, in increasing order."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    found = []
    for hit in _NONZERO.finditer(data):
        position = hit.start()
        byte = data[position]
        base = position * 8
        for bit in range(8):
            if byte >> bit & 1:
                found.append(base + bit)
    return found


class DocSets:
    """Per-value document sets of one index generation, read lazily from a packed file."""

    FIELDS = ("skills", "levels", "region", "remote", "hours")
    CUMULATIVE = {"start": "le", "until": "ge", "updated": "ge"}

    def __init__(self, folder: Path, table: dict):
        self._file = open(folder / table["file"], "rb")
        self.size = table["size"]
        self.generation = table["generation"]
        self._offsets = table["offsets"]
        self._values = table["values"]
        self._cache: dict[str, int] = {}
        self._ranks = None
        self._ranks_at = table["ranks"]

    def close(self):
        self._file.close()

    def _read(self, key: str) -> int:
        if key not in self._cache:
            where = self._offsets.get(key)
            if where is None:
                self._cache[key] = 0
            else:
                self._file.seek(where[0])
                self._cache[key] = int.from_bytes(self._file.read(where[1]), "little")
        return self._cache[key]

    @property
    def alive(self) -> int:
        return self._read("alive")

    def value(self, field: str, value: str) -> int:
        return self._read(f"{field}:{value}")

    def values(self, field: str) -> list[str]:
        return self._values[field]

    def hours_at_least(self, hours: int) -> int:
        result = 0
        for value in self._values["hours"]:
            if int(value) >= hours:
                result |= self.value("hours", value)
        return result

    def date_bound(self, field: str, day: dt.date) -> int:
        """Documents with ``start <= day`` (or no start), ``until >= day`` (or none), ``updated >= day``."""
        values = self._values[field]
        text = day.isoformat()
        if self.CUMULATIVE[field] == "le":
            position, sign = bisect.bisect_right(values, text) - 1, "<="
        else:
            position, sign = bisect.bisect_left(values, text), ">="
        chosen = self._read(f"{field}{sign}:{values[position]}") if 0 <= position < len(values) else 0
        if field in ("start", "until"):
            chosen |= self.value(field, NO_DATE)
        return chosen

    def rank(self, doc: int) -> int:
        if self._ranks is None:
            self._file.seek(self._ranks_at[0])
            self._ranks = array.array("I")
            self._ranks.frombytes(self._file.read(self._ranks_at[1]))
        return self._ranks[doc]


def _alive(reader, size: int) -> int:
    """The documents not deleted: every bit set, then the (few) deleted ones cleared."""
    living = bytearray(b"\xff" * ((size + 7) // 8))
    if size % 8:
        living[-1] = (1 << (size % 8)) - 1
    for leaf, base in reader.leaf_readers():
        if leaf.has_deletions():
            for doc in leaf.deleted_docs_set:
                living[(base + doc) >> 3] &= ~(1 << ((base + doc) & 7)) & 0xFF
    return int.from_bytes(living, "little")


def _build_docsets(folder: Path, reader, generation: int) -> dict:
    """Write the document sets of ``reader`` to ``folder``; returns their table."""
    size = reader.doc_count_all()
    alive = _alive(reader, size)
    width = (size + 7) // 8
    name = f"docsets-{generation}.bin"
    offsets: dict[str, list[int]] = {}
    values: dict[str, list[str]] = {}
    with open(folder / (name + ".tmp"), "wb") as out:
        def put(key: str, bits: int) -> None:
            offsets[key] = [out.tell(), width]
            out.write((bits & alive).to_bytes(width, "little"))

        put("alive", alive)
        by_value: dict[str, dict[str, bytearray]] = {key: {} for key in (*DocSets.FIELDS, *DocSets.CUMULATIVE)}
        ids = []
        living = alive.to_bytes(width, "little")
        facts_column = reader.column_reader("facts") if size else ()  # an empty index has no columns
        for doc, packed in enumerate(facts_column):
            if not living[doc >> 3] >> (doc & 7) & 1:
                continue  # deleted documents keep their column values until segments merge
            facts = dict(zip(FACTS, packed.decode("utf-8").split("\t")))
            ids.append((facts["id"], doc))
            mask, position = 1 << (doc & 7), doc >> 3
            for key, sets in by_value.items():
                for value in (facts[key].split(",") if key in ("skills", "levels") else (facts[key],)):
                    if value:
                        if value not in sets:
                            sets[value] = bytearray(width)
                        sets[value][position] |= mask
        for field_name, sets in by_value.items():
            found = {value: int.from_bytes(bits, "little") for value, bits in sets.items()}
            terms = sorted(found)
            values[field_name] = [t for t in terms if t != NO_DATE] if field_name in DocSets.CUMULATIVE else terms
            for term in terms:
                if field_name not in DocSets.CUMULATIVE or term == NO_DATE:
                    put(f"{field_name}:{term}", found[term])
            if field_name in DocSets.CUMULATIVE:
                direction = DocSets.CUMULATIVE[field_name]
                running = 0
                for term in (values[field_name] if direction == "le" else reversed(values[field_name])):
                    running |= found[term]
                    put(f"{field_name}{'<=' if direction == 'le' else '>='}:{term}", running)
        ids.sort()
        ranks = array.array("I", [0]) * size
        for position, (_key, doc) in enumerate(ids):
            ranks[doc] = position
        rank_bytes = ranks.tobytes()
        ranks_at = [out.tell(), len(rank_bytes)]
        out.write(rank_bytes)
    os.replace(folder / (name + ".tmp"), folder / name)
    table = {"generation": generation, "file": name, "size": size, "offsets": offsets, "values": values,
             "ranks": ranks_at, "version": SCHEMA_VERSION}
    _write_json(folder / "docsets.json", table)
    for old in folder.glob("docsets-*.bin"):
        if old.name != name:
            old.unlink(missing_ok=True)
    for old in folder.glob("words-*"):
        if old.name != f"words-{generation}":
            shutil.rmtree(old, ignore_errors=True)
    return table


# --- searching --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """Hard filters of ``search``: every one given must hold."""

    skills: tuple[str, ...] = ()
    region: str | None = None
    remote: bool = False
    min_hours: int = 0
    available_on: dt.date | None = None
    # Not filters: the window the ranking prefers people available through (its first day is
    # ``available_on`` when that is given, else ``start``, else the build date).
    until: dt.date | None = None
    start: dt.date | None = None

    def as_need(self) -> Need:
        return Need(self.skills, self.region, self.remote, self.min_hours, self.available_on or self.start, self.until)


@dataclass
class SearchIndex:
    """An open, up-to-date index of one repository. Use :func:`open_index`."""

    root: Path
    taxonomy: Taxonomy
    today: dt.date
    folder: Path
    ix: object
    update: Update = field(default_factory=Update)
    # The people of the site's pools (joinedup.load.pools.PooledPerson): not in the index, which
    # holds this repository's profiles; ranked in memory and merged into every list.
    pooled: tuple = ()
    _pool: matching.CandidatePool | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        self.searcher = self.ix.searcher()
        table = _read_json(self.folder / "docsets.json")
        generation = self.ix.latest_generation()
        if not table or table.get("generation") != generation or table.get("version") != SCHEMA_VERSION \
                or not _complete(self.folder, table):
            table = _build_docsets(self.folder, self.searcher.reader(), generation)
        self.sets = DocSets(self.folder, table)

    def close(self) -> None:
        self.sets.close()
        self.searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __len__(self) -> int:
        return self.searcher.doc_count()

    # The component partitions: for each level 2, 1, 0 the set of documents at that level.

    def _skill_points(self, need: Need, base: int) -> dict[int, int]:
        points = {0: base}
        for skill in need.skills:
            by_gain: dict[int, int] = {}
            for level in matching.LEVEL_POINTS:
                gain = matching.skill_points(level)
                by_gain[gain] = by_gain.get(gain, 0) | self.sets.value("levels", f"{skill}={level}")
            held = 0
            for bits in by_gain.values():
                held |= bits
            by_gain[0] = ~held
            moved: dict[int, int] = {}
            for total, docs in points.items():
                for gain, where in by_gain.items():
                    where &= docs
                    if where:
                        moved[total + gain] = moved.get(total + gain, 0) | where
            points = moved
        return points

    def _place(self, need: Need, base: int) -> tuple[int, int, int]:
        if need.region is None and not need.remote:
            return base, 0, 0
        remote = self.sets.value("remote", "yes")
        full = (self.sets.value("region", need.region) if need.region else 0) | (remote if need.remote else 0)
        partial = (remote & ~full) if need.region and not need.remote else 0
        return full & base, partial & base, base & ~(full | partial)

    def _hours(self, need: Need, base: int) -> tuple[int, int, int]:
        full = self.sets.hours_at_least(need.hours) & base
        half = self.sets.hours_at_least((need.hours + 1) // 2) & base & ~full
        return full, half, base & ~(full | half)

    def _window(self, need: Need, base: int) -> tuple[int, int, int]:
        start, until = need.window(self.today)
        cover = self.sets.date_bound("start", start) & self.sets.date_bound("until", until or start) & base
        # Without an end, whoever starts later still helps with part of it.
        began = self.sets.date_bound("start", until) if until else base
        overlap = began & self.sets.date_bound("until", start) & base & ~cover
        return cover, overlap, base & ~(cover | overlap)

    def _freshness(self, base: int) -> tuple[int, int, int]:
        fresh = self.sets.date_bound("updated", self.today - dt.timedelta(days=matching.FRESH_DAYS)) & base
        recent = self.sets.date_bound("updated", self.today - dt.timedelta(days=matching.STALE_DAYS)) & base
        unknown = self.sets.value("updated", NO_DATE) & base
        middle = (recent & ~fresh) | unknown
        return fresh, middle, base & ~(fresh | middle)

    def _partitions(self, need: Need, base: int, can_help: bool):
        """For ``need``: skill points → documents, and for place, hours, window, freshness the
        documents at levels 2, 1 and 0. With ``can_help``, only those who can help (a wanted
        skill, some of the window, not excluded)."""
        if can_help:
            for person in need.exclude:
                doc = self.searcher.document_number(id=person)
                if doc is not None:
                    base &= ~(1 << doc)
        skills = self._skill_points(need, base)
        if can_help and need.skills:
            skills.pop(0, None)
        window = self._window(need, base)
        if can_help:
            window = (window[0], window[1], 0)
        parts = [self._place(need, base), self._hours(need, base), window, self._freshness(base)]
        return skills, parts

    def ranked_docs(self, need: Need, limit: int | None, *, base: int | None = None,
                    can_help: bool = True) -> list[int]:
        """Document numbers of the best ``limit`` profiles for ``need``, in ``matching.rank`` order."""
        base = self.sets.alive if base is None else base & self.sets.alive
        skills, parts = self._partitions(need, base, can_help)
        combos = []
        for points, place, hours, window, fresh in itertools.product(skills, range(3), range(3), range(3), range(3)):
            score = matching.score_of(points, len(need.skills), place, hours, window, fresh)
            combos.append((-score, points, (place, hours, window, fresh)))
        combos.sort()
        chosen: list[int] = []
        for _first, group in itertools.groupby(combos, key=lambda combo: combo[0]):
            docs = 0
            for _key, points, levels in group:
                found = skills[points]
                for part, level in zip(parts, levels):
                    found &= part[2 - level]
                    if not found:
                        break
                docs |= found
            if not docs:
                continue
            tier = sorted(members(docs), key=self.sets.rank)
            chosen += tier
            if limit is not None and len(chosen) >= limit:
                return chosen[:limit]
        return chosen

    def scores(self, docs: list[int], need: Need, base: int) -> dict[int, float]:
        """The match score of each of ``docs`` (all within ``base``) for ``need``, by bit tests."""
        skills, parts = self._partitions(need, base, can_help=False)
        width = (self.sets.size + 7) // 8

        def test(bits: int):
            data = bits.to_bytes(width, "little")
            return lambda doc: data[doc >> 3] >> (doc & 7) & 1

        skill_tests = [(points, test(bits)) for points, bits in skills.items()]
        part_tests = [[test(levels[0]), test(levels[1])] for levels in parts]
        found = {}
        for doc in docs:
            points = next((p for p, inside in skill_tests if inside(doc)), 0)
            levels = [2 if two(doc) else 1 if one(doc) else 0 for two, one in part_tests]
            found[doc] = matching.score_of(points, len(need.skills), *levels)
        return found

    def filter_docs(self, filters: Filters) -> int:
        """The set of documents that pass every filter."""
        docs = self.sets.alive
        for skill in filters.skills:
            docs &= self.sets.value("skills", skill)
        if filters.region:
            docs &= self.sets.value("region", filters.region)
        if filters.remote:
            docs &= self.sets.value("remote", "yes")
        if filters.min_hours:
            docs &= self.sets.hours_at_least(filters.min_hours)
        if filters.available_on:
            day = filters.available_on
            docs &= self.sets.date_bound("start", day) & self.sets.date_bound("until", day)
        return docs

    def stored(self, doc: int) -> dict:
        return self.searcher.stored_fields(doc)

    def explain(self, doc: int, need: Need) -> Match:
        return matching.explain(_candidate(self.stored(doc)), need, self.today)

    def match(self, need: Need, limit: int | None = 10) -> list[Match]:
        """The best ``limit`` helpers for ``need``, explained (the same as ``matching.rank``),
        people of the pools among them."""
        found = [self.explain(doc, need) for doc in self.ranked_docs(need, limit)]
        if self.pooled:
            found = _merged(found, self._pooled_candidates().rank(need, self.today, limit=limit), limit)
        return found

    def _pooled_candidates(self) -> matching.CandidatePool:
        if self._pool is None:
            self._pool = matching.CandidatePool(Candidate.pooled(person) for person in self.pooled)
        return self._pool

    def _pooled_search(self, query: str, filters: Filters, limit: int | None) -> list[Match]:
        """``search`` among the people of the pools: the same filters, words and order."""
        words = words_of(query)
        typing = bool(words) and not query[-1:].isspace()
        chosen = []
        for person, candidate in zip(self.pooled, self._pooled_candidates().candidates):
            if (any(skill not in candidate.skills for skill in filters.skills)
                    or (filters.region and candidate.region != filters.region)
                    or (filters.remote and not candidate.remote) or candidate.hours < filters.min_hours
                    or (filters.available_on and not person.is_available_on(filters.available_on))):
                continue
            if words:
                known = profile_words(person, self.taxonomy)
                whole, last = (words[:-1], words[-1]) if typing else (words, None)
                if any(word not in known for word in whole) or (last and not any(k.startswith(last) for k in known)):
                    continue
            chosen.append(candidate)
        return matching.rank(chosen, filters.as_need(), self.today, limit=limit, can_help=False)

    def _word_set(self, field_name: str, word: str) -> int:
        """The documents with ``word`` in ``field_name``. A long posting list is slow to read, so
        each set is kept beside the document sets of this generation once computed."""
        folder = self.folder / f"words-{self.sets.generation}"
        cached = folder / f"{field_name}-{hashlib.sha1(word.encode('utf-8')).hexdigest()[:20]}.bin"
        try:
            return int.from_bytes(cached.read_bytes(), "little")
        except OSError:
            pass
        reader = self.searcher.reader()
        bits = 0
        if (field_name, word.encode("utf-8")) in reader:
            bits = _bits(reader.postings(field_name, word).all_ids(), self.sets.size) & self.sets.alive
        try:
            folder.mkdir(exist_ok=True)
            temporary = cached.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(bits.to_bytes((bits.bit_length() + 7) // 8, "little"))
            os.replace(temporary, cached)
        except OSError:
            pass
        return bits

    def word_set(self, query: str, allowed: int) -> int | None:
        """Documents of ``allowed`` having every word of ``query`` among the words they are found
        by (joinedup.match.words: name, headline, place, region, skills, themes, bio); None if
        ``query`` has no word to look up. Each word is looked up whole, but the last one,
        unless ``query`` ends with a space: any of the commonest words it is the start of, as
        on the search page, so the two find the same people.
        """
        words = words_of(query)
        if not words:
            return None
        reader = self.searcher.reader()
        anywhere = allowed & self.sets.alive
        for position, word in enumerate(words):
            if position == len(words) - 1 and not query[-1:].isspace():
                known = ((term.decode("utf-8") if isinstance(term, bytes) else term, reader.doc_frequency("words", term))
                         for term in reader.expand_prefix("words", word))
                looked_up = completions(word, known)
            else:
                looked_up = [word]
            found = 0
            for each in looked_up:
                found |= self._word_set("words", each)
            anywhere &= found
        return anywhere

    def search(self, query: str, filters: Filters, limit: int | None = 20) -> list[Match]:
        """Profiles passing ``filters`` (and having every word of ``query``, if any), best first:
        by the match score for the filters taken as a need (``matching.explain``), then id.
        Words choose who is listed, not the order, as on the search page.
        """
        need = filters.as_need()
        allowed = self.filter_docs(filters)
        pooled = self._pooled_search(query, filters, limit) if self.pooled else []
        if query.strip():
            allowed = self.word_set(query, allowed)
            if allowed is None:
                return pooled
        found = [self.explain(doc, need) for doc in self.ranked_docs(need, limit, base=allowed, can_help=False)]
        return _merged(found, pooled, limit) if pooled else found


def _merged(found: list[Match], pooled: list[Match], limit: int | None) -> list[Match]:
    """Two ranked lists as one, in the one order (matching.order_key), cut at ``limit``."""
    merged = sorted(found + pooled, key=matching.order_key)
    return merged if limit is None else merged[:limit]


def _complete(folder: Path, table: dict) -> bool:
    """Whether the document-set file named in ``table`` is there whole (not cut short)."""
    try:
        return (folder / table["file"]).stat().st_size == sum(table["ranks"])
    except (OSError, KeyError, TypeError):
        return False


def open_index(root: Path, taxonomy: Taxonomy, today: dt.date, index_dir: Path | None = None, *,
               refresh: bool = True) -> SearchIndex:
    """The repository's search index, brought up to date first (see :func:`update_index`).

    With ``refresh=False`` an existing, readable index of this version is used as it is, without
    checking every profile file; it is still built if missing.
    """
    from whoosh import index as whoosh_index

    folder = Path(index_dir or default_index_dir(Path(root)))
    meta = _read_json(folder / "meta.json") or {}
    usable = meta.get("version") == SCHEMA_VERSION and meta.get("taxonomy") == _taxonomy_fingerprint(Path(root))
    update = Update() if not refresh and usable else update_index(Path(root), taxonomy, folder)
    return SearchIndex(Path(root), taxonomy, today, folder, whoosh_index.open_dir(str(folder)), update)


def open_search_index(root: Path, today: dt.date, *, refresh: bool = True) -> SearchIndex:
    """The index ``search`` and ``match`` use, read with the repository's own taxonomies.

    Raises ProblemsFound (every taxonomy problem) when data/ has errors: an index built from
    broken taxonomies would mislead; and when the profile schema cannot be read. An index that
    cannot be opened even after its update (a damaged folder) is removed and built afresh once;
    ``update.unreadable`` then names the error.
    """
    from joinedup.load.pools import take
    from joinedup.load.settings import load_settings
    from joinedup.load.taxonomy import load_taxonomy

    taxonomy, problems = load_taxonomy(Path(root))
    if has_errors(problems):
        raise ProblemsFound(problems)
    try:
        index = open_index(root, taxonomy, today, refresh=refresh)
    except ProblemsFound:
        raise  # a file of the repository, not the index, is at fault
    except Exception as error:  # whatever a damaged index raises; a second failure is a bug and shows
        shutil.rmtree(default_index_dir(Path(root)), ignore_errors=True)
        index = open_index(root, taxonomy, today)
        index.update = dataclasses.replace(index.update, unreadable=type(error).__name__)
    # The pools as the last build fetched them: searching never waits on the network.
    index.pooled = take(root, load_settings(root)[0].pools, taxonomy, today, fetch=False).people
    return index


def search_filters(taxonomy: Taxonomy, skills: Iterable[str] = (), region: str | None = None, remote: bool = False,
                   min_hours: int = 0, available_on: dt.date | None = None, until: dt.date | None = None,
                   start: dt.date | None = None) -> Filters:
    """The Filters ``search``'s flags ask for; a skill may be named by its id or an alias.

    Raises answers.BadAnswer for the first skill or region the taxonomies do not know, with
    the id it was probably meant to be, or else the known ids, and the file that lists them.
    """
    from joinedup.core.problems import BadAnswer

    wanted = []
    for word in skills:
        skill = taxonomy.canonical_skill(word)
        if skill is None:
            raise BadAnswer(_unknown_word("skill", word, list(taxonomy.skills) + list(taxonomy.aliases),
                                          "data/skills.yaml", taxonomy.aliases))
        wanted.append(skill)
    if region is not None and region not in taxonomy.regions:
        raise BadAnswer(_unknown_word("region", region, taxonomy.regions, "data/regions.yaml"))
    return Filters(tuple(dict.fromkeys(wanted)), region, remote, min_hours, available_on, until, start)


def _unknown_word(kind: str, word: str, choices, where: str, aliases=None) -> str:
    import difflib

    from joinedup.load.taxonomy import suggest

    guess = suggest(word, choices)
    if guess and aliases:
        named = difflib.get_close_matches(str(word).lower(), list(choices), n=1, cutoff=0.6)[0]
        guess = " " + _("Did you mean '%s'?") % aliases.get(named, named)
    known = ", ".join(sorted(c for c in choices if not aliases or c not in aliases))
    known_words = _("Known skills: %(ids)s.") if kind == "skill" else _("Known regions: %(ids)s.")
    listed = "" if guess else " " + known_words % {"ids": known}
    unknown = _("unknown skill '%(word)s'.") if kind == "skill" else _("unknown region '%(word)s'.")
    return unknown % {"word": word} + (guess or listed) + " " + _("See %(file)s.") % {"file": where}
