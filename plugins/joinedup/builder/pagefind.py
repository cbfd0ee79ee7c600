"""Step 5 of the build: Pagefind, the browser's search index, over the built proposal and group pages.

Pagefind runs as a child process (``python -m pagefind``, the binary inside the PyPI wheel) over
the HTML in the staging folder and writes its bundle to ``staging/pagefind``. It reads only the
pages that carry ``data-pagefind-body`` (the proposal and group templates); people are searched
through the facet files alone (joinedup.render.facets), bios included. A bundle is one whole: its file
names change on every run, so the site's manifest does not list it file by file. The Whoosh
index for ``search`` and ``match`` is separate and built on demand, in the cache folder.

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
