"""Load a whole Joined Up repository: steps 1-3 of the pipeline (load, validate, model).

``load_repository`` is what ``check``, ``build``, the Pelican plugin and the tests share, so
they all see the same problems in the same words.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .agenda import build_agenda
from .dates import build_date as today
from .groups import group_files, load_group
from .history import read_history
from .model import Agenda, Directory, History, Known, Taxonomy, build_directory
from .problems import Problem
from .profiles import github_collisions, load_volunteer, profile_files
from .proposals import load_proposal, proposal_files
from .taxonomy import load_taxonomy

# Below this many profiles, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000


@dataclass(frozen=True)
class Repository:
    """Everything a build publishes, validated and linked."""

    root: Path
    taxonomy: Taxonomy
    directory: Directory
    build_date: dt.date
    agenda: Agenda | None = None


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
    With ``history``, proposals' revisions are read from git (one process; the build
    needs them, ``check`` does not).
    """
    root = Path(root).resolve()
    found: list[Problem] = []
    day = build_date or today()

    taxonomy, problems = load_taxonomy(root)
    found += problems

    paths, problems = profile_files(root)
    proposal_paths, proposal_problems = proposal_files(root)
    group_paths, group_problems = group_files(root)
    known = Known(
        taxonomy=taxonomy,
        volunteers=frozenset(Path(p).stem for p in paths),
        proposals=frozenset(Path(p).stem for p in proposal_paths),
        groups=frozenset(Path(p).stem for p in group_paths),
        today=day,
    )
    wanted = None if only is None else {_relative(root, p) for p in only}
    if wanted is not None:
        paths = [p for p in paths if p in wanted]
        problems = [p for p in problems if p.path in wanted]
    found += problems
    content_problems = proposal_problems + group_problems

    volunteers = []
    for volunteer, problems in _load_volunteers(root, paths, taxonomy):
        found += problems
        if volunteer is not None:
            volunteers.append(volunteer)
    found += github_collisions(volunteers)
    directory = build_directory(taxonomy, volunteers, day)

    proposals, groups = [], []
    # With `only`, the other proposals and groups are read for their ids and links, not
    # re-validated: their problems would not be reported, and validation is most of the cost.
    for path in proposal_paths:
        proposal, problems = load_proposal(root, path, known, thorough=wanted is None or path in wanted)
        content_problems += problems
        if proposal is not None:
            proposals.append(proposal)
    for path in group_paths:
        group, problems = load_group(root, path, known, thorough=wanted is None or path in wanted)
        content_problems += problems
        if group is not None:
            groups.append(group)
    revisions, problems = read_history(root) if history else (History("not-read"), [])
    content_problems += problems
    agenda, problems = build_agenda(proposals, groups, directory, revisions, known.proposals)
    content_problems += problems
    if wanted is not None:
        content_problems = [p for p in content_problems if p.path in wanted]
    found += content_problems

    repository = Repository(root, taxonomy, directory, day, agenda)
    return repository, sorted(found)


def _load_volunteers(root: Path, paths: list[str], taxonomy: Taxonomy):
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return [load_volunteer(root, path, taxonomy) for path in paths]
    workers = os.cpu_count() or 2
    chunk = max(50, len(paths) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(root,)) as pool:
        return list(pool.map(_load_one, paths, chunksize=chunk))


_worker_state: dict = {}


def _start_worker(root: Path) -> None:
    # Each worker reads the (small) taxonomy itself: its mappings are read-only proxies,
    # which cannot be sent between processes.
    _worker_state["root"] = root
    _worker_state["taxonomy"], _ = load_taxonomy(root)


def _load_one(path: str):
    return load_volunteer(_worker_state["root"], path, _worker_state["taxonomy"])


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

