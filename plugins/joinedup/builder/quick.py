"""Quick rebuilds: a profile edit that changes only what the pages showing that person show
(headline, bio, links, languages) re-renders those pages without loading the model.

Most edits to a directory are people fixing their own headline or bio. A full rebuild loads
and plans the whole site to find the dozen pages such an edit touches; this module finds them
in what the last build recorded, in ``quick-<VERSION>.sqlite`` of the repository's cache folder
(:func:`joinedup.core.buildcache.cache_dir`):

* ``meta``: what every page depends on (the theme, settings, code, content, git HEAD, the
  day: :func:`world`), Pelican's context as the pages saw it, the manifest of the site it wrote;
* ``meta`` also holds every profile's lstat signature, by path, in one value: comparing them
  all is then one read, not 100,000 rows;
* ``people``: each profile's digest, place in directory order, model object,
  "last confirmed" label, and the pages showing the person (their own, the listings of their
  skills and region, proposals they wrote, endorse or could help with, their groups);
* ``pages``: each planned page's template and context, pickled with the people, proposals
  and groups on it as references, and the people on it; ``items``: those proposals and groups.

:func:`rebuild` renders the pages showing the edited people with their new profile swapped in,
updates the search facets and open data for them (render.facets, render.exports), and updates the manifest, giving
the bytes a full build would (tests/test_quick.py compares them). Anything else (another
file changed, a profile added or removed, a name, skill, place or availability edited, a
problem in the file, a template reaching for the whole model) raises :class:`Refused`, and
the caller runs the full build, which also records the next quick rebuild's state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import os
import pickle
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from array import array
from pathlib import Path

from joinedup.builder.output import MANIFEST, ManifestText, site_problem
from joinedup.core.buildcache import ProfileCache, cache_dir, cache_loadable, lstat_signature, safe_loads
from joinedup.core.model import Group, Proposal, Volunteer

VERSION = 6
DATABASE = f"quick-{VERSION}.sqlite"  # a new version starts a new file
# The fields of a profile an edit may change for a quick rebuild: they show on the pages
# showing the person, in search's words and cards and in the open data, and change no listing,
# no ranking and no count. Not ``endorses``: endorsements are counted, by region and group, on
# proposal pages and order the broadest-first listings and feed (joinedup.match.breadth).
SHOWN_ONLY = ("headline", "bio", "contact", "languages", "endorses_at")
# More changed profiles than this: a full rebuild (it validates them on both cores).
MAX_CHANGED = 20
# Above this many profiles a full build records no state for quick rebuilds: the largest
# directory whose recording build was measured under 1 GB (100,000 profiles: benchmarks/README.md).
RECORD_UP_TO = 100_000
# Folders and files of the repository a build reads besides the profiles (and its code).
_INPUT_FOLDERS = ("content", "data", "themes", "plugins", "volunteers")
_PROFILE = re.compile(r"[^./][^/]*\.yaml")  # as profiles.profile_files finds them
# Longer than a tick of the clock file times are taken from (1-10 ms on Linux).
_TICK_NS = 50_000_000


class Refused(Exception):
    """Why this rebuild cannot be quick; the full build runs instead."""


# --- What the site was built from --------------------------------------------------------------


def world(root: Path, output: Path, settings_file: str, build_date, pooled: str = "") -> tuple[str, dict[str, tuple], str]:
    """A hash of everything a build reads but the profiles' contents and git's history, each
    profile's lstat signature (by path relative to ``root``), and git's HEAD.

    Covered: every file under content/, data/, themes/, plugins/ and volunteers/ (but the
    profiles) and at the top of the repository, by lstat; the code of this library; the build
    day; the settings file and output folder; the installed packages (their dist-info names
    hold their versions); the JOINEDUP_ environment variables. Not HEAD: a rebuild after
    commits that changed only profiles is quick too (:func:`_commits_since`).
    """
    digest = hashlib.blake2b(digest_size=16)
    profiles: dict[str, tuple] = {}
    newest = 0
    skip = {os.path.realpath(output)}

    def walk(folder: str, relative: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        if relative == "volunteers/":
            # The profiles, 100,000 in a big directory: taken in the folder's order (the dict
            # is sorted for the hash below), with as little as can be done for each.
            others, regular, profile = [], stat.S_ISREG, _PROFILE.fullmatch
            for entry in entries:
                if profile(entry.name):
                    info = entry.stat(follow_symlinks=False)
                    profiles[relative + entry.name] = ((info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
                                                      if regular(info.st_mode) else (info.st_mode,))
                else:
                    others.append(entry)
            entries = others
        for entry in sorted(entries, key=lambda entry: entry.name):
            name = f"{relative}{entry.name}"
            if entry.name == "__pycache__" or entry.path in skip:
                continue
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                walk(entry.path, name + "/")
                continue
            nonlocal newest
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            signature = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
            digest.update(f"{name}\0{info.st_mode}\0{signature}\0".encode())

    started = time.time_ns()
    for entry in sorted(os.scandir(root), key=lambda entry: entry.name):
        if entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            digest.update(f"{entry.name}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_size}\0".encode())
    for folder in _INPUT_FOLDERS:
        walk(str(root / folder), folder + "/")
    library = Path(__file__).resolve().parent.parent
    for code in (library, library.parent / "joinedup_pelican"):
        if not str(code).startswith(str(root) + os.sep):
            walk(str(code), f"<{code.name}>/")
    if newest > started - _TICK_NS:
        # Changed within a tick of the file system's clock: another change in the same tick
        # would keep the same signature. This build will not be followed by a quick one.
        digest.update(os.urandom(16))
    from joinedup.core.freshness import head_commit

    # Not the profiles' names: a quick rebuild compares them with those recorded (100,000 sorted
    # and hashed here cost 0.05 s of every rebuild).
    digest.update(repr((build_date.isoformat(), settings_file, pooled,
                        os.path.realpath(output), sys.version, _packages(),
                        sorted((k, v) for k, v in os.environ.items() if k.startswith("JOINEDUP_")))).encode())
    return digest.hexdigest(), profiles, head_commit(root)


def _commits_since(root: Path, last: str | None, head: str, profiles: dict) -> dict[str, dt.date]:
    """The profiles (``profiles``: path → the last build's lstat signature) committed after
    ``last`` up to ``head``, each with the day of its newest commit there: what the full build
    reads of git for them (joinedup.core.freshness.commit_dates, the same log of volunteers/),
    from the commits since rather than from the whole history again.

    Raises :class:`Refused` when ``last`` is not an ancestor of ``head`` (a rebase, another
    branch: any file's history may differ), when a commit since touched content/ (revision
    histories are on the pages), or a file of volunteers/ that is not a profile the last build had."""
    from joinedup.core.freshness import commit_dates

    if not last or not head:
        raise Refused("no commit to compare with")
    try:
        if subprocess.run(["git", "merge-base", "--is-ancestor", last, head], cwd=root, capture_output=True,
                          timeout=60).returncode != 0:
            raise Refused("the last build's commit is not behind HEAD")
        # --full-history, as the revision history reads it (load.history): a change made and
        # undone on a merged branch is in that history, though the merge left the file as it was.
        if subprocess.run(["git", "log", "-n", "1", "--full-history", "--format=%H", "--relative", f"{last}..{head}",
                           "--", "content"], cwd=root, capture_output=True, timeout=60, check=True).stdout.strip():
            raise Refused("content was committed: its history is on the pages")
        days = commit_dates(root, "volunteers", f"{last}..{head}")
    except (OSError, subprocess.SubprocessError) as error:
        raise Refused(f"git: {error}") from None
    for name in days:
        if name not in profiles:
            raise Refused(f"{name} was committed and is not a profile of the last build")
    return days


def _packages() -> list[str]:
    names = []
    for folder in sys.path:
        if folder.endswith(("site-packages", "dist-packages")) and os.path.isdir(folder):
            names += sorted(name for name in os.listdir(folder) if name.endswith(".dist-info"))
    return names


# --- Recording, at the end of a full build -----------------------------------------------------


class _ContextPickler(pickle.Pickler):
    """Pickles a page's context with the people, proposals and groups on it as references
    (``_referred``), noting the people.

    ``reducer_override`` rather than ``persistent_id``: the pickler does not call it for
    strings, numbers and plain containers, so those cost no call into Python."""

    def __init__(self, file, volunteers):
        super().__init__(file, protocol=5)
        self.volunteers = volunteers
        self.people: set[str] = set()
        self.pinned: set[str] = set()
        self.candidate = _Candidate()
        from joinedup.match.matching import Match

        self.match = Match

    def reducer_override(self, value):
        kind = type(value)
        if kind is Volunteer:
            self.people.add(value.id)
            return _referred, ("v", value.id)
        if kind is Proposal:
            return _referred, ("p", value.slug)
        if kind is Group:
            return _referred, ("g", value.slug)
        if kind is self.match:
            # Its reasons follow its candidate's day of last commit (_match_of).
            return _match_of, (value.candidate, value.score, value.reasons)
        if kind is self.candidate:
            self.people.add(value.id)
            volunteer = self.volunteers.get(value.id)
            if volunteer is not None and kind.of(volunteer, value.updated) == value:
                return _referred, ("c", value.id, value.updated)
            self.pinned.add(value.id)  # not what their profile gives: never quick for them
        return NotImplemented


# While a quick rebuild unpickles a context: (kind, key...) -> the object (see _ContextPickler).
_resolve: list = []


@cache_loadable
def _referred(*reference):
    return _resolve[-1](reference)


@cache_loadable
def _match_of(candidate, score, reasons):
    """A match as recorded, its "updated ..." reason saying its candidate's day (a profile
    committed since the record, its freshness the same: the score and ranking are too)."""
    from joinedup.match.matching import Match, with_updated

    return Match(candidate, score, with_updated(reasons, candidate.updated))


def _Candidate():
    global _CANDIDATE
    if _CANDIDATE is None:
        from joinedup.match.matching import Candidate

        _CANDIDATE = Candidate
    return _CANDIDATE


_CANDIDATE = None


class _WithoutPelican(pickle.Pickler):
    """Refuses what only Pelican's modules can unpickle (its classes, its PaginationRule): a
    quick rebuild renders without importing Pelican."""

    def reducer_override(self, value):
        for module in (type(value).__module__, getattr(value, "__module__", None) if callable(value) else None):
            if isinstance(module, str) and module.partition(".")[0] == "pelican":
                raise pickle.PicklingError(f"{value!r} needs Pelican")
        return NotImplemented


def _pickled_without_pelican(value) -> bytes:
    buffer = io.BytesIO()
    _WithoutPelican(buffer, protocol=5).dump(value)
    return buffer.getvalue()


def pickle_context(context: dict, volunteers) -> tuple[bytes, set[str], set[str]]:
    """The context's bytes, the ids of the people on the page, and of those pinned by value."""
    buffer = io.BytesIO()
    pickler = _ContextPickler(buffer, volunteers)
    pickler.dump(context)
    return buffer.getvalue(), pickler.people, pickler.pinned


@cache_loadable
class _MenuPage:
    """What the site header and footer read of one of Pelican's pages (its menu link, and which
    is the privacy page). An attribute the page lacks is missing here too (a template sees it
    undefined); reading any other one refuses the quick rebuild."""

    KEPT = ("url", "title", "menu_title", "menu", "template")

    def __init__(self, page):
        for name in self.KEPT:
            if hasattr(page, name):
                setattr(self, name, getattr(page, name))

    def __getattr__(self, name):
        if name in self.KEPT or name.startswith("__"):
            raise AttributeError(name)
        raise Refused(f"a template reads '{name}' of a page")


class Recorder:
    """Collects during a full build what the next quick rebuild needs, and saves it."""

    def __init__(self, root: Path, output: Path, settings_file: str, key: str, head: str = ""):
        self.output, self.settings_file, self.key, self.head = output, settings_file, key, head
        self.pages: list[tuple[str, str, str]] = []        # (save_as, template, url) of every planned page
        self.recorded = bytearray()                           # 1 for each page whose context was added
        self.shown: dict[str, array] = {}                     # person -> recorded pages showing them
        self.buffer: list[tuple] = []
        self.buffered = 0
        self.prepared: bool | None = None  # None: not yet; then whether it worked
        self.meta: dict = {}
        self.confirmations: dict[str, object] = {}
        self.database = _open(root)
        # The contexts of pages kept from the last site are in the database when the last
        # build recorded them for that site; otherwise every page's context is pickled.
        last = _read_meta(self.database) if self.database is not None else {}
        self.has_kept_pages = last.get("version") == VERSION and last.get("manifest") == _manifest_signature(output)
        self.pinned: set[str] = set(last.get("pinned", ())) if self.has_kept_pages else set()

    def generator(self, generator, names: dict, shared: str, per_build=frozenset(), simple: str = "") -> None:
        """What the directory generator knows: its page plan, Pelican's context (but
        ``per_build`` settings: the model, this recorder...), the names of its template globals,
        its templates (and Pelican's ``simple`` theme's), the shared inputs."""
        self.pages = [(page.save_as, page.template, page.url) for page in generator.pages]
        self.recorded = bytearray(len(self.pages))
        kept, dropped = {}, []
        for key, value in generator.context.items():
            if key in names or key == "pages":
                continue
            if key in per_build:
                dropped.append(key)
                continue
            try:
                kept[key] = _pickled_without_pelican(value)
            except Exception:  # Pelican's objects, settings holding functions: a template using them refuses
                dropped.append(key)
        env = generator.env
        self.meta.update(
            shared=shared, context=kept, dropped=dropped, globals=sorted(names),
            menu=pickle.dumps([_MenuPage(page) for page in generator.context.get("pages", ())], protocol=5),
            templates=list(generator._templates_path), theme=str(generator.theme),
            simple=simple,
            environment=environment_signature(env),
        )
        # Each person's "last confirmed" label and the day of their profile's last commit.
        dates = names["people_who_could_help"].dates
        self.confirmations = {v.id: (names["confirmation"](v), dates.get(v.path))
                              for v in generator.repository.directory.volunteers.values()}

    def add(self, records) -> None:
        """Keep pages' contexts, ``(index in the plan, pickled context, people on it, people
        pinned)``, written by :meth:`prepare`, or as they come past FLUSH_BYTES, so that a big
        site's contexts are never all held at once."""
        for index, blob, people, pinned in records:
            self.recorded[index] = 1
            self.pinned |= pinned
            self.buffer.append((index, blob, "\n".join(sorted(people))))
            self.buffered += len(blob)
            for id in people:
                found = self.shown.get(id)
                if found is None:
                    found = self.shown[id] = array("I")
                found.append(index)
        if self.buffered > self.FLUSH_BYTES:
            self._flush()

    FLUSH_BYTES = 16 << 20

    def _flush(self) -> None:
        db = self.database
        if db is None:
            return
        try:
            if not db.in_transaction:
                db.execute("BEGIN")
                if not self.has_kept_pages:  # every page is recorded in this build: none of the last
                    db.execute("DELETE FROM pages")
            pages = self.pages
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                           [(*pages[index], blob, people) for index, blob, people in self.buffer])
        except sqlite3.Error:
            self.database = None
            db.close()
        self.buffer, self.buffered = [], 0

    def prepare(self, repository) -> None:
        """Write what the state holds of people, pages, proposals and groups (in the build's
        transaction, committed by :meth:`save`). Called by the directory generator when its
        pages are rendered, or by :meth:`save`."""
        if self.prepared is not None or self.database is None or not self.meta:
            return
        self.prepared = False
        try:
            self._flush()
            if self.database is None:
                return
            if not self.database.in_transaction:
                self.database.execute("BEGIN")
            self.prepared = self._save(repository)
            self.shown = {}
        except Exception:  # a cache: the site is built all the same, the next rebuild is full
            self.prepared = False

    def save(self, repository, html: int) -> None:
        """Write the state for the site just published at ``output`` (``html`` pages: a quick
        rebuild adds or removes none). Failing to write is harmless."""
        try:
            self.prepare(repository)
            if self.prepared:
                self.meta.update(
                    version=VERSION, world=self.key, head=self.head, salt=repository.profile_salt,
                    settings_file=self.settings_file,
                    count=len(repository.directory.volunteers), pinned=self.pinned, html=html,
                    manifest=_manifest_signature(self.output),
                )
                self.database.executemany("INSERT INTO meta VALUES (?, ?)",
                                          [(key, pickle.dumps(value, protocol=5)) for key, value in self.meta.items()])
                self.database.execute("COMMIT")
        except (sqlite3.Error, OSError, pickle.PicklingError):
            pass
        finally:
            if self.database is not None:
                self.database.close()  # without COMMIT: rolled back
                self.database = None

    def abandon(self) -> None:
        """The build failed: keep the last state as it was."""
        if self.database is not None:
            self.database.close()
            self.database = None

    def _people(self, changed: list) -> None:
        self.database.executemany("INSERT OR REPLACE INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?)", changed)
        changed.clear()

    def _save(self, repository) -> bool:
        db = self.database
        directory = repository.directory
        order = {volunteer.id: number for number, volunteer in enumerate(directory.sorted_volunteers())}
        db.execute("DELETE FROM meta")
        pages = self.pages
        missing = {index for index, done in enumerate(self.recorded) if not done}
        if missing or self.has_kept_pages:
            planned = {page[0]: index for index, page in enumerate(pages)}
            stored = {row[0] for row in db.execute("SELECT save_as FROM pages")}
            db.executemany("DELETE FROM pages WHERE save_as = ?", [(name,) for name in stored - planned.keys()])
            if missing and (not self.has_kept_pages or not {pages[index][0] for index in missing} <= stored):
                return False  # a page whose context is not recorded: no quick rebuild after this build
            # A rebuild: who is on the pages kept from the last build.
            for save_as, people in db.execute("SELECT save_as, people FROM pages"):
                index = planned[save_as]
                if index in missing and people:
                    for id in people.split("\n"):
                        self.shown.setdefault(id, array("I")).append(index)
        shown = self.shown
        known = dict(db.execute("SELECT id, stamp FROM people"))
        current = set()
        changed = []
        signatures = self.meta["signatures"] = {}
        for volunteer in directory.volunteers.values():
            digest = repository.digests.get(volunteer.path)
            label = pickle.dumps(self.confirmations[volunteer.id], protocol=5)
            signature = repository.signatures.get(volunteer.path)
            signatures[volunteer.path] = None if signature is None else tuple(signature)
            pages_text = "\n".join(sorted(pages[index][0] for index in shown.pop(volunteer.id, ())))
            current.add(volunteer.id)
            # A person's row is written again only when what it holds changed (its stamp).
            stamp = hashlib.blake2b(repr((digest, order[volunteer.id], label, pages_text)).encode(), digest_size=16).digest()
            if known.get(volunteer.id) != stamp:
                changed.append((volunteer.id, volunteer.path, digest, order[volunteer.id], label,
                                pickle.dumps(volunteer, protocol=5), pages_text, stamp))
                if len(changed) >= 2000:  # in batches: never every pickled person at once
                    self._people(changed)
        self._people(changed)
        db.executemany("DELETE FROM people WHERE id = ?", [(id,) for id in set(known) - current])
        # Proposals and groups, which pages' contexts refer to (content is unchanged in a quick rebuild).
        agenda = repository.agenda
        db.execute("DELETE FROM items")
        db.executemany("INSERT INTO items VALUES (?, ?)",
                       [(f"p:{slug}", pickle.dumps(item, protocol=5)) for slug, item in agenda.proposals.items()]
                       + [(f"g:{slug}", pickle.dumps(item, protocol=5)) for slug, item in agenda.groups.items()])
        return True


def forget(root: Path) -> None:
    """Remove the state, when a build does not record one: the site it describes is replaced."""
    for suffix in ("", "-journal"):
        try:
            os.unlink(cache_dir(root) / f"{DATABASE}{suffix}")
        except OSError:
            pass


def environment_signature(env) -> str:
    """What of a Jinja environment changes how a template renders, bar the functions' code."""
    options = {name: getattr(env, name) for name in ("autoescape", "trim_blocks", "lstrip_blocks", "keep_trailing_newline",
                                                     "block_start_string", "variable_start_string", "finalize",
                                                     "newline_sequence", "undefined")}
    return repr((sorted(options.items(), key=str), sorted(env.extensions), sorted(env.filters), sorted(env.tests),
                 sorted(env.globals)))


def _open(root: Path) -> sqlite3.Connection | None:
    """The state's database, made if need be; a damaged one is started again (and an older
    version's removed). None if it cannot be."""
    path = cache_dir(root) / DATABASE
    for older in range(1, VERSION):
        for suffix in ("", "-journal"):
            try:
                os.unlink(path.with_name(f"quick-{older}.sqlite{suffix}"))
            except OSError:
                pass
    for attempt in range(2):
        try:
            os.makedirs(path.parent, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error):
            return None
        try:
            # A cache: the rollback journal keeps it whole when a build is killed; no fsync.
            db.execute("PRAGMA synchronous = OFF")
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)")
                # people.pages: the pages showing the person; pages.people: the people on the page.
                db.execute("CREATE TABLE IF NOT EXISTS people (id TEXT PRIMARY KEY, path TEXT UNIQUE, digest BLOB, "
                           "position INTEGER, label BLOB, volunteer BLOB, pages TEXT, stamp BLOB)")
                db.execute("CREATE TABLE IF NOT EXISTS pages (save_as TEXT PRIMARY KEY, template TEXT, url TEXT, "
                           "context BLOB, people TEXT)")
                db.execute("CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, value BLOB)")
            return db
        except sqlite3.DatabaseError:
            db.close()
            if attempt:
                return None
            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.unlink(f"{path}{suffix}")
                except OSError:
                    pass
    return None


def _read_meta(db: sqlite3.Connection) -> dict:
    try:
        return {key: safe_loads(value) for key, value in db.execute("SELECT key, value FROM meta")}
    except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}


def _manifest_signature(output: Path) -> tuple | None:
    return lstat_signature(os.path.join(output, MANIFEST))


# --- The quick rebuild ---------------------------------------------------------------------------


class _NotHere:
    """A name of the full build's context that a quick rebuild does not have (the model, one of
    Pelican's objects): any use of it refuses the quick rebuild."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def _refuse(self, *args, **kwargs):
        raise Refused(f"a template uses '{object.__getattribute__(self, '_name')}'")

    __getattr__ = __getitem__ = __call__ = __iter__ = __len__ = __bool__ = __str__ = __html__ = _refuse
    __eq__ = __lt__ = __contains__ = __format__ = _refuse
    __hash__ = None


def rebuild(root: Path, output: Path, settings_file: str, key: str, profiles: dict, head: str,
            build_date, site_check: SiteCheck) -> tuple[int, int, int]:
    """Update the site at ``output`` for the profiles changed since the last build; returns the
    numbers of HTML pages of the site, of profiles changed and of pages rendered. Raises :class:`Refused` when the
    change needs a full build; then nothing was written."""
    if not (cache_dir(root) / DATABASE).is_file():
        raise Refused("no state of the last build")
    db = _open(root)
    if db is None:
        raise Refused("no state of the last build")
    try:
        return _rebuild(db, root, output, settings_file, key, profiles, head, build_date, site_check)
    finally:
        db.close()


class SiteCheck:
    """Whether the site at ``output`` is still the one the last build wrote
    (:func:`joinedup.builder.output.site_problem`), found by a process of its own started
    now, so that its work at 100k profiles (120,000 files and 106,000 folders: 0.45 s) runs
    on the other core while this one reads the inputs (:func:`world`): a quick rebuild then
    waits for none of it (benchmarks/ab/site_check.py), and a full build keeps the last
    site's pages only when the answer is None. A context manager: the process is stopped at
    the end."""

    def __init__(self, output: Path):
        self.output = os.path.abspath(output)  # the build changes its working folder later
        self.process: subprocess.Popen | None = None
        self.answer: str | None = None
        self.answered = False

    def __enter__(self) -> SiteCheck:
        if os.path.isfile(os.path.join(self.output, MANIFEST)):
            library = str(Path(__file__).resolve().parents[2])
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (library, os.environ.get("PYTHONPATH"))))}
            try:
                # -P: nothing imported from the working folder, which may be anyone's.
                self.process = subprocess.Popen([sys.executable, "-P", "-m", "joinedup.builder.output", self.output],
                                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                stderr=subprocess.DEVNULL, env=env)
            except OSError:
                self.process = None
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.communicate()

    def problem(self) -> str | None:
        """Why the site is not the one the last build wrote, or None. When the check cannot
        be made, here or in its process, that is the answer: the site is not trusted."""
        if not self.answered:
            said = None
            if self.process is not None:
                try:
                    said = self.process.communicate(timeout=600)[0].decode("utf-8", "replace")
                except subprocess.TimeoutExpired:
                    self.process.kill()
            if said == "ok":
                self.answer = None
            elif said is not None and said.startswith("problem: "):
                self.answer = said.removeprefix("problem: ")
            else:  # not started, or it failed: asked here instead
                try:
                    self.answer = site_problem(self.output)
                except Exception as error:
                    self.answer = f"the site could not be checked ({type(error).__name__})"
            self.answered = True
        return self.answer


def _rebuild(db, root: Path, output: Path, settings_file: str, key: str, profiles: dict, head: str,
             build_date, site_check: SiteCheck) -> tuple[int, int, int]:
    meta = _read_meta(db)
    if meta.get("version") != VERSION or meta.get("world") != key or meta.get("settings_file") != settings_file:
        raise Refused("something besides profiles changed")
    # site.yaml is part of the world: the last build's language is the site's, and what the command says is in it.
    from joinedup.core.i18n import activate

    language = meta.get("context", {}).get("DEFAULT_LANG")
    activate(safe_loads(language) if language is not None else "en")
    if meta.get("manifest") is None or meta["manifest"] != _manifest_signature(output):
        raise Refused("the site is not the one the last build wrote")
    known = meta.get("signatures") or {}
    if known.keys() != profiles.keys():
        raise Refused("profiles were added or removed")
    touched = [path for path, signature in profiles.items() if known[path] != signature or known[path] is None]
    # Commits since the last build: the profiles they touched, with the day of each one's newest commit.
    committed = {} if meta.get("head") == head else _commits_since(root, meta.get("head"), head, known)
    how_many = len(set(touched) | committed.keys())
    if how_many > MAX_CHANGED:
        raise Refused(f"{how_many} profiles changed")
    rows = {path: (id, digest) for path in {*touched, *committed}
            for id, digest in db.execute("SELECT id, digest FROM people WHERE path = ?", (path,))}
    if len(rows) != how_many:
        raise Refused("a changed profile has no record")
    manifest = ManifestText.of(output)  # read while the site's check may still run
    problem = site_check.problem()
    if problem:
        raise Refused(problem)

    from joinedup.load.files import read_text
    from joinedup.load.profiles import volunteer_from_text
    from joinedup.load.taxonomy import load_taxonomy
    from joinedup.render.exports import update_people
    from joinedup.render.facets import FacetChanges, update_facets
    from joinedup.render.rendering import CannotUpdate

    taxonomy = None

    def the_taxonomy():
        nonlocal taxonomy
        if taxonomy is None:
            taxonomy, problems = load_taxonomy(root)
            if problems:
                raise Refused("the taxonomy has problems")
        return taxonomy

    loaded: dict[str, tuple] = {}  # id -> (volunteer, label, digest, day of the profile's last commit)

    def person(id: str):
        found = loaded.get(id)
        if found is None:
            row = db.execute("SELECT volunteer, label, digest FROM people WHERE id = ?", (id,)).fetchone()
            if row is None:
                raise Refused(f"no record of {id}")
            label, day = safe_loads(row[1])
            found = loaded[id] = (safe_loads(row[0]), label, row[2], day)
        return found[0]

    # A profile committed since: the day of its last commit moves. Quick only when that changes
    # no score and no label ("not confirmed since"), so no ranking and no listing: then the
    # pages showing the person say the new day ("updated ...") and the data files hold it.
    dated: dict[str, dt.date | None] = {}
    if committed:
        from joinedup.match.matching import freshness_level
        from joinedup.render.labels import confirmation_label

        stale_months = meta.get("context", {}).get("JOINEDUP_STALE_MONTHS")
        stale_months = safe_loads(stale_months) if stale_months is not None else 12
        for path, day in committed.items():
            id = rows[path][0]
            person(id)
            _, label, _, before = loaded[id]
            if day == before:
                continue
            if before is not None and day < before:
                # Older than the commit the last build saw (a merged branch's older commit, a
                # clock behind): which one the whole log names first is the full build's to say.
                raise Refused(f"{path}: committed with a day before its last")
            if id in meta.get("pinned", ()):
                raise Refused(f"{id} is shown by value")
            if freshness_level(day, build_date) != freshness_level(before, build_date):
                raise Refused(f"{path}: committed, its freshness changes a score")
            if confirmation_label(day, build_date, stale_months) != label:
                raise Refused(f"{path}: committed, its 'last confirmed' label changes")
            dated[id] = day
            loaded[id] = (*loaded[id][:3], day)

    changed: list[tuple[str, Volunteer, Volunteer, bytes, tuple | None]] = []
    signatures: dict[str, tuple | None] = {}
    for path in touched:
        id, digest = rows[path]
        text, problems = read_text(root, path)
        if text is None or problems:
            raise Refused(f"{path} cannot be read")
        new_digest = hashlib.blake2b(f"{meta['salt']}|{path}|".encode() + ProfileCache.key(text), digest_size=16).digest()
        signature = profiles[path]
        if max(signature[:2]) > time.time_ns() - ProfileCache.RACY_SECONDS * 10**9:
            signature = None  # edited too recently to trust its lstat: read again next time
        signatures[path] = signature
        if new_digest == digest:
            continue  # touched, not changed
        volunteer, problems = volunteer_from_text(root, path, text, the_taxonomy())
        if volunteer is None or problems:
            raise Refused(f"{path} has problems to report")
        old = person(id)
        if id in meta.get("pinned", ()):
            raise Refused(f"{id} is shown by value")
        if dataclasses.replace(volunteer, **{name: getattr(old, name) for name in SHOWN_ONLY}) != old:
            raise Refused(f"{path}: a change to more than {', '.join(SHOWN_ONLY[:-1])}")
        changed.append((path, old, volunteer, new_digest, signature))

    pages: dict[str, tuple[str, str, dict]] = {}
    if changed or dated:
        the_taxonomy()
        for _, old, volunteer, digest, _ in changed:
            loaded[volunteer.id] = (volunteer, loaded[old.id][1], digest, loaded[old.id][3])
        shown = {old.id for _, old, _, _, _ in changed} | dated.keys()
        names = {name for id in shown
                 for name in (db.execute("SELECT pages FROM people WHERE id = ?", (id,)).fetchone()[0] or "").split("\n")
                 if name}
        candidates: dict = {}

        def resolve(reference):
            kind = reference[0]
            if kind == "v":
                return person(reference[1])
            if kind == "c":
                found = candidates.get(reference[1:])
                if found is None:
                    updated = dated.get(reference[1], reference[2])
                    found = candidates[reference[1:]] = _Candidate().of(person(reference[1]), updated)
                return found
            found = items.get(reference)
            if found is None:
                row = db.execute("SELECT value FROM items WHERE key = ?", (f"{kind}:{reference[1]}",)).fetchone()
                if row is None:
                    raise Refused(f"no record of {reference}")
                found = items[reference] = safe_loads(row[0])
            return found

        items: dict = {}
        _resolve.append(resolve)
        try:
            for save_as in sorted(names):
                template, url, blob = db.execute("SELECT template, url, context FROM pages WHERE save_as = ?",
                                                 (save_as,)).fetchone()
                context = safe_loads(blob)
                owner = getattr(context.get("person"), "id", None)
                if owner in dated and context.get("could_help"):  # where they could help: the new day in its reasons
                    from joinedup.match.matching import with_updated

                    context["could_help"] = type(context["could_help"])(
                        dataclasses.replace(need, reasons=with_updated(need.reasons, dated[owner]))
                        for need in context["could_help"])
                pages[save_as] = (template, url, context)
        finally:
            _resolve.pop()
        # A page whose fingerprint is unchanged is kept (a person among "people who could
        # help" is shown by name and headline only: a bio edit leaves that page as it was).
        fingerprints = _fingerprints(meta["shared"], pages, loaded)
        pages = {name: page for name, page in pages.items() if manifest.fingerprint(name) != fingerprints[name]}
        rendered = _render(root, output, meta, taxonomy, build_date, pages, loaded)
        try:
            edits = [(old, volunteer) for _, old, volunteer, _, _ in changed]
            edits += [(person(id), person(id)) for id in dated.keys() - {old.id for old, _ in edits}]
            facets = update_facets(output, [(db.execute("SELECT position FROM people WHERE id = ?", (old.id,)).fetchone()[0],
                                             old, volunteer, loaded[old.id][3]) for old, volunteer in edits],
                                   taxonomy, build_date, meta["count"])
            data = update_people(output, [(old, volunteer, loaded[old.id][3]) for old, volunteer in edits])
        except CannotUpdate as reason:
            raise Refused(str(reason)) from None
    else:
        rendered, facets, data, fingerprints = {}, FacetChanges({}, frozenset(), frozenset()), {}, {}

    # Written: the changed files and the new manifest into a staging folder beside the site,
    # then published in one committed step (joinedup.builder.output.publish), then the state
    # of this site. The state forgets the last site's manifest first: cut short, the next
    # build is a full one.
    written, facet_files_gone = {**rendered, **facets.written, **data}, facets.gone
    new_files = facets.new
    for name in written:
        target = os.path.join(output, name)
        if os.path.islink(target) or not (os.path.isfile(target) or name in new_files):
            raise Refused(f"{name} is not a file the last build wrote")
    # The manifest with the new fingerprints and facet files, made before anything is written.
    changed_manifest = b""
    if written or facet_files_gone:
        changed_manifest = manifest.changed(fingerprints, facets.new, facet_files_gone)
    if changed_manifest is None:
        raise Refused("the site's manifest is not as the last build wrote it")
    with db:
        db.execute("DELETE FROM meta WHERE key = 'manifest'")
    if written or facet_files_gone:
        from joinedup.builder.output import publish, staging_folder, write_parts

        staging = staging_folder(Path(output))
        try:
            # Staged flat, by number: no folders to make there and to remove after.
            staged = {name: str(number) for number, name in enumerate(written)}
            for name, content in written.items():
                # Bytes, or the parts of a data file (render.exports.update_people), its
                # unchanged ranges copied from the file in the site.
                with open(staging / staged[name], "wb") as handle:
                    if isinstance(content, bytes):
                        handle.write(content)
                        continue
                    source = os.open(os.path.join(output, name), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                    try:
                        write_parts(handle.fileno(), source, content)
                    finally:
                        os.close(source)
            (staging / MANIFEST).write_bytes(changed_manifest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        publish(staging, Path(output), staged, set(facet_files_gone))
    with db:
        for path, old, volunteer, digest, _ in changed:
            db.execute("UPDATE people SET digest = ?, volunteer = ?, stamp = NULL WHERE id = ?",
                       (digest, pickle.dumps(volunteer, protocol=5), volunteer.id))
        for id, day in dated.items():
            db.execute("UPDATE people SET label = ?, stamp = NULL WHERE id = ?",
                       (pickle.dumps((loaded[id][1], day), protocol=5), id))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('head', ?)", (pickle.dumps(head, protocol=5),))
        if signatures:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('signatures', ?)",
                       (pickle.dumps({**known, **signatures}, protocol=5),))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('manifest', ?)",
                   (pickle.dumps(_manifest_signature(output), protocol=5),))
    edited = {volunteer.id for _, _, volunteer, _, _ in changed} | dated.keys()
    return meta["html"], len(edited), len(rendered)


def _render(root: Path, output: Path, meta: dict, taxonomy, build_date, pages: dict, loaded: dict) -> dict[str, bytes]:
    """The pages' HTML, rendered as the full build would: the theme's environment built from
    the settings file, Pelican's context as recorded, the names pages may use."""
    import runpy

    from joinedup.core.i18n import activate
    from joinedup.render.globals import page_globals
    from joinedup.render.rendering import page_environment, render_page

    settings = runpy.run_path(str(root / meta["settings_file"]))
    context = {key: safe_loads(value) for key, value in meta["context"].items()}
    language = context.get("DEFAULT_LANG", "en")
    activate(language)
    # Pelican's strftime and plugin_enabled: not worth importing Pelican for.
    env = page_environment(meta["templates"], meta["theme"], meta["simple"], settings, language,
                           {"strftime": _NotHere("strftime")}, {"plugin_enabled": _NotHere("plugin_enabled")})
    if environment_signature(env) != meta["environment"]:
        raise Refused("the theme's environment differs from the full build's")
    if meta.get("globals") is None:
        raise Refused("the last build did not record its template globals")
    context["pages"] = safe_loads(meta["menu"])
    context.update({name: _NotHere(name) for name in meta["dropped"]})
    context.update(page_globals(taxonomy, build_date, context, root, lambda volunteer: loaded[volunteer.id][1]))
    # The full build's globals that need the whole model (theme_globals beyond page_globals).
    context.update({name: _NotHere(name) for name in meta["globals"] if name not in context})
    rendered = {}
    for save_as, (template_name, url, page_context) in pages.items():
        rendered[save_as] = render_page(env, context, template_name, page_context, url, save_as).encode("utf-8")
    return rendered


def _fingerprints(shared: str, pages: dict, loaded: dict) -> dict[str, str]:
    from joinedup.core.buildcache import PageFingerprints

    hashes = PageFingerprints(shared, ((volunteer, digest) for volunteer, _, digest, _ in loaded.values()))
    return {save_as: hashes.page(template, context) for save_as, (template, _, context) in pages.items()}
