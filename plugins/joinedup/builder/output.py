"""The published site's manifest, and publishing: a whole new site swapped in, or a rebuild merged in place.

A build renders into a staging folder beside the output (:func:`staging_folder`). The first
build (or one after the last was cut short) puts every file there and swaps the folder into
place (:func:`swap_in`). A rebuild puts
there only what changed: the pages whose inputs changed, the facet files whose bytes changed,
the files rewritten on every build (feeds, open data, the theme's static files). The pages
it keeps are listed in the manifest and stay where they are; :func:`merge` then moves the
staged files into the output and removes the files the new site no longer has. Creating
14,000 folders to hard-link 14,000 unchanged pages cost more than rendering what changed.

The manifest (``.joinedup-pages.json`` in the site) holds each planned page's fingerprint,
the facet files, and every file of the site. A merge, and a quick rebuild's update
(joinedup.builder.quick), are one publication (:func:`publish`): a journal,
committed with a rename before the first file of the site changes, lets the next build finish
one cut short (power loss, SIGKILL), so the site is the last one or the complete new one; the
manifest is removed first and moved in last, so it never claims a file not yet in place. The
journal is kept in the output's cache folder, outside the repository.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

MANIFEST = ".joinedup-pages.json"
VERSION = 3
# What no name of a file the build wrote holds, each name between two line ends: a NUL, an empty
# part (an empty name, a leading, doubled or trailing '/'), a '.' or '..' part.
_UNSAFE = ("\x00", "\n\n", "\n/", "//", "/\n", "\n./", "/./", "/.\n", "\n.\n", "\n../", "/../", "/..\n", "\n..\n")


def read_manifest(site: Path | str | None) -> dict:
    """The manifest of the site at ``site``, or {} when it has none this version can use. Its
    ``files`` are every file of the site: the pages, the facet files and the others."""
    if not site:
        return {}
    try:
        with open(os.path.join(site, MANIFEST), "rb") as handle:
            return _manifest_of(handle.read())
    except OSError:
        return {}


def _manifest_of(text: bytes) -> dict:
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("version") != VERSION:
        return {}
    pages, facets, others = manifest.get("pages"), manifest.get("facets"), manifest.pop("others", None)
    if not (isinstance(pages, dict) and isinstance(facets, list) and isinstance(others, list)
            and all(isinstance(name, str) for name in facets) and all(isinstance(name, str) for name in others)):
        return {}
    files = [*pages, *facets, *others]
    # Names inside the site only (a manifest naming anything else was not written by a build),
    # checked all at once: one per line, none holding what _UNSAFE lists.
    listed = "\n" + "\n".join(files) + "\n"
    if listed.count("\n") != len(files) + 1 or any(part in listed for part in _UNSAFE):
        return {}
    manifest["files"] = files
    return manifest


def write_manifest(site: Path | str, manifest: dict) -> None:
    """Write ``manifest`` (its ``files`` every file of the site) as the manifest of the site at
    ``site``: each file's name once (the pages' are the keys of their fingerprints)."""
    written = {**manifest, "version": VERSION}
    pages, facets = written.setdefault("pages", {}), written.setdefault("facets", [])
    written["others"] = sorted(set(written.pop("files", ())).difference(pages, facets))
    with open(os.path.join(site, MANIFEST), "w", encoding="utf-8") as handle:
        # json.dumps, not json.dump: only a one-shot encoding takes the C encoder (Python's own
        # json.dump writes chunk by chunk in Python: 0.8 s for the 13 MB manifest of a 100k site).
        handle.write(json.dumps(written, sort_keys=True, separators=(",", ":")))


class ManifestText:
    """A site's manifest as :func:`write_manifest` wrote it, for a rebuild that changes some
    pages' fingerprints and facet files (joinedup.builder.quick): those are found and replaced
    in the text, and the rest is neither parsed nor encoded again (106,000 pages at 100k: 0.3 s
    of a 2 s rebuild). Written with sorted keys, it starts with the facet files' list, which
    ends where ``,"indexed":`` first comes (a quote inside a name is written ``\\"``); the
    pages' map is the one after ``"pages":{`` and before ``},"shared":``, and a page there is
    its quoted name followed by ``:"`` right after a ``{`` or a ``,``."""

    FACETS = b'{"facets":'

    def __init__(self, text: bytes):
        self.text = text
        self.start = text.find(b'"pages":{')
        self.end = text.find(b'},"shared":', self.start)

    @classmethod
    def of(cls, site: Path | str) -> ManifestText:
        try:
            with open(os.path.join(site, MANIFEST), "rb") as handle:
                return cls(handle.read())
        except OSError:
            return cls(b"")

    def _place(self, name: str) -> tuple[int, int] | None:
        key = json.dumps(name).encode() + b':"'
        at = self.text.find(key, self.start, self.end) if self.start >= 0 else -1
        while at >= 0 and self.text[at - 1:at] not in (b"{", b","):  # the end of a longer name (a\"b)
            at = self.text.find(key, at + 1, self.end)
        if at < 0:
            return None
        start = at + len(key)
        return start, self.text.index(b'"', start)

    def fingerprint(self, name: str) -> str | None:
        """The fingerprint of the page ``name``, or None when the manifest lists no such page."""
        place = self._place(name)
        return None if place is None else self.text[place[0]:place[1]].decode("ascii", "replace")

    def changed(self, fingerprints: dict[str, str], new_facets: set[str], gone_facets: set[str]) -> bytes | None:
        """The manifest's text with these pages' fingerprints, these facet files added and
        those removed, or None when it is not as :func:`write_manifest` writes it."""
        if self.start < 0 or self.end < 0 or not self.text.startswith(self.FACETS):
            return None
        places = []
        for name, fingerprint in fingerprints.items():
            place = self._place(name)
            new = fingerprint.encode("ascii")
            if place is None or place[1] - place[0] != len(new):
                return None
            places.append((*place, new))
        if any(json.dumps(name).encode() in self.text for name in new_facets):
            return None  # already listed, as another kind of file
        if new_facets or gone_facets:
            end = self.text.find(b',"indexed":')
            try:
                facets = json.loads(self.text[len(self.FACETS):end])
            except ValueError:
                facets = None
            if not isinstance(facets, list):
                return None
            listed = sorted((set(facets) - gone_facets) | new_facets)
            places.append((len(self.FACETS), end, json.dumps(listed, separators=(",", ":")).encode()))
        parts, done = [], 0
        for start, end, new in sorted(places):
            parts += [self.text[done:start], new]
            done = end
        parts.append(self.text[done:])
        return b"".join(parts)


def write_parts(target: int, source: int | None, parts) -> None:
    """Write ``parts`` to the open file ``target``: bytes, or ``(start, end)`` ranges of the open
    file ``source``, copied by the kernel where it can (os.copy_file_range: no read, no write
    through Python), read and written otherwise."""
    copy = getattr(os, "copy_file_range", None)
    for part in parts:
        if isinstance(part, bytes):
            _write_all(target, part)
            continue
        start, end = part
        while start < end:
            done = 0
            if copy is not None:
                try:
                    done = copy(source, target, end - start, start)
                except OSError:
                    copy = None  # a file system or kernel without it
            if not done:
                chunk = os.pread(source, min(end - start, 1 << 20), start)
                if not chunk:
                    raise OSError(errno.EIO, f"the file ended before byte {end}")
                _write_all(target, chunk)
                done = len(chunk)
            start += done


def _write_all(target: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(target, view):]


def is_plain_file(path: Path | str) -> bool:
    """True for a regular file, not a symbolic link: a kept page must be what the build wrote."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def files_under(site: Path | str) -> set[str]:
    """Relative names of every file under ``site`` (os.walk over strings: rglob makes a Path of each)."""
    found = set()
    for parent, _, names in os.walk(site):
        relative = os.path.relpath(parent, site)
        prefix = "" if relative == "." else relative + "/"
        found.update(prefix + name for name in names)
    return found


def site_problem(site: Path | str) -> str | None:
    """Why the site at ``site`` is not the one the last build wrote, or None: it has a manifest,
    every file the manifest lists is still a plain file, and every folder on their way a
    folder. A link put in the place of either could make the site publish, or a rebuild write
    into, something outside it. (joinedup.builder.quick.SiteCheck runs this in a process of its own.)"""
    names = read_manifest(site).get("files")
    if not names:
        return "the site has no manifest"
    # The folders by the folder they are in: each folder's entries say what each one is
    # (scandir), in one listing; 100,000 people are 100,000 folders of one folder.
    inside: dict[str, set[str]] = {}
    for name in names:
        folder = name.rpartition("/")[0]
        while folder:
            parent, _, base = folder.rpartition("/")
            entries = inside.setdefault(parent, set())
            if base in entries:
                break
            entries.add(base)
            folder = parent
    try:
        for parent, folders in inside.items():
            with os.scandir(os.path.join(site, parent)) as listing:
                found = sum(1 for entry in listing if entry.name in folders and entry.is_dir(follow_symlinks=False))
            if found != len(folders):
                return f"a folder in '{parent or '.'}' is a link, a file or missing"
        fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return "the site is missing"
    lstat, regular = os.lstat, stat.S_ISREG
    try:
        for name in names:  # relative to the site's folder: no path to join for each
            if not regular(lstat(name, dir_fd=fd).st_mode):
                return f"{name} is not a plain file"
    except (OSError, ValueError):
        return "a file of the site is missing"
    finally:
        os.close(fd)
    return None


def staging_folder(output: Path) -> Path:
    """A new empty folder beside ``output`` for a build to write into (same disk: renames are moves)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))


def swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` by ``staging`` (a whole site) in one step; the old site is removed last.

    Where the system can exchange two folders atomically (Linux's ``renameat2`` with
    ``RENAME_EXCHANGE``), there is no moment without a site: a build killed at any point leaves
    the old one or the new one in place. Elsewhere the old site is renamed aside first; a build
    killed between the two renames leaves it aside, and :func:`finish_publishing` puts it back.
    """
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        old = staging
    else:
        aside = output.with_name(f".{output.name}-swapping-{os.getpid()}")
        output.rename(aside)
        staging.rename(output)
        old = output.with_name(f".{output.name}-old-{os.getpid()}")  # no longer whole from here on
        aside.rename(old)
    # The new site is in place; removing the old one's thousands of folders can happen in
    # the background instead of holding up the command.
    try:
        subprocess.Popen(["rm", "-rf", "--", str(old)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths on one file system atomically; False where the system cannot (no
    ``renameat2``, or a file system without ``RENAME_EXCHANGE``), having changed nothing."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(first), None, str(second))


def merge(staging: Path, output: Path, staged: set[str], files: set[str], previous: set[str],
          whole: str | None = None) -> None:
    """Move the ``staged`` files of ``staging`` into ``output`` and remove those of ``previous``
    (the last site's files) that are not in ``files`` (the new site's); then drop ``staging``.

    ``whole`` names a folder of ``staging`` that replaces the same folder of ``output`` as one
    (Pagefind's bundle, written whole by every run that indexes). ``staging`` must hold the new
    manifest, which is moved last. One publication (:func:`publish`): killed at any moment, it
    is either not begun or finished by the next build.
    """
    publish(staging, output, {name: name for name in staged}, previous - files, whole)


def _publication(output: Path) -> Path:
    """The journal of a publication into ``output`` under way: in the cache folder of the output
    (joinedup.core.buildcache.cache_dir), never in the repository, whose files a pull request
    chooses: a committed journal would make the next build move files of the pull request's
    choosing into the site before anything is checked."""
    from joinedup.core.buildcache import cache_dir

    return cache_dir(output) / "publishing.json"


def publish(staging: Path, output: Path, staged: dict[str, str], gone: set[str], whole: str | None = None) -> None:
    """Put the ``staged`` files (name in ``output`` -> name in ``staging``) into ``output``, remove
    the ``gone`` files of ``output``, and move ``staging``'s manifest (which it must hold) in
    last; then drop ``staging``. Used by the full build's merge and by the quick rebuild alike.

    The plan is written to a journal beside ``output`` and committed with one rename before
    the first file of ``output`` changes. Killed before that rename, ``output`` is exactly the
    last site (``staging`` is left for the next build to ignore); killed after it,
    :func:`finish_publishing`, which every build runs first, completes the same moves, so the
    site becomes the complete new one. The old manifest goes first: a site cut short between
    the two never claims the files it does not yet hold.
    """
    journal = _publication(output)
    plan = {"staging": str(staging), "staged": sorted((name, staged[name]) for name in staged.keys() - {MANIFEST}),
            "whole": whole,
            "gone": sorted(name for name in gone - {MANIFEST} if _inside(name))}
    journal.parent.mkdir(parents=True, exist_ok=True)
    temporary = journal.with_name(f"{journal.name}.{os.getpid()}")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(plan, handle)
    os.replace(temporary, journal)  # the commit point
    _carry_out(output, plan)
    journal.unlink()


def finish_publishing(output: Path) -> bool:
    """Complete a publication into ``output`` that was cut short after its commit (see
    :func:`publish`); True when there was one. A journal that cannot be read is dropped."""
    _put_back_the_old_site(output)
    journal = _publication(output)
    try:
        with open(journal, encoding="utf-8") as handle:
            plan = json.load(handle)
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        journal.unlink(missing_ok=True)
        return False
    staging = Path(plan.get("staging", "")) if isinstance(plan, dict) else None
    if staging is not None and staging.parent == output.parent and staging.name.startswith(f".{output.name}-"):
        _carry_out(output, plan)
    journal.unlink(missing_ok=True)
    return True


def _put_back_the_old_site(output: Path) -> None:
    """Where :func:`swap_in` renames (no atomic exchange), a build killed between its two renames
    leaves no site and the last one aside: put that back, as if the swap had not begun."""
    if output.exists():
        return
    aside = sorted(output.parent.glob(f".{output.name}-swapping-*"), key=lambda path: path.stat().st_mtime)
    if aside:
        aside[-1].rename(output)


def _inside(name: str) -> bool:
    """A name inside the site: a manifest or journal naming files elsewhere is not ours."""
    return bool(name) and not os.path.isabs(name) and ".." not in name.split("/")


def _carry_out(output: Path, plan: dict) -> None:
    """The moves of a committed publication, in an order that can be run again from any point."""
    staging = Path(plan["staging"])
    if not (staging / MANIFEST).exists():  # moved in last: the rest is done
        shutil.rmtree(staging, ignore_errors=True)
        return
    (output / MANIFEST).unlink(missing_ok=True)
    whole = plan.get("whole")
    if whole and _inside(whole) and (staging / whole).exists():
        old = output / whole
        if old.exists():
            trash = output / f".{whole}-old-{os.getpid()}"
            old.rename(trash)
            shutil.rmtree(trash, ignore_errors=True)
        (staging / whole).rename(old)
    made: set[str] = set()
    for name, source in plan["staged"]:
        if not (_inside(name) and _inside(source)):
            continue
        parent = os.path.dirname(name)
        if parent not in made:
            os.makedirs(output / parent, exist_ok=True)
            made.add(parent)
        try:
            os.replace(staging / source, output / name)
        except FileNotFoundError:
            pass  # moved before the last publication was cut short
    for name in plan["gone"]:
        if not _inside(name):
            continue
        target = output / name
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        folder = target.parent
        while folder != output:
            try:
                folder.rmdir()  # only while it is empty
            except OSError:
                break
            folder = folder.parent
    os.replace(staging / MANIFEST, output / MANIFEST)
    shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":  # python -P -m joinedup.builder.output SITE, started by joinedup.builder.quick.SiteCheck
    import sys

    found = site_problem(sys.argv[1])
    sys.stdout.write("ok" if found is None else f"problem: {found}")
