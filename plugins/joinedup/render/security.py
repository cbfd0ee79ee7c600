"""The Content-Security-Policy and other response headers the published site asks for.

The policy allows what the site needs and nothing more: its own scripts, styles, images
and fetches, and WebAssembly for Pagefind ('wasm-unsafe-eval', measured: without it the
Pagefind worker cannot compile its search code). No inline script or style, no eval, no
plugin, no other origin. Pages carry it as a ``<meta>`` tag; hosts that read a
``_headers`` file (Netlify, Cloudflare Pages) also send it as a header, which covers what a
``<meta>`` tag cannot: Pagefind's worker script, and framing (``frame-ancestors``).
"""

from __future__ import annotations

HEADERS_FILE = "_headers"

_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),  # data: for the empty favicon, which spares a request
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# Directives a <meta> tag cannot carry; browsers ignore them there.
_HEADER_ONLY = (("frame-ancestors", "'none'"),)


def content_security_policy(*, header: bool = False) -> str:
    """The policy as a ``<meta>`` tag carries it, or with ``header`` as the header sends it."""
    directives = _POLICY + (_HEADER_ONLY if header else ())
    return "; ".join(f"{name} {value}" for name, value in directives)


def headers_file() -> str:
    """The ``_headers`` file: these headers on every path of the site."""
    headers = {
        "Content-Security-Policy": content_security_policy(header=True),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())
