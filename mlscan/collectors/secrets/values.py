"""What can be said about a secret without saying it: the key that holds it, and the shape
of the value (a reference, a placeholder, a well-known default, or a literal)."""

from __future__ import annotations

import re

# `KEY=`, `KEY:`, `"KEY":`, `KEY :=`, `os.environ["KEY"] =`, `key="` (Python keyword argument)
_KEY_BEFORE = re.compile(
    r"""(?:^|[\s{(\[,;/])(?:export\s+|-\s+)?["']?([A-Za-z_][\w.\-]*)["']?\]?\s*(?::=|=>|==|[:=])\s*["']?$"""
)
_FLAG_BEFORE = re.compile(r"--([A-Za-z][\w-]*)[\s=]+[\"']?$")
_URI_USERINFO = re.compile(r"[a-z][a-z0-9+.\-]*://[^/\s:@]*:$", re.I)

_REFERENCE = re.compile(
    r"^\$\{?\w|\$\{|\{\{|\$\(|%\(|^\{\w+\}$|os\.environ|getenv|secretKeyRef|"
    r"^(?:var|local|module|data)\.[\w.\[\]\"-]+$|"  # Terraform references
    r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+\.[\w\-]+\.[\w.\[\]\"]+$|"  # a resource's attribute
    r"^%[sdr]$|^\{\w*\}$|"  # printf / str.format slots
    r"^[a-z_][\w.]*\($|"  # a call cut at its parenthesis by the keyword rule (`file(`)
    r"^[A-Za-z_][\w.]*\[|"  # a subscript (`execution['token']`) cut at its bracket
    r"^!(?:Ref|Sub|GetAtt|ImportValue|Join|Select|FindInMap|If|Base64|Split)\b|Fn::"  # CFN
)
# an AWS resource name or ARN (high entropy because of account ids and generated suffixes)
_AWS_NAME = re.compile(
    r"^(?:arn:aws[\w-]*:\S+|(?:role|user|group|policy|instance-profile)/[\w+=,.@/-]+)$"
)
# a short plain word (`NOPASSWD: ALL` in sudoers, `"token": "same"`) is not a credential
_SHORT_WORD = re.compile(r"^[A-Za-z]{1,5}$")
# Natural-language text held by a constant named like a secret: an error, help or label
# string (`NO_API_KEY = "No API key provided."`). Three or more words of letters, and a
# sign that a reader is addressed: a capitalised sentence ending in punctuation, a word of
# message vocabulary, or a key that names a message. A passphrase of plain words
# (`"correct horse battery staple"`) has none of these and stays a literal.
_PROSE_WORD = re.compile(
    r"^[(\"'\u2018\u201c]?[A-Za-z][A-Za-z'\u2019\-]*[.,;:!?)\"'\u2019\u201d]*$"
)
_SENTENCE = re.compile(r"^[\"'(\u2018\u201c]?[A-Z].*[.!?:\u2026][\"')\u2019\u201d]*$")
MESSAGE_WORDS = frozenset(
    {
        "provided",
        "invalid",
        "missing",
        "required",
        "please",
        "must",
        "cannot",
        "failed",
        "expired",
        "incorrect",
        "unauthorized",
        "denied",
        "enter",
        "not",
    }
)
_MESSAGE_KEY = re.compile(
    r"(?:^|[_.\-])(?:msg|message|error|err|text|label|prompt|help|hint|title|description|"
    r"detail|warning)s?$|(?<=[a-z])(?:Msg|Message|Error|Text|Label|Prompt|Help|Hint|Title|"
    r"Description|Detail|Warning)s?$",
    re.I,
)

_PLACEHOLDER = re.compile(
    r"^<[^>]*>$|^\[[^\]]*\]$|^\*+$|^x{3,}$|^\.{3,}$|your[-_ ]|example|placeholder|dummy|"
    r"redacted|replace[-_ ]?me|^todo$|^tbd$|^fixme$|^none$|^null$|^fake|fake$|^sample|"
    r"^test[-_]?(key|secret|token)|"
    # a credential's name standing for its value (`https://user:token@host`)
    r"^(pw|pwd|passwd|token|apikey|api[-_]key|secret[-_]key|access[-_]key|user|username)$",
    re.I,
)
# Defaults shipped by the tools ML stacks run (MinIO, MLflow images, databases) or typed by
# people who meant to change them: these open the asset to anyone who knows the tool.
DEFAULT_VALUES = frozenset(
    {
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "minioadmin",
        "minio123",
        "minio",
        "admin",
        "admin123",
        "password",
        "password123",
        "passw0rd",
        "secret",
        "mlflow",
        "postgres",
        "mysql",
        "root",
        "test",
        "123456",
        "12345678",
        "pass",
        "letmein",
        "default",
        "guest",
        "password1234",  # MLflow basic-auth's documented admin default
    }
)


def key_for(line: str, value: str) -> tuple[str | None, str | None]:
    """(the key that holds ``value`` on ``line``, where in a URI it sits)."""
    at = line.find(value)
    if at < 0:
        return None, None
    before = line[:at]
    uri_part = None
    userinfo = _URI_USERINFO.search(before)
    if userinfo is not None:
        uri_part = "password"
        before = before[: userinfo.start()]
    m = _FLAG_BEFORE.search(before)
    if m is not None:
        return m.group(1), uri_part
    m = _KEY_BEFORE.search(before.rstrip() if uri_part else before)
    if m is None and uri_part:
        m = _KEY_BEFORE.search(before.rstrip() + "=")
    return (m.group(1) if m else None), uri_part


_HASH = re.compile(
    r"^(?:(?:md5|sha1|sha256|sha512):)?(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$",
    re.I,
)
# a URL with no password and no credential in its query is an address, not a secret
_PLAIN_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://[^\s:@/]+(?::\d+)?(?:/[^\s@]*)?$", re.I)
_URL_SECRET_QUERY = re.compile(
    r"[?&][\w\-]*(token|key|sig|secret|password|pass|auth)[\w\-]*=", re.I
)
# a file path (``file("../pem/mlflow.pem")``): where a secret may be, not the secret
_PATH = re.compile(r"^(?:\.{1,2}/|/|~/)[\w./\-]+$")
_SCALAR = re.compile(
    r"^(?:true|false|yes|no|on|off|null|none|-?\d+(?:\.\d+)?|v?\d+(?:\.\d+)+)$", re.I
)
# a dotted setting name (`tracking.auth.enabled`) held by a variable named like a secret
_SETTING_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# words that make a key name a credential's name (``automountServiceAccountToken`` is,
# ``tokenizer`` is not)
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "key",
        "keys",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "auth",
        "private",
        "sas",
        "conn",
        "connection",
        "dsn",
        "uri",
        "url",
        "signature",
        "salt",
        "cert",
    }
)


# words that make the key describe a secret rather than hold it (``secret_name``,
# ``API_KEY_NAME``, ``secret_file_path_in_volume``, ``token_type``)
METADATA_WORDS = frozenset(
    {
        "page",  # a pagination cursor (next_page_token), not a credential
        "name",
        "names",
        "path",
        "file",
        "dir",
        "arn",
        "ref",
        "type",
        "mount",
        "volume",
        "length",
        "count",
        "version",
        "header",
        "field",
        "prefix",
        "env",
        "var",
    }
)


def is_prose(value: str, key: str | None = None) -> bool:
    """Whether ``value`` is natural-language text addressed to a reader (a message or a
    label), not a credential."""
    words = value.split()
    if len(words) < 3 or not all(_PROSE_WORD.match(w) for w in words):
        return False
    if key and _MESSAGE_KEY.search(key):
        return True
    if _SENTENCE.match(value):
        return True
    bare = {w.strip("\"'()\u2018\u2019\u201c\u201d.,;:!?").lower() for w in words}
    return bool(bare & MESSAGE_WORDS)


def key_is_secret_name(key: str | None) -> bool | None:
    """Whether one word of the key names a credential (and none says the key only
    describes one); None when no key was found."""
    if not key:
        return None
    words = {w.lower() for w in _WORD.findall(key)}
    return bool(words & SECRET_WORDS) and not words & METADATA_WORDS


def value_kind(value: str, key: str | None = None) -> str:
    """``reference`` | ``placeholder`` | ``default`` | ``hash`` | ``scalar`` | ``url`` |
    ``path`` | ``prose`` | ``literal``.

    A hex string of a digest's length is a ``hash`` (commit SHA, md5, image digest) unless
    its key names a credential (``WANDB_API_KEY=<40 hex>`` is a key, not a digest)."""
    v = value.strip().strip("\"'")
    if _HASH.match(v) and not key_is_secret_name(key):
        return "hash"
    if _SCALAR.match(v):
        return "scalar"
    if _PLAIN_URL.match(v) and not _URL_SECRET_QUERY.search(v):
        return "url"
    if _PATH.match(v):
        return "path"
    if _REFERENCE.search(v):
        return "reference"
    if _SETTING_NAME.match(v):
        return "scalar"
    if _AWS_NAME.match(v):
        return "path"
    if _PLACEHOLDER.search(v):
        return "placeholder"
    if v.lower() in DEFAULT_VALUES:
        return "default"
    if _SHORT_WORD.match(v):
        return "scalar"
    if is_prose(v, key):
        return "prose"
    return "literal"
