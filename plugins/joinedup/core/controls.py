"""Control characters: which ones a file may hold, what they are called, how they are printed.

A contributor's file is text: letters, spaces, tabs and line ends. The C0 and C1 control
characters (form feed, escape, NUL…) are never meant in a profile or a proposal, and they
do harm where the text goes next: a form feed makes an Atom feed invalid XML, and an
escape sequence in a name repaints a maintainer's terminal when ``search`` prints it. So
files holding one are refused (JU017, see :mod:`yamlsource`), the feed writer drops what
XML cannot carry, and whatever the command line prints from a file goes through
:func:`terminal_safe`.
"""

from __future__ import annotations

import re

from joinedup.core.i18n import pgettext

# Tab and line feed are text; a carriage return only as part of a CRLF line end.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")

# Besides the controls, what reorders or hides text on a terminal: bidirectional overrides
# and isolates (the "Trojan Source" characters) and the Unicode line separators.
_TERMINAL_HIDDEN = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F,
                    0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                    *range(0xDC80, 0xDD00)]  # a file name's bytes that are not UTF-8, as Python reads them
_TERMINAL = {code: f"\\u{code:04x}" for code in _TERMINAL_HIDDEN}
# XML 1.0 cannot carry C0 controls other than tab, line feed and carriage return, even escaped.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def describe(character: str) -> str:
    """``'U+000C form feed'``: the code point of a control character and its name in the active
    language (``'U+000C saut de page'``)."""
    code = ord(character)
    name = _names().get(code) or pgettext("control character", "control character")
    return f"U+{code:04X} {name}"


def _names() -> dict[int, str]:
    """The controls that have a name people know, named in the active language."""
    # In a context of their own in the catalogue: "delete" and "escape" are verbs too.
    return {
        0x00: pgettext("control character", "null"), 0x07: pgettext("control character", "bell"),
        0x08: pgettext("control character", "backspace"), 0x0B: pgettext("control character", "vertical tab"),
        0x0C: pgettext("control character", "form feed"), 0x0D: pgettext("control character", "carriage return"),
        0x1B: pgettext("control character", "escape"), 0x7F: pgettext("control character", "delete"),
        0x85: pgettext("control character", "next line"),
        0x9B: pgettext("control character", "control sequence introducer"),
    }


def terminal_safe(text: str) -> str:
    """``text`` with every control character (but tab and line feed), bidirectional control
    and line separator written as a visible ``\\uXXXX`` escape.

    Safe to print on a terminal; inside a JSON string the escapes are JSON's own, so a
    JSON document stays valid and means the same.
    """
    return text.translate(_TERMINAL)


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (C0 controls but tab and line ends)."""
    return text.translate(_NOT_XML)
