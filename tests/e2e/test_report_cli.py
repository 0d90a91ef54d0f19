"""End-to-end tests of ``mlscan report`` through the CLI: every format on the insecure
MLflow fixture, determinism, secrets that must never appear, hostile file names and
values, and the organisation-wide merge of SARIF logs."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlscan.cli.main import cli

REPO = Path(__file__).resolve().parents[2]
INSECURE = REPO / "tests" / "fixtures" / "mlflow" / "insecure"
HARDENED = REPO / "tests" / "fixtures" / "mlflow" / "hardened"
FORMATS = ("html", "markdown", "json", "threat-dragon")

HOSTILE_NAME = "<img src=x onerror=alert(1)>.yaml"
PLANTED = ("PlantedPw123", "S3cr3t-planted-Value-XYZ", "FAKEPASSWORD")


def report(*args: str) -> str:
    result = CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose file name, workload and container names carry HTML and Markdown
    payloads, and whose files hold planted secrets."""
    root = tmp_path_factory.mktemp("hostile") / "repo"
    root.mkdir()
    (root / HOSTILE_NAME).write_text(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        '  name: "x<script>alert(2)</script>"\n'
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        '        - name: "srv<img src=y onerror=alert(3)>|`md`**b**"\n'
        "          image: ghcr.io/mlflow/mlflow:v2.9.1\n"
        '          args: ["mlflow", "server", "--host", "0.0.0.0", "--backend-store-uri", '
        '"postgresql://u:PlantedPw123@db/x"]\n',
        encoding="utf-8",
    )
    (root / "basic_auth.ini").write_text(
        "[mlflow]\ndefault_permission = READ\nadmin_username = admin\n"
        "admin_password = S3cr3t-planted-Value-XYZ\n",
        encoding="utf-8",
    )
    return root


def test_json_report_of_insecure_fixture() -> None:
    data = json.loads(report(str(INSECURE), "--format", "json"))
    # the MLflow controls, exactly (controls of other families may add findings later)
    got = [
        (f["control"], f["location"]["path"], f["location"]["start_line"], f["risk"]["score"])
        for f in data["findings"]
        if f["control"].startswith("MLS-MLF-")
    ]
    assert got == [
        ("MLS-MLF-002", "basic_auth.ini", 5, 8),
        ("MLS-MLF-001", "deploy/docker-compose.yml", 10, 8),
        ("MLS-MLF-001", "k8s/mlflow.yaml", 13, 8),
        ("MLS-MLF-003", "basic_auth.ini", 2, 6),
        ("MLS-MLF-004", "deploy/docker-compose.yml", 5, 6),
        ("MLS-MLF-006", "deploy/docker-compose.yml", 7, 6),
        ("MLS-MLF-004", "deploy/docker-compose.yml", 12, 6),
        ("MLS-MLF-005", "deploy/docker-compose.yml", 14, 6),
        ("MLS-MLF-005", "k8s/mlflow.yaml", 14, 6),
        ("MLS-MLF-004", "k8s/mlflow.yaml", 17, 6),
    ]
    states = {c["id"]: c["state"] for c in data["controls"]}
    assert {k: v for k, v in states.items() if k.startswith("MLS-MLF-")} == {
        "MLS-MLF-001": "failed",
        "MLS-MLF-002": "failed",
        "MLS-MLF-003": "failed",
        "MLS-MLF-004": "failed",
        "MLS-MLF-005": "failed",
        "MLS-MLF-006": "failed",
        "MLS-MLF-007": "not-applicable",
    }
    assert states["MLS-SIG-001"] == "not-applicable"  # no model files in this fixture
    mlf = [f for f in data["findings"] if f["control"].startswith("MLS-MLF-")]
    assert len(mlf) == 10 and data["summary"]["by_severity"]["critical"] >= 3
    assert data["scope"]["files_by_family"]["mlflow"] == [
        "basic_auth.ini", "deploy/docker-compose.yml", "k8s/mlflow.yaml"
    ]
    assert re.fullmatch(r"[0-9a-f]{16}", data["scope"]["policy_hashes"][0])
    snippets = {(f["control"], f["location"]["start_line"]): (f["snippet"], f["snippet_withheld"])
                for f in data["findings"]}
    assert snippets[("MLS-MLF-005", 14)] in {("--allowed-hosts '*'", False),
                                              ("- --cors-allowed-origins", False)}
    assert snippets[("MLS-MLF-004", 12)] == (None, True)
    assert snippets[("MLS-MLF-003", 2)] == ("default_permission = EDIT", False)
    elements = {e["id"]: e for e in data["diagram"]["elements"]}
    assert elements["proc:mlflow:deploy/docker-compose.yml:mlflow"]["counts"] == {
        "spoofing": 3, "tampering": 1, "repudiation": 0, "information-disclosure": 3,
        "denial-of-service": 0, "elevation-of-privilege": 4,
    }
    assert "store:bucket:acme-models" in elements
    assert [p["control"] for p in data["remediation_plan"] if "MLF" in p["control"]] == [
        "MLS-MLF-001", "MLS-MLF-002", "MLS-MLF-004", "MLS-MLF-005", "MLS-MLF-003", "MLS-MLF-006"
    ]


def test_hardened_fixture_passes_its_controls() -> None:
    data = json.loads(report(str(HARDENED), "--format", "json"))
    assert data["findings"] == []
    states = {c["id"]: c["state"] for c in data["controls"]}
    assert states["MLS-MLF-001"] == "passed" and states["MLS-MLF-007"] == "not-applicable"
    md = report(str(HARDENED), "--format", "markdown")
    assert "Nothing to fix: no open findings." in md
    assert "No privacy controls failed" in md


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_byte_identical_and_undated(fmt: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    report(str(INSECURE), "--format", fmt, "--output", str(a))
    report(str(INSECURE), "--format", fmt, "--output", str(b))
    assert a.read_bytes() == b.read_bytes()
    assert not re.search(r"20\d\d-\d\d-\d\d", a.read_text(encoding="utf-8"))


def test_timestamps_add_the_date() -> None:
    dated = report(str(INSECURE), "--format", "html", "--timestamps")
    assert re.search(r"<tr><th>Date</th><td>\d{4}-\d{2}-\d{2}</td></tr>", dated)


def test_markdown_sections_and_tables() -> None:
    md = report(str(INSECURE), "--format", "markdown")
    for heading in ("## 1. Scope and method", "## 2. Executive summary", "## 3. Risk ranking",
                    "## 4. Threat model", "## 5. ML pipeline data-flow diagram",
                    "## 6. Control catalogue status", "## 7. Remediation plan"):
        assert heading in md
    assert "risk = likelihood \u00d7 business impact" in md
    assert "| 1 | **8** (4\u00d72) | `basic_auth.ini` |" in md
    # every table row has the same number of cells as its header
    for block in re.split(r"\n\n", md):
        rows = [r for r in block.splitlines() if r.startswith("| ")]
        if rows:
            widths = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
            assert len(widths) == 1, block


def test_threat_dragon_export() -> None:
    model = json.loads(report(str(INSECURE), "--format", "threat-dragon"))
    assert model["version"].startswith("2.")
    assert set(model) == {"version", "summary", "detail"}
    assert model["summary"]["title"] == "ML security report: insecure"
    diagram = model["detail"]["diagrams"][0]
    assert diagram["diagramType"] == "STRIDE"
    shapes: dict[str, int] = {}
    for cell in diagram["cells"]:
        shapes[cell["shape"]] = shapes.get(cell["shape"], 0) + 1
    assert shapes["trust-boundary-box"] == 3 and shapes["flow"] >= 5
    names = {(c["shape"], c["data"]["name"]) for c in diagram["cells"]}
    assert {("actor", "ML engineers / CI"), ("process", "MLflow server (mlflow)"),
            ("process", "MLflow server (mlflow/server)"), ("store", "acme-models"),
            ("store", "Tracking database")} <= names
    # the fields Threat Dragon's v2 schema requires
    assert {"contributors", "diagrams", "diagramTop", "reviewer", "threatTop"} <= set(
        model["detail"]
    )
    assert {"diagramType", "id", "thumbnail", "title", "version"} <= set(diagram)
    for cell in diagram["cells"]:
        assert {"id", "shape", "zIndex"} <= set(cell)
        assert {"hasOpenThreats", "name", "type"} <= set(cell["data"])
    ids = {c["id"] for c in diagram["cells"]}
    threats = []
    for cell in diagram["cells"]:
        if cell["shape"] == "flow":
            assert cell["source"]["cell"] in ids and cell["target"]["cell"] in ids
        threats += cell.get("data", {}).get("threats", [])
    findings = json.loads(report(str(INSECURE), "--format", "json"))["findings"]
    assert len(threats) == len(findings) == model["detail"]["threatTop"]
    allowed = {"Spoofing", "Tampering", "Repudiation", "Information disclosure",
               "Denial of service", "Elevation of privilege"}
    for t in threats:
        assert {"title", "status", "severity", "type", "description", "mitigation"} <= set(t)
        assert t["type"] in allowed and t["status"] == "Open" and t["modelType"] == "STRIDE"
        assert t["severity"] in {"High", "Medium", "Low"}
    titles = sorted(t["title"].split(":")[0] for t in threats)
    assert titles.count("MLS-MLF-004") == 3


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_hostile_names_are_escaped_in_html(hostile_repo: Path) -> None:
    html = report(str(hostile_repo), "--format", "html")
    parser = _Elements()
    parser.feed(html)
    assert "img" not in parser.tags and "script" not in parser.tags
    assert "onerror" not in parser.attrs
    assert "&lt;img src=x onerror=alert(1)&gt;.yaml" in html
    assert "x&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_hostile_names_are_escaped_in_markdown(hostile_repo: Path) -> None:
    md = report(str(hostile_repo), "--format", "markdown")
    assert "<img" not in md and "<script" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;.yaml" in md
    assert "\\|\\`md\\`\\*\\*b\\*\\*" in md  # no table break, no code span, no bold


@pytest.mark.parametrize("fmt", FORMATS)
def test_planted_secrets_never_appear(hostile_repo: Path, fmt: str, tmp_path: Path) -> None:
    out = report(str(hostile_repo), "--format", fmt)
    text = report(str(INSECURE), "--format", fmt)
    for secret in PLANTED:
        assert secret not in out and secret not in text
    assert "MLS-MLF-002" in out and "MLS-MLF-004" in out


def _sarif(path: Path, out: Path) -> Path:
    result = CliRunner().invoke(
        cli, ["scan", str(path), "--format", "sarif", "--output", str(out), "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_merge_sarif_logs_of_two_repositories(tmp_path: Path) -> None:
    other = tmp_path / "payments-ml"
    shutil.copytree(INSECURE, other)
    (other / "k8s" / "mlflow.yaml").unlink()
    a = _sarif(INSECURE, tmp_path / "a.sarif")
    b = _sarif(other, tmp_path / "b.sarif")
    dup = tmp_path / "a-again.sarif"
    dup.write_bytes(a.read_bytes())
    data = json.loads(report("--sarif", str(a), str(b), str(dup), "--format", "json"))
    assert data["scope"]["source"] == "sarif"
    assert data["scope"]["roots"] == ["insecure", "payments-ml"]
    assert data["scope"]["inputs"] == ["a.sarif", "b.sarif", "a-again.sarif"]
    n_a = len(json.loads(a.read_text(encoding="utf-8"))["runs"][0]["results"])
    n_b = len(json.loads(b.read_text(encoding="utf-8"))["runs"][0]["results"])
    assert n_a >= 10 and 0 < n_b < n_a  # payments-ml lacks k8s/mlflow.yaml and its findings
    assert data["scope"]["duplicates_removed"] == n_a
    per_repo: dict[str, int] = {}
    for f in data["findings"]:
        per_repo[f["repository"]] = per_repo.get(f["repository"], 0) + 1
    assert per_repo == {"insecure": n_a, "payments-ml": n_b}
    top = data["findings"][0]
    assert top["risk"]["score"] == 8 and top["severity"] == "critical"
    assert {c["id"]: c["state"] for c in data["controls"]}["MLS-MLF-007"] == "not-determined"
    elements = [e["id"] for e in data["diagram"]["elements"]]
    assert elements == ["proc:repository:insecure", "proc:repository:payments-ml"]
    html = report("--sarif", str(a), str(b), "--format", "html")
    assert "payments-ml: deploy/docker-compose.yml:10:7" in html
    # SARIF paths are relative to the repository root (code scanning), and this fixture
    # lives inside this repository
    assert "insecure: tests/fixtures/mlflow/insecure/k8s/mlflow.yaml:13:15" in html


def test_merge_rejects_a_file_that_is_not_sarif(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sarif"
    bad.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--sarif", str(bad)])
    assert result.exit_code != 0
    assert "bad.sarif: not a SARIF log" in str(result.exception) + result.output


EXAMPLE = REPO / "examples" / "sentiment-api" / "insecure"


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/sentiment-api not present")
def test_report_has_exactly_the_findings_of_scan() -> None:
    """The report runs the same pipeline as ``mlscan scan``: same findings, same
    fingerprints, same risk."""
    scanned = CliRunner().invoke(
        cli, ["scan", str(EXAMPLE), "--format", "json", "--fail-on", "never"]
    )
    assert scanned.exit_code == 0, scanned.output
    expected = sorted(
        (f["control"], f["location"]["path"], f["location"]["start_line"], f["fingerprint"],
         f["risk"]["score"])
        for f in json.loads(scanned.output)["findings"]
    )
    data = json.loads(report(str(EXAMPLE), "--format", "json"))
    got = sorted(
        (f["control"], f["location"]["path"], f["location"]["start_line"], f["fingerprint"],
         f["risk"]["score"])
        for f in data["findings"]
    )
    assert got == expected and got
    assert ("MLS-MLF-001", "deploy/docker-compose.yml") in {(g[0], g[1]) for g in got}
    # every finding is drawn on an element or flow of the diagram
    drawn = {e["id"] for e in data["diagram"]["elements"]} | {
        f["id"] for f in data["diagram"]["flows"]
    }
    assert all(f["element"] in drawn for f in data["findings"])


def test_business_impact_from_config_ranks_risks(tmp_path: Path) -> None:
    root = tmp_path / "platform"
    shutil.copytree(INSECURE, root)
    (root / ".mlscan.yaml").write_text(
        "assets:\n"
        "  - {name: model-registry, match: ['deploy/*'], impact: critical}\n"
        "  - {name: sandbox, match: ['k8s/*'], impact: low}\n",
        encoding="utf-8",
    )
    data = json.loads(report(str(root), "--format", "json"))
    ranked = [
        (f["control"], f["location"]["path"], f["location"]["start_line"], f["asset_label"],
         f["risk"]["score"])
        for f in data["findings"]
    ]
    assert ranked[:2] == [
        ("MLS-MLF-001", "deploy/docker-compose.yml", 10, "model-registry", 16),
        ("MLS-MLF-004", "deploy/docker-compose.yml", 5, "model-registry", 12),
    ]
    assert ranked[-1] == ("MLS-MLF-004", "k8s/mlflow.yaml", 17, "sandbox", 3)
    assert data["stride_matrix"][0]["asset"] == "model-registry"
    assert data["remediation_plan"][0]["control"] == "MLS-MLF-001"
    assert data["remediation_plan"][0]["max_risk"] == 16
