"""The control catalogue, read from the ``# METADATA`` block of each Rego control package.

A policy set is the built-in ``rego/`` tree plus any user folders. Every package under
``mlscan.controls.`` is a control and must carry a METADATA block with ``custom.id``,
``custom.severity`` and ``custom.stride``; anything missing, unknown or duplicated is a
``PolicyError`` naming the file and line. ``*_test.rego`` files are only loaded by
``mlscan policy test``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlscan.errors import PolicyError
from mlscan.models import LINDDUN_CATEGORIES, SEVERITIES, STRIDE_CATEGORIES, Control

CONTROL_PREFIX = "mlscan.controls."
HELP_BASE = "https://github.com/mlscan/mlscan/blob/main/docs/controls.md"
_PACKAGE = re.compile(r"^package\s+([A-Za-z_][A-Za-z0-9_.]*)\s*(?:#.*)?$", re.MULTILINE)
_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_ATLAS = re.compile(r"^AML\.[TM]\d{4}(\.\d{3})?$")
_OWASP = re.compile(r"^ML(0[1-9]|10)$")


def builtin_policy_dir() -> Path:
    """``rego/`` beside the package in a checkout, or ``mlscan/_rego`` in a wheel."""
    here = Path(__file__).resolve().parent
    bundled = here / "_rego"
    if bundled.is_dir():
        return bundled
    return here.parent / "rego"


@dataclass(frozen=True, kw_only=True)
class PolicyFile:
    path: Path
    shown: str  # path as shown to the user
    text: str
    package: str
    builtin: bool
    is_test: bool


@dataclass(frozen=True, kw_only=True)
class PolicySet:
    files: tuple[PolicyFile, ...]
    controls: tuple[Control, ...]

    @property
    def by_package(self) -> Mapping[str, Control]:
        return {c.package: c for c in self.controls}

    @property
    def by_id(self) -> Mapping[str, Control]:
        return {c.id: c for c in self.controls}

    def policy_hash(self) -> str:
        """A stable hash of the evaluated policy sources (shown in reports)."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: f.package + f.shown):
            if f.is_test:
                continue
            h.update(f.package.encode())
            h.update(b"\0")
            h.update(f.text.encode())
            h.update(b"\0")
        return h.hexdigest()[:16]


def _iter_rego(directory: Path) -> Iterable[Path]:
    return sorted(p for p in directory.rglob("*.rego") if p.is_file())


def load_policy_set(
    user_dirs: Iterable[str | Path] = (), include_tests: bool = False, include_builtin: bool = True
) -> PolicySet:
    files: list[PolicyFile] = []
    sources: list[tuple[Path, bool]] = []
    if include_builtin:
        sources.append((builtin_policy_dir(), True))
    for d in user_dirs:
        p = Path(d)
        if not p.is_dir():
            raise PolicyError(
                str(d), "policy folder not found; check --policy / 'policies' in config"
            )
        sources.append((p, False))
    for base, builtin in sources:
        for path in _iter_rego(base):
            shown = f"rego/{path.relative_to(base).as_posix()}" if builtin else path.as_posix()
            is_test = path.name.endswith("_test.rego")
            if is_test and not include_tests:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise PolicyError(shown, f"cannot be read ({exc})") from exc
            m = _PACKAGE.search(text)
            if not m:
                raise PolicyError(shown, "no 'package' declaration")
            files.append(
                PolicyFile(
                    path=path,
                    shown=shown,
                    text=text,
                    package=m.group(1),
                    builtin=builtin,
                    is_test=is_test,
                )
            )
    controls: dict[str, Control] = {}
    packages: dict[str, str] = {}
    for f in files:
        if f.is_test or not f.package.startswith(CONTROL_PREFIX):
            continue
        if f.package in packages:
            raise PolicyError(
                f.shown, f"package {f.package} is already defined in {packages[f.package]}"
            )
        packages[f.package] = f.shown
        control = parse_control(f)
        if control.id in controls:
            other = controls[control.id]
            raise PolicyError(
                f.shown,
                f"control id {control.id} is already used by {other.source}",
                _meta_line(f.text, "id"),
            )
        controls[control.id] = control
    return PolicySet(
        files=tuple(files), controls=tuple(sorted(controls.values(), key=lambda c: c.id))
    )


def _meta_line(text: str, key: str, default: int | None = None) -> int | None:
    """The line of ``# key:`` in the METADATA block (the first such comment line)."""
    pattern = re.compile(rf"^#\s*{re.escape(key)}\s*:")
    in_block = False
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "# METADATA":
            in_block = True
        elif in_block and not line.startswith("#"):
            in_block = False
        elif in_block and pattern.match(line):
            return i
    return default


def metadata_block(text: str) -> tuple[dict[str, Any], int] | None:
    """The package-scoped ``# METADATA`` YAML and the line where it starts."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "# METADATA":
            body: list[str] = []
            j = i + 1
            while j < len(lines) and lines[j].startswith("#"):
                body.append(lines[j][2:] if lines[j].startswith("# ") else lines[j][1:])
                j += 1
            # only a block directly above the package declaration is package-scoped
            if j < len(lines) and lines[j].startswith("package "):
                try:
                    data = yaml.safe_load("\n".join(body)) or {}
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    line_no = i + 2 + (mark.line if mark is not None else 0)
                    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                    raise PolicyError(
                        "", f"METADATA is not valid YAML: {problem}", line_no
                    ) from exc
                except (ValueError, TypeError) as exc:  # e.g. an impossible date
                    raise PolicyError("", f"METADATA has a bad value: {exc}", i + 1) from exc
                if not isinstance(data, dict):
                    raise PolicyError("", "METADATA must be a mapping", i + 1)
                return data, i + 1
    return None


def _tuple(value: Any, shown: str, key: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        value = [value]
    if not isinstance(value, list):
        raise PolicyError(shown, f"METADATA custom.{key} must be a list", line)
    return tuple(str(v) for v in value)


def parse_control(f: PolicyFile) -> Control:
    try:
        found = metadata_block(f.text)
    except PolicyError as exc:
        raise PolicyError(f.shown, exc.message.split(": ", 1)[-1], exc.line) from exc
    if found is None:
        raise PolicyError(
            f.shown, "control package has no '# METADATA' block directly above 'package'", 1
        )
    meta, line = found
    custom = meta.get("custom")
    if not isinstance(custom, dict):
        raise PolicyError(
            f.shown, "METADATA needs a 'custom' mapping with id, severity, stride", line
        )
    cid = custom.get("id")
    if not isinstance(cid, str) or not _ID.match(cid):
        raise PolicyError(
            f.shown,
            f"METADATA custom.id missing or malformed (got {cid!r}); e.g. MLS-DVC-004",
            line,
        )
    severity = custom.get("severity")
    if severity not in SEVERITIES:
        raise PolicyError(
            f.shown,
            f"METADATA custom.severity must be one of {', '.join(SEVERITIES)} (got {severity!r})",
            line,
        )
    stride = _tuple(custom.get("stride"), f.shown, "stride", line)
    if not stride and not custom.get("linddun"):
        raise PolicyError(
            f.shown, "METADATA custom.stride must list at least one STRIDE category", line
        )
    for cat in stride:
        if cat not in STRIDE_CATEGORIES:
            raise PolicyError(
                f.shown,
                f"unknown STRIDE category {cat!r}; use {', '.join(STRIDE_CATEGORIES)}",
                line,
            )
    linddun = _tuple(custom.get("linddun"), f.shown, "linddun", line)
    for cat in linddun:
        if cat not in LINDDUN_CATEGORIES:
            raise PolicyError(
                f.shown,
                f"unknown LINDDUN category {cat!r}; use {', '.join(LINDDUN_CATEGORIES)}",
                line,
            )
    atlas = _tuple(custom.get("atlas"), f.shown, "atlas", line)
    for a in atlas:
        if not _ATLAS.match(a):
            raise PolicyError(
                f.shown, f"ATLAS id {a!r} is not of the form AML.T0000 or AML.M0000", line
            )
    owasp = _tuple(custom.get("owasp_ml"), f.shown, "owasp_ml", line)
    for o in owasp:
        if not _OWASP.match(o):
            raise PolicyError(f.shown, f"OWASP ML Top 10 id {o!r} must be ML01..ML10", line)
    cwe: list[int] = []
    for c in _tuple(custom.get("cwe"), f.shown, "cwe", line):
        digits = c.upper().removeprefix("CWE-")
        if not digits.isdigit():
            raise PolicyError(f.shown, f"CWE {c!r} must be a number", line)
        cwe.append(int(digits))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PolicyError(f.shown, "METADATA needs a 'title'", line)
    description = meta.get("description") or title
    precision = custom.get("precision", "high")
    if precision not in ("very-high", "high", "medium", "low"):
        raise PolicyError(
            f.shown, "METADATA custom.precision must be very-high, high, medium or low", line
        )
    anchor = cid.lower()
    help_uri = str(custom.get("help_uri") or (f"{HELP_BASE}#{anchor}" if f.builtin else ""))
    refs = _tuple(custom.get("references"), f.shown, "references", line)
    rel_refs = meta.get("related_resources")
    if isinstance(rel_refs, list):
        refs = refs + tuple(
            str(r.get("ref")) for r in rel_refs if isinstance(r, dict) and r.get("ref")
        )
    return Control(
        id=cid,
        title=title.strip(),
        description=str(description).strip(),
        severity=severity,
        stride=stride,
        linddun=linddun,
        atlas=atlas,
        owasp_ml=owasp,
        cwe=tuple(cwe),
        references=refs,
        remediation=str(custom.get("remediation", "")).strip(),
        help_uri=help_uri,
        precision=str(precision),
        package=f.package,
        source=f.shown,
        builtin=f.builtin,
    )
