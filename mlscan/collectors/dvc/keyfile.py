"""Whether a credential file named by a DVC remote holds key material.

Remotes can point at a key file (an SSH private key, a service-account JSON, OAuth user
credentials). Projects often keep a placeholder there (an empty file, ``{}``, a template
whose secret fields are blank) so that the path exists; only a file that really carries
a secret leaks one. The answer is a boolean: no value read here leaves this module.
"""

from __future__ import annotations

import re

from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Node

# JSON fields whose non-empty value is a secret (service-account keys, OAuth user
# credentials, client secrets, tokens).
# Matched at the end of the name: ``token_uri`` and ``private_key_id`` are not secrets.
_SECRET_FIELD = re.compile(r"(private_key|secret|token|password|passphrase)$", re.IGNORECASE)
# Values that stand for a secret without being one.
_PLACEHOLDER_VALUE = re.compile(
    r"^(<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|(changeme|change_me|replace_me|your[_-].*|x+|\.\.\.))$",
    re.IGNORECASE,
)
# Binary or opaque formats are not read: their presence is what counts.
_UNREAD_KEYS = frozenset({"kerb_ticket"})
_MAX_DEPTH = 8


def has_key_material(parsed: ParseCache, rel: str, option: str) -> bool | None:
    """True when the file holds a secret, False for an empty file or a placeholder,
    None when it cannot be told (unreadable, not parseable, or a binary format)."""
    if option in _UNREAD_KEYS:
        return None
    text = parsed.text(rel)
    if text is None:
        return None
    body = text.strip()
    if not body:
        return False
    if body[0] in "{[":
        doc = parsed.json(rel)
        return None if doc is None else _node_has_secret(doc, 0)
    # PEM keys and other text formats: any line that is not a comment counts
    return any(line.strip() and not line.lstrip().startswith("#") for line in body.splitlines())


def _node_has_secret(node: Node, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return True  # too deep to tell: assume the worst
    if node.kind == "seq":
        return any(_node_has_secret(child, depth + 1) for child in node.children)
    for key, child in node.items():
        if child.kind in ("map", "seq"):
            if _node_has_secret(child, depth + 1):
                return True
        elif _SECRET_FIELD.search(key) and _is_real_value(child.value):
            return True
    return False


def _is_real_value(value: object) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and not _PLACEHOLDER_VALUE.match(text)
