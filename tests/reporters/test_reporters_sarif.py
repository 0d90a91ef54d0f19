from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import sarif_om as om

from mlscan.models import Location, Notification, Risk, Suppression
from mlscan.reporters import sarif
from tests.factories import make_control, make_finding, make_location, make_result
from tests.reporters.sarif_schema import validate

FULL_CONTROL = make_control(
    id="MLS-MOD-002",
    title="Model artifact imports dangerous globals",
    description="A pickle that imports os.system runs code when it is loaded.",
    severity="critical",
    stride=("elevation-of-privilege", "tampering", "spoofing"),
    linddun=("detecting", "data-disclosure"),
    atlas=("AML.T0018.002", "AML.M0013"),
    owasp_ml=("ML10", "ML06"),
    cwe=(502, 94),
    references=("https://example.org/pickle",),
    remediation="Convert the model to safetensors.",
    precision="very-high",
)


def rendered(result: Any, **kw: Any) -> dict[str, Any]:
    text = sarif.render(result, **kw)
    log = json.loads(text)
    validate(log)
    return log


def run_of(log: dict[str, Any]) -> dict[str, Any]:
    assert len(log["runs"]) == 1
    run: dict[str, Any] = log["runs"][0]
    return run


def results_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = run_of(log)["results"]
    return out


def physical(result: dict[str, Any]) -> dict[str, Any]:
    loc: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return loc


# --------------------------------------------------------------------------- schema


def test_schema_validator_rejects_a_bad_log() -> None:
    # The validator is real: a result without a message is refused.
    log = rendered(make_result(findings=[make_finding()]))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError, match="message"):
        validate(log)
    bad_uri = rendered(make_result(findings=[make_finding()]))
    bad_uri["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ] = "a b#c#d"
    with pytest.raises(jsonschema.ValidationError, match="uri-reference"):
        validate(bad_uri)


def test_empty_scan_is_a_valid_log_with_header_and_run_fields() -> None:
    log = rendered(make_result(findings=[], root="/srv/ml project", automation_id="mlscan/ci/"))
    assert log["$schema"] == sarif.SARIF_SCHEMA_URI
    assert log["version"] == "2.1.0"
    run = run_of(log)
    assert run["results"] == []
    assert run["automationDetails"] == {"id": "mlscan/ci/"}
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": "file:///srv/ml%20project/"}}
    assert run["invocations"] == [{"executionSuccessful": True}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mlscan"
    assert driver["version"] == "0.1.0"
    assert driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/mlscan/mlscan"
    assert driver["rules"] == []


def test_relative_root_gets_a_described_base_without_uri() -> None:
    run = run_of(rendered(make_result(root="project")))
    assert run["originalUriBaseIds"] == {"SRCROOT": {"description": {"text": "The scan root."}}}


def test_full_featured_log_is_schema_valid() -> None:
    findings = [
        make_finding(
            control=FULL_CONTROL,
            location=Location(
                path="models/évil model#1.pkl", start_line=4, start_col=2, end_line=4, end_col=9
            ),
            related=(make_location(path="MLmodel", line=7), Location(path="conda.yaml")),
            logical_location="models:/credit/3",
            risk=Risk(
                likelihood=4,
                impact="critical",
                impact_score=4,
                score=16,
                asset_group="credit-scoring",
            ),
            baseline_state="new",
            suppression=Suppression(
                kind="inSource",
                justification="reviewed",
                expires="2099-01-01",
                location=make_location(path="MLmodel", line=6),
            ),
        ),
        make_finding(suppression=Suppression(kind="external", justification="ticket SEC-12")),
    ]
    notes = (
        Notification(
            path="dvc.yaml",
            message="could not parse",
            line=3,
            kind="parse-error",
            source="dvc",
            level="error",
        ),
        Notification(path="", message="checkov not installed", kind="tool-missing", level="note"),
    )
    rendered(make_result(findings=findings, notifications=notes))


# --------------------------------------------------------------------------- rules


def test_rules_are_the_full_catalogue_sorted_by_id_and_rule_index_points_into_it() -> None:
    controls = (
        make_control(id="MLS-MOD-001", severity="medium"),
        make_control(id="MLS-DVC-004", severity="critical"),
        make_control(id="MLS-BKT-001", severity="low"),
    )
    finding = make_finding(control=controls[0])
    run = run_of(rendered(make_result(findings=[finding], controls=controls)))
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == ["MLS-BKT-001", "MLS-DVC-004", "MLS-MOD-001"]
    (result,) = run["results"]
    assert result["ruleId"] == "MLS-MOD-001"
    assert result["ruleIndex"] == 2


def test_rule_for_a_finding_outside_the_catalogue_is_added() -> None:
    custom = make_control(id="ACME-001", builtin=False)
    listed = make_control(id="MLS-DVC-006")
    run = run_of(rendered(make_result(findings=[make_finding(control=custom)], controls=(listed,))))
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["ACME-001", "MLS-DVC-006"]
    assert run["results"][0]["ruleIndex"] == 0


def test_rule_fields_and_exact_tag_order() -> None:
    run = run_of(rendered(make_result(controls=(FULL_CONTROL,))))
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["id"] == "MLS-MOD-002"
    assert rule["name"] == "ModelArtifactImportsDangerousGlobals"
    assert rule["shortDescription"] == {"text": "Model artifact imports dangerous globals"}
    assert rule["fullDescription"] == {
        "text": "A pickle that imports os.system runs code when it is loaded."
    }
    assert rule["helpUri"] == FULL_CONTROL.help_uri
    assert rule["defaultConfiguration"] == {"level": "error"}
    props = rule["properties"]
    assert props["tags"] == [
        "security",
        "stride:spoofing",
        "stride:tampering",
        "stride:elevation-of-privilege",
        "linddun:data-disclosure",
        "linddun:detecting",
        "atlas:AML.M0013",
        "atlas:AML.T0018.002",
        "owasp-ml:ML06",
        "owasp-ml:ML10",
        "external/cwe/cwe-94",
        "external/cwe/cwe-502",
    ]
    assert props["security-severity"] == "9.5"
    assert props["precision"] == "very-high"
    # GitHub keeps ten tags: the full lists stay available as properties.
    assert props["cwe"] == ["CWE-94", "CWE-502"]
    assert props["atlas"] == ["AML.M0013", "AML.T0018.002"]


def test_rule_help_carries_description_remediation_and_reference_links() -> None:
    run = run_of(rendered(make_result(controls=(FULL_CONTROL,))))
    help_ = run["tool"]["driver"]["rules"][0]["help"]
    assert help_["text"].splitlines() == [
        "A pickle that imports os.system runs code when it is loaded.",
        "",
        "Remediation: Convert the model to safetensors.",
        "",
        "References:",
        "- MITRE ATLAS AML.M0013: https://atlas.mitre.org/mitigations/AML.M0013",
        "- MITRE ATLAS AML.T0018.002: https://atlas.mitre.org/techniques/AML.T0018.002",
        "- OWASP ML Top 10 ML06: https://owasp.org/www-project-machine-learning-security-top-10/",
        "- OWASP ML Top 10 ML10: https://owasp.org/www-project-machine-learning-security-top-10/",
        "- CWE-94: https://cwe.mitre.org/data/definitions/94.html",
        "- CWE-502: https://cwe.mitre.org/data/definitions/502.html",
        "- https://example.org/pickle",
    ]
    md = help_["markdown"]
    assert "**Remediation:** Convert the model to safetensors." in md
    assert "- [CWE-502](https://cwe.mitre.org/data/definitions/502.html)" in md
    assert "- <https://example.org/pickle>" in md


def test_minimal_rule_tags_are_security_and_stride_only() -> None:
    control = make_control(stride=("information-disclosure",), cwe=())
    run = run_of(rendered(make_result(controls=(control,))))
    assert run["tool"]["driver"]["rules"][0]["properties"]["tags"] == [
        "security",
        "stride:information-disclosure",
    ]


@pytest.mark.parametrize(
    ("severity", "security_severity", "level"),
    [
        ("critical", "9.5", "error"),
        ("high", "8.0", "error"),
        ("medium", "5.5", "warning"),
        ("low", "2.0", "note"),
    ],
)
def test_security_severity_and_levels_per_severity(
    severity: str, security_severity: str, level: str
) -> None:
    control = make_control(severity=severity)
    log = rendered(make_result(findings=[make_finding(control=control)]))
    rule = run_of(log)["tool"]["driver"]["rules"][0]
    assert rule["properties"]["security-severity"] == security_severity
    assert rule["defaultConfiguration"]["level"] == level
    (result,) = results_of(log)
    assert result["level"] == level
    assert result["properties"]["severity"] == severity
    assert result["properties"]["security-severity"] == security_severity


def test_security_severity_values_sit_in_githubs_ranges() -> None:
    ranges = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9), "low": (0.1, 3.9)}
    for severity, (low, high) in ranges.items():
        assert low <= float(sarif.SECURITY_SEVERITY[severity]) <= high


def test_overridden_severity_sets_result_level_explicitly() -> None:
    # The rule defaults to error; a finding lowered to medium must say "warning" itself,
    # or consumers fall back to the rule's default level.
    finding = make_finding(control=make_control(severity="critical"), severity="medium")
    (result,) = results_of(rendered(make_result(findings=[finding])))
    assert result["level"] == "warning"
    assert result["properties"]["severity"] == "medium"


# --------------------------------------------------------------------------- locations


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        (".dvc/config", ".dvc/config"),
        ("data/my file.csv", "data/my%20file.csv"),
        ("models/modèle_ü.pkl", "models/mod%C3%A8le_%C3%BC.pkl"),
        ("k8s/issue#12.yaml", "k8s/issue%2312.yaml"),
        ("odd/100%?.json", "odd/100%25%3F.json"),
        ("c:/x.tf", "c%3A/x.tf"),
        ("./dvc.yaml", "dvc.yaml"),
    ],
)
def test_artifact_uri_is_relative_forward_slash_and_percent_encoded(path: str, uri: str) -> None:
    finding = make_finding(location=make_location(path=path, line=2, col=3))
    (result,) = results_of(rendered(make_result(findings=[finding])))
    assert physical(result)["artifactLocation"] == {"uri": uri, "uriBaseId": "SRCROOT"}


def test_undecodable_file_name_bytes_are_percent_encoded() -> None:
    assert sarif.artifact_uri("models/\udcffx.pkl") == "models/%FFx.pkl"


def test_region_with_all_positions() -> None:
    loc = Location(path="dvc.lock", start_line=12, start_col=5, end_line=14, end_col=20)
    (result,) = results_of(rendered(make_result(findings=[make_finding(location=loc)])))
    assert physical(result)["region"] == {
        "startLine": 12,
        "startColumn": 5,
        "endLine": 14,
        "endColumn": 20,
    }


def test_file_level_location_points_at_line_one() -> None:
    finding = make_finding(location=Location(path="models/model.pkl"))
    (result,) = results_of(rendered(make_result(findings=[finding])))
    assert physical(result)["region"] == {"startLine": 1}


def test_impossible_positions_are_dropped_not_emitted() -> None:
    zero = Location(path="a.yaml", start_line=0, start_col=0)
    backwards = Location(path="b.yaml", start_line=9, start_col=8, end_line=3, end_col=2)
    same_line = Location(path="c.yaml", start_line=5, start_col=8, end_line=5, end_col=2)
    findings = [make_finding(location=loc, asset=loc.path) for loc in (zero, backwards, same_line)]
    results = results_of(rendered(make_result(findings=findings)))
    assert [physical(r)["region"] for r in results] == [
        {"startLine": 1},
        {"startLine": 9, "startColumn": 8},
        {"startLine": 5, "startColumn": 8, "endLine": 5},
    ]


def test_related_locations() -> None:
    finding = make_finding(
        related=(make_location(path="dvc.yaml", line=7, col=3), Location(path="params.yaml"))
    )
    (result,) = results_of(rendered(make_result(findings=[finding])))
    assert result["relatedLocations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "dvc.yaml", "uriBaseId": "SRCROOT"},
                "region": {"startLine": 7, "startColumn": 3},
            }
        },
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "params.yaml", "uriBaseId": "SRCROOT"},
                "region": {"startLine": 1},
            }
        },
    ]


def test_logical_location_beside_the_physical_one() -> None:
    finding = make_finding(
        logical_location="models:/credit-scoring/3",
        location=make_location(path="mlflow/registry.yaml", line=4),
    )
    (result,) = results_of(rendered(make_result(findings=[finding])))
    location = result["locations"][0]
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "models:/credit-scoring/3", "kind": "resource"}
    ]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "mlflow/registry.yaml"


def test_registry_finding_is_anchored_at_its_logical_location() -> None:
    # GitHub rejects the whole upload when one result lacks a physical location.
    for path in ("", "models:/fraud/1"):
        finding = make_finding(logical_location="models:/fraud/1", location=Location(path=path))
        (result,) = results_of(rendered(make_result(findings=[finding])))
        assert result["locations"] == [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "models%3A/fraud/1", "uriBaseId": "SRCROOT"},
                    "region": {"startLine": 1},
                },
                "logicalLocations": [{"fullyQualifiedName": "models:/fraud/1", "kind": "resource"}],
            }
        ]


def test_finding_without_file_is_anchored_at_its_first_related_file() -> None:
    finding = make_finding(
        location=Location(path=""), related=(Location(path=""), make_location(path="MLmodel"))
    )
    (result,) = results_of(rendered(make_result(findings=[finding])))
    assert physical(result) == {
        "artifactLocation": {"uri": "MLmodel", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 3, "startColumn": 1},
    }


def test_finding_without_any_location_is_left_out_with_a_notification() -> None:
    lost = make_finding(location=Location(path=""), asset="x", message="no place")
    kept = make_finding()
    log = rendered(make_result(findings=[lost, kept]))
    assert [r["partialFingerprints"]["mlscan/v1"] for r in results_of(log)] == [kept.fingerprint]
    assert run_of(log)["invocations"][0]["toolExecutionNotifications"] == [
        {
            "descriptor": {"id": "result-without-location"},
            "level": "warning",
            "message": {
                "text": "A MLS-DVC-006 result has no location and was left out (GitHub code "
                "scanning rejects such results): no place"
            },
        }
    ]


def test_every_result_has_a_physical_location_uri() -> None:
    findings = [
        make_finding(location=Location(path=""), logical_location="models:/a/1", asset="a"),
        make_finding(location=Location(path="models:/b/2"), logical_location="models:/b/2"),
        make_finding(location=Location(path="x.yaml"), asset="c"),
    ]
    for result in results_of(rendered(make_result(findings=findings))):
        assert physical(result)["artifactLocation"]["uri"]
        assert physical(result)["region"]["startLine"] >= 1


# --------------------------------------------------------------------------- result fields


def test_result_core_fields() -> None:
    finding = make_finding(
        message="DVC remote 'storage' uses plaintext http://",
        fingerprint="ab12cd",
        asset="storage",
        risk=Risk(
            likelihood=3, impact="critical", impact_score=4, score=12, asset_group="credit-scoring"
        ),
        evidence={"url": "http://example.invalid/very-private"},
    )
    (result,) = results_of(rendered(make_result(findings=[finding])))
    assert result["message"] == {"text": "DVC remote 'storage' uses plaintext http://"}
    assert result["partialFingerprints"] == {"mlscan/v1": "ab12cd"}
    assert result["properties"] == {
        "severity": "high",
        "security-severity": "8.0",
        "asset": "storage",
        "stride": ["tampering", "information-disclosure"],
        "risk": {
            "score": 12,
            "likelihood": 3,
            "impact": "critical",
            "impactScore": 4,
            "assetGroup": "credit-scoring",
        },
    }
    assert "suppressions" not in result
    assert "baselineState" not in result
    # Evidence is not part of SARIF output.
    assert "very-private" not in sarif.render(make_result(findings=[finding]))


@pytest.mark.parametrize("state", ["new", "unchanged", "absent"])
def test_baseline_state(state: str) -> None:
    (result,) = results_of(rendered(make_result(findings=[make_finding(baseline_state=state)])))
    assert result["baselineState"] == state


def test_in_source_suppression_with_location_and_expiry() -> None:
    sup = Suppression(
        kind="inSource",
        justification="internal mirror behind VPN",
        expires="2099-01-31",
        location=make_location(path=".dvc/config", line=2),
    )
    (result,) = results_of(rendered(make_result(findings=[make_finding(suppression=sup)])))
    assert result["suppressions"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "internal mirror behind VPN",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": ".dvc/config", "uriBaseId": "SRCROOT"},
                    "region": {"startLine": 2, "startColumn": 1},
                }
            },
            "properties": {"expires": "2099-01-31"},
        }
    ]
    assert result["message"]["text"] == "DVC remote 'storage' uses plaintext http://"


def test_external_suppression_is_emitted_not_dropped() -> None:
    sup = Suppression(kind="external", justification="vendor bucket, ticket SEC-12")
    (result,) = results_of(rendered(make_result(findings=[make_finding(suppression=sup)])))
    assert result["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "vendor bucket, ticket SEC-12"}
    ]


def test_expired_suppression_is_not_a_suppression_and_says_so() -> None:
    sup = Suppression(
        kind="inSource", justification="temporary", expires="2024-01-31", expired=True
    )
    (result,) = results_of(rendered(make_result(findings=[make_finding(suppression=sup)])))
    assert "suppressions" not in result
    assert result["message"]["text"] == (
        "DVC remote 'storage' uses plaintext http:// (suppression expired on 2024-01-31)"
    )
    assert result["properties"]["suppression"] == {
        "status": "expired",
        "kind": "inSource",
        "justification": "temporary",
        "expires": "2024-01-31",
    }


def test_results_follow_finding_sort_key() -> None:
    a = make_finding(location=make_location(path="b.yaml", line=1), asset="1")
    b = make_finding(location=make_location(path="a.yaml", line=10), asset="2")
    c = make_finding(location=make_location(path="a.yaml", line=2, col=9), asset="3")
    d = make_finding(
        control=make_control(id="MLS-AAA-001"),
        location=make_location(path="a.yaml", line=2, col=9),
        asset="4",
    )
    results = results_of(rendered(make_result(findings=[a, b, c, d])))
    got = [
        (physical(r)["artifactLocation"]["uri"], physical(r)["region"]["startLine"], r["ruleId"])
        for r in results
    ]
    assert got == [
        ("a.yaml", 2, "MLS-AAA-001"),
        ("a.yaml", 2, "MLS-DVC-006"),
        ("a.yaml", 10, "MLS-DVC-006"),
        ("b.yaml", 1, "MLS-DVC-006"),
    ]


# --------------------------------------------------------------------------- notifications


def test_notifications_become_tool_execution_notifications() -> None:
    notes = (
        Notification(
            path="params.yaml",
            message="file larger than 5 MiB, skipped",
            level="note",
            kind="skipped",
            source="workspace",
        ),
        Notification(
            path="dvc.yaml",
            message="YAML error: mapping values are not allowed",
            level="error",
            kind="parse-error",
            source="dvc",
            line=3,
        ),
        Notification(
            path="",
            message="checkov is not installed; IaC skipped",
            level="warning",
            kind="tool-missing",
            source="iac",
        ),
    )
    invocation = run_of(rendered(make_result(notifications=notes)))["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {
            "message": {"text": "checkov is not installed; IaC skipped"},
            "level": "warning",
            "descriptor": {"id": "tool-missing"},
            "properties": {"source": "iac"},
        },
        {
            "message": {"text": "YAML error: mapping values are not allowed"},
            "level": "error",
            "descriptor": {"id": "parse-error"},
            "properties": {"source": "dvc"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "dvc.yaml", "uriBaseId": "SRCROOT"},
                        "region": {"startLine": 3},
                    }
                }
            ],
        },
        {
            "message": {"text": "file larger than 5 MiB, skipped"},
            "level": "note",
            "descriptor": {"id": "skipped"},
            "properties": {"source": "workspace"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "params.yaml", "uriBaseId": "SRCROOT"}
                    }
                }
            ],
        },
    ]


# --------------------------------------------------------------------------- truncation


def test_github_limits() -> None:
    assert sarif.MAX_RESULTS == 25_000
    assert sarif.MAX_LOCATIONS == 1_000


def test_results_truncated_keep_most_severe_in_sort_order_and_notify() -> None:
    sev = {"a": "low", "b": "critical", "c": "medium", "d": "high", "e": "critical"}
    findings = [
        make_finding(severity=s, asset=p, location=make_location(path=f"{p}.yaml"))
        for p, s in sev.items()
    ]
    findings.append(
        make_finding(
            severity="critical",
            asset="0",
            location=make_location(path="0.yaml"),
            suppression=Suppression(kind="external", justification="x"),
        )
    )
    log = rendered(make_result(findings=findings), max_results=3)
    uris = [physical(r)["artifactLocation"]["uri"] for r in results_of(log)]
    assert uris == ["b.yaml", "d.yaml", "e.yaml"]
    notes = run_of(log)["invocations"][0]["toolExecutionNotifications"]
    assert notes == [
        {
            "descriptor": {"id": "results-truncated"},
            "level": "warning",
            "message": {
                "text": "3 of 6 results were left out: GitHub code scanning accepts at "
                "most 3 results per run. The most severe results were kept; use "
                "--format json for all of them."
            },
        }
    ]


def test_related_locations_truncated_at_the_github_limit() -> None:
    related = tuple(Location(path=f"r/{i:04d}.yaml", start_line=1) for i in range(1001))
    log = rendered(make_result(findings=[make_finding(related=related)]))
    (result,) = results_of(log)
    assert len(result["relatedLocations"]) == 1000
    assert result["relatedLocations"][-1]["physicalLocation"]["artifactLocation"]["uri"] == (
        "r/0999.yaml"
    )
    notes = run_of(log)["invocations"][0]["toolExecutionNotifications"]
    assert notes == [
        {
            "descriptor": {"id": "locations-truncated"},
            "level": "warning",
            "message": {
                "text": "A MLS-DVC-006 result had 1 related locations left "
                "out (at most 1000 per result)."
            },
        }
    ]


# --------------------------------------------------------------------------- determinism


def _varied_result(reverse: bool = False, **kw: Any) -> Any:
    controls = [FULL_CONTROL, make_control(), make_control(id="MLS-BKT-003", severity="low")]
    findings = [
        make_finding(
            control=controls[i % 3],
            asset=f"asset-{i}",
            location=make_location(path=f"dir/{i % 4}.yaml", line=i % 5 + 1),
            fingerprint=f"fp{i}",
        )
        for i in range(12)
    ]
    # Two findings that differ only beyond the sort key.
    twin = make_finding(asset="twin", fingerprint="same", severity="low")
    findings += [twin, make_finding(asset="twin", fingerprint="same", severity="medium")]
    notes = [Notification(path=f"n{i}.yaml", message="bad", line=i) for i in range(3)]
    if reverse:
        findings.reverse()
        notes.reverse()
        controls.reverse()
    return make_result(
        findings=findings, notifications=tuple(notes), controls=tuple(controls), **kw
    )


def test_output_is_byte_identical_across_runs_and_input_orders() -> None:
    first = sarif.render(_varied_result())
    assert sarif.render(_varied_result()) == first
    assert sarif.render(_varied_result(reverse=True)) == first
    assert sarif.render(_varied_result(timings={"engine": 0.123})) == first
    assert first.endswith("}\n")
    assert first.isascii()


def test_output_changes_when_the_input_does() -> None:
    assert sarif.render(_varied_result()) != sarif.render(_varied_result(tool_version="0.2.0"))


# --------------------------------------------------------------------------- converter


def test_converter_drops_unset_and_default_values_but_keeps_level() -> None:
    region = om.Region(start_line=3)
    assert sarif.to_json_obj(region) == {"startLine": 3}
    result = om.Result(message=om.Message(text="m"), level="warning", rule_index=0)
    assert sarif.to_json_obj(result) == {
        "message": {"text": "m"},
        "level": "warning",
        "ruleIndex": 0,
    }
    run = om.Run(tool=om.Tool(driver=om.ToolComponent(name="x")))
    assert sarif.to_json_obj(run) == {"tool": {"driver": {"name": "x"}}}


def test_converter_writes_suppression_status_under_its_schema_name() -> None:
    sup = om.Suppression(kind="external", state="accepted")
    assert sarif.to_json_obj(sup) == {"kind": "external", "status": "accepted"}


def test_converter_refuses_unknown_objects() -> None:
    with pytest.raises(TypeError, match="object"):
        sarif.to_json_obj({"x": object()})
