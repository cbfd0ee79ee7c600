"""A/B of how a quick rebuild finds the profiles touched since the last build, at 100k
(benchmarks/README.md, session 15).

    python benchmarks/run.py 100000 --proposals 1000 --no-pelican    # records the quick state
    python benchmarks/ab/signatures.py prepare
    farm-bench -n 8 --vs "python benchmarks/ab/signatures.py rows" -- python benchmarks/ab/signatures.py meta

'meta': the signatures as one value of the state, compared with world()'s; 'rows': one row per
profile with its pickled signature (session 14's state), read and compared.
"""

import datetime as dt
import os
import pickle
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "plugins"))
os.environ["JOINEDUP_CACHE_DIR"] = str(HERE.parent / "repos" / ".cache")  # as run.py builds

from joinedup.builder import quick  # noqa: E402
from joinedup.core.buildcache import cache_dir, safe_loads  # noqa: E402

root = (HERE.parent / "repos" / "100k").resolve()
state = cache_dir(root) / quick.DATABASE
rows_file = HERE.parent / "repos" / ".ab-rows.sqlite"
current_file = HERE.parent / "repos" / ".ab-current.pickle"
if sys.argv[1] == "prepare":
    _, profiles, _ = quick.world(root, root / "output", "publishconf.py", dt.date(2026, 11, 23))
    current_file.write_bytes(pickle.dumps(profiles))
    known = safe_loads(sqlite3.connect(state).execute("SELECT value FROM meta WHERE key = 'signatures'").fetchone()[0])
    rows = sqlite3.connect(rows_file)
    rows.execute("CREATE TABLE IF NOT EXISTS people (id TEXT PRIMARY KEY, path TEXT, digest BLOB, signature BLOB)")
    rows.executemany("INSERT OR REPLACE INTO people VALUES (?, ?, ?, ?)",
                     [(path[len("volunteers/"):-len(".yaml")], path, b"x" * 16,
                       None if signature is None else pickle.dumps(tuple(signature), protocol=5))
                      for path, signature in known.items()])
    rows.commit()
    sys.exit()
current = pickle.loads(current_file.read_bytes())
if sys.argv[1] == "meta":
    meta = {key: safe_loads(value) for key, value in sqlite3.connect(state).execute("SELECT key, value FROM meta")}
    known = meta["signatures"]
    assert known.keys() == current.keys()
    touched = [path for path, signature in current.items() if known[path] != signature or known[path] is None]
else:
    def pack(signature):
        return None if signature is None else pickle.dumps(tuple(signature), protocol=5)

    rows = {path: (id, digest, signature) for id, path, digest, signature in
            sqlite3.connect(rows_file).execute("SELECT id, path, digest, signature FROM people")}
    assert rows.keys() == current.keys()
    touched = [path for path, signature in current.items() if pack(signature) != rows[path][2] or rows[path][2] is None]
