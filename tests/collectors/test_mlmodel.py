"""MLmodel facts (artifacts.mlmodels) and the MLS-MOD-004..007 findings on them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from mlscan.collectors.artifacts.collector import ArtifactsCollector
from mlscan.collectors.base import CollectContext
from mlscan.config import Config
from mlscan.hashing import DigestService
from mlscan.scan import ScanOptions, run
from mlscan.workspace import Workspace

INSECURE_MLMODEL = textwrap.dedent("""\
    artifact_path: model
    flavors:
      python_function:
        env:
          conda: conda.yaml
          virtualenv: python_env.yaml
        loader_module: mlflow.sklearn
        model_path: ../../shared/model.pkl
        python_version: 3.10.12
      sklearn:
        pickled_model: model.pkl
        serialization_format: cloudpickle
        sklearn_version: 1.3.2
    mlflow_version: 2.9.2
    model_uuid: 4f0b2b5e
    """)

HARDENED_MLMODEL = textwrap.dedent("""\
    artifact_path: model
    flavors:
      python_function:
        data: model.xgb
        env:
          virtualenv: python_env.yaml
        loader_module: mlflow.xgboost
        python_version: 3.10.12
      xgboost:
        code: null
        data: model.xgb
        model_class: xgboost.sklearn.XGBClassifier
        model_format: xgb
        xgb_version: 2.0.3
    mlflow_version: 2.9.2
    signature:
      inputs: '[{"type": "double", "name": "income"}, {"type": "long", "name": "age"}]'
      outputs: '[{"type": "long"}]'
    """)

CONDA = textwrap.dedent("""\
    channels:
    - conda-forge
    dependencies:
    - python=3.10.12
    - pip<=23.3.1
    - numpy
    - pip:
      - mlflow==2.9.2
      - scikit-learn>=1.3
      - cloudpickle
    name: mlflow-env
    """)

PYTHON_ENV = textwrap.dedent("""\
    python: 3.10.12
    build_dependencies:
    - pip==23.3.1
    - setuptools
    - wheel==0.41.2
    dependencies:
    - -r requirements.txt
    """)

REQUIREMENTS = "mlflow==2.9.2\n# comment\ncloudpickle==3.0.0\nscikit-learn>=1.3,<2\n"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def insecure(root: Path) -> None:
    write(root, {"models/credit/MLmodel": INSECURE_MLMODEL, "models/credit/conda.yaml": CONDA,
                 "models/credit/python_env.yaml": PYTHON_ENV,
                 "models/credit/requirements.txt": REQUIREMENTS})


def hardened(root: Path) -> None:
    write(root, {
        "models/fraud/MLmodel": HARDENED_MLMODEL,
        "models/fraud/python_env.yaml": "python: 3.10.12\nbuild_dependencies:\n- pip==23.3.1\n"
                                        "dependencies:\n- -r requirements.txt\n",
        "models/fraud/requirements.txt": "mlflow==2.9.2\nxgboost==2.0.3\n",
    })


def mlmodels(root: Path) -> list[dict[str, Any]]:
    ws = Workspace.discover(root)
    out = ArtifactsCollector().collect(ws, CollectContext.create(ws, config=Config(),
                                                          digests=DigestService(ws)))
    assert out.notifications == ()
    return list(out.facts["mlmodels"])


def test_mlmodel_facts(tmp_path: Path) -> None:
    insecure(tmp_path)
    (fact,) = mlmodels(tmp_path)
    assert fact["path"] == "models/credit/MLmodel"
    assert fact["dir"] == "models/credit"
    flavors = {f["name"]: f for f in fact["flavors"]}
    assert flavors["sklearn"]["serialization_format"] == "cloudpickle"
    assert flavors["sklearn"]["pickled_model"] == "model.pkl"
    assert flavors["sklearn"]["deserialization"] == "cloudpickle"
    assert flavors["sklearn"]["loc"]["line"] == 10
    assert flavors["sklearn"]["deserialization_loc"] == {
        "path": "models/credit/MLmodel", "line": 12, "col": 5, "end_line": 12, "end_col": 38}
    assert flavors["python_function"]["loader_module"] == "mlflow.sklearn"
    assert flavors["python_function"]["deserialization"] is None
    assert fact["signature"] == {"present": False, "inputs": False, "outputs": False,
                                 "loc": {"path": "models/credit/MLmodel", "line": None,
                                         "col": None, "end_line": None, "end_col": None}}
    paths = [(p["flavor"], p["field"], p["value"], p["escapes"], p["loc"]["line"])
             for p in fact["paths"]]
    assert paths == [
        ("python_function", "env.conda", "conda.yaml", False, 5),
        ("python_function", "env.virtualenv", "python_env.yaml", False, 6),
        ("python_function", "model_path", "../../shared/model.pkl", True, 8),
        ("sklearn", "pickled_model", "model.pkl", False, 11),
    ]
    envs = {e["kind"]: e for e in fact["env_files"]}
    assert [e["kind"] for e in fact["env_files"]] == [
        "requirements.txt", "python_env.yaml", "conda.yaml"]
    conda = [(d["name"], d["pinned"], d["source"], d["loc"]["line"])
             for d in envs["conda.yaml"]["dependencies"]]
    assert conda == [("python", True, "conda", 4), ("pip", False, "conda", 5),
                     ("numpy", False, "conda", 6), ("mlflow", True, "pip", 8),
                     ("scikit-learn", False, "pip", 9), ("cloudpickle", False, "pip", 10)]
    req = [(d["name"], d["pinned"], d["loc"]["line"])
           for d in envs["requirements.txt"]["dependencies"]]
    assert req == [("mlflow", True, 1), ("cloudpickle", True, 3), ("scikit-learn", False, 4)]
    pyenv = [(d["name"], d["pinned"]) for d in envs["python_env.yaml"]["dependencies"]]
    assert pyenv == [("pip", True), ("setuptools", False), ("wheel", True)]


def test_signature_with_inputs(tmp_path: Path) -> None:
    hardened(tmp_path)
    (fact,) = mlmodels(tmp_path)
    assert fact["signature"]["present"] is True
    assert fact["signature"]["inputs"] is True
    assert fact["signature"]["loc"]["line"] == 16
    assert all(f["deserialization"] is None for f in fact["flavors"])
    assert not any(p["escapes"] for p in fact["paths"])


def test_absolute_and_uri_paths(tmp_path: Path) -> None:
    write(tmp_path, {"m/MLmodel": "flavors:\n  python_function:\n    data: /etc/model\n"
                                  "    artifacts:\n      vocab:\n        path: s3://b/vocab\n"
                                  "      tok:\n        path: ../tok.json\n"})
    (fact,) = mlmodels(tmp_path)
    assert [(p["field"], p["escapes"]) for p in fact["paths"]] == [
        ("data", True), ("artifacts.vocab.path", False), ("artifacts.tok.path", True)]


def test_invalid_mlmodel_is_a_notification(tmp_path: Path) -> None:
    write(tmp_path, {"m/MLmodel": "flavors: [unclosed\n"})
    ws = Workspace.discover(tmp_path)
    ctx = CollectContext.create(ws, config=Config(), digests=DigestService(ws))
    out = ArtifactsCollector().collect(ws, ctx)
    assert out.facts["mlmodels"] == []
    # the parse cache owns the one notification of a rejected file
    assert out.notifications == ()
    assert [(n.path, n.kind) for n in ctx.parsed.notifications] == [("m/MLmodel", "parse-error")]


def findings(root: Path, prefix: str = "MLS-MOD") -> list[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return sorted((f.control.id, f.location.path, f.location.start_line)
                  for f in result.findings if f.control.id.startswith(prefix))


def test_insecure_mlmodel_findings(tmp_path: Path) -> None:
    insecure(tmp_path)
    assert findings(tmp_path) == [
        ("MLS-MOD-004", "models/credit/MLmodel", 12),  # serialization_format: cloudpickle
        ("MLS-MOD-005", "models/credit/MLmodel", None),
        ("MLS-MOD-006", "models/credit/requirements.txt", 4),  # first unpinned, one per model
        ("MLS-MOD-007", "models/credit/MLmodel", 8),
    ]
    result = run(ScanOptions(paths=(str(tmp_path),)))
    (mod6,) = [f for f in result.findings if f.control.id == "MLS-MOD-006"]
    assert mod6.message == ("models/credit: 3 model environment dependencies are not pinned "
                            "to one version: cloudpickle, numpy, scikit-learn")
    assert [(r.path, r.start_line) for r in mod6.related] == [
        ("models/credit/requirements.txt", 4), ("models/credit/conda.yaml", 6),
        ("models/credit/conda.yaml", 9), ("models/credit/conda.yaml", 10)]
    (mod4,) = [f for f in result.findings if f.control.id == "MLS-MOD-004"]
    assert (mod4.location.start_col, mod4.location.end_col) == (5, 38)


def test_hardened_mlmodel_is_silent(tmp_path: Path) -> None:
    hardened(tmp_path)
    assert findings(tmp_path) == []


def test_inline_suppression_in_requirements(tmp_path: Path) -> None:
    insecure(tmp_path)
    (tmp_path / "models/credit/requirements.txt").write_text(
        "mlflow==2.9.2\n# comment\ncloudpickle==3.0.0\n"
        'scikit-learn>=1.3,<2  # mlscan:ignore[MLS-MOD-006] reason="range tested in CI"\n')
    result = run(ScanOptions(paths=(str(tmp_path),)))
    req = [f for f in result.findings if f.control.id == "MLS-MOD-006"
           and f.location.path == "models/credit/requirements.txt"]
    assert [(f.location.start_line, f.suppressed) for f in req] == [(4, True)]
    assert (req[0].location.start_col, req[0].location.end_col) == (1, 21)


def test_credentials_in_urls_never_reach_the_facts(tmp_path: Path) -> None:
    write(tmp_path, {
        "m/MLmodel": "flavors:\n  python_function:\n    artifacts:\n      vocab:\n"
                     "        path: https://bob:s3cr3t@files.example/vocab.txt\n",
        "m/requirements.txt": "private @ git+https://ci:ghp_TOKEN123@github.com/acme/p.git\n",
    })
    (fact,) = mlmodels(tmp_path)
    assert fact["paths"][0]["value"] == "https://***@files.example/vocab.txt"
    dep = fact["env_files"][0]["dependencies"][0]
    assert dep["spec"] == "private @ git+https://***@github.com/acme/p.git"
    assert dep["pinned"] is False
    assert "s3cr3t" not in repr(fact) and "ghp_TOKEN123" not in repr(fact)
