"""Remember work between builds, so that editing one profile does not redo ten thousand.

What is kept, all of it safe to delete at any time, lives in :func:`cache_dir`: a folder of
the user's cache directory named after the repository's real path, never inside the
repository. A pull request can commit any file, ``.cache/`` included, and a cache holds
pickles, Jinja's compiled templates and Whoosh's table of contents, all of which can run code
when read: so nothing is ever read from the work tree, and pickles are read by
:func:`safe_loads`, which builds only this library's objects and a few plain types.

* :class:`ProfileCache` keeps each profile's validated result, keyed by a hash of the file's
  bytes (and its lstat, so an unchanged file is not read). It is thrown away whole when the
  schema, a taxonomy file or the library's own code changes.
* :func:`load_memo` and :func:`save_memo` keep other results between builds (the HTML of
  proposal and group bodies, their checks, "people who could help", the history of a
  commit), thrown away when the library's code changes; :class:`KeptResults` keeps results
  per profile (facets, open-data rows) the same way.
* The profile cache and kept results write the changes since their bulk file to a small
  second file, so a one-profile edit does not rewrite ten thousand entries.
* :class:`PageFingerprints` gives a rendered page's inputs a hash; a rebuild keeps a page of
  the last site instead of rendering it again when the hash is unchanged (joinedup.builder.output).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import os
import pickle
import stat
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

# The library's root folder (plugins/joinedup): its code, in every layer, salts the caches.
_LIBRARY = Path(__file__).resolve().parent.parent


def cache_dir(root: Path | str) -> Path:
    """Where the caches of the repository at ``root`` live: ``$JOINEDUP_CACHE_DIR`` (or the
    user's cache directory, ``$XDG_CACHE_HOME/joinedup`` or ``~/.cache/joinedup``), in a
    folder named after the repository's real path. Never inside the repository, whose files
    a pull request chooses."""
    real = os.path.realpath(root)
    base = os.environ.get("JOINEDUP_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "joinedup")
    base = os.path.realpath(base)
    if base == real or base.startswith(real + os.sep):
        # A cache directory set inside the repository would read what a pull request commits.
        base = os.path.join(os.path.realpath(os.path.join(os.path.expanduser("~"), ".cache")), "joinedup")
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in os.path.basename(real))[:40] or "root"
    return Path(base) / f"{name}-{hashlib.blake2b(real.encode(), digest_size=8).hexdigest()}"


# What a cached pickle may build: this library's data classes (and what it marks with
# cache_loadable), and these. Anything else (os.system, builtins.eval, a class of another
# package) refuses the whole file, which is then rebuilt.
_PLAIN = {("builtins", n) for n in ("list", "dict", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool",
                                   "complex", "bytearray", "slice", "range", "object")} | {
    ("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")} | {
    ("collections", "OrderedDict"), ("collections", "defaultdict"), ("markupsafe", "Markup"),
    ("jinja2.bccache", "FileSystemBytecodeCache"),
    ("copyreg", "_reconstructor")}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if module.startswith(("joinedup.", "joinedup_pelican.")) and "." not in name and not name.startswith("__"):
            found = super().find_class(module, name)
            if dataclasses.is_dataclass(found) or getattr(found, "_cache_loadable", False):
                return found
        raise pickle.UnpicklingError(f"a cache may not hold {module}.{name}")


def cache_loadable(thing):
    """Mark a function or a class (not a data class) of this library that a cached pickle may
    call while it is read: one that only looks an object up or holds values."""
    thing._cache_loadable = True
    return thing


# Data classes whose page fingerprint is made of their fields' (fingerprinted_by_fields).
_BY_FIELDS: dict[type, tuple[str, ...]] = {}
# Plain values a page fingerprint hashes by their text, each type with its own mark.
_SCALARS = {str: b"s", int: b"i", float: b"f", bool: b"b", type(None): b"n"}


def fingerprinted_by_fields(cls):
    """Mark a frozen data class that a page fingerprint covers field by field rather than as
    one pickle: for an object made per page whose fields are shared between pages (the need
    asked, the reasons of a match), each hashed once per build."""
    _BY_FIELDS[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return cls


def safe_loads(data: bytes):
    """Unpickle cache data written by this library: only its own classes and plain values."""
    return _Unpickler(io.BytesIO(data)).load()


def fingerprint_files(paths, root: Path | None = None) -> str:
    """A hash of the contents of ``paths`` (missing files count as empty).

    With ``root``, names are hashed relative to it, so the same files give the same hash
    wherever the repository is.
    """
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(str(p) for p in paths):
        digest.update((os.path.relpath(path, root) if root is not None else path).encode())
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


@contextmanager
def collector_paused(*, then_freeze: bool = False):
    """No cyclic garbage collection inside: a build makes few reference cycles and a model of
    hundreds of thousands of objects, which the collector would walk again and again. Workers
    of :func:`forked_pool` turn it back on.

    ``then_freeze`` is for a process that ends next (the ``build`` command): what the build
    made is frozen rather than walked once more by the first collection afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if then_freeze:
            gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def forked_pool(workers: int, **options):
    """A pool of ``workers`` forked processes (``multiprocessing.Pool`` options) that inherit
    the model without pickling it. The parent's objects are frozen out of the garbage
    collector's sight while the pool lives: a worker's collector would otherwise walk (and so
    copy) the parent's memory. The workers turn collection back on, which the build pauses
    (collector_paused): they make garbage rather than a model."""
    import multiprocessing

    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, gc.enable, **options) as pool:
            yield pool
    finally:
        gc.unfreeze()


def lstat_signature(path) -> tuple | None:
    """What tells a file changed without reading it, as git does: modification and change
    times in nanoseconds, size, inode; None when it is not a plain file (or is missing)."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return (found.st_mtime_ns, found.st_ctime_ns, found.st_size, found.st_ino)


class ProfileCache:
    """Validated profiles from the last run, reused while their file is unchanged.

    A file is known unchanged by its ``lstat`` (modification and change times in
    nanoseconds, size, inode), as git does, without reading and hashing it. A file modified
    less than :data:`RACY_SECONDS` before it was read gets no such signature (another edit
    within the clock's tick would keep the same one) and is read and hashed next time. Entries
    changed since the bulk file was written go to a small second file, so editing one profile
    does not rewrite the cache of all.
    """

    VERSION = 2
    RACY_SECONDS = 2

    def __init__(self, root: Path):
        self.root = root
        folder = cache_dir(root)
        self.file = folder / "profiles.pickle"
        self.recent_file = folder / "profiles-recent.pickle"
        inputs = [root / "volunteers" / "schema.json", *sorted((root / "data").glob("*.yaml"))]
        # Names relative to the repository and the library: a profile's digest (pages'
        # fingerprints) is the same in a clone elsewhere.
        # Problems are kept in the words of the language that made them (and of its catalogue).
        self.salt = (f"{self.VERSION}:{fingerprint_files(inputs, root)}:{fingerprint_files(sorted(_LIBRARY.rglob('*.py')), _LIBRARY)}"
                     f":{_language_salt()}")
        self.changed = False
        # entries: relative path -> (hash of the bytes, result, lstat signature or None);
        # recent: what changed since the bulk file with that token was written (None: gone).
        self.token, self.entries, self.recent = _load_layered(self.file, self.recent_file, self.salt)

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def signature(self, relative: str) -> tuple | None:
        """The file's lstat signature, or None when it is not a plain file (links are read, and refused)."""
        return lstat_signature(os.path.join(self.root, relative))

    def unchanged(self, relative: str, signature: tuple | None) -> Any | None:
        """The result kept for the file when its signature is the one recorded, else None."""
        entry = self.entries.get(relative)
        if entry is not None and signature is not None and entry[2] == signature:
            return entry[1]
        return None

    def get(self, relative: str, key: bytes) -> Any | None:
        entry = self.entries.get(relative)
        return entry[1] if entry is not None and entry[0] == key else None

    def put(self, relative: str, key: bytes, result: Any, signature: tuple | None = None) -> None:
        """Keep ``result`` for the file whose bytes hash to ``key`` (read with ``signature``)."""
        if signature is not None and max(signature[:2]) > time.time_ns() - self.RACY_SECONDS * 10**9:
            signature = None
        entry = self.entries.get(relative)
        if entry is not None and entry[0] == key and entry[2] == signature:
            return
        self.entries[relative] = self.recent[relative] = (key, result, signature)
        self.changed = True

    def digest(self, relative: str) -> bytes | None:
        """A hash standing for the profile built from the file (its name, bytes, and the
        schema, taxonomy and code it was validated with), or None when it is not cached."""
        entry = self.entries.get(relative)
        if entry is None:
            return None
        return hashlib.blake2b(f"{self.salt}|{relative}|".encode() + entry[0], digest_size=16).digest()

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache, forgetting profiles not in ``keep``. Failing to write is harmless."""
        stale = set(self.entries) - keep if keep is not None else set()
        for relative in stale:
            del self.entries[relative]
            self.recent[relative] = None
        if not (self.changed or stale):
            return
        self.token, self.recent = _save_layered(self.file, self.recent_file, self.salt, self.token,
                                                self.entries, self.recent)


def _load_layered(bulk: Path, recent: Path, salt: str) -> tuple[str, dict, dict]:
    """(token, entries, changes) from a bulk file and the small file of changes written since
    (a change of None: the entry was dropped); ("", {}, {}) when there is none of this salt."""
    found = _load_pickle(bulk)
    if not (isinstance(found, tuple) and len(found) == 3 and found[0] == salt):
        return "", {}, {}
    _, token, entries = found
    changes = _load_pickle(recent)
    if not (isinstance(changes, tuple) and len(changes) == 3 and changes[:2] == (salt, token)):
        return token, entries, {}
    for key, value in changes[2].items():
        if value is None:
            entries.pop(key, None)
        else:
            entries[key] = value
    return token, entries, changes[2]


def _save_layered(bulk: Path, recent: Path, salt: str, token: str, entries: dict, changes: dict) -> tuple[str, dict]:
    """Write ``changes`` alone while they are under a twentieth of ``entries``, else all of
    ``entries`` under a new token. Returns the token and the changes still to keep."""
    if token and len(changes) * 20 <= len(entries):
        _dump_pickle(recent, (salt, token, changes))
        return token, changes
    token = os.urandom(8).hex()
    if not _dump_pickle(bulk, (salt, token, entries)):
        return "", {}
    try:
        recent.unlink()
    except OSError:
        pass
    return token, {}


def _load_pickle(path: Path):
    try:
        with open(path, "rb") as handle:
            return _Unpickler(handle).load()
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError,
            IndexError, MemoryError):
        return None


def _dump_pickle(path: Path, value) -> bool:
    """Write ``value`` to ``path`` whole or not at all; False when it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        return True
    except OSError:
        return False


def load_memo(root: Path, name: str) -> dict:
    """What :func:`save_memo` kept under ``name``, or {} when it was made by other library code."""
    found = _load_pickle(cache_dir(root) / f"{name}.pickle")
    if isinstance(found, tuple) and len(found) == 2 and found[0] == library_salt() and isinstance(found[1], dict):
        return found[1]
    return {}


def save_memo(root: Path, name: str, memo: dict) -> None:
    """Keep ``memo`` (plain data) for the next build, tied to this library's code. Failing is harmless."""
    _dump_pickle(cache_dir(root) / f"{name}.pickle", (library_salt(), memo))


# Up to this many profiles, results are kept per profile (KeptResults); above, the memory
# they take matters more than the time they save (figures in benchmarks/README.md).
KEEP_PER_PROFILE_UP_TO = 20000


def kept_per_profile(root: Path | None, name: str, digests, count: int) -> "KeptResults | None":
    """The results kept under ``name`` for a directory of ``count`` profiles whose digests
    are known, or None (nothing kept) without a repository, digests, or above the limit."""
    if root is None or not digests or count > KEEP_PER_PROFILE_UP_TO:
        return None
    return KeptResults(root, name)


class KeptResults:
    """Results worked out per profile, kept in ``<cache_dir>/<name>.pickle`` from one build to the
    next under keys the caller makes (a profile's ProfileCache.digest and whatever else the
    result depends on). Only the results this build used are kept. As in ProfileCache, what
    changed since that file was written goes to a small second one: a one-profile edit does
    not rewrite ten thousand results."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name
        self.salt = library_salt()
        # recent: the changes since the bulk file with that token was written (None: dropped).
        self.token, self.kept, self.recent = _load_layered(self._file(""), self._file("-recent"), self.salt)
        self.used: dict = {}
        self.added = False

    def _file(self, suffix: str) -> Path:
        return cache_dir(self.root) / f"{self.name}{suffix}.pickle"

    def get(self, key, make):
        """The result for ``key``: this build's, the last build's, or ``make()``."""
        found = self.used.get(key)
        if found is None:
            found = self.kept.get(key)
            if found is None:
                found = make()
                self.added = True
                self.recent[key] = found
            self.used[key] = found
        return found

    def save(self) -> None:
        if not (self.added or len(self.used) != len(self.kept)):
            return
        for key in self.kept.keys() - self.used.keys():
            self.recent[key] = None
        self.token, self.recent = _save_layered(self._file(""), self._file("-recent"), self.salt, self.token,
                                                self.used, self.recent)


@lru_cache(maxsize=1)
def library_salt() -> str:
    """This library's code and the versions of the libraries that shape its output."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("markdown", "nh3", "jinja2", "pelican"):
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=?")
    return (fingerprint_files(sorted(_LIBRARY.rglob("*.py")), _LIBRARY) + ",".join(versions)
            + fingerprint_files(sorted(_LIBRARY.glob("locale/*/LC_MESSAGES/*.po")), _LIBRARY))


def _language_salt() -> str:
    """The active interface language and its catalogue: cached problems are in their words."""
    from joinedup.core.i18n import active_language, catalogue_path

    language = active_language()
    return f"{language}:{_catalogue_fingerprint(catalogue_path(language))}"


@lru_cache(maxsize=4)
def _catalogue_fingerprint(path: Path) -> str:
    return fingerprint_files([path], _LIBRARY)


class PageFingerprints:
    """Hashes of everything each directory page is rendered from.

    ``shared`` covers the theme, the settings and the taxonomy; a page's context holds frozen
    model objects (whose pickle holds every field), lists of them, and plain values. A person
    is on a dozen pages (their own, the listings of their skills, skill groups and region), so
    each model object is pickled and hashed once per build, not once per page.
    """

    def __init__(self, shared: str, known=()):
        # The shared inputs (theme, settings, taxonomy, stale profiles) are hashed once; each
        # page's hash starts from a copy of that state.
        self._base = hashlib.blake2b(shared.encode(), digest_size=16)
        # id(object) -> (digest, object): the object is kept so its id is not reused. ``known``
        # gives (object, digest) pairs hashed already: profiles, by ProfileCache.digest.
        self._objects: dict[int, tuple[bytes, Any]] = {id(value): (digest, value) for value, digest in known}

    def page(self, template: str, context: dict) -> str:
        digest = self._base.copy()
        digest.update(template.encode())
        for key in sorted(context):
            digest.update(b"\0" + key.encode() + b"=")
            self._feed(digest, context[key])
        return digest.hexdigest()

    def _feed(self, digest, value) -> None:
        if type(value) in (list, tuple):
            digest.update(b"[%d:" % len(value))
            for item in value:
                self._feed(digest, item)
            digest.update(b"]")
        elif type(value) in _SCALARS:
            # A number or a word made for this page (a score, a count): its text, not kept.
            digest.update(_SCALARS[type(value)] + repr(value).encode() + b";")
        elif type(value) in _BY_FIELDS:
            digest.update(b"{" + type(value).__qualname__.encode() + b":")
            for name in _BY_FIELDS[type(value)]:
                self._feed(digest, getattr(value, name))
            digest.update(b"}")
        else:
            # Model objects, and the dicts of counts several listings share: hashed once each.
            # Page contexts are built once per build and never changed, so an object's
            # identity stands for its value while the object is kept alive here.
            digest.update(self._object(value))

    def _object(self, value) -> bytes:
        found = self._objects.get(id(value))
        if found is None:
            found = self._objects[id(value)] = (hashlib.blake2b(_value_bytes(value), digest_size=16).digest(), value)
        return found[0]


def _value_bytes(value) -> bytes:
    """``value`` pickled without pickle's memo, so equal values give equal bytes whichever
    objects they happen to share (a reason naming the needed skill shares its string with
    the need in a full build, not after a quick rebuild unpickles the need). Model objects
    and page contexts hold no cycles, which is what the memo is for."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()
