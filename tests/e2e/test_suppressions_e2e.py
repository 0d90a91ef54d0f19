"""Inline suppressions in every comment syntax, through the CLI and the real pipeline.

YAML, INI and Dockerfiles are read by the MLflow collector; HCL, Python and TOML by a
small probe collector with its own Rego control (the suppression mechanism does not
depend on which collector read the file: it works on every text file a collector read).
JSON and model files have no comments: the configuration's ``ignore:`` covers them.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlscan.collectors.base import CollectContext, CollectorOutput
from mlscan.reporters import render
from mlscan.scan import ScanOptions, run
from mlscan.workspace import Workspace
from tests.helpers import run_cli

TODAY = dt.date(2026, 6, 1)
REASON = 'reason="dev stack, ticket SEC-1" expires=2099-12-31'


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _active(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.startswith("  L")]


# ------------------------------------------------------------------- real collectors
COMPOSE = """
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: FAKEPASSWORD  # mlscan:ignore[MLS-MLF-004] {reason}
  mlflow:
    image: ghcr.io/mlflow/mlflow:v3.1.0
    command: ["mlflow", "server", "--host", "127.0.0.1"]
"""
K8S = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mlflow
spec:
  template:
    spec:
      containers:
        - name: server
          image: ghcr.io/mlflow/mlflow:v3.1.0
          command: ["mlflow", "server"]
          args:
            # mlscan:ignore[MLS-MLF-001] {reason}
            - --host=0.0.0.0
"""
INI = """
[mlflow]
# mlscan:ignore[MLS-MLF-003] {reason}
default_permission = EDIT
database_uri = sqlite:///basic_auth.db
admin_username = admin
"""
DOCKERFILE = """
FROM python:3.12-slim
# mlscan:ignore[MLS-MLF-001] {reason}
CMD ["mlflow", "server", "--host", "0.0.0.0"]
"""


def _mlflow_project(root: Path, reason: str = REASON) -> None:
    _write(root, "deploy/docker-compose.yml", COMPOSE.format(reason=reason))
    _write(root, "k8s/mlflow.yaml", K8S.format(reason=reason))
    _write(root, "basic_auth.ini", INI.format(reason=reason))
    _write(root, "Dockerfile", DOCKERFILE.format(reason=reason))


def test_yaml_ini_and_dockerfile_suppressions_on_the_line_and_the_line_above(
    tmp_path: Path,
) -> None:
    _mlflow_project(tmp_path)
    quiet = run_cli("scan", str(tmp_path), "--fail-on", "low")
    assert quiet.code == 0, quiet.out + quiet.err
    assert _active(quiet.out) == []
    assert "4 suppressed (not shown)" in quiet.out

    shown = run_cli("scan", str(tmp_path), "--fail-on", "low", "--show-suppressed")
    assert shown.code == 0
    lines = {(ln.split()[2], ln.split()[0]) for ln in _active(shown.out)}
    assert lines == {
        ("MLS-MLF-001", "L3:27"),  # Dockerfile, comment on the line above
        ("MLS-MLF-003", "L3:1"),  # basic_auth.ini, line above
        ("MLS-MLF-004", "L5:7"),  # compose, comment on the same line
        ("MLS-MLF-001", "L14:15"),  # k8s, line above
    }
    assert all("(suppressed: dev stack, ticket SEC-1)" in ln for ln in _active(shown.out))


def test_sarif_carries_in_source_suppressions_with_their_justification(tmp_path: Path) -> None:
    _mlflow_project(tmp_path)
    result = run(ScanOptions(paths=(str(tmp_path),), today=TODAY))
    (sarif_run,) = json.loads(render("sarif", result))["runs"]
    sups = {
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        ): r["suppressions"]
        for r in sarif_run["results"]
    }
    assert set(sups) == {
        ("MLS-MLF-001", "Dockerfile", 3),
        ("MLS-MLF-001", "k8s/mlflow.yaml", 14),
        ("MLS-MLF-003", "basic_auth.ini", 3),
        ("MLS-MLF-004", "deploy/docker-compose.yml", 5),
    }
    (ini,) = sups[("MLS-MLF-003", "basic_auth.ini", 3)]
    assert ini["kind"] == "inSource" and ini["status"] == "accepted"
    assert ini["justification"] == "dev stack, ticket SEC-1"
    assert ini["properties"] == {"expires": "2099-12-31"}
    assert ini["location"]["physicalLocation"]["region"]["startLine"] == 2


def test_a_suppression_without_reason_is_rejected_with_a_message(tmp_path: Path) -> None:
    _write(tmp_path, "Dockerfile", DOCKERFILE.format(reason=""))
    res = run_cli("scan", str(tmp_path), "--fail-on", "high")
    assert res.code == 1
    assert [ln.split()[:3] for ln in _active(res.out)] == [["L3:27", "CRITICAL", "MLS-MLF-001"]]
    assert "suppression ignored: a reason is required" in res.out
    gh = run_cli("scan", str(tmp_path), "--format", "github", "--fail-on", "never")
    assert (
        "::warning file=Dockerfile,line=2,title=mlscan suppression::suppression ignored: "
        "a reason is required" in gh.out
    )


def test_an_expired_suppression_no_longer_suppresses_and_says_so(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "Dockerfile",
        DOCKERFILE.format(reason='reason="until the auth proxy lands" expires=2020-01-31'),
    )
    res = run_cli("scan", str(tmp_path), "--fail-on", "high")
    assert res.code == 1
    (line,) = _active(res.out)
    assert line.startswith("L3:27  CRITICAL  MLS-MLF-001")
    assert "suppression expired on 2020-01-31" in line
    assert "1 expired suppression" in res.out


# ------------------------------------------------------------- HCL, Python, TOML, JSON
PROBE_REGO = """
# METADATA
# title: Probe marker
# description: Test control that fires on every PROBE marker a probe collector found.
# custom:
#   id: TST-PRB-001
#   severity: high
#   stride: [tampering]
#   remediation: Remove the marker.
package mlscan.controls.test.probe

import rego.v1

deny contains v if {
\tsome m in input.probe.markers
\tv := {"msg": sprintf("probe marker in %s", [m.loc.path]), "loc": m.loc, "asset": m.loc.path,
\t\t"key": sprintf("%d", [m.loc.line])}
}
"""


@dataclass(frozen=True)
class ProbeCollector:
    """Reports each line containing ``PROBE`` in .tf, .py, .toml and .json files."""

    family: str = "probe"

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        markers = []
        for f in ws.candidates():
            if f.suffix not in (".tf", ".py", ".toml", ".json"):
                continue
            for n, line in enumerate(ws.read_text(f.path).splitlines(), start=1):
                col = line.find("PROBE")
                if col >= 0 and "mlscan:ignore" not in line[:col]:
                    loc = {
                        "path": f.path,
                        "line": n,
                        "col": col + 1,
                        "end_line": n,
                        "end_col": col + 6,
                    }
                    markers.append({"loc": loc})
        return CollectorOutput(facts={"markers": markers})


@pytest.fixture
def probe_policy(tmp_path: Path) -> Path:
    d = tmp_path / "policy"
    _write(d, "probe.rego", PROBE_REGO)
    return d


def _probe_run(root: Path, policy: Path) -> list[tuple[str, int | None, bool, str]]:
    result = run(
        ScanOptions(
            paths=(str(root),),
            policy_dirs=(str(policy),),
            collectors=(ProbeCollector(),),
            today=TODAY,
        )
    )
    return [
        (
            f.location.path,
            f.location.start_line,
            f.suppressed,
            f.suppression.justification if f.suppression else "",
        )
        for f in result.findings
    ]


def test_hcl_python_and_toml_comment_syntaxes(tmp_path: Path, probe_policy: Path) -> None:
    root = tmp_path / "project"
    _write(
        root,
        "infra/main.tf",
        f"""
        resource "aws_s3_bucket" "m" {{
          # mlscan:ignore[TST-PRB-001] {REASON}
          bucket = "PROBE-hash"
          acl    = "PROBE-slash" // mlscan:ignore[TST-PRB-001] {REASON}
          /* mlscan:ignore[TST-PRB-001] {REASON} */
          tags   = {{ x = "PROBE-block" }}
          policy = "PROBE-active"
        }}
        """,
    )
    _write(
        root,
        "serving/app.py",
        f"""
        TOKEN = "PROBE"  # mlscan:ignore[TST-PRB-001] {REASON}
        # mlscan:ignore[TST-PRB-001] {REASON}
        URL = "PROBE"
        OTHER = "PROBE"
        """,
    )
    _write(
        root,
        "pyproject.toml",
        f"""
        [tool.serving]
        # mlscan:ignore[TST-PRB-001] {REASON}
        key = "PROBE"
        other = "PROBE"  # mlscan:ignore[TST-PRB-001] {REASON}
        """,
    )
    why = "dev stack, ticket SEC-1"
    assert _probe_run(root, probe_policy) == [
        ("infra/main.tf", 3, True, why),
        ("infra/main.tf", 4, True, why),
        ("infra/main.tf", 6, True, why),
        ("infra/main.tf", 7, False, ""),
        ("pyproject.toml", 3, True, why),
        ("pyproject.toml", 4, True, why),
        ("serving/app.py", 1, True, why),
        ("serving/app.py", 3, True, why),
        ("serving/app.py", 4, False, ""),
    ]


def test_config_ignore_covers_json_and_expires(tmp_path: Path, probe_policy: Path) -> None:
    root = tmp_path / "project"
    _write(root, "policies/legacy.json", '{"Statement": "PROBE"}\n')
    _write(root, "policies/other.json", '{"Statement": "PROBE"}\n')
    _write(root, "policies/old.json", '{"Statement": "PROBE"}\n')
    _write(
        root,
        ".mlscan.yaml",
        """
        ignore:
          - control: TST-PRB-001
            path: policies/legacy.json
            reason: "vendor bucket"
            expires: 2099-01-01
          - {control: TST-PRB-001, path: policies/old.json, reason: old, expires: 2020-01-01}
        """,
    )
    result = run(
        ScanOptions(
            paths=(str(root),),
            policy_dirs=(str(probe_policy),),
            collectors=(ProbeCollector(),),
            today=TODAY,
        )
    )
    got = {
        f.location.path: (
            f.suppressed,
            f.suppression.kind if f.suppression else None,
            f.suppression.expired if f.suppression else None,
        )
        for f in result.findings
    }
    assert got == {
        "policies/legacy.json": (True, "external", False),
        "policies/old.json": (False, "external", True),
        "policies/other.json": (False, None, None),
    }
    (old,) = [f for f in result.findings if f.location.path == "policies/old.json"]
    assert old.message == "probe marker in policies/old.json"
    text = render("text", result)
    assert "probe marker in policies/old.json  (suppression expired on 2020-01-01)" in text


def test_a_config_ignore_without_reason_is_rejected(tmp_path: Path) -> None:
    _write(
        tmp_path,
        ".mlscan.yaml",
        "ignore:\n  - {control: MLS-MLF-001, path: Dockerfile}\n",
    )
    res = run_cli("scan", str(tmp_path))
    assert res.code == 2
    assert "reason" in res.err and ".mlscan.yaml" in res.err
