"""Which committed model files the project uses (``artifacts.files[].used_by``) and the
severity the model-file controls give the ones nothing uses (fixture: tests/fixtures/model_use)."""

from __future__ import annotations

import ast
from pathlib import Path

from mlscan.collectors.model_refs.dockerfile_refs import copy_sources
from mlscan.collectors.model_refs.link import model_use_links
from mlscan.collectors.model_refs.python_refs import references
from mlscan.collectors.model_refs.text_refs import is_config_file, words
from mlscan.scan import ScanOptions, run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "model_use"
MODEL_CONTROLS = ("MLS-MOD-001", "MLS-MOD-004", "MLS-MOD-005")

SOURCE = """\
import os, pickle, joblib
from pathlib import Path

ROOT = os.getenv("ROOT", "/opt/app")
PATH = "artifacts/clf.pkl"
clf = joblib.load(PATH)
enc = pickle.load(open(f"artifacts/{name}.pkl", "rb"))
emb = joblib.load(Path(ROOT) / "emb" / "table.joblib")
joblib.dump(clf, "artifacts/new_clf.pkl")
with open("artifacts/out.pkl", "wb") as fh:
    pickle.dump(enc, fh)
cfg = open("config.yaml", "r", encoding="utf-8")
OUT = "artifacts/retrained.pkl"
joblib.dump(clf, OUT)
"""


def test_patterns_of_loads_names_and_writes() -> None:
    got = [(r.pattern, r.kind, r.line) for r in references(ast.parse(SOURCE))]
    assert got == [
        ("/opt/app/emb/table.joblib", "load", 8),
        ("artifacts/*.pkl", "load", 7),
        ("artifacts/clf.pkl", "name", 5),
        ("artifacts/clf.pkl", "load", 6),
        ("config.yaml", "load", 12),
    ]


def test_dockerfile_copy_sources_skip_context_and_stages() -> None:
    text = (
        "FROM python:3.12\n"
        "COPY . /app\n"
        "COPY --from=build /w/model.onnx /m/\n"
        'COPY ["models/a.pkl", "models/b.pkl", "/m/"]\n'
        "ADD serving \\\n"
        "    /srv\n"
    )
    assert copy_sources(text) == [("models/a.pkl", 4), ("models/b.pkl", 4), ("serving", 5)]


def _file(path: str, model_dir: str | None = None) -> dict[str, object]:
    return {"path": path, "model_dir": model_dir, "pickle_based": True}


def _ref(
    pattern: str, path: str, line: int, source: str = "python", kind: str = "load"
) -> dict[str, object]:
    return {"source": source, "pattern": pattern, "kind": kind, "call": "x",
            "loc": {"path": path, "line": line}}  # fmt: skip


def test_link_resolves_relative_absolute_and_wildcard_patterns() -> None:
    facts = {
        "artifacts": {"files": [
            _file("models/a.pkl"), _file("svc/models/b.pkl"),
            _file("runs/7/artifacts/models/c.pkl"), _file("notebooks/d.pkl"),
        ]},
        "model_refs": {"complete": True, "references": [
            _ref("models/a.pkl", "src/app/api.py", 3),         # from the scan root
            _ref("/app/svc/models/b.pkl", "svc/main.py", 9),   # a tail of an image path
            _ref("models/*.pkl", "train/compare.py", 4),       # computed name, fixed folder
            _ref("d.pkl", "notebooks/look.py", 2, kind="name"),  # beside the script
        ]},
    }  # fmt: skip
    files = model_use_links(facts)["artifacts"]["files"]
    used = {f["path"]: [(u["path"], u["line"], u["kind"]) for u in f["used_by"]] for f in files}
    assert used == {
        "models/a.pkl": [
            ("src/app/api.py", 3, "python-load"),
            ("train/compare.py", 4, "python-load"),
        ],
        "svc/models/b.pkl": [("svc/main.py", 9, "python-load")],
        # a computed name under models/ does not reach a run's artifacts/models/ folder
        "runs/7/artifacts/models/c.pkl": [],
        "notebooks/d.pkl": [("notebooks/look.py", 2, "python-name")],
    }


def test_link_mlmodel_used_through_its_files_and_dvc() -> None:
    facts = {
        "artifacts": {
            "files": [_file("m/model.pkl", "m"), _file("n/model.pkl", "n")],
            "mlmodels": [{"path": "m/MLmodel", "dir": "m"}, {"path": "n/MLmodel", "dir": "n"}],
        },
        "model_refs": {"complete": True, "references": []},
        "dvc": {"outputs": [{"path": "m", "scheme": "local", "external": False,
                             "loc": {"path": "dvc.lock", "line": 12}}]},
    }  # fmt: skip
    art = model_use_links(facts)["artifacts"]
    assert [(m["path"], [(u["path"], u["line"], u["kind"]) for u in m["used_by"]])
            for m in art["mlmodels"]] == [
        ("m/MLmodel", [("dvc.lock", 12, "dvc-output")]),
        ("n/MLmodel", []),
    ]  # fmt: skip


def test_link_without_artifacts_adds_nothing() -> None:
    assert model_use_links({"model_refs": {"complete": True, "references": []}}) == {}


def test_link_after_a_partial_scan_adds_nothing() -> None:
    # a pre-commit file list: the code that loads a model may be out of view
    facts = {"artifacts": {"files": [_file("m.pkl")]}, "model_refs": {"complete": False}}
    assert model_use_links(facts) == {}


def test_explicit_file_scan_keeps_medium() -> None:
    # a file named on the command line: the rest of the project is not in view
    result = run(ScanOptions(paths=(str(FIXTURE / "models" / "legacy_ranker.pkl"),)))
    got = [
        (f.location.path.rsplit("/", 1)[-1], f.severity)
        for f in result.findings
        if f.control.id == "MLS-MOD-001"
    ]
    assert got == [("legacy_ranker.pkl", "medium")]


def test_fixture_used_models_medium_unused_low() -> None:
    result = run(ScanOptions(paths=(str(FIXTURE),)))
    got = {
        (f.control.id, f.location.path, f.location.start_line, f.severity)
        for f in result.findings
        if f.control.id in MODEL_CONTROLS
    }
    run_old = "experiments/mlruns/4/aa11bb22/artifacts/model"
    run_used = "experiments/mlruns/4/cc33dd44/artifacts/model"
    assert got == {
        # loaded by code, a notebook, a DVC stage, a parameter file, shipped in the image,
        # loaded by run id
        ("MLS-MOD-001", "models/ranker.joblib", None, "medium"),
        ("MLS-MOD-001", "models/vocab.pkl", None, "medium"),
        ("MLS-MOD-001", "models/scored.pkl", None, "medium"),
        ("MLS-MOD-001", "models/tree.pkl", None, "medium"),
        ("MLS-MOD-001", "models/encoder.pkl", None, "medium"),
        ("MLS-MOD-001", "exported/model.pkl", None, "medium"),
        ("MLS-MOD-004", "exported/MLmodel", 10, "medium"),
        ("MLS-MOD-005", "exported/MLmodel", None, "medium"),
        ("MLS-MOD-001", f"{run_used}/model.pkl", None, "medium"),
        ("MLS-MOD-004", f"{run_used}/MLmodel", 10, "medium"),
        ("MLS-MOD-005", f"{run_used}/MLmodel", None, "medium"),
        # only written by the project, or a run artifact nothing names: low
        ("MLS-MOD-001", "models/legacy_ranker.pkl", None, "low"),
        ("MLS-MOD-001", f"{run_old}/model.pkl", None, "low"),
        ("MLS-MOD-004", f"{run_old}/MLmodel", 10, "low"),
        ("MLS-MOD-005", f"{run_old}/MLmodel", None, "low"),
    }


def test_fixture_messages_say_why() -> None:
    result = run(ScanOptions(paths=(str(FIXTURE),)))
    msgs = {(f.control.id, f.location.path): f.message for f in result.findings}
    assert msgs[("MLS-MOD-001", "models/legacy_ranker.pkl")] == (
        "models/legacy_ranker.pkl is a pickle-based model file (pickle); nothing in the project "
        "loads it, but loading it can run arbitrary code"
    )
    assert msgs[("MLS-MOD-001", "models/ranker.joblib")] == (
        "models/ranker.joblib is a pickle-based model file (joblib); loading it can run "
        "arbitrary code"
    )


def test_config_words_and_skipped_files() -> None:
    text = (
        "serve:\n"
        "  model: /srv/models/clf.joblib\n"
        "  backup: s3://bucket/clf.joblib\n"
        "run: mlflow models serve -m runs:/9f8e/model\n"
        "notes: clf.joblib.bak\n"
    )
    assert words(text) == [("/srv/models/clf.joblib", 2), ("runs:/9f8e/model", 4)]
    assert is_config_file("deploy/k8s/serving.yaml")
    assert is_config_file("scripts/serve.sh")
    # a run's own metadata and the model's own MLmodel are not uses of it
    assert not is_config_file("mlruns/0/abc/meta.yaml")
    assert not is_config_file("models/churn/MLmodel")
    assert not is_config_file("dvc.lock")
