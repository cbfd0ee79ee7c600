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

# Styles, fetches and workers fall back to default-src ('self'; workers through script-src,
# 'self' too): not written out on each of 100,000 pages. connect-src is written when pools add
# origins to it.
_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("img-src", "'self' data:"),  # data: for the empty favicon, which spares a request
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# Directives a <meta> tag cannot carry; browsers ignore them there.
_HEADER_ONLY = (("frame-ancestors", "'none'"),)


def content_security_policy(*, header: bool = False, connect: tuple[str, ...] = ()) -> str:
    """The policy as a ``<meta>`` tag carries it, or with ``header`` as the header sends it.
    ``connect``: the origins of the site's pools, whose search files the search page fetches
    (joinedup.load.pools; docs/federation.md)."""
    directives = _POLICY + ((("connect-src", " ".join(("'self'", *connect))),) if connect else ()) + (
        _HEADER_ONLY if header else ())
    return "; ".join(f"{name} {value}" for name, value in directives)


def pool_origins(pools: list[dict]) -> tuple[str, ...]:
    """The origins (scheme, host, port) of the pools whose people the search page searches."""
    from urllib.parse import urlsplit

    return tuple(dict.fromkeys(f"{urlsplit(p['url']).scheme}://{urlsplit(p['url']).netloc}"
                               for p in pools if p.get("people")))


def headers_file(connect: tuple[str, ...] = ()) -> str:
    """The ``_headers`` file: these headers on every path of the site."""
    headers = {
        "Content-Security-Policy": content_security_policy(header=True, connect=connect),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())
