"""SARIF 2.1.0 reporter, shaped for GitHub code scanning.

The log is built from ``sarif_om`` objects and serialised by :func:`to_json_obj`, which
maps attribute names to SARIF property names and drops unset values. The output is
byte-identical for the same input: keys are sorted, results follow
``Finding.sort_key()``, and nothing time- or machine-dependent is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

import sarif_om as om

from mlscan.models import (
    SEVERITY_RANK,
    Control,
    Finding,
    Location,
    Notification,
    ScanResult,
)
from mlscan.reporters._common import (
    INFORMATION_URI,
    SARIF_LEVEL,
    SECURITY_SEVERITY,
    TOOL_NAME,
    catalogue,
    expired_note,
    sorted_findings,
    sorted_notifications,
    stride_sorted,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "mlscan/v1"

#: GitHub code scanning limits (results per run, locations per result).
MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000
#: GitHub rejects a rule with more than 20 tags and shows only the first 10.
MAX_TAGS = 20

ATLAS_URI = "https://atlas.mitre.org/{kind}/{id}"
OWASP_ML_URI = "https://owasp.org/www-project-machine-learning-security-top-10/"
CWE_URI = "https://cwe.mitre.org/data/definitions/{n}.html"

_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")
_NOTIFICATION_LEVELS = frozenset({"error", "warning", "note", "none"})

# sarif-om 1.0.4 was generated from a SARIF draft and names suppression.status "state";
# the 2.1.0 schema calls it "status".
_RENAMED: Mapping[tuple[type, str], str] = {(om.Suppression, "state"): "status"}
# Written even when equal to the attrs default: a missing result ``level`` would make
# consumers fall back to the rule's default level, which may differ.
_ALWAYS_WRITTEN = frozenset({"level"})


# --------------------------------------------------------------------------- converter


_NO_DEFAULT = object()


def _default_of(field: Any) -> Any:
    """An attrs field's default value (calling its factory if it has one)."""
    default = field.default
    factory = getattr(default, "factory", None)
    if callable(factory):
        return _NO_DEFAULT if getattr(default, "takes_self", False) else factory()
    return default


_Plan = tuple[tuple[str, str, Any], ...]
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type, fields: Any) -> _Plan:
    """(attribute, SARIF property name, default or _NO_DEFAULT) for each field of an
    attrs class, computed once per class."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = tuple(
            (
                field.name,
                _RENAMED.get((cls, field.name), field.metadata["schema_property_name"]),
                _NO_DEFAULT
                if field.metadata["schema_property_name"] in _ALWAYS_WRITTEN
                else _default_of(field),
            )
            for field in fields
        )
        _PLANS[cls] = plan
    return plan


def to_json_obj(obj: Any) -> Any:
    """Convert a tree of ``sarif_om`` objects, dicts, lists and scalars to plain JSON
    values: SARIF property names, no ``None`` values, no attributes left at their
    schema default (except ``level``)."""
    if obj is None or isinstance(obj, str | bool | int | float):
        return obj
    cls = type(obj)
    fields = getattr(cls, "__attrs_attrs__", None)
    if fields is not None:
        out: dict[str, Any] = {}
        for attr_name, name, default in _plan(cls, fields):
            value = getattr(obj, attr_name)
            if value is None or (type(value) is type(default) and value == default):
                continue
            out[name] = to_json_obj(value)
        return out
    if isinstance(obj, Mapping):
        return {str(k): to_json_obj(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list | tuple):
        return [to_json_obj(v) for v in obj]
    raise TypeError(f"cannot serialise {cls.__name__} to SARIF")


# --------------------------------------------------------------------------- locations


def artifact_uri(path: str) -> str:
    """A repo-relative POSIX path as a relative URI reference: forward slashes, unsafe
    characters (space, ``#``, ``%``, ``?``, ``:``, non-ASCII...) percent-encoded."""
    posix = path
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix.encode("utf-8", "surrogateescape"), safe="/")


def repository_root(root: str, uri_prefix: str) -> str:
    """The work tree's top-level directory: the scan root without its ``uri_prefix``."""
    depth = len([p for p in uri_prefix.split("/") if p])
    if not depth:
        return root
    pure = PureWindowsPath(root) if _WINDOWS_ABS.match(root) else PurePosixPath(root)
    parents = pure.parents
    return str(parents[depth - 1].as_posix()) if depth <= len(parents) else root


def root_uri(root: str) -> str | None:
    """``file:///abs/root/`` for an absolute scan root, else None."""
    if root.startswith("/"):
        uri = PurePosixPath(root).as_uri()
    elif _WINDOWS_ABS.match(root):
        uri = PureWindowsPath(root).as_uri()
    else:
        return None
    return uri if uri.endswith("/") else uri + "/"


def _positive(value: int | None) -> int | None:
    return value if isinstance(value, int) and value >= 1 else None


def region(loc: Location) -> om.Region:
    """The region for a location. GitHub requires ``startLine``, so a file-level
    location points at line 1."""
    start_line = _positive(loc.start_line)
    if start_line is None:
        return om.Region(start_line=1)
    start_col = _positive(loc.start_col)
    end_line = _positive(loc.end_line)
    end_col = _positive(loc.end_col)
    if end_line is not None and end_line < start_line:
        end_line, end_col = None, None
    if (
        end_col is not None
        and start_col is not None
        and (end_line is None or end_line == start_line)
        and end_col < start_col
    ):
        end_col = None
    return om.Region(
        start_line=start_line,
        start_column=start_col,
        end_line=end_line,
        end_column=end_col,
    )


def physical_location(loc: Location, prefix: str = "") -> om.PhysicalLocation:
    """``prefix`` is the scan root's path inside the repository (``ScanResult.uri_prefix``):
    code scanning resolves ``%SRCROOT%`` to the repository root."""
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(
            uri=artifact_uri(prefix + loc.path), uri_base_id=SRCROOT
        ),
        region=region(loc),
    )


def _location(loc: Location, prefix: str = "") -> om.Location:
    return om.Location(physical_location=physical_location(loc, prefix))


# --------------------------------------------------------------------------- rules


def rule_tags(control: Control) -> list[str]:
    """``security`` first, then STRIDE, LINDDUN, ATLAS, OWASP ML and CWE tags. GitHub keeps
    only the first ten tags, so the order puts the threat model first."""
    tags = ["security"]
    tags += [f"stride:{c}" for c in stride_sorted(control.stride)]
    tags += [f"linddun:{c}" for c in sorted(set(control.linddun))]
    tags += [f"atlas:{a}" for a in sorted(set(control.atlas))]
    tags += [f"owasp-ml:{o}" for o in sorted(set(control.owasp_ml))]
    tags += [f"external/cwe/cwe-{n}" for n in sorted(set(control.cwe))]
    unique: list[str] = []
    for tag in tags:
        if tag not in unique:
            unique.append(tag)
    return unique[:MAX_TAGS]


def _atlas_uri(ident: str) -> str:
    kind = "mitigations" if ident.startswith("AML.M") else "techniques"
    return ATLAS_URI.format(kind=kind, id=ident)


def _reference_lines(control: Control) -> list[tuple[str, str]]:
    """(label, uri) pairs for the help text."""
    refs: list[tuple[str, str]] = []
    refs += [(f"MITRE ATLAS {a}", _atlas_uri(a)) for a in sorted(set(control.atlas))]
    refs += [(f"OWASP ML Top 10 {o}", OWASP_ML_URI) for o in sorted(set(control.owasp_ml))]
    refs += [(f"CWE-{n}", CWE_URI.format(n=n)) for n in sorted(set(control.cwe))]
    refs += [(r, r) for r in control.references]
    return refs


def rule_help(control: Control) -> om.MultiformatMessageString:
    description = control.description or control.title
    refs = _reference_lines(control)
    text = [description]
    markdown = [description]
    if control.remediation:
        text += ["", f"Remediation: {control.remediation}"]
        markdown += ["", f"**Remediation:** {control.remediation}"]
    if refs:
        text += ["", "References:"] + [
            f"- {label}" if label == uri else f"- {label}: {uri}" for label, uri in refs
        ]
        markdown += ["", "**References:**", ""] + [
            f"- <{uri}>" if label == uri else f"- [{label}]({uri})" for label, uri in refs
        ]
    return om.MultiformatMessageString(text="\n".join(text), markdown="\n".join(markdown))


def rule(control: Control) -> om.ReportingDescriptor:
    properties: dict[str, Any] = {
        "tags": rule_tags(control),
        "precision": control.precision,
        "security-severity": SECURITY_SEVERITY.get(control.severity),
        "severity": control.severity,
        "stride": stride_sorted(control.stride),
        "linddun": sorted(set(control.linddun)),
        "atlas": sorted(set(control.atlas)),
        "owasp-ml": sorted(set(control.owasp_ml)),
        "cwe": [f"CWE-{n}" for n in sorted(set(control.cwe))],
    }
    return om.ReportingDescriptor(
        id=control.id,
        name=control.name or None,
        short_description=om.MultiformatMessageString(text=control.title),
        full_description=om.MultiformatMessageString(text=control.description or control.title),
        help=rule_help(control),
        help_uri=control.help_uri or None,
        default_configuration=om.ReportingConfiguration(
            level=SARIF_LEVEL.get(control.severity, "warning")
        ),
        properties={k: v for k, v in properties.items() if v not in (None, [])},
    )


# --------------------------------------------------------------------------- results


def _suppression(finding: Finding, prefix: str = "") -> list[om.Suppression] | None:
    sup = finding.suppression
    if sup is None or sup.expired:
        return None
    return [
        om.Suppression(
            kind=sup.kind,
            state="accepted",
            justification=sup.justification or None,
            location=None if sup.location is None else _location(sup.location, prefix),
            properties={"expires": sup.expires} if sup.expires else None,
        )
    ]


def _result_properties(finding: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {
        "severity": finding.severity,
        "security-severity": SECURITY_SEVERITY.get(finding.severity),
        "stride": stride_sorted(finding.control.stride),
    }
    if finding.asset:
        props["asset"] = finding.asset
    risk = finding.risk
    if risk is not None:
        props["risk"] = {
            "score": risk.score,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "impactScore": risk.impact_score,
            "assetGroup": risk.asset_group or None,
        }
    sup = finding.suppression
    if sup is not None and sup.expired:
        props["suppression"] = {
            "status": "expired",
            "kind": sup.kind,
            "justification": sup.justification,
            "expires": sup.expires,
        }
    return {k: v for k, v in props.items() if v is not None}


def anchor(finding: Finding) -> Location | None:
    """Where the result points. GitHub rejects a whole upload when one result lacks a
    physical location, so a finding without a file is anchored at its logical location
    (e.g. ``models:/credit/3``, as a relative URI) or else at its first related file."""
    if finding.location.path:
        return finding.location
    if finding.logical_location:
        return Location(path=finding.logical_location)
    for related in finding.related:
        if related.path:
            return related
    return None


def sarif_result(
    finding: Finding, rule_index: int, max_locations: int, prefix: str = ""
) -> tuple[om.Result | None, int]:
    """The SARIF result for a finding (None when it has no location at all) and how
    many related locations were dropped."""
    where = anchor(finding)
    if where is None:
        return None, 0
    text = finding.message
    note = expired_note(finding)
    if note:
        text = f"{text} ({note})"
    location = om.Location(
        physical_location=physical_location(
            where, "" if where.path == finding.logical_location else prefix
        ),
        logical_locations=[
            om.LogicalLocation(fully_qualified_name=finding.logical_location, kind="resource")
        ]
        if finding.logical_location
        else None,
    )
    related = [r for r in finding.related if r.path]
    dropped = max(0, len(related) - max_locations)
    related = related[:max_locations]
    result = om.Result(
        message=om.Message(text=text),
        rule_id=finding.control.id,
        rule_index=rule_index,
        level=SARIF_LEVEL.get(finding.severity, "warning"),
        locations=[location],
        related_locations=[_location(r, prefix) for r in related] or None,
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint}
        if finding.fingerprint
        else None,
        suppressions=_suppression(finding, prefix),
        baseline_state=finding.baseline_state,
        properties=_result_properties(finding),
    )
    return result, dropped


def _select(findings: list[Finding], max_results: int) -> list[Finding]:
    """At most ``max_results`` findings, keeping the most severe active ones first; the
    selection is returned in sort-key order."""
    if len(findings) <= max_results:
        return findings
    ranked = sorted(
        range(len(findings)),
        key=lambda i: (
            findings[i].suppressed,
            -SEVERITY_RANK.get(findings[i].severity, 0),
            i,
        ),
    )
    keep = sorted(ranked[:max_results])
    return [findings[i] for i in keep]


def absent_results(
    result: ScanResult, index: Mapping[str, int], room: int
) -> list[dict[str, Any]]:
    """The baseline's results that this scan no longer produces, as the baseline wrote
    them, marked ``baselineState: absent`` (at most ``room`` of them). ``ruleIndex``
    points into this run's rules, or is dropped when the rule is no longer evaluated."""
    out: list[dict[str, Any]] = []
    for old in result.baseline_absent[: max(0, room)]:
        copy = {k: v for k, v in old.items() if k not in ("ruleIndex", "baselineState")}
        rule_id = copy.get("ruleId")
        if isinstance(rule_id, str) and rule_id in index:
            copy["ruleIndex"] = index[rule_id]
        copy["baselineState"] = "absent"
        out.append(copy)
    return out


# --------------------------------------------------------------------------- notifications


def tool_notification(n: Notification, prefix: str = "") -> om.Notification:
    locations = None
    if n.path:
        path = prefix + n.path if n.path != "." else (prefix or ".")
        line = _positive(n.line)
        locations = [
            om.Location(
                physical_location=om.PhysicalLocation(
                    artifact_location=om.ArtifactLocation(
                        uri=artifact_uri(path), uri_base_id=SRCROOT
                    ),
                    region=om.Region(start_line=line) if line else None,
                )
            )
        ]
    return om.Notification(
        message=om.Message(text=n.message),
        level=n.level if n.level in _NOTIFICATION_LEVELS else "warning",
        locations=locations,
        descriptor=om.ReportingDescriptorReference(id=n.kind) if n.kind else None,
        properties={"source": n.source} if n.source else None,
    )


def _warning(kind: str, text: str) -> om.Notification:
    return om.Notification(
        message=om.Message(text=text),
        level="warning",
        descriptor=om.ReportingDescriptorReference(id=kind),
    )


# --------------------------------------------------------------------------- log


def build_log(
    result: ScanResult,
    *,
    max_results: int = MAX_RESULTS,
    max_locations: int = MAX_LOCATIONS,
) -> om.SarifLog:
    rules = catalogue(result)
    index = {c.id: i for i, c in enumerate(rules)}

    findings = sorted_findings(result.findings)
    selected = _select(findings, max_results)
    results: list[om.Result] = []
    dropped_related: list[tuple[str, int]] = []
    unlocated: list[Finding] = []
    for finding in selected:
        sarif, dropped = sarif_result(
            finding, index[finding.control.id], max_locations, result.uri_prefix
        )
        if sarif is None:
            unlocated.append(finding)
            continue
        results.append(sarif)
        if dropped:
            dropped_related.append((finding.control.id, dropped))

    absent = absent_results(result, index, max_results - len(results))
    notes = [
        tool_notification(n, result.uri_prefix) for n in sorted_notifications(result.notifications)
    ]
    if len(selected) < len(findings):
        notes.append(
            _warning(
                "results-truncated",
                f"{len(findings) - len(selected)} of {len(findings)} results were left out: "
                f"GitHub code scanning accepts at most {max_results} results per run. "
                "The most severe results were kept; use --format json for all of them.",
            )
        )
    for finding in unlocated:
        notes.append(
            _warning(
                "result-without-location",
                f"A {finding.control.id} result has no location and was left out (GitHub "
                f"code scanning rejects such results): {finding.message}",
            )
        )
    for control_id, dropped in dropped_related:
        notes.append(
            _warning(
                "locations-truncated",
                f"A {control_id} result had {dropped} related locations left out "
                f"(at most {max_locations} per result).",
            )
        )

    version = result.tool_version or None
    driver = om.ToolComponent(
        name=TOOL_NAME,
        version=version,
        semantic_version=version if version and _SEMVER.match(version) else None,
        information_uri=INFORMATION_URI,
        rules=[rule(c) for c in rules],
    )
    root = root_uri(repository_root(result.root, result.uri_prefix))
    base = (
        om.ArtifactLocation(uri=root)
        if root
        else om.ArtifactLocation(description=om.Message(text="The scan root."))
    )
    run_properties: dict[str, Any] = {}
    if result.policy_hash:
        run_properties["policyHash"] = result.policy_hash
    run = om.Run(
        tool=om.Tool(driver=driver),
        automation_details=om.RunAutomationDetails(id=result.automation_id)
        if result.automation_id
        else None,
        original_uri_base_ids={SRCROOT: base},
        column_kind="unicodeCodePoints",
        invocations=[
            om.Invocation(
                execution_successful=True,
                tool_execution_notifications=notes or None,
            )
        ],
        results=[*results, *absent],
        properties=run_properties or None,
    )
    return om.SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SARIF_SCHEMA_URI)


def render_obj(
    result: ScanResult,
    *,
    max_results: int = MAX_RESULTS,
    max_locations: int = MAX_LOCATIONS,
) -> dict[str, Any]:
    """The SARIF log as plain JSON values."""
    obj = to_json_obj(build_log(result, max_results=max_results, max_locations=max_locations))
    assert isinstance(obj, dict)
    return obj


def render(
    result: ScanResult,
    *,
    max_results: int = MAX_RESULTS,
    max_locations: int = MAX_LOCATIONS,
) -> str:
    """SARIF 2.1.0 text: sorted keys, two-space indent, ASCII-only, trailing newline."""
    obj = render_obj(result, max_results=max_results, max_locations=max_locations)
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


__all__: Sequence[str] = (
    "MAX_LOCATIONS",
    "MAX_RESULTS",
    "artifact_uri",
    "build_log",
    "render",
    "render_obj",
    "root_uri",
    "rule_tags",
    "to_json_obj",
)
