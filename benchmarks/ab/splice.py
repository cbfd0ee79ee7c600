"""A/B of a quick rebuild's update of the data files at 100k (benchmarks/README.md, session 15).

    python benchmarks/run.py 100000 --proposals 1000 --no-pelican    # builds repos/100k/output
    git show 0360ad2:plugins/joinedup/render/exports.py > /tmp/old_exports.py
    farm-bench -n 8 --vs "python benchmarks/ab/splice.py old" -- python benchmarks/ab/splice.py new

'new': render.exports.update_people's parts written with builder.output.write_parts (the
unchanged ranges copied by the kernel); 'old': session 14's update_people (the three files read,
decoded, the records replaced, encoded) and a plain write. One person, written as they are.
"""

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "plugins"))

from joinedup.builder.output import write_parts  # noqa: E402
from joinedup.load.profiles import load_volunteer  # noqa: E402
from joinedup.load.taxonomy import load_taxonomy  # noqa: E402
from joinedup.render import exports  # noqa: E402

root = HERE.parent / "repos" / "100k"
site = root / "output"
taxonomy, _ = load_taxonomy(root)
person, _ = load_volunteer(root, "volunteers/aled-abdi.yaml", taxonomy)
first = json.loads((site / "data/pool.json").read_bytes()[:4000].split(b'"people":[', 1)[1].split(b',{"id":', 1)[0])
updated = dt.date.fromisoformat(first["updated"]) if first["updated"] else None
changes = [(person, person, updated)]
staging = Path(tempfile.mkdtemp(dir=root.parent))
if sys.argv[1] == "new":
    for name, parts in exports.update_people(site, changes).items():
        source = os.open(site / name, os.O_RDONLY)
        with open(staging / name.replace("/", "_"), "wb") as handle:
            write_parts(handle.fileno(), source, parts)
        os.close(source)
else:
    sys.path.insert(0, "/tmp")
    import old_exports  # noqa: E402

    for name, data in old_exports.update_people(site, changes).items():
        with open(staging / name.replace("/", "_"), "wb") as handle:
            handle.write(data)
for name in os.listdir(staging):
    os.unlink(staging / name)
os.rmdir(staging)
