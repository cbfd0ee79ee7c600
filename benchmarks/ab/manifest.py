"""A/B of how a quick rebuild updates the site's manifest at 100k (benchmarks/README.md,
session 17): one page's fingerprint and one new facet file.

    python benchmarks/run.py 100000 --proposals 1000 --no-pelican    # builds the 100k site
    farm-bench -n 10 --vs "python benchmarks/ab/manifest.py whole" -- python benchmarks/ab/manifest.py spliced

'spliced': found and replaced in the manifest's text (joinedup.builder.output.ManifestText);
'whole': the manifest parsed (read_manifest) and written again (write_manifest), as before.
"""

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "plugins"))

from joinedup.builder.output import MANIFEST, ManifestText, read_manifest, write_manifest  # noqa: E402

site = HERE.parent / "repos" / "100k" / "output"
page, facet, fingerprint = "people/aled-abdi/index.html", "search/facets/word/zzzzzz.bin", "0123456789abcdef" * 2
with tempfile.TemporaryDirectory() as staging:
    if sys.argv[1] == "spliced":
        manifest = ManifestText.of(site)
        if manifest.fingerprint(page) is None:
            sys.exit(f"{page} is not in the manifest")
        (Path(staging) / MANIFEST).write_bytes(manifest.changed({page: fingerprint}, {facet}, set()))
    else:
        manifest = read_manifest(site)
        if manifest["pages"].get(page) is None:
            sys.exit(f"{page} is not in the manifest")
        write_manifest(staging, {**manifest, "pages": {**manifest["pages"], page: fingerprint},
                                 "facets": sorted({*manifest["facets"], facet}), "files": sorted({*manifest["files"], facet})})
