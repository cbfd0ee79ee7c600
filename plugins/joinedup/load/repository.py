"""Load a whole Joined Up repository: steps 1-3 of the pipeline (load, validate, model).

``load_repository`` is what ``check``, ``build``, the Pelican plugin and the tests share, so
they all see the same problems in the same words.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from joinedup.core import problems as P
from joinedup.core.buildcache import ProfileCache
from joinedup.core.dates import build_date as today
from joinedup.core.i18n import activate, active_language, gettext as _, translations
from joinedup.core.model import Agenda, Directory, History, Known, Taxonomy, build_directory
from joinedup.core.problems import Problem, problem
from joinedup.load.agenda import build_agenda
from joinedup.load.changes import committed_but_ignored
from joinedup.load.content import ContentChecks, check_pages
from joinedup.load.files import read_text
from joinedup.load.groups import group_files, load_group
from joinedup.load.history import read_history
from joinedup.load.profiles import (ended_availability, github_collisions, load_volunteer, profile_files,
                                   profile_validator, volunteer_from_text)
from joinedup.load.pools import NOTHING, Taken
from joinedup.load.proposals import load_proposal, proposal_files
from joinedup.load.settings import load_settings
from joinedup.load.taxonomy import load_taxonomy

CONTENT_FOLDERS = ("content/proposals/", "content/groups/")
# Below this many profiles to validate, starting worker processes costs more than it saves.
VALIDATE_IN_WORKERS_FROM_PROFILES = 2000
# Below this many named profiles (check of a pull request's files), validating them again is
# quicker than unpickling the cache of the whole directory.
READ_CACHE_FROM_NAMED_PROFILES = 2000


@dataclass(frozen=True, slots=True)
class Repository:
    """Everything a build publishes, validated and linked."""

    root: Path
    taxonomy: Taxonomy
    directory: Directory
    build_date: dt.date
    agenda: Agenda | None = None
    # Profile path -> a hash standing for the profile built from it (ProfileCache.digest), for
    # the pages' fingerprints: no build hashes an unchanged profile again.
    digests: Mapping[str, bytes] = field(default_factory=dict)
    # Profile path -> its lstat signature when it was read (None: read too soon after an edit
    # to trust it), and the salt of the digests: what a quick rebuild (joinedup.builder.quick) starts from.
    signatures: Mapping[str, tuple | None] = field(default_factory=dict)
    profile_salt: str = ""
    # What the build takes from the other sites site.yaml names (joinedup.load.pools): their people
    # as helpers, their needs on the board. Never pages of this site.
    pooled: Taken = NOTHING


def load_repository(
    root: Path | str,
    *,
    only: Iterable[str] | None = None,
    build_date: dt.date | None = None,
    history: bool = False,
) -> tuple[Repository, list[Problem]]:
    """Load and validate the repository at ``root``.

    Returns the model and every problem found, sorted by file and line. With ``only`` (paths
    relative to ``root``), just those profiles, proposals and groups are validated (for
    ``check`` on a pull request), though file names are always checked across the whole
    folder, and every proposal and group is still read so references can be resolved.
    With ``history``, proposals' revisions are read from git (one process) into the model;
    without, git is read all the same for the JU205 warnings on commits whose author name
    or message the site withholds, but the model gets no revisions (``check`` needs none).
    """
    root = Path(root).resolve()
    found: list[Problem] = []
    day = build_date or today()

    settings, problems = load_settings(root)
    if settings.language != active_language():
        # Every message of the check, the build and the hook speaks the site's language: the
        # settings' own problems are made again in it (site.yaml is one small file).
        activate(settings.language)
        _, problems = load_settings(root)
    found += problems
    taxonomy, problems = load_taxonomy(root)
    found += problems
    found += content_links(root)
    found += check_pages(root)

    wanted = None if only is None else {_relative(root, p) for p in only}
    paths, problems = profile_files(root, wanted)
    proposal_paths, proposal_problems = proposal_files(root, wanted)
    group_paths, group_problems = group_files(root, wanted)
    known = Known(
        taxonomy=taxonomy,
        volunteers=frozenset(_stem(p) for p in paths),  # str ops, not pathlib: once for every profile
        proposals=frozenset(_stem(p) for p in proposal_paths),
        groups=frozenset(_stem(p) for p in group_paths),
        today=day,
    )
    found += committed_but_ignored(root, wanted)
    if wanted is not None:
        paths = [p for p in paths if p in wanted]
    found += problems
    found += _inside_misnamed(root, problems, taxonomy)
    content_problems = proposal_problems + group_problems

    proposals, groups = [], []
    # A check of profiles alone (a pull request that changed only profiles, and what refers to
    # them) reports nothing on a proposal or a group: of those it reads only the proposals the
    # profiles endorse, whose status it judges (JU405, endorsing a withdrawn proposal). The other
    # 1,000 proposals of a large movement cost a fifth of a second (benchmarks/README.md).
    profiles_only = wanted is not None and not any(p.startswith(CONTENT_FOLDERS) for p in wanted)

    def load_content_files(endorsed: frozenset[str] | None = None) -> None:
        # Needs only the ids (known), not the profiles: runs while worker processes validate
        # the profiles, on the core they leave.
        nonlocal content_problems
        # A whole load starts with the checks the last one kept, and keeps those it used.
        checks = ContentChecks.recall(root) if only is None else ContentChecks()
        # With `only`, the other proposals and groups are read for their ids and links, not
        # re-validated: their problems would not be reported, and validation is most of the cost.
        for path in proposal_paths if endorsed is None else [p for p in proposal_paths if _stem(p) in endorsed]:
            proposal, problems = load_proposal(root, path, known, thorough=wanted is None or path in wanted,
                                               checks=checks)
            content_problems += problems
            if proposal is not None:
                proposals.append(proposal)
        for path in group_paths if endorsed is None else ():
            group, problems = load_group(root, path, known, thorough=wanted is None or path in wanted, checks=checks)
            content_problems += problems
            if group is not None:
                groups.append(group)
        if only is None:
            checks.remember(root)

    volunteers = []
    digests: dict[str, bytes] = {}
    signatures: dict[str, tuple | None] = {}
    loaded = _load_volunteers(root, paths, taxonomy, digests, forget_others=only is None,
                              meanwhile=(lambda: None) if profiles_only else load_content_files, signatures=signatures)
    for volunteer, problems in loaded:
        found += problems
        if volunteer is not None:
            volunteers.append(volunteer)
    if profiles_only:
        load_content_files(endorsed=frozenset(slug for volunteer in volunteers for slug in volunteer.endorses))
    collisions = github_collisions(volunteers, root)
    found += collisions
    if wanted is not None:  # the files being checked: the person editing one reads it (JU113)
        found += ended_availability(volunteers, root, day)
    refused = {item.path for item in collisions}
    volunteers = [v for v in volunteers if v.path not in refused]
    directory = build_directory(taxonomy, volunteers, day)

    revisions, problems = read_history(root)
    if not history:  # check: the model goes without revisions, the warnings on commits stay
        revisions, problems = History("not-read"), [p for p in problems if p.code == P.PRIVATE_COMMIT.id]
    content_problems += problems
    agenda, problems = build_agenda(proposals, groups, directory, revisions, known.proposals)
    content_problems += problems
    if wanted is not None:
        content_problems = [p for p in content_problems if p.path in wanted]
    found += content_problems

    repository = Repository(root, taxonomy, directory, day, agenda, digests, signatures,
                            signatures.pop(_SALT, ""))
    return repository, sorted(found)


def content_links(root: Path) -> list[Problem]:
    """A JU011 problem for every symlink under content/ and data/: Pelican would follow them."""
    found = []
    for top in ("content", "data"):
        for folder, dirs, files in os.walk(root / top):
            for name in dirs + files:
                path = Path(folder) / name
                if path.is_symlink():
                    relative = path.relative_to(root).as_posix()
                    if relative.startswith("data/") and name.endswith(".yaml") and folder == str(root / "data"):
                        continue  # reported by the taxonomy loader, which reads these files
                    found.append(problem(P.SYMLINK, relative, 0, 0,
                                         _("'%(path)s' is a symbolic link; links are never followed.")
                                         % {"path": relative}, _("Replace the link with the file itself.")))
    return found


def _inside_misnamed(root: Path, problems: list[Problem], taxonomy: Taxonomy) -> list[Problem]:
    """What is wrong inside the profiles refused for their names (JU012: ``Léa Martin.yaml``,
    ``lea.yml``), so that the volunteer learns it in the same run, not after renaming. Plain
    files only; the profile is still left out until it is renamed."""
    found: list[Problem] = []
    for item in problems:
        path = root / item.path
        if (item.code == P.BAD_FILENAME.id and item.path.lower().endswith((".yaml", ".yml"))
                and path.is_file() and not path.is_symlink()):
            found += load_volunteer(root, item.path, taxonomy)[1]
    return found


def _load_volunteers(root: Path, paths: list[str], taxonomy: Taxonomy, digests: dict, *, forget_others: bool,
                     meanwhile=lambda: None, signatures: dict | None = None):
    """Each profile's (Volunteer or None, problems), reusing results for unchanged files.

    Fills ``digests`` (path -> ProfileCache.digest) for the profiles the cache holds, and
    ``signatures`` (path -> the lstat signature the cache keeps, and _SALT -> its salt). Calls
    ``meanwhile()`` once, while worker processes validate profiles when there are any."""
    if not forget_others and len(paths) < READ_CACHE_FROM_NAMED_PROFILES:
        # A few named files (a pull request's): validating them is quicker than unpickling the
        # cache of a whole directory, and the cache is left as it was.
        meanwhile()
        return [load_volunteer(root, path, taxonomy) for path in paths]
    cache = ProfileCache(root)
    results: dict[str, tuple] = {}
    misses: list[tuple[str, str, bytes, tuple | None]] = []
    for path in paths:
        signature = cache.signature(path)
        cached = cache.unchanged(path, signature)
        if cached is not None:  # the file's lstat is the one it had when read: not read again
            results[path] = cached
            continue
        text, problems = read_text(root, path)
        if text is None:
            results[path] = (None, problems)
            continue
        key = cache.key(text)
        cached = cache.get(path, key)
        if cached is not None:
            results[path] = cached
            cache.put(path, key, cached, signature)
        else:
            misses.append((path, text, key, signature))
    if len(misses) < VALIDATE_IN_WORKERS_FROM_PROFILES or (os.cpu_count() or 1) < 2:
        meanwhile()
        validator = profile_validator(root)  # read once for the whole load
        fresh = [volunteer_from_text(root, path, text, taxonomy, validator) for path, text, _, _ in misses]
    else:
        workers = os.cpu_count() or 2
        translations(active_language())  # compiled once here, not once in each forked worker
        chunk = max(50, len(misses) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                 initargs=(root, active_language())) as pool:
            pending = pool.map(_load_one, [(path, text) for path, text, _, _ in misses], chunksize=chunk)
            meanwhile()  # every chunk is submitted: the workers are busy
            fresh = list(pending)
    for (path, _text, key, signature), result in zip(misses, fresh):
        results[path] = result
        cache.put(path, key, result, signature)
    cache.save(keep=set(paths) if forget_others else None)
    for path in paths:
        if results[path][0] is not None:  # a file refused this time may still have an old entry
            digests[path] = cache.digest(path)
            if signatures is not None:
                signatures[path] = cache.entries[path][2]
    if signatures is not None:
        signatures[_SALT] = cache.salt
    return [results[path] for path in paths]


_SALT = "\0salt"  # the key under which _load_volunteers passes the cache's salt in ``signatures``


# Filled in each worker process of _load_volunteers' pool by _start_worker (never in the
# process that loads): the pool, and its workers with it, end with that load.
_worker_state: dict = {}


def _start_worker(root: Path, language: str) -> None:
    gc.enable()  # off in the build (buildcache.collector_paused); a worker makes garbage, not a model
    # Each worker reads the (small) taxonomy itself: its mappings are read-only proxies,
    # which cannot be sent between processes.
    _worker_state["root"] = root
    activate(language)  # a spawned worker starts in English; its problems are in the site's language
    _worker_state["taxonomy"], _ = load_taxonomy(root)
    _worker_state["validator"] = profile_validator(root)


def _load_one(item: tuple[str, str]):
    path, text = item
    return volunteer_from_text(_worker_state["root"], path, text, _worker_state["taxonomy"], _worker_state["validator"])


def _stem(relative: str) -> str:
    """``volunteers/ana-lopez.yaml`` → ``ana-lopez``."""
    return relative.rpartition("/")[2].rpartition(".")[0]


def _relative(root: Path, path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            return candidate.as_posix()
    absolute = (Path.cwd() / candidate)
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return candidate.as_posix()

