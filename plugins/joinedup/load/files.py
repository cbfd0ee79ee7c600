"""Read contributor files without ever leaving the repository.

No symlink is followed (a link to ``/etc/passwd`` or ``~/.ssh`` in a pull request must not
end up on the site), no path may resolve outside the repository, and files are size-capped
before they are read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from joinedup.core import problems as P
from joinedup.core.i18n import N_, gettext as _
from joinedup.core.problems import Problem, problem
from joinedup.load.yamlsource import YAML_MAX_BYTES, decode, too_large


def refuse_link(root: Path, relative: str) -> Problem | None:
    """A problem if ``relative`` or a folder on its way is a symlink (so it cannot lead outside ``root``)."""
    # Strings and os.path, not pathlib: this runs for every file of every build.
    parts = [part for part in str(relative).split("/") if part and part != "."]
    current = str(root)
    for index, part in enumerate(parts):
        current = os.path.join(current, part)
        if os.path.islink(current):
            shown = "/".join(parts[: index + 1])
            return problem(
                P.SYMLINK,
                relative, 0, 0,
                _("'%(path)s' is a symbolic link; links are never followed.") % {"path": shown},
                _("Replace the link with the file itself (git add the real file)."),
            )
    return None


def read_text(root: Path, relative: str, *, max_bytes: int = YAML_MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """The UTF-8 text of ``root/relative``; None with problems for links, big or non-UTF-8 files."""
    refused = refuse_link(root, relative)
    if refused:
        return None, [refused]
    full = os.path.join(root, relative)
    try:
        with open(full, "rb", opener=_no_follow) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return None, [too_large(relative, size, max_bytes)]
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return None, [problem(P.EMPTY_FILE, relative, 0, 0, _("The file does not exist."), _("Check the path."))]
    except OSError as error:
        return None, [problem(P.SYMLINK, relative, 0, 0, _("The file cannot be read (%(reason)s).")
                              % {"reason": error.strerror}, _("Replace it with a regular file."))]
    return decode(raw, relative, max_bytes=max_bytes)


def _no_follow(path, flags):
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def content_files(
    root: Path, folder: str, *, extension: str, id_pattern, reserved: frozenset[str], what: str,
    ignored: frozenset[str] = frozenset({"README.md"}), only=None,
) -> tuple[list[str], list[Problem]]:
    """The repository-relative paths of the ``<id>.<extension>`` files in ``folder``.

    Refuses symlinks, sub-folders, other extensions, names that are not ids (``what`` names
    the kind of file in messages), reserved ids and two names that differ only in case.
    A missing folder is no problem: a movement may have no proposals yet.

    With ``only`` (repository-relative paths: what ``check`` of a pull request validates), the
    problems are those of these files alone (and of the sub-folder a file of them is in), found
    among the names that fold to theirs (the only ones they can collide with), not among
    100,000 profiles'; every path is listed all the same: the valid names that are not
    reserved, which is what the whole pass keeps (an id is lowercase, so two valid names
    never fold alike).
    """
    base = root / folder
    if base.is_symlink():
        return [], [problem(P.SYMLINK, folder, 0, 0, _("'%(path)s' is a symbolic link; links are never followed.")
                            % {"path": folder}, _("Make it a real folder."))]
    if not base.is_dir():
        return [], []
    found: list[Problem] = []
    paths: list[str] = []
    by_folded: dict[str, str] = {}
    with os.scandir(base) as entries:
        names = [(e.name, e.is_symlink(), e.is_file(follow_symlinks=False)) for e in entries]
    suffix = f".{extension}"
    valid = {
        stem: name for name, is_link, is_file in names
        if is_file and not is_link and name.endswith(suffix) and id_pattern.fullmatch(stem := name[:-len(suffix)])
    }  # an id is lowercase ASCII: its own case fold
    if only is None:
        listed = sorted(names)
    else:
        inside = [path[len(folder) + 1:] for path in only if path.startswith(f"{folder}/")]
        folds = {name.rpartition(".")[0].casefold() for name in inside if "/" not in name}
        # A file in a sub-folder: the folder is the problem (it is never read).
        tops = {name.partition("/")[0] for name in inside if "/" in name}
        reported = {*only, *(f"{folder}/{top}" for top in tops)}
        listed = sorted(entry for entry in names
                        if entry[0] in tops or entry[0].rpartition(".")[0].casefold() in folds)
    for name, is_link, is_file in listed:
        relative = f"{folder}/{name}"
        if name in ignored or name.startswith("."):
            continue
        if is_link:
            found.append(problem(P.SYMLINK, relative, 0, 0, _("'%(path)s' is a symbolic link; links are never followed.")
                                 % {"path": relative}, _("Replace the link with the file itself.")))
            continue
        if not is_file:
            found.append(problem(P.BAD_FILENAME, relative, 0, 0, _("'%(path)s' is a folder; %(kinds)s are files.")
                                 % {"path": relative, "kinds": _kinds(what)},
                                 _("Move its files up into %(folder)s/ or remove it.") % {"folder": folder}))
            continue
        stem, dot, suffix = name.rpartition(".")
        if not dot or suffix != extension:
            found.append(problem(P.BAD_FILENAME, relative, 0, 0, _("'%(name)s' is not a %(kind)s file name.")
                                 % {"name": name, "kind": _kind(what)},
                                 _("Each %(kind)s is a file named <id>.%(extension)s; rename it to '%(file)s'.")
                                 % {"kind": _kind(what), "extension": extension,
                                    "file": f"{_id_for(stem or name, what, id_pattern)}.{extension}"}))
            continue
        folded = stem.casefold()
        # The twin that is not a valid id is the one refused, whichever sorts first.
        twin = by_folded.get(folded) or (valid.get(folded) if valid.get(folded) != name else None)
        if twin:
            found.append(problem(P.CASE_COLLISION, relative, 0, 0,
                                 _("'%(name)s' differs from '%(twin)s' only in case.") % {"name": name, "twin": twin},
                                 _("Ids must be unique whatever the case: choose another file name.")))
            continue
        by_folded[folded] = name
        if not id_pattern.fullmatch(stem):
            found.append(problem(P.BAD_FILENAME, relative, 0, 0,
                                 _("The file name '%(name)s' is not a valid %(kind)s id.") % {"name": name,
                                                                                            "kind": _kind(what)},
                                 _("Use lowercase letters, digits and hyphens, starting with a letter: '%(file)s'.")
                                 % {"file": f"{_id_for(stem, what, id_pattern)}.{extension}"}))
            continue
        if stem in reserved:
            found.append(problem(P.RESERVED_ID, relative, 0, 0, _("The id '%(id)s' is reserved for the site's own pages.")
                                 % {"id": stem}, _("Choose another file name, such as '%(file)s'.")
                                 % {"file": f"{stem}-1.{extension}"}))
            continue
        paths.append(relative)
    if only is not None:
        paths = [f"{folder}/{name}" for name in sorted(valid.values())
                 if name not in ignored and name.rpartition(".")[0] not in reserved]
        found = [item for item in found if item.path in reported]
    return paths, found


def _id_for(stem: str, what: str, id_pattern: re.Pattern) -> str:
    """The id to suggest for a file named ``stem``: itself when it is one, else suggested_id's,
    with the kind in front when that is still too short (``a`` → ``profile-a``)."""
    if id_pattern.fullmatch(stem):
        return stem
    slug = suggested_id(stem)
    return slug if id_pattern.fullmatch(slug) else f"{what}-{slug}".strip("-")


def suggested_id(name: str) -> str:
    """A file name from a person's name or a title: ``François Hébert`` → ``francois-hebert``.

    Letters of any script are transliterated to ASCII (unidecode, which Pelican's own slugs
    use too), then everything but letters and digits becomes one hyphen."""
    from unidecode import unidecode

    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’`]", "", unidecode(name)).lower()).strip("-")[:60].strip("-")
    if slug and not slug[0].isalpha():
        slug = f"p-{slug}"
    return slug


# The kinds of file content_files lists, as its messages name them.
_KIND = {"profile": N_("profile"), "proposal": N_("proposal"), "group": N_("group")}
_KINDS = {"profile": N_("profiles"), "proposal": N_("proposals"), "group": N_("groups")}


def _kind(what: str) -> str:
    return _(_KIND[what]) if what in _KIND else what


def _kinds(what: str) -> str:
    return _(_KINDS[what]) if what in _KINDS else f"{what}s"

