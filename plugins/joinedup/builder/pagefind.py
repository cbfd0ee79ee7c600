"""Step 5 of the build: Pagefind, the browser's search index, over the built proposal and group pages.

Pagefind runs as a child process (``python -m pagefind``, the binary inside the PyPI wheel) over
the HTML in the staging folder and writes its bundle to ``staging/pagefind``. It reads only the
pages that carry ``data-pagefind-body`` (the proposal and group templates); people are searched
through the facet files alone (joinedup.render.facets), bios included. A bundle is one whole, so
the site's manifest does not list it file by file. The Whoosh index for ``search`` and ``match``
is separate and built on demand, in the cache folder.

**The same commit, the same bundle.** Pagefind 1.x writes each filter's values in the order of
a hash map seeded at random, so its filter files, and the metadata file naming them, get new
contents and names on every run: a CDN or a Pages artifact would see changes where there are
none. :func:`stable_names` puts each filter's values in one order after Pagefind has run, and
names the filter and metadata files after what they hold (:func:`stable_names` knows Pagefind's
1.x file layout, and leaves a bundle it does not recognise as it is).

Failures are :class:`~joinedup.core.problems.Problem` objects (JU502 build-tool, JU503
unexpected-output), raised as :class:`~joinedup.core.problems.ProblemsFound`: the build publishes
nothing without its search index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from joinedup.builder.output import is_plain_file
from joinedup.core import problems as P
from joinedup.core.i18n import gettext as _

# The folders of the pages that carry data-pagefind-body: Pagefind reads only these, not the
# other pages, which it would read only to skip them.
PAGEFIND_FOLDERS = ("proposals", "groups")
PAGEFIND_PREFIXES = tuple(f"{folder}/" for folder in PAGEFIND_FOLDERS)
BUNDLE = "pagefind/"


def build_tool_failed(message: str, hint: str = "", path: str = "") -> P.ProblemsFound:
    """The failure of a tool the build runs (no file of the content is at fault), to raise."""
    return P.ProblemsFound([P.problem(P.BUILD_TOOL, path, 0, 0, message, hint)])


class BrowserIndex:
    """Pagefind over the proposal and group pages of one build; its bundle goes to ``staging/pagefind``.

    The directory generator renders the pages Pagefind reads (:meth:`reads`) first and calls
    :meth:`start` as soon as they are written, so Pagefind runs beside the rest of the build
    (the other pages, feeds, open data, facets, Pelican's own pages); :meth:`finish` waits for
    it. Pages opt in with ``data-pagefind-body``; contact blocks are
    ``data-pagefind-ignore="all"``. When the last site (``previous``, its manifest ``last``) is
    updated in place and none of those pages changed, its bundle is kept. Otherwise the
    unchanged pages are hard-linked into ``staging`` beside the changed ones and Pagefind runs
    there.
    """

    def __init__(self, staging: Path, previous: Path, last: dict):
        self.staging, self.previous, self.last = staging, previous, last
        self.linked: set[str] = set()   # kept pages linked into staging for Pagefind
        self.process: subprocess.Popen | None = None
        self.decided = False
        self.began = self.seconds = 0.0

    @staticmethod
    def reads(name: str) -> bool:
        """Whether Pagefind reads the page saved as ``name``."""
        return name.startswith(PAGEFIND_PREFIXES) and name.endswith(".html")

    def start(self, pages, rendered: set[str], indexed: dict, in_place: bool) -> None:
        """``pages``: every page of the plan; ``rendered``: those rendered into staging;
        ``indexed``: the hashes of what Pagefind reads of each (the manifest's "indexed").

        Raises ProblemsFound when a page to keep is not a plain file (JU503) or Pagefind
        cannot be started (JU502)."""

        def read(names) -> set[str]:
            return {name for name in names if self.reads(name)}

        self.decided = True
        last = self.last if in_place else {}
        names = read(pages)
        if last.get("files"):
            # The pages may have been rendered again for what Pagefind skips (endorsers, helpers):
            # the manifest's "indexed" hashes cover only what it reads.
            if (indexed == last.get("indexed") and names == read(last.get("pages", ()))
                    and bundle_version(self.previous / BUNDLE) == pagefind_version()):
                return
            for name in names - rendered:
                source, target = self.previous / name, self.staging / name
                if not is_plain_file(source):
                    raise P.ProblemsFound([P.problem(
                        P.UNEXPECTED_OUTPUT, str(source), 0, 0, _("It is not a file the last build wrote: a link, a folder, or nothing."),
                        _("Delete %(output)s and build again.") % {"output": self.previous})])
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(source, target)
                self.linked.add(name)
        command = [sys.executable, "-m", "pagefind", "--site", str(self.staging), "--output-subdir", "pagefind", "--quiet",
                   "--glob", "{" + ",".join(PAGEFIND_FOLDERS) + "}/**/*.html"]
        self.began = time.perf_counter()
        try:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as error:
            raise build_tool_failed(_("Pagefind could not run: %(error)s") % {"error": error},
                                    _("Check that Pagefind is installed: pip install 'pagefind[bin]'")) from None

    def finish(self) -> bool:
        """Wait for Pagefind; True when it indexed the site, False when the last bundle is kept.

        Raises ProblemsFound (JU502) when it failed, took over an hour, or was never started
        (the directory generator did not run)."""
        if not self.decided:
            raise build_tool_failed(_("the directory generator did not run; is the joinedup_pelican plugin installed?"))
        if self.process is None:
            return False
        try:
            out, err = self.process.communicate(timeout=3600)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise build_tool_failed(_("Pagefind could not run: it took over an hour")) from None
        self.seconds = time.perf_counter() - self.began
        if self.process.returncode != 0:
            detail = (err or out).strip()
            if "No module named pagefind" in detail:
                detail = _("the pagefind package is not installed; run: pip install 'pagefind[bin]'")
            raise build_tool_failed(_("Pagefind failed to index the site: %(detail)s") % {"detail": detail})
        stable_names(self.staging / BUNDLE)
        return True

    def cancel(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def bundle_version(bundle: Path) -> str | None:
    """The Pagefind version that wrote ``bundle``, or None when there is none to reuse."""
    try:
        return json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None


def pagefind_version() -> str | None:
    """The installed Pagefind's version, or None when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return None


# --- Stable names ------------------------------------------------------------------------
# Pagefind 1.x: every .pf_* file is gzip of b"pagefind_dcd" and one CBOR item. A filter file is
# [filter name, [[value, [page numbers]], ...]]; the metadata file (pagefind.<lang>_<hash>.pf_meta,
# named in pagefind-entry.json) names each filter file by "<lang>_<hash>" as CBOR text.
_SIGNATURE = b"pagefind_dcd"


def stable_names(bundle: Path) -> bool:
    """Make the Pagefind ``bundle`` the same for the same pages (see the module's docstring):
    each filter's values sorted, filter and metadata files named by a hash of what they hold.
    False (the bundle left as it is) when it is not a Pagefind 1.x bundle this understands."""
    import gzip
    import hashlib

    version = bundle_version(bundle) or ""
    if not version.startswith("1."):
        return False
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry_text = entry_path.read_text(encoding="utf-8")
        languages = json.loads(entry_text)["languages"]
        changes = []
        for language, about in languages.items():
            meta_path = bundle / f"pagefind.{about['hash']}.pf_meta"
            meta = gzip.decompress(meta_path.read_bytes())
            for filter_path in sorted((bundle / "filter").glob(f"{language}_*.pf_filter")):
                old = filter_path.name[: -len(".pf_filter")]
                data = _sorted_filter(gzip.decompress(filter_path.read_bytes()))
                new = f"{language}_{hashlib.sha256(data).hexdigest()[:len(old) - len(language) - 1]}"
                named = _cbor_text(old)
                if meta.count(named) != 1 or len(new) != len(old):
                    return False
                meta = meta.replace(named, _cbor_text(new))
                changes.append((filter_path, filter_path.with_name(f"{new}.pf_filter"), data))
            meta = _sorted_meta(meta)
            old_hash = about["hash"]
            new_hash = f"{language}_{hashlib.sha256(meta).hexdigest()[:len(old_hash) - len(language) - 1]}"
            changes.append((meta_path, bundle / f"pagefind.{new_hash}.pf_meta", meta))
            entry_text = entry_text.replace(json.dumps(old_hash), json.dumps(new_hash))
    except Exception:  # a bundle this does not understand (zlib, CBOR, JSON...) is published as Pagefind wrote it
        return False
    for old_path, new_path, data in changes:
        old_path.unlink()
        new_path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    entry_path.write_text(entry_text, encoding="utf-8")
    return True


def _cbor_text(text: str) -> bytes:
    """``text`` as a CBOR text string (the short form: under 24 bytes)."""
    raw = text.encode("utf-8")
    if len(raw) >= 24:
        raise ValueError("a longer name than Pagefind 1.x writes")
    return bytes([0x60 + len(raw)]) + raw


def _sorted_filter(data: bytes) -> bytes:
    """A filter file's contents with its values in byte order. Raises ValueError if it is not
    what Pagefind 1.x writes."""
    if not data.startswith(_SIGNATURE):
        raise ValueError("no Pagefind signature")
    major, count, at = _head(data, len(_SIGNATURE))
    if (major, count) != (4, 2):
        raise ValueError("not [name, values]")
    values_at = _skip(data, at)  # after the filter's name
    start = _head(data, values_at)[2]
    values, end = _items(data, values_at)
    if end != len(data):
        raise ValueError("trailing bytes")
    return data[:start] + b"".join(sorted(values))


def _items(data: bytes, at: int) -> tuple[list[bytes], int]:
    """The items of the CBOR array at ``at`` (each as its bytes), and where the array ends."""
    major, count, at = _head(data, at)
    if major != 4:
        raise ValueError("not a list")
    found = []
    for _number in range(count):
        end = _skip(data, at)
        found.append(data[at:end])
        at = end
    return found, at


def _sorted_meta(data: bytes) -> bytes:
    """A metadata file's contents with the list that comes in hash-map order, the filters (item 3
    of [version, pages, index chunks, filters, sorts, meta fields]), in byte order. The meta
    fields (item 5) come sorted already, and the index points into them by position: left alone."""
    if not data.startswith(_SIGNATURE):
        raise ValueError("no Pagefind signature")
    parts, end = _items(data, len(_SIGNATURE))
    if end != len(data) or len(parts) < 4:
        raise ValueError("not Pagefind 1.x metadata")
    listed, _end = _items(parts[3], 0)
    parts[3] = parts[3][: len(parts[3]) - sum(map(len, listed))] + b"".join(sorted(listed))
    _major, _count, start = _head(data, len(_SIGNATURE))
    return data[:start] + b"".join(parts)


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """The major type and argument of the CBOR item at ``at``, and where its contents start."""
    major, info = data[at] >> 5, data[at] & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise ValueError("indefinite lengths are not Pagefind's")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1: at + 1 + size], "big"), at + 1 + size


def _skip(data: bytes, at: int) -> int:
    """Where the CBOR item at ``at`` ends."""
    major, argument, at = _head(data, at)
    if major in (2, 3):      # bytes, text
        return at + argument
    if major in (4, 5):      # array, map
        for _number in range(argument * (2 if major == 5 else 1)):
            at = _skip(data, at)
        return at
    if major == 6:           # a tag, then its item
        return _skip(data, at)
    return at                # integers, simple values and floats: the head is the item
