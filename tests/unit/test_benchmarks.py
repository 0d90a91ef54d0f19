"""Smoke test of the benchmark tree generator: shape of the tree, real md5s, and a scan
of it that succeeds with valid JSON. Never asserts times."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _generate(out: Path) -> Path:
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(out), "--projects", "1"],
        check=True,
    )
    return out / "project-000"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("bench") / "tree")


def _names(root: Path, pattern: str) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(pattern))


def test_tree_shape(tree: Path) -> None:
    assert sorted(p.name for p in tree.parent.iterdir()) == [".mlscan.yaml", "keys",
                                                              "project-000"]
    assert len(_names(tree / "data", "*.dvc")) == 40
    assert len(_names(tree, "*.tf")) == 10
    assert len(_names(tree / "k8s", "*.yaml")) == 5
    assert _names(tree / "policies", "*.json") == ["bucket-0.json", "bucket-1.json"]
    assert len(_names(tree / "models", "*.safetensors")) == 12
    assert _names(tree / "models", "*.sig") == [
        f"model-{k:02d}.safetensors.sig" for k in range(7)
    ]
    assert _names(tree / "models", "*.pkl") == [
        *(f"baseline-{k:02d}.pkl" for k in range(5)),
        *(f"legacy-{k:02d}.pkl" for k in range(3)),
    ]
    assert (tree / ".dvc" / "config").is_file()
    lock = (tree / "dvc.lock").read_text()
    assert lock.count("    - path: features/") == 100


def test_dvc_md5s_are_real(tree: Path) -> None:
    dvc = (tree / "data" / "part-007.csv.dvc").read_text()
    md5 = hashlib.md5((tree / "data" / "part-007.csv").read_bytes()).hexdigest()
    assert f"- md5: {md5}\n" in dvc
    lock = (tree / "dvc.lock").read_text()
    out_md5 = hashlib.md5((tree / "features" / "f-042.csv").read_bytes()).hexdigest()
    assert f"    - path: features/f-042.csv\n      hash: md5\n      md5: {out_md5}\n" in lock


def test_generation_is_deterministic(tree: Path, tmp_path: Path) -> None:
    again = _generate(tmp_path / "again")
    for rel in ("dvc.lock", "infra/stack_03.tf", "models/legacy-01.pkl",
                "models/model-05.safetensors"):
        assert (again / rel).read_bytes() == (tree / rel).read_bytes(), rel


def test_scan_of_generated_tree(tree: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mlscan", "scan", ".", "--format", "json"],
        cwd=tree, capture_output=True, text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "", "BC_SKIP_MAPPING": "TRUE",
             "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "HOME": str(tree)},
    )
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    malicious = sorted(f["location"]["path"] for f in report["findings"]
                       if f["control"] == "MLS-MOD-002")
    assert malicious == [f"models/legacy-{k:02d}.pkl" for k in range(3)]
    assert report["facts_summary"]["artifacts.files"] == 20
    assert report["facts_summary"]["dvc.outputs"] == 140



def test_scaled_fact_documents_keep_joins_one_to_one(tree: Path) -> None:
    # Each copy is renamed as another project, so per-resource findings grow exactly with
    # the copies; a join that multiplied (every bucket against every copy) would show.
    # Repository-level findings (one for the whole scan) stay at one.
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    from mlscan.controls import load_policy_set
    from mlscan.engine.embedded import EmbeddedEngine

    one, three = run.engine_bench(tree, (1, 3 * 560), 1)
    assert three.facts == 3 * one.facts
    assert three.input_mb > one.input_mb
    facts = run.collect_facts_quietly_in(tree)
    # the generated models gate nothing; name one for a person-level domain so that the
    # repository-level robustness control is in the comparison
    first = facts["robustness"]["models"][0]
    first["path"] = first["path"].replace("models/", "models/churn-")
    engine = EmbeddedEngine(load_policy_set())
    base = engine.evaluate(run.scale_facts(facts, 1)[0])
    scaled = engine.evaluate(run.scale_facts(facts, 3 * one.facts)[0])
    repo_level = {"mlscan.controls.robustness.adversarial_evaluation"}
    # the renamed model adds the one repository-level finding to the benchmark's count
    assert sum(len(v) for v in base.values()) == one.findings + 1 > 1
    for package, denies in base.items():
        want = len(denies) if package in repo_level else 3 * len(denies)
        assert len(scaled[package]) == want, package
    assert len(base["mlscan.controls.robustness.adversarial_evaluation"]) == 1


def test_generated_signatures_verify_except_the_changed_model(tree: Path) -> None:
    out = tree.parent  # the tree root holds the trusted key and .mlscan.yaml
    assert (out / ".mlscan.yaml").read_text(encoding="utf-8") == (
        "signing:\n  trusted_keys: [keys/model-signing.pub]\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mlscan", "scan", ".", "--format", "json", "--fail-on", "never"],
        cwd=out, capture_output=True, text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "", "BC_SKIP_MAPPING": "TRUE",
             "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "HOME": str(out)},
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    sig = sorted((f["control"], f["location"]["path"]) for f in report["findings"]
                 if f["control"].startswith("MLS-SIG")
                 and f["location"]["path"].endswith(".safetensors"))
    models = "project-000/models"
    assert sig == sorted(
        [("MLS-SIG-001", f"{models}/model-{k:02d}.safetensors") for k in range(7, 12)]
        + [("MLS-SIG-002", f"{models}/model-06.safetensors")]
    )
    facts = subprocess.run(
        [sys.executable, "-m", "mlscan", "facts", "."], cwd=out, capture_output=True,
        text=True, check=True,
        env={"PYTHONPATH": str(REPO), "PATH": "", "BC_SKIP_MAPPING": "TRUE",
             "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "HOME": str(out)},
    )
    status = {m["path"]: m["verification"]["status"]
              for m in json.loads(facts.stdout)["signatures"]["models"]
              if m["path"].endswith(".safetensors")}
    # the signature over model-06 is genuine; its manifest no longer matches (MLS-SIG-002)
    assert [p for p, st in sorted(status.items()) if st == "verified"] == [
        f"{models}/model-{k:02d}.safetensors" for k in range(7)
    ]
