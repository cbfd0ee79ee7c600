"""The Content-Security-Policy: on every page, in _headers, strict, and enough for the site to work."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from chromium import Chromium, StaticServer, chromium_for_tests
from joinedup.render.security import content_security_policy

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def read_headers_file(output: Path) -> dict[str, str]:
    """The headers ``_headers`` gives every path (``/*``), as Netlify and Cloudflare Pages read it."""
    lines = (output / "_headers").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "/*"
    return dict(line.strip().split(": ", 1) for line in lines[1:] if line.strip())


def test_every_page_carries_the_strict_policy_and_no_inline_script_or_style(example_site: Path):
    policy = content_security_policy()
    for directive in ("default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'"):
        assert directive in policy
    # Styles, fetches and workers fall back to default-src: nothing else may loosen them.
    assert not re.search(r"(style|connect|worker|child|frame)-src", policy)
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    for page in example_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert [html.unescape(found) for found in META.findall(text)] == [policy], page
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {page}"
        assert not re.search(r"<style|\sstyle=", text), f"inline style in {page}"


def test_headers_file_sends_the_policy_with_framing_forbidden(example_site: Path):
    headers = read_headers_file(example_site)
    assert headers["Content-Security-Policy"] == content_security_policy() + "; frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture(scope="module")
def browser():
    with Chromium(chromium_for_tests()) as chromium:
        yield chromium


def test_pagefind_searches_under_the_header_policy_which_also_binds_its_worker(example_site: Path, browser):
    # A <meta> policy does not reach Pagefind's worker; the header does. Without
    # 'wasm-unsafe-eval' the worker could not compile Pagefind's WebAssembly.
    search = """(async () => {
      const pagefind = await import('/pagefind/pagefind.js');
      await pagefind.options({ baseUrl: '/' });
      await pagefind.init();
      const found = await pagefind.search('campaign');
      return (await found.results[0].data()).url;
    })()"""
    with StaticServer(example_site, headers=read_headers_file(example_site)) as server:
        browser.events.clear()
        browser.goto(f"{server.url}/search/?q=campaign")
        assert browser.evaluate(search).startswith("/")
        browser.wait_for("document.getElementById('search-status').textContent.includes('result')")
        for page in ("/", "/people/", "/people/ana-lopez/", "/proposals/votes-at-16/"):
            browser.goto(server.url + page)
        assert browser.problems() == []
