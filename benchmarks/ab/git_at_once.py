"""A/B of how ``check --changed-since`` asks git what a pull request changed, at 100k
(benchmarks/README.md, session 16).

    python benchmarks/run.py 100000 --proposals 1000 --no-pelican    # makes benchmarks/repos/100k
    farm-bench -n 10 --vs "python benchmarks/ab/git_at_once.py one-after" -- python benchmarks/ab/git_at_once.py together

'together': the changes since the merge base (``git diff``) and the untracked files
(``git ls-files --others``) asked side by side, as joinedup.load.changes does; 'one-after':
one after the other. Both stat the work tree's 100,000 profiles.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "plugins"))

from joinedup.load import changes  # noqa: E402

root = (HERE.parent / "repos" / "100k").resolve()
diff = ("diff", "--name-status", "--no-renames", "-z", "HEAD~1", "--")
others = ("ls-files", "-z", "--others", "--exclude-standard")
if sys.argv[1] == "together":
    listing, untracked = changes._git_at_once(root, diff, others)
else:
    listing, untracked = changes._git(root, *diff), changes._git(root, *others)
assert "volunteers/" in listing, listing[:200]
