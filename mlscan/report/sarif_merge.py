"""Read mlscan SARIF logs back into findings, for the organisation-wide report.

Results are deduplicated by ``partialFingerprints["mlscan/v1"]`` within one repository
(the run's version-control URI, else its ``automationDetails.id``), so the same finding
reported twice for one repository counts once and equal findings of different
repositories stay apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast
from urllib.parse import unquote

from mlscan.models import (
    SEVERITIES,
    SEVERITY_RANK,
    Control,
    Finding,
    Location,
    Risk,
    Severity,
    Suppression,
)

FINGERPRINT_KEY = "mlscan/v1"
_LEVEL_SEVERITY = {"error": "high", "warning": "medium", "note": "low", "none": "low"}
_CWE = re.compile(r"(\d+)$")


class SarifError(ValueError):
    """A SARIF file that cannot be read; the message names the file."""


@dataclass(frozen=True, kw_only=True)
class MergedLogs:
    findings: tuple[tuple[str, Finding], ...]  # (repository, finding), deduplicated
    controls: tuple[Control, ...]
    repositories: tuple[str, ...]
    tool_versions: tuple[str, ...]
    policy_hashes: tuple[str, ...]
    duplicates_removed: int


def _d(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return str(_d(value).get("text") or "")


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _l(value) if isinstance(v, str | int))


def repository_of(run: Mapping[str, Any], fallback: str) -> str:
    for vcp in _l(run.get("versionControlProvenance")):
        uri = _d(vcp).get("repositoryUri")
        if isinstance(uri, str) and uri:
            return uri.rstrip("/")
    auto = _d(run.get("automationDetails")).get("id")
    if isinstance(auto, str) and auto.strip("/"):
        parts = [p for p in auto.split("/") if p]
        if parts and parts[0] == "mlscan":
            parts = parts[1:]
        if parts:
            return "/".join(parts)
    root = _d(_d(run.get("originalUriBaseIds")).get("SRCROOT")).get("uri")
    if isinstance(root, str) and root.strip("/"):
        return unquote(root.rstrip("/").rsplit("/", 1)[-1])
    return fallback


def _remediation(help_text: str) -> str:
    lines = help_text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Remediation:"):
            out = [line[len("Remediation:") :].strip()]
            for more in lines[i + 1 :]:
                if not more.strip():
                    break
                out.append(more.strip())
            return " ".join(x for x in out if x)
    return ""


def control_from_rule(rule: Mapping[str, Any]) -> Control:
    props = _d(rule.get("properties"))
    level = _d(rule.get("defaultConfiguration")).get("level")
    sev = props.get("severity")
    severity = sev if sev in SEVERITIES else _LEVEL_SEVERITY.get(str(level), "medium")
    cwe: list[int] = []
    for c in _strs(props.get("cwe")):
        m = _CWE.search(c)
        if m:
            cwe.append(int(m.group(1)))
    return Control(
        id=str(rule.get("id") or "?"),
        title=_text(rule.get("shortDescription")) or str(rule.get("id") or "?"),
        description=_text(rule.get("fullDescription")),
        severity=cast(Severity, severity),
        stride=_strs(props.get("stride")),
        linddun=_strs(props.get("linddun")),
        atlas=_strs(props.get("atlas")),
        owasp_ml=_strs(props.get("owasp-ml")),
        cwe=tuple(sorted(set(cwe))),
        remediation=_remediation(_text(rule.get("help"))),
        help_uri=str(rule.get("helpUri") or ""),
        builtin=False,
    )


def _location(result: Mapping[str, Any]) -> tuple[Location, str]:
    loc = _d(_l(result.get("locations"))[0]) if _l(result.get("locations")) else {}
    phys = _d(loc.get("physicalLocation"))
    uri = str(_d(phys.get("artifactLocation")).get("uri") or "")
    region = _d(phys.get("region"))

    def _int(key: str) -> int | None:
        v = region.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    logical = ""
    for ll in _l(loc.get("logicalLocations")):
        name = _d(ll).get("fullyQualifiedName")
        if isinstance(name, str):
            logical = name
            break
    return (
        Location(
            path=unquote(uri),
            start_line=_int("startLine"),
            start_col=_int("startColumn"),
            end_line=_int("endLine"),
            end_col=_int("endColumn"),
        ),
        logical,
    )


def _risk(props: Mapping[str, Any], severity: str) -> Risk:
    risk = _d(props.get("risk"))
    likelihood = SEVERITY_RANK.get(severity, 2)
    impact = str(risk.get("impact") or "medium")
    impact_score = risk.get("impactScore")
    if not isinstance(impact_score, int):
        impact_score = {"critical": 4, "high": 3, "medium": 2, "low": 1}.get(impact, 2)
    score = risk.get("score")
    return Risk(
        likelihood=int(risk.get("likelihood") or likelihood),
        impact=impact,
        impact_score=impact_score,
        score=score if isinstance(score, int) else likelihood * impact_score,
        asset_group=str(risk.get("assetGroup") or ""),
    )


def _suppression(result: Mapping[str, Any], props: Mapping[str, Any]) -> Suppression | None:
    for s in _l(result.get("suppressions")):
        s = _d(s)
        if s.get("status") in (None, "accepted"):
            kind: Literal["inSource", "external"] = (
                "inSource" if s.get("kind") == "inSource" else "external"
            )
            expires = _d(s.get("properties")).get("expires")
            return Suppression(
                kind=kind,
                justification=str(s.get("justification") or ""),
                expires=expires if isinstance(expires, str) else None,
            )
    expired = _d(props.get("suppression"))
    if expired.get("status") == "expired":
        return Suppression(
            kind="inSource" if expired.get("kind") == "inSource" else "external",
            justification=str(expired.get("justification") or ""),
            expires=str(expired.get("expires") or "") or None,
            expired=True,
        )
    return None


def finding_from_result(result: Mapping[str, Any], control: Control) -> Finding:
    props = _d(result.get("properties"))
    sev = props.get("severity")
    severity = sev if sev in SEVERITIES else control.severity
    location, logical = _location(result)
    fp = _d(result.get("partialFingerprints")).get(FINGERPRINT_KEY)
    return Finding(
        control=control,
        severity=cast(Severity, severity),
        message=_text(result.get("message")),
        location=location,
        asset=str(props.get("asset") or ""),
        fingerprint=fp if isinstance(fp, str) else "",
        suppression=_suppression(result, props),
        risk=_risk(props, str(severity)),
        logical_location=logical,
    )


def merge(logs: Sequence[tuple[str, str]]) -> MergedLogs:
    """Merge (name, SARIF text) pairs."""
    seen: dict[tuple[str, str], Finding] = {}
    order: list[tuple[str, Finding]] = []
    controls: dict[str, Control] = {}
    repos: list[str] = []
    versions: set[str] = set()
    hashes: set[str] = set()
    dupes = 0
    for name, text in logs:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SarifError(f"{name}: not valid JSON ({exc})") from exc
        runs = _l(_d(data).get("runs"))
        if not isinstance(data, Mapping) or "runs" not in data:
            raise SarifError(f"{name}: not a SARIF log (no 'runs')")
        for run in runs:
            run = _d(run)
            driver = _d(_d(run.get("tool")).get("driver"))
            version = driver.get("version")
            if isinstance(version, str):
                versions.add(version)
            policy_hash = _d(run.get("properties")).get("policyHash")
            if isinstance(policy_hash, str):
                hashes.add(policy_hash)
            repo = repository_of(run, name)
            if repo not in repos:
                repos.append(repo)
            rules = [control_from_rule(_d(r)) for r in _l(driver.get("rules"))]
            for c in rules:
                controls.setdefault(c.id, c)
            for result in _l(run.get("results")):
                result = _d(result)
                index = result.get("ruleIndex")
                rule_id = str(result.get("ruleId") or "")
                if isinstance(index, int) and 0 <= index < len(rules) and (
                    not rule_id or rules[index].id == rule_id
                ):
                    control = rules[index]
                else:
                    control = controls.get(rule_id) or control_from_rule({"id": rule_id})
                    controls.setdefault(control.id, control)
                finding = finding_from_result(result, control)
                key = finding.fingerprint or "\0".join(
                    (control.id, str(finding.location), finding.message)
                )
                if (repo, key) in seen:
                    dupes += 1
                    continue
                seen[(repo, key)] = finding
                order.append((repo, finding))
    return MergedLogs(
        findings=tuple(order),
        controls=tuple(controls[k] for k in sorted(controls)),
        repositories=tuple(repos),
        tool_versions=tuple(sorted(versions)),
        policy_hashes=tuple(sorted(hashes)),
        duplicates_removed=dupes,
    )
