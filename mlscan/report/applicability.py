"""Which fact lists a control reads, and whether the scan produced any of them.

A control is *applicable* when at least one of the ``input.<family>.<list>`` references in
its Rego source names a non-empty value in the fact document. That is what lets the report
say "passed" (its facts were there and nothing fired) rather than "not applicable" (none of
its facts were present).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# input.family.list, input.family["list"], input["family"]["list"], input.family
_REF = re.compile(
    r"""\binput(?:\.([A-Za-z_]\w*)|\[\s*"([^"\\]+)"\s*\])"""
    r"""(?:\.([A-Za-z_]\w*)|\[\s*"([^"\\]+)"\s*\])?"""
)


def fact_references(rego: str) -> tuple[str, ...]:
    """Sorted ``family`` / ``family.list`` names referenced as ``input...`` in the
    source (comments ignored)."""
    refs: set[str] = set()
    for line in rego.splitlines():
        code = _strip_strings(_strip_comment(line))
        for m in _REF.finditer(code):
            family = m.group(1) or m.group(2)
            member = m.group(3) or m.group(4)
            refs.add(f"{family}.{member}" if member else family)
    # a bare family that also appears with a member adds nothing
    return tuple(
        sorted(r for r in refs if "." in r or not any(x.startswith(r + ".") for x in refs))
    )


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')


def _strip_strings(code: str) -> str:
    """String literals emptied, except ``["key"]`` subscripts."""

    def keep(m: re.Match[str]) -> str:
        before = code[: m.start()].rstrip()
        after = code[m.end() :].lstrip()
        if before.endswith("[") and after.startswith("]"):
            return m.group(0)
        return '""'

    return _STRING.sub(keep, code)


def _strip_comment(line: str) -> str:
    """Drop a trailing ``# comment`` that is not inside a string."""
    in_str = False
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            in_str = not in_str
        elif ch == "#" and not in_str:
            return line[:i]
    return line


def _non_empty(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, Mapping | list | tuple | str):
        return len(value) > 0
    return True


def present_references(refs: tuple[str, ...], facts: Mapping[str, Any]) -> tuple[str, ...]:
    """The references that hold facts in ``facts``."""
    out: list[str] = []
    for ref in refs:
        family, _, member = ref.partition(".")
        value = facts.get(family)
        if member:
            value = value.get(member) if isinstance(value, Mapping) else None
        if _non_empty(value):
            out.append(ref)
    return tuple(out)
