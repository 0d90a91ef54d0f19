"""Unit tests of the report building blocks: applicability, snippets, Markdown escaping,
the data-flow diagram and risk ordering."""

from __future__ import annotations

from mlscan.models import Location, Risk, Suppression
from mlscan.report.applicability import fact_references, present_references
from mlscan.report.assemble import build_report, control_statuses
from mlscan.report.diagram import build_diagram
from mlscan.report.render_markdown import code, md
from mlscan.report.snippets import is_credential_control, mask, snippet
from mlscan.report.views import linddun_table, remediation_plan, stride_matrix
from tests.factories import make_control, make_finding, make_result

REGO = """
# METADATA
# description: reads input.ignored.comment
package mlscan.controls.x.y
import rego.v1
deny contains v if {
	some s in input.mlflow.servers   # and input.commented.out
	some r in input["dvc"]["remotes"]
	input.signatures.policy.required
	msg := "input.not_a_ref in a string"
	v := {"msg": msg, "loc": s.loc}
}
"""


def test_fact_references_reads_code_not_comments() -> None:
    assert fact_references(REGO) == (
        "dvc.remotes",
        "mlflow.servers",
        "signatures.policy",
    )


def test_present_references_needs_non_empty_values() -> None:
    facts = {"mlflow": {"servers": [{"x": 1}]}, "dvc": {"remotes": []}, "signatures": {}}
    refs = ("dvc.remotes", "mlflow.servers", "signatures.policy", "iac")
    assert present_references(refs, facts) == ("mlflow.servers",)


def test_control_states() -> None:
    failed = make_control(id="MLS-A-001")
    accepted = make_control(id="MLS-A-002")
    passed = make_control(id="MLS-A-003")
    na = make_control(id="MLS-A-004")
    findings = [
        make_finding(control=failed),
        make_finding(
            control=accepted,
            suppression=Suppression(kind="inSource", justification="vpn only"),
        ),
    ]
    sources = {
        "MLS-A-001": "x if input.dvc.remotes",
        "MLS-A-002": "x if input.dvc.remotes",
        "MLS-A-003": "x if input.dvc.remotes",
        "MLS-A-004": "x if input.iac.buckets",
    }
    facts = {"dvc": {"remotes": [{"name": "s"}]}, "iac": {"buckets": []}}
    states = {
        s.control.id: (s.state, s.active, s.suppressed)
        for s in control_statuses([failed, accepted, passed, na], findings, facts, sources)
    }
    assert states == {
        "MLS-A-001": ("failed", 1, 0),
        "MLS-A-002": ("accepted", 0, 1),
        "MLS-A-003": ("passed", 0, 0),
        "MLS-A-004": ("not-applicable", 0, 0),
    }
    merged = control_statuses([passed], [], None, {})
    assert merged[0].state == "not-determined"


def test_mask_removes_secret_values() -> None:
    assert mask("--backend-store-uri postgresql://mlflow:hunter2@db/mlflow") == (
        "--backend-store-uri postgresql://mlflow:***@db/mlflow"
    )
    assert mask("admin_password = hunter2") == "admin_password = ***"
    assert mask('  AWS_SECRET_ACCESS_KEY: "abc"') == "  AWS_SECRET_ACCESS_KEY: ***"
    assert mask("token " + "A" * 40) == "token ***"
    assert mask("image: ghcr.io/mlflow/mlflow:v2.9.1") == "image: ghcr.io/mlflow/mlflow:v2.9.1"
    assert mask("x: AKIA" + "ABCDEFGH12345678ABCD" * 2) == "x: ***"
    kept = ["outs: data/processed/training_features_v2/part00000000000000",
            "image: scorer@sha256:" + "ab12" * 16]
    assert [mask(k) for k in kept] == kept


def test_snippet_withholds_lines_of_credential_controls() -> None:
    cred = make_control(id="MLS-X-001", cwe=(798,))
    other = make_control(id="MLS-X-002", cwe=(319,))
    text = "a\n  password = hunter2  \nurl = http://h\n"
    assert is_credential_control(cred) and not is_credential_control(other)
    assert snippet(text, 2, cred) == (None, True)
    assert snippet(text, 2, other) == ("password = ***", False)
    assert snippet(text, 3, other) == ("url = http://h", False)
    assert snippet(text, 9, other) == (None, False)
    assert snippet("evil \u202e line\n", 1, other) == ("evil \\u202e line", False)


def test_markdown_escaping() -> None:
    hostile = "<img src=x onerror=alert(1)>|`x`*y*\n[l](javascript:1)"
    out = md(hostile)
    assert "<" not in out and ">" not in out
    assert out == (
        "&lt;img src=x onerror=alert(1)&gt;\\|\\`x\\`\\*y\\* \\[l\\](javascript:1)"
    )
    assert code("deploy/a.yml:3") == "`deploy/a.yml:3`"
    assert code("a|b`c") == "a\\|b\\`c"
    assert code("<b>") == "&lt;b&gt;"


FACTS = {
    "dvc": {
        "stages": [
            {"name": "prepare", "file": "dvc.yaml", "deps": ["data/raw"], "outs": ["data/prep"],
             "loc": {"path": "dvc.yaml", "line": 2}},
            {"name": "train", "file": "dvc.yaml", "deps": ["data/prep"], "outs": ["models/m.pkl"],
             "loc": {"path": "dvc.yaml", "line": 6}},
        ],
        "remotes": [
            {"name": "storage", "bucket": "acme-data", "url_scheme": "s3",
             "loc": {"path": ".dvc/config", "line": 3}},
        ],
    },
    "artifacts": {"files": [{"path": "models/m.pkl", "loc": {"path": "models/m.pkl"}}]},
    "serving": {
        "workloads": [
            {"address": "Deployment.ml.scorer", "name": "scorer", "kind": "Deployment",
             "serving_hints": ["env:MODEL_URI"], "containers": [],
             "loc": {"path": "k8s/scorer.yaml", "line": 1}},
        ],
        "services": [
            {"address": "Service.ml.scorer", "name": "scorer", "type": "LoadBalancer",
             "selects": ["Deployment.ml.scorer"], "loc": {"path": "k8s/scorer.yaml", "line": 30}},
        ],
        "ingresses": [],
    },
    "assets": {
        "buckets": [{"name": "acme-data", "role": "training-data", "paths": ["main.tf"],
                     "loc": {"path": "main.tf", "line": 1}}],
        "links": [],
    },
}


def test_diagram_from_facts() -> None:
    public = make_control(id="MLS-SRV-001", stride=("spoofing", "elevation-of-privilege",
                                                    "information-disclosure"))
    bucket_ctl = make_control(id="MLS-BKT-001", stride=("information-disclosure", "tampering",
                                                        "elevation-of-privilege"))
    f1 = make_finding(control=public, asset="Service.ml.scorer",
                      location=Location(path="k8s/scorer.yaml", start_line=30))
    f2 = make_finding(control=bucket_ctl, asset="acme-data",
                      location=Location(path="main.tf", start_line=1))
    f3 = make_finding(control=bucket_ctl, asset="nothing",
                      location=Location(path="unrelated.json", start_line=1))
    diagram, targets = build_diagram(FACTS, [f1, f2, f3])
    assert targets == ["proc:service:Service.ml.scorer", "store:bucket:acme-data", "other"]
    ids = [(e.id, e.kind, e.boundary) for e in diagram.elements]
    assert ids == [
        ("actor:consumers", "actor", "users"),
        ("actor:ml-team", "actor", "users"),
        ("proc:workload:Deployment.ml.scorer", "process", "runtime"),
        ("proc:service:Service.ml.scorer", "process", "runtime"),
        ("proc:dvc-stage:dvc.yaml:prepare", "process", "repo"),
        ("proc:dvc-stage:dvc.yaml:train", "process", "repo"),
        ("store:model-files", "store", "repo"),
        ("other", "process", "repo"),
        ("store:bucket:acme-data", "store", "cloud"),
    ]
    flows = {(f.source, f.target) for f in diagram.flows}
    assert ("proc:dvc-stage:dvc.yaml:prepare", "proc:dvc-stage:dvc.yaml:train") in flows
    assert ("store:bucket:acme-data", "proc:dvc-stage:dvc.yaml:prepare") in flows
    assert ("proc:dvc-stage:dvc.yaml:train", "store:model-files") in flows
    assert ("actor:consumers", "proc:service:Service.ml.scorer") in flows
    assert ("proc:service:Service.ml.scorer", "proc:workload:Deployment.ml.scorer") in flows
    paths = {(f.source, f.target): f.path for f in diagram.flows}
    stacked = paths[("proc:dvc-stage:dvc.yaml:prepare", "proc:dvc-stage:dvc.yaml:train")]
    x0, x1 = (p.split(",")[0][1:] for p in stacked.split(" "))
    assert stacked.startswith("M") and " L" in stacked and x0 == x1  # straight down
    for f in diagram.flows:  # every flow is drawn
        assert f.path.startswith("M")
    by_id = {e.id: e for e in diagram.elements}
    # a store counts only T, R, I, D: the elevation-of-privilege category is not drawn
    assert dict(by_id["store:bucket:acme-data"].counts) == {
        "tampering": 1, "repudiation": 0, "information-disclosure": 1, "denial-of-service": 0,
    }
    assert by_id["proc:service:Service.ml.scorer"].counts["spoofing"] == 1
    assert dict(by_id["actor:consumers"].counts) == {"spoofing": 0, "repudiation": 0}
    # deterministic: the same facts give the same diagram
    assert build_diagram(FACTS, [f1, f2, f3]) == (diagram, targets)


def test_diagram_without_any_facts_draws_nothing_but_is_valid() -> None:
    diagram, targets = build_diagram({"schema_version": "1"}, [])
    assert diagram.elements == () and diagram.flows == () and targets == []


def test_risk_order_plan_and_matrix() -> None:
    low = make_finding(control=make_control(id="MLS-A-001", severity="low"), asset="a",
                       severity="low", risk=Risk(likelihood=1, impact="medium", impact_score=2,
                                                 score=2))
    crit = make_finding(control=make_control(id="MLS-A-002", severity="critical",
                                             linddun=("identifying",)),
                        asset="b", severity="critical",
                        risk=Risk(likelihood=4, impact="critical", impact_score=4, score=16,
                                  asset_group="credit-scoring"))
    result = make_result(findings=[low, crit])
    report = build_report(result, facts={}, files_by_family={}, control_sources={})
    assert [rf.finding.control.id for rf in report.findings] == ["MLS-A-002", "MLS-A-001"]
    plan = remediation_plan(report)
    assert [(p.rank, p.control.id, p.max_score) for p in plan] == [
        (1, "MLS-A-002", 16), (2, "MLS-A-001", 2)
    ]
    rows, more = stride_matrix(report)
    assert [(r.asset, r.total) for r in rows] == [("credit-scoring", 2), ("a", 2)]
    assert more == 0
    linddun, total, tagged = linddun_table(report)
    assert tagged and total == 1
    assert [r.failed for r in linddun if r.category == "identifying"] == [["MLS-A-002"]]


def test_diagram_tolerates_malformed_facts() -> None:
    junk = {
        "dvc": {"stages": [{"name": 3, "deps": "x", "outs": None}, "not a fact"],
                "remotes": {"oops": 1}},
        "mlflow": {"servers": [{"kind": None, "path": None, "auth_config_paths": "a.ini",
                                "default_artifact_root": "s3://"}]},
        "serving": {"workloads": [{"serving_hints": ["x"], "containers": [1, {"env": [2]}]}],
                    "services": [{"selects": [None]}], "ingresses": [{"backends": 5}]},
        "assets": {"buckets": [{"name": None}], "links": [{"kind": "model-uri"}]},
        "iac": [],
        "artifacts": "nope",
    }
    f = make_finding(location=Location(path="x.yaml", start_line=1))
    diagram, targets = build_diagram(junk, [f])
    assert targets == ["other"]
    assert diagram.elements[-1].id == "other" or any(e.id == "other" for e in diagram.elements)
