"""A/B of where a quick rebuild checks that the last site is the one the last build wrote, at
100k (benchmarks/README.md, session 17): the part of a rebuild before it renders, world()
(the inputs' lstat) and the site's check (every file and folder of the site lstat'ed).

    python benchmarks/run.py 100000 --proposals 1000 --no-pelican    # builds the 100k site
    farm-bench -n 10 --vs "python benchmarks/ab/site_check.py here" -- python benchmarks/ab/site_check.py beside

'beside': the check in a process of its own (joinedup.builder.quick.SiteCheck) while this one
reads the inputs, as a build does; 'here': the same check after world(), in this process.
"""

import datetime as dt
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "plugins"))
os.environ["JOINEDUP_CACHE_DIR"] = str(HERE.parent / "repos" / ".cache")  # as run.py builds

from joinedup.builder import quick  # noqa: E402
from joinedup.builder.output import site_problem  # noqa: E402

root = (HERE.parent / "repos" / "100k").resolve()
output = root / "output"
day = dt.date(2026, 11, 23)
if sys.argv[1] == "beside":
    with quick.SiteCheck(output) as check:
        quick.world(root, output, "publishconf.py", day)
        problem = check.problem()
else:
    quick.world(root, output, "publishconf.py", day)
    problem = site_problem(output)
if problem is not None:
    sys.exit(f"the site is not as built: {problem}")
