"""The interface speaks the site's language: every message marked in the theme and the library is translated."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from joinedup.i18n import LOCALE_DIR, catalogue_path

REPO = Path(__file__).resolve().parent.parent


def marked_messages() -> set[str]:
    """Every message id that pybabel extracts with the project's babel.cfg."""
    method_map = [("plugins/joinedup/**.py", "python"), ("themes/joinedup/templates/**.html", "jinja2")]
    options = {"themes/joinedup/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_message_has_a_french_translation_and_none_is_stale():
    marked = marked_messages()
    assert "Skip to content" in marked and "Available now" in marked
    with open(catalogue_path("fr"), "rb") as handle:
        catalogue = read_po(handle, locale="fr")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalogue if m.id}
    assert sorted(marked - {k for k, v in translated.items() if v}) == [], "untranslated (run pybabel update)"
    assert sorted(set(translated) - marked) == [], "stale entries in the French catalogue"
    assert (LOCALE_DIR / "babel.cfg").is_file()
