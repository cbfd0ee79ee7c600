"""JSON Schema validation whose errors point at the offending key, in plain words.

jsonschema reports *what* failed as a path into the data; the YAML document knows *where*
each path stands in the file. This module joins the two and words each error for a
volunteer editing the file in a web editor.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema_rs

from joinedup.core import problems as P
from joinedup.core.i18n import N_, gettext as _, pgettext
from joinedup.core.problems import Problem, problem
from joinedup.load.taxonomy import folded
from joinedup.load.yamlsource import YamlDocument, quoted

_TYPE_WORDS = {
    "string": N_("text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "array": N_("a list"),
    "object": N_("a set of 'key: value' lines"),
    "null": N_("empty"),
}

DATE_HINT = N_("Write dates as YYYY-MM-DD, for example 2027-03-01.")


class SchemaValidator:
    """A JSON Schema with a fast yes/no check and a thorough explanation of every error.

    ``jsonschema_rs`` (Rust) answers "is this valid?" far faster than the pure-Python
    ``jsonschema``, and nearly every file in a large repository is valid. Only
    a file that fails is validated again by ``jsonschema``, whose error objects say which
    keyword failed where, so that each error can be worded for a volunteer.
    """

    def __init__(self, schema: dict):
        self.schema = schema
        # Checks the schema itself against its metaschema, as jsonschema's check_schema does.
        self.fast = jsonschema_rs.validator_for(schema, validate_formats=True)
        self._explainer = None

    @property
    def explainer(self):
        """jsonschema's validator, made (and jsonschema imported) only when a file fails: a
        quick rebuild or a check of valid files never needs it."""
        if self._explainer is None:
            from jsonschema import Draft202012Validator

            Draft202012Validator.check_schema(self.schema)
            self._explainer = Draft202012Validator(_inline_refs(self.schema, self.schema),
                                                   format_checker=Draft202012Validator.FORMAT_CHECKER)
        return self._explainer

    def errors(self, instance) -> list:
        """jsonschema's errors for ``instance``; [] when it is valid.

        Raises ValueError in the (unseen) case where the two libraries disagree that it is
        invalid, so that no file is ever accepted on one library's word alone.
        """
        if self.fast.is_valid(instance):
            return []
        errors = list(self.explainer.iter_errors(instance))
        if not errors:
            raise ValueError(f"jsonschema_rs refuses what jsonschema accepts: {self.fast.iter_errors(instance)}")
        return errors


def load_validator(schema_path: str) -> SchemaValidator:
    """The validator for the schema file at ``schema_path`` as it reads now: a fork edits its
    profile schema (volunteers/schema.json) while ``serve`` runs, so validators are kept by the
    schema's text, never by its path."""
    return schema_validator(Path(schema_path).read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def schema_validator(schema_text: str) -> SchemaValidator:
    """The validator of the JSON Schema ``schema_text``; raises ValueError when it is not JSON
    (json.JSONDecodeError, with its line and column) or not a schema."""
    return SchemaValidator(json.loads(schema_text))


def _inline_refs(node: Any, root: dict) -> Any:
    """``node`` with each local ``{"$ref": "#/$defs/x"}`` replaced by the definition itself.

    Same meaning, but jsonschema does not resolve a reference for every list item of every
    profile.
    """
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(root["$defs"][reference.rsplit("/", 1)[1]], root)
        return {key: _inline_refs(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, root) for item in node]
    return node


def named(where: tuple) -> str:
    """How a message names the value at ``where``: the key as the file spells it (``'until'``,
    at the line the problem points to), or a list item by its number (``item 1 of
    'languages'``); never a path such as ``availability.until`` or ``languages[0]``."""
    if not where:
        return _("the file")
    last = where[-1]
    if isinstance(last, int):
        keys = [part for part in where if isinstance(part, str)]
        if keys:
            return _("item %(number)d of '%(key)s'") % {"number": last + 1, "key": keys[-1]}
        return _("item %(number)d") % {"number": last + 1}
    return _("'%(key)s'") % {"key": last}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _("text ('%(text)s')") % {"text": value[:40]}
    if isinstance(value, int):
        return _("a number (%(number)s)") % {"number": value}
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a set of 'key: value' lines")
    if value is None:
        return _("empty")
    return type(value).__name__


def validate(
    document: YamlDocument,
    validator: SchemaValidator,
    path: str,
    *,
    leave_to_cross_checks: Iterable[tuple[Any, ...]] = (),
    consent_key: str | None = None,
) -> list[Problem]:
    """Validate ``document`` and return one Problem per mistake, at the key's line.

    ``leave_to_cross_checks`` lists path prefixes (such as ``('skills',)``) whose format
    errors are reported by the cross-checks instead, with a "did you mean". A missing or
    false ``consent_key`` is reported as JU109. A problem is reported once, however many
    schema errors lead to it (jsonschema reports each missing key once per missing key).
    """
    errors = sorted(validator.errors(document.data), key=lambda e: list(map(str, e.absolute_path)))
    explainer = _Explainer(document, path, [tuple(prefix) for prefix in leave_to_cross_checks], consent_key,
                           validator.schema, errors)
    found: list[Problem] = []
    for error in errors:
        found.extend(explainer.explain(error))
    return list(dict.fromkeys(found))


_BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off"})
# 'place:Leeds': a key and its value with no space after the colon, read by YAML as one text.
_NO_SPACE = re.compile(r"^([A-Za-z_][\w-]*):(\S.*)$")
# 31/12/2026, 31.12.2026, 31-12-2026 (or month first); 2026/12/31; 2026-1-5.
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def meant_dates(written: str) -> list[dt.date]:
    """The days a date written another way than YYYY-MM-DD can mean: ``31/12/2026`` → one,
    ``03/04/2026`` → two (3 April or March 4), ``2026-1-5`` → one, ``next spring`` → none."""
    match = _YEAR_FIRST.match(written.strip())
    if match:
        day = _day(int(match[1]), int(match[2]), int(match[3]))
        return [day] if day else []
    match = _DAY_FIRST.match(written.strip())
    if not match:
        return []
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    days = [_day(year, second, first), _day(year, first, second)]
    return list(dict.fromkeys(day for day in days if day))


def _meant(key, allowed: list[str]) -> list[str]:
    """The key of ``allowed`` that ``key`` was meant to be (a typo, or its name in the site's language), or []."""
    return difflib.get_close_matches(str(key), allowed, n=1) or meant_key(str(key), allowed)


def meant_key(written: str, allowed: Iterable[str]) -> list[str]:
    """The key of ``allowed`` that ``written`` names in the site's language (``nom`` is
    ``name`` on a French site, ``compétences`` is ``skills``), as a one-item list, or []. Both
    are compared as taxonomy ids, labels and aliases are (:func:`folded`: case, accents,
    spaces and punctuation set aside)."""
    plain = folded(written)
    if not plain:
        return []
    names = _key_names()
    spoken = {folded(word): key for key in allowed for word in names.get(key, "").split("|") if folded(word)}
    if plain in spoken:
        return [spoken[plain]]
    close = difflib.get_close_matches(plain, spoken, n=1, cutoff=0.8)
    return [spoken[close[0]]] if close else []


def _key_names() -> dict[str, str]:
    """The keys volunteers and organisers write, each as the site's language names it; a
    translation may give several names, separated by "|"."""
    # Translators: the names a person could write instead of each key of a profile, a
    # proposal or a group (the key itself stays English in the file). Give several, separated
    # by "|", without quotes: "nom|prénom|nom complet".
    return {
        "name": pgettext("key", "name"), "github": pgettext("key", "github"),
        "headline": pgettext("key", "headline"), "bio": pgettext("key", "bio"),
        "skills": pgettext("key", "skills"), "skill": pgettext("key", "skill"), "level": pgettext("key", "level"),
        "themes": pgettext("key", "themes"), "location": pgettext("key", "location"),
        "place": pgettext("key", "place"), "region": pgettext("key", "region"),
        "remote": pgettext("key", "remote"), "availability": pgettext("key", "availability"),
        "hours_per_week": pgettext("key", "hours per week"), "when": pgettext("key", "when"),
        "from": pgettext("key", "from"), "until": pgettext("key", "until"),
        "languages": pgettext("key", "languages"), "contact": pgettext("key", "contact"),
        "email": pgettext("key", "email"), "website": pgettext("key", "website"),
        "endorses": pgettext("key", "endorses"), "publish": pgettext("key", "publish"),
        "title": pgettext("key", "title"), "summary": pgettext("key", "summary"), "date": pgettext("key", "date"),
        "status": pgettext("key", "status"), "authors": pgettext("key", "authors"),
        "group": pgettext("key", "group"), "needs": pgettext("key", "needs"),
        "synthesises": pgettext("key", "synthesises"), "discussion": pgettext("key", "discussion"),
        "consultation_closes": pgettext("key", "consultation closes"), "core_team": pgettext("key", "core team"),
        "members": pgettext("key", "members"), "review": pgettext("key", "review"), "goals": pgettext("key", "goals"),
        "mission": pgettext("key", "mission"), "note": pgettext("key", "note"),
    }


class _Explainer:
    """Words each jsonschema error of one file for the person who wrote the file."""

    def __init__(self, document: YamlDocument, path: str, skip, consent_key, root_schema: dict, errors):
        self.document = document
        self.path = path
        self.skip = skip
        self.consent_key = consent_key
        self.root_schema = root_schema
        # Top-level keys that belong under another key, written without indentation
        # ('place:' under 'location:'): key -> the key it belongs under.
        self.unindented = self._unindented(errors)

    def _unindented(self, errors) -> dict[str, str]:
        found: dict[str, str] = {}
        properties = self.root_schema.get("properties", {})
        data = self.document.data
        for error in errors:
            if error.validator != "additionalProperties" or tuple(error.absolute_path):
                continue
            for key in error.instance:
                if key in properties:
                    continue
                key_line = self.document.position((key,))[0]
                parents = [
                    name for name, node in properties.items()
                    if isinstance(node, dict) and key in node.get("properties", {})
                    and name in data and isinstance(data[name], (dict, type(None)))
                    and self.document.position((name,))[0] < key_line
                ]
                if parents:
                    found[key] = max(parents, key=lambda name: self.document.position((name,))[0])
        return found

    def problem(self, code, where: tuple, message: str, hint: str) -> Problem:
        line, col = self.document.position(where)
        return problem(code, self.path, line, col, _capital(message), hint)

    def explain(self, error) -> list[Problem]:
        where = tuple(error.absolute_path)
        name = named(where)
        kind = error.validator
        instance = error.instance

        if kind == "anyOf":
            return self._either(error, where, name)
        if kind == "additionalProperties":
            return self._unknown_keys(error, where, name)
        if kind == "required":
            return self._missing(error, where, name)
        if kind == "const" and where == (self.consent_key,):
            return [self._no_consent(where, instance)]
        if kind == "pattern" and any(where[: len(prefix)] == prefix for prefix in self.skip):
            return []
        if kind == "type":
            return [self._wrong_type(error, where, name)]
        if kind == "format" and error.validator_value == "date":
            return [self._bad_date(where, name, instance)]
        if kind == "uniqueItems":
            return [self.problem(P.DUPLICATE_ITEM, where, _("%(name)s lists the same value twice.") % {"name": name},
                                 _("Remove the repeated item."))]
        if kind == "enum":
            choices = ", ".join(str(c) for c in error.validator_value)
            return [self.problem(P.INVALID_VALUE, where, _("%(name)s is '%(value)s'; it must be one of: %(choices)s.")
                                 % {"name": name, "value": instance, "choices": choices},
                                 _("Use one of the values listed."))]
        limits = {
            "maxLength": N_("%(name)s is too long (%(length)s characters; at most %(limit)s)."),
            "minLength": N_("%(name)s is empty."),
            "maximum": N_("%(name)s is %(value)s; at most %(limit)s."),
            "minimum": N_("%(name)s is %(value)s; at least %(limit)s."),
            "maxItems": N_("%(name)s lists too many items (at most %(limit)s)."),
            "minItems": N_("%(name)s needs at least %(limit)s item(s)."),
            "pattern": N_("%(name)s is '%(text)s', which is not in the expected form."),
        }
        if kind in limits:
            values = {"name": name, "value": instance, "limit": error.validator_value, "text": str(instance)[:60],
                      "length": len(instance) if isinstance(instance, str) else "?"}
            return [self.problem(P.INVALID_VALUE, where, _(limits[kind]) % values,
                                 _field_hint(self.root_schema, where)
                                 or _("See the example in the README for the expected form."))]
        return [self.problem(P.INVALID_VALUE, where, _("%(name)s: %(error)s.") % {"name": name, "error": error.message},
                             _("See the schema."))]

    def _either(self, error, where: tuple, name: str) -> list[Problem]:
        """A list item that may be written two ways (a skill id, or {id, level}): explain the
        branch that matches what the contributor wrote."""
        instance = error.instance
        if isinstance(instance, dict):
            text = self._colon_in_item(where, name, instance)
            if text is not None:
                return [text]
            branch = [e for e in error.context if e.schema_path and e.schema_path[0] == 1]
        elif isinstance(instance, str):
            branch = [e for e in error.context if e.schema_path and e.schema_path[0] == 0]
        else:
            return [self.problem(
                P.WRONG_TYPE, where,
                _("%(name)s should be an id or 'id:' with 'level:', not %(value)s.")
                % {"name": name, "value": describe(instance)},
                _("Write '- video-editing', or '- id: video-editing' with 'level: expert' below it."),
            )]
        explained: list[Problem] = []
        for sub in branch:
            explained.extend(self.explain(sub))
        return explained

    def _colon_in_item(self, where: tuple, name: str, instance: dict) -> Problem | None:
        """'- Montage : vidéo': YAML reads a list item holding ': ' as a key and its value."""
        if len(instance) != 1:
            return None
        [(key, value)] = instance.items()
        allowed = self._schema_at(where)
        if key in allowed or not isinstance(value, (str, type(None))):
            return None
        line = self.document.position(where)[0]
        written = self.document.line_text(line).strip()
        text = written[2:].strip() if written.startswith("- ") else f"{key}: {value or ''}".strip()
        return self.problem(
            P.WRONG_TYPE, where,
            _("%(name)s holds a colon followed by a space, which YAML reads as 'key: value': "
              "put the text in quotes.") % {"name": name},
            _("Write the line as: %(line)s") % {"line": f"- {quoted(text)}"},
        )

    def _schema_at(self, where: tuple) -> set[str]:
        """The keys the schema allows in an object at ``where`` (a list item's object form included)."""
        node: Any = self.root_schema
        for part in where:
            if not isinstance(node, dict):
                return set()
            node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        shapes = (node.get("anyOf") or [node]) if isinstance(node, dict) else []
        keys: set[str] = set()
        for shape in shapes:
            if isinstance(shape, dict) and "$ref" in shape:
                shape = self.root_schema.get("$defs", {}).get(shape["$ref"].rsplit("/", 1)[1], {})
            if isinstance(shape, dict):
                keys |= set(shape.get("properties", {}))
        return keys

    def _unknown_keys(self, error, where: tuple, name: str) -> list[Problem]:
        allowed = sorted(error.schema.get("properties", {}))
        found = []
        for key in [key for key in error.instance if key not in allowed]:
            parent = self.unindented.get(key) if not where else None
            if parent:
                found.append(self.problem(
                    P.UNKNOWN_KEY, where + (key,),
                    _("'%(key)s' belongs under '%(parent)s:', but it is not indented, so YAML reads it as a key "
                      "of its own.") % {"key": key, "parent": parent},
                    _("Put spaces before '%(key)s:' so that it starts at the same column as the other lines "
                      "under '%(parent)s:'.") % {"key": key, "parent": parent},
                ))
                continue
            guess = _meant(key, allowed)
            values = {"key": key, "name": name}
            message = (_("Unknown key '%(key)s' in %(name)s.") if where else _("Unknown key '%(key)s'.")) % values
            if guess:
                message += " " + _("Did you mean '%(key)s'?") % {"key": guess[0]}
            found.append(self.problem(
                P.UNKNOWN_KEY, where + (key,), message,
                _("Allowed keys here: %(keys)s.") % {"keys": ", ".join(allowed)} + " "
                + _(self.root_schema.get("x-why-closed")
                    or N_("Everything in the file is published, so the schema allows nothing else.")),
            ))
        return found

    def _missing(self, error, where: tuple, name: str) -> list[Problem]:
        found = []
        allowed = sorted(error.schema.get("properties", {}))
        # Said at the key written for it: 'nom' (did you mean 'name'?) is not also "'name' is missing".
        written_for = {guess[0] for key in error.instance if key not in allowed for guess in [_meant(key, allowed)] if guess}
        for key in [key for key in error.validator_value if key not in error.instance]:
            if len(where) == 1 and self.unindented.get(key) == where[0]:
                continue  # said at the unindented line: 'place' belongs under 'location:'
            if key in written_for:
                continue
            if key == self.consent_key and not where:
                found.append(self._no_consent(where, ...))
                continue
            found.append(self.problem(
                P.MISSING_FIELD, where,
                (_("The required key '%(key)s' is missing in %(name)s.") if where
                 else _("The required key '%(key)s' is missing.")) % {"key": key, "name": name},
                _field_hint(self.root_schema, where + (key,)) or _("Add it; see the example in the README."),
            ))
        return found

    def _wrong_type(self, error, where: tuple, name: str) -> Problem:
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        instance = error.instance
        written = self.document.written.get(where, "")
        if isinstance(instance, bool) and "string" in wanted and written.lower() in _BOOLEAN_WORDS:
            line, col = self.document.position(where)
            source = self.document.line_text(line)
            fixed = source[: col - 1] + f'"{written}"' + source[col - 1 + len(written):]
            example = fixed.strip() if source[col - 1: col - 1 + len(written)] == written else f'"{written}"'
            meaning = "true" if instance else "false"
            return self.problem(
                P.WRONG_TYPE, where,
                _("%(name)s is %(written)s, which YAML reads as %(meaning)s, not as the text '%(written)s'.")
                % {"name": name, "written": written, "meaning": meaning},
                (_("Write it in quotes: %(example)s (\"no\" is Norwegian). Without quotes, YAML reads yes, no, on "
                   "and off as true or false.") if "languages" in where and written.lower() == "no" else
                 _("Write it in quotes: %(example)s. Without quotes, YAML reads yes, no, on and off as true or false."))
                % {"example": example},
            )
        if isinstance(instance, str) and wanted != ["string"] and _NO_SPACE.match(instance.strip()):
            key, value = _NO_SPACE.match(instance.strip()).groups()
            line, col, _style = self.document.scalars.get(where) or (*self.document.position(where), None)
            return problem(
                P.WRONG_TYPE, self.path, line, col,
                _capital(_("%(name)s holds the text '%(text)s': a space is missing after the colon.")
                         % {"name": name, "text": instance.strip()[:60]}),
                _("Write a space after the colon: %(line)s") % {"line": f"{key}: {value}"},
            )
        words = _(" or ").join(_(_TYPE_WORDS[t]) if t in _TYPE_WORDS else t for t in wanted)
        return self.problem(
            P.WRONG_TYPE, where,
            _("%(name)s should be %(words)s, not %(value)s.") % {"name": name, "words": words,
                                                                "value": describe(instance)},
            _field_hint(self.root_schema, where) or _("Change the value of %(name)s to %(words)s.")
            % {"name": name, "words": words},
        )

    def _bad_date(self, where: tuple, name: str, instance) -> Problem:
        meant = meant_dates(str(instance))
        key = where[-1] if where and isinstance(where[-1], str) else ""
        if len(meant) == 1:
            return self.problem(
                P.BAD_DATE, where,
                _("%(name)s is %(value)s: dates are written year-month-day, so write %(date)s.")
                % {"name": name, "value": instance, "date": meant[0].isoformat()},
                _("Write the line as: %(line)s") % {"line": f"{key}: {meant[0].isoformat()}"} if key else _(DATE_HINT),
            )
        if len(meant) == 2:
            from joinedup.core.i18n import format_day

            first, second = meant
            return self.problem(
                P.BAD_DATE, where,
                _("%(name)s is %(value)s: dates are written year-month-day, so write %(first)s for %(first_day)s, "
                  "or %(second)s for %(second_day)s.")
                % {"name": name, "value": instance, "first": first.isoformat(), "first_day": format_day(first),
                   "second": second.isoformat(), "second_day": format_day(second)},
                _(DATE_HINT),
            )
        if isinstance(instance, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", instance):
            return self.problem(P.BAD_DATE, where, _("%(name)s is '%(value)s', which is not a real date.")
                                % {"name": name, "value": instance}, _(DATE_HINT))
        return self.problem(P.BAD_DATE, where,
                            _("%(name)s is '%(value)s', which is not a date written year-month-day.")
                            % {"name": name, "value": instance}, _(DATE_HINT))

    def _no_consent(self, where: tuple, value) -> Problem:
        """JU109: ``value`` is what the file says (``...`` when the key is missing)."""
        key = self.consent_key
        if value is ...:
            message = _("The line '%(key)s: true' is missing: the profile is published only once you add it.")
            where = ()
        elif value is False:
            message = _("'%(key)s' is false: the profile is published only once you change it to '%(key)s: true'.")
        elif value is None:
            message = _("'%(key)s' is empty: the profile is published only once you write '%(key)s: true'.")
        else:
            message = _("'%(key)s' is %(value)s: the profile is published only with '%(key)s: true'.")
        return self.problem(
            P.NO_CONSENT, where, message % {"key": key, "value": describe(value)},
            _("Writing '%(key)s: true' means you agree that everything in this file is shown on the public site. "
              "Remove anything you do not want published first.") % {"key": key},
        )


_HINTS = {
    ("github",): N_("Your forge login, for example 'ana-lopez' (letters, digits and single hyphens)."),
    ("languages",): N_("Use two-letter ISO 639-1 codes, for example 'en', 'cy', 'es'."),
    ("contact", "email"): N_("Write an address like 'name@example.org'."),
    ("contact", "website"): N_("Start the address with https:// (or http://)."),
    ("contact", "mastodon"): N_("Write the handle in quotes, like \"@name@example.social\"."),
    ("contact", "bluesky"): N_("Write the handle like 'name.bsky.social'."),
    ("availability", "hours_per_week"): N_("A whole number of hours per week from 1 to 60, like 4."),
    ("remote",): N_("Write 'remote: true' or 'remote: false'."),
    ("needs", "remote"): N_("Write 'remote: true' or 'remote: false'."),  # a group's need
}


def _field_hint(root_schema: dict, where: tuple) -> str:
    key = tuple(part for part in where if not isinstance(part, int))
    if key in _HINTS:
        return _(_HINTS[key])
    if key and key[-1] in ("from", "until", "date", "consultation_closes", "review"):
        return _(DATE_HINT)
    node: Any = root_schema
    for part in key:
        if isinstance(node, dict) and isinstance(node.get("items"), dict):  # a list of objects: its items' fields
            node = node["items"]
        node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
        if node is None:
            return ""
    description = node.get("description", "") if isinstance(node, dict) else ""
    return _(description) if description else ""  # gettext("") is the catalogue's header

