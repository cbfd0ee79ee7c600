"""Screenshots of the example site's main pages at 1280 and 360 px wide, into docs/screenshots/.

    python docs/screenshots.py            # builds the example site (build date pinned), then shoots

Needs Chromium (Debian's ``chromium``). Each page is captured from the top, as tall as the
page or the cap below, whichever is shorter; ``-dark`` files use the dark colour scheme.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from chromium import Chromium, StaticServer, find_chromium  # noqa: E402

OUT = REPO / "docs" / "screenshots"
BUILD_EPOCH = "1795392000"  # 2026-11-23, as in the tests
SEARCH_READY = ("document.getElementById('search-status').textContent.includes('result')"
                " && !document.getElementById('search-form').hasAttribute('aria-busy')")
PAGES = {
    "home": ("/", "true"),
    "directory": ("/people/", "true"),
    "skill-group": ("/skill-groups/video/", "true"),
    "profile": ("/people/ana-lopez/", "true"),
    "proposal": ("/proposals/rent-controls-for-tenancies/", "true"),
    "group": ("/groups/better-buses/", "true"),
    "search": ("/search/?q=campaign&remote=yes", SEARCH_READY),
}
WIDTHS = {1280: 1800, 360: 2600}  # width: tallest capture
DARK = {"home": 360, "proposal": 1280}  # also shot in the dark scheme, at this width


def shoot(browser: Chromium, url: str, ready: str, width: int, cap: int, scheme: str, out: Path) -> None:
    browser.send("Emulation.setDeviceMetricsOverride", width=width, height=800, deviceScaleFactor=1,
                 mobile=width < 600)
    browser.send("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])
    browser.goto(url)
    browser.wait_for(ready)
    browser.pump(0.3)
    height = min(cap, int(browser.evaluate("document.documentElement.scrollHeight")))
    shot = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
    out.write_bytes(base64.b64decode(shot["data"]))
    print(f"{out.relative_to(REPO)}  {width}x{height}")


def main() -> int:
    executable = find_chromium()
    if executable is None:
        print("Chromium is needed (apt-get install chromium).", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as temporary:
        output = Path(temporary) / "output"
        subprocess.run([sys.executable, str(REPO / "tasks.py"), "build", "--output", str(output)], cwd=REPO,
                       check=True, env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}, stdout=subprocess.DEVNULL)
        OUT.mkdir(parents=True, exist_ok=True)
        with StaticServer(output) as server, Chromium(executable) as browser:
            for name, (path, ready) in PAGES.items():
                for width, cap in WIDTHS.items():
                    shoot(browser, server.url + path, ready, width, cap, "light", OUT / f"{name}-{width}.png")
                if name in DARK:
                    width = DARK[name]
                    shoot(browser, server.url + path, ready, width, WIDTHS[width], "dark",
                          OUT / f"{name}-dark-{width}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
