"""Configuration: ``.mlscan.yaml`` / ``.mlscan.yml`` at the scan root, or ``[tool.mlscan]``
in ``pyproject.toml``. One frozen dataclass; validation with messages that name the file,
the key and what was expected. Unknown keys are rejected.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlscan.errors import ConfigError
from mlscan.models import SEVERITIES

CONFIG_NAMES = (".mlscan.yaml", ".mlscan.yml")
FAIL_ON_VALUES = (*SEVERITIES, "never")
IMPACT_TIERS = ("critical", "high", "medium", "low")
_CONTROL_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


@dataclass(frozen=True, kw_only=True)
class IgnoreRule:
    control: str
    path: str
    reason: str
    expires: str | None = None


@dataclass(frozen=True, kw_only=True)
class TrustedIdentity:
    identity: str
    issuer: str


@dataclass(frozen=True, kw_only=True)
class SigningConfig:
    trusted_keys: tuple[str, ...] = ()
    trusted_certificates: tuple[str, ...] = ()
    trusted_identities: tuple[TrustedIdentity, ...] = ()
    trust_root: str | None = None
    required: tuple[str, ...] = ()
    signatures: Mapping[str, str] = field(default_factory=dict)  # model path -> signature path


@dataclass(frozen=True, kw_only=True)
class AssetRule:
    name: str
    match: tuple[str, ...]
    impact: str


@dataclass(frozen=True, kw_only=True)
class Limits:
    max_file_size: int = 256 * 1024 * 1024
    max_files: int = 200_000
    max_yaml_aliases: int = 1_000
    max_nesting_depth: int = 200
    max_zip_members: int = 10_000
    max_zip_ratio: int = 200
    model_analysis_timeout: float = 30.0
    # per-format size limits, checked before a file is parsed (and before checkov sees it);
    # sized for real files and for the parsers' speed (about 10-20 s per MiB of YAML or HCL)
    max_yaml_size: int = 1024 * 1024
    max_json_size: int = 2 * 1024 * 1024
    max_ini_size: int = 1024 * 1024
    max_hcl_size: int = 512 * 1024
    max_python_size: int = 2 * 1024 * 1024
    # checkov runs in a forked worker: per framework (and again per file after a failure)
    checkov_timeout: float = 120.0
    checkov_max_memory: int = 1024 * 1024 * 1024  # address-space growth of the worker
    # all files downloaded from a live MLflow registry in one scan (--mlflow-download-artifacts)
    max_registry_download: int = 4 * 1024 * 1024 * 1024
    # a live MLflow registry (--mlflow-uri): see docs/security.md "Limits on servers and policies"
    mlflow_request_deadline: float = 60.0  # seconds for one whole request, body included
    mlflow_max_requests: int = 10_000  # requests per scan
    mlflow_scan_deadline: float = 1200.0  # seconds for every request of a scan together
    mlflow_max_pages: int = 100  # pages per listing
    mlflow_max_entries: int = 100_000  # entries per listing / files per model version
    mlflow_max_walk_depth: int = 8  # artifact directory levels per model version
    mlflow_max_walk_dirs: int = 1_000  # artifact directories listed per model version
    # a remote OPA server (--opa-url)
    opa_request_deadline: float = 60.0  # seconds for one whole request, body included
    opa_max_response: int = 64 * 1024 * 1024  # bytes of one answer
    # every policy evaluation (embedded engine)
    policy_timeout: float = 60.0  # seconds
    policy_memory: int = 4 * 1024 * 1024 * 1024  # bytes of address space for the evaluation


#: Limits on hostile servers and policies that a configuration found in the scanned tree
#: may lower but not raise (the tree may be an untrusted pull request; see
#: docs/security.md). A --config file given by CI may set any value.
CEILED_LIMITS = (
    "mlflow_request_deadline",
    "mlflow_max_requests",
    "mlflow_scan_deadline",
    "mlflow_max_pages",
    "mlflow_max_entries",
    "mlflow_max_walk_depth",
    "mlflow_max_walk_dirs",
    "opa_request_deadline",
    "opa_max_response",
    "policy_timeout",
    "policy_memory",
)


def ceil_untrusted(limits: Limits) -> Limits:
    """``limits`` with every ``CEILED_LIMITS`` value at most its default."""
    defaults = Limits()
    changed = {
        name: getattr(defaults, name)
        for name in CEILED_LIMITS
        if getattr(limits, name) > getattr(defaults, name)
    }
    return dataclasses.replace(limits, **changed) if changed else limits


@dataclass(frozen=True, kw_only=True)
class IacConfig:
    include_all_checkov: bool = False


@dataclass(frozen=True, kw_only=True)
class Config:
    path: str | None = None
    fail_on: str = "medium"
    exclude: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    ignore: tuple[IgnoreRule, ...] = ()
    signing: SigningConfig = field(default_factory=SigningConfig)
    assets: tuple[AssetRule, ...] = ()
    limits: Limits = field(default_factory=Limits)
    iac: IacConfig = field(default_factory=IacConfig)


# --------------------------------------------------------------------- loading
class _ConfigLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so a bad date is reported at its key."""


_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def find_config(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            text = pyproject.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            if re.search(r"^\s*\[\s*tool\s*\.\s*mlscan\b", text, re.MULTILINE):
                # the user configured mlscan there: never scan with silently dropped settings
                raise ConfigError(
                    str(pyproject), f"invalid TOML, so [tool.mlscan] cannot be read: {exc}"
                ) from exc
            return None
        if isinstance(data.get("tool"), dict) and "mlscan" in data["tool"]:
            return pyproject
    return None


def load_config(path: Path | None, root: Path | None = None) -> Config:
    """Load ``path`` (or discover one under ``root``); defaults when there is none."""
    if path is None and root is not None:
        path = find_config(root)
    if path is None:
        return Config()
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(shown, "file not found; check the --config path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, f"cannot be read ({exc})") from exc
    if path.name == "pyproject.toml":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(shown, f"invalid TOML: {exc}") from exc
        tool = doc.get("tool", {})
        raw = tool.get("mlscan", {}) if isinstance(tool, dict) else {}
    else:
        try:
            # mlscan:ignore[MLS-SRV-005] reason="_ConfigLoader is a yaml.SafeLoader subclass"
            raw = yaml.load(text, Loader=_ConfigLoader)  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(shown, f"invalid YAML{where}; fix the syntax") from exc
        except RecursionError as exc:
            raise ConfigError(shown, "invalid YAML: nesting too deep; simplify the file") from exc
        except (ValueError, TypeError, OverflowError) as exc:
            raise ConfigError(shown, f"invalid YAML value ({exc}); fix the value") from exc
        if raw is None:
            raw = {}
    return parse_config(raw, shown)


def parse_config(raw: Any, shown: str = "<config>") -> Config:
    v = _Validator(shown)
    top = v.mapping(raw, "")
    v.only_keys(
        top,
        "",
        (
            "fail_on",
            "exclude",
            "policies",
            "disable",
            "severity",
            "ignore",
            "signing",
            "assets",
            "limits",
            "iac",
        ),
    )
    fail_on = v.choice(top.get("fail_on", "medium"), "fail_on", FAIL_ON_VALUES)
    severity_raw = v.mapping(top.get("severity", {}), "severity")
    severity: dict[str, str] = {}
    for cid, sev in severity_raw.items():
        severity[v.control_id(cid, "severity")] = v.choice(sev, f"severity.{cid}", SEVERITIES)
    ignore: list[IgnoreRule] = []
    for i, item in enumerate(v.seq(top.get("ignore", []), "ignore")):
        key = f"ignore[{i}]"
        m = v.mapping(item, key)
        v.only_keys(m, key, ("control", "path", "reason", "expires"))
        reason = v.string(m.get("reason"), f"{key}.reason", required=True)
        if not reason.strip():
            raise ConfigError(shown, "a reason is required for every ignore entry", f"{key}.reason")
        ignore.append(
            IgnoreRule(
                control=v.control_id(m.get("control"), f"{key}.control"),
                path=v.string(m.get("path"), f"{key}.path", required=True),
                reason=reason,
                expires=v.date(m.get("expires"), f"{key}.expires"),
            )
        )
    signing = _signing(v, top.get("signing", {}))
    assets: list[AssetRule] = []
    for i, item in enumerate(v.seq(top.get("assets", []), "assets")):
        key = f"assets[{i}]"
        m = v.mapping(item, key)
        v.only_keys(m, key, ("name", "match", "impact"))
        assets.append(
            AssetRule(
                name=v.string(m.get("name"), f"{key}.name", required=True),
                match=v.strings(m.get("match", []), f"{key}.match"),
                impact=v.choice(m.get("impact", "medium"), f"{key}.impact", IMPACT_TIERS),
            )
        )
    limits_raw = v.mapping(top.get("limits", {}), "limits")
    defaults = Limits()
    limit_keys = tuple(Limits.__dataclass_fields__)
    v.only_keys(limits_raw, "limits", limit_keys)
    limits_kwargs: dict[str, Any] = {}
    for k, val in limits_raw.items():
        expected = type(getattr(defaults, k))
        limits_kwargs[k] = v.number(val, f"limits.{k}", as_float=expected is float)
    iac_raw = v.mapping(top.get("iac", {}), "iac")
    v.only_keys(iac_raw, "iac", ("include_all_checkov",))
    return Config(
        path=shown,
        fail_on=fail_on,
        exclude=v.strings(top.get("exclude", []), "exclude"),
        policies=v.strings(top.get("policies", []), "policies"),
        disable=tuple(v.control_id(c, "disable") for c in v.seq(top.get("disable", []), "disable")),
        severity=severity,
        ignore=tuple(ignore),
        signing=signing,
        assets=tuple(assets),
        limits=Limits(**limits_kwargs),
        iac=IacConfig(
            include_all_checkov=v.boolean(
                iac_raw.get("include_all_checkov", False), "iac.include_all_checkov"
            )
        ),
    )


def _signing(v: _Validator, raw: Any) -> SigningConfig:
    m = v.mapping(raw if raw is not None else {}, "signing")
    v.only_keys(
        m,
        "signing",
        (
            "trusted_keys",
            "trusted_certificates",
            "trusted_identities",
            "trust_root",
            "required",
            "signatures",
        ),
    )
    identities: list[TrustedIdentity] = []
    for i, item in enumerate(v.seq(m.get("trusted_identities", []), "signing.trusted_identities")):
        key = f"signing.trusted_identities[{i}]"
        im = v.mapping(item, key)
        v.only_keys(im, key, ("identity", "issuer"))
        identities.append(
            TrustedIdentity(
                identity=v.string(im.get("identity"), f"{key}.identity", required=True),
                issuer=v.string(im.get("issuer"), f"{key}.issuer", required=True),
            )
        )
    sigs = v.mapping(m.get("signatures", {}), "signing.signatures")
    trust_root = m.get("trust_root")
    return SigningConfig(
        trusted_keys=v.strings(m.get("trusted_keys", []), "signing.trusted_keys"),
        trusted_certificates=v.strings(
            m.get("trusted_certificates", []), "signing.trusted_certificates"
        ),
        trusted_identities=tuple(identities),
        trust_root=None if trust_root is None else v.string(trust_root, "signing.trust_root"),
        required=v.strings(m.get("required", []), "signing.required"),
        signatures={
            v.string(k, "signing.signatures"): v.string(val, f"signing.signatures.{k}")
            for k, val in sigs.items()
        },
    )


class _Validator:
    def __init__(self, shown: str) -> None:
        self.shown = shown

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.shown, message, key or None)

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {type(value).__name__}")
        return {str(k): val for k, val in value.items()}

    def seq(self, value: Any, key: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {type(value).__name__}")
        return value

    def string(self, value: Any, key: str, required: bool = False) -> str:
        if value is None and required:
            raise self.fail(key, "is required; expected a string")
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {type(value).__name__}")
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        return tuple(self.string(item, key) for item in self.seq(value, key))

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def number(self, value: Any, key: str, as_float: bool = False) -> Any:
        allowed = (int, float) if as_float else (int,)
        if (
            isinstance(value, bool)
            or not isinstance(value, allowed)
            or not math.isfinite(value)
            or value <= 0
        ):
            kind = "a positive number" if as_float else "a positive whole number"
            raise self.fail(key, f"expected {kind}, got {value!r}")
        return float(value) if as_float else int(value)

    def choice(self, value: Any, key: str, allowed: tuple[str, ...]) -> Any:
        if value not in allowed:
            raise self.fail(key, f"expected one of {', '.join(allowed)}; got {value!r}")
        return value

    def control_id(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _CONTROL_ID.match(value):
            raise self.fail(key, f"expected a control id such as MLS-DVC-004, got {value!r}")
        return value

    def date(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, _dt.datetime):  # `2027-01-31 12:00` parses as a datetime
            return value.date().isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
            try:  # a timestamp: keep its date
                stamp = value.strip().replace("Z", "+00:00")
                return _dt.datetime.fromisoformat(stamp).date().isoformat()
            except ValueError:
                pass
        raise self.fail(key, f"expected a date YYYY-MM-DD, got {value!r}")

    def only_keys(self, m: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        for k in m:
            if k not in allowed:
                where = f"{key}.{k}" if key else k
                raise self.fail(where, f"unknown key; expected one of: {', '.join(allowed)}")
