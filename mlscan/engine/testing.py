"""The engine side of ``mlscan policy test``: a policy set compiled with its tests, its
rules' syntax tree, one rule evaluated at a time, and the line coverage of that
evaluation. ``mlscan.policy.testing`` runs the tests and judges the convention through
this interface only; nothing outside ``mlscan/engine/`` touches regorus."""

from __future__ import annotations

import json
from typing import Any

from mlscan.controls import PolicySet
from mlscan.engine.embedded import new_engine, reason, rego_error
from mlscan.errors import EngineError

UNDEFINED = '"<undefined>"'  # what evaluating an undefined rule returns


class PolicyTestEngine:
    """Every file of ``policies`` (tests included) in one engine; raises PolicyError
    (file, line, reason) for a file that does not compile."""

    def __init__(self, policies: PolicySet, *, coverage: bool = False) -> None:
        self._engine = new_engine()
        if coverage:
            self._engine.set_enable_coverage(True)
        for f in policies.files:
            try:
                self._engine.add_policy(f.shown, f.text)
            except Exception as exc:  # regorus raises RuntimeError carrying "--> file:line:col"
                raise rego_error(f.shown, exc) from exc

    def modules(self) -> list[dict[str, Any]]:
        """The syntax tree of every module: ``[{"source": {"file": ...}, "ast": {...}}]``."""
        value = json.loads(self._engine.get_ast_as_json())
        return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []

    def eval_rule(self, ref: str) -> str:
        """The value of ``ref`` as JSON text (``UNDEFINED`` when undefined); raises
        EngineError with the engine's one-line reason for a runtime error."""
        try:
            return str(self._engine.eval_rule_as_json(ref))
        except Exception as exc:  # a conflict, a type error, ...
            raise EngineError(reason(str(exc))) from exc

    def clear_coverage(self) -> None:
        self._engine.clear_coverage_data()

    def coverage(self) -> dict[str, tuple[set[int], set[int]]]:
        """Per file: (covered lines, not covered lines) since the last clear."""
        report = json.loads(self._engine.get_coverage_report_as_json())
        return {
            str(f["path"]): (set(f.get("covered") or ()), set(f.get("not_covered") or ()))
            for f in report.get("files", [])
        }
