"""The movement's accent colour (site.yaml's ``accent``), added to the end of the theme's
stylesheet once Pelican has copied it (the Content-Security-Policy allows no inline style,
and a stylesheet of its own was a second request, and a second line, on every page)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from joinedup.load.settings import dark_accent

STYLESHEET = "css/site.css"  # in the theme's folder of the site (Pelican's THEME_STATIC_DIR)


def accent_css(accent: str) -> str:
    """The accent for the light scheme and a lightened one for the dark scheme (both AA),
    or nothing when no colour is set."""
    if not accent:
        return ""
    return (f":root {{ --accent: {accent}; }}\n"
            f"@media (prefers-color-scheme: dark) {{ :root {{ --accent: {dark_accent(accent)}; }} }}\n")


def add_accent(theme_folder: Path, accent: str) -> None:
    """Add ``accent`` at the end of the stylesheet in ``theme_folder`` (the theme's files as
    copied into the site), written anew, so that the theme's own file is never changed
    through a link; nothing when there is no accent or the theme has no such plain file."""
    css = accent_css(accent)
    path = theme_folder / STYLESHEET
    try:
        if not css or not stat.S_ISREG(os.lstat(path).st_mode):
            return
    except FileNotFoundError:
        return
    theirs = path.read_bytes()
    if theirs.endswith(css.encode()):
        return  # added already (a run into a site whose theme files were not copied again)
    handle, written = tempfile.mkstemp(prefix=".site-", suffix=".css", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(theirs.rstrip(b"\n") + b"\n" + css.encode())
        os.chmod(written, 0o644)
        os.replace(written, path)
    except BaseException:
        os.unlink(written)
        raise
