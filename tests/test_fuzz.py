"""Property-based fuzzing of the loader, the validator and the Markdown path (hypothesis).

Whatever a contributor writes, the library answers with a model or with problems that say
where: never an exception. Example counts are kept modest so the suite stays fast; raise
them with ``--hypothesis-seed`` and the ``FUZZ_EXAMPLES`` environment variable to dig.
"""

from __future__ import annotations

import os
import re
import string
from html import unescape
from html.parser import HTMLParser

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import make_site, profile_text
from joinedup.core.markup import render_bio, render_body
from joinedup.load.frontmatter import split
from joinedup.load.privacy import check_body
from joinedup.load.profiles import volunteer_from_text
from joinedup.load.taxonomy import load_taxonomy
from joinedup.load.yamlsource import load_yaml

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=os.environ.get("CI") == "true")

# Any character a file can hold: files are decoded from UTF-8 (yamlsource.decode), which
# never yields a lone surrogate, so those are left out.
CHARACTERS = st.characters(exclude_categories=("Cs",))
# Characters YAML and Markdown give meaning to, mixed with ordinary text.
SYNTAX = ":-#&*!|>'\"%@`{}[],?\t\n <>()\\/=;"
yaml_like = st.text(alphabet=st.sampled_from(list(SYNTAX) + list("ab1 \n")) | CHARACTERS, max_size=300)


def assert_answered(result, problems, path):
    """A model, or problems that each name the file, a line and a column."""
    assert result is not None or problems
    for item in problems:
        assert item.path == path
        assert item.line >= 1 and item.col >= 1, item
        assert item.code.startswith("JU") and item.message


@FUZZ
@given(text=yaml_like)
@example(text="=")  # YAML 1.1's "value" tag, which the safe constructor has no builder for
def test_any_text_loads_as_a_document_or_problems_with_positions(text):
    document, problems = load_yaml(text, "volunteers/x.yaml")
    assert_answered(document, problems, "volunteers/x.yaml")


# Profile-shaped data: the real keys with values of any type, some keys dropped, some added.
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(CHARACTERS, max_size=40)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(string.ascii_lowercase + "_", min_size=1, max_size=12), inner, max_size=4),
                      max_leaves=12)
FIELDS = ("name", "github", "headline", "bio", "skills", "themes", "location", "remote", "availability",
          "languages", "contact", "endorses", "publish")


@st.composite
def profiles(draw):
    base = yaml.safe_load(profile_text())
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            base.pop(key, None)
        else:
            base[key] = draw(values)
    for key, value in draw(st.dictionaries(st.sampled_from(FIELDS + ("place", "phone", "x")), values, max_size=2)).items():
        if isinstance(base.get("location"), dict) and key == "place":
            base["location"]["place"] = value
        else:
            base[key] = value
    return yaml.safe_dump(base, allow_unicode=True, sort_keys=False)


def fuzz_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("fuzz") / "site")
    taxonomy, problems = load_taxonomy(site.root)
    assert not problems
    return site.root, taxonomy


def test_any_profile_shaped_data_validates_to_a_volunteer_or_problems_with_positions(tmp_path_factory):
    root, taxonomy = fuzz_site(tmp_path_factory)

    @FUZZ
    @given(text=profiles())
    def check(text):
        volunteer, problems = volunteer_from_text(root, "volunteers/x.yaml", text, taxonomy)
        assert_answered(volunteer, problems, "volunteers/x.yaml")
        if volunteer is not None:
            assert not any(p.is_error for p in problems)

    check()


# Markdown built from the pieces attacks are made of, and any other character.
TOKENS = list("<>[]()!*_`#-=:/\\&;\"' \n|~") + ["javascript:", "JaVaScRiPt:", "data:", "vbscript:", "<script>",
                                             "<a href=", "<img src=", " onerror=", "](", "http://", "&#x09;",
                                             "&#106;", "<svg", " style=", "\n\n[1]: ", "<iframe"]
markdown_like = st.lists(st.sampled_from(TOKENS) | CHARACTERS, max_size=80).map("".join)
class _Links(HTMLParser):
    """Every href and src of the tags a browser would build (not text that looks like one)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]


def link_targets(html: str) -> list[str]:
    return _Links(html).urls


@FUZZ
@given(body=markdown_like)
@example(body="[](< onerror=)")  # an address holding "onerror=": inside quotes, not an attribute
def test_any_markdown_is_checked_with_positions_and_renders_without_scripts(body):
    problems = check_body(body, "content/proposals/x.md", 10)
    for item in problems:
        assert 10 <= item.line <= 10 + body.count("\n") and item.col >= 1, item
    for html in (str(render_body(body)), str(render_bio(body))):
        lowered = html.lower()
        assert "<script" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
        # No event handler or style attribute (the quoted values left out: an address may hold "onerror=").
        assert not re.search(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", re.sub(r'="[^"]*"', '=""', lowered))
        for url in link_targets(html):
            compact = re.sub(r"[\s\x00-\x1f]", "", unescape(url)).lower()
            assert not compact.startswith(("javascript:", "data:", "vbscript:")), url


@FUZZ
@given(front=yaml_like, body=markdown_like)
def test_any_markdown_file_splits_into_front_matter_and_body_or_problems_with_positions(front, body):
    parsed, problems = split(f"---\n{front}\n---\n{body}", "content/proposals/x.md", what="proposal")
    assert_answered(parsed, problems, "content/proposals/x.md")
