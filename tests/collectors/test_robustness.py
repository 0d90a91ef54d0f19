"""Robustness collector: adversarial-evaluation evidence and serving input validation."""

from __future__ import annotations

from pathlib import Path

from mlscan.scan import ScanOptions, run


def _scan(root: Path) -> set[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return {
        (f.control.id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.control.id.startswith("MLS-ROB")
    }


def _project(root: Path, stage_cmd: str) -> None:
    (root / "models").mkdir()
    (root / "models" / "fraud.onnx").write_bytes(b"\x08\x01")
    (root / "src").mkdir()
    (root / "src" / "attack.py").write_text(
        "from art.attacks.evasion import HopSkipJump\n", encoding="utf-8"
    )
    (root / "dvc.yaml").write_text(f"stages:\n  rob:\n    cmd: {stage_cmd}\n", encoding="utf-8")


def test_fires_without_evidence_and_on_raw_sagemaker_input(tmp_path: Path) -> None:
    _project(tmp_path, "python src/train.py")
    (tmp_path / "serving").mkdir()
    (tmp_path / "serving" / "inference.py").write_text(
        "import json\n\n\ndef input_fn(request_body, content_type):\n"
        "    data = json.loads(request_body)\n    return data\n",
        encoding="utf-8",
    )
    assert _scan(tmp_path) == {
        ("MLS-ROB-001", "dvc.yaml", None),
        ("MLS-ROB-002", "serving/inference.py", 5),
    }


def test_silent_with_art_stage_and_validated_input(tmp_path: Path) -> None:
    _project(tmp_path, "python src/attack.py")
    (tmp_path / "serving").mkdir()
    (tmp_path / "serving" / "inference.py").write_text(
        "import jsonschema, json\nSCHEMA = {}\n\n\ndef input_fn(request_body, content_type):\n"
        "    data = json.loads(request_body)\n    jsonschema.validate(data, SCHEMA)\n"
        "    return data\n",
        encoding="utf-8",
    )
    assert _scan(tmp_path) == set()


def test_low_impact_assets_are_out_of_scope(tmp_path: Path) -> None:
    _project(tmp_path, "python src/train.py")
    (tmp_path / ".mlscan.yaml").write_text(
        "assets:\n  - {name: m, match: ['models/**'], impact: low}\n", encoding="utf-8"
    )
    assert _scan(tmp_path) == set()


def test_silent_without_any_pipeline_definition(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.onnx").write_bytes(b"\x08\x01")
    assert _scan(tmp_path) == set()


def test_ci_step_reproducing_a_textattack_stage_counts(tmp_path: Path) -> None:
    _project(tmp_path, "textattack attack --recipe textfooler --model-from-file src/m.py")
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: dvc repro rob\n",
        encoding="utf-8",
    )
    assert _scan(tmp_path) == set()
    from mlscan.collectors.base import CollectContext
    from mlscan.collectors.robustness.collector import RobustnessCollector
    from mlscan.config import Config
    from mlscan.hashing import DigestService
    from mlscan.workspace import Workspace

    ws = Workspace.discover(tmp_path)
    facts = (
        RobustnessCollector()
        .collect(ws, CollectContext.create(ws, config=Config(), digests=DigestService(ws)))
        .facts
    )
    assert [
        (e["kind"], e["tool"], e["loc"]["path"], e["loc"]["line"]) for e in facts["evidence"]
    ] == [
        ("ci-step", "textattack", ".github/workflows/ci.yml", 6),
        ("dvc-stage", "textattack", "dvc.yaml", 2),
    ]


def test_demo_model_without_assets_needs_no_adversarial_evaluation(tmp_path: Path) -> None:
    # a flower classifier deployed from CI: with no assets configured, nothing says it gates
    # a decision (no decision or person-level name, no personal data), so no MLS-ROB-001
    (tmp_path / "app" / "models").mkdir(parents=True)
    (tmp_path / "app" / "models" / "flower_model.joblib").write_bytes(b"\x80\x04K\x01.")
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "deploy.yml").write_text(
        "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker build -t api .\n",
        encoding="utf-8",
    )
    assert _scan(tmp_path) == set()
    # the same project with a fraud model is in scope
    (tmp_path / "app" / "models" / "fraud_model.joblib").write_bytes(b"\x80\x04K\x01.")
    assert _scan(tmp_path) == {("MLS-ROB-001", ".github/workflows/deploy.yml", None)}
