"""Evaluate a Terraform expression of a called module with the caller's inputs.

checkov renders a local module on its own, so a variable with a default is rendered with
that default even when the caller passes another value (``versioning_enabled = true`` to a
module whose default is ``false``). This re-evaluates the few expression shapes modules use
for options, from the expression text and the caller's rendered inputs:

* ``var.x``;
* ``var.x ? A : B`` and ``!var.x ? A : B`` with literal branches (strings, numbers,
  booleans, null);
* a quoted string with ``${var.x}`` interpolations of scalar inputs.

Anything else is not evaluated (the caller reports the value as unknown).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_WHOLE = re.compile(rf"^var\.({_NAME})$")
_LITERAL = r'"(?:[^"\\$]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?'
_TERNARY = re.compile(rf"^(!?)\s*var\.({_NAME})\s*\?\s*({_LITERAL})\s*:\s*({_LITERAL})$")
_INTERPOLATION = re.compile(rf"\$\{{var\.({_NAME})\}}")
_QUOTED = re.compile(r'^"(?:[^"\\]|\\.)*"$')

_MISSING = object()


def evaluate(expression: str, inputs: Mapping[str, Any]) -> tuple[bool, Any]:
    """``(True, value)`` when ``expression`` could be evaluated with ``inputs``, else
    ``(False, None)``."""
    text = expression.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1].strip()
    whole = _WHOLE.match(text)
    if whole:
        got = inputs.get(whole.group(1), _MISSING)
        return (False, None) if got is _MISSING else (True, got)
    ternary = _TERNARY.match(text)
    if ternary:
        cond = _truth(inputs.get(ternary.group(2), _MISSING))
        if cond is None:
            return False, None
        if ternary.group(1):
            cond = not cond
        return True, _literal(ternary.group(3) if cond else ternary.group(4))
    if _QUOTED.match(text):
        body = text[1:-1]
        parts: list[str] = []
        last = 0
        for m in _INTERPOLATION.finditer(body):
            got = inputs.get(m.group(1), _MISSING)
            if isinstance(got, bool) or not isinstance(got, str | int | float):
                return False, None
            parts.extend((body[last : m.start()], str(got)))
            last = m.end()
        parts.append(body[last:])
        joined = "".join(parts)
        return ("${" not in joined, joined if "${" not in joined else None)
    return False, None


def _truth(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _literal(text: str) -> Any:
    if text.startswith('"'):
        return str(json.loads(text))
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    return float(text) if "." in text else int(text)
