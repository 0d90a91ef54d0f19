"""Parsing of ``mlflow server`` / ``mlflow ui`` / ``mlflow models serve`` command lines.

Commands arrive as a token list (exec-form YAML/JSON lists) or as a shell string. Both
are reduced to one token list; a ``sh -c "..."`` wrapper is unwrapped. Flags accept the
``--flag value`` and ``--flag=value`` forms. Values that hold credentials are redacted
here, before anything else sees them.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

SUBCOMMANDS = {("server",): "server", ("ui",): "ui", ("models", "serve"): "models-serve"}
# Flags that take no value.
BOOLEAN_FLAGS = frozenset(
    {
        "--serve-artifacts",
        "--no-serve-artifacts",
        "--artifacts-only",
        "--disable-security-middleware",
        "--dev",
        "--enable-mlserver",
        "--no-conda",
        "--install-mlflow",
        "--expose-prometheus",
    }
)
SHORT_FLAGS = {"-h": "--host", "-p": "--port", "-w": "--workers", "-m": "--model-uri"}
_ENV_REF = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+][^}]*)?\}?$")
_SECRETISH = re.compile(r"(password|passwd|secret|token|api[_-]?key|credential)", re.I)


@dataclass(frozen=True, kw_only=True)
class Invocation:
    kind: str  # server | ui | models-serve
    tokens: tuple[str, ...]  # the mlflow tokens, starting with "mlflow"
    flags: tuple[tuple[str, str | None], ...]  # (flag, value) in order


def split_shell(command: str) -> list[str]:
    """shlex split, tolerant of unbalanced quotes (falls back to whitespace)."""
    command = command.replace("\\\n", " ")
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def find_invocations(tokens: list[str]) -> list[Invocation]:
    """Every mlflow invocation in a token list, including inside ``sh -c`` strings and
    after shell separators (``&&``, ``;``) or ``exec``."""
    out: list[Invocation] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        base = tok.rsplit("/", 1)[-1]
        if (
            base in ("sh", "bash", "ash", "dash", "zsh")
            and i + 2 < len(tokens)
            and tokens[i + 1] in ("-c", "-lc", "-ec", "-xc")
        ):
            out.extend(find_invocations(split_shell(tokens[i + 2])))
            i += 3
            continue
        if base == "mlflow" or (
            base in ("python", "python3") and tokens[i + 1 : i + 3] == ["-m", "mlflow"]
        ):
            start = i + (3 if base != "mlflow" else 1)
            for sub, kind in SUBCOMMANDS.items():
                if tuple(tokens[start : start + len(sub)]) == sub:
                    end = start + len(sub)
                    while end < len(tokens) and tokens[end] not in ("&&", "||", ";", "|", "&"):
                        end += 1
                    rest = tokens[start + len(sub) : end]
                    out.append(
                        Invocation(
                            kind=kind,
                            tokens=tuple(["mlflow", *sub, *rest]),
                            flags=tuple(parse_flags(rest)),
                        )
                    )
                    i = end
                    break
            else:
                i += 1
            continue
        if " mlflow " in f" {tok} " and tok != tokens[0] and len(tokens) > 1 and " " in tok:
            out.extend(find_invocations(split_shell(tok)))
        i += 1
    return out


def parse_flags(args: list[str]) -> list[tuple[str, str | None]]:
    flags: list[tuple[str, str | None]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-"):
            if "=" in arg and arg.startswith("--"):
                name, value = arg.split("=", 1)
                flags.append((name, value))
            else:
                name = SHORT_FLAGS.get(arg, arg)
                if name in BOOLEAN_FLAGS or i + 1 >= len(args) or args[i + 1].startswith("--"):
                    flags.append((name, None))
                else:
                    flags.append((name, args[i + 1]))
                    i += 1
        i += 1
    return flags


def env_reference(value: str) -> str | None:
    """``$VAR`` / ``${VAR}`` / ``$(VAR)`` -> VAR."""
    m = _ENV_REF.match(value.strip())
    if m:
        return m.group(1)
    m = re.match(r"^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$", value.strip())
    return m.group(1) if m else None


def uri_has_password(uri: str) -> bool:
    """True when a URI embeds a literal password (``scheme://user:pw@host``) or a
    password query parameter. An environment reference is not a literal."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    if parts.password and not env_reference(parts.password):
        return True
    query = parts.query.lower()
    return any(f"{k}=" in query for k in ("password", "pwd", "secret", "token", "sas"))


def redact_uri(uri: str) -> str:
    """Replace the password (and secret query values) of a URI with ``***``."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "***"
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}"
    query = re.sub(r"(?i)((?:password|pwd|secret|token|sas)[^=&]*=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def looks_secret_name(name: str) -> bool:
    return bool(_SECRETISH.search(name))


_VERSION = re.compile(r"(?<![\d.])v?(\d+\.\d+(?:\.\d+)?)(?![\d.])")


def image_mlflow_version(image: str) -> str | None:
    """The MLflow version in an image reference such as ghcr.io/mlflow/mlflow:v2.9.2."""
    name, _, tag = image.partition("@")[0].rpartition(":")
    if not name or "/" in tag or "mlflow" not in name.lower():
        return None
    m = _VERSION.search(tag)
    return m.group(1) if m else None
