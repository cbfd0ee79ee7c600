"""JSON Schema validation whose errors point at the offending key, in plain words.

jsonschema reports *what* failed as a path into the data; the YAML document knows *where*
each path stands in the file. This module joins the two and words each error for a
volunteer editing the file in a web editor.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema_rs

from . import problems as P
from .problems import Problem, problem
from .yamlsource import YamlDocument

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a set of 'key: value' lines",
    "null": "empty",
}

DATE_HINT = "Write dates as YYYY-MM-DD, for example 2027-03-01."


class SchemaValidator:
    """A JSON Schema with a fast yes/no check and a thorough explanation of every error.

    ``jsonschema_rs`` (Rust) answers "is this valid?" about a hundred times faster than the
    pure-Python ``jsonschema``, and nearly every file in a large repository is valid. Only
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
        """jsonschema's validator, made (and jsonschema imported: a tenth of a second) only
        when a file fails: a quick rebuild or a check of valid files never needs it."""
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


@lru_cache(maxsize=8)
def load_validator(schema_path: str) -> SchemaValidator:
    """The validator for the schema file at ``schema_path`` (cached: schemas do not change mid-run)."""
    return SchemaValidator(json.loads(Path(schema_path).read_text(encoding="utf-8")))


def _inline_refs(node: Any, root: dict) -> Any:
    """``node`` with each local ``{"$ref": "#/$defs/x"}`` replaced by the definition itself.

    Same meaning, but jsonschema no longer resolves a reference for every list item of
    every profile: about a fifth of validation time at 10k profiles.
    """
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(root["$defs"][reference.rsplit("/", 1)[1]], root)
        return {key: _inline_refs(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, root) for item in node]
    return node


def dotted(path: Iterable[Any]) -> str:
    """``('availability', 'hours_per_week')`` → ``availability.hours_per_week``; items as ``[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text ('{value[:40]}')"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    if value is None:
        return "empty"
    return type(value).__name__


def validate(
    document: YamlDocument,
    validator: SchemaValidator,
    path: str,
    *,
    leave_to_cross_checks: Iterable[tuple[Any, ...]] = (),
    consent_key: str | None = None,
) -> list[Problem]:
    """Validate ``document`` and return one Problem per schema error, at the key's line.

    ``leave_to_cross_checks`` lists path prefixes (such as ``('skills',)``) whose format
    errors are reported by the cross-checks instead, with a "did you mean". A missing or
    false ``consent_key`` is reported as JU109.
    """
    found: list[Problem] = []
    skip = [tuple(prefix) for prefix in leave_to_cross_checks]
    for error in sorted(validator.errors(document.data), key=lambda e: list(map(str, e.absolute_path))):
        found.extend(_explain(error, document, path, skip, consent_key, validator.schema))
    return found


def _explain(error, document: YamlDocument, path: str, skip, consent_key, root_schema) -> list[Problem]:
    where = tuple(error.absolute_path)
    field = dotted(where)
    line, col = document.position(where)
    kind = error.validator

    if kind == "anyOf":
        # A list item that may be written two ways (a skill id, or {id, level}):
        # explain the branch that matches what the contributor wrote.
        if isinstance(error.instance, dict):
            branch = [e for e in error.context if e.schema_path and e.schema_path[0] == 1]
        elif isinstance(error.instance, str):
            branch = [e for e in error.context if e.schema_path and e.schema_path[0] == 0]
        else:
            return [
                problem(
                    P.WRONG_TYPE,
                    path, line, col,
                    f"'{field}' should be an id or 'id:' with 'level:', not {describe(error.instance)}.",
                    "Write '- video-editing', or '- id: video-editing' with 'level: expert' below it.",
                )
            ]
        explained: list[Problem] = []
        for sub in branch:
            explained.extend(_explain(sub, document, path, skip, consent_key, root_schema))
        return explained

    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in allowed]
        found = []
        for key in unknown:
            key_line, key_col = document.position(where + (key,))
            guess = difflib.get_close_matches(key, allowed, n=1)
            message = f"Unknown key '{key}'" + (f" in '{field}'" if where else "") + "."
            if guess:
                message += f" Did you mean '{guess[0]}'?"
            found.append(
                problem(
                    P.UNKNOWN_KEY,
                    path, key_line, key_col,
                    message,
                    f"Allowed keys here: {', '.join(allowed)}. "
                    + root_schema.get("x-why-closed", "Everything in the file is published, so the schema allows nothing else."),
                )
            )
        return found

    if kind == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        found = []
        for key in missing:
            if key == consent_key:
                found.append(_no_consent(path, line, col, "is missing"))
                continue
            inside = f" in '{field}'" if where else ""
            found.append(
                problem(
                    P.MISSING_FIELD,
                    path, line, col,
                    f"The required key '{key}' is missing{inside}.",
                    _field_hint(root_schema, where + (key,)) or "Add it; see the example in the README.",
                )
            )
        return found

    if kind == "const" and where == (consent_key,):
        return [_no_consent(path, line, col, f"is {describe(error.instance)}")]

    if kind == "pattern" and any(where[: len(prefix)] == prefix for prefix in skip):
        return []

    if kind == "type":
        wanted = error.validator_value
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in ([wanted] if isinstance(wanted, str) else wanted))
        return [
            problem(
                P.WRONG_TYPE,
                path, line, col,
                f"'{field}' should be {words}, not {describe(error.instance)}.",
                _field_hint(root_schema, where) or f"Change the value of '{field}' to {words}.",
            )
        ]

    if kind == "format" and error.validator_value == "date":
        return [
            problem(
                P.BAD_DATE,
                path, line, col,
                f"'{field}' is '{error.instance}', which is not a real date.",
                DATE_HINT,
            )
        ]

    if kind == "uniqueItems":
        return [
            problem(
                P.DUPLICATE_ITEM,
                path, line, col,
                f"'{field}' lists the same value twice.",
                "Remove the repeated item.",
            )
        ]

    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return [
            problem(
                P.INVALID_VALUE,
                path, line, col,
                f"'{field}' is '{error.instance}'; it must be one of: {choices}.",
                "Use one of the values listed.",
            )
        ]

    limits = {
        "maxLength": f"is too long ({len(error.instance) if isinstance(error.instance, str) else '?'} characters; at most {error.validator_value})",
        "minLength": "is empty",
        "maximum": f"is {error.instance}; at most {error.validator_value}",
        "minimum": f"is {error.instance}; at least {error.validator_value}",
        "maxItems": f"lists too many items (at most {error.validator_value})",
        "minItems": f"needs at least {error.validator_value} item(s)",
        "pattern": f"is '{str(error.instance)[:60]}', which is not in the expected form",
    }
    if kind in limits:
        return [
            problem(
                P.INVALID_VALUE,
                path, line, col,
                f"'{field}' {limits[kind]}.",
                _field_hint(root_schema, where) or "See the example in the README for the expected form.",
            )
        ]

    return [problem(P.INVALID_VALUE, path, line, col, f"'{field}': {error.message}.", "See the schema.")]


def _no_consent(path: str, line: int, col: int, state: str) -> Problem:
    return problem(
        P.NO_CONSENT,
        path, line, col,
        f"'publish: true' {state}: the profile cannot be published without it.",
        "Add the line 'publish: true' to agree that everything in this file is public. "
        "Remove anything you do not want published first.",
    )


_HINTS = {
    ("github",): "Your forge login, for example 'ana-lopez' (letters, digits and single hyphens).",
    ("languages",): "Use two-letter ISO 639-1 codes, for example 'en', 'cy', 'es'.",
    ("contact", "email"): "Write an address like 'name@example.org'.",
    ("contact", "website"): "Start the address with https:// (or http://).",
    ("contact", "mastodon"): "Write the handle in quotes, like \"@name@example.social\".",
    ("contact", "bluesky"): "Write the handle like 'name.bsky.social'.",
    ("availability", "hours_per_week"): "A whole number of hours per week from 1 to 60, like 4.",
    ("remote",): "Write 'remote: true' or 'remote: false'.",
}


def _field_hint(root_schema: dict, where: tuple) -> str:
    key = tuple(part for part in where if not isinstance(part, int))
    if key in _HINTS:
        return _HINTS[key]
    if key and key[-1] in ("from", "until", "date", "consultation_closes", "review"):
        return DATE_HINT
    node: Any = root_schema
    for part in key:
        node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
        if node is None:
            return ""
    return node.get("description", "") if isinstance(node, dict) else ""

