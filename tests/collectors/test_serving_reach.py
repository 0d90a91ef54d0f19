"""Serving entry points and import resolution (mlscan/collectors/serving/reach.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from mlscan.collectors.serving.reach import (
    entry_evidence,
    imported_modules,
    included_modules,
    serving_paths,
)


def _tree(src: str) -> ast.Module:
    return ast.parse(textwrap.dedent(src))


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("def model_fn(model_dir):\n    return None\n", "sagemaker-handler:model_fn"),
        ("def lambda_handler(event, context):\n    return {}\n",
         "lambda-handler:lambda_handler"),
        ("import kserve\nclass Scorer(kserve.Model):\n    pass\n",
         "model-server-class:Scorer(kserve.Model)"),
        ("from kserve import Model as Base\nclass Churn(Base):\n    pass\n",
         "model-server-class:Churn(kserve.Model)"),
        ("from kserve import ModelServer\nModelServer().start([make()])\n",
         "model-server:kserve.ModelServer"),
        ("from bentoml import service\n@service\nclass Svc:\n    pass\n",
         "service-class:Svc(@bentoml.service)"),
        ("import bentoml\n@bentoml.service\nclass Svc:\n    pass\n",
         "service-class:Svc(@bentoml.service)"),
        ("class Tagger:\n    def predict(self, X, features_names=None):\n        return X\n",
         "seldon-class:Tagger"),
        ("def predict(rows):\n    return rows\n", None),  # a helper is no entry point
    ],
)
def test_entry_evidence(src: str, why: str | None) -> None:
    assert entry_evidence(_tree(src)) == why


def test_imports_resolve_against_the_folders_above_and_packages() -> None:
    files = frozenset({
        "svc/api/main.py", "svc/api/__init__.py", "svc/core/__init__.py",
        "svc/core/loader.py", "svc/api/schemas.py", "mlflow.py",
    })  # fmt: skip
    tree = _tree("""
        import mlflow
        from core.loader import fetch
        from . import schemas
        from .schemas import Query
    """)
    assert sorted(imported_modules("svc/api/main.py", tree, files)) == [
        "mlflow.py",  # a project module shadowing the library is followed too
        "svc/api/schemas.py",
        "svc/core/__init__.py",
        "svc/core/loader.py",
    ]


def test_included_routers_and_serving_paths() -> None:
    files = frozenset({"app/main.py", "app/routers/score.py", "app/model.py"})
    main = _tree("""
        from fastapi import FastAPI
        from app.routers import score
        app = FastAPI()
        app.include_router(score.router)
    """)
    assert included_modules("app/main.py", main, files) == ["app/routers/score.py"]
    trees = {"app/main.py": main, "app/routers/score.py": _tree("from app.model import m\n"),
             "app/model.py": _tree("x = 1\n")}  # fmt: skip
    paths = serving_paths({"app/main.py": "web-app:fastapi"}, files, trees.get)
    assert [(p["path"], p["via"]) for p in paths] == [
        ("app/main.py", None),
        ("app/model.py", "app/routers/score.py"),
        ("app/routers/score.py", "app/main.py"),
    ]
