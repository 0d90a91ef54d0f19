"""Real files written by numpy, joblib, scikit-learn and MLflow (test dependencies through
mlflow): the analysis must parse them completely and stay quiet about benign ones."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path
from typing import Any

import pytest

from mlscan.collectors.artifacts.globals import classify
from mlscan.scan import ScanOptions, run
from tests.collectors.test_artifacts import collect

np = pytest.importorskip("numpy")
joblib = pytest.importorskip("joblib")
ensemble = pytest.importorskip("sklearn.ensemble")
linear_model = pytest.importorskip("sklearn.linear_model")


@pytest.fixture(scope="module")
def models() -> dict[str, Any]:
    rng = np.random.RandomState(0)
    x = rng.rand(40, 3)
    y = (x[:, 0] > 0.5).astype(int)
    return {
        "x": x,
        "forest": ensemble.RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y),
        "logreg": linear_model.LogisticRegression().fit(x, y),
    }


def test_joblib_and_pickle_files_from_the_libraries(tmp_path: Path,
                                                    models: dict[str, Any]) -> None:
    out = tmp_path / "models"
    out.mkdir()
    joblib.dump(models["forest"], out / "forest.joblib")
    joblib.dump(models["forest"], out / "forest_z.joblib", compress=("zlib", 3))
    joblib.dump(models["forest"], out / "forest_xz.joblib", compress=("xz", 3))
    (out / "logreg.pkl").write_bytes(pickle.dumps(models["logreg"], protocol=5))
    np.save(out / "x.npy", models["x"])
    np.save(out / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(out / "arrays.npz", x=models["x"])
    result, files = collect(tmp_path)
    assert result.notifications == ()
    summary = {p: (f["format"], f["verdict"], f["unanalysed_reason"]) for p, f in files.items()}
    assert summary == {
        "models/arrays.npz": ("npz", "safe", None),
        "models/forest.joblib": ("joblib", "suspicious", None),
        "models/forest_xz.joblib": ("joblib", "suspicious", None),
        "models/forest_z.joblib": ("joblib", "suspicious", None),
        "models/logreg.pkl": ("pickle", "suspicious", None),
        "models/objects.npy": ("numpy-object", "safe", None),
        "models/x.npy": ("numpy", "safe", None),
    }
    forest = files["models/forest.joblib"]
    assert forest["analysis"]["streams"] == 1  # every inline array was skipped exactly
    assert "joblib_inline_data" not in forest["analysis"]
    unknown = sorted(f"{g['module']}.{g['name']}" for g in forest["globals"]
                     if classify(g["module"], g["name"]) == "unknown")
    assert "sklearn.ensemble._forest.RandomForestClassifier" in unknown
    assert all(f["dangerous_globals"] == [] for f in files.values())


def test_mlflow_saved_model(tmp_path: Path, models: dict[str, Any]) -> None:
    mlflow_sklearn = pytest.importorskip("mlflow.sklearn")
    signature = pytest.importorskip("mlflow.models").infer_signature
    import sklearn

    pins = [f"scikit-learn=={sklearn.__version__}"]  # explicit: skips MLflow's slow inference
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow_sklearn.save_model(models["logreg"], str(tmp_path / "models/unsigned"),
                                  serialization_format="cloudpickle", pip_requirements=pins)
        mlflow_sklearn.save_model(
            models["logreg"], str(tmp_path / "models/typed"), serialization_format="pickle",
            signature=signature(models["x"], models["logreg"].predict(models["x"])),
            pip_requirements=pins)
    result = run(ScanOptions(paths=(str(tmp_path),)))
    got = sorted((f.control.id, f.location.path) for f in result.findings
                 if f.control.id.startswith("MLS-MOD"))
    assert got == [
        ("MLS-MOD-001", "models/typed/model.pkl"),
        ("MLS-MOD-001", "models/unsigned/model.pkl"),
        ("MLS-MOD-004", "models/typed/MLmodel"),
        ("MLS-MOD-004", "models/unsigned/MLmodel"),
        ("MLS-MOD-005", "models/unsigned/MLmodel"),
    ]
