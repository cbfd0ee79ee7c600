"""The interface speaks the site's language: every message marked in the theme and the library is translated."""

import re
from ast import literal_eval
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

from joinedup.core.i18n import LOCALE_DIR, catalogue_path

REPO = Path(__file__).resolve().parent.parent


def marked_messages() -> set[str]:
    """Every message id that pybabel extracts with the project's babel.cfg."""
    with open(LOCALE_DIR / "babel.cfg", encoding="utf-8") as config:
        method_map, options = parse_mapping_cfg(config)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_message_has_a_french_translation_and_none_is_stale():
    marked = marked_messages()
    assert "Skip to content" in marked and "Available now" in marked and "Nobody matches." in marked
    with open(catalogue_path("fr"), "rb") as handle:
        catalogue = read_po(handle, locale="fr")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string if isinstance(m.string, str) else all(m.string)
                  for m in catalogue if m.id}
    assert sorted(marked - {k for k, v in translated.items() if v}) == [], "untranslated (run pybabel update)"
    assert sorted(set(translated) - marked) == [], "stale entries in the French catalogue"
    assert (LOCALE_DIR / "babel.cfg").is_file()


# Words in the theme that are the same in every language: brands and names of formats.
NOT_TRANSLATED = {"Joined Up", "Mastodon", "Bluesky", "Atom"}
TRANSLATED_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
GETTEXT_NAMES = {"_", "gettext", "ngettext"}
SLOT = "\x00"  # where a Jinja expression was: a value, never words of the theme


class _VisibleText(HTMLParser):
    """Collects the text nodes and translated attributes of a template made plain HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(f"{tag}[{name}]: ", value) for name, value in attrs if name in TRANSLATED_ATTRIBUTES and value]

    def handle_data(self, data):
        self.found.append(("", data))


# fragment("partials/site_footer.html"): a template's name, not words.
TEMPLATE_NAME = re.compile(r"partials/[\w-]+\.html")


def _has_words(text: str) -> bool:
    for token in NOT_TRANSLATED:
        text = text.replace(token, "")
    return re.search(r"[^\W\d_]", text.replace(SLOT, "")) is not None


def _is_filter_argument(expression: list[tuple[str, str]], index: int) -> bool:
    """``'remote'`` in ``volunteers | selectattr('remote')``: a value, not words."""
    before = [value for _, value in expression[max(0, index - 3):index]]
    return len(before) == 3 and before[0] == "|" and before[2] == "("


def untranslated_strings(source: str) -> list[str]:
    """English left in a template: text and translated attributes outside ``{% trans %}`` and ``_()``.

    The template is lexed by Jinja; what is inside ``{% trans %}`` and every ``{{ … }}`` becomes
    a slot, other tags vanish, and the rest is parsed as HTML. A string literal printed by
    ``{{ … }}`` outside a tag (``{{ 'person' if n == 1 else 'people' }}``) counts as text too,
    unless the expression calls gettext.
    """
    html, in_trans, tag, expression, found = [], False, None, None, []
    for _, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        if kind == "data":
            html.append(SLOT if in_trans else value)
        elif kind == "block_begin":
            tag = []
        elif kind == "block_end":
            name = tag[0] if tag else ""
            in_trans = name in ("trans", "pluralize") or (in_trans and name != "endtrans")
            html.append(SLOT if name in ("trans", "endtrans") else "")
            tag = None
        elif kind == "variable_begin":
            expression = []
        elif kind == "variable_end":
            text = "".join(html)
            inside_tag = text.rfind("<") > text.rfind(">")
            if not (inside_tag or in_trans or {v for k, v in expression if k == "name"} & GETTEXT_NAMES):
                found += [v for i, (k, v) in enumerate(expression)
                          if k == "string" and _has_words(v) and not _is_filter_argument(expression, i)
                          and not TEMPLATE_NAME.fullmatch(v)]
            # In a tag's name (<h{{ level }}>) a digit keeps the tag a tag.
            html.append("1" if re.search(r"</?[a-zA-Z]+$", text) else SLOT)
            expression = None
        elif tag is not None and kind != "whitespace":
            tag.append(value)
        elif expression is not None and kind != "whitespace":
            expression.append((kind, literal_eval(value) if kind == "string" else value))
    parser = _VisibleText()
    parser.feed("".join(html))
    return [where + " ".join(text.replace(SLOT, " {{…}} ").split())
            for where, text in [("", literal) for literal in found] + parser.found if _has_words(text)]


def test_no_template_has_text_outside_a_translation():
    templates = sorted((REPO / "themes/joinedup/templates").rglob("*.html"))
    assert len(templates) > 20
    left = {f"{path.relative_to(REPO)}: {text}" for path in templates for text in untranslated_strings(path.read_text())}
    assert sorted(left) == []


def test_the_scan_finds_english_in_text_attributes_and_printed_literals():
    template = """<p title="Close">{{ _("Ready") }} Done</p>{% trans %}Fine {{ x }}{% endtrans %}
<span aria-label="{{ n }} people">{{ n }}</span>{{ 'person' if n == 1 else 'people' }}{# Ignored #}
<a href="{{ url }}" class="{{ 'met' }}">RSS</a><h{{ n }} class="x">{{ x }}</h{{ n }}>{{ people | selectattr('remote') | join(', ') }}"""
    assert untranslated_strings(template) == ["person", "people", "p[title]: Close", "{{…}} Done", "span[aria-label]: {{…}} people", "RSS"]


def test_labels_numbers_dates_and_language_names_follow_the_active_language():
    from joinedup.core.i18n import activate, format_number
    from joinedup.core.model import STATUS_LABELS
    from joinedup.render.labels import language_names, timed

    try:
        activate("fr")
        assert STATUS_LABELS["draft"] == "Brouillon"
        assert language_names(["en", "br"]) == "anglais, breton"
        assert format_number(12345) == "12\u202f345"
        assert str(timed("jusqu'au 1 mars 2027")) == "jusqu&#39;au <time datetime=\"2027-03-01\">1 mars 2027</time>"
    finally:
        activate("en")
    assert STATUS_LABELS["draft"] == "Draft"
    assert language_names(["en", "br"]) == "English, Breton"
    assert format_number(12345) == "12,345"
    assert str(timed("until 1 March 2027")) == "until <time datetime=\"2027-03-01\">1 March 2027</time>"


def test_a_spelled_out_email_address_reads_in_the_interface_language():
    from joinedup.core.i18n import activate
    from joinedup.core.markup import obscured_email

    try:
        activate("fr")
        assert obscured_email("ana@example.org")["spoken"] == "ana [arobase] example [point] org"
    finally:
        activate("en")
    assert obscured_email("ana@example.org")["spoken"] == "ana [at] example [dot] org"
