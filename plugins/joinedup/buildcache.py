"""Remember work between builds, so that editing one profile does not redo ten thousand.

What is kept, all of it safe to delete at any time:

* :class:`ProfileCache` keeps each profile's validated result, keyed by a hash of the file's
  bytes, under ``.cache/`` in the repository. It is thrown away whole when the schema, a
  taxonomy file or the library's own code changes.
* :func:`load_memo` and :func:`save_memo` keep other results between builds (the HTML of
  proposal and group bodies, their checks, "people who could help"), thrown away when the
  library's code changes.
* :class:`PageFingerprints` gives a rendered page's inputs a hash; a rebuild keeps a page of
  the last site instead of rendering it again when the hash is unchanged (joinedup.output).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache"
_LIBRARY = Path(__file__).resolve().parent


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


class ProfileCache:
    """Validated profiles from the last run, reused while their file is unchanged."""

    VERSION = 1

    def __init__(self, root: Path):
        self.file = root / CACHE_DIR / "profiles.pickle"
        inputs = [root / "volunteers" / "schema.json", *sorted((root / "data").glob("*.yaml")),
                  *sorted(_LIBRARY.glob("*.py"))]
        self.salt = f"{self.VERSION}:{fingerprint_files(inputs)}"
        self.entries: dict[str, tuple[bytes, Any]] = {}
        self.changed = False
        try:
            with open(self.file, "rb") as handle:
                salt, entries = pickle.load(handle)
            if salt == self.salt:
                self.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            self.entries = {}

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def get(self, relative: str, key: bytes) -> Any | None:
        entry = self.entries.get(relative)
        return entry[1] if entry is not None and entry[0] == key else None

    def put(self, relative: str, key: bytes, result: Any) -> None:
        self.entries[relative] = (key, result)
        self.changed = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache, forgetting profiles not in ``keep``. Failing to write is harmless."""
        stale = set(self.entries) - keep if keep is not None else set()
        for relative in stale:
            del self.entries[relative]
        if not (self.changed or stale):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_suffix(f".{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                pickle.dump((self.salt, self.entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
        except OSError:
            pass


def load_memo(root: Path, name: str) -> dict:
    """What :func:`save_memo` kept under ``name``, or {} when it was made by other library code."""
    try:
        with open(root / CACHE_DIR / f"{name}.pickle", "rb") as handle:
            salt, memo = pickle.load(handle)
        return memo if salt == _library_salt() and isinstance(memo, dict) else {}
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return {}


def save_memo(root: Path, name: str, memo: dict) -> None:
    """Keep ``memo`` (plain data) for the next build, tied to this library's code. Failing is harmless."""
    target = root / CACHE_DIR / f"{name}.pickle"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump((_library_salt(), memo), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        pass


def _library_salt() -> str:
    """This library's code and the versions of the libraries that shape its output."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("markdown", "nh3", "jinja2", "pelican"):
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=?")
    return fingerprint_files(sorted(_LIBRARY.glob("*.py")), _LIBRARY) + ",".join(versions)


class PageFingerprints:
    """Hashes of everything each directory page is rendered from.

    ``shared`` covers the theme, the settings and the taxonomy; a page's context holds frozen
    model objects (whose pickle holds every field), lists of them, and plain values. A person
    is on a dozen pages (their own, the listings of their skills, skill groups and region), so
    each model object is pickled and hashed once per build, not once per page: pickling every
    page's context whole took 5 s at 10k profiles.
    """

    def __init__(self, shared: str):
        # The shared inputs (theme, settings, taxonomy, stale profiles) are hashed once; each
        # page's hash starts from a copy of that state.
        self._base = hashlib.blake2b(shared.encode(), digest_size=16)
        # id(object) -> (digest, object): the object is kept so its id is not reused.
        self._objects: dict[int, tuple[bytes, Any]] = {}

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
        else:
            # Model objects, and the dicts of counts several listings share: hashed once each.
            # Page contexts are built once per build and never changed, so an object's
            # identity stands for its value while the object is kept alive here.
            digest.update(self._object(value))

    def _object(self, value) -> bytes:
        found = self._objects.get(id(value))
        if found is None:
            pickled = pickle.dumps(value, protocol=5)
            found = self._objects[id(value)] = (hashlib.blake2b(pickled, digest_size=16).digest(), value)
        return found[0]
