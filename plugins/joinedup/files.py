"""Read contributor files without ever leaving the repository.

No symlink is followed (a link to ``/etc/passwd`` or ``~/.ssh`` in a pull request must not
end up on the site), no path may resolve outside the repository, and files are size-capped
before they are read.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import problems as P
from .problems import Problem, problem
from .yamlsource import MAX_BYTES, decode, too_large


def refuse_link(root: Path, relative: str) -> Problem | None:
    """A problem if ``relative`` or a folder on its way is a symlink (so it cannot lead outside ``root``)."""
    parts = Path(relative).parts
    current = root
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            shown = "/".join(parts[: index + 1])
            return problem(
                P.SYMLINK,
                relative, 0, 0,
                f"'{shown}' is a symbolic link; links are never followed.",
                "Replace the link with the file itself (git add the real file).",
            )
    return None


def read_text(root: Path, relative: str, *, max_bytes: int = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """The UTF-8 text of ``root/relative``; None with problems for links, big or non-UTF-8 files."""
    refused = refuse_link(root, relative)
    if refused:
        return None, [refused]
    full = root / relative
    try:
        with open(full, "rb", opener=_no_follow) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return None, [too_large(relative, size, max_bytes)]
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return None, [problem(P.EMPTY_FILE, relative, 0, 0, "The file does not exist.", "Check the path.")]
    except OSError as error:
        return None, [problem(P.SYMLINK, relative, 0, 0, f"The file cannot be read ({error.strerror}).",
                              "Replace it with a regular file.")]
    return decode(raw, relative, max_bytes=max_bytes)


def _no_follow(path, flags):
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))
