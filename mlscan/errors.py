"""Errors that carry their own user-facing, one-line message.

The CLI prints ``str(error)`` and exits 2 for every ``MlscanError``; nothing else in
mlscan prints. Each message says what is wrong and how to fix it.
"""

from __future__ import annotations


class MlscanError(Exception):
    """Base class: a problem the user can fix (usage, configuration, policy, engine)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(MlscanError):
    """The configuration file is invalid."""

    def __init__(self, path: str, message: str, key: str | None = None) -> None:
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.key = key


class PolicyError(MlscanError):
    """A Rego policy could not be loaded: syntax error, bad metadata, duplicate id."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"policy {where}: {message}")
        self.path = path
        self.line = line


class EngineError(MlscanError):
    """The policy engine failed to evaluate (embedded engine or remote OPA server)."""


class UsageError(MlscanError):
    """The command line asks for something impossible."""


class WorkspaceError(MlscanError):
    """The scan root cannot be used (missing, not a directory)."""


class FileReadError(Exception):
    """A single file could not be read. Collectors turn this into a notification."""

    def __init__(self, path: str, reason: str, kind: str = "unreadable") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.kind = kind
