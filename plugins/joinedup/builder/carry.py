"""The build's cache carried from one deploy to the next, signed, so that a merge is live in seconds.

A deploy runs on a fresh machine: a clean clone, no cache folder, no last site. Built from
nothing, a 100,000-profile site takes minutes. The deploy workflow therefore keeps, with the
forge's own cache action, what the last deploy left: the repository's cache folder
(:func:`joinedup.core.buildcache.cache_dir`) and the site it published. :func:`pack` writes
them into one tar file and a signature beside it; :func:`unpack` puts them back before the
build, which then renders only the pages whose inputs changed and keeps the others (the
result is what a build from nothing makes, file for file: tests/test_deploy_cache.py).

A restored cache is untrusted input. Anyone able to write to the forge's cache store, or a
cache left by older code, must not decide what runs or what is published: the cache holds
pickles (read by :func:`joinedup.core.buildcache.safe_loads`, which builds only this
library's objects) and Jinja's compiled templates, which are code. So the signature is an
HMAC-SHA256, with a key only the repository's deploy holds (``JOINEDUP_CACHE_KEY``, a secret
of the repository, which pull requests from forks never see), over the tar's SHA-256, its
size, the branch and this library's version (its code and the versions of the libraries that
shape its output: :func:`joinedup.core.buildcache.library_salt`). Any difference (a flipped
byte, a file from another version, a link planted in it, another branch's cache, older code)
refuses the whole cache with a warning (JU610) and the site is built from nothing. A signed
tar is still read as if it were hostile: regular files and folders only, under ``cache/`` and
``output/``, no absolute name, no ``..``, written with ``O_NOFOLLOW`` into new folders.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from joinedup.core import problems as P
from joinedup.core.buildcache import cache_dir, library_salt
from joinedup.core.i18n import gettext as _

FORMAT = 1
ARCHIVE = "joinedup-cache.tar"
SIGNATURE = "joinedup-cache.json"
KEY_VARIABLE = "JOINEDUP_CACHE_KEY"
MIN_KEY_LENGTH = 32  # characters: `openssl rand -hex 32` gives 64
# Left behind: pools' copies, which a deploy asks for again; the search index, which a build
# does not read; Jinja's compiled templates, which are code and take a second to compile again.
_NOT_CARRIED = re.compile(r"(pools|search-index|jinja)/.*")
_NAME = re.compile(r"(cache|output)/[^\x00]+")


class Refused(Exception):
    """Why a restored cache is not used."""


@dataclass(frozen=True, slots=True)
class Carried:
    """What :func:`pack` wrote or :func:`unpack` restored."""

    files: int
    bytes: int
    commit: str


def secret() -> bytes | None:
    """The signing key, from ``JOINEDUP_CACHE_KEY``; None when unset or too short to be a key."""
    key = os.environ.get(KEY_VARIABLE, "")
    return key.encode() if len(key) >= MIN_KEY_LENGTH else None


def current_branch(root: Path) -> str:
    """The branch checked out at ``root`` (``GITHUB_REF_NAME`` on GitHub Actions), or "-"."""
    named = os.environ.get("GITHUB_REF_NAME")
    if named:
        return named
    try:
        found = subprocess.run(["git", "-C", str(root), "rev-parse", "--abbrev-ref", "HEAD"],
                               capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "-"
    if found.returncode != 0:
        return "-"
    return found.stdout.strip() or "-"


def _head(root: Path) -> str:
    from joinedup.core.freshness import head_commit

    return head_commit(root) or ""


def _signed(key: bytes, fields: dict) -> str:
    text = json.dumps({name: fields[name] for name in ("format", "library", "branch", "sha256", "bytes", "commit")},
                      sort_keys=True, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _files(folder: Path, prefix: str, skip=None):
    """(name in the tar, path) of every regular file under ``folder``: links and anything else left out."""
    for parent, folders, names in os.walk(folder):
        folders.sort()
        relative = os.path.relpath(parent, folder)
        relative = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in sorted(names):
            path = os.path.join(parent, name)
            if skip is not None and skip.fullmatch(relative + name):
                continue
            if stat.S_ISREG(os.lstat(path).st_mode):
                yield f"{prefix}/{relative}{name}", path


def pack(root: Path, output: Path, destination: Path, key: bytes) -> Carried:
    """Write the cache folder of ``root`` and the site at ``output`` into ``destination``
    (the tar, then its signature: a pack cut short has none and is refused)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in (SIGNATURE, ARCHIVE):
        try:
            os.unlink(destination / name)
        except FileNotFoundError:
            pass
    count = 0
    temporary = destination / f".{ARCHIVE}.part"
    with tarfile.open(temporary, "w", format=tarfile.PAX_FORMAT) as archive:
        for folder, prefix, skip in ((cache_dir(root), "cache", _NOT_CARRIED), (output, "output", None)):
            if not folder.is_dir():
                continue
            for name, path in _files(folder, prefix, skip):
                info = tarfile.TarInfo(name)
                info.size = os.path.getsize(path)
                info.mode = 0o644
                info.mtime = 0  # the bytes, not when they were written
                with open(path, "rb") as handle:
                    archive.addfile(info, handle)
                count += 1
    with open(temporary, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    fields = {"format": FORMAT, "library": library_salt(), "branch": current_branch(root), "sha256": digest,
              "bytes": temporary.stat().st_size, "commit": _head(root)}
    os.replace(temporary, destination / ARCHIVE)
    (destination / SIGNATURE).write_text(json.dumps({**fields, "mac": _signed(key, fields)}, indent=1) + "\n",
                                         encoding="utf-8")
    return Carried(count, fields["bytes"], fields["commit"])


def unpack(root: Path, output: Path, source: Path, key: bytes) -> Carried:
    """Put the cache folder and the last site packed in ``source`` in place, replacing what is
    there. Raises :class:`Refused` unless every check passes: then nothing was changed, or,
    when putting the two folders in place failed half-way, both were removed."""
    try:
        if not stat.S_ISREG(os.lstat(source / SIGNATURE).st_mode):  # not a link, a pipe, a folder
            raise Refused(_("its signature is not one this version writes"))
        with open(source / SIGNATURE, "rb") as handle:
            fields = json.loads(handle.read(4096))
    except FileNotFoundError:
        raise Refused(_("it has no signature (%s)") % SIGNATURE) from None
    except (OSError, ValueError, RecursionError) as error:
        raise Refused(_("its signature cannot be read (%s)") % type(error).__name__) from None
    if (not isinstance(fields, dict)
            or not all(name in fields for name in ("format", "library", "branch", "sha256", "bytes", "commit", "mac"))
            or not isinstance(fields["mac"], str) or not re.fullmatch(r"[0-9a-f]{64}", fields["mac"])):
        raise Refused(_("its signature is not one this version writes"))
    if not hmac.compare_digest(fields["mac"].encode(), _signed(key, fields).encode()):
        raise Refused(_("its signature does not match: it was changed, or signed with another key"))
    if fields["format"] != FORMAT or fields["library"] != library_salt():
        raise Refused(_("it was made by another version of Joined Up"))
    branch = current_branch(root)
    if fields["branch"] != branch:
        raise Refused(_("it was made on the branch '%(theirs)s', not '%(ours)s'") % {"theirs": fields["branch"],
                                                                                   "ours": branch})
    archive_path = source / ARCHIVE
    try:
        info = os.lstat(archive_path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != fields["bytes"]:
            raise Refused(_("its archive is not the one signed"))
        with open(archive_path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise Refused(_("its archive cannot be read (%s)") % error) from None
    if digest != fields["sha256"]:
        raise Refused(_("its archive is not the one signed"))
    cache = cache_dir(root)
    staged = {"cache": Path(tempfile.mkdtemp(prefix=".carried-", dir=_parent(cache))),
              "output": Path(tempfile.mkdtemp(prefix=f".{output.name}-carried-", dir=_parent(output)))}
    try:
        count = _extract(archive_path, staged, fields["bytes"])
    except (tarfile.TarError, OSError) as error:
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
        raise Refused(_("its archive cannot be read (%s)") % error) from None
    except BaseException:
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        for folder, staging in ((output, staged["output"]), (cache, staged["cache"])):
            if os.path.lexists(folder):
                if os.path.isdir(folder) and not os.path.islink(folder):
                    shutil.rmtree(folder)
                else:
                    os.unlink(folder)
            os.replace(staging, folder)
    except OSError as error:
        # Half in place: both go, and the build starts from nothing (a build is right from any
        # cache and any last site, only slower: pages are kept by the hash of what they show).
        for folder in (output, cache, *staged.values()):
            shutil.rmtree(folder, ignore_errors=True)
        raise Refused(_("it could not be put in place (%s)") % error) from None
    return Carried(count, fields["bytes"], fields["commit"])


def _parent(folder: Path) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder.parent


def _extract(archive_path: Path, staged: dict[str, Path], limit: int) -> int:
    """Write the archive's files into the staging folders, refusing anything but plain files and folders."""
    count = written = 0
    with tarfile.open(archive_path, "r:") as archive:
        for member in archive:
            name = member.name
            parts = name.split("/")
            if not _NAME.fullmatch(name) or any(part in ("", ".", "..") for part in parts[1:]):
                raise Refused(_("it holds a file named '%s'") % name)
            if member.isdir():
                continue
            if not member.isreg():
                raise Refused(_("it holds '%s', which is not a plain file") % name)
            written += member.size
            if written > limit:
                raise Refused(_("its files are larger than its archive"))
            target = staged[parts[0]].joinpath(*parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(descriptor, "wb") as handle, archive.extractfile(member) as data:
                shutil.copyfileobj(data, handle, 1 << 20)
            count += 1
    return count


def refused_warning(source: Path, why: str) -> P.Problem:
    """JU610: the restored cache is not used; the site is built from nothing."""
    return P.problem(P.CACHE_REFUSED, str(source / SIGNATURE), 0, 0,
                     _("The cache restored for this build is not used: %s. The site is built from nothing.") % why,
                     _("Nothing to do: this deploy saves a new cache. If it happens on every deploy, check that "
                       "the repository's secret %s is set and did not change.") % KEY_VARIABLE)
