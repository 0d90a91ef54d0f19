"""Validation of SARIF output against the vendored OASIS schema (tests only)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import FormatChecker

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "sarif-schema-2.1.0.json"

# RFC 3986 characters allowed in a URI once percent-encoding is applied.
_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI_CHARS.match(value))


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (
        bool(_SCHEME.match(value)) and bool(_URI_CHARS.match(value))
    )


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checker = FormatChecker()
    checker.checks("uri")(_is_uri)
    checker.checks("uri-reference")(_is_uri_reference)
    return cls(schema, format_checker=checker)


def validate(log: Any) -> None:
    """Raise ``jsonschema.ValidationError`` listing every problem in ``log``."""
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
        raise jsonschema.ValidationError("\n".join(lines))
