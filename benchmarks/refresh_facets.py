#!/usr/bin/env python3
"""Rewrite a built site's facet files and theme from the current code, without rendering again.

    python benchmarks/refresh_facets.py benchmarks/repos/100k

For benchmarking a change to the browser search on a big synthetic site: a full build of 100k
profiles takes a quarter of an hour, this only loads the model (a few minutes).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "plugins"))

from joinedup.core.dates import build_date  # noqa: E402
from joinedup.load.repository import load_repository  # noqa: E402
from joinedup.render.facets import FOLDER, write_facets  # noqa: E402


def main() -> None:
    root = Path(sys.argv[1]).resolve()
    output = root / "output"
    started = time.perf_counter()
    repository, problems = load_repository(root, build_date=build_date())
    loaded = time.perf_counter() - started
    shutil.rmtree(output / FOLDER, ignore_errors=True)
    started = time.perf_counter()
    count = len(write_facets(repository.directory, output))
    written = time.perf_counter() - started
    shutil.copytree(HERE.parent / "themes/joinedup/static", output / "theme", dirs_exist_ok=True)
    print(f"loaded {len(repository.directory.volunteers)} profiles in {loaded:.0f} s; "
          f"wrote {count} facet files in {written:.1f} s")


if __name__ == "__main__":
    main()
