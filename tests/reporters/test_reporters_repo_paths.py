"""SARIF and github reporters: the scan root's path inside the repository
(``ScanResult.uri_prefix``) and absent baseline results."""

from __future__ import annotations

import json
from typing import Any

from mlscan.models import Location, Notification, Suppression
from mlscan.reporters import github, sarif
from tests.factories import make_control, make_finding, make_location, make_result
from tests.reporters.sarif_schema import validate


def _log(**kw: Any) -> dict[str, Any]:
    obj = json.loads(sarif.render(make_result(**kw)))
    validate(obj)
    return dict(obj)


def test_prefix_applies_to_results_related_suppressions_and_notifications() -> None:
    finding = make_finding(
        related=(make_location("dvc.yaml", 2),),
        suppression=Suppression(
            kind="inSource", justification="ok", location=Location(path=".dvc/config", start_line=2)
        ),
    )
    note = Notification(path="models/m.pkl", message="too large", line=None)
    log = _log(
        root="/srv/repo/services/ml",
        uri_prefix="services/ml/",
        findings=[finding],
        notifications=[note, Notification(path=".", message="root note")],
    )
    (run_,) = log["runs"]
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///srv/repo/"
    (r,) = run_["results"]
    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "services/ml/.dvc/config"
    assert r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "services/ml/dvc.yaml"
    )
    sup_uri = r["suppressions"][0]["location"]["physicalLocation"]["artifactLocation"]["uri"]
    assert sup_uri == "services/ml/.dvc/config"
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    uris = [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes]
    assert uris == ["services/ml/", "services/ml/models/m.pkl"]


def test_logical_locations_are_not_prefixed() -> None:
    finding = make_finding(location=Location(path=""), logical_location="models:/credit/3")
    (run_,) = _log(root="/srv/repo/ml", uri_prefix="ml/", findings=[finding])["runs"]
    loc = run_["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "models%3A/credit/3"


def test_github_annotations_use_the_prefix() -> None:
    result = make_result(
        uri_prefix="services/ml/",
        findings=[make_finding()],
        notifications=[Notification(path="dvc.yaml", message="bad", line=3, level="error")],
    )
    assert github.render(result).splitlines() == [
        "::error file=services/ml/.dvc/config,line=3,col=1,title=MLS-DVC-006%3A DVC remote "
        "over plaintext transport or with TLS verification off::DVC remote 'storage' uses "
        "plaintext http://",
        "::error file=services/ml/dvc.yaml,line=3,title=mlscan parse-error::bad",
    ]


def test_absent_baseline_results_are_emitted_with_a_fresh_rule_index() -> None:
    kept = make_finding(baseline_state="unchanged")
    other = make_control(id="MLS-DVC-001", title="Other")
    gone_known = {
        "ruleId": "MLS-DVC-001",
        "ruleIndex": 7,
        "level": "error",
        "message": {"text": "fixed since"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "a.yaml", "uriBaseId": "SRCROOT"},
                    "region": {"startLine": 4},
                }
            }
        ],
        "partialFingerprints": {"mlscan/v1": "aaa"},
        "baselineState": "new",
    }
    gone_unknown = {
        **gone_known,
        "ruleId": "MLS-OLD-001",
        "partialFingerprints": {"mlscan/v1": "b"},
    }
    log = _log(
        findings=[kept],
        controls=(kept.control, other),
        baseline_absent=(gone_known, gone_unknown),
    )
    (run_,) = log["runs"]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    states = [(r["ruleId"], r["baselineState"], r.get("ruleIndex")) for r in run_["results"]]
    assert states == [
        ("MLS-DVC-006", "unchanged", rules.index("MLS-DVC-006")),
        ("MLS-DVC-001", "absent", rules.index("MLS-DVC-001")),
        ("MLS-OLD-001", "absent", None),
    ]


def test_absent_results_respect_the_result_cap() -> None:
    gone = {
        "ruleId": "MLS-DVC-006",
        "message": {"text": "x"},
        "partialFingerprints": {"mlscan/v1": "z"},
    }
    obj = sarif.render_obj(
        make_result(findings=[make_finding()], baseline_absent=(gone, gone)), max_results=2
    )
    assert len(obj["runs"][0]["results"]) == 2
