"""The movement's accent colour (site.yaml's ``accent``) as a stylesheet of its own: the
Content-Security-Policy allows no inline style."""

from __future__ import annotations

from joinedup.load.settings import dark_accent

ACCENT_CSS = "theme/css/movement.css"


def accent_css(accent: str) -> str:
    """The accent for the light scheme and a lightened one for the dark scheme (both AA),
    or an empty stylesheet when no colour is set."""
    if not accent:
        return ""
    return (f":root {{ --accent: {accent}; }}\n"
            f"@media (prefers-color-scheme: dark) {{ :root {{ --accent: {dark_accent(accent)}; }} }}\n")
